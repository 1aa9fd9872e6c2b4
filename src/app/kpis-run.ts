import { acquisitionTable, changesTable, explainKpis, feedbackByStageTable, feedbackTable, kpisTable, ltvTable, paybackTable } from './kpi-tables.js';
import { evaluateGoals, goalMeta, goalsTable, observeGoalMetric, type GoalObservation, type GoalRow } from './goals.js';
import { assignChannels, cacByPeriod, cacPayback, coveredMonths, ltvToCac, type ChannelAssignment, type SpendEntry } from '../analytics/acquisition.js';
import { meanScore, npsAnswer, npsOf, reviewAnswer, reviewsByPeriod } from '../analytics/feedback.js';
import { changeName, computeKpis, kpiRow, type KpiSeries, type KpiUnit } from '../analytics/kpis.js';
import { historicalClv } from '../analytics/clv/value.js';
import { KPI_NAMES, type GoalMetric } from '../domain/goals.js';
import { formatPeriod, periodOfDay } from '../domain/period.js';
import type { SpendFile } from '../io/read-spend.js';
import type { ResultTable } from '../render/result.js';
import { clvSettings, customerValues, fitsPurchases, isPredictive, type ClvFlags, type ClvSettings, type CustomerValues } from './clv-values.js';
import type { Inputs } from './inputs.js';
import { computeLifecycle, type Lifecycle, type LifecycleFlags } from './lifecycle.js';

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


  const observe = (metric: GoalMetric, u: KpiUnit): GoalObservation => observeGoalMetric({ inputs, seriesOf, settings, modelGiven, values, overallNps, overallReview }, metric, u);
  // goals
  const goals = evaluateGoals(config?.config.goals ?? {}, observe, asOf);
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
