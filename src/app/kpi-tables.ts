import { ALL_CHANNELS, cacByPeriod, cacPayback, ltvToCac } from '../analytics/acquisition.js';
import { meanScore, npsOf, reviewsByPeriod, reviewTotals } from '../analytics/feedback.js';
import { changeInPoints, changeName, KPI_DEFINITIONS, kpiRow, type KpiSeries, type KpiUnit } from '../analytics/kpis.js';
import { KPI_NAMES, type KpiName } from '../domain/goals.js';
import { ADVOCATE_DEFINITION, NOT_YET, STAGES } from '../domain/stage.js';
import { displayCell } from '../render/cells.js';
import { tableOf, type Cell, type Column, type ColumnType, type ResultTable } from '../render/result.js';
import type { ClvSettings } from './clv-values.js';
import type { Inputs } from './inputs.js';
import type { Lifecycle } from './lifecycle.js';

/** The tables of `clm kpis` (and of the report's KPI section), and its --explain text. */

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
export function shown(name: string, v: number | null): string | null {
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



export function acquisitionTable(rows: ReturnType<typeof cacByPeriod>, unit: KpiUnit): ResultTable {
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

export function ltvTable(rows: ReturnType<typeof ltvToCac>, model: ClvSettings | undefined): ResultTable {
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

export function paybackTable(rows: ReturnType<typeof cacPayback>): ResultTable {
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

export function feedbackTable(rows: ReturnType<typeof reviewsByPeriod>, unit: KpiUnit): ResultTable {
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
export function feedbackByStageTable(inputs: Inputs, lc: Lifecycle, nps: Float64Array | undefined, review: Float64Array | undefined): ResultTable {
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
