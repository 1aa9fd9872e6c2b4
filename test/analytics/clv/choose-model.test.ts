import { describe, expect, it } from 'vitest';
import { autoFitPurchaseModel, MIN_HOLDOUT_PURCHASES, rankCandidates, type HoldoutSplit } from '../../../src/analytics/clv/choose-model.js';
import { summaryFromArrays, type ClvSummary } from '../../../src/analytics/clv/summary.js';
import { gamma, rng } from './simulate.js';

/**
 * Customers of the BG family with known truth: λ ~ Gamma(r, α), p ~ Beta(a, b); Poisson
 * purchases from the first at time 0 to Tend; after each repeat purchase the customer drops
 * out with probability p, and with `dropAtFirst` (MBG/NBD) after the first one too. Returns
 * the summary at Tend − holdout and each customer's purchases in the holdout, and the summary
 * at Tend.
 */
function simulate(n: number, prm: { r: number; alpha: number; a: number; b: number }, dropAtFirst: boolean, seed: number, holdout: number): { split: HoldoutSplit; full: ClvSummary } {
  const u = rng(seed);
  const cal = { f: [] as number[], r: [] as number[], T: [] as number[] };
  const all = { f: [] as number[], r: [] as number[], T: [] as number[] };
  const hold: number[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = gamma(u, prm.r) / prm.alpha;
    const ga = gamma(u, prm.a);
    const p = ga / (ga + gamma(u, prm.b));
    const Tend = holdout + 10 + 60 * u();
    const Tcal = Tend - holdout;
    const times: number[] = [];
    let alive = !(dropAtFirst && u() < p);
    let t = 0;
    while (alive) {
      t += -Math.log(u()) / lambda;
      if (t > Tend) break;
      times.push(t);
      if (u() < p) alive = false;
    }
    const inCal = times.filter((s) => s <= Tcal);
    cal.f.push(inCal.length);
    cal.r.push(inCal.length > 0 ? inCal[inCal.length - 1] : 0);
    cal.T.push(Tcal);
    hold.push(times.length - inCal.length);
    all.f.push(times.length);
    all.r.push(times.length > 0 ? times[times.length - 1] : 0);
    all.T.push(Tend);
  }
  const ids = Array.from({ length: n }, (_, i) => `c${i}`);
  const summary = (s: typeof cal): ClvSummary => summaryFromArrays({ ids, frequency: s.f, recency: s.r, T: s.T, unit: 'week' });
  return { split: { summary: summary(cal), frequency: hold, duration: holdout, calibrationEnd: 'cal', holdoutEnd: 'end' }, full: summary(all) };
}

describe('--model auto: the rule (choose-model.ts)', () => {
  it('MBG/NBD data with many one-time buyers who left: auto does not pick BG/NBD', () => {
    // a high dropout (mean p = 0.5): half the customers leave right after the first purchase
    const { split, full } = simulate(4000, { r: 1.5, alpha: 8, a: 2, b: 2 }, true, 7, 26);
    const { choice, fit } = autoFitPurchaseModel(full, split);
    expect(choice.rule).toBe('holdout');
    expect(choice.model).not.toBe('bgnbd');
    expect(fit.model).toBe(choice.model);
    const bg = choice.candidates.find((c) => c.model === 'bgnbd')!;
    const won = choice.candidates.find((c) => c.model === choice.model)!;
    // BG/NBD keeps the one-time buyers alive: it over-predicts the holdout
    expect(bg.predicted!).toBeGreaterThan(bg.actual!);
    expect(won.error!).toBeLessThan(bg.error!);
    expect(choice.reason).toMatch(/^--model auto chose (MBG\/NBD|Pareto\/NBD): fitted on the orders to cal, it came closest to the \d+ repeat purchases to end/);
  });

  it('BG/NBD data: auto picks a model whose holdout error is not worse than BG/NBD', () => {
    const { split, full } = simulate(4000, { r: 1.5, alpha: 8, a: 0.8, b: 4 }, false, 11, 26);
    const { choice } = autoFitPurchaseModel(full, split);
    const bg = choice.candidates.find((c) => c.model === 'bgnbd')!;
    const won = choice.candidates.find((c) => c.model === choice.model)!;
    expect(won.error!).toBeLessThanOrEqual(bg.error!);
    expect(won.usable && won.converged).toBe(true);
  });

  it('too few holdout purchases: the lowest AIC on all the data, and says why', () => {
    const { split, full } = simulate(300, { r: 1.5, alpha: 8, a: 2, b: 2 }, true, 3, 0.2);
    expect(Array.from(split.frequency).reduce((s, v) => s + v, 0)).toBeLessThan(MIN_HOLDOUT_PURCHASES);
    const { choice, fit } = autoFitPurchaseModel(full, split);
    expect(choice.rule).toBe('aic');
    const best = Math.min(...choice.candidates.filter((c) => c.usable).map((c) => c.aic!));
    expect(choice.candidates.find((c) => c.model === choice.model)!.aic).toBe(best);
    expect(fit.logLik).toBeCloseTo((8 - best) / 2, 6);
    expect(choice.reason).toContain(`under ${MIN_HOLDOUT_PURCHASES}`);
  });

  it('never ranks an unusable or unconverged fit above a usable converged one', () => {
    const ranked = rankCandidates([
      { model: 'bgnbd', usable: false, converged: false },
      { model: 'mbgnbd', usable: true, converged: false, error: 0.01, rmse: 1 },
      { model: 'pnbd', usable: true, converged: true, error: 0.5, rmse: 1 },
    ], 'holdout');
    expect(ranked.map((c) => c.model)).toEqual(['pnbd', 'mbgnbd', 'bgnbd']);
  });
});
