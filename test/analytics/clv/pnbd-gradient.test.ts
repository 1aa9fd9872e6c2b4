/**
 * The analytic gradient of the Pareto/NBD log-likelihood (issue 17, item 17) against central
 * finite differences: at random points, and at the extreme ones where the dead term is
 * integrated numerically (α and β far apart, z of the hypergeometric form near 1) or the
 * parameters run to infinity together; and the fit it drives.
 */
import { describe, expect, it } from 'vitest';
import { centralDiff } from '../../helpers/numeric-diff.js';
import { fitParetoNbd, PNBD_MAX_EVALUATIONS, pnbdTotalLogLik, pnbdTotalLogLikGradient, type ParetoNbdParams } from '../../../src/analytics/clv/pnbd.js';
import { rng, simulateBgNbd } from './simulate.js';

const toP = (t: number[]): ParetoNbdParams => ({ r: t[0], alpha: t[1], s: t[2], beta: t[3] });
const names = ['r', 'alpha', 's', 'beta'];

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-8);
}

function expectGradient(theta: number[], data: Parameters<typeof pnbdTotalLogLik>[1], tolerance: number): void {
  const { logLik, gradient } = pnbdTotalLogLikGradient(toP(theta), data);
  expect(Math.abs(logLik - pnbdTotalLogLik(toP(theta), data))).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(logLik)));
  for (let i = 0; i < 4; i++) {
    const fd = centralDiff((t) => pnbdTotalLogLik(toP(t), data), theta, i);
    const at = `${names[i]} at ${theta.map((v) => v.toPrecision(4)).join(', ')}: ${gradient[i]} against ${fd}`;
    expect(Number.isFinite(gradient[i]), at).toBe(true);
    expect(relErr(gradient[i], fd), at).toBeLessThan(tolerance);
  }
}

describe('Pareto/NBD analytic gradient', () => {
  const sim = simulateBgNbd(1500, { r: 0.5, alpha: 6, a: 0.8, b: 2.5 }, { p: 6, q: 4, v: 15 }, { seed: 5, Tmin: 20, Tmax: 80 });
  const u = rng(23);
  const draw = (lo: number, hi: number): number => Math.exp(Math.log(lo) + u() * (Math.log(hi) - Math.log(lo)));

  it('matches central differences at random points (relative error < 1e-6)', () => {
    for (let k = 0; k < 12; k++) expectGradient([draw(0.05, 5), draw(0.5, 50), draw(0.05, 5), draw(0.5, 50)], sim, 1e-6);
  });

  it('matches central differences at extreme points: z within 1e-9 of 1 either way, r, α or s, β near 1e10, tiny scales', () => {
    const rows = { frequency: [0, 0, 2, 26, 1, 150], recency: [0, 0, 30.43, 30.86, 0.5, 300], T: [38.9, 12, 38.86, 31, 60, 350], weight: [900, 40, 3, 1, 7, 1] };
    for (const theta of [
      [0.553, 10.578, 0.606, 11.669], // CDNOW
      [4e9, 1e10, 0.6, 11], // α ≫ β: quadrature
      [0.5, 3, 2e9, 5e10], // β ≫ α: quadrature
      [3e9, 1e10, 2e9, 5e9], // both pairs near infinity: series
      [169.06, 212208, 0.555, 1.31], // the Olist 2017 ridge
      [50, 0.5, 0.1, 1e6],
      [0.02, 0.01, 3, 1e-3],
      [0.7, 99, 0.4, 1], // either side of z = 0.99
      [0.7, 101, 0.4, 1],
    ])
      expectGradient(theta, rows, 1e-6);
  });

  it('the fit with it: CDNOW-like simulated data converges in few evaluations, far inside the bound', () => {
    const fit = fitParetoNbd(sim);
    expect(fit.converged).toBe(true);
    expect(fit.usable).toBe(true);
    expect(fit.evaluations).toBeLessThan(PNBD_MAX_EVALUATIONS / 10);
  });
});
