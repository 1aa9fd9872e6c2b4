/**
 * Backtest of a fitted purchase model (spec §6.3): the model, fitted on the calibration
 * summary, predicts each customer's repeat purchases over the holdout (conditional
 * expectation over the holdout duration); those are set against the actual holdout counts.
 */
import type { PurchasePredictor } from './model.js';

export interface BacktestInput {
  /** Predictor over the calibration customers (same order as the arrays below). */
  readonly predictor: PurchasePredictor;
  /** Calibration x per customer. */
  readonly calibrationFrequency: ArrayLike<number>;
  /** Holdout duration in units and actual holdout repeat purchases per customer. */
  readonly holdoutDuration: number;
  readonly holdoutFrequency: ArrayLike<number>;
  /** predictor.expected(holdoutDuration) when the caller has it already (one array less at 8M customers). */
  readonly predicted?: Float64Array;
  /** Actual repeat purchases of all customers per holdout period (holdoutPeriodCounts), for tracking. */
  readonly periodCounts?: ArrayLike<number>;
  /**
   * Value per customer for the decile lift: predicted (e.g. expected purchases × expected
   * average value) and actual (holdout net value). Default: purchases.
   */
  readonly predictedValue?: ArrayLike<number>;
  readonly actualValue?: ArrayLike<number>;
}

export interface FrequencyRow {
  /** '0' .. '6', '7+'. */
  readonly frequency: string;
  readonly customers: number;
  readonly meanPredicted: number;
  readonly meanActual: number;
}

export interface DecileRow {
  /** 1 = highest predicted value. */
  readonly decile: number;
  readonly customers: number;
  readonly meanPredicted: number;
  readonly meanActual: number;
  /** Share of all actual value that this decile holds. */
  readonly shareOfActual: number;
  /** Mean actual of the decile / mean actual of all customers. */
  readonly lift: number;
}

export interface TrackingRow {
  /** Period 1.. (end of the period, in units since the calibration end). */
  readonly period: number;
  readonly predicted: number;
  readonly actual: number;
  readonly predictedCumulative: number;
  readonly actualCumulative: number;
}

export interface BacktestResult {
  readonly customers: number;
  readonly calibrationRepeatPurchases: number;
  readonly holdoutDuration: number;
  readonly actualHoldoutPurchases: number;
  readonly predictedHoldoutPurchases: number;
  /** Per-customer mean absolute and root-mean-square error of predicted holdout purchases. */
  readonly mae: number;
  readonly rmse: number;
  readonly byFrequency: readonly FrequencyRow[];
  readonly deciles: readonly DecileRow[];
  readonly tracking: readonly TrackingRow[];
}

export function runBacktest(input: BacktestInput): BacktestResult {
  const n = input.predictor.size;
  const pred = input.predicted ?? input.predictor.expected(input.holdoutDuration);
  const act = input.holdoutFrequency;
  let sa = 0;
  let sp = 0;
  let sx = 0;
  let abs = 0;
  let sq = 0;
  const bins = 8;
  const bc = new Float64Array(bins);
  const bp = new Float64Array(bins);
  const ba = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const a = act[i];
    const p = pred[i];
    sa += a;
    sp += p;
    sx += input.calibrationFrequency[i];
    abs += Math.abs(p - a);
    sq += (p - a) * (p - a);
    const b = Math.min(bins - 1, Math.max(0, Math.floor(input.calibrationFrequency[i])));
    bc[b]++;
    bp[b] += p;
    ba[b] += a;
  }
  const byFrequency: FrequencyRow[] = [];
  for (let b = 0; b < bins; b++) {
    byFrequency.push(
      Object.freeze({
        frequency: b === bins - 1 ? `${b}+` : String(b),
        customers: bc[b],
        meanPredicted: bc[b] > 0 ? bp[b] / bc[b] : 0,
        meanActual: bc[b] > 0 ? ba[b] / bc[b] : 0,
      }),
    );
  }
  const pv = input.predictedValue ?? pred;
  const av = input.actualValue ?? act;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => pv[j] - pv[i] || i - j);
  let totalActual = 0;
  for (let i = 0; i < n; i++) totalActual += av[i];
  const meanActual = n > 0 ? totalActual / n : 0;
  const deciles: DecileRow[] = [];
  for (let d = 0; d < 10 && n > 0; d++) {
    const from = Math.floor((d * n) / 10);
    const to = Math.floor(((d + 1) * n) / 10);
    let p = 0;
    let a = 0;
    for (let k = from; k < to; k++) {
      p += pv[order[k]];
      a += av[order[k]];
    }
    const c = to - from;
    deciles.push(
      Object.freeze({
        decile: d + 1,
        customers: c,
        meanPredicted: c > 0 ? p / c : 0,
        meanActual: c > 0 ? a / c : 0,
        shareOfActual: totalActual !== 0 ? a / totalActual : 0,
        lift: c > 0 && meanActual !== 0 ? a / c / meanActual : 0,
      }),
    );
  }
  const tracking: TrackingRow[] = [];
  if (input.periodCounts) {
    let prev = 0;
    let cumA = 0;
    for (let k = 0; k < input.periodCounts.length; k++) {
      const e = input.predictor.expected(k + 1);
      let cum = 0;
      for (let i = 0; i < n; i++) cum += e[i];
      cumA += input.periodCounts[k];
      tracking.push(Object.freeze({ period: k + 1, predicted: cum - prev, actual: input.periodCounts[k], predictedCumulative: cum, actualCumulative: cumA }));
      prev = cum;
    }
  }
  return Object.freeze({
    customers: n,
    calibrationRepeatPurchases: sx,
    holdoutDuration: input.holdoutDuration,
    actualHoldoutPurchases: sa,
    predictedHoldoutPurchases: sp,
    mae: n > 0 ? abs / n : 0,
    rmse: n > 0 ? Math.sqrt(sq / n) : 0,
    byFrequency: Object.freeze(byFrequency),
    deciles: Object.freeze(deciles),
    tracking: Object.freeze(tracking),
  });
}
