import { activeProbabilities } from '../analytics/clv/active.js';
import { actualTotals, forecastPeriods, forecastTotals, purchasesAfterCalibration, repeatPurchasesByPeriod, type ForecastGrouping, type ForecastPeriod, type ForecastTotals } from '../analytics/clv/forecast.js';
import type { ModelChoice } from '../analytics/clv/choose-model.js';
import { forecastIntervals, type PeriodIntervals } from '../analytics/clv/intervals.js';
import { purchaseModelLabel, scoreClv, type ClvScores, type PurchaseModelName } from '../analytics/clv/score.js';
import { DAYS_PER_UNIT, summarizeLedger, type ClvSummary } from '../analytics/clv/summary.js';
import { RFM_SEGMENTS } from '../analytics/rfm.js';
import { formatDay, type Day } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';
import { PERIOD_UNITS, periodOfDay, periodStartDay, type PeriodUnit } from '../domain/period.js';
import { NOT_YET, STAGES } from '../domain/stage.js';
import { tableOf, type Cell, type Column, type ResultTable } from '../render/result.js';
import { resolveHoldout } from './backtest-run.js';
import { clvSettings, firstOrderMonth, fitsPurchases, modelTable, unusableModelError, type ClvFlags } from './clv-values.js';
import type { InputFlags, Inputs } from './inputs.js';
import { groupOfRows, intervalInput, intervalLevel, warnNoIntervals } from './cltv-intervals.js';
import { autoFitOnTable } from './model-choice.js';
import { computeLifecycle, stagesAt, type Lifecycle, type LifecycleFlags } from './lifecycle.js';

export interface ForecastFlags extends InputFlags, LifecycleFlags, ClvFlags {
  periods?: string;
  period?: string;
  holdout?: string;
  calibrationEnd?: string;
  /** Level of the intervals (default 0.9; 0 = none): cltv-intervals.ts. */
  interval?: string;
}

/** Everything a forecast run found, for the command's tables and the report. */
export interface ForecastRun {
  /** The day the model was fitted to: the as-of date, or the calibration end of a backtest. */
  fittedTo: Day;
  /** Set in a backtest: the holdout end and which flag set it. */
  holdout?: { end: Day; basis: string };
  unit: PeriodUnit;
  periods: ForecastPeriod[];
  groupings: (ForecastGrouping & { name: string; key: string; title: string })[];
  predicted: ForecastTotals;
  actual?: ForecastTotals;
  /** Customers per grouping and group. */
  customers: number[][];
  scores: ClvScores;
  summary: ClvSummary;
  /** The purchase model fitted: the one asked for, or the one --model auto chose (and why). */
  model: PurchaseModelName;
  choice?: ModelChoice;
  /** Per grouping: the intervals of expected purchases and revenue per group and period (null: none, said why). */
  intervals?: PeriodIntervals[] | null;
  level: number;
}

function periodsFlag(flags: ForecastFlags): number {
  if (flags.periods === undefined) return 12;
  const v = Number(flags.periods);
  if (!Number.isInteger(v) || v < 1 || v > 520) throw new UsageError(`--periods ${JSON.stringify(flags.periods)} is not valid`, 'a whole number of periods from 1 to 520, such as 12');
  return v;
}

/** The groupings over the summary's customers: all, stage, RFM segment (not in a backtest), cohort. */
function groupingsOf(inputs: Inputs, lc: Lifecycle, summary: ClvSummary, fittedTo: Day, backtest: boolean): ForecastRun['groupings'] {
  // a backtest groups by what was known at the calibration end: stages then, no RFM segments
  const stages = backtest ? stagesAt(inputs, fittedTo, lc.derivation.thresholds) : lc.stages;
  const cohorts = firstOrderMonth(inputs.data.table);
  const over = (f: (row: number) => number): Int32Array => groupOfRows(summary.rows, f);
  const out: ForecastRun['groupings'] = [
    { name: 'forecast', key: 'group', title: 'all customers', labels: ['all customers'], of: new Int32Array(summary.size) },
    { name: 'forecast_by_stage', key: 'stage', title: `stage${backtest ? ' at the calibration end' : ''}`, labels: [...STAGES], of: over((i) => (stages[i] === NOT_YET ? -1 : stages[i])) },
  ];
  if (!backtest) out.push({ name: 'forecast_by_segment', key: 'rfm_segment', title: 'RFM segment', labels: [...RFM_SEGMENTS], of: over((i) => (lc.rfmSegment[i] === 255 ? -1 : lc.rfmSegment[i])) });
  out.push({ name: 'forecast_by_cohort', key: 'cohort', title: 'cohort (month of the first order)', labels: cohorts.labels, of: over((i) => cohorts.of[i]) });
  return out;
}

/**
 * Fits the purchase model (and Gamma-Gamma) on the orders up to the as-of date, or up to the
 * calibration end with --holdout/--calibration-end, and forecasts each calendar period after it.
 */
export function forecastRun(inputs: Inputs, flags: ForecastFlags, prior?: { lc: Lifecycle; fit?: { summary: ClvSummary; scores: ClvScores } }): ForecastRun {
  const settings = clvSettings(flags);
  const level = intervalLevel(flags.interval);
  if (!fitsPurchases(settings.model)) throw new UsageError(`a forecast needs a model that predicts purchases; --model ${settings.model} does not`, 'use --model auto, bgnbd, pnbd or mbgnbd');
  const unit = (flags.period ?? 'month') as PeriodUnit;
  if (!PERIOD_UNITS.includes(unit)) throw new UsageError(`--period ${JSON.stringify(flags.period)} is not a period`, 'use week, month or quarter');
  const backtest = flags.holdout !== undefined || flags.calibrationEnd !== undefined;
  if (backtest && flags.periods !== undefined) throw new UsageError('--periods and a holdout do not go together: the periods of a backtest run to the as-of date', 'drop --periods, or drop --holdout/--calibration-end');
  const count = periodsFlag(flags);
  const hold = backtest ? resolveHoldout(inputs, flags) : undefined;
  const fittedTo = hold ? hold.calibrationEnd : inputs.data.asOf;
  const dpu = DAYS_PER_UNIT[settings.unit];
  const periods = forecastPeriods(fittedTo, unit, dpu, hold ? { end: hold.holdoutEnd } : { count });
  // the report hands in its fit to the as-of date (same model and settings) instead of a second one
  const reuse = !hold && prior?.fit ? prior.fit : undefined;
  const summary = reuse ? reuse.summary : summarizeLedger(inputs.data.table, { calibrationEnd: fittedTo, unit: settings.unit });
  if (summary.size === 0) throw new UsageError(`no customer has an order on or before ${formatDay(fittedTo)}, so there is nothing to fit`, hold ? 'pick a later --calibration-end or a shorter --holdout' : 'pick a later --as-of');
  // --model auto chooses on a holdout before the fit date (as clm cltv and clm backtest do); the report hands in its choice with its fit
  const auto = !reuse && settings.model === 'auto' ? autoFitOnTable(inputs.data.table, fittedTo, summary, settings.penalizer) : undefined;
  const model: PurchaseModelName = reuse ? reuse.scores.purchase.model : auto ? auto.choice.model : (settings.model as PurchaseModelName);
  if (!reuse) inputs.progress?.(`forecast: fitting ${purchaseModelLabel(model)} + Gamma-Gamma spend to ${summary.size.toLocaleString('en-US')} customers up to ${formatDay(fittedTo)}`);
  const horizon = periods[periods.length - 1].tEnd;
  const scores = reuse ? reuse.scores : scoreClv(summary, { model, horizon, annualDiscount: 0, margin: 1, penalizer: settings.penalizer, fitted: auto });
  if (scores.problem) throw unusableModelError(purchaseModelLabel(model), scores.problem);
  const groupings = groupingsOf(inputs, prior?.lc ?? computeLifecycle(inputs, flags), summary, fittedTo, backtest);
  const fit = scores.purchase;
  if (!scores.predictor) throw new Error('internal: the forecast was handed values whose fit data was released');
  const predicted = forecastTotals({
    predictor: scores.predictor,
    active: (u, L) => activeProbabilities(fit, summary, scores.pAlive, u, L),
    spend: scores.expectedAvgValue,
    periods,
    groupings,
  });
  const customers = groupings.map((g) => {
    const c = new Array<number>(g.labels.length).fill(0);
    for (let i = 0; i < summary.size; i++) if (g.of[i] >= 0) c[g.of[i]]++;
    return c;
  });
  const actual = hold ? actualTotals({ purchases: purchasesAfterCalibration(inputs.data.table, summary), size: summary.size, periods, groupings }) : undefined;
  return { fittedTo, ...(hold ? { holdout: { end: hold.holdoutEnd, basis: hold.basis } } : {}), unit, periods, groupings, predicted, actual, customers, scores, summary, model, ...(auto ? { choice: auto.choice } : {}), level };
}

/**
 * The intervals of the forecast (the parameter draws of analytics/clv/intervals.ts): per
 * grouping, group and period, expected purchases and revenue; null with a warning when the fit
 * has no usable covariance, undefined when --interval 0.
 */
export function forecastRunIntervals(run: ForecastRun, warn: (m: string) => void): PeriodIntervals[] | null | undefined {
  if (!(run.level > 0)) return undefined;
  const input = intervalInput(run.scores, run.summary, { horizon: run.periods[run.periods.length - 1].tEnd, annualDiscount: 0, margin: 1 });
  const iv = forecastIntervals(input, run.periods, run.groupings.map((g) => ({ of: g.of, size: g.labels.length })), { level: run.level });
  if (!iv) warnNoIntervals(run.scores, warn);
  return iv;
}

/** The interval columns, after the others (--interval; cltv-intervals.ts says what they cover). */
const FORECAST_INTERVAL_COLUMNS: Column[] = [
  { name: 'expected_purchases_low', type: 'number', decimals: 1 },
  { name: 'expected_purchases_high', type: 'number', decimals: 1 },
  { name: 'expected_revenue_low', type: 'money' },
  { name: 'expected_revenue_high', type: 'money' },
];

const FORECAST_COLUMNS: Column[] = [
  { name: 'period', type: 'string' },
  { name: 'from', type: 'date' },
  { name: 'to', type: 'date' },
  { name: 'days', type: 'int' },
  { name: 'expected_purchases', type: 'number', decimals: 1 },
  { name: 'expected_active_customers', type: 'number', decimals: 1 },
  { name: 'expected_revenue', type: 'money' },
  { name: 'cumulative_purchases', type: 'number', decimals: 1 },
  { name: 'cumulative_revenue', type: 'money' },
];

const ACTUAL_COLUMNS: Column[] = [
  { name: 'actual_purchases', type: 'int' },
  { name: 'actual_cumulative_purchases', type: 'int' },
  { name: 'actual_active_customers', type: 'int' },
  { name: 'actual_revenue', type: 'money' },
];

/** One table per grouping: a row per group and period, with the actuals in a backtest. */
export function forecastTables(run: ForecastRun): ResultTable[] {
  const tables = run.groupings.map((g, j) => {
    const whole = j === 0;
    const rows: Cell[][] = [];
    g.labels.forEach((label, grp) => {
      if (run.customers[j][grp] === 0) return;
      let cp = 0;
      let cr = 0;
      let ca = 0;
      run.periods.forEach((p, k) => {
        const c = run.predicted[j][grp][k];
        cp += c.purchases;
        cr += c.revenue;
        const row: Cell[] = [p.label, p.from, p.to, p.days, c.purchases, Number.isNaN(c.active) ? null : c.active, c.revenue, cp, cr];
        if (run.actual) {
          const a = run.actual[j][grp][k];
          ca += a.purchases;
          row.push(a.purchases, ca, a.active, a.revenue);
        }
        if (run.intervals !== undefined) {
          const iv = run.intervals?.[j];
          const at = grp * run.periods.length + k;
          row.push(...(iv ? [iv.purchasesLow[at], iv.purchasesHigh[at], iv.revenueLow[at], iv.revenueHigh[at]] : [null, null, null, null]));
        }
        rows.push(whole ? row : [label, run.customers[j][grp], ...row]);
      });
    });
    const cols = [...(whole ? [] : [{ name: g.key, type: 'string', fromInput: g.key === 'rfm_segment' } as Column, { name: 'customers', type: 'int' } as Column]), ...FORECAST_COLUMNS, ...(run.actual ? ACTUAL_COLUMNS : []), ...(run.intervals !== undefined ? FORECAST_INTERVAL_COLUMNS : [])];
    const what = run.actual ? 'Predicted vs actual' : 'Expected';
    return tableOf(g.name, `${what} repeat purchases, active customers and revenue per ${run.unit}${whole ? '' : ` by ${g.title}`}`, cols, rows);
  });
  tables.push(modelTable(run.scores));
  return tables;
}

/**
 * The report's view: the last `past` calendar periods up to the as-of date with what happened
 * (repeat purchase days of all customers), then the forecast periods with what is expected.
 */
export function forecastBesideActuals(run: ForecastRun, table: Inputs['data']['table'], past: number): { table: ResultTable; past: ForecastPeriod[]; actual: { purchases: number }[] } {
  const asOf = run.fittedTo;
  const start = periodStartDay(run.unit, periodOfDay(run.unit, asOf) - (past - 1));
  const periods = forecastPeriods(start - 1, run.unit, 1, { end: asOf });
  const actual = repeatPurchasesByPeriod(table, periods);
  const rows: Cell[][] = [
    ...periods.map((p, k): Cell[] => ['actual', p.label, p.from, p.to, p.days, actual[k].purchases, actual[k].active, actual[k].revenue]),
    ...run.periods.map((p, k): Cell[] => {
      const c = run.predicted[0][0][k];
      return ['expected', p.label, p.from, p.to, p.days, c.purchases, Number.isNaN(c.active) ? null : c.active, c.revenue];
    }),
  ];
  const t = tableOf('forecast_vs_actual', `Repeat purchases per ${run.unit}: the last ${past} (all customers) and the next ${run.periods.length} expected (customers so far)`, [
    { name: 'figures', type: 'string' },
    { name: 'period', type: 'string' },
    { name: 'from', type: 'date' },
    { name: 'to', type: 'date' },
    { name: 'days', type: 'int' },
    { name: 'repeat_purchases', type: 'number', decimals: 1 },
    { name: 'active_customers', type: 'number', decimals: 1 },
    { name: 'revenue', type: 'money' },
  ], rows);
  return { table: t, past: periods, actual };
}

/** The whole base's totals over all periods, for the manifest and the report. */
export function forecastTotalsMeta(run: ForecastRun): Record<string, number | null> {
  const sum = (t: ForecastTotals, f: 'purchases' | 'revenue'): number => t[0][0].reduce((s, c) => s + c[f], 0);
  return {
    expected_purchases: sum(run.predicted, 'purchases'),
    expected_revenue: sum(run.predicted, 'revenue'),
    actual_purchases: run.actual ? sum(run.actual, 'purchases') : null,
    actual_revenue: run.actual ? sum(run.actual, 'revenue') : null,
  };
}
