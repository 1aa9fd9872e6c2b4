import { describe, expect, it } from 'vitest';
import { invertSymmetric, maximizeLogLik, nelderMead } from '../../../src/analytics/clv/optimize.js';

describe('optimizer', () => {
  it('finds a known optimum and its delta-method standard errors', () => {
    const n = 1000;
    // log-likelihood quadratic in the log-parameters: optimum θ = (e, e^−0.5);
    // Hessian over log-parameters diag(2n, 4n), so se(θ_i) = θ_i / sqrt(2n), θ_i / sqrt(4n)
    const ll = (t: readonly number[]): number => -n * ((Math.log(t[0]) - 1) ** 2 + 2 * (Math.log(t[1]) + 0.5) ** 2);
    const res = maximizeLogLik(ll, n, { start: [1, 1] });
    expect(res.converged).toBe(true);
    expect(res.params[0]).toBeCloseTo(Math.E, 6);
    expect(res.params[1]).toBeCloseTo(Math.exp(-0.5), 6);
    expect(res.se[0]!).toBeCloseTo(Math.E / Math.sqrt(2 * n), 5);
    expect(res.se[1]!).toBeCloseTo(Math.exp(-0.5) / Math.sqrt(4 * n), 5);
    expect(res.logLik).toBeCloseTo(0, 8);
    expect(Object.isFrozen(res)).toBe(true);
  });

  it('applies the L2 penalty on the natural parameters', () => {
    const ll = (t: readonly number[]): number => -((Math.log(t[0]) - 1) ** 2);
    const free = maximizeLogLik(ll, 1, { start: [1] });
    const pen = maximizeLogLik(ll, 1, { start: [1], penalizer: 0.1 });
    expect(pen.params[0]).toBeLessThan(free.params[0]);
  });

  it('reports a fit with no finite start as not converged, without NaN', () => {
    const res = maximizeLogLik(() => NaN, 10, { start: [1, 2] });
    expect(res.converged).toBe(false);
    expect(res.warnings.length).toBeGreaterThan(0);
    expect(res.params.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(res.logLik)).toBe(true);
  });

  it('Nelder–Mead minimises the Rosenbrock function', () => {
    const r = nelderMead((x) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2, [-1.2, 1], 5000, 1e-14);
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(1, 3);
  });

  it('inverts a symmetric positive-definite matrix, refuses an indefinite one', () => {
    const inv = invertSymmetric([
      [4, 2],
      [2, 3],
    ])!;
    expect(inv[0][0]).toBeCloseTo(3 / 8, 12);
    expect(inv[0][1]).toBeCloseTo(-2 / 8, 12);
    expect(inv[1][1]).toBeCloseTo(4 / 8, 12);
    expect(
      invertSymmetric([
        [1, 2],
        [2, 1],
      ]),
    ).toBeUndefined();
  });
});

describe('the evaluation budget', () => {
  it('stops a fit at its bound with the best point seen, not converged, and says so', () => {
    const ll = (t: readonly number[]): number => -((Math.log(t[0]) - 3) ** 2) - (Math.log(t[1]) + 1) ** 2;
    const r = maximizeLogLik(ll, 1, { start: [1, 1], maxEvaluations: 5 });
    expect(r.converged).toBe(false);
    expect(r.warnings.join(' ')).toMatch(/stopped after 5 evaluations/);
    expect(Number.isFinite(r.logLik)).toBe(true);
    // without the bound the same fit settles at (e^3, e^-1)
    const free = maximizeLogLik(ll, 1, { start: [1, 1] });
    expect(free.converged).toBe(true);
    expect(free.params[0]).toBeCloseTo(Math.exp(3), 3);
  });
});
