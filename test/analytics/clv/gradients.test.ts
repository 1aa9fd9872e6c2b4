/**
 * The analytic gradients of the BG/NBD and Gamma-Gamma log-likelihoods against central finite
 * differences at random parameter points, the gradient-driven optimiser, and the warm start
 * from a subsample against a fit without it.
 */
import { describe, expect, it } from 'vitest';
import { centralDiff } from '../../helpers/numeric-diff.js';
import { bgnbdTotalLogLik, bgnbdTotalLogLikGradient, fitBgNbd, type BgNbdParams } from '../../../src/analytics/clv/bgnbd.js';
import { fitGammaGamma, ggTotalLogLikGradient, type GammaGammaParams } from '../../../src/analytics/clv/gamma-gamma.js';
import { bfgsWithGradient, hessianFromGradient, maximizeLogLik } from '../../../src/analytics/clv/optimize.js';
import { rng, simulateBgNbd } from './simulate.js';

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1);
}

describe('analytic gradients', () => {
  const sim = simulateBgNbd(3000, { r: 0.5, alpha: 6, a: 0.8, b: 2.5 }, { p: 6, q: 4, v: 15 }, { seed: 7, Tmin: 20, Tmax: 80 });
  const u = rng(11);
  // log-uniform random points over a wide range of each parameter
  const draw = (lo: number, hi: number): number => Math.exp(Math.log(lo) + u() * (Math.log(hi) - Math.log(lo)));

  it('BG/NBD gradient matches central differences at random points (relative error < 1e-5)', () => {
    const names = ['r', 'alpha', 'a', 'b'] as const;
    const toP = (t: number[]): BgNbdParams => ({ r: t[0], alpha: t[1], a: t[2], b: t[3] });
    for (let k = 0; k < 12; k++) {
      const theta = [draw(0.05, 5), draw(0.5, 50), draw(0.1, 5), draw(0.2, 20)];
      const { logLik, gradient } = bgnbdTotalLogLikGradient(toP(theta), sim);
      expect(logLik).toBeCloseTo(bgnbdTotalLogLik(toP(theta), sim), 6);
      for (let i = 0; i < names.length; i++) {
        const fd = centralDiff((t) => bgnbdTotalLogLik(toP(t), sim), theta, i);
        expect(Number.isFinite(gradient[i])).toBe(true);
        expect(relErr(gradient[i], fd), `${names[i]} at ${theta.map((v) => v.toFixed(3)).join(', ')}`).toBeLessThan(1e-5);
      }
    }
  });

  it('BG/NBD gradient handles x = 0 only, and weights', () => {
    const data = { frequency: [0, 0, 2, 5], recency: [0, 0, 10, 30.5], T: [40, 12, 40, 31], weight: [3, 1, 2, 5] };
    const theta = [0.3, 4, 0.9, 2.2];
    const toP = (t: number[]): BgNbdParams => ({ r: t[0], alpha: t[1], a: t[2], b: t[3] });
    const { gradient } = bgnbdTotalLogLikGradient(toP(theta), data);
    for (let i = 0; i < 4; i++) expect(relErr(gradient[i], centralDiff((t) => bgnbdTotalLogLik(toP(t), data), theta, i))).toBeLessThan(1e-5);
  });

  it('Gamma-Gamma gradient matches central differences at random points (relative error < 1e-5)', () => {
    const toP = (t: number[]): GammaGammaParams => ({ p: t[0], q: t[1], v: t[2] });
    const ll = (t: number[]): number => ggTotalLogLikGradient(toP(t), sim).logLik;
    for (let k = 0; k < 12; k++) {
      const theta = [draw(0.3, 30), draw(0.3, 30), draw(0.5, 200)];
      const { gradient } = ggTotalLogLikGradient(toP(theta), sim);
      for (let i = 0; i < 3; i++) {
        const fd = centralDiff(ll, theta, i);
        expect(Number.isFinite(gradient[i])).toBe(true);
        expect(relErr(gradient[i], fd), `${'pqv'[i]} at ${theta.map((v) => v.toFixed(3)).join(', ')}`).toBeLessThan(1e-5);
      }
    }
  });
});

describe('gradient-driven optimiser', () => {
  it('BFGS with an analytic gradient minimises the Rosenbrock function', () => {
    const fg = (x: readonly number[], g: number[]): number => {
      g[0] = -400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]);
      g[1] = 200 * (x[1] - x[0] ** 2);
      return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2;
    };
    const r = bfgsWithGradient(fg, [-1.2, 1], 500, 1e-10);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
    expect(r.gnorm).toBeLessThan(1e-10);
  });

  it('the Hessian from gradient differences of a quadratic is exact', () => {
    const A = [
      [4, 1, 0.5],
      [1, 3, -1],
      [0.5, -1, 2],
    ];
    const fg = (x: readonly number[], g: number[]): number => {
      for (let i = 0; i < 3; i++) g[i] = A[i].reduce((s, a, j) => s + a * x[j], 0);
      return 0.5 * x.reduce((s, xi, i) => s + xi * g[i], 0);
    };
    const H = hessianFromGradient(fg, [0.3, -2, 1]);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(H[i][j]).toBeCloseTo(A[i][j], 6);
  });

  it('with a gradient: the same optimum and standard errors as without, far fewer evaluations', () => {
    const n = 1000;
    const ll = (t: readonly number[]): number => -n * ((Math.log(t[0]) - 1) ** 2 + 2 * (Math.log(t[1]) + 0.5) ** 2 + 0.3 * Math.log(t[0]) * Math.log(t[1]));
    const grad = (t: readonly number[], g: number[]): number => {
      const [l0, l1] = [Math.log(t[0]), Math.log(t[1])];
      g[0] = (-n * (2 * (l0 - 1) + 0.3 * l1)) / t[0];
      g[1] = (-n * (4 * (l1 + 0.5) + 0.3 * l0)) / t[1];
      return ll(t);
    };
    const plain = maximizeLogLik(ll, n, { start: [1, 1] });
    const withGrad = maximizeLogLik(ll, n, { start: [1, 1], gradient: grad });
    expect(withGrad.converged).toBe(true);
    // exact optimum: 2(l0 − 1) + 0.3 l1 = 0, 4(l1 + 0.5) + 0.3 l0 = 0; Hessian n [[2, 0.3], [0.3, 4]]
    const l1 = -2.3 / 3.955;
    const l0 = 1 - 0.15 * l1;
    const det = n * n * (2 * 4 - 0.09);
    const exact = [Math.exp(l0), Math.exp(l1)];
    const se = [exact[0] * Math.sqrt((4 * n) / det), exact[1] * Math.sqrt((2 * n) / det)];
    for (let i = 0; i < 2; i++) {
      expect(withGrad.params[i]).toBeCloseTo(exact[i], 8);
      expect(plain.params[i]).toBeCloseTo(exact[i], 5);
      expect(withGrad.se[i]!).toBeCloseTo(se[i], 8);
      expect(plain.se[i]!).toBeCloseTo(se[i], 5);
    }
    expect(withGrad.evaluations).toBeLessThan(plain.evaluations / 3);
  });

  it('a gradient that is never finite gives converged = false with a warning, no NaN', () => {
    const res = maximizeLogLik(() => 1, 10, { start: [1, 2], gradient: (_t, g) => ((g[0] = NaN), (g[1] = 0), 1) });
    expect(res.converged).toBe(false);
    expect(res.warnings.length).toBeGreaterThan(0);
    expect(res.params.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(res.logLik)).toBe(true);
  });

  it('the warm start from a subsample reaches the same fit as a start from the defaults', () => {
    // 60k simulated customers in continuous time: more distinct rows than the subsample threshold
    const sim = simulateBgNbd(60_000, { r: 0.5, alpha: 6, a: 0.8, b: 2.5 }, { p: 6, q: 4, v: 15 }, { seed: 5, Tmin: 20, Tmax: 80 });
    const warm = fitBgNbd(sim);
    const cold = fitBgNbd(sim, { start: { r: 1, alpha: 1, a: 1, b: 1 } });
    expect(warm.rows).toBeGreaterThan(40_000);
    expect(warm.converged).toBe(true);
    expect(cold.converged).toBe(true);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(warm.params[k] / cold.params[k] - 1)).toBeLessThan(1e-5);
      expect(Math.abs(warm.se[k]! / cold.se[k]! - 1)).toBeLessThan(1e-3);
    }
    expect(warm.logLik).toBeCloseTo(cold.logLik, 4);
    const ggWarm = fitGammaGamma(sim);
    const ggCold = fitGammaGamma(sim, { start: { p: 1, q: 1, v: 1 } });
    expect(ggWarm.converged && ggCold.converged).toBe(true);
    for (const k of ['p', 'q', 'v'] as const) expect(Math.abs(ggWarm.params[k] / ggCold.params[k] - 1)).toBeLessThan(1e-5);
  });
});
