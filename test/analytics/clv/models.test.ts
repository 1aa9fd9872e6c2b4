import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bgnbdExpectedPurchases,
  bgnbdExpectedPurchasesNew,
  bgnbdLogLik,
  bgnbdPAlive,
  bgnbdPredictor,
  bgnbdProbabilityOfPurchases,
  bgnbdTotalLogLik,
  fitBgNbd,
} from '../../../src/analytics/clv/bgnbd.js';
import { fitParetoNbd, pnbdExpectedPurchases, pnbdLogLik, pnbdPAlive, pnbdPredictor } from '../../../src/analytics/clv/pnbd.js';
import { fitGammaGamma, ggExpectedAverageValue, ggLogLik, spendFrequencyCorrelation } from '../../../src/analytics/clv/gamma-gamma.js';
import { clvValues } from '../../../src/analytics/clv/value.js';
import { gammaln } from '../../../src/analytics/clv/special.js';
import { simulateBgNbd } from './simulate.js';

const BG = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 };
const PN = { r: 0.5533, alpha: 10.578, s: 0.6062, beta: 11.669 };

/** A customer (x, t_x, T) with t_x ≤ T and t_x = 0 when x = 0. */
const customer = fc
  .tuple(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 400, noNaN: true }))
  .map(([x, f, T]) => ({ x, tx: x > 0 ? f * T : 0, T }));
const bgParams = fc.record({
  r: fc.double({ min: 0.01, max: 50, noNaN: true }),
  alpha: fc.double({ min: 0.01, max: 1e4, noNaN: true }),
  a: fc.double({ min: 0.01, max: 20, noNaN: true }),
  b: fc.double({ min: 0.01, max: 50, noNaN: true }),
});
const pnParams = fc.record({
  r: fc.double({ min: 0.01, max: 50, noNaN: true }),
  alpha: fc.double({ min: 0.01, max: 1e5, noNaN: true }),
  s: fc.double({ min: 0.01, max: 50, noNaN: true }),
  beta: fc.double({ min: 0.01, max: 1e5, noNaN: true }),
});

/** Simpson's rule on [lo, hi] with n (even) intervals. */
function simpson(f: (u: number) => number, lo: number, hi: number, n = 20000): number {
  const h = (hi - lo) / n;
  let s = f(lo) + f(hi);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(lo + i * h);
  return (s * h) / 3;
}

describe('BG/NBD', () => {
  it('log-likelihood by hand for x = 0 and x > 0', () => {
    const { r, alpha, a, b } = BG;
    expect(bgnbdLogLik(BG, 0, 0, 30)).toBeCloseTo(r * Math.log(alpha / (alpha + 30)), 12);
    const x = 3;
    const lb = (p: number, q: number): number => gammaln(p) + gammaln(q) - gammaln(p + q);
    const L =
      Math.exp(lb(a, b + x) - lb(a, b) + gammaln(r + x) - gammaln(r) + r * Math.log(alpha) - (r + x) * Math.log(alpha + 30)) +
      Math.exp(lb(a + 1, b + x - 1) - lb(a, b) + gammaln(r + x) - gammaln(r) + r * Math.log(alpha) - (r + x) * Math.log(alpha + 20));
    expect(bgnbdLogLik(BG, x, 20, 30)).toBeCloseTo(Math.log(L), 12);
    expect(bgnbdTotalLogLik(BG, { frequency: [0, 3], recency: [0, 20], T: [30, 30] })).toBeCloseTo(
      bgnbdLogLik(BG, 0, 0, 30) + bgnbdLogLik(BG, 3, 20, 30),
      10,
    );
  });

  it('P(X(t) = n) sums to 1 and its mean is E[X(t)] (eq. 7, 8)', () => {
    let s = 0;
    let m = 0;
    for (let n = 0; n < 400; n++) {
      const p = bgnbdProbabilityOfPurchases(BG, 39, n);
      s += p;
      m += n * p;
    }
    expect(s).toBeCloseTo(1, 8);
    expect(m).toBeCloseTo(bgnbdExpectedPurchasesNew(BG, 39), 6);
  });

  it('P(alive) in [0, 1], expected purchases finite, ≥ 0 and non-decreasing in the horizon', () => {
    fc.assert(
      fc.property(bgParams, customer, fc.double({ min: 0, max: 200, noNaN: true }), fc.double({ min: 0, max: 200, noNaN: true }), (p, c, t1, t2) => {
        const pa = bgnbdPAlive(p, c.x, c.tx, c.T);
        expect(pa).toBeGreaterThanOrEqual(0);
        expect(pa).toBeLessThanOrEqual(1);
        const [lo, hi] = t1 < t2 ? [t1, t2] : [t2, t1];
        const e1 = bgnbdExpectedPurchases(p, lo, c.x, c.tx, c.T);
        const e2 = bgnbdExpectedPurchases(p, hi, c.x, c.tx, c.T);
        expect(Number.isFinite(e1) && Number.isFinite(e2)).toBe(true);
        expect(e1).toBeGreaterThanOrEqual(0);
        // below 1e-9 purchases the conditional expectation is rounding noise (a fast-check run
        // found e(t) = 1e-12 and e(t') = 0 for a customer who is all but certainly gone)
        expect(e2).toBeGreaterThanOrEqual(e1 * (1 - 1e-9) - 1e-9);
      }),
    );
  });

  it('identical customers get identical values', () => {
    fc.assert(
      fc.property(customer, fc.array(customer, { maxLength: 5 }), (c, others) => {
        const all = [c, ...others, c];
        const pred = bgnbdPredictor(BG, { frequency: all.map((v) => v.x), recency: all.map((v) => v.tx), T: all.map((v) => v.T) });
        const e = pred.expected(52);
        const v = clvValues(pred, 30, { horizon: 52, unit: 'week', annualDiscount: 0.1 });
        expect(e[0]).toBe(e[all.length - 1]);
        expect(v[0]).toBe(v[all.length - 1]);
        expect(pred.pAlive[0]).toBe(pred.pAlive[all.length - 1]);
        expect(e[0]).toBeCloseTo(bgnbdExpectedPurchases(BG, 52, c.x, c.tx, c.T), 12);
      }),
    );
  });

  it('CLV is non-increasing in the discount rate and equals value × E[Y(H)] undiscounted', () => {
    fc.assert(
      fc.property(customer, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (c, d1, d2) => {
        const pred = bgnbdPredictor(BG, { frequency: [c.x], recency: [c.tx], T: [c.T] });
        const [lo, hi] = d1 < d2 ? [d1, d2] : [d2, d1];
        const vLo = clvValues(pred, 40, { horizon: 52, unit: 'week', annualDiscount: lo, margin: 0.3 })[0];
        const vHi = clvValues(pred, 40, { horizon: 52, unit: 'week', annualDiscount: hi, margin: 0.3 })[0];
        expect(vHi).toBeLessThanOrEqual(vLo * (1 + 1e-12) + 1e-9);
        const v0 = clvValues(pred, 40, { horizon: 52, unit: 'week', annualDiscount: 0 })[0];
        expect(v0).toBeCloseTo(40 * pred.expected(52)[0], 8);
      }),
    );
  });

  it('merging identical rows changes no fitted parameter', () => {
    const sim = simulateBgNbd(3000, BG, { p: 6, q: 4, v: 15 }, { seed: 7, Tmin: 30, Tmax: 40, days: true });
    const merged = fitBgNbd(sim);
    const raw = fitBgNbd({ ...sim, weight: new Float64Array(sim.frequency.length).fill(1) });
    expect(merged.rows).toBeLessThan(raw.rows);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(merged.params[k]).toBeCloseTo(raw.params[k], 5);
    expect(merged.logLik).toBeCloseTo(raw.logLik, 6);
  });

  it('a fit that cannot be identified says so, without NaN', () => {
    const fit = fitBgNbd({ frequency: [0, 0, 0], recency: [0, 0, 0], T: [5, 10, 20] });
    expect(fit.converged).toBe(false);
    expect(fit.warnings.length).toBeGreaterThan(0);
    for (const v of Object.values(fit.params)) expect(Number.isFinite(v)).toBe(true);
    for (const v of Object.values(fit.se)) expect(v === null || Number.isFinite(v)).toBe(true);
    expect(Number.isFinite(fit.logLik)).toBe(true);
    const none = fitBgNbd({ frequency: [], recency: [], T: [] });
    expect(none.converged).toBe(false);
    expect(none.customers).toBe(0);
  });

  it('recovers known parameters from 100k simulated customers within 3 standard errors', () => {
    const truth = { r: 0.5, alpha: 6, a: 0.8, b: 2.5 };
    const sim = simulateBgNbd(100_000, truth, { p: 6, q: 4, v: 15 }, { seed: 42, Tmin: 20, Tmax: 80 });
    const fit = fitBgNbd(sim);
    expect(fit.converged).toBe(true);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[k] - truth[k])).toBeLessThan(3 * fit.se[k]!);
    }
    const gg = fitGammaGamma(sim);
    expect(gg.converged).toBe(true);
    const g = { p: 6, q: 4, v: 15 };
    for (const k of ['p', 'q', 'v'] as const) expect(Math.abs(gg.params[k] - g[k])).toBeLessThan(3 * gg.se[k]!);
    expect(Math.abs(spendFrequencyCorrelation(sim).correlation)).toBeLessThan(0.3);
  });
});

describe('Pareto/NBD', () => {
  it('the closed form of A₀ matches the integral it stands for (α ≥ β and α < β)', () => {
    for (const p of [PN, { ...PN, alpha: 3, beta: 40 }, { ...PN, alpha: 400, beta: 2 }]) {
      for (const [x, tx, T] of [
        [0, 0, 30],
        [3, 10, 38],
        [26, 30.86, 31],
      ]) {
        const { r, alpha, s, beta } = p;
        const I = simpson((u) => Math.pow(alpha + u, -(r + x)) * Math.pow(beta + u, -(s + 1)), tx, T);
        const L = Math.exp(gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + s * Math.log(beta)) * (Math.pow(alpha + T, -(r + x)) * Math.pow(beta + T, -s) + s * I);
        expect(pnbdLogLik(p, x, tx, T)).toBeCloseTo(Math.log(L), 8);
      }
    }
  });

  it('P(alive) in [0, 1], expected purchases non-decreasing, stable for large α, β', () => {
    fc.assert(
      fc.property(pnParams, customer, fc.double({ min: 0, max: 200, noNaN: true }), (p, c, t) => {
        const ll = pnbdLogLik(p, c.x, c.tx, c.T);
        expect(Number.isFinite(ll)).toBe(true);
        const pa = pnbdPAlive(p, c.x, c.tx, c.T);
        expect(pa).toBeGreaterThanOrEqual(0);
        expect(pa).toBeLessThanOrEqual(1);
        const e1 = pnbdExpectedPurchases(p, t, c.x, c.tx, c.T);
        const e2 = pnbdExpectedPurchases(p, t + 1, c.x, c.tx, c.T);
        expect(Number.isFinite(e1)).toBe(true);
        expect(e2).toBeGreaterThanOrEqual(e1);
      }),
    );
    expect(Number.isFinite(pnbdLogLik({ r: 1e3, alpha: 1e7, s: 5e3, beta: 1e8 }, 40, 300, 350))).toBe(true);
  });

  it('predictor agrees with the point functions; fit merges and converges on simulated data', () => {
    const pred = pnbdPredictor(PN, { frequency: [26, 0], recency: [30.86, 0], T: [31, 31] });
    expect(pred.expected(52)[0]).toBeCloseTo(pnbdExpectedPurchases(PN, 52, 26, 30.86, 31), 12);
    const sim = simulateBgNbd(2000, BG, { p: 6, q: 4, v: 15 }, { seed: 3, Tmin: 30, Tmax: 40, days: true });
    const fit = fitParetoNbd(sim);
    expect(fit.converged).toBe(true);
    expect(fit.rows).toBeLessThan(2000);
  });
});

describe('Gamma-Gamma', () => {
  it('log-likelihood and expected value by hand', () => {
    const g = { p: 6.25, q: 3.74, v: 15.44 };
    const x = 2;
    const z = 22.35;
    const f =
      Math.exp(gammaln(g.p * x + g.q) - gammaln(g.p * x) - gammaln(g.q)) *
      (Math.pow(g.v, g.q) * Math.pow(z, g.p * x - 1) * Math.pow(x, g.p * x)) /
      Math.pow(g.v + x * z, g.p * x + g.q);
    expect(ggLogLik(g, x, z)).toBeCloseTo(Math.log(f), 10);
    const pop = (g.p * g.v) / (g.q - 1);
    const w = (g.p * x) / (g.p * x + g.q - 1);
    expect(ggExpectedAverageValue(g, x, z)).toBeCloseTo((1 - w) * pop + w * z, 10);
    expect(ggExpectedAverageValue(g, 0, 0)).toBeCloseTo(pop, 10);
    expect(ggExpectedAverageValue(g, 3, -5)).toBeCloseTo(ggExpectedAverageValue(g, 3, 0), 12);
  });

  it('skips customers without repeats or with a non-positive spend; warns on correlation', () => {
    const fit = fitGammaGamma({ frequency: [0, 1, 2, 3, 1], monetary: [0, 10, -3, 30, 12] });
    expect(fit.customers).toBe(3);
    const c = spendFrequencyCorrelation({ frequency: [1, 2, 3, 4, 5], monetary: [10, 20, 30, 40, 50] });
    expect(c.correlation).toBeCloseTo(1, 12);
    expect(c.warning).toMatch(/correlated/);
  });
});
