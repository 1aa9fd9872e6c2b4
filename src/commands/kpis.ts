import { ALL_CHANNELS, assignChannels, cacByPeriod, cacPayback, coveredMonths, ltvToCac, type ChannelAssignment, type SpendEntry } from '../analytics/acquisition.js';
import { meanScore, npsAnswer, npsOf, reviewAnswer, reviewsByPeriod, reviewTotals } from '../analytics/feedback.js';
import { evaluateGoal, type GoalResult, type GoalSpec } from '../analytics/goals.js';
import { changeInPoints, changeName, computeKpis, KPI_DEFINITIONS, KPI_UNITS, kpiRow, kpiValue, type KpiSeries, type KpiUnit } from '../analytics/kpis.js';
import { checkConditions, compileConditions } from './kpi-conditions.js';
import { formulaClv, historicalClv } from '../analytics/clv/value.js';
import { formatDay, parseIsoDay, type Day } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';
import { defaultDirection, GOAL_METRICS, KPI_NAMES, type GoalMetric, type GoalPeriodUnit, type KpiName } from '../domain/goals.js';
import { formatPeriod, periodOfDay } from '../domain/period.js';
import { ADVOCATE_DEFINITION, NOT_YET, STAGES } from '../domain/stage.js';
import type { CliIO } from '../io/cli-io.js';
import { readSpendFile, type SpendFile } from '../io/read-spend.js';
import { displayCell } from '../render/cells.js';
import { tableOf, type Cell, type Column, type ColumnType, type CommandResult, type ResultTable } from '../render/result.js';
import { clvSettings, customerValues, fitsPurchases, isPredictive, settingsLine, type ClvFlags, type ClvSettings, type CustomerValues } from './cltv.js';
import { dataContext, dataMeta, loadInputs, type InputFlags, type Inputs } from './common.js';
import { computeLifecycle, type Lifecycle, type LifecycleFlags } from './lifecycle.js';

/**
 * `clm kpis` (issue 7): lifecycle KPIs per month, quarter or year with the change against the
 * previous period (analytics/kpis.ts), goals from the config (analytics/goals.ts), acquisition
 * cost with --spend (analytics/acquisition.ts) and feedback (analytics/feedback.ts).
 *
 * Tables, in order: kpis (one row per period, wide), kpi_changes (the latest complete period
 * against the one before, one row per KPI), goals (when the config has goals), acquisition,
 * ltv_cac and cac_payback (with --spend), feedback (per period, with --reviews) and
 * feedback_by_stage (when the data has nps, review_score or --reviews).
 */
export interface KpisFlags extends InputFlags, LifecycleFlags, ClvFlags {
  period?: string;
  periods?: string;
  spend?: string;
  failIf?: string[];
}

/** Default number of periods shown per unit. */
export const DEFAULT_PERIODS: Readonly<Record<KpiUnit, number>> = { month: 13, quarter: 8, year: 5 };

/** Everything `clm kpis` computed, for the command's tables and for the report. */
export interface KpisRun {
  unit: KpiUnit;
  series: KpiSeries;
  /** Index of the first shown period in series.periods. */
  shownFrom: number;
  goals: GoalRow[];
  spend?: SpendFile;
  /** Values of the --fail-if fields (KPIs of the latest complete period, clv, nps, ...). */
  metrics: Record<string, number | null>;
  tables: ResultTable[];
  warnings: string[];
  notes: string[];
  meta: Record<string, unknown>;
}

export interface GoalRow extends GoalResult {
  unit: GoalPeriodUnit | 'as_of';
  /** The period the current value is of (`2024-11`), or `as of YYYY-MM-DD`. */
  periodLabel: string | null;
  basis: string;
}

function unitFlag(text: string | undefined): KpiUnit {
  const u = (text ?? 'month').toLowerCase();
  if (!(KPI_UNITS as readonly string[]).includes(u)) throw new UsageError(`--period must be month, quarter or year, not ${JSON.stringify(text)}`);
  return u as KpiUnit;
}

function periodsFlag(text: string | undefined, unit: KpiUnit): number {
  if (text === undefined) return DEFAULT_PERIODS[unit];
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) throw new UsageError(`--periods ${JSON.stringify(text)} is not a whole number of at least 1`, 'for example --periods 12');
  return v;
}

/** `clm kpis`. */
export async function runKpis(flags: KpisFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const unit = unitFlag(flags.period);
  const count = periodsFlag(flags.periods, unit);
  if (flags.spend === '-' && (flags.orders === '-' || flags.reviews === '-')) throw new UsageError('only one input can come from stdin (`-`)');
  // compile the conditions before the work, so a typo costs nothing
  const conditions = compileConditions(flags.failIf ?? [], warn);
  const inputs = await loadInputs(flags, io, warn);
  const spend = flags.spend ? await readSpendFile({ path: flags.spend, stdin: io.stdin, encoding: flags.encoding, decimalComma: flags.decimalComma ?? inputs.config?.config.decimal_comma }) : undefined;
  const run = kpisRun(inputs, { unit, periods: count, spend, flags });
  run.warnings.forEach(warn);
  const meta = { ...dataMeta(inputs.data, 'kpis'), ...run.meta };
  const context = dataContext(inputs.data);
  if (spend) context.push(`spend: ${spend.source.path} (${spend.rows.toLocaleString('en-US')} rows, ${spend.entries.length} month-channel amounts)`);
  context.push(kpisLine(run));
  if (flags.model) context.push(settingsLine(clvSettings(flags)));
  const result: CommandResult = { meta, context, tables: run.tables, notes: flags.explain ? run.notes : undefined };
  if (conditions.length > 0) {
    const held = checkConditions(conditions, run);
    meta.fail_if = conditions.map((c) => ({ condition: c.text, held: held.includes(c.text) }));
    if (held.length > 0) result.held = `--fail-if held: ${held.join('; ')} (KPIs of ${run.series.latestComplete >= 0 ? run.series.periods[run.series.latestComplete].label : 'no complete period'})`;
  }
  return result;
}

function kpisLine(run: KpisRun): string {
  const s = run.series;
  if (s.periods.length === 0) return `KPIs per ${run.unit}: no orders up to the as-of date`;
  const shown = s.periods.slice(run.shownFrom);
  const last = s.periods[s.periods.length - 1];
  const latest = s.latestComplete >= 0 ? s.periods[s.latestComplete].label : 'none';
  return `KPIs per ${run.unit}: ${shown[0].label} to ${last.label}${last.complete ? '' : ` (${last.label} is not over: marked *)`} · latest complete ${run.unit}: ${latest}${run.goals.length ? ` · ${run.goals.length} goal${run.goals.length > 1 ? 's' : ''}` : ''}`;
}

export interface KpisOptions {
  unit: KpiUnit;
  periods: number;
  spend?: SpendFile;
  /** CLV flags (--model, --margin, ...) and lifecycle flags (stage thresholds, for feedback by stage). */
  flags: ClvFlags & LifecycleFlags;
  /** The run's lifecycle, when the caller has one (the report): saves computing it again. */
  lifecycle?: Lifecycle;
  /** The run's CLV values, when the caller has them. */
  values?: CustomerValues;
}

/**
 * Everything `clm kpis` shows, from loaded inputs: the report calls this with its own
 * lifecycle and CLV values to add the KPI, goal, acquisition and feedback tables.
 */
export function kpisRun(inputs: Inputs, opts: KpisOptions): KpisRun {
  const { data, config } = inputs;
  const t = data.table;
  const asOf = data.asOf;
  const unit = opts.unit;
  const warnings: string[] = [];
  const seriesBy = new Map<KpiUnit, KpiSeries>();
  const seriesOf = (u: KpiUnit): KpiSeries => {
    let s = seriesBy.get(u);
    if (!s) seriesBy.set(u, (s = computeKpis(t, { unit: u, asOf })));
    return s;
  };
  const series = seriesOf(unit);
  const shownFrom = Math.max(0, series.periods.length - opts.periods);
  const tables: ResultTable[] = [kpisTable(series, shownFrom)];
  if (series.latestComplete >= 0) tables.push(changesTable(series));

  // CLV: the model's values when --model is given (or the caller's)
  const modelGiven = opts.values !== undefined || opts.flags.model !== undefined;
  let settings: ClvSettings = opts.values?.settings ?? clvSettings({ ...opts.flags, model: opts.flags.model ?? 'historical' });
  let values = opts.values;
  if (!values && modelGiven && fitsPurchases(settings.model)) {
    values = customerValues(inputs, settings);
    settings = values.settings;
    warnings.push(...values.warnings);
  }
  const predictive = modelGiven && isPredictive(settings.model) && values !== undefined;

  // feedback
  const npsColumn = attribute(t, 'nps');
  const reviewColumn = attribute(t, 'review_score');
  const npsScores = npsColumn ? Float64Array.from(npsColumn, npsAnswer) : undefined;
  const reviewScores = reviewColumn ? Float64Array.from(reviewColumn, reviewAnswer) : undefined;
  const buyersAndListed: number[] = [];
  for (let i = 0; i < t.size; i++) if (t.orders[i] > 0 || inputs.listed?.[i]) buyersAndListed.push(i);
  const overallNps = npsScores ? npsOf(npsScores, buyersAndListed) : undefined;
  const overallReview = reviewScores ? meanScore(reviewScores, buyersAndListed) : undefined;

  // the value of a goal metric on a period unit: current, history of complete periods, basis
  const observe = (metric: GoalMetric, u: KpiUnit): { current: number | null; history: (number | null)[]; periodLabel: string | null; period?: number; basis: string; unit: GoalPeriodUnit | 'as_of' } => {
    const asOfLabel = `as of ${formatDay(asOf)}`;
    if (metric === 'nps') return { current: overallNps?.nps ?? null, history: [], periodLabel: asOfLabel, basis: overallNps ? `customers file nps (${overallNps.responses} answers, undated)` : 'no nps column in the customers file', unit: 'as_of' };
    if (metric === 'clv' && modelGiven && settings.model !== 'historical') {
      let current: number | null = null;
      if (settings.model === 'formula') current = formulaClv(t, { asOf, margin: settings.margin }).clv;
      else if (values) current = meanOf(values.clv);
      return { current, history: [], periodLabel: asOfLabel, basis: `mean ${settings.model} CLV per customer (horizon ${settings.horizonText})`, unit: 'as_of' };
    }
    if (metric === 'average_review_score' && !inputs.reviews) {
      return { current: overallReview?.mean ?? null, history: [], periodLabel: asOfLabel, basis: overallReview ? `customers file review_score (${overallReview.responses} answers, undated)` : 'no review scores (customers file review_score or --reviews)', unit: 'as_of' };
    }
    const s = seriesOf(u);
    if (s.latestComplete < 0) return { current: null, history: [], periodLabel: null, basis: `no complete ${u} yet`, unit: u };
    const complete = s.periods.slice(0, s.latestComplete + 1);
    let history: (number | null)[];
    let basis: string;
    if (metric === 'average_review_score') {
      const r = reviewsByPeriod(inputs.reviews!, { unit: u, asOf, from: complete[0].period, to: complete[complete.length - 1].period, isComplete: () => true });
      history = r.map((x) => x.averageScore);
      basis = `mean score of the reviews dated in the ${u} (--reviews)`;
    } else if (metric === 'clv') {
      history = complete.map((p) => (p.averageHistoricalValue === null ? null : p.averageHistoricalValue * settings.margin));
      basis = `average historical value at the end of the ${u}${settings.margin !== 1 ? ` x margin ${settings.margin}` : ''}`;
    } else {
      history = complete.map((p) => kpiValue(p, metric));
      basis = `${metric} of the ${u}`;
    }
    const last = complete[complete.length - 1];
    return { current: history[history.length - 1], history, periodLabel: last.label, period: last.period, basis, unit: u };
  };

  // goals
  const goals: GoalRow[] = [];
  const goalConfig = config?.config.goals ?? {};
  for (const metric of GOAL_METRICS) {
    const g = goalConfig[metric];
    if (!g) continue;
    const u: KpiUnit = g.period ?? 'month';
    const by = g.by !== undefined ? parseIsoDay(g.by) : undefined;
    const spec: GoalSpec = { metric, target: g.target, by, direction: g.direction ?? defaultDirection(metric) };
    const o = observe(metric, u);
    const periodsLeft = by !== undefined && o.period !== undefined && o.unit !== 'as_of' ? periodOfDay(o.unit, by) - o.period : undefined;
    goals.push({ ...evaluateGoal(spec, { current: o.current, history: o.history, periodsLeft }, asOf), unit: o.unit, periodLabel: o.periodLabel, basis: o.basis });
  }
  if (goals.length) tables.push(goalsTable(goals));

  // acquisition
  const meta: Record<string, unknown> = {};
  if (opts.spend) {
    const channelValues = attribute(t, 'channel');
    if (!channelValues) warnings.push('the customers have no channel (map a channel column of the customers or orders file), so every channel acquired 0 customers; only the (all) rows have a CAC');
    const ch = assignChannels(channelValues, t.size);
    const entries = matchChannels(opts.spend.entries, ch, warnings);
    const asOfMonth = periodOfDay('month', asOf);
    const late = entries.filter((e) => e.month > asOfMonth);
    if (late.length) warnings.push(`spend after the as-of month is left out: ${[...new Set(late.map((e) => formatPeriod('month', e.month)))].join(', ')}`);
    if (series.periods.length > 0) {
      const shown = series.periods.slice(shownFrom);
      tables.push(acquisitionTable(cacByPeriod(t, entries, ch, { unit, asOf, from: shown[0].period, to: shown[shown.length - 1].period }), unit));
    }
    const historical = historicalClv(t, asOf, settings.margin);
    if (modelGiven && settings.model === 'formula') warnings.push('--model formula has no per-customer value: LTV in ltv_cac is the historical value');
    tables.push(ltvTable(ltvToCac(t, entries, ch, { historical, predicted: predictive ? values!.clv : undefined }, asOf), predictive ? settings : undefined));
    tables.push(paybackTable(cacPayback(t, entries, asOf, settings.margin)));
    const months = coveredMonths(entries, asOf);
    meta.spend = {
      path: opts.spend.source.path,
      rows: opts.spend.rows,
      months: months.length ? { first: formatPeriod('month', months[0]), last: formatPeriod('month', months[months.length - 1]), count: months.length } : null,
      channels: [...new Set(entries.map((e) => e.channel))].sort(),
      total: entries.reduce((s, e) => s + e.amount, 0),
      ltv: predictive ? `historical + ${settings.model} predicted value over ${settings.horizonText}` : 'historical',
    };
  }

  // feedback
  if (inputs.reviews && series.periods.length > 0) {
    const shown = series.periods.slice(shownFrom);
    const complete = new Map(shown.map((p) => [p.period, p.complete]));
    tables.push(feedbackTable(reviewsByPeriod(inputs.reviews, { unit, asOf, from: shown[0].period, to: shown[shown.length - 1].period, isComplete: (p) => complete.get(p) ?? true }), unit));
  }
  if (npsScores || reviewScores || inputs.reviews) {
    const lc = opts.lifecycle ?? computeLifecycle(inputs, opts.flags);
    tables.push(feedbackByStageTable(inputs, lc, npsScores, reviewScores));
  }

  // --fail-if fields: the KPIs of the latest complete period of --period, their changes, clv, nps, review score
  const metrics: Record<string, number | null> = {};
  const latest = series.latestComplete >= 0 ? kpiRow(series, series.latestComplete) : undefined;
  for (const name of KPI_NAMES) {
    const r = latest?.find((x) => x.name === name);
    metrics[name] = r?.value ?? null;
    metrics[changeName(name)] = r?.change ?? null;
  }
  for (const m of ['clv', 'nps', 'average_review_score'] as const) metrics[m] = observe(m, unit).current;

  meta.kpis = {
    period: unit,
    periods_shown: series.periods.length - shownFrom,
    first: series.periods[shownFrom]?.label ?? null,
    last: series.periods[series.periods.length - 1]?.label ?? null,
    incomplete_period: series.periods.length && !series.periods[series.periods.length - 1].complete ? series.periods[series.periods.length - 1].label : null,
    latest_complete: series.latestComplete >= 0 ? series.periods[series.latestComplete].label : null,
    metrics: roundAll(metrics),
  };
  if (goals.length) meta.goals = goals.map(goalMeta);
  if (overallNps) meta.nps = overallNps;
  return { unit, series, shownFrom, goals, spend: opts.spend, metrics, tables, warnings, notes: explainKpis(unit), meta };
}

function attribute(t: Inputs['data']['table'], name: string): (string | undefined)[] | undefined {
  const a = t.attributeNames.indexOf(name);
  return a < 0 ? undefined : t.attributes[a];
}

function meanOf(v: Float64Array): number | null {
  let s = 0;
  let n = 0;
  for (const x of v) {
    if (Number.isNaN(x)) continue;
    s += x;
    n++;
  }
  return n > 0 ? s / n : null;
}

function roundAll(m: Record<string, number | null>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v === null ? null : Number(v.toPrecision(12))]));
}

/** Spend channels spelled like a customer channel but in another case take the customers' spelling. */
function matchChannels(entries: readonly SpendEntry[], ch: ChannelAssignment, warnings: string[]): SpendEntry[] {
  const byLower = new Map(ch.channels.map((c) => [c.toLowerCase(), c]));
  const unknown = new Set<string>();
  const out = entries.map((e) => {
    const c = byLower.get(e.channel.toLowerCase());
    if (c === undefined) unknown.add(e.channel);
    return c === undefined || c === e.channel ? e : { ...e, channel: c };
  });
  if (unknown.size && ch.channels.length) {
    warnings.push(`no customer has the spend channel${unknown.size > 1 ? 's' : ''} ${[...unknown].map((c) => JSON.stringify(c)).join(', ')} (customer channels: ${ch.channels.slice(0, 12).join(', ')}${ch.channels.length > 12 ? ', ...' : ''}): their CAC is empty`);
  }
  // summed again: two spellings of one channel in the same month become one entry
  const sums = new Map<string, SpendEntry>();
  for (const e of out) {
    const k = `${e.month}\u0000${e.channel}`;
    const s = sums.get(k);
    if (s) sums.set(k, { ...s, amount: s.amount + e.amount });
    else sums.set(k, e);
  }
  return [...sums.values()];
}

// ---------------------------------------------------------------------------------------------
// Tables

/** The output type of each KPI and goal metric. */
export function metricColumnType(name: string): { type: ColumnType; decimals?: number } {
  if (changeInPoints(name)) return { type: 'percent' };
  switch (name) {
    case 'active_customers':
    case 'new_customers':
    case 'returning_customers':
    case 'orders':
      return { type: 'int' };
    case 'average_order_value':
    case 'revenue':
    case 'average_historical_value':
    case 'clv':
      return { type: 'money' };
    case 'purchase_frequency':
      return { type: 'number', decimals: 2 };
    case 'nps':
      return { type: 'number', decimals: 1 };
    default:
      return { type: 'number', decimals: 2 };
  }
}

/** A metric value as people read it (the metric's own type), for columns that mix metrics. */
function shown(name: string, v: number | null): string | null {
  if (v === null) return null;
  const t = metricColumnType(name);
  return displayCell(v, { name, type: t.type, decimals: t.decimals });
}

/** A change as people read it: +12.3% (relative) or +3.0 pts (shares). */
function shownChange(name: string, v: number | null): string | null {
  if (v === null) return null;
  const sign = v > 0 ? '+' : v < 0 ? '-' : '±';
  return changeInPoints(name) ? `${sign}${Math.abs(100 * v).toFixed(1)} pts` : `${sign}${Math.abs(100 * v).toFixed(1)}%`;
}

const PERIOD_COLUMNS: Column[] = [
  { name: 'period', type: 'string' },
  { name: 'start_date', type: 'date', only: 'machine' },
  { name: 'end_date', type: 'date', only: 'machine' },
  { name: 'complete', type: 'string', only: 'machine', boolean: true },
];

/** One row per shown period: every KPI, then (machine formats) its change against the period before. */
export function kpisTable(series: KpiSeries, shownFrom: number): ResultTable {
  const columns: Column[] = [...PERIOD_COLUMNS];
  for (const name of KPI_NAMES) {
    const t = metricColumnType(name);
    columns.push({ name, type: t.type, decimals: t.decimals });
  }
  for (const name of KPI_NAMES) columns.push({ name: changeName(name), ...changeColumnType(name), only: 'machine' });
  const rows: Cell[][] = [];
  for (let k = shownFrom; k < series.periods.length; k++) {
    const p = series.periods[k];
    const r = kpiRow(series, k);
    rows.push([p.label, p.startDay, p.endDay, p.complete ? 'true' : 'false', ...r.map((x) => x.value), ...r.map((x) => x.change)]);
  }
  const incomplete = new Set(series.periods.filter((p) => !p.complete).map((p) => p.label));
  return {
    ...tableOf('kpis', `KPIs per ${series.unit}`, columns, rows),
    marks: { symbol: '*', cell: (r, name) => name === 'period' && incomplete.has(rows[r]?.[0] as string) },
    legend: incomplete.size ? [`* the ${series.unit} holding the as-of date is not over: its counts are partial`] : undefined,
  };
}

/** The latest complete period against the one before, one row per KPI. */
export function changesTable(series: KpiSeries): ResultTable {
  const k = series.latestComplete;
  const p = series.periods[k];
  const prev = k > 0 ? series.periods[k - 1].label : null;
  const rows: Cell[][] = kpiRow(series, k).map((x) => [
    x.name,
    p.label,
    prev,
    x.value,
    x.previous,
    x.change,
    changeInPoints(x.name) ? 'points' : 'relative',
    shown(x.name, x.value),
    shown(x.name, x.previous),
    shownChange(x.name, x.change),
  ]);
  const table = tableOf('kpi_changes', `KPIs of ${p.label} (the latest complete ${series.unit}) against ${prev ?? 'the period before'}`, [
    { name: 'kpi', type: 'string' },
    { name: 'period', type: 'string', only: 'machine' },
    { name: 'previous_period', type: 'string', only: 'machine' },
    { name: 'value', type: 'number', only: 'machine' },
    { name: 'previous', type: 'number', only: 'machine' },
    { name: 'change', type: 'number', only: 'machine' },
    { name: 'change_kind', type: 'string', only: 'machine' },
    { name: 'value', type: 'string', only: 'human' },
    { name: 'previous', type: 'string', only: 'human' },
    { name: 'change', type: 'string', only: 'human' },
  ], rows);
  // each row is one KPI: its value and previous value have the KPI's type, its change the change's
  const cellType = (row: readonly Cell[], column: string) => {
    const name = String(row[0]);
    if (column === 'value' || column === 'previous') return metricColumnType(name);
    return column === 'change' ? changeColumnType(name) : undefined;
  };
  return { ...table, cellType };
}

/** A relative change is a rate (0.12 = +12%); a change in points of a share a number (0.03 = 3 points). */
function changeColumnType(name: string): { type: 'percent' | 'number'; decimals?: number } {
  return changeInPoints(name) ? { type: 'number', decimals: 4 } : { type: 'percent' };
}

export function goalsTable(goals: GoalRow[]): ResultTable {
  const rows: Cell[][] = goals.map((g) => [
    g.metric,
    g.direction,
    g.target,
    g.by ?? null,
    g.unit,
    g.periodLabel,
    g.current,
    g.distance,
    g.trendPerPeriod,
    g.projected,
    shown(g.metric, g.target),
    g.by !== undefined ? formatDay(g.by) : null,
    g.periodLabel,
    shown(g.metric, g.current),
    g.distance === null ? null : g.distance <= 0 ? 'reached' : changeInPoints(g.metric) ? `${(100 * g.distance).toFixed(1)} pts` : shown(g.metric, g.distance),
    g.status,
    g.basis,
  ]);
  const table = tableOf('goals', 'Goals (from the config)', [
    { name: 'goal', type: 'string' },
    { name: 'direction', type: 'string' },
    { name: 'target', type: 'number', only: 'machine' },
    { name: 'by', type: 'date', only: 'machine' },
    { name: 'period_unit', type: 'string', only: 'machine' },
    { name: 'period', type: 'string', only: 'machine' },
    { name: 'current', type: 'number', only: 'machine' },
    { name: 'distance', type: 'number', only: 'machine' },
    { name: 'trend_per_period', type: 'number', only: 'machine' },
    { name: 'projected', type: 'number', only: 'machine' },
    { name: 'target', type: 'string', only: 'human' },
    { name: 'by', type: 'string', only: 'human' },
    { name: 'period', type: 'string', only: 'human' },
    { name: 'current', type: 'string', only: 'human' },
    { name: 'distance', type: 'string', only: 'human' },
    { name: 'status', type: 'string' },
    { name: 'basis', type: 'string' },
  ], rows);
  // each row is one metric: its figures have the metric's type (a share as a percentage, a count whole)
  const figures = new Set(['target', 'current', 'distance', 'trend_per_period', 'projected']);
  return { ...table, cellType: (row, column) => (figures.has(column) ? metricColumnType(String(row[0])) : undefined) };
}

function goalMeta(g: GoalRow): Record<string, unknown> {
  return {
    goal: g.metric,
    direction: g.direction,
    target: g.target,
    by: g.by !== undefined ? formatDay(g.by) : null,
    period_unit: g.unit,
    period: g.periodLabel,
    current: g.current,
    distance: g.distance,
    trend_per_period: g.trendPerPeriod,
    projected: g.projected,
    status: g.status,
    basis: g.basis,
  };
}

function acquisitionTable(rows: ReturnType<typeof cacByPeriod>, unit: KpiUnit): ResultTable {
  const incomplete = new Set(rows.filter((r) => !r.complete).map((r) => r.label));
  const cells: Cell[][] = rows.map((r) => [r.label, r.complete ? 'true' : 'false', r.channel, r.spend, r.newCustomers, r.cac]);
  return {
    ...tableOf('acquisition', `Acquisition cost per ${unit} and channel (CAC = spend / new customers of the channel; ${ALL_CHANNELS}: all spend / all new customers)`, [
      { name: 'period', type: 'string' },
      { name: 'complete', type: 'string', only: 'machine', boolean: true },
      { name: 'channel', type: 'string', fromInput: true },
      { name: 'spend', type: 'money' },
      { name: 'new_customers', type: 'int' },
      { name: 'cac', type: 'money' },
    ], cells),
    marks: { symbol: '*', cell: (r, name) => name === 'period' && incomplete.has(cells[r]?.[0] as string) },
  };
}

function ltvTable(rows: ReturnType<typeof ltvToCac>, model: ClvSettings | undefined): ResultTable {
  const title = model
    ? `LTV:CAC per channel (LTV = historical value + ${model.model} predicted value over ${model.horizonText}, customers acquired in the spend months)`
    : 'LTV:CAC per channel (LTV = historical value to date of the customers acquired in the spend months; --model bgnbd adds predicted value)';
  return tableOf('ltv_cac', title, [
    { name: 'channel', type: 'string', fromInput: true },
    { name: 'spend', type: 'money' },
    { name: 'new_customers', type: 'int' },
    { name: 'cac', type: 'money' },
    { name: 'historical_value', type: 'money' },
    { name: 'predicted_value', type: 'money' },
    { name: 'ltv', type: 'money' },
    { name: 'ltv_to_cac', type: 'number', decimals: 2 },
  ], rows.map((r) => [r.channel, r.spend, r.newCustomers, r.cac, r.historicalValue, r.predictedValue, r.ltv, r.ltvToCac]));
}

function paybackTable(rows: ReturnType<typeof cacPayback>): ResultTable {
  return tableOf('cac_payback', 'Months to recover CAC per monthly cohort (0 = within the acquisition month; empty = not yet)', [
    { name: 'cohort', type: 'string' },
    { name: 'spend', type: 'money' },
    { name: 'new_customers', type: 'int' },
    { name: 'cac', type: 'money' },
    { name: 'value_to_date', type: 'money' },
    { name: 'months_to_recover', type: 'int' },
    { name: 'recovered_share', type: 'percent' },
  ], rows.map((r) => [r.label, r.spend, r.newCustomers, r.cac, r.valueToDate, r.monthsToRecover, r.recoveredShare]));
}

function feedbackTable(rows: ReturnType<typeof reviewsByPeriod>, unit: KpiUnit): ResultTable {
  const incomplete = new Set(rows.filter((r) => !r.complete).map((r) => r.label));
  const cells: Cell[][] = rows.map((r) => [r.label, r.complete ? 'true' : 'false', r.reviews, r.reviewers, r.averageScore, r.positiveShare, r.negativeShare]);
  return {
    ...tableOf('feedback', `Reviews per ${unit} (by review date, scores out of 5)`, [
      { name: 'period', type: 'string' },
      { name: 'complete', type: 'string', only: 'machine', boolean: true },
      { name: 'reviews', type: 'int' },
      { name: 'reviewers', type: 'int' },
      { name: 'average_review_score', type: 'number', decimals: 2 },
      { name: 'positive_share', type: 'percent' },
      { name: 'negative_share', type: 'percent' },
    ], cells),
    marks: { symbol: '*', cell: (r, name) => name === 'period' && incomplete.has(cells[r]?.[0] as string) },
  };
}

/** NPS and review scores per stage (customers file answers; --reviews up to the as-of date). */
function feedbackByStageTable(inputs: Inputs, lc: Lifecycle, nps: Float64Array | undefined, review: Float64Array | undefined): ResultTable {
  const t = inputs.data.table;
  const members: number[][] = STAGES.map(() => []);
  const all: number[] = [];
  for (let i = 0; i < t.size; i++) {
    const s = lc.stages[i];
    if (s === NOT_YET) continue;
    members[s].push(i);
    all.push(i);
  }
  const totals = inputs.reviews ? reviewTotals(t.size, inputs.reviews, inputs.data.asOf) : undefined;
  const row = (label: string, rows: number[]): Cell[] => {
    const n = nps ? npsOf(nps, rows) : undefined;
    const r = review ? meanScore(review, rows) : undefined;
    let rc = 0;
    let rs = 0;
    if (totals) for (const i of rows) {
      rc += totals.count[i];
      rs += totals.sum[i];
    }
    return [label, rows.length, n?.responses ?? null, n?.promoters ?? null, n?.passives ?? null, n?.detractors ?? null, n?.nps ?? null, r?.responses ?? null, r?.mean ?? null, totals ? rc : null, totals && rc > 0 ? rs / rc : null];
  };
  const rows: Cell[][] = STAGES.map((s, k) => (members[k].length ? row(s, members[k]) : undefined)).filter((r): r is Cell[] => r !== undefined);
  rows.push(row('(all)', all));
  const table = tableOf('feedback_by_stage', 'Feedback per stage (NPS = % promoters 9-10 - % detractors 0-6, from the customers file; review scores out of 5)', [
    { name: 'stage', type: 'string' },
    { name: 'customers', type: 'int' },
    { name: 'nps_responses', type: 'int' },
    { name: 'promoters', type: 'int' },
    { name: 'passives', type: 'int' },
    { name: 'detractors', type: 'int' },
    { name: 'nps', type: 'number', decimals: 1 },
    { name: 'review_score_responses', type: 'int' },
    { name: 'average_review_score', type: 'number', decimals: 2 },
    { name: 'reviews', type: 'int' },
    { name: 'average_reviewed_score', type: 'number', decimals: 2 },
  ], rows);
  // the advocate row is high by construction: these scores are among the signals that define it
  return { ...table, legend: [...(table.legend ?? []), ADVOCATE_DEFINITION] };
}

// ---------------------------------------------------------------------------------------------
// --explain

export function explainKpis(unit: KpiUnit): string[] {
  return [
    `KPIs per ${unit} (counted orders only; refunds reduce revenue in the ${unit} they happen and never make a customer active; prospects never count):`,
    ...KPI_NAMES.map((n) => `  ${n}: ${KPI_DEFINITIONS[n as KpiName]}`),
    '  NAME_change: against the period before: relative (value / previous - 1) for counts and amounts; for the shares (retention, churn, repeat purchase, revenue from existing) NAME_change_pts, the difference (0.03 = 3 points).',
    `  The ${unit} holding the as-of date is not over unless the as-of date is its last day (marked *); goals and --fail-if use the latest complete ${unit}.`,
    'Feedback: NPS = % promoters (9-10) - % detractors (0-6) of the nps answers in the customers file (-100..100; undated, so per stage, not per period); average review score out of 5 from the customers file review_score (per stage) and --reviews (per period by review date, and per stage).',
    'Acquisition (--spend period,channel,amount; monthly): CAC = the channel\'s spend in the period / customers whose first order is in the period and whose channel attribute is that channel; (all) = all spend / all new customers. LTV:CAC over the spend months: LTV = mean historical value to date (x --margin) of the channel\'s customers acquired in those months, plus the predicted CLV with --model bgnbd|pnbd|mbgnbd. Months to recover CAC: per monthly cohort, the first month k (0 = the acquisition month) where cumulative net revenue per customer (x margin) reaches the cohort\'s CAC.',
    'Goals (config "goals"): higher is better except churn_rate (a goal may set "direction"); current = the latest complete period of the goal\'s "period" (month by default); distance = how far the value still has to move (0 or less = met); trend = change per period over the last up to 3 complete periods; status: met (target reached), missed (not met and the as-of date is on or after "by"), on_track (current + trend x periods left reaches the target by "by"; without "by", the trend points to the target), behind (otherwise), no_data.',
  ];
}
