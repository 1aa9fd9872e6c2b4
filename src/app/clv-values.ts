import { metricDisplay } from './metric-display.js';
import { purchaseModelLabel, scoreClv, type ClvScores, type PurchaseModelName, type ScoreOptions } from '../analytics/clv/score.js';
import type { ModelChoice } from '../analytics/clv/choose-model.js';
import { autoFitOnTable } from './model-choice.js';
import { DAYS_PER_UNIT, summarizeLedger, type ClvSummary, type TimeUnit } from '../analytics/clv/summary.js';
import { historicalClv } from '../analytics/clv/value.js';
import { nextOrders, type NextOrders } from '../analytics/clv/next-order.js';
import { RFM_SEGMENTS } from '../analytics/rfm.js';
import { cohortPeriods } from '../analytics/cohorts.js';
import { formatPeriod } from '../domain/period.js';
import { DataError, UsageError } from '../domain/errors.js';
import { NOT_YET, STAGES } from '../domain/stage.js';
import { tableOf, type Cell, type Column, type ResultTable } from '../render/result.js';
import type { Inputs } from './inputs.js';
import type { Lifecycle } from './lifecycle.js';
import type { Analysis, DataChecks } from '../analytics/data-checks.js';
import { figuresMeta } from './data-gate.js';
import { PARAMETER_INTERVAL_COLUMNS, parameterIntervalCells, VALUE_INTERVAL_COLUMNS, valueIntervalCells, valueIntervals, type RowGrouping } from './cltv-intervals.js';
import type { GroupIntervals } from '../analytics/clv/intervals.js';

export interface ClvFlags {
  model?: string;
  timeUnit?: string;
  horizon?: string;
  discount?: string;
  margin?: string;
  penalizer?: string;
}

/** `auto` (the default) chooses among the purchase models by a holdout (analytics/clv/choose-model.ts). */
export const MODELS = ['auto', 'bgnbd', 'pnbd', 'mbgnbd', 'historical', 'formula'] as const;
export type ModelName = (typeof MODELS)[number];

/** The models that predict purchases (a purchase model fit plus Gamma-Gamma for spend). */
export const PREDICTIVE_MODELS = ['bgnbd', 'pnbd', 'mbgnbd'] as const satisfies readonly PurchaseModelName[];

/** True for a model that fits a purchase model, auto included (which resolves to one of them). */
export function fitsPurchases(model: string): boolean {
  return model === 'auto' || isPredictive(model);
}

/** True for a model that predicts purchases: bgnbd, pnbd or mbgnbd. */
export function isPredictive(model: string): model is PurchaseModelName {
  return (PREDICTIVE_MODELS as readonly string[]).includes(model);
}

/** Parsed CLV options, shared by cltv, customers --model, backtest and report. */
export interface ClvSettings {
  model: ModelName;
  unit: TimeUnit;
  horizonDays: number;
  horizonText: string;
  discount: number;
  margin: number;
  penalizer: number;
}

function numberFlag(text: string | undefined, flag: string, dflt: number, ok: (v: number) => boolean, hint: string): number {
  if (text === undefined) return dflt;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || !ok(v)) throw new UsageError(`${flag} ${JSON.stringify(text)} is not valid`, hint);
  return v;
}

/** `12m`, `52w`, `365d`, `1y` → days. */
export function parseDuration(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(d|w|m|y)\s*$/i.exec(text);
  if (!m || Number(m[1]) <= 0) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a duration`, 'write a number and a unit: 12m (months), 52w (weeks), 365d (days) or 1y');
  const n = Number(m[1]);
  const unit = m[2].toLowerCase();
  return unit === 'd' ? n : unit === 'w' ? 7 * n : unit === 'm' ? (n * 365.25) / 12 : n * 365.25;
}

export function clvSettings(flags: ClvFlags): ClvSettings {
  const model = (flags.model ?? 'auto') as ModelName;
  if (!MODELS.includes(model)) throw new UsageError(`--model ${JSON.stringify(flags.model)} is not a model`, `models: ${MODELS.join(', ')}`);
  const unit = (flags.timeUnit ?? 'week') as TimeUnit;
  if (unit !== 'week' && unit !== 'day') throw new UsageError(`--time-unit must be week or day, not ${JSON.stringify(flags.timeUnit)}`);
  const horizonText = flags.horizon ?? '12m';
  return {
    model,
    unit,
    horizonDays: parseDuration(horizonText, '--horizon'),
    horizonText,
    discount: numberFlag(flags.discount, '--discount', 0.1, (v) => v >= 0 && v < 10, 'an annual rate such as 0.1 for 10%'),
    margin: numberFlag(flags.margin, '--margin', 1, (v) => v > 0 && v <= 1, 'a gross margin between 0 and 1, such as 0.3'),
    penalizer: numberFlag(flags.penalizer, '--penalizer', 0, (v) => v >= 0, 'an L2 penalty such as 0.001 (0 = none)'),
  };
}

/** Per-customer values over the table's rows (NaN where a customer has none). */
export interface CustomerValues {
  settings: ClvSettings;
  summary?: ClvSummary;
  scores?: ClvScores;
  /** By table row. */
  pAlive: Float64Array;
  expectedPurchases: Float64Array;
  expectedAvgValue: Float64Array;
  clv: Float64Array;
  /**
   * Next order (analytics/clv/next-order.ts) by table row, NaN where a customer has none; only
   * when a purchase model's fit is usable.
   */
  nextOrder?: NextOrders;
  /** Why the fitted model's values must not be used (only with tolerateUnusable). */
  problem?: string;
  /** BG/NBD's one-time-buyer caveat (ClvScores.caveat) when P(alive) is shown under it. */
  caveat?: string;
  /** How --model auto chose (then `settings.model` is the model chosen). */
  choice?: ModelChoice;
  /** The model fitted, when `settings.model` was replaced by a fallback. */
  fittedModel?: PurchaseModelName;
  warnings: string[];
}

/** The refusal when a model's fit must not be used (ModelFit.problem): a data error, exit 3. */
export function unusableModelError(label: string, problem: string | null): DataError {
  return new DataError(`${label}: ${problem ?? 'the fit is not usable'}; no predicted values are written`, {}, 'try --penalizer 0.001, a longer history (--as-of later), --time-unit week, or --model historical');
}

/**
 * Fits the chosen model on the data up to the as-of date and scores every customer of the
 * table. A purchase model whose fit is not usable is a DataError, unless `tolerateUnusable`
 * (the report, which says so on its page): then the values are NaN and `problem` says why.
 */
export function customerValues(inputs: Inputs, asked: ClvSettings, tolerateUnusable = false): CustomerValues {
  let settings = asked;
  const t = inputs.data.table;
  const n = t.size;
  const nan = (): Float64Array => new Float64Array(n).fill(NaN);
  const none = (): CustomerValues => ({ settings, pAlive: nan(), expectedPurchases: nan(), expectedAvgValue: nan(), clv: nan(), warnings: [] });
  if (settings.model === 'historical') return { ...none(), clv: historicalClv(t, inputs.data.asOf, settings.margin) };
  if (settings.model === 'formula') return none();
  const summary = summarizeLedger(t, { calibrationEnd: inputs.data.asOf, unit: settings.unit });
  if (summary.size === 0) throw new UsageError('no customer has an order on or before the as-of date, so there is nothing to fit');
  // every customer of the table in the summary, in order (no prospects): the scores are by
  // table row already and are shared, not copied (8.5M customers: 270 MB less)
  const sameRows = summary.size === n && summary.rows.every((r, k) => r === k);
  const byRow = (a: Float64Array): Float64Array => (sameRows ? a : spreadOverTable(a, summary.rows, n));
  let choice: ModelChoice | undefined;
  let fitted: ScoreOptions['fitted'];
  if (settings.model === 'auto') {
    inputs.progress?.(`--model auto: comparing BG/NBD, MBG/NBD and Pareto/NBD on a holdout, ${summary.size.toLocaleString('en-US')} customers`);
    const auto = autoFitOnTable(t, inputs.data.asOf, summary, settings.penalizer);
    choice = auto.choice;
    fitted = auto;
    settings = { ...settings, model: auto.choice.model };
  }
  const model = settings.model as PurchaseModelName;
  inputs.progress?.(`fitting ${purchaseModelLabel(model)} + Gamma-Gamma spend to ${summary.size.toLocaleString('en-US')} customers`);
  const scores = scoreClv(summary, { model, horizon: settings.horizonDays / DAYS_PER_UNIT[settings.unit], annualDiscount: settings.discount, margin: settings.margin, penalizer: settings.penalizer, fitted });
  if (scores.problem && !tolerateUnusable) throw unusableModelError(purchaseModelLabel(model), scores.problem);
  const next = scores.problem ? undefined : nextOrders(scores.purchase.params, summary, inputs.data.asOf);
  return {
    settings,
    pAlive: byRow(scores.pAlive),
    expectedPurchases: byRow(scores.expectedPurchases),
    expectedAvgValue: byRow(scores.expectedAvgValue),
    clv: byRow(scores.clv),
    ...(next ? { nextOrder: { asOf: next.asOf, daysSinceLast: byRow(next.daysSinceLast), gapDays: byRow(next.gapDays) } } : {}),
    summary,
    scores,
    ...(choice ? { choice } : {}),
    ...(scores.caveat ? { caveat: scores.caveat } : {}),
    ...(scores.problem ? { problem: scores.problem, fittedModel: model } : {}),
    warnings: [...scores.warnings],
  };
}

/** Per-summary-customer values spread over the table's n rows (NaN for the others). */
function spreadOverTable(a: Float64Array, rows: Int32Array, n: number): Float64Array {
  const out = new Float64Array(n).fill(NaN);
  for (let k = 0; k < rows.length; k++) out[rows[k]] = a[k];
  return out;
}

/**
 * The values without the fit's working data: the summary (x, t_x, T and spend of every
 * customer) and the predictor over it, which only the fit-based analyses (value intervals,
 * forecast) read. What the customer files, audiences, page and manifest read stays. A report
 * lets go of them once those analyses are done: 0.3-0.4 GB at 8.5M customers.
 */
export function withoutFitData(v: CustomerValues): CustomerValues {
  const { summary: _summary, ...rest } = v;
  if (!v.scores) return rest;
  const { predictor: _predictor, ...scores } = v.scores;
  return { ...rest, scores };
}

/**
 * Parameters with standard errors and the fit figures, one row each; with a `level` > 0 the
 * parameters' intervals (`low`, `high`) too.
 */
export function modelTable(scores: Pick<ClvScores, 'purchase' | 'spend' | 'correlation'>, level = 0): ResultTable {
  const rows: Cell[][] = [];
  const add = (model: string, fit: { params: object; se: object; logLik: number; customers: number; converged: boolean; usable: boolean; iterations: number }): void => {
    for (const [k, v] of Object.entries(fit.params)) rows.push([model, k, v as number, ((fit.se as Record<string, number | null>)[k] ?? null) as number | null]);
    rows.push([model, 'log_likelihood', fit.logLik, null]);
    rows.push([model, 'customers_fitted', fit.customers, null]);
    rows.push([model, 'converged', fit.converged ? 1 : 0, null]);
    rows.push([model, 'usable', fit.usable ? 1 : 0, null]);
    rows.push([model, 'iterations', fit.iterations, null]);
  };
  add(scores.purchase.model, scores.purchase);
  if (scores.spend) add('gg', scores.spend);
  if (scores.correlation) rows.push(['gg', 'spend_frequency_correlation', scores.correlation.correlation, null]);
  const intervals = level > 0;
  return tableOf('model', intervals ? `Model fit (parameters with standard errors and ${percentText(level)} intervals)` : 'Model fit (parameters with standard errors)', [
    { name: 'model', type: 'string' },
    { name: 'parameter', type: 'string' },
    { name: 'estimate', type: 'number', only: 'machine' },
    // counts as integers, converged/usable as yes/no, parameters to 4 decimals
    { name: 'estimate', type: 'string', only: 'human', numbersAsText: true },
    { name: 'se', type: 'number', decimals: 4 },
    ...(intervals ? PARAMETER_INTERVAL_COLUMNS : []),
  ], rows.map(([m, k, v, se]) => [m, k, v, metricDisplay(String(k), v as number | null), se, ...(intervals ? parameterIntervalCells(v as number, se as number | null, level) : [])]));
}

/** 0.9 → "90%". */
function percentText(level: number): string {
  return `${Number((100 * level).toFixed(2))}%`;
}

const VALUE_COLUMNS = (key: string): Column[] => [
  { name: key, type: 'string', fromInput: key === 'segment' },
  { name: 'customers', type: 'int' },
  { name: 'mean_p_alive', type: 'ratio', decimals: 3 },
  { name: 'expected_purchases', type: 'number', decimals: 1 },
  { name: 'total_clv', type: 'money' },
  { name: 'mean_clv', type: 'money' },
  { name: 'historical_revenue', type: 'money' },
];

/**
 * Predicted value summed by a grouping of the table's rows (customers without a value are left
 * out); with `intervals` the interval columns too (empty cells where `iv` is undefined).
 */
export function valueBy(name: string, title: string, key: string, groups: string[], groupOf: (i: number) => number, v: CustomerValues, revenue: Float64Array, intervals = false, iv?: GroupIntervals): ResultTable {
  const k = groups.length;
  const count = new Float64Array(k);
  const pa = new Float64Array(k);
  const ep = new Float64Array(k);
  const clv = new Float64Array(k);
  const rev = new Float64Array(k);
  for (let i = 0; i < v.clv.length; i++) {
    const g = groupOf(i);
    if (g < 0 || Number.isNaN(v.clv[i])) continue;
    count[g]++;
    pa[g] += Number.isNaN(v.pAlive[i]) ? 0 : v.pAlive[i];
    ep[g] += Number.isNaN(v.expectedPurchases[i]) ? 0 : v.expectedPurchases[i];
    clv[g] += v.clv[i];
    rev[g] += revenue[i];
  }
  const predictive = isPredictive(v.settings.model);
  const rows: Cell[][] = groups.map((label, g) => [
    label,
    count[g],
    predictive && count[g] > 0 ? pa[g] / count[g] : null,
    predictive ? ep[g] : null,
    clv[g],
    count[g] > 0 ? clv[g] / count[g] : null,
    rev[g],
    ...(intervals ? valueIntervalCells(iv, g) : []),
  ]);
  return tableOf(name, title, [...VALUE_COLUMNS(key), ...(intervals ? VALUE_INTERVAL_COLUMNS : [])], rows.filter((r) => (r[1] as number) > 0));
}

/** Monthly cohort of each customer (cohorts.ts) as a group index into sorted labels; −1 without an order. */
export function firstOrderMonth(t: Inputs['data']['table']): { labels: string[]; of: Int32Array } {
  const periods = cohortPeriods(t, 'month');
  const distinct = [...new Set(periods.filter((p) => p >= 0))].sort((x, y) => x - y);
  const index = new Map(distinct.map((p, k) => [p, k]));
  return { labels: distinct.map((p) => formatPeriod('month', p)), of: periods.map((p) => (p >= 0 ? index.get(p)! : -1)) };
}

/**
 * The value tables: by stage, RFM segment, first-order month, all customers, and the top
 * customers. With a predictive model and `level` > 0, the aggregate tables carry the
 * intervals of expected purchases and total CLV (cltv-intervals.ts).
 */
export function valueTables(inputs: Inputs, lc: Lifecycle, v: CustomerValues, top: number, level = 0, warn: (m: string) => void = () => {}): ResultTable[] {
  const t = inputs.data.table;
  const cohorts = firstOrderMonth(t);
  const groupings: (RowGrouping & { name: string; title: string; key: string; labels: string[] })[] = [
    { name: 'value_by_stage', title: 'Predicted value by stage', key: 'stage', labels: [...STAGES], of: (i) => (lc.stages[i] === NOT_YET ? -1 : lc.stages[i]), size: STAGES.length },
    { name: 'value_by_segment', title: 'Predicted value by RFM segment', key: 'rfm_segment', labels: [...RFM_SEGMENTS], of: (i) => (lc.rfmSegment[i] === 255 ? -1 : lc.rfmSegment[i]), size: RFM_SEGMENTS.length },
    { name: 'value_by_cohort', title: 'Predicted value by cohort (month of the first order)', key: 'cohort', labels: cohorts.labels, of: (i) => cohorts.of[i], size: cohorts.labels.length },
    { name: 'value_total', title: 'Predicted value of all customers', key: 'group', labels: ['all customers'], of: () => 0, size: 1 },
  ];
  const intervals = level > 0 && isPredictive(v.settings.model) && !v.problem;
  const iv = intervals ? valueIntervals(v, groupings, level, warn) : null;
  const tables = groupings.map((g, k) =>
    valueBy(g.name, intervals ? `${g.title}, with ${percentText(level)} intervals` : g.title, g.key, g.labels, g.of, v, t.revenue, intervals, iv?.[k]),
  );
  const valued = v.clv.reduce((c, x) => (Number.isNaN(x) ? c : c + 1), 0);
  // the highest values first, ties by id: the top few picked in one pass, not all customers sorted
  const idx = topIndexes(t.size, top, (i) => !Number.isNaN(v.clv[i]), (a, b) => v.clv[b] - v.clv[a] || (t.ids[a] < t.ids[b] ? -1 : t.ids[a] > t.ids[b] ? 1 : 0));
  const rows: Cell[][] = idx.map((i) => [t.ids[i], STAGES[lc.stages[i]] ?? null, nanNull(v.pAlive[i]), nanNull(v.expectedPurchases[i]), nanNull(v.expectedAvgValue[i]), v.clv[i], t.revenue[i]]);
  tables.push(
    tableOf('top_customers', `Top ${Math.min(top, valued)} customers by predicted value`, [
      { name: 'customer_id', type: 'string', fromInput: true },
      { name: 'stage', type: 'string' },
      { name: 'p_alive', type: 'ratio', decimals: 3 },
      { name: 'expected_purchases', type: 'number', decimals: 2 },
      { name: 'expected_avg_value', type: 'money' },
      { name: 'clv', type: 'money' },
      { name: 'historical_revenue', type: 'money' },
    ], rows),
  );
  return tables;
}

/**
 * The first `k` of the rows 0..n-1 that pass `keep`, in the order `cmp` sorts them (as
 * sorting them all and taking the first k would give): one pass holding k rows.
 */
export function topIndexes(n: number, k: number, keep: (i: number) => boolean, cmp: (a: number, b: number) => number): number[] {
  const best: number[] = [];
  if (k <= 0) return best;
  for (let i = 0; i < n; i++) {
    if (!keep(i)) continue;
    if (best.length === k && cmp(i, best[k - 1]) >= 0) continue;
    let at = best.length;
    while (at > 0 && cmp(i, best[at - 1]) < 0) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

function nanNull(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

/** The data checks for the manifest and JSON meta: the figures and the verdicts of the analyses used. */
export function checksMeta(checks: DataChecks, used: readonly Analysis[]): Record<string, unknown> {
  return {
    figures: figuresMeta(checks.figures),
    verdicts: Object.fromEntries(checks.analyses.filter((a) => used.includes(a.analysis)).map((a) => [a.analysis, { verdict: a.verdict, reason: a.reason }])),
  };
}

/**
 * The CLV settings for the manifest; after --model auto, `model` is the model chosen and
 * `model_choice` says by which rule, with each candidate's numbers.
 */
export function settingsMeta(s: ClvSettings, choice?: ModelChoice): Record<string, unknown> {
  return { model: s.model, ...(choice ? { model_choice: choiceMeta(choice) } : {}), time_unit: s.unit, horizon: s.horizonText, horizon_days: Number(s.horizonDays.toFixed(4)), discount: s.discount, margin: s.margin, penalizer: s.penalizer };
}

function choiceMeta(c: ModelChoice): Record<string, unknown> {
  return { requested: 'auto', chosen: c.model, rule: c.rule, reason: c.reason, candidates: c.candidates };
}

export function settingsLine(s: ClvSettings, choice?: ModelChoice): string {
  return `model ${choice ? `auto → ${s.model}` : s.model}${isPredictive(s.model) ? ' + Gamma-Gamma spend' : ''} · horizon ${s.horizonText} · discount ${(100 * s.discount).toFixed(1)}%/year · margin ${(100 * s.margin).toFixed(0)}% · time unit ${s.unit}`;
}

export function fitMeta(scores: Pick<ClvScores, 'purchase' | 'spend' | 'correlation' | 'warnings'>): Record<string, unknown> {
  const f = (fit: ClvScores['purchase'] | NonNullable<ClvScores['spend']>): Record<string, unknown> => ({
    params: fit.params,
    se: fit.se,
    log_likelihood: fit.logLik,
    customers: fit.customers,
    converged: fit.converged,
    usable: fit.usable,
    problem: fit.problem,
    iterations: fit.iterations,
    warnings: fit.warnings,
  });
  return { purchase: f(scores.purchase), spend: scores.spend ? f(scores.spend) : null, spend_frequency_correlation: scores.correlation?.correlation ?? null, warnings: scores.warnings };
}
