/**
 * The small tables that cross from an engine (a warehouse running `clm sql`'s queries, DuckDB,
 * the streaming reader) to the analytics when there are too many customers to move one row per
 * customer (issue 13 item 2, spec §11). A directory of summaries holds one CSV per table, named
 * as in SUMMARY_FILES; `clm <command> --summaries DIR` reads them back.
 *
 * - `rfm_counts.csv`: one row per distinct (x, t_x, T) with the number of customers, what
 *   BG/NBD, MBG/NBD and Pareto/NBD are fitted on (their likelihoods weight each row by its
 *   count: the same fit as on the customers one by one);
 * - `spend_counts.csv`: one row per distinct (x, z̄) of repeat customers with a count, what
 *   Gamma-Gamma is fitted on (its likelihood needs each z̄, not a sum of them);
 * - `cohort_activity.csv`: one row per cohort and period k up to the as-of period, with the
 *   cohort's size, its customers active in k, their orders and net revenue (mills) and the
 *   as-of date: what `clm cohorts` draws its triangles from;
 * - `period_kpis.csv`, `stage_counts.csv`: period KPIs and stage counts at a date (types here;
 *   their readers come with the commands that use them).
 *
 * Conventions are those of spec §6.1 and §2: x = repeat purchase days, t_x and T in the table's
 * time unit since the first purchase; money of the per-period tables in integer thousandths of
 * the currency unit (mills), as the engines sum it.
 */
import { quoteCsvField } from './csv-text.js';

/** Time unit of t_x and T (analytics/clv/summary.ts TimeUnit). */
export type SummaryTimeUnit = 'week' | 'day';

/** One row per distinct (x, t_x, T), columnar. */
export interface RfmCounts {
  readonly size: number;
  /** Unit of t_x and T; undefined when the file did not say (the caller's --time-unit applies). */
  readonly unit?: SummaryTimeUnit;
  /** x: repeat purchase days. */
  readonly x: Float64Array;
  /** t_x: time of the last purchase since the first. */
  readonly t_x: Float64Array;
  /** T: time from the first purchase to the calibration end. */
  readonly T: Float64Array;
  /** Customers with these (x, t_x, T): a whole number ≥ 0. */
  readonly count: Float64Array;
  /** Optional: net value of the repeat purchase days, summed over the row's customers. */
  readonly spend_sum?: Float64Array;
  /** Optional (backtests): purchase days in the holdout, summed over the row's customers. */
  readonly holdout_sum?: Float64Array;
}

/** One row per distinct (x, z̄) of repeat customers (x > 0), columnar: Gamma-Gamma's input. */
export interface SpendCounts {
  readonly size: number;
  readonly x: Float64Array;
  /** z̄: mean net value of the customer's x repeat purchase days. */
  readonly zbar: Float64Array;
  readonly count: Float64Array;
}

/** Customers of a cohort active in its k-th period (period 0 = the acquisition period). */
export interface CohortActivityRow {
  /** Cohort label, the acquisition period as `clm cohorts` writes it (e.g. 2024-03). */
  readonly cohort: string;
  readonly period: number;
  /** Customers acquired in the cohort (the same on each of its rows). */
  readonly cohort_size: number;
  /** Of those, customers with an order in period k. */
  readonly active: number;
  readonly orders: number;
  readonly revenue_mills: number;
}

/** One calendar period's KPIs. */
export interface PeriodKpiRow {
  /** Period label (e.g. 2024-03 or 2024-W11). */
  readonly period: string;
  readonly active_customers: number;
  readonly new_customers: number;
  readonly orders: number;
  readonly revenue_mills: number;
}

/** Customers in a lifecycle stage at a date (two dates give the transitions' margins). */
export interface StageCountRow {
  /** YYYY-MM-DD. */
  readonly date: string;
  readonly stage: string;
  readonly customers: number;
}

/** File of each table in a summaries directory. */
export const SUMMARY_FILES = Object.freeze({
  rfmCounts: 'rfm_counts.csv',
  spendCounts: 'spend_counts.csv',
  cohortActivity: 'cohort_activity.csv',
  periodKpis: 'period_kpis.csv',
  stageCounts: 'stage_counts.csv',
});

/** Columns of rfm_counts.csv in the order written; the last three are optional. */
export const RFM_COUNTS_COLUMNS = Object.freeze(['x', 't_x', 'T', 'count', 'spend_sum', 'holdout_sum', 'unit'] as const);

/** Columns of cohort_activity.csv; the last three are optional (orders and revenue for those metrics, as_of for the incomplete period). */
export const COHORT_ACTIVITY_COLUMNS = Object.freeze(['cohort', 'period', 'cohort_size', 'active', 'orders', 'revenue_mills', 'as_of'] as const);

/** Columns of spend_counts.csv. */
export const SPEND_COUNTS_COLUMNS = Object.freeze(['x', 'zbar', 'count'] as const);

/**
 * rfm_counts.csv as text: a header, then one line per row, numbers written in full (the
 * shortest text that reads back to the same double), optional columns only when present.
 */
export function rfmCountsCsv(t: RfmCounts): string {
  const cols: [string, (i: number) => string][] = [
    ['x', (i) => num(t.x[i])],
    ['t_x', (i) => num(t.t_x[i])],
    ['T', (i) => num(t.T[i])],
    ['count', (i) => num(t.count[i])],
  ];
  const spend = t.spend_sum;
  const holdout = t.holdout_sum;
  if (spend) cols.push(['spend_sum', (i) => num(spend[i])]);
  if (holdout) cols.push(['holdout_sum', (i) => num(holdout[i])]);
  const unit = t.unit;
  if (unit) cols.push(['unit', () => quoteCsvField(unit, ',')]);
  const lines = [cols.map(([name]) => name).join(',')];
  for (let i = 0; i < t.size; i++) lines.push(cols.map(([, f]) => f(i)).join(','));
  return lines.join('\n') + '\n';
}

/** spend_counts.csv as text. */
export function spendCountsCsv(t: SpendCounts): string {
  const lines = ['x,zbar,count'];
  for (let i = 0; i < t.size; i++) lines.push(`${num(t.x[i])},${num(t.zbar[i])},${num(t.count[i])}`);
  return lines.join('\n') + '\n';
}

/** −0 as 0; otherwise JavaScript's shortest round-trip text. */
function num(v: number): string {
  return v === 0 ? '0' : String(v);
}
