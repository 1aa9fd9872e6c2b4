/**
 * Every log-likelihood clm reports is the likelihood: it equals an independent 60-digit
 * evaluation of the papers' textbook formulas at the reported parameters (test/helpers/
 * precise-loglik.ts), and it is a finite number <= 0. Includes the data shapes that run the
 * parameters to infinity (no heterogeneity left), where the plain formulas cancel.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitBgNbd } from '../../../src/analytics/clv/bgnbd.js';
import { fitGammaGamma, ggLogLik } from '../../../src/analytics/clv/gamma-gamma.js';
import { fitMbgNbd, mbgnbdLogLik } from '../../../src/analytics/clv/mbgnbd.js';
import { fitProblem, weightedRows, type PurchaseData } from '../../../src/analytics/clv/model.js';
import { fitParetoNbd, pnbdLogLik } from '../../../src/analytics/clv/pnbd.js';
import { digammaRatio, lbetaRatio, lgammaRatio } from '../../../src/analytics/clv/special.js';
import { bgnbdLogLik } from '../../../src/analytics/clv/bgnbd.js';
import { simulatePurchases, simulateSpend } from './simulate.js';
import { bgLogLikPrecise, D, ggLogLikPrecise, lnGamma, pnbdLogLikPrecise, totalPrecise } from '../../helpers/precise-loglik.js';

function expectSameLogLik(reported: number, precise: number): void {
  expect(Number.isFinite(reported)).toBe(true);
  expect(reported).toBeLessThanOrEqual(0);
  expect(Math.abs(reported - precise)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(precise)));
}

describe('the reference evaluator itself', () => {
  it('ln Γ at whole numbers is ln((n−1)!) to 40 digits, and ln Γ(½) = ½ ln π', () => {
    let f = 1n;
    for (let n = 1; n <= 60; n++) {
      if (n > 1) f *= BigInt(n - 1);
      const want = Math.log(Number(f));
      expect(Math.abs(lnGamma(n).toNumber() - want)).toBeLessThan(1e-12 * Math.max(1, want));
    }
    expect(lnGamma(0.5).toNumber()).toBeCloseTo(0.5 * Math.log(Math.PI), 15);
  });
});

describe('cancellation-free ratios of special functions', () => {
  it('ln Γ(x+d) − ln Γ(x) and ψ(x+d) − ψ(x) hold to 1e-12 from x = 1e-3 to 1e150', () => {
    for (const x of [1e-3, 0.7, 5, 39.9, 40, 1234.5, 1e8, 1e30, 1e150])
      for (const d of [0, 0.3, 1, 7, 64, 65.5, 300]) {
        const X = new D(x);
        const want = lnGamma(X.plus(d)).minus(lnGamma(X)).toNumber();
        expect(Math.abs(lgammaRatio(x, d) - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
        // ψ difference from the log-gamma ratio's derivative, by a central difference in decimal
        const h = new D(1e-30).times(Math.max(1, x));
        const at = (t: InstanceType<typeof D>): InstanceType<typeof D> => lnGamma(t.plus(h)).minus(lnGamma(t.minus(h)));
        const dg = at(X.plus(d)).minus(at(X)).div(h.times(2)).toNumber();
        expect(Math.abs(digammaRatio(x, d) - dg)).toBeLessThanOrEqual(1e-10 * Math.max(1e-6, Math.abs(dg)));
      }
    expect(lbetaRatio(2, 3, 1)).toBeCloseTo(Math.log(3 / 5), 14);
  });
});

describe('per-customer log-likelihoods against the 60-digit textbook formulas', () => {
  const bg = [
    { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
    { r: 6.3e10, alpha: 1.6e11, a: 1.6e6, b: 1.8e7 },
    { r: 0.26, alpha: 9.44, a: 190715, b: 4462 },
  ];
  it('BG/NBD and MBG/NBD, including parameters near 1e11', () => {
    for (const p of bg)
      for (const [x, tx, T] of [[0, 0, 38.9], [1, 2.5, 30], [7, 35.1, 38.9], [40, 50, 52]]) {
        expectSameLogLik(bgnbdLogLik(p, x, tx, T), bgLogLikPrecise(p, x, tx, T, false).toNumber());
        expectSameLogLik(mbgnbdLogLik(p, x, tx, T), bgLogLikPrecise(p, x, tx, T, true).toNumber());
      }
  });
  it('Gamma-Gamma, including q and v near 1e150', () => {
    for (const p of [{ p: 6.25, q: 3.74, v: 15.44 }, { p: 94.9, q: 5.6e10, v: 3.9e10 }, { p: 90.97, q: 1.08e154, v: 7.72e153 }])
      for (const [x, z] of [[1, 20], [3, 35.5], [30, 65.1], [40, 89.95]]) {
        const want = ggLogLikPrecise(p.p, p.q, p.v, x, z).toNumber();
        expect(Math.abs(ggLogLik(p, x, z) - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
      }
  });
  it('Pareto/NBD, including r and α near 1e10 and z within 1e-9 of 1: the true value at every point (issue 17, item 17)', () => {
    const points = [
      { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 },
      { r: 4e9, alpha: 1e10, s: 0.6, beta: 11 }, // z within 1e-9 of 1, α ≥ β
      { r: 0.5, alpha: 3, s: 2e9, beta: 5e10 }, // z within 1e-10 of 1, α < β
      { r: 3e9, alpha: 1e10, s: 2e9, beta: 5e9 },
      { r: 169.06, alpha: 212208, s: 0.555, beta: 1.31 }, // the Olist 2017 ridge
      { r: 50, alpha: 0.5, s: 0.1, beta: 1e6 }, // steep in u, z near 1
      { r: 0.02, alpha: 0.01, s: 3, beta: 1e-3 },
      { r: 0.7, alpha: 99, s: 0.4, beta: 1 }, // z = 0.9899 at t_x = 0: the series
      { r: 0.7, alpha: 101, s: 0.4, beta: 1 }, // z = 0.9901: the quadrature
    ];
    for (const p of points)
      for (const [x, tx, T] of [[0, 0, 38.9], [2, 30.43, 38.86], [26, 30.86, 31], [1, 0.5, 60], [150, 300, 350]]) {
        const want = pnbdLogLikPrecise(p, x, tx, T).toNumber();
        const got = pnbdLogLik(p, x, tx, T);
        expect(Number.isFinite(got), `${JSON.stringify(p)} at ${x}, ${tx}, ${T}`).toBe(true);
        expect(Math.abs(got - want), `${JSON.stringify(p)} at ${x}, ${tx}, ${T}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
      }
  });
});

describe('every fitted model reports its true log-likelihood, and it is <= 0 (property)', () => {
  const seeds = fc.integer({ min: 1, max: 2 ** 31 - 1 });
  const purchaseReference = (data: PurchaseData, one: (x: number, tx: number, T: number) => ReturnType<typeof bgLogLikPrecise>): number => {
    const rows = weightedRows(data);
    return totalPrecise(rows.size, (i) => rows.weight[i], (i) => one(rows.frequency[i], rows.recency[i], rows.T[i]));
  };

  it('BG/NBD and MBG/NBD on simulated customers, with and without heterogeneity', () => {
    fc.assert(
      fc.property(seeds, fc.integer({ min: 60, max: 300 }), fc.boolean(), (seed, n, same) => {
        const data = simulatePurchases(seed, n, same);
        for (const mbg of [false, true]) {
          const fit = mbg ? fitMbgNbd(data) : fitBgNbd(data);
          if (!fit.usable) continue;
          expectSameLogLik(fit.logLik, purchaseReference(data, (x, tx, T) => bgLogLikPrecise(fit.params, x, tx, T, mbg)));
        }
      }),
      { numRuns: 12, seed: 18 },
    );
  });

  // with and without heterogeneity: without it the fit runs r, α, s, β towards infinity, where
  // the likelihood used to have no value (and the fit took minutes; issue 17, item 17)
  it('Pareto/NBD on simulated customers, with and without heterogeneity', () => {
    fc.assert(
      fc.property(seeds, fc.integer({ min: 60, max: 200 }), fc.boolean(), (seed, n, same) => {
        const data = simulatePurchases(seed, n, same);
        const fit = fitParetoNbd(data);
        expect(fit.usable, fit.problem ?? '').toBe(true);
        expectSameLogLik(fit.logLik, purchaseReference(data, (x, tx, T) => pnbdLogLikPrecise(fit.params, x, tx, T)));
      }),
      { numRuns: 8, seed: 18 },
    );
  });

  it('Gamma-Gamma on simulated spends, with and without spread between customers', () => {
    fc.assert(
      fc.property(seeds, fc.integer({ min: 30, max: 400 }), fc.boolean(), (seed, n, same) => {
        const spend = simulateSpend(seed, n, same);
        const fit = fitGammaGamma(spend);
        expect(fit.usable).toBe(true);
        const want = totalPrecise(n, () => 1, (i) => ggLogLikPrecise(fit.params.p, fit.params.q, fit.params.v, spend.frequency[i], spend.monetary[i]));
        expectSameLogLik(fit.logLik, want);
      }),
      { numRuns: 15, seed: 18 },
    );
  });

  it('a fit whose likelihood is above 0, not finite, or not its own evaluation is not usable', () => {
    expect(fitProblem(-10, -10)).toBeNull();
    expect(fitProblem(1.09e48, -3.3e33)).toMatch(/above 0/);
    expect(fitProblem(NaN, -1)).toMatch(/not a finite number/);
    expect(fitProblem(-463.74, -467.86)).toMatch(/differs/);
  });
});
