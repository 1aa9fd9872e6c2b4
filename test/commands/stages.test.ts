import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { dayFromCivil, formatDay } from '../../src/domain/dates.js';
import { STAGES } from '../../src/domain/stage.js';
import { runClm } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-stages-'));
let fileNo = 0;
function file(text: string): string {
  const p = join(dir, `f${fileNo++}.csv`);
  writeFileSync(p, text);
  return p;
}

const TH = ['--active-days', '30', '--churn-days', '60', '--loyal-min-orders', '3'];

function rows(csv: string): Record<string, string>[] {
  return parse(csv, { columns: true });
}

async function stagesByCustomer(args: string[]): Promise<Record<string, Record<string, string>>> {
  const r = await runClm(['stages', ...args, '--per-customer', '--format', 'csv']);
  // nothing on stderr but the warning that the as-of date is long after the last order
  expect(r.stderr.split('\n').filter((l) => l !== '' && !/the as-of date is [\d,]+ days after the last counted order/.test(l))).toEqual([]);
  expect(r.code).toBe(0);
  return Object.fromEntries(rows(r.stdout).map((x) => [x.customer_id, x]));
}

describe('clm stages, hand-worked through the reader (as of 2024-06-30; active 30, churn 60, loyal 3)', () => {
  const orders = file(
    [
      'order_id,customer_id,order_date,amount,status',
      'o1,active30,2024-05-31,10,paid', // exactly 30 days: not past active_days
      'o2,risk31,2024-05-30,10,paid', // 31 days: at risk
      'o3,risk60,2024-04-01,10,paid',
      'o4,risk60,2024-05-01,10,paid', // exactly 60 days: at risk, not churned
      'o5,churn61,2024-04-30,10,paid', // 61 days: churned
      'o6,sameday,2024-06-29,10,paid',
      'o7,sameday,2024-06-29,15,paid', // two orders, one purchase day: new
      'o8,future,2024-06-01,10,paid',
      'o9,future,2024-07-15,10,paid', // after the as-of date: excluded, so still new
      'o10,refunded,2024-05-01,20,paid',
      'o11,refunded,2024-06-25,20,refunded', // fully refunded: not an order, last order stays 2024-05-01
      'o12,lead,2024-06-20,30,cancelled', // a prospect whose only order was cancelled
      'o13,back,2023-01-10,10,paid',
      'o14,back,2023-02-10,10,paid',
      'o15,back,2024-06-20,10,paid', // gap of 496 days > churn: reactivated
      'o16,loyal,2024-06-01,10,paid',
      'o17,loyal,2024-06-10,10,paid',
      'o18,loyal,2024-06-20,10,paid',
      'o19,fan,2024-06-01,10,paid',
      'o20,fan,2024-06-10,10,paid',
      'o21,fan,2024-06-20,10,paid',
      'o22,twice,2024-06-01,10,paid',
      'o23,twice,2024-06-20,10,paid',
      'o24,twice,2024-06-25,-5,paid', // a refund row: no purchase day
    ].join('\n'),
  );
  const customers = file(['customer_id,referrals', 'lead,0', 'fan,2', 'loyal,0'].join('\n'));

  it('assigns each rule and boundary as worked out by hand', async () => {
    const got = await stagesByCustomer(['--orders', orders, '--customers', customers, '--as-of', '2024-06-30', ...TH]);
    const stage = Object.fromEntries(Object.entries(got).map(([k, v]) => [k, v.stage]));
    expect(stage).toEqual({
      active30: 'new',
      risk31: 'at_risk',
      risk60: 'at_risk',
      churn61: 'churned',
      sameday: 'new',
      future: 'new',
      refunded: 'at_risk',
      lead: 'prospect',
      back: 'reactivated',
      loyal: 'loyal',
      fan: 'advocate',
      twice: 'active',
    });
    expect(got.sameday.orders).toBe('2');
    expect(got.sameday.purchase_days).toBe('1');
    expect(got.twice.revenue).toBe('15.00');
    expect(got.lead.recency_days).toBe('');
  });

  it('derives thresholds from the data and explains them', async () => {
    const r = await runClm(['stages', '--orders', orders, '--customers', customers, '--as-of', '2024-06-30', '--explain', '--format', 'json']);
    expect(r.code).toBe(0);
    const meta = JSON.parse(r.stdout).meta;
    expect(meta.thresholds.source).toEqual({ active_days: 'data', churn_days: 'data', loyal_min_orders: 'data' });
    // gaps of repeat customers: risk60 30; back 31, 496; loyal 9, 10; fan 9, 10; twice 19 -> p80 (rank 7 of 8) = 31
    expect(meta.thresholds.basis.gap_p80_days).toBe(31);
    expect(meta.thresholds.active_days).toBe(31);
    expect(meta.thresholds.churn_days).toBe(62);
    expect(r.stderr).toContain('active_days = 31');
    expect(r.stderr).toContain('80th percentile of 8 gaps');
  });

  it('shades the transition shares on a colour terminal, and only there', async () => {
    const args = ['stages', '--orders', orders, '--customers', customers, '--as-of', '2024-06-30', '--from', '2024-06-01', ...TH, '--format', 'table'];
    const tty = await runClm(args, { tty: true });
    // 256-colour background (48;5;N) on the share cells
    expect(tty.stdout).toMatch(/\u001b\[48;5;\d+m/);
    const plain = await runClm(args, { tty: true, env: { NO_COLOR: '1' } });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    expect(plain.stdout).toContain('Transitions since 2024-06-01 (share of each row)');
  });

  it('rejects contradictory thresholds and bad --from dates with exit 2', async () => {
    const bad = await runClm(['stages', '--orders', orders, '--active-days', '90', '--churn-days', '30']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('churn_days (30, from --churn-days) is less than active_days (90, from --active-days)');
    const late = await runClm(['stages', '--orders', orders, '--as-of', '2024-06-30', '--from', '2024-07-01']);
    expect(late.code).toBe(2);
    expect(late.stderr).toContain('--from 2024-07-01 is not before the as-of date 2024-06-30');
    const notNum = await runClm(['stages', '--orders', orders, '--active-days', 'ninety']);
    expect(notNum.code).toBe(2);
    expect(notNum.stderr).toContain('--active-days "ninety" is not a whole number');
  });
});

describe('transitions (property)', () => {
  const start = dayFromCivil(2023, 1, 1);
  const customerArb = fc.record({
    listed: fc.boolean(),
    orders: fc.array(fc.record({ day: fc.integer({ min: 0, max: 500 }), kind: fc.constantFrom('paid', 'paid', 'paid', 'cancelled', 'refund') }), { maxLength: 6 }),
    referrals: fc.constantFrom('', '0', '1'),
    signup: fc.option(fc.integer({ min: 0, max: 500 })),
  });

  // a listed customer is a prospect from its signup date (always, without one)
  it("a customer's stage at DATE equals clm stages --as-of DATE, and the matrix sums to the customers known now", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(customerArb, { minLength: 1, maxLength: 25 }), fc.integer({ min: 50, max: 450 }), async (cs, cut) => {
        const lines = ['order_id,customer_id,order_date,amount,status'];
        const listed = ['customer_id,referrals,signup_date'];
        let n = 0;
        cs.forEach((c, k) => {
          if (c.listed) listed.push(`c${k},${c.referrals},${c.signup === null ? '' : formatDay(start + c.signup)}`);
          for (const o of c.orders) {
            const amount = o.kind === 'refund' ? '-3.00' : '12.50';
            lines.push(`o${n++},c${k},${formatDay(start + o.day)},${amount},${o.kind === 'cancelled' ? 'cancelled' : 'paid'}`);
          }
        });
        // a counted order on the first day, so every as-of date in range has one (none at all is exit 3)
        lines.push(`o${n++},c0,${formatDay(start)},1.00,paid`);
        const orders = file(lines.join('\n'));
        const inputs = ['--orders', orders, ...(listed.length > 1 ? ['--customers', file(listed.join('\n'))] : []), ...TH];
        const asOf = formatDay(start + 500);
        const date = formatDay(start + cut);
        const now = await stagesByCustomer([...inputs, '--as-of', asOf, '--from', date]);
        const then = await stagesByCustomer([...inputs, '--as-of', date]);
        for (const [id, row] of Object.entries(now)) {
          if (row.previous_stage === 'not_yet_customer') expect(then[id], id).toBeUndefined();
          else expect(row.previous_stage, id).toBe(then[id]?.stage);
        }
        for (const id of Object.keys(then)) expect(now[id], id).toBeDefined();
        const m = await runClm(['stages', ...inputs, '--as-of', asOf, '--from', date, '--format', 'csv', '--table', 'transitions']);
        const total = rows(m.stdout).reduce((s, r) => s + STAGES.reduce((t, st) => t + Number(r[st]), 0), 0);
        expect(total).toBe(Object.keys(now).length);
      }),
      { numRuns: 25 },
    );
  });
});
