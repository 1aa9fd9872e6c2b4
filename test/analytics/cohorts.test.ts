import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averageByK, cohortMatrix, cohortPeriods, cumulativeValues, revenueRetention, type CohortMatrix } from '../../src/analytics/cohorts.js';
import type { CustomerTable } from '../../src/domain/customer-state.js';
import { day, ledgerTable, order, refund, type Ev } from '../helpers/ledger-table.js';
import { formatPeriod, type PeriodUnit } from '../../src/domain/period.js';

/** The shared fixture builder, with an optional `channel` attribute per customer id. */
function tableOf(customers: [string, Ev[]][], channel?: Record<string, string>): CustomerTable {
  return ledgerTable(customers, channel ? { channel } : {});
}

/** The matrix as plain data, for comparisons. */
function plain(m: CohortMatrix): unknown[] {
  return m.cohorts.map((c) => ({
    group: m.groups[c.group],
    cohort: formatPeriod(m.unit, c.period),
    size: c.size,
    lastK: c.lastK,
    active: [...c.active],
    orders: [...c.orders],
    revenue: [...c.revenue].map((x) => Math.round(x * 1e6) / 1e6),
  }));
}

describe('cohortMatrix, worked by hand (monthly, as of 2024-03-15)', () => {
  const t = tableOf([
    // cohort 2024-01: two orders in January, one in March
    ['A', [order('2024-01-05', 100), order('2024-01-20', 50), order('2024-03-02', 30)]],
    // cohort 2024-01: a refund in February makes February's revenue negative, not B active
    ['B', [order('2024-01-31', 80), refund('2024-02-10', 20)]],
    // cohort 2024-02 (leap day), active again on March 1st
    ['C', [order('2024-02-29', 40), order('2024-03-01', 10)]],
    // a prospect: no cohort
    ['D', []],
    // a refund dated before the first order counts in k = 0
    ['E', [refund('2023-12-20', 5), order('2024-02-03', 60)]],
  ]);
  const m = cohortMatrix(t, { unit: 'month', asOf: day('2024-03-15') });

  it('sizes, active customers, orders and net revenue per cohort and k', () => {
    expect(plain(m)).toEqual([
      { group: '', cohort: '2024-01', size: 2, lastK: 2, active: [2, 0, 1], orders: [3, 0, 1], revenue: [230, -20, 30] },
      { group: '', cohort: '2024-02', size: 2, lastK: 1, active: [2, 1], orders: [2, 1], revenue: [95, 10] },
    ]);
    expect(m.customers).toBe(4);
    expect(m.refundsBeforeFirstOrder).toBe(1);
    expect(formatPeriod('month', m.asOfPeriod)).toBe('2024-03');
    expect(m.asOfPeriodComplete).toBe(false);
  });

  it('revenue retention and cumulative value per customer', () => {
    const [jan, feb] = m.cohorts;
    expect(revenueRetention(jan, 1)).toBeCloseTo(-20 / 230, 12);
    expect(revenueRetention(jan, 2)).toBeCloseTo(30 / 230, 12);
    expect([...cumulativeValues(jan)]).toEqual([115, 105, 120]);
    expect([...cumulativeValues(feb)]).toEqual([47.5, 52.5]);
  });

  it('averages per k leave out the incomplete as-of period', () => {
    const a = averageByK(m, m.cohorts);
    expect(a.map((x) => [x.k, x.cohorts, x.size, x.active, x.retention])).toEqual([
      [0, 2, 4, 4, 1],
      [1, 1, 2, 0, 0], // February's k = 1 is March, not over on the 15th
      [2, 0, 0, 0, null],
    ]);
    expect(a[0].ltv).toBe((230 + 95) / 4);
    expect(a[1].netRevenueRetention).toBeCloseTo(-20 / 230, 12);
    expect(a[0].ordersPerCustomer).toBe(5 / 4);
  });

  it('as of the last day of March every period is complete', () => {
    const end = cohortMatrix(t, { unit: 'month', asOf: day('2024-03-31') });
    expect(end.asOfPeriodComplete).toBe(true);
    const a = averageByK(end, end.cohorts);
    expect(a.map((x) => [x.k, x.cohorts, x.size, x.active])).toEqual([
      [0, 2, 4, 4],
      [1, 2, 4, 1],
      [2, 1, 2, 1],
    ]);
    expect(a[1].retention).toBe(0.25);
    // size-weighted revenue retention: (2 × -20/230 + 2 × 10/95) / 4; net: (-20 + 10) / (230 + 95)
    expect(a[1].revenueRetention).toBeCloseTo((2 * (-20 / 230) + 2 * (10 / 95)) / 4, 12);
    expect(a[1].netRevenueRetention).toBeCloseTo(-10 / 325, 12);
  });

  it('weekly and quarterly cohorts of the same customers', () => {
    const w = cohortMatrix(t, { unit: 'week', asOf: day('2024-03-15') });
    expect(plain(w).map((c) => (c as { cohort: string; size: number }).cohort)).toEqual(['2024-W01', '2024-W05', '2024-W09']);
    expect(w.cohorts.map((c) => c.size)).toEqual([1, 2, 1]); // A; B (Wed 31 Jan) and E (Sat 3 Feb); C
    const q = cohortMatrix(t, { unit: 'quarter', asOf: day('2024-03-15') });
    expect(plain(q)).toEqual([{ group: '', cohort: '2024-Q1', size: 4, lastK: 0, active: [4], orders: [7], revenue: [345] }]);
  });

  it('splits by an attribute; customers without it are a group of their own', () => {
    const s = tableOf(
      [
        ['A', [order('2024-01-05', 100)]],
        ['B', [order('2024-01-07', 10), order('2024-02-07', 10)]],
        ['C', [order('2024-02-01', 5)]],
      ],
      { A: 'web', B: 'app' },
    );
    const m2 = cohortMatrix(s, { unit: 'month', asOf: day('2024-02-29'), groups: ['app', 'web', '(none)'], groupOf: Int32Array.from([1, 0, 2]) });
    expect(plain(m2).map((c) => { const x = c as { group: string; cohort: string; active: number[] }; return [x.group, x.cohort, x.active]; })).toEqual([
      ['app', '2024-01', [1, 1]],
      ['web', '2024-01', [1, 0]],
      ['(none)', '2024-02', [1]],
    ]);
  });

  it('cohort period per customer, -1 for prospects', () => {
    expect([...cohortPeriods(t, 'month')].map((p) => (p < 0 ? null : formatPeriod('month', p)))).toEqual(['2024-01', '2024-01', '2024-02', null, '2024-02']);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over random shops

const START = day('2022-01-01');
const evArb: fc.Arbitrary<Ev> = fc.record({
  day: fc.integer({ min: START, max: START + 800 }),
  orders: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })),
  amount: fc.integer({ min: -5000, max: 20000 }).map((c) => c / 100),
}).map((e) => (e.orders === 0 ? { ...e, amount: -Math.abs(e.amount) } : e));
const shopArb = fc.array(fc.array(evArb, { maxLength: 12 }), { maxLength: 40 }).map((cs) => cs.map((evs, i): [string, Ev[]] => [`c${i}`, evs]));
const asOfArb = fc.integer({ min: START + 800, max: START + 900 });

/** Month index of a day by JS Date, for a reference computation independent of src. */
function monthOf(d: number): number {
  const x = new Date(d * 86_400_000);
  return x.getUTCFullYear() * 12 + x.getUTCMonth();
}

describe('cohortMatrix properties', () => {
  it('period-0 retention is 100%, active never exceeds the size, sizes sum to the buyers', () => {
    fc.assert(
      fc.property(shopArb, asOfArb, fc.constantFrom<PeriodUnit>('month', 'week', 'quarter'), (shop, asOf, unit) => {
        const t = tableOf(shop);
        const m = cohortMatrix(t, { unit, asOf });
        let buyers = 0;
        for (let i = 0; i < t.size; i++) if (t.orders[i] > 0) buyers++;
        expect(m.cohorts.reduce((s, c) => s + c.size, 0)).toBe(buyers);
        expect(m.customers).toBe(buyers);
        for (const c of m.cohorts) {
          expect(c.active[0]).toBe(c.size);
          for (let k = 0; k <= c.lastK; k++) {
            expect(c.active[k]).toBeLessThanOrEqual(c.size);
            expect(c.active[k]).toBeGreaterThanOrEqual(0);
          }
        }
        for (const a of averageByK(m, m.cohorts)) if (a.k === 0 && a.cohorts > 0) expect(a.retention).toBe(1);
      }),
      { numRuns: 200 },
    );
  });

  it('shuffling the customers changes nothing', () => {
    fc.assert(
      fc.property(shopArb, asOfArb, fc.constantFrom<PeriodUnit>('month', 'week'), fc.func(fc.integer()), (shop, asOf, unit, f) => {
        const shuffled = shop.map((c, i) => ({ c, key: f(i) * 1000 + i })).sort((x, y) => x.key - y.key).map((x) => x.c);
        expect(plain(cohortMatrix(tableOf(shuffled), { unit, asOf }))).toEqual(plain(cohortMatrix(tableOf(shop), { unit, asOf })));
      }),
      { numRuns: 100 },
    );
  });

  it('weekly, monthly and quarterly triangles count the same customers, orders and revenue', () => {
    fc.assert(
      fc.property(shopArb, asOfArb, (shop, asOf) => {
        const t = tableOf(shop);
        const totals = (unit: PeriodUnit): [number, number, number] => {
          const m = cohortMatrix(t, { unit, asOf });
          let orders = 0;
          let revenue = 0;
          for (const c of m.cohorts) for (let k = 0; k <= c.lastK; k++) {
            orders += c.orders[k];
            revenue += c.revenue[k];
          }
          return [m.customers, orders, Math.round(revenue * 100)];
        };
        const month = totals('month');
        expect(totals('week')).toEqual(month);
        expect(totals('quarter')).toEqual(month);
        let buyersRevenue = 0;
        for (let i = 0; i < t.size; i++) if (t.orders[i] > 0) buyersRevenue += t.revenue[i];
        expect(month[2]).toBe(Math.round(buyersRevenue * 100));
      }),
      { numRuns: 150 },
    );
  });

  it('monthly cells equal a direct count over the events', () => {
    fc.assert(
      fc.property(shopArb, asOfArb, (shop, asOf) => {
        const m = cohortMatrix(tableOf(shop), { unit: 'month', asOf });
        const ref = new Map<string, { size: number; active: Set<string>; orders: number; revenue: number }>();
        for (const [id, evs] of shop) {
          const counted = evs.filter((e) => e.orders > 0);
          if (counted.length === 0) continue;
          const c0 = Math.min(...counted.map((e) => monthOf(e.day)));
          const cell = (k: number) => {
            const key = `${c0}:${k}`;
            if (!ref.has(key)) ref.set(key, { size: 0, active: new Set(), orders: 0, revenue: 0 });
            return ref.get(key)!;
          };
          cell(0).size++;
          for (const e of evs) {
            const k = Math.max(0, monthOf(e.day) - c0);
            const x = cell(k);
            x.revenue += e.amount;
            if (e.orders > 0) {
              x.orders += e.orders;
              x.active.add(id);
            }
          }
        }
        for (const c of m.cohorts) {
          for (let k = 0; k <= c.lastK; k++) {
            const x = ref.get(`${c.period}:${k}`);
            expect(c.active[k]).toBe(x?.active.size ?? 0);
            expect(c.orders[k]).toBe(x?.orders ?? 0);
            expect(c.revenue[k]).toBeCloseTo(x?.revenue ?? 0, 6);
          }
          expect(c.size).toBe(ref.get(`${c.period}:0`)!.size);
          expect(c.lastK).toBe(monthOf(asOf) - c.period);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('cohort revenue is summed in whole mills', () => {
  it('the exact decimal total, whatever the float sum of the entries (0.1 + 0.2 + 0.3 is 0.6, not 0.6000000000000001)', () => {
    const t = tableOf([
      ['A', [order('2024-01-05', 0.1), order('2024-01-20', 0.2)]],
      ['B', [order('2024-01-07', 0.3)]],
      // on a cent boundary: 0.01 + 2.675 is 2.6849999999999996 in doubles (shown 2.68), 2.685 in mills (2.69)
      ['C', [order('2024-02-03', 0.01), order('2024-02-04', 2.675)]],
    ]);
    const m = cohortMatrix(t, { unit: 'month', asOf: day('2024-02-29') });
    expect(m.cohorts.map((c) => [...c.revenue])).toEqual([[0.6, 0], [2.685]]);
  });
});
