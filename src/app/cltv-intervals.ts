/**
 * `--interval` for clm cltv and clm report: the level parsed, the aggregate intervals of the
 * value tables computed from a predictive fit (src/analytics/clv/intervals.ts), and the added
 * columns. Intervals are confidence intervals of the expected figures (parameter uncertainty),
 * not ranges for the purchases that will happen: see intervals.ts.
 */
import { clvAggregateIntervals, DEFAULT_INTERVAL_LEVEL, intervalProblem, parameterInterval, type ClvIntervalInput, type GroupIntervals } from '../analytics/clv/intervals.js';
import { purchaseModelLabel, type ClvScores } from '../analytics/clv/score.js';
import { DAYS_PER_UNIT, type ClvSummary } from '../analytics/clv/summary.js';
import { UsageError } from '../domain/errors.js';
import type { Cell, Column } from '../render/result.js';
import type { CustomerValues } from './clv-values.js';

/** `--interval`: a level in [0, 1) (0 = no intervals), default 0.9. */
export function intervalLevel(text: string | undefined): number {
  if (text === undefined) return DEFAULT_INTERVAL_LEVEL;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || v >= 1)
    throw new UsageError(`--interval ${JSON.stringify(text)} is not a level`, 'write a level between 0 and 1, such as 0.9 for 90% intervals, or 0 to leave them out');
  return v;
}

/** Per grouping of the table's rows: the group of table row i (−1 = none) and the number of groups. */
export interface RowGrouping {
  readonly of: (i: number) => number;
  readonly size: number;
}

/**
 * Intervals of the summed expected purchases and CLV per group of each grouping, for a
 * predictive model whose fit is usable; null when there is nothing to compute (no fit) or the
 * fit has no covariance, with the warning said through `warn` in that case.
 */
export function valueIntervals(v: CustomerValues, groupings: readonly RowGrouping[], level: number, warn: (m: string) => void): GroupIntervals[] | null {
  const { summary, scores, settings } = v;
  if (!(level > 0) || !summary || !scores || scores.problem) return null;
  const iv = clvAggregateIntervals(
    intervalInput(scores, summary, { horizon: settings.horizonDays / DAYS_PER_UNIT[settings.unit], annualDiscount: settings.discount, margin: settings.margin }),
    groupings.map((g) => ({ of: groupOfRows(summary.rows, g.of), size: g.size })),
    { level },
  );
  if (!iv) warnNoIntervals(scores, warn);
  return iv;
}

/** The group of each summary row, filled in a loop (Int32Array.from with a map function goes through an iterator and a JS array first). */
export function groupOfRows(rows: Int32Array, of: (row: number) => number): Int32Array {
  const out = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = of(rows[k]);
  return out;
}

/** What the interval draws read of a fit: the fits, the customers' (x, t_x, T, z̄) and the value settings. */
export function intervalInput(scores: ClvScores, summary: ClvSummary, value: { horizon: number; annualDiscount: number; margin: number }): ClvIntervalInput {
  const spend = usableSpend(scores);
  return {
    model: scores.purchase.model,
    purchase: scores.purchase,
    spend,
    avgValue: spend ? undefined : scores.expectedAvgValue,
    frequency: summary.frequency,
    recency: summary.recency,
    T: summary.T,
    monetary: summary.monetary,
    unit: summary.unit,
    ...value,
  };
}

/** Says why the interval columns are empty (intervalProblem in the fits' words). */
export function warnNoIntervals(scores: ClvScores, warn: (m: string) => void): void {
  const spend = usableSpend(scores);
  const fits: Parameters<typeof intervalProblem>[0][number][] = [{ label: purchaseModelLabel(scores.purchase.model), params: scores.purchase.params, logCovariance: scores.purchase.logCovariance }];
  if (spend?.logCovariance) fits.push({ label: 'Gamma-Gamma', params: spend.params, logCovariance: spend.logCovariance });
  warn(`the interval columns are left empty: ${intervalProblem(fits) ?? 'the draws gave no intervals'}`);
}

function usableSpend(scores: ClvScores): ClvScores['spend'] | undefined {
  return scores.spend && scores.spend.usable ? scores.spend : undefined;
}

/** The columns added to a value table: the interval of expected_purchases and of total_clv. */
export const VALUE_INTERVAL_COLUMNS: Column[] = [
  { name: 'expected_purchases_low', type: 'number', decimals: 1 },
  { name: 'expected_purchases_high', type: 'number', decimals: 1 },
  { name: 'total_clv_low', type: 'money' },
  { name: 'total_clv_high', type: 'money' },
];

/** Cells of VALUE_INTERVAL_COLUMNS for group g (empty without intervals). */
export function valueIntervalCells(iv: GroupIntervals | undefined, g: number): Cell[] {
  if (!iv) return [null, null, null, null];
  return [iv.purchasesLow[g], iv.purchasesHigh[g], iv.clvLow[g], iv.clvHigh[g]];
}

/** The columns added to the model table: a parameter's interval. */
export const PARAMETER_INTERVAL_COLUMNS: Column[] = [
  { name: 'low', type: 'number', decimals: 4 },
  { name: 'high', type: 'number', decimals: 4 },
];

/** Cells of PARAMETER_INTERVAL_COLUMNS: empty without a standard error. */
export function parameterIntervalCells(estimate: number, se: number | null, level: number): Cell[] {
  const iv = parameterInterval(estimate, se, level);
  return iv ? [iv.low, iv.high] : [null, null];
}
