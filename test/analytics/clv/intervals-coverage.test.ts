/**
 * The acceptance of issue 15 item 3: on data simulated from known BG/NBD parameters, the 90%
 * interval of the expected total holdout purchases (a confidence interval of the expectation,
 * see src/analytics/clv/intervals.ts) covers the true figure, Σ E[Y(39) | x, t_x, T] at the
 * true parameters over the simulated customers, in 85–95% of the runs. Seeded throughout.
 */
import { describe, expect, it } from 'vitest';
import { bgnbdExpectedPurchases, fitBgNbd } from '../../../src/analytics/clv/bgnbd.js';
import { clvAggregateIntervals } from '../../../src/analytics/clv/intervals.js';
import { simulateBgNbd } from './simulate.js';

const TRUE = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
const GG = { p: 6, q: 4, v: 15 };
const RUNS = 200;
const CUSTOMERS = 1500;
const HORIZON = 39;

describe('interval coverage on simulated BG/NBD data', () => {
  it('the 90% interval of the expected holdout total covers the true expected total in 85–95% of 200 runs', () => {
    let covered = 0;
    let fitted = 0;
    for (let run = 0; run < RUNS; run++) {
      // cohorts joining over 39 weeks, times rounded to days as a ledger has them
      const sim = simulateBgNbd(CUSTOMERS, TRUE, GG, { seed: 1000 + run, Tmin: 39, Tmax: 78, days: true });
      const fit = fitBgNbd(sim);
      if (!fit.converged || !fit.logCovariance) continue;
      fitted++;
      let truth = 0;
      for (let i = 0; i < CUSTOMERS; i++) truth += bgnbdExpectedPurchases(TRUE, HORIZON, sim.frequency[i], sim.recency[i], sim.T[i]);
      const iv = clvAggregateIntervals(
        { model: 'bgnbd', purchase: fit, avgValue: new Float64Array(CUSTOMERS).fill(1), ...sim, horizon: HORIZON, unit: 'week', annualDiscount: 0, margin: 1 },
        [{ of: new Int32Array(CUSTOMERS), size: 1 }],
        { level: 0.9, draws: 200, seed: run + 1 },
      )!;
      if (iv[0].purchasesLow[0] <= truth && truth <= iv[0].purchasesHigh[0]) covered++;
    }
    expect(fitted).toBeGreaterThanOrEqual(RUNS - 2);
    const coverage = covered / fitted;
    console.log(`coverage ${covered}/${fitted} = ${coverage.toFixed(3)}`);
    expect(coverage).toBeGreaterThanOrEqual(0.85);
    expect(coverage).toBeLessThanOrEqual(0.95);
  }, 120_000);
});
