import { describe, expect, it } from 'vitest';
import { churnProbability, derl, fitSbg, retentionRate, sbgLogLik, survival, type SbgParams } from '../../../src/analytics/retention/sbg.js';

/**
 * Fader & Hardie (2007), "How to project customer retention", J. Interactive Marketing 21(1):
 * survivors out of 1,000 at years 0..7 (../shared/datasets/README.md) and the actual years
 * 8..12 the paper holds out (as in PyMC-Marketing's sBG notebook, which also carries the
 * paper's estimates regular 0.704/1.182, high end 0.668/3.806).
 */
const REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241];
const HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491];
const REGULAR_ACTUAL_8_12 = [223, 207, 194, 183, 173];
const HIGH_END_ACTUAL_8_12 = [468, 445, 427, 409, 394];

/** S(t) as the product of the paper's retention rates (eq. 8): independent of the code's B-function form. */
function survivalByProduct(p: SbgParams, t: number): number {
  let s = 1;
  for (let i = 1; i <= t; i++) s *= (p.beta + i - 1) / (p.alpha + p.beta + i - 1);
  return s;
}

/** The paper's log-likelihood (eq. 6) with P(T = t) by its recursion (eq. 7): P(1) = α/(α+β), P(t) = P(t−1)(β+t−2)/(α+β+t−1). */
function paperLogLik(p: SbgParams, n: readonly number[]): number {
  let P = p.alpha / (p.alpha + p.beta);
  let S = 1 - P;
  let ll = (n[0] - n[1]) * Math.log(P);
  for (let t = 2; t < n.length; t++) {
    P = (P * (p.beta + t - 2)) / (p.alpha + p.beta + t - 1);
    S -= P;
    ll += (n[t - 1] - n[t]) * Math.log(P);
  }
  return ll + n[n.length - 1] * Math.log(S);
}

describe('sBG on the paper\'s survivor data (Fader & Hardie 2007), fitted on years 1-7', () => {
  const cases = [
    { name: 'regular', data: REGULAR, alpha: 0.704, beta: 1.182, actual: REGULAR_ACTUAL_8_12, projected: [220.1, 204.4, 191.2, 179.9, 170.0] },
    { name: 'high end', data: HIGH_END, alpha: 0.668, beta: 3.806, actual: HIGH_END_ACTUAL_8_12, projected: [460.4, 435.8, 414.2, 395.1, 378.0] },
  ];
  for (const c of cases) {
    it(`${c.name}: alpha and beta are the paper's to 3 decimals, the fit converged with standard errors`, () => {
      const f = fitSbg([{ cohort: c.name, survivors: c.data }]);
      expect(f.converged).toBe(true);
      expect(f.usable).toBe(true);
      expect(f.warnings).toEqual([]);
      expect(f.params.alpha).toBeCloseTo(c.alpha, 3);
      expect(f.params.beta).toBeCloseTo(c.beta, 3);
      expect(f.customers).toBe(1000);
      expect(f.periods).toBe(7);
      // the log-likelihood is the paper's eq. 6, computed here by its recursion
      expect(f.logLik).toBeCloseTo(paperLogLik(f.params, c.data), 8);
    });

    it(`${c.name}: projected survivors for years 8-12 (computed from the model at the paper's estimates) and close to the actual ones`, () => {
      const f = fitSbg([{ cohort: c.name, survivors: c.data }]);
      const published: SbgParams = { alpha: c.alpha, beta: c.beta };
      for (let i = 0; i < 5; i++) {
        const t = 8 + i;
        const fitted = 1000 * survival(f.params, t);
        // the projection from the paper's rounded estimates, by the product of retention rates
        expect(fitted).toBeCloseTo(1000 * survivalByProduct(published, t), 0);
        expect(fitted).toBeCloseTo(c.projected[i], 1);
        // the paper's point: the sBG projects the held-out years within a few percent
        expect(Math.abs(fitted / c.actual[i] - 1)).toBeLessThan(0.05);
      }
    });
  }

  it('standard errors agree with the inverse of a numerical Hessian of the log-likelihood', () => {
    const f = fitSbg([{ cohort: 'regular', survivors: REGULAR }]);
    const { alpha: a, beta: b } = f.params;
    const ll = (x: number, y: number): number => sbgLogLik({ alpha: x, beta: y }, [{ cohort: 'r', survivors: REGULAR }]);
    const h = 1e-4;
    const haa = (ll(a + h, b) - 2 * ll(a, b) + ll(a - h, b)) / (h * h);
    const hbb = (ll(a, b + h) - 2 * ll(a, b) + ll(a, b - h)) / (h * h);
    const hab = (ll(a + h, b + h) - ll(a + h, b - h) - ll(a - h, b + h) + ll(a - h, b - h)) / (4 * h * h);
    // covariance = inverse of the observed information −H
    const det = haa * hbb - hab * hab;
    const seA = Math.sqrt(-hbb / det);
    const seB = Math.sqrt(-haa / det);
    expect(f.se.alpha! / seA).toBeCloseTo(1, 3);
    expect(f.se.beta! / seB).toBeCloseTo(1, 3);
  });
});

describe('sBG functions', () => {
  const p: SbgParams = { alpha: 0.704, beta: 1.182 };

  it('S(t), P(T = t) and r(t) agree with the paper\'s recursions', () => {
    let S = 1;
    for (let t = 1; t <= 30; t++) {
      const P = S - survivalByProduct(p, t);
      expect(churnProbability(p, t)).toBeCloseTo(P, 12);
      S = survivalByProduct(p, t);
      expect(survival(p, t)).toBeCloseTo(S, 12);
      expect(retentionRate(p, t)).toBeCloseTo(survivalByProduct(p, t) / survivalByProduct(p, t - 1), 12);
    }
    expect(survival(p, 0)).toBe(1);
  });

  it('the analytic gradient matches central differences', () => {
    const curves = [
      { cohort: 'a', survivors: REGULAR },
      { cohort: 'b', survivors: [500, 400, 350] },
    ];
    const g = [0, 0];
    const q: SbgParams = { alpha: 1.3, beta: 2.7 };
    sbgLogLik(q, curves, g);
    const h = 1e-6;
    const da = (sbgLogLik({ ...q, alpha: q.alpha + h }, curves) - sbgLogLik({ ...q, alpha: q.alpha - h }, curves)) / (2 * h);
    const db = (sbgLogLik({ ...q, beta: q.beta + h }, curves) - sbgLogLik({ ...q, beta: q.beta - h }, curves)) / (2 * h);
    expect(g[0]).toBeCloseTo(da, 4);
    expect(g[1]).toBeCloseTo(db, 4);
  });

  it('cohorts share alpha and beta: the log-likelihood of several curves is the sum of theirs', () => {
    const both = sbgLogLik(p, [
      { cohort: 'r', survivors: REGULAR },
      { cohort: 'h', survivors: HIGH_END.slice(0, 4) },
    ]);
    expect(both).toBeCloseTo(paperLogLik(p, REGULAR) + paperLogLik(p, HIGH_END.slice(0, 4)), 9);
  });

  it('DERL (Fader & Hardie 2010, eq. 6) equals the direct discounted sum of survival probabilities', () => {
    for (const q of [p, { alpha: 0.668, beta: 3.806 }, { alpha: 3.2, beta: 12.5 }]) {
      for (const d of [0.1, 0.05, 0.01]) {
        for (const n of [1, 2, 5, 10, 40]) {
          // Σ_{j≥0} S(n + j)/S(n − 1) · (1 + d)^−j: the next payment undiscounted
          // S(n + j)/S(n − 1) = r(n)·r(n + 1)···r(n + j), kept as a running product
          let direct = 0;
          let ratio = 1;
          for (let j = 0; j < 20_000; j++) {
            ratio *= (q.beta + n + j - 1) / (q.alpha + q.beta + n + j - 1);
            direct += ratio * (1 + d) ** -j;
          }
          expect(derl(q, n, d) / direct).toBeCloseTo(1, 9);
        }
      }
    }
  });

  it('warns with fewer than 3 observed periods, and refuses data where nobody was lost', () => {
    const few = fitSbg([{ cohort: 'x', survivors: [100, 60, 45] }]);
    expect(few.warnings.join('\n')).toMatch(/only 2 period\(s\) after the cohort start observed/);
    const none = fitSbg([{ cohort: 'x', survivors: [100, 100, 100] }]);
    expect(none.usable).toBe(false);
    expect(none.warnings.at(-1)).toMatch(/no customer was lost/);
    const start = fitSbg([{ cohort: 'x', survivors: [100] }]);
    expect(start.usable).toBe(false);
    expect(start.warnings.at(-1)).toMatch(/no period after the cohort start/);
  });

  it('a cohort that loses exactly the same share every period (no heterogeneity) gets a warning that alpha and beta are not determined, only their ratio', () => {
    // 10% lost every period (expected counts, not rounded): the likelihood rises towards the
    // geometric limit alpha, beta -> infinity and is flat along alpha/(alpha + beta) = 0.1
    const s = Array.from({ length: 9 }, (_, t) => 100000 * 0.9 ** t);
    const f = fitSbg([{ cohort: 'geo', survivors: s }]);
    expect(f.params.alpha / (f.params.alpha + f.params.beta)).toBeCloseTo(0.1, 4);
    expect(f.params.alpha).toBeGreaterThan(100);
    expect(f.warnings.join('\n')).toMatch(
      f.converged
        ? /alpha and beta are poorly determined \(standard errors .* exceed the estimates\): customers barely differ in their churn probability, about alpha\/\(alpha\+beta\) = 0\.100 per period/
        : /alpha and beta ran to infinity together: customers do not differ in their churn probability, which is one rate alpha\/\(alpha\+beta\) = 0\.100 per period/,
    );
  });
});
