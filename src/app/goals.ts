import { meanScore, npsOf, reviewsByPeriod } from '../analytics/feedback.js';
import { evaluateGoal, type GoalResult, type GoalSpec } from '../analytics/goals.js';
import { changeInPoints, kpiValue, type KpiSeries, type KpiUnit } from '../analytics/kpis.js';
import type { RuleFunction, RuleValue } from '../analytics/rule-expr.js';
import { closedSet } from '../analytics/rule-values.js';
import { formulaClv } from '../analytics/clv/value.js';
import { formatDay, parseIsoDay, type Day } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';
import { defaultDirection, GOAL_METRICS, GOAL_STATUSES, type GoalMetric, type GoalPeriodUnit } from '../domain/goals.js';
import { periodOfDay } from '../domain/period.js';
import type { LoadedConfig } from '../io/config.js';
import { tableOf, type Cell, type ResultTable } from '../render/result.js';
import type { ClvSettings, CustomerValues } from './clv-values.js';
import type { Inputs } from './inputs.js';
import { metricColumnType, shown } from './kpi-tables.js';

/**
 * Goals from the config (`"goals": {"retention_rate": {"target": 0.4, "by": "2025-06-30"}}`):
 * the value each goal metric has now and had in the complete periods before (observe), the
 * status of each goal (analytics/goals.ts), the goals table and manifest entries, and the
 * goal(NAME), goal_distance(NAME), goal_current(NAME) functions of --fail-if.
 */

export interface GoalRow extends GoalResult {
  unit: GoalPeriodUnit | 'as_of';
  /** The period the current value is of (`2024-11`), or `as of YYYY-MM-DD`. */
  periodLabel: string | null;
  basis: string;
}

type GoalsConfig = NonNullable<LoadedConfig['config']['goals']>;

/** A goal metric's value now, its history over complete periods, and what it is of. */
export interface GoalObservation {
  current: number | null;
  history: (number | null)[];
  periodLabel: string | null;
  period?: number;
  basis: string;
  unit: GoalPeriodUnit | 'as_of';
}

/** What observing a goal metric needs from the kpis run. */
export interface GoalContext {
  inputs: Inputs;
  seriesOf: (u: KpiUnit) => KpiSeries;
  settings: ClvSettings;
  /** --model given (or the caller's values): clv is the model's. */
  modelGiven: boolean;
  values?: CustomerValues;
  overallNps?: ReturnType<typeof npsOf>;
  overallReview?: ReturnType<typeof meanScore>;
}

/** The value of a goal metric on a period unit: current, history of complete periods, basis. */
export function observeGoalMetric(ctx: GoalContext, metric: GoalMetric, u: KpiUnit): GoalObservation {
  const { inputs, seriesOf, settings, modelGiven, values, overallNps, overallReview } = ctx;
  const t = inputs.data.table;
  const asOf = inputs.data.asOf;
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

/** Each goal of the config against its metric's value (observe says the value and its history). */
export function evaluateGoals(goalConfig: GoalsConfig, observe: (metric: GoalMetric, u: KpiUnit) => GoalObservation, asOf: Day): GoalRow[] {
  const goals: GoalRow[] = [];
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
  return goals;
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

export function goalMeta(g: GoalRow): Record<string, unknown> {
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

const GOAL_STATUS_SET = closedSet('a goal status', 'goal statuses', GOAL_STATUSES);
const GOAL_METRIC_SET = closedSet('a goal metric', 'goal metrics', GOAL_METRICS);

function goalArg(v: RuleValue, goals: readonly GoalRow[] | undefined): GoalRow {
  const name = String(v);
  if (!(GOAL_METRICS as readonly string[]).includes(name)) throw new UsageError(`--fail-if: ${JSON.stringify(name)} is not a goal metric`, `goal metrics: ${GOAL_METRICS.join(', ')}`);
  const g = goals?.find((x) => x.metric === name);
  if (!g) throw new UsageError(`--fail-if: no goal for ${name} in the config`, `add "goals": {"${name}": {"target": ..., "by": "YYYY-MM-DD"}} to the config, or drop the condition`);
  return g;
}

/** goal(NAME), goal_distance(NAME), goal_current(NAME) for --fail-if; `goals()` gives the run's goals once known. */
export function goalFunctions(goals: () => readonly GoalRow[] | undefined): RuleFunction[] {
  return [
    { name: 'goal', arity: 1, nameArgs: true, call: (n) => goalArg(n, goals()).status, values: GOAL_STATUS_SET, argValues: GOAL_METRIC_SET },
    { name: 'goal_distance', arity: 1, nameArgs: true, call: (n) => goalArg(n, goals()).distance, argValues: GOAL_METRIC_SET },
    { name: 'goal_current', arity: 1, nameArgs: true, call: (n) => goalArg(n, goals()).current, argValues: GOAL_METRIC_SET },
  ];
}
