/**
 * `--model auto` on a customer table: the default holdout before the as-of date (holdout.ts,
 * the split of `clm backtest`) and the rule of analytics/clv/choose-model.ts on it.
 */
import { autoFitPurchaseModel, type HoldoutSplit, type ModelChoice } from '../analytics/clv/choose-model.js';
import type { PurchasePredictor } from '../analytics/clv/model.js';
import type { PurchaseFit } from '../analytics/clv/score.js';
import { holdoutActuals, summarizeLedger, type ClvSummary, type TimeUnit } from '../analytics/clv/summary.js';
import type { CustomerTable } from '../domain/customer-state.js';
import { formatDay, type Day } from '../domain/dates.js';
import { defaultHoldout } from './holdout.js';

/** The calibration part of the default holdout before `asOf`, or undefined when the history is too short for one. */
export function holdoutSplitBefore(t: CustomerTable, asOf: Day, unit: TimeUnit): HoldoutSplit | undefined {
  const d = defaultHoldout(t, asOf);
  if (!d) return undefined;
  const calibrationEnd = asOf - d.weeks * 7;
  const summary = summarizeLedger(t, { calibrationEnd, unit });
  if (summary.size === 0) return undefined;
  const h = holdoutActuals(t, summary, asOf);
  return { summary, frequency: h.frequency, duration: h.duration, calibrationEnd: formatDay(calibrationEnd), holdoutEnd: formatDay(asOf) };
}

/** Chooses and fits the purchase model for the summary at `asOf` of table t. */
export function autoFitOnTable(t: CustomerTable, asOf: Day, full: ClvSummary, penalizer: number): { fit: PurchaseFit; predictor: PurchasePredictor; choice: ModelChoice } {
  return autoFitPurchaseModel(full, holdoutSplitBefore(t, asOf, full.unit), penalizer);
}
