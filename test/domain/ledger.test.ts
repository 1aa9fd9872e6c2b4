import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cohortMatrix } from '../../src/analytics/cohorts.js';
import { formulaClv, historicalClv } from '../../src/analytics/clv/value.js';
import { computeKpis } from '../../src/analytics/kpis.js';
import { snapshotAt } from '../../src/analytics/stages.js';
import { compactLedger, entryAmount, entryDay, firstOrderDay, LedgerCursor, netRevenueUpTo } from '../../src/domain/ledger.js';
import { day, ledgerTable, order, refund, type Ev } from '../helpers/ledger-table.js';

/*
 * A: refund 01-10 (-5) before the first order 02-05 (60); order 03-01 (40)
 * B: order 01-31 (80), refund 02-10 (-20)
 * P: a prospect, no entries
 */
const SHOP: [string, Ev[]][] = [
  ['A', [refund('2024-01-10', 5), order('2024-02-05', 60), order('2024-03-01', 40)]],
  ['B', [order('2024-01-31', 80), refund('2024-02-10', 20)]],
  ['P', []],
];

describe('LedgerCursor: a refund dated before the first order is booked on the first order\'s day', () => {
  const t = ledgerTable(SHOP);

  it('walks the entries in day order with their booked day', () => {
    const c = new LedgerCursor(t);
    const seen: [string, number, number, boolean][] = [];
    expect(c.open(0)).toBe(true);
    expect(c.firstOrderDay).toBe(day('2024-02-05'));
    while (c.next()) seen.push([new Date(c.day * 86_400_000).toISOString().slice(0, 10), c.orders, c.amount, c.early]);
    expect(seen).toEqual([
      ['2024-02-05', 0, -5, true],
      ['2024-02-05', 1, 60, false],
      ['2024-03-01', 1, 40, false],
    ]);
  });

  it('a customer without a counted order has nothing to visit', () => {
    const c = new LedgerCursor(t);
    expect(c.open(2)).toBe(false);
    expect(c.next()).toBe(false);
    expect(firstOrderDay(t, 2)).toBeUndefined();
    expect(firstOrderDay(t, 0)).toBe(day('2024-02-05'));
  });

  it('net revenue is 0 before the first order and includes the early refund from that day on', () => {
    expect(netRevenueUpTo(t, 0, day('2024-01-31'))).toBe(0);
    expect(netRevenueUpTo(t, 0, day('2024-02-05'))).toBe(55);
    expect(netRevenueUpTo(t, 0, day('2024-03-01'))).toBe(95);
    expect(netRevenueUpTo(t, 1, day('2024-02-09'))).toBe(80);
    expect(netRevenueUpTo(t, 1, day('2024-02-10'))).toBe(60);
    expect(netRevenueUpTo(t, 2, day('2024-12-31'))).toBe(0);
  });
});

// Every fold agrees on the rule, at every day (before the ledger, stages dropped an early refund
// that clv/value.ts added whenever the day was not the run's own as-of date).
const START = day('2023-01-01');
const evArb: fc.Arbitrary<Ev> = fc.record({
  day: fc.integer({ min: START, max: START + 500 }),
  orders: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })),
  amount: fc.integer({ min: -5000, max: 20000 }).map((c) => c / 100),
});
const shopArb = fc.array(fc.array(evArb, { maxLength: 10 }), { minLength: 1, maxLength: 30 }).map((cs) => cs.map((evs, i): [string, Ev[]] => [`c${i}`, evs]));
const dayArb = fc.integer({ min: START - 10, max: START + 520 });

describe('one rule for every fold of the ledger', () => {
  it('stages, historical CLV, formula CLV, KPIs and cohorts give the same net revenue up to any day', () => {
    fc.assert(
      fc.property(shopArb, dayArb, (shop, d) => {
        const t = ledgerTable(shop);
        const snap = snapshotAt(t, d);
        const hist = historicalClv(t, d);
        let total = 0;
        for (let i = 0; i < t.size; i++) {
          expect(snap.revenue[i]).toBeCloseTo(hist[i], 9);
          expect(netRevenueUpTo(t, i, d)).toBeCloseTo(hist[i], 9);
          total += hist[i];
        }
        const f = formulaClv(t, { asOf: d });
        let orders = 0;
        for (let i = 0; i < t.size; i++) orders += snap.orders[i];
        if (orders > 0) expect(f.averageOrderValue * orders).toBeCloseTo(total, 6);
        const k = computeKpis(t, { unit: 'month', asOf: d });
        const last = k.periods.at(-1);
        expect(last ? last.cumulativeRevenue : 0).toBeCloseTo(total, 6);
        expect(k.periods.reduce((s, p) => s + p.revenue, 0)).toBeCloseTo(total, 6);
      }),
      { numRuns: 200 },
    );
  });

  it('cohort revenue over all periods is the net revenue of the cohort customers at the as-of date', () => {
    fc.assert(
      fc.property(shopArb, (shop) => {
        const t = ledgerTable(shop);
        let asOf = START;
        for (const [, evs] of shop) for (const e of evs) asOf = Math.max(asOf, e.day);
        const m = cohortMatrix(t, { unit: 'month', asOf });
        const cohortRevenue = m.cohorts.reduce((s, c) => s + c.revenue.reduce((a, b) => a + b, 0), 0);
        const hist = historicalClv(t, asOf).reduce((a, b) => a + b, 0);
        expect(cohortRevenue).toBeCloseTo(hist, 6);
      }),
      { numRuns: 100 },
    );
  });
});

describe('compactLedger: a smaller ledger that reads back the very same entries', () => {
  const walk = (t: Parameters<typeof compactLedger>[0]): [number, number, number][] => {
    const c = new LedgerCursor(t);
    const out: [number, number, number][] = [];
    for (let i = 0; i < t.size; i++) if (c.open(i)) while (c.next()) out.push([c.day, c.orders, c.amount]);
    return out;
  };

  it('stores days as 16-bit offsets, counted orders as bytes and cents as 32-bit integers', () => {
    const t = ledgerTable(SHOP);
    const c = compactLedger(t);
    expect(c.ledgerDay).toBeInstanceOf(Uint16Array);
    expect(c.ledgerDayBase).toBe(Math.min(...t.ledgerDay));
    expect(Array.from({ length: t.ledgerDay.length }, (_, k) => entryDay(c, k))).toEqual(Array.from(t.ledgerDay));
    for (let i = 0; i < t.size; i++) expect(firstOrderDay(c, i)).toBe(firstOrderDay(t, i));
    expect(c.ledgerOrders).toBeInstanceOf(Uint8Array);
    expect(c.ledgerAmount).toBeInstanceOf(Int32Array);
    expect(c.ledgerAmountScale).toBe(100);
    expect(walk(c)).toEqual(walk(t));
    expect(Array.from({ length: t.ledgerDay.length }, (_, k) => entryAmount(c, k))).toEqual(Array.from(t.ledgerAmount));
  });

  it('uses mills when an amount has three decimals, and keeps doubles when neither is exact', () => {
    expect(compactLedger(ledgerTable([['A', [order('2024-01-01', 1.234)]]])).ledgerAmountScale).toBe(1000);
    for (const amount of [0.1 + 0.2, 1e-4, 30_000_000]) {
      const c = compactLedger(ledgerTable([['A', [order('2024-01-01', 10)]], ['B', [order('2024-01-02', amount)]]]));
      expect(c.ledgerAmount).toBeInstanceOf(Float64Array);
      expect(c.ledgerAmountScale ?? 1).toBe(1);
      expect(entryAmount(c, 1)).toBe(amount);
    }
  });

  it('keeps 32-bit days when they span 65,536 days or more, and reads them the same', () => {
    const t = ledgerTable([['A', [order('1850-01-01', 10)]], ['B', [order('2030-01-01', 5)]]]);
    const c = compactLedger(t);
    expect(c.ledgerDay).toBeInstanceOf(Int32Array);
    expect(c.ledgerDayBase ?? 0).toBe(0);
    expect(walk(c)).toEqual(walk(t));
    const edge = ledgerTable([['A', [order('1850-01-01', 10)]], ['B', [{ day: day('1850-01-01') + 0xffff, orders: 1, amount: 5 }]]]);
    expect(compactLedger(edge).ledgerDay).toBeInstanceOf(Uint16Array);
    expect(walk(compactLedger(edge))).toEqual(walk(edge));
  });

  it('keeps 32-bit counts when a day has more than 255 orders', () => {
    const t = ledgerTable([['A', [order('2024-01-01', 10, 256)]]]);
    expect(compactLedger(t).ledgerOrders).toBeInstanceOf(Int32Array);
  });

  it('property: any cents amounts read back as the same doubles, folds unchanged', () => {
    const ev = fc.record({ d: fc.integer({ min: -30, max: 60 }), cents: fc.integer({ min: -2_000_000, max: 2_000_000 }), n: fc.integer({ min: 0, max: 3 }) });
    fc.assert(
      fc.property(fc.array(fc.array(ev, { maxLength: 8 }), { minLength: 1, maxLength: 6 }), (customers) => {
        const t = ledgerTable(customers.map((evs, i) => [`C${i}`, evs.map((e) => ({ day: day('2024-01-01') + e.d, orders: e.n, amount: e.cents / 100 }))]));
        const c = compactLedger(t);
        expect(walk(c)).toEqual(walk(t));
        for (let i = 0; i < t.size; i++) expect(netRevenueUpTo(c, i, day('2024-02-01'))).toBe(netRevenueUpTo(t, i, day('2024-02-01')));
      }),
      { numRuns: 200 },
    );
  });
});

describe('snapshotAt holds the table\'s own columns where its folds are the same', () => {
  const t = ledgerTable(SHOP);
  it('at the last day: the same arrays, not copies', () => {
    const s = snapshotAt(t, day('2024-12-31'));
    expect(s.orders).toBe(t.orders);
    expect(s.revenue).toBe(t.revenue);
    expect(s.firstDay).toBe(t.firstDay);
    expect(s.lastDay).toBe(t.lastDay);
    expect(s.purchaseDays).toBe(t.purchaseDays);
  });
  it('at an earlier day: its own arrays with the earlier values', () => {
    const s = snapshotAt(t, day('2024-02-05'));
    expect(s.orders).not.toBe(t.orders);
    expect(Array.from(s.orders)).toEqual([1, 1, 0]);
    expect(Array.from(s.revenue)).toEqual([55, 80, 0]);
  });
});
