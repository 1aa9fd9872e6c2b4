import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCustomerState } from '../../src/engine/streaming/read-orders.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-rec-'));

/** A messy row: each kind ends in a known bucket. */
const rowKind = fc.constantFrom(
  'ok', 'ok', 'ok', 'ok', 'zero', 'refund', 'bad_date', 'bad_amount', 'no_customer', 'cancelled', 'pending', 'unknown_status',
  'future', 'duplicate', 'fields', 'other_currency', 'quoted', 'refund_stranger',
);

const rowArb = fc.record({
  kind: rowKind,
  customer: fc.integer({ min: 1, max: 30 }),
  day: fc.integer({ min: 1, max: 28 }),
  cents: fc.integer({ min: 1, max: 99_999 }),
});

describe('every row is accounted for', () => {
  it('rows read = used + excluded + rejected, bucket by bucket, over generated messy input', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 200 }), fc.boolean(), async (rows, crlf) => {
        const lines = ['order_id,customer_id,order_date,amount,status,currency'];
        const expected = new Map<string, number>();
        const bump = (k: string): void => void expected.set(k, (expected.get(k) ?? 0) + 1);
        const buyers = new Set<number>();
        let claimed = false;
        rows.forEach((r, i) => {
          if (i === 0 && !['bad_date', 'bad_amount', 'fields', 'duplicate'].includes(r.kind)) claimed = true;
          const amt = (r.cents / 100).toFixed(2);
          const date = `2024-02-${String(r.day).padStart(2, '0')}`;
          const id = `o${i}`;
          switch (r.kind) {
            case 'ok': lines.push(`${id},c${r.customer},${date},${amt},paid,USD`); buyers.add(r.customer); return bump('order');
            case 'zero': lines.push(`${id},c${r.customer},${date},0,paid,USD`); buyers.add(r.customer); return bump('order');
            case 'quoted': lines.push(`"${id}","c${r.customer}","${date}","1,${String(r.cents % 1000).padStart(3, '0')}.00","paid","USD"`); buyers.add(r.customer); return bump('order');
            case 'refund': lines.push(`${id},c${r.customer},${date},-${amt},refunded,USD`); return bump(`refund:${r.customer}`);
            case 'refund_stranger': lines.push(`${id},stranger${r.customer},${date},-${amt},paid,USD`); return bump('refund_without_order');
            case 'bad_date': lines.push(`${id},c${r.customer},2024-02-31,${amt},paid,USD`); return bump('rejected:bad_date');
            case 'bad_amount': lines.push(`${id},c${r.customer},${date},12.3.4,paid,USD`); return bump('rejected:bad_amount');
            case 'no_customer': lines.push(`${id},,${date},${amt},paid,USD`); return bump('no_customer_id');
            case 'cancelled': lines.push(`${id},c${r.customer},${date},${amt},Cancelled,USD`); return bump('status_cancelled');
            case 'pending': lines.push(`${id},c${r.customer},${date},${amt},pending,USD`); return bump('status_pending');
            case 'unknown_status': lines.push(`${id},c${r.customer},${date},${amt},on the moon,USD`); return bump('status_unknown');
            case 'future': lines.push(`${id},c${r.customer},2024-03-${String(r.day).padStart(2, '0')},${amt},paid,USD`); return bump('after_as_of');
            case 'duplicate':
              // the first row with id o0 that is not rejected claims it; later ones are duplicates
              lines.push(`o0,c${r.customer},${date},${amt},paid,USD`);
              if (claimed) return bump('duplicate_order_id');
              claimed = true;
              buyers.add(r.customer);
              return bump('order');
            case 'fields': lines.push(`${id},c${r.customer},${date},${amt},paid`); return bump('rejected:field_count');
            case 'other_currency': lines.push(`${id},c${r.customer},${date},${amt},paid,EUR`); return bump('other_currency');
          }
        });
        const path = join(dir, `messy-${n++}.csv`);
        writeFileSync(path, lines.join(crlf ? '\r\n' : '\n') + (crlf ? '\r\n' : '\n'));
        const read = (): ReturnType<typeof readCustomerState> =>
          readCustomerState({
            orders: path,
            map: { orders: new Map(), customers: new Map(), payments: new Map() },
            currency: 'USD',
            asOf: 19_782, // 2024-02-29
            asOfSource: 'flag',
            warn: () => {},
            grain: 'order', // one row per order, some repeated on purpose
          });
        // no counted order at all is a data error naming the reasons, not an empty result
        if ((expected.get('order') ?? 0) === 0) {
          await expect(read()).rejects.toThrow(/no counted order in \d+ rows/);
          return;
        }
        const data = await read();
        const rec = data.reconciliation;
        const excluded = [...rec.excluded.values()].reduce((a, b) => a + b, 0);
        const rejected = [...rec.rejected.values()].reduce((a, b) => a + b, 0);
        expect(rec.rowsRead).toBe(rows.length);
        expect(rec.orderRows + rec.refundRows + excluded + rejected).toBe(rec.rowsRead);
        for (const reason of ['duplicate_order_id', 'no_customer_id', 'status_cancelled', 'status_pending', 'status_unknown', 'after_as_of', 'other_currency']) {
          expect(rec.excluded.get(reason) ?? 0, reason).toBe(expected.get(reason) ?? 0);
        }
        for (const reason of ['bad_date', 'bad_amount', 'field_count']) {
          expect(rec.rejected.get(reason) ?? 0, reason).toBe(expected.get(`rejected:${reason}`) ?? 0);
        }
        // a refund of someone who never bought is excluded; the others reduce revenue
        let strandedRefunds = expected.get('refund_without_order') ?? 0;
        for (const [k, v] of expected) {
          const m = /^refund:(\d+)$/.exec(k);
          if (m && !buyers.has(Number(m[1]))) strandedRefunds += v;
        }
        expect(rec.excluded.get('refund_without_order') ?? 0).toBe(strandedRefunds);
      }),
      { numRuns: 100 },
    );
  });
});
