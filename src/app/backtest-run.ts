import { numberFields, type FailIfSpec } from './fail-if.js';
import { backtestSampleWarning } from '../analytics/sample-size.js';
import { metricDisplay } from './metric-display.js';
import { runBacktest, type BacktestResult } from '../analytics/clv/backtest.js';
import { fitGammaGamma, ggEligible, ggExpectedAverageValues } from '../analytics/clv/gamma-gamma.js';
import { fitPurchaseModel, MIN_SPEND_CUSTOMERS, purchaseModelLabel, type PurchaseModelName } from '../analytics/clv/score.js';
import { holdoutActuals, holdoutPeriodCounts, summarizeLedger } from '../analytics/clv/summary.js';
import { formatDay, parseIsoDay, type Day } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';
import { tableOf, type Cell, type ResultTable } from '../render/result.js';
import { clvSettings, fitsPurchases, parseDuration, unusableModelError, type ClvFlags } from './clv-values.js';
import type { Inputs } from './inputs.js';
import { defaultHoldout, MIN_HOLDOUT_WEEKS } from './holdout.js';
import { autoFitOnTable } from './model-choice.js';
import type { ModelChoice } from '../analytics/clv/choose-model.js';

/** Backtest figures by name (for --fail-if and the report): see backtestMetrics. */
export interface BacktestRun {
  calibrationEnd: Day;
  holdoutEnd: Day;
  /** Which holdout this is: the flag that set it, or the default and why. */
  holdoutBasis: string;
  model: PurchaseModelName;
  /** How --model auto chose the model, at the calibration end. */
  choice?: ModelChoice;
  result: BacktestResult;
  metrics: Record<string, number | null>;
  converged: boolean;
  warnings: string[];
}


/**
 * The holdout: --calibration-end, else --holdout before the as-of date, else the default
 * holdout; `basis` says which, for the context line, the manifest and the report's page.
 */
export function resolveHoldout(inputs: Inputs, flags: { calibrationEnd?: string; holdout?: string }): { calibrationEnd: Day; holdoutEnd: Day; basis: string } {
  const holdoutEnd = inputs.data.asOf;
  let calibrationEnd: Day;
  let basis: string;
  if (flags.calibrationEnd !== undefined) {
    if (flags.holdout !== undefined) throw new UsageError('give --calibration-end or --holdout, not both');
    const d = parseIsoDay(flags.calibrationEnd);
    if (d === undefined) throw new UsageError(`--calibration-end ${JSON.stringify(flags.calibrationEnd)} is not a date`, 'use YYYY-MM-DD');
    calibrationEnd = d;
    basis = `--calibration-end ${flags.calibrationEnd}`;
  } else if (flags.holdout !== undefined) {
    calibrationEnd = holdoutEnd - Math.round(parseDuration(flags.holdout, '--holdout'));
    basis = `--holdout ${flags.holdout}`;
  } else {
    const d = defaultHoldout(inputs.data.table, holdoutEnd);
    if (!d) {
      throw new UsageError(`the order history is too short for a backtest: a third of it is under ${MIN_HOLDOUT_WEEKS} weeks`, 'give --calibration-end DATE or --holdout (e.g. 2w) to backtest anyway');
    }
    calibrationEnd = holdoutEnd - d.weeks * 7;
    basis = d.basis;
  }
  if (calibrationEnd >= holdoutEnd) {
    throw new UsageError(`the calibration end ${formatDay(calibrationEnd)} is not before the as-of date ${formatDay(holdoutEnd)}`, 'pick an earlier --calibration-end or a shorter --holdout');
  }
  return { calibrationEnd, holdoutEnd, basis };
}

/** The backtest's figures, named as in the backtest table's metric column and the manifest's metrics (there `backtest.NAME`). */
export const BACKTEST_METRICS = ['customers', 'calibration_purchases', 'actual_purchases', 'predicted_purchases', 'error', 'abs_error', 'mae', 'rmse', 'mape', 'lift_top_decile'] as const;

/** `clm backtest --fail-if`: the metrics, by their own name or as the report names them (`backtest.mape`). */
export const BACKTEST_FAIL_IF_SPEC: FailIfSpec = {
  fields: numberFields(BACKTEST_METRICS),
  aliases: BACKTEST_METRICS.map((name) => [`backtest.${name}`, name] as const),
  hint: `metrics: ${BACKTEST_METRICS.join(', ')}`,
};

/**
 * Fits the purchase model on the orders up to the calibration end and compares its holdout
 * predictions with what happened (spec §6.3). Metrics: customers, calibration_purchases,
 * actual_purchases, predicted_purchases, error (predicted/actual − 1), abs_error, mae, rmse,
 * mape (mean absolute percentage error of the cumulative weekly tracking, over the periods
 * with actual purchases), lift_top_decile.
 */
export function backtestRun(inputs: Inputs, flags: { calibrationEnd?: string; holdout?: string } & ClvFlags): BacktestRun {
  const settings = clvSettings(flags);
  if (!fitsPurchases(settings.model)) throw new UsageError(`a backtest checks a predictive model; --model ${settings.model} predicts no purchases`, 'use --model auto, bgnbd, pnbd or mbgnbd');
  const { calibrationEnd, holdoutEnd, basis } = resolveHoldout(inputs, flags);
  const t = inputs.data.table;
  const summary = summarizeLedger(t, { calibrationEnd, unit: settings.unit });
  if (summary.size === 0) throw new UsageError(`no customer bought on or before the calibration end ${formatDay(calibrationEnd)}`, 'pick a later --calibration-end or a shorter --holdout');
  const holdout = holdoutActuals(t, summary, holdoutEnd);
  const periods = Math.ceil(holdout.duration - 1e-9);
  // auto: chosen as at the calibration end (by a holdout before it), so the backtest's own
  // holdout stays unseen by the choice
  const auto = settings.model === 'auto' ? autoFitOnTable(t, calibrationEnd, summary, settings.penalizer) : undefined;
  const model: PurchaseModelName = auto ? auto.choice.model : (settings.model as PurchaseModelName);
  inputs.progress?.(`backtest: fitting ${purchaseModelLabel(model)} to ${summary.size.toLocaleString('en-US')} customers up to ${formatDay(calibrationEnd)}`);
  const { fit, predictor } = auto ?? fitPurchaseModel(summary, model, settings.penalizer);
  if (!fit.usable) throw unusableModelError(purchaseModelLabel(model), fit.problem);
  const warnings = [...fit.warnings];
  // value for the decile lift: predicted purchases x expected spend, against actual holdout value
  let predictedValue: Float64Array | undefined;
  let eligible = 0;
  for (let i = 0; i < summary.size; i++) if (ggEligible(summary.frequency[i], summary.monetary[i])) eligible++;
  const expected = predictor.expected(holdout.duration);
  if (eligible >= MIN_SPEND_CUSTOMERS) {
    const gg = fitGammaGamma(summary, { penalizer: settings.penalizer });
    if (gg.usable) {
      // expected purchases x expected spend, into the spend array (no third array per customer)
      predictedValue = ggExpectedAverageValues(gg.params, summary.frequency, summary.monetary);
      for (let i = 0; i < predictedValue.length; i++) predictedValue[i] = expected[i] * (Number.isFinite(predictedValue[i]) ? predictedValue[i] : 0);
    } else warnings.push(`${gg.problem} (Gamma-Gamma): the backtest has no value lift`);
  }
  const result = runBacktest({
    predictor,
    calibrationFrequency: summary.frequency,
    holdoutDuration: holdout.duration,
    holdoutFrequency: holdout.frequency,
    predicted: expected,
    periodCounts: holdoutPeriodCounts(t, summary, periods),
    predictedValue,
    actualValue: predictedValue ? holdout.value : undefined,
  });
  let apeSum = 0;
  let apeN = 0;
  for (const r of result.tracking) {
    if (r.actualCumulative > 0) {
      apeSum += Math.abs(r.predictedCumulative - r.actualCumulative) / r.actualCumulative;
      apeN++;
    }
  }
  const act = result.actualHoldoutPurchases;
  const few = backtestSampleWarning(result.calibrationRepeatPurchases, act);
  if (few) warnings.push(few);
  const metrics: Record<string, number | null> = {
    customers: result.customers,
    calibration_purchases: result.calibrationRepeatPurchases,
    actual_purchases: act,
    predicted_purchases: result.predictedHoldoutPurchases,
    error: act > 0 ? result.predictedHoldoutPurchases / act - 1 : null,
    abs_error: act > 0 ? Math.abs(result.predictedHoldoutPurchases / act - 1) : null,
    mae: result.mae,
    rmse: result.rmse,
    mape: apeN > 0 ? apeSum / apeN : null,
    lift_top_decile: result.deciles[0]?.lift ?? null,
  };
  return { calibrationEnd, holdoutEnd, holdoutBasis: basis, model, ...(auto ? { choice: auto.choice } : {}), result, metrics, converged: fit.converged, warnings };
}

export function backtestTables(run: BacktestRun): ResultTable[] {
  const r = run.result;
  const unit = 'period';
  return [
    tableOf('backtest', `Backtest: ${run.model} fitted to ${formatDay(run.calibrationEnd)}, holdout to ${formatDay(run.holdoutEnd)}`, [
      { name: 'metric', type: 'string' },
      { name: 'value', type: 'number', only: 'machine' },
      { name: 'value', type: 'string', only: 'human', numbersAsText: true },
    ], Object.entries(run.metrics).map(([k, v]) => [k, v, metricDisplay(k, v)])),
    tableOf('by_frequency', 'Repeat purchases in the holdout by calibration frequency (mean per customer)', [
      { name: 'calibration_frequency', type: 'string' },
      { name: 'customers', type: 'int' },
      { name: 'predicted', type: 'number', decimals: 3 },
      { name: 'actual', type: 'number', decimals: 3 },
    ], r.byFrequency.map((f) => [f.frequency, f.customers, f.meanPredicted, f.meanActual])),
    tableOf('deciles', 'Decile lift (1 = highest predicted value)', [
      { name: 'decile', type: 'int' },
      { name: 'customers', type: 'int' },
      { name: 'mean_predicted', type: 'number', decimals: 3 },
      { name: 'mean_actual', type: 'number', decimals: 3 },
      { name: 'share_of_actual', type: 'percent' },
      { name: 'lift', type: 'number', decimals: 2 },
    ], r.deciles.map((d) => [d.decile, d.customers, d.meanPredicted, d.meanActual, d.shareOfActual, d.lift])),
    tableOf('tracking', `Cumulative repeat purchases in the holdout, per ${unit} of the time unit`, [
      { name: 'period', type: 'int' },
      { name: 'predicted', type: 'number', decimals: 1 },
      { name: 'actual', type: 'int' },
      { name: 'predicted_cumulative', type: 'number', decimals: 1 },
      { name: 'actual_cumulative', type: 'int' },
    ], r.tracking.map((x) => [x.period, x.predicted, x.actual, x.predictedCumulative, x.actualCumulative] as Cell[])),
  ];
}
