/**
 * The predictive CLV pipeline of spec §6.1 in one call: fit the purchase model (BG/NBD,
 * Pareto/NBD or MBG/NBD) on the calibration summary, fit Gamma-Gamma on the repeat customers
 * for spend, and score every customer: P(alive), expected purchases over the horizon, expected average
 * value and discounted CLV. Pure; the warnings say what to look at.
 */
import { bgnbdPredictor, fitBgNbd, type BgNbdFit } from './bgnbd.js';
import { fitGammaGamma, ggEligible, ggExpectedAverageValues, ggPopulationMean, spendFrequencyCorrelation, type GammaGammaFit } from './gamma-gamma.js';
import { fitMbgNbd, mbgnbdPredictor, type MbgNbdFit } from './mbgnbd.js';
import type { PurchaseData, PurchasePredictor } from './model.js';
import { fitParetoNbd, pnbdPredictor, type ParetoNbdFit } from './pnbd.js';
import type { ClvSummary } from './summary.js';
import { clvValues } from './value.js';

export type PurchaseModelName = 'bgnbd' | 'pnbd' | 'mbgnbd';

/** The paper's name of a purchase model, for prose. */
export function purchaseModelLabel(model: PurchaseModelName): string {
  return model === 'pnbd' ? 'Pareto/NBD' : model === 'mbgnbd' ? 'MBG/NBD' : 'BG/NBD';
}

/** A fitted purchase model. */
export type PurchaseFit = BgNbdFit | ParetoNbdFit | MbgNbdFit;

export interface ScoreOptions {
  readonly model: PurchaseModelName;
  /** Horizon in the summary's unit. */
  readonly horizon: number;
  readonly annualDiscount: number;
  readonly margin: number;
  readonly penalizer?: number;
  /** The purchase model already fitted on this summary (by --model auto), used as is. */
  readonly fitted?: { readonly fit: PurchaseFit; readonly predictor: PurchasePredictor };
}

/**
 * BG/NBD's caveat for customers without a repeat purchase (x = 0): its dropout happens only
 * after a repeat purchase, so their P(alive) is 1 by construction. Null when there are none.
 */
export function oneTimeBuyerCaveat(model: PurchaseModelName, frequency: ArrayLike<number>): string | null {
  if (model !== 'bgnbd') return null;
  let n = 0;
  for (let i = 0; i < frequency.length; i++) if (frequency[i] === 0) n++;
  if (n === 0) return null;
  return `BG/NBD gives P(alive) = 1 to the ${n.toLocaleString('en-US')} customers without a repeat purchase: the model cannot tell if they left; MBG/NBD or Pareto/NBD can (--model mbgnbd or pnbd)`;
}

export interface ClvScores {
  readonly purchase: PurchaseFit;
  /** Undefined when too few repeat customers with positive spend to fit Gamma-Gamma. */
  readonly spend?: GammaGammaFit;
  readonly correlation?: { correlation: number; customers: number; warning?: string };
  /** Over the summary's customers; absent once a report has let go of its fit data (app/clv-values.ts withoutFitData). */
  readonly predictor?: PurchasePredictor;
  readonly pAlive: Float64Array;
  readonly expectedPurchases: Float64Array;
  readonly expectedAvgValue: Float64Array;
  readonly clv: Float64Array;
  /**
   * Why the purchase model's values must not be used (ModelFit.problem), or null; when set,
   * every per-customer array is NaN.
   */
  readonly problem: string | null;
  readonly warnings: readonly string[];
  /**
   * What the analyst must know to read P(alive) (oneTimeBuyerCaveat), or null: a warning where
   * P(alive) is printed (cltv, customers), a line on the report's CLV page.
   */
  readonly caveat: string | null;
}

/** Fewer eligible repeat customers than this: no Gamma-Gamma fit, the mean repeat spend instead. */
export const MIN_SPEND_CUSTOMERS = 10;

export function fitPurchaseModel(summary: ClvSummary, model: PurchaseModelName, penalizer = 0): { fit: PurchaseFit; predictor: PurchasePredictor } {
  const fit = model === 'pnbd' ? fitParetoNbd(summary, { penalizer }) : model === 'mbgnbd' ? fitMbgNbd(summary, { penalizer }) : fitBgNbd(summary, { penalizer });
  return { fit, predictor: purchasePredictor(model, fit.params, summary) };
}

/** The predictor of a purchase model at given parameters (the papers' names, as in its fit). */
export function purchasePredictor(model: PurchaseModelName, params: PurchaseFit['params'], data: PurchaseData): PurchasePredictor {
  if (model === 'pnbd') return pnbdPredictor(params as ParetoNbdFit['params'], data);
  if (model === 'mbgnbd') return mbgnbdPredictor(params as MbgNbdFit['params'], data);
  return bgnbdPredictor(params as BgNbdFit['params'], data);
}

export function scoreClv(summary: ClvSummary, opts: ScoreOptions): ClvScores {
  const warnings: string[] = [];
  const { fit: purchase, predictor } = opts.fitted ?? fitPurchaseModel(summary, opts.model, opts.penalizer ?? 0);
  // each warning says which model it is about
  const label = purchaseModelLabel(purchase.model);
  warnings.push(...purchase.warnings.map((w) => `${label}: ${w}`));
  if (!purchase.usable) {
    const nan = (): Float64Array => new Float64Array(summary.size).fill(NaN);
    return { purchase, predictor, pAlive: nan(), expectedPurchases: nan(), expectedAvgValue: nan(), clv: nan(), problem: purchase.problem, warnings, caveat: null };
  }
  let eligible = 0;
  let spendSum = 0;
  for (let i = 0; i < summary.size; i++) {
    if (ggEligible(summary.frequency[i], summary.monetary[i])) {
      eligible++;
      spendSum += summary.monetary[i];
    }
  }
  let spend: GammaGammaFit | undefined;
  let correlation: ClvScores['correlation'];
  let expectedAvgValue: Float64Array;
  const meanSpend = eligible > 0 ? spendSum / eligible : 0;
  if (eligible >= MIN_SPEND_CUSTOMERS) {
    spend = fitGammaGamma(summary, { penalizer: opts.penalizer ?? 0 });
    warnings.push(...spend.warnings.map((w) => `Gamma-Gamma: ${w}`));
  }
  if (spend && !spend.usable) {
    warnings.push(`Gamma-Gamma is not used: every customer gets the mean repeat spend ${meanSpend.toFixed(2)}`);
    expectedAvgValue = new Float64Array(summary.size).fill(meanSpend);
  } else if (spend) {
    correlation = spendFrequencyCorrelation(summary);
    if (correlation.warning) warnings.push(correlation.warning);
    expectedAvgValue = ggExpectedAverageValues(spend.params, summary.frequency, summary.monetary);
    if (!Number.isFinite(ggPopulationMean(spend.params))) warnings.push('Gamma-Gamma q <= 1: the population mean spend is infinite; customers without repeats get the mean repeat spend instead');
    for (let i = 0; i < expectedAvgValue.length; i++) if (!Number.isFinite(expectedAvgValue[i])) expectedAvgValue[i] = meanSpend;
  } else {
    warnings.push(`only ${eligible} repeat customers with positive spend: Gamma-Gamma is not fitted and every customer gets the mean repeat spend`);
    expectedAvgValue = new Float64Array(summary.size).fill(meanSpend);
  }
  const expectedPurchases = predictor.expected(opts.horizon);
  const clv = clvValues(predictor, expectedAvgValue, { horizon: opts.horizon, unit: summary.unit, annualDiscount: opts.annualDiscount, margin: opts.margin });
  const caveat = oneTimeBuyerCaveat(purchase.model, summary.frequency);
  return { purchase, spend, correlation, predictor, pAlive: predictor.pAlive, expectedPurchases, expectedAvgValue, clv, problem: null, warnings, caveat };
}
