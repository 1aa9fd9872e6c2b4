import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CustomerStateBuilder, toMills } from '../../../src/engine/streaming/customer-builder.js';
import type { CustomerTable } from '../../../src/domain/customer-state.js';

/*
 * Issue 12, item 4: money in integer units through the engine. Amounts are booked as whole
 * thousandths of the major unit and summed as integers, so a customer's revenue and ledger are
 * the exact decimal sums (rounded once, to the nearest double) whatever the order of the rows,
 * which is what lets partial results merge in any order and every engine agree to the cent.
 */

type Event = { customer: string; day: number; kind: 'order' | 'refund' | 'lines'; amount: number };

function build(events: Event[]): CustomerTable {
  const b = new CustomerStateBuilder();
  for (const e of events) {
    const c = b.customerIndex(e.customer);
    if (e.kind === 'order') b.addOrder(c, e.day, e.amount);
    else if (e.kind === 'lines') b.addLines(c, e.day, e.amount);
    else b.addRefund(c, e.day, e.amount, 1);
  }
  return b.finalize(() => false).table;
}

/** The table keyed by customer id, so two builds in different row orders compare. */
function byCustomer(t: CustomerTable): Record<string, { revenue: number; ledger: [number, number, number][] }> {
  const out: Record<string, { revenue: number; ledger: [number, number, number][] }> = {};
  for (let i = 0; i < t.size; i++) {
    const ledger: [number, number, number][] = [];
    for (let k = t.ledgerStart[i]; k < t.ledgerStart[i + 1]; k++) ledger.push([t.ledgerDay[k], t.ledgerOrders[k], t.ledgerAmount[k]]);
    out[t.ids[i]] = { revenue: t.revenue[i], ledger };
  }
  return out;
}

describe('integer money in the streaming builder', () => {
  it('0.1 + 0.2 + 0.3 on one day is 0.6 in any order (floating point gives 0.6000000000000001 one way)', () => {
    const rows = (a: number[]): Event[] => a.map((amount) => ({ customer: 'c1', day: 100, kind: 'order', amount }));
    const forward = build(rows([0.1, 0.2, 0.3]));
    const backward = build(rows([0.3, 0.2, 0.1]));
    expect(forward.revenue[0]).toBe(0.6);
    expect(backward.revenue[0]).toBe(0.6);
    expect(Array.from(forward.ledgerAmount)).toEqual([0.6]);
    expect(Array.from(backward.ledgerAmount)).toEqual([0.6]);
  });

  it('a refund and the orders it nets against give the exact decimal net (19.99 + 5.01 - 25.00 = 0)', () => {
    const t = build([
      { customer: 'c1', day: 10, kind: 'order', amount: 19.99 },
      { customer: 'c1', day: 10, kind: 'order', amount: 5.01 },
      { customer: 'c1', day: 10, kind: 'refund', amount: -25 },
    ]);
    expect(t.revenue[0]).toBe(0);
    expect(t.orders[0]).toBe(2);
  });

  it('a day past 2.1 million in 32-bit mills is still exact (the big-amount side table), also mixed with small ones', () => {
    const t = build([
      { customer: 'big', day: 1, kind: 'order', amount: 2_000_000.001 },
      { customer: 'big', day: 1, kind: 'order', amount: 2_000_000.002 },
      { customer: 'big', day: 1, kind: 'refund', amount: -0.003 },
      { customer: 'big', day: 2, kind: 'order', amount: 9_876_543_210.987 },
      { customer: 'big', day: 3, kind: 'order', amount: -2_147_483.648 },
      { customer: 'small', day: 1, kind: 'order', amount: 1.5 },
    ]);
    expect(Array.from(t.ledgerAmount.subarray(t.ledgerStart[0], t.ledgerStart[1]))).toEqual([4_000_000, 9_876_543_210.987, -2_147_483.648]);
    expect(t.revenue[0]).toBe(Number(new Decimal('4000000').plus('9876543210.987').minus('2147483.648').toString()));
    expect(t.revenue[1]).toBe(1.5);
  });

  it('amounts finer than a thousandth are rounded half away from zero as they are booked', () => {
    expect(toMills(0.0005)).toBe(1);
    expect(toMills(-0.0005)).toBe(-1);
    expect(toMills(0.0004)).toBe(0);
    expect(toMills(1.2345)).toBe(1235);
    expect(toMills(-1.2345)).toBe(-1235);
    // sub-cent unit prices (UCI's 0.001) stay exact
    expect(toMills(0.001)).toBe(1);
    expect(toMills(12 * 0.085)).toBe(1020);
  });

  it('revenue and every ledger amount are the exact decimal sums, and any row order gives the same table (property)', () => {
    const event = fc.record({
      customer: fc.constantFrom('a', 'b', 'c', 'd'),
      day: fc.integer({ min: 0, max: 6 }),
      kind: fc.constantFrom('order' as const, 'order' as const, 'lines' as const, 'refund' as const),
      // up to three decimals, as exports write them, up to a million
      mills: fc.integer({ min: 0, max: 1_000_000_000 }),
    });
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 60 }), fc.integer(), (raw, seed) => {
        const events: Event[] = raw.map((e) => ({
          customer: e.customer,
          day: e.day,
          kind: e.kind,
          amount: (e.kind === 'refund' ? -1 : 1) * Number(new Decimal(e.mills).div(1000).toString()),
        }));
        // the events' own first row per customer is an order, so each has a counted order
        const firsts = new Set<string>();
        for (const e of events) {
          if (!firsts.has(e.customer)) {
            firsts.add(e.customer);
            e.kind = 'order';
            if (e.amount < 0) e.amount = -e.amount;
          }
        }
        const a = byCustomer(build(events));
        // a shuffled copy (deterministic from the seed)
        const shuffled = events.slice();
        let s = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        const b = byCustomer(build(shuffled));
        expect(b).toEqual(a);
        for (const [customer, row] of Object.entries(a)) {
          const exact = events.filter((e) => e.customer === customer).reduce((sum, e) => sum.plus(e.amount), new Decimal(0));
          expect(row.revenue).toBe(Number(exact.toString()));
          for (const [day, , amount] of row.ledger) {
            const dayExact = events.filter((e) => e.customer === customer && e.day === day).reduce((sum, e) => sum.plus(e.amount), new Decimal(0));
            expect(amount).toBe(Number(dayExact.toString()));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
