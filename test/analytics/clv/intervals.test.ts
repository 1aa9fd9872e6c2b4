import { describe, expect, it } from 'vitest';
import { bgnbdPredictor, fitBgNbd } from '../../../src/analytics/clv/bgnbd.js';
import { ggExpectedAverageValues } from '../../../src/analytics/clv/gamma-gamma.js';
import {
  cholesky,
  clvAggregateIntervals,
  forecastIntervals,
  intervalProblem,
  drawLogNormal,
  normalQuantile,
  parameterInterval,
  quantile,
  seededUniform,
  type ClvIntervalInput,
} from '../../../src/analytics/clv/intervals.js';
import { clvValues } from '../../../src/analytics/clv/value.js';
import { simulateBgNbd } from './simulate.js';

const BG = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 };
const GG = { p: 6.25, q: 3.74, v: 15.44 };
const ZERO4 = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);

describe('interval building blocks', () => {
  it('normalQuantile gives the standard normal quantiles', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514715, 8);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.9599639845400538, 8);
  });

  it('a parameter interval is the normal on ln θ: θ exp(±z se/θ)', () => {
    // θ = 2, se = 0.2: σ(ln θ) = 0.1, z = 1.64485 → 2 e^{∓0.164485}
    const iv = parameterInterval(2, 0.2, 0.9)!;
    expect(iv.low).toBeCloseTo(1.6966603482416733, 8);
    expect(iv.high).toBeCloseTo(2.357572630341354, 8);
    expect(parameterInterval(2, null, 0.9)).toBeNull();
  });

  it('cholesky factors a positive definite matrix, gives zeros for a zero one and null when not PSD', () => {
    const L = cholesky([[4, 2], [2, 3]])!;
    expect(L[0]).toEqual([2, 0]);
    expect(L[1][0]).toBe(1);
    expect(L[1][1]).toBeCloseTo(Math.SQRT2, 14);
    expect(cholesky([[0, 0], [0, 0]])).toEqual([[0, 0], [0, 0]]);
    expect(cholesky([[1, 2], [2, 1]])).toBeNull();
  });

  it('quantile interpolates between order statistics (type 7)', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.05)).toBeCloseTo(0.5, 12);
    expect(quantile([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBeCloseTo(9.5, 12);
  });

  it('log-normal draws have the covariance they are drawn from', () => {
    const draws = drawLogNormal([2, 5], [[0.01, 0], [0, 0]], 20_000, seededUniform(7))!;
    const l = draws.map((d) => Math.log(d[0]));
    const mean = l.reduce((s, v) => s + v, 0) / l.length;
    const sd = Math.sqrt(l.reduce((s, v) => s + (v - mean) ** 2, 0) / (l.length - 1));
    expect(mean).toBeCloseTo(Math.log(2), 2);
    expect(sd).toBeCloseTo(0.1, 2);
    expect(draws.every((d) => d[1] === 5 && d[0] > 0)).toBe(true);
  });
});

describe('clvAggregateIntervals', () => {
  // four customers (x, t_x, T) in weeks, two of them identical, in groups 0, 1, 1, −1 (left out)
  const customers = { frequency: [0, 2, 2, 5], recency: [0, 30.43, 30.43, 20], T: [38.86, 38.86, 38.86, 30], monetary: [0, 40, 25, 10] };
  const base = (covariance: number[][] | null): ClvIntervalInput => ({
    model: 'bgnbd',
    purchase: { params: BG, logCovariance: covariance },
    spend: { params: GG, logCovariance: null },
    ...customers,
    horizon: 39,
    unit: 'week',
    annualDiscount: 0.1,
    margin: 0.3,
  });

  it('a zero covariance gives a zero-width interval at the point estimate of each group', () => {
    const groups = [{ of: [0, 1, 1, -1], size: 2 }, { of: [0, 0, 0, 0], size: 1 }];
    const iv = clvAggregateIntervals(base(ZERO4), groups, { draws: 20 })!;
    const pred = bgnbdPredictor(BG, customers);
    const e = pred.expected(39);
    const clv = clvValues(pred, ggExpectedAverageValues(GG, customers.frequency, customers.monetary), { horizon: 39, unit: 'week', annualDiscount: 0.1, margin: 0.3 });
    // hand check of the point: Σ over the group's customers; x = 2, t_x = 30.43, T = 38.86 gives 1.226 (FHL 2005)
    expect(e[1]).toBeCloseTo(1.226, 3);
    const byGroup = (a: Float64Array, of: number[], g: number): number => of.reduce((s, k, i) => (k === g ? s + a[i] : s), 0);
    for (const [k, grouping] of groups.entries()) {
      for (let g = 0; g < grouping.size; g++) {
        expect(iv[k].purchasesLow[g]).toBeCloseTo(byGroup(e, grouping.of, g), 10);
        expect(iv[k].purchasesHigh[g]).toBeCloseTo(byGroup(e, grouping.of, g), 10);
        expect(iv[k].clvLow[g]).toBeCloseTo(byGroup(clv, grouping.of, g), 8);
        expect(iv[k].clvHigh[g]).toBeCloseTo(byGroup(clv, grouping.of, g), 8);
      }
    }
    expect(iv[0].purchasesLow[1]).toBeCloseTo(2 * e[1], 10);
  });

  it('forecast windows: a zero covariance gives, per group and period, E[X(end)] - E[X(start)] and that times the expected spend', () => {
    const groups = [{ of: [0, 1, 1, -1], size: 2 }];
    const windows = [{ tStart: 0, tEnd: 4 }, { tStart: 4, tEnd: 13 }];
    const iv = forecastIntervals(base(ZERO4), windows, groups, { draws: 10 })!;
    const pred = bgnbdPredictor(BG, customers);
    const spend = ggExpectedAverageValues(GG, customers.frequency, customers.monetary);
    const e4 = pred.expected(4);
    const e13 = pred.expected(13);
    const of = groups[0].of;
    for (let g = 0; g < 2; g++) {
      const sum = (f: (i: number) => number): number => of.reduce((s, k, i) => (k === g ? s + f(i) : s), 0);
      const p0 = sum((i) => e4[i]);
      const p1 = sum((i) => e13[i] - e4[i]);
      expect(iv[0].purchasesLow[g * 2]).toBeCloseTo(p0, 10);
      expect(iv[0].purchasesHigh[g * 2 + 1]).toBeCloseTo(p1, 10);
      expect(iv[0].revenueLow[g * 2 + 1]).toBeCloseTo(sum((i) => (e13[i] - e4[i]) * spend[i]), 8);
      expect(iv[0].revenueHigh[g * 2]).toBeCloseTo(sum((i) => e4[i] * spend[i]), 8);
    }
    // with uncertainty, the windows' intervals bracket the point
    const cov = [[0.04, 0, 0, 0], [0, 0.04, 0, 0], [0, 0, 0.01, 0], [0, 0, 0, 0.01]];
    const wide = forecastIntervals(base(cov), windows, groups)!;
    expect(wide[0].purchasesLow[1]).toBeLessThan(iv[0].purchasesLow[1]);
    expect(wide[0].purchasesHigh[1]).toBeGreaterThan(iv[0].purchasesLow[1]);
  });

  it('a positive covariance brackets the point, is the same on every run, and is null without a covariance', () => {
    const cov = [[0.04, 0, 0, 0], [0, 0.04, 0, 0], [0, 0, 0.01, 0], [0, 0, 0, 0.01]];
    const groups = [{ of: [0, 0, 0, 0], size: 1 }];
    const a = clvAggregateIntervals(base(cov), groups)!;
    const b = clvAggregateIntervals(base(cov), groups)!;
    expect(a).toEqual(b);
    const point = clvAggregateIntervals(base(ZERO4), groups, { draws: 1 })!;
    expect(a[0].purchasesLow[0]).toBeLessThan(point[0].purchasesLow[0]);
    expect(a[0].purchasesHigh[0]).toBeGreaterThan(point[0].purchasesLow[0]);
    expect(a[0].clvLow[0]).toBeLessThan(point[0].clvLow[0]);
    expect(a[0].clvHigh[0]).toBeGreaterThan(point[0].clvLow[0]);
    expect(clvAggregateIntervals(base(null), groups)).toBeNull();
  });

  it('a log-parameter with a standard error above 1 gives no intervals, and says which (MBG/NBD on Olist has se(ln a) ≈ 89)', () => {
    const loose = [[0.01, 0, 0, 0], [0, 0.01, 0, 0], [0, 0, 4, 0], [0, 0, 0, 0.01]];
    expect(clvAggregateIntervals(base(loose), [{ of: [0, 0, 0, 0], size: 1 }])).toBeNull();
    expect(intervalProblem([{ label: 'MBG/NBD', params: BG, logCovariance: loose }])).toContain("MBG/NBD's a down too loosely for the normal approximation the intervals rest on (standard error of ln a 2.00, above 1)");
    expect(intervalProblem([{ label: 'BG/NBD', params: BG, logCovariance: null }])).toContain('BG/NBD has no standard errors');
    expect(intervalProblem([{ label: 'BG/NBD', params: BG, logCovariance: ZERO4 }])).toBeNull();
  });

  it('a fit reports the covariance of its log-parameters, consistent with its standard errors', () => {
    const sim = simulateBgNbd(1500, { r: 0.25, alpha: 4, a: 0.8, b: 2.5 }, { p: 6, q: 4, v: 15 }, { seed: 3, Tmin: 39, Tmax: 78, days: true });
    const fit = fitBgNbd(sim);
    const names = ['r', 'alpha', 'a', 'b'] as const;
    names.forEach((n, i) => expect(fit.se[n]!).toBeCloseTo(fit.params[n] * Math.sqrt(fit.logCovariance![i][i]), 10));
    expect(fit.logCovariance![0][1]).toBeCloseTo(fit.logCovariance![1][0], 12);
  });
});
