import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/analytics/clv/backtest.js';
import type { PurchasePredictor } from '../../../src/analytics/clv/model.js';
import { clvValues, discountedExpectedPurchases, formulaClv, historicalClv } from '../../../src/analytics/clv/value.js';
import { tableOf } from './table.js';

/** Each customer buys at a constant rate per unit: E[Y(t)] = rate × t. */
function linear(rates: number[]): PurchasePredictor {
  return { size: rates.length, pAlive: new Float64Array(rates.length).fill(1), expected: (t) => Float64Array.from(rates, (r) => r * t) };
}

describe('CLV discounting', () => {
  it('discounts monthly steps from their end at the annual rate', () => {
    const pred = linear([1]);
    // one year in weeks: 12 monthly steps of 365.25/12 days, each with 365.25/12/7 purchases
    const d = discountedExpectedPurchases(pred, { horizon: 365.25 / 7, unit: 'week', annualDiscount: 0.1 })[0];
    let want = 0;
    for (let k = 1; k <= 12; k++) want += (365.25 / 12 / 7) * Math.pow(1.1, -k / 12);
    expect(d).toBeCloseTo(want, 9);
    expect(clvValues(pred, 10, { horizon: 365.25 / 7, unit: 'week', annualDiscount: 0.1, margin: 0.5 })[0]).toBeCloseTo(5 * want, 9);
    // in days the same calendar horizon gives the same value
    const pd = linear([1 / 7]);
    expect(discountedExpectedPurchases(pd, { horizon: 365.25, unit: 'day', annualDiscount: 0.1 })[0]).toBeCloseTo(want, 9);
  });
});

describe('historical and formula CLV', () => {
  const table = tableOf({
    a: [
      [0, 1, 100],
      [400, 1, 50],
      [500, 0, -20],
      [700, 1, 30],
    ],
    b: [[100, 2, 60]],
    c: [[800, 1, 10]],
  });
  it('historical = net revenue to as-of × margin', () => {
    expect(Array.from(historicalClv(table, 600, 0.5))).toEqual([65, 30, 0]);
  });
  it('formula = AOV × purchases per year × expected lifetime × margin', () => {
    const f = formulaClv(table, { asOf: 730, margin: 1, churnWindowDays: 365 });
    // a, b bought by day 730: orders 2 (a) + 2 (b) + day 700 (a) = 5, revenue 100 + 50 − 20 + 30 + 60 = 220
    expect(f.customers).toBe(2);
    expect(f.averageOrderValue).toBeCloseTo(220 / 5, 12);
    expect(f.purchasesPerYear).toBeCloseTo(5 / ((730 + 630) / 365.25), 12);
    // bought in (0, 365]: b (day 100; a's day 0 is outside), b did not buy in (365, 730]
    expect(f.churnBase).toBe(1);
    expect(f.churned).toBe(1);
    expect(f.annualChurnRate).toBeCloseTo(1, 12);
    expect(f.expectedLifetimeYears).toBeCloseTo(1, 12);
    expect(f.clv).toBeCloseTo(f.averageOrderValue * f.purchasesPerYear, 12);
  });
});

describe('runBacktest', () => {
  it('totals, errors, by-frequency table, deciles and tracking', () => {
    const pred = linear([0.1, 0.2, 0.3, 0.4]);
    const bt = runBacktest({
      predictor: pred,
      calibrationFrequency: [0, 1, 1, 9],
      holdoutDuration: 10,
      holdoutFrequency: [1, 2, 2, 6],
      periodCounts: [3, 4],
    });
    expect(bt.predictedHoldoutPurchases).toBeCloseTo(10, 12);
    expect(bt.actualHoldoutPurchases).toBe(11);
    expect(bt.mae).toBeCloseTo((0 + 0 + 1 + 2) / 4, 12);
    expect(bt.rmse).toBeCloseTo(Math.sqrt(5 / 4), 12);
    expect(bt.byFrequency.map((r) => r.customers)).toEqual([1, 2, 0, 0, 0, 0, 0, 1]);
    expect(bt.byFrequency[1].meanPredicted).toBeCloseTo(2.5, 12);
    expect(bt.byFrequency[7].frequency).toBe('7+');
    expect(bt.deciles.reduce((s, d) => s + d.customers, 0)).toBe(4);
    expect(bt.tracking.map((r) => r.actualCumulative)).toEqual([3, 7]);
    expect(bt.tracking[1].predictedCumulative).toBeCloseTo(2, 12);
  });
});
