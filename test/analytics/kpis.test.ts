import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeKpis, kpiChange, kpiRow, type KpiPeriod, type KpiUnit } from '../../src/analytics/kpis.js';
import { KPI_NAMES } from '../../src/domain/goals.js';
import { formatPeriod, periodOfDay } from '../../src/domain/period.js';
import { day, ledgerTable, order, refund, type Ev } from '../helpers/ledger-table.js';

/*
 * The worked example, as of 2024-03-15 (March is not over):
 *   A: orders 01-05 (100), 01-20 (50), 03-02 (30)
 *   B: order 01-31 (80), refund 02-10 (-20)
 *   C: orders 02-29 (40), 03-01 (10)
 *   D: refund 01-10 (-5) before the first order; two orders on 02-05 (60 in all)
 *   E: order 03-05 (25); order 03-20 is after the as-of date
 *   P: a prospect
 *
 *            active new returning base retained repeat orders revenue existing  known cum.rev
 *   2024-01     2    2     0        0     0       1(A)   3      230       0        2    230
 *   2024-02     2    2     0        2     0       0      3       75     -20        4    305
 *   2024-03     3    1     2        2     1(C)    0      3       65      40        5    370
 * D's refund dated before D's first order is booked on that order's day (domain/ledger.ts), so
 * it is February's, in revenue and in historical value alike (Jan 230 = A 150 + B 80; Feb 75 =
 * -20 + 40 + 60 - 5); it is not revenue from an existing customer (D is new in February).
 */
const SHOP: [string, Ev[]][] = [
  ['A', [order('2024-01-05', 100), order('2024-01-20', 50), order('2024-03-02', 30)]],
  ['B', [order('2024-01-31', 80), refund('2024-02-10', 20)]],
  ['C', [order('2024-02-29', 40), order('2024-03-01', 10)]],
  ['D', [refund('2024-01-10', 5), order('2024-02-05', 60, 2)]],
  ['E', [order('2024-03-05', 25), order('2024-03-20', 99)]],
  ['P', []],
];
const AS_OF = day('2024-03-15');

describe('computeKpis, worked by hand', () => {
  const s = computeKpis(ledgerTable(SHOP), { unit: 'month', asOf: AS_OF });
  const [jan, feb, mar] = s.periods;

  it('has one period per month from the first entry to the as-of month; only the as-of month is incomplete', () => {
    expect(s.periods.map((p) => [p.label, p.complete])).toEqual([['2024-01', true], ['2024-02', true], ['2024-03', false]]);
    expect(s.latestComplete).toBe(1);
    expect(jan.startDay).toBe(day('2024-01-01'));
    expect(feb.endDay).toBe(day('2024-02-29'));
  });

  it('active, new and returning customers', () => {
    expect([jan.activeCustomers, jan.newCustomers, jan.returningCustomers]).toEqual([2, 2, 0]);
    expect([feb.activeCustomers, feb.newCustomers, feb.returningCustomers]).toEqual([2, 2, 0]);
    expect([mar.activeCustomers, mar.newCustomers, mar.returningCustomers]).toEqual([3, 1, 2]);
  });

  it('retention and churn over the customers active in the previous month', () => {
    expect([jan.previousActive, jan.retentionRate, jan.churnRate]).toEqual([0, null, null]);
    expect([feb.previousActive, feb.retainedCustomers, feb.retentionRate, feb.churnRate]).toEqual([2, 0, 0, 1]);
    expect([mar.previousActive, mar.retainedCustomers, mar.retentionRate, mar.churnRate]).toEqual([2, 1, 0.5, 0.5]);
  });

  it('repeat-purchase rate: active customers with 2+ purchase days in the month (two orders on one day are one day)', () => {
    expect([jan.repeatCustomers, jan.repeatPurchaseRate]).toEqual([1, 0.5]);
    expect([feb.repeatCustomers, feb.repeatPurchaseRate]).toEqual([0, 0]);
    expect(mar.repeatPurchaseRate).toBe(0);
  });

  it('orders, revenue net of the refunds dated in the month (an early refund in its first order\'s month), average order value and purchase frequency', () => {
    expect([jan.orders, jan.revenue, jan.purchaseFrequency]).toEqual([3, 230, 1.5]);
    expect(jan.averageOrderValue).toBeCloseTo(230 / 3, 12);
    expect([feb.orders, feb.revenue, feb.averageOrderValue, feb.purchaseFrequency]).toEqual([3, 75, 25, 1.5]);
    expect([mar.orders, mar.revenue, mar.purchaseFrequency]).toEqual([3, 65, 1]);
  });

  it('share of revenue from existing customers (first order before the month)', () => {
    expect(jan.revenueFromExistingShare).toBe(0);
    expect(feb.revenueFromExisting).toBe(-20);
    expect(feb.revenueFromExistingShare).toBeCloseTo(-20 / 75, 12);
    expect(mar.revenueFromExistingShare).toBeCloseTo(40 / 65, 12);
  });

  it('average historical value: cumulative net revenue per customer known by the month end', () => {
    expect([jan.knownCustomers, jan.cumulativeRevenue, jan.averageHistoricalValue]).toEqual([2, 230, 115]);
    expect([feb.knownCustomers, feb.cumulativeRevenue, feb.averageHistoricalValue]).toEqual([4, 305, 76.25]);
    expect([mar.knownCustomers, mar.cumulativeRevenue, mar.averageHistoricalValue]).toEqual([5, 370, 74]);
  });

  it('changes: relative for counts and amounts, points for shares', () => {
    const r = Object.fromEntries(kpiRow(s, 1).map((x) => [x.name, x]));
    expect(r.active_customers.change).toBe(0);
    expect(r.revenue.change).toBeCloseTo(75 / 230 - 1, 12);
    expect(r.repeat_purchase_rate.change).toBe(-0.5);
    expect(r.retention_rate.change).toBeNull(); // January has no retention base
    expect(r.average_historical_value.change).toBeCloseTo(76.25 / 115 - 1, 12);
    expect(kpiRow(s, 0).every((x) => x.change === null)).toBe(true);
    expect(kpiChange('orders', 5, 0)).toBeNull();
    expect(kpiChange('churn_rate', 0.4, 0.5)).toBeCloseTo(-0.1, 12);
  });

  it('a quarter and a year hold the same customers once', () => {
    for (const unit of ['quarter', 'year'] as const) {
      const q = computeKpis(ledgerTable(SHOP), { unit, asOf: AS_OF });
      expect(q.periods.map((p) => p.label)).toEqual([unit === 'quarter' ? '2024-Q1' : '2024']);
      const p = q.periods[0];
      expect([p.activeCustomers, p.newCustomers, p.returningCustomers, p.orders, p.revenue, p.repeatCustomers, p.complete]).toEqual([5, 5, 0, 9, 370, 2, false]);
      expect(p.averageHistoricalValue).toBe(74);
      expect(q.latestComplete).toBe(-1);
    }
  });

  it('the as-of month is complete on its last day', () => {
    const s2 = computeKpis(ledgerTable(SHOP), { unit: 'month', asOf: day('2024-03-31') });
    expect(s2.periods[2].complete).toBe(true);
    expect(s2.latestComplete).toBe(2);
    expect(s2.periods[2].orders).toBe(4); // E's order of 03-20 is now in
  });

  it('no orders: no periods', () => {
    expect(computeKpis(ledgerTable([['P', []]]), { unit: 'month', asOf: AS_OF })).toEqual({ unit: 'month', asOf: AS_OF, periods: [], latestComplete: -1 });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties, against a plain reduction over the events

const START = day('2022-11-01');
const evArb: fc.Arbitrary<Ev> = fc.record({
  day: fc.integer({ min: START, max: START + 800 }),
  orders: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })),
  amount: fc.integer({ min: -5000, max: 20000 }).map((c) => c / 100),
});
const shopArb = fc.array(fc.array(evArb, { maxLength: 12 }), { maxLength: 40 }).map((cs) => cs.map((evs, i): [string, Ev[]] => [`c${i}`, evs]));
const asOfArb = fc.integer({ min: START, max: START + 900 });
const unitArb = fc.constantFrom<KpiUnit>('month', 'quarter', 'year');

/** The KPIs straight from the definitions, over the events (not the ledger). */
function reference(shop: [string, Ev[]][], unit: KpiUnit, asOf: number): Map<number, Partial<KpiPeriod>> {
  const out = new Map<number, { active: Set<string>; fresh: number; orders: number; revenue: number; existing: number; days: Map<string, Set<number>> }>();
  const cell = (p: number) => {
    let c = out.get(p);
    if (!c) out.set(p, (c = { active: new Set(), fresh: 0, orders: 0, revenue: 0, existing: 0, days: new Map() }));
    return c;
  };
  const firstOf = new Map<string, number>();
  for (const [id, evs] of shop) {
    if (evs.every((e) => e.orders === 0)) continue; // the reader drops refunds of non-buyers
    const buys = evs.filter((e) => e.orders > 0 && e.day <= asOf).map((e) => e.day);
    if (buys.length) firstOf.set(id, Math.min(...buys));
  }
  for (const [id, evs] of shop) {
    if (evs.every((e) => e.orders === 0)) continue;
    const first = firstOf.get(id);
    if (first !== undefined) cell(periodOfDay(unit, first)).fresh++;
    const firstEver = Math.min(...evs.filter((e) => e.orders > 0).map((e) => e.day));
    for (const e0 of evs) {
      const e = { ...e0, day: Math.max(e0.day, firstEver) }; // an early refund is booked on the first order's day
      if (e.day > asOf) continue;
      const p = periodOfDay(unit, e.day);
      const c = cell(p);
      c.revenue += e.amount;
      if (first !== undefined && periodOfDay(unit, first) < p) c.existing += e.amount;
      if (e.orders > 0) {
        c.orders += e.orders;
        c.active.add(id);
        if (!c.days.has(id)) c.days.set(id, new Set());
        c.days.get(id)!.add(e.day);
      }
    }
  }
  const res = new Map<number, Partial<KpiPeriod>>();
  for (const [p, c] of out) {
    const prev = out.get(p - 1);
    const base = prev ? prev.active.size : 0;
    const retained = prev ? [...prev.active].filter((id) => c.active.has(id)).length : 0;
    // historical: entries up to the period end of customers known by then (early refunds from the first order on)
    let known = 0;
    let cum = 0;
    for (const [id, evs] of shop) {
      const first = firstOf.get(id);
      if (first === undefined || periodOfDay(unit, first) > p) continue;
      known++;
      const firstEver = Math.min(...evs.filter((e) => e.orders > 0).map((e) => e.day));
      for (const e of evs) if (Math.max(e.day, firstEver) <= asOf && periodOfDay(unit, Math.max(e.day, firstEver)) <= p) cum += e.amount;
    }
    res.set(p, {
      activeCustomers: c.active.size,
      newCustomers: c.fresh,
      retainedCustomers: retained,
      previousActive: base,
      orders: c.orders,
      revenue: c.revenue,
      revenueFromExisting: c.existing,
      repeatCustomers: [...c.days.values()].filter((d) => d.size >= 2).length,
      knownCustomers: known,
      cumulativeRevenue: cum,
    });
  }
  return res;
}

describe('computeKpis properties', () => {
  it('retention and churn are in [0, 1] and sum to 1 over the same base; new + returning = active; shares in range', () => {
    fc.assert(
      fc.property(shopArb, asOfArb, unitArb, (shop, asOf, unit) => {
        const s = computeKpis(ledgerTable(shop), { unit, asOf });
        for (const p of s.periods) {
          expect(p.newCustomers + p.returningCustomers).toBe(p.activeCustomers);
          expect(p.returningCustomers).toBeGreaterThanOrEqual(0);
          if (p.previousActive > 0) {
            expect(p.retentionRate).toBeGreaterThanOrEqual(0);
            expect(p.retentionRate).toBeLessThanOrEqual(1);
            expect(p.churnRate).toBeGreaterThanOrEqual(0);
            expect(p.churnRate).toBeLessThanOrEqual(1);
            expect(p.retentionRate! + p.churnRate!).toBeCloseTo(1, 12);
            expect(p.retainedCustomers).toBeLessThanOrEqual(p.returningCustomers);
          } else {
            expect(p.retentionRate).toBeNull();
            expect(p.churnRate).toBeNull();
          }
          if (p.repeatPurchaseRate !== null) {
            expect(p.repeatPurchaseRate).toBeGreaterThanOrEqual(0);
            expect(p.repeatPurchaseRate).toBeLessThanOrEqual(1);
          }
          if (p.activeCustomers > 0) expect(p.purchaseFrequency).toBeGreaterThanOrEqual(1);
        }
        // periods are consecutive and known customers add up the new ones
        let known = 0;
        s.periods.forEach((p, k) => {
          if (k > 0) expect(p.period).toBe(s.periods[k - 1].period + 1);
          known += p.newCustomers;
          expect(p.knownCustomers).toBe(known);
          expect(p.complete).toBe(k < s.periods.length - 1 || p.endDay === asOf);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('every KPI equals a plain reduction over the events', () => {
    fc.assert(
      fc.property(shopArb, asOfArb, unitArb, (shop, asOf, unit) => {
        const s = computeKpis(ledgerTable(shop), { unit, asOf });
        const ref = reference(shop, unit, asOf);
        for (const p of s.periods) {
          const r = ref.get(p.period);
          if (!r) {
            // a period without events in it: all counts zero
            expect([p.activeCustomers, p.newCustomers, p.orders, p.revenue]).toEqual([0, 0, 0, 0]);
            continue;
          }
          expect(p.label).toBe(formatPeriod(unit, p.period));
          expect(p.activeCustomers).toBe(r.activeCustomers);
          expect(p.newCustomers).toBe(r.newCustomers);
          expect(p.retainedCustomers).toBe(r.retainedCustomers);
          expect(p.previousActive).toBe(r.previousActive);
          expect(p.orders).toBe(r.orders);
          expect(p.repeatCustomers).toBe(r.repeatCustomers);
          expect(p.revenue).toBeCloseTo(r.revenue!, 6);
          expect(p.revenueFromExisting).toBeCloseTo(r.revenueFromExisting!, 6);
          expect(p.knownCustomers).toBe(r.knownCustomers);
          expect(p.cumulativeRevenue).toBeCloseTo(r.cumulativeRevenue!, 6);
          if (p.orders > 0) expect(p.averageOrderValue).toBeCloseTo(r.revenue! / r.orders!, 9);
          if (p.revenue > 0) expect(p.revenueFromExistingShare).toBeCloseTo(r.revenueFromExisting! / r.revenue!, 9);
          if (p.knownCustomers > 0) expect(p.averageHistoricalValue).toBeCloseTo(r.cumulativeRevenue! / r.knownCustomers!, 9);
        }
        // every period with a counted order is there
        for (const [p, r] of ref) if (r.activeCustomers! > 0) expect(s.periods.some((x) => x.period === p)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('months add up to their quarter and year (customers counted once per period, so only additive KPIs)', () => {
    fc.assert(
      fc.property(shopArb, asOfArb, (shop, asOf) => {
        const t = ledgerTable(shop);
        const m = computeKpis(t, { unit: 'month', asOf });
        for (const unit of ['quarter', 'year'] as const) {
          const q = computeKpis(t, { unit, asOf });
          for (const p of q.periods) {
            const months = m.periods.filter((x) => x.startDay >= p.startDay && x.endDay <= p.endDay);
            expect(months.reduce((a, x) => a + x.orders, 0)).toBe(p.orders);
            expect(months.reduce((a, x) => a + x.newCustomers, 0)).toBe(p.newCustomers);
            expect(months.reduce((a, x) => a + x.revenue, 0)).toBeCloseTo(p.revenue, 6);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('kpiRow names every KPI once, in order', () => {
    const s = computeKpis(ledgerTable(SHOP), { unit: 'month', asOf: AS_OF });
    expect(kpiRow(s, 2).map((x) => x.name)).toEqual([...KPI_NAMES]);
  });
});
