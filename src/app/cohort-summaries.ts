/**
 * `clm cohorts --summaries DIR` (issue 13 item 5): the cohort matrix of analytics/cohorts.ts
 * from the cohort_activity.csv a warehouse wrote (`clm sql --summaries`), so the triangles and
 * averages are drawn by the same code as from the orders.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Cohort, CohortMatrix } from '../analytics/cohorts.js';
import { formatDay } from '../domain/dates.js';
import { DataError, UsageError } from '../domain/errors.js';
import { formatPeriod, periodEndDay, periodOfDay, type PeriodUnit } from '../domain/period.js';
import { SUMMARY_FILES } from '../domain/summaries.js';
import { readCohortActivity } from '../io/read-summaries.js';

export interface CohortSummaries {
  m: CohortMatrix;
  meta: Record<string, unknown>;
  context: string[];
}

/** Reads DIR/cohort_activity.csv into a cohort matrix in `unit`; the metric must be one the file has columns for. */
export async function cohortsFromSummaries(dir: string, unit: PeriodUnit, metric: string, warn: (m: string) => void): Promise<CohortSummaries> {
  const path = join(dir, SUMMARY_FILES.cohortActivity);
  if (!existsSync(path)) throw new UsageError(`--summaries ${dir}: there is no ${SUMMARY_FILES.cohortActivity} in it`, 'write it with the cohort_activity statement of clm sql --summaries (README, "Summaries")');
  const a = await readCohortActivity(path);
  if (a.unit !== unit) throw new UsageError(`${path} holds ${a.unit} cohorts, not ${unit} cohorts`, `pass --period ${a.unit}`);
  if ((metric === 'orders' && !a.hasOrders) || ((metric === 'revenue' || metric === 'ltv') && !a.hasRevenue)) {
    throw new UsageError(`--metric ${metric} needs the ${metric === 'orders' ? 'orders' : 'revenue_mills'} column, which ${path} does not have`, 'use --metric customers, or write the column');
  }
  let asOf = a.asOf;
  if (asOf === undefined) {
    let last = -Infinity;
    for (const r of a.rows) last = Math.max(last, r.cohortPeriod + r.period);
    asOf = periodEndDay(unit, last);
    warn(`${path} has no as_of column: the as-of date is taken as ${formatDay(asOf)}, the end of its latest period ${formatPeriod(unit, last)}, so that period counts as complete`);
  }
  const asOfPeriod = periodOfDay(unit, asOf);
  const byPeriod = new Map<number, Cohort>();
  for (const r of a.rows) {
    let c = byPeriod.get(r.cohortPeriod);
    const lastK = asOfPeriod - r.cohortPeriod;
    if (c === undefined) {
      if (lastK < 0) throw new DataError(`cohort ${r.cohort} is after the as-of date ${formatDay(asOf)}`, { file: path, column: 'cohort', value: r.cohort });
      c = { group: 0, period: r.cohortPeriod, size: r.cohort_size, lastK, active: new Int32Array(lastK + 1), orders: new Int32Array(lastK + 1), revenue: new Float64Array(lastK + 1) };
      byPeriod.set(r.cohortPeriod, c);
    }
    if (r.period > lastK) {
      throw new DataError(`cohort ${r.cohort} has period ${r.period}, after the as-of period ${formatPeriod(unit, asOfPeriod)} (${lastK} is its last)`, { file: path, column: 'period', value: String(r.period) }, 'write the cells up to the as-of date only');
    }
    // cells the file leaves out had no activity
    c.active[r.period] = r.active;
    c.orders[r.period] = r.orders;
    c.revenue[r.period] = r.revenue_mills / 1000;
  }
  const cohorts = [...byPeriod.values()].sort((x, y) => x.period - y.period);
  const customers = cohorts.reduce((s, c) => s + c.size, 0);
  const m: CohortMatrix = {
    unit,
    asOf,
    asOfPeriod,
    asOfPeriodComplete: periodEndDay(unit, asOfPeriod) === asOf,
    groups: [''],
    cohorts,
    customers,
    refundsBeforeFirstOrder: 0,
  };
  const asOfSource = a.asOf !== undefined ? 'summaries' : 'summaries_latest_period';
  return {
    m,
    meta: { command: 'cohorts', as_of: formatDay(asOf), as_of_source: asOfSource, summaries: dir, inputs: [{ role: 'cohort_activity', path, rows: a.rows.length }] },
    context: [`as of ${formatDay(asOf)} (${a.asOf !== undefined ? `as_of of ${SUMMARY_FILES.cohortActivity}` : 'end of its latest period'})`, `summaries: ${path} (${a.rows.length.toLocaleString('en-US')} rows)`],
  };
}
