/**
 * Per-period forecasts (issue 15, item 2): for calendar periods after the as-of date E, the
 * expected repeat purchases, active customers and revenue of the customers in the calibration
 * summary (customers not yet acquired are not forecast), for the whole base and per group.
 *
 * Periods: ISO weeks (Monday to Sunday), calendar months or quarters (domain/period.ts). The
 * first period starts the day after E and ends with the calendar period holding that day, so
 * it is partial (fewer days) when E is not the last day of a period; with an end day (a
 * backtest's holdout end) the last period is cut there. Period k covers the days
 * from_k..to_k, i.e. the model time (t_{k−1}, t_k] with t_k = (to_k − E) / days per unit.
 *
 * Per customer and period k:
 * - expected purchases = E[X(t_k) | x, t_x, T] − E[X(t_{k−1}) | x, t_x, T], the fitted model's
 *   conditional expectation (PurchasePredictor.expected), so the sum over the periods is
 *   E[X(t_N) | data] exactly (up to rounding);
 * - expected active = P(at least one purchase in the period | data) (active.ts);
 * - expected revenue = expected purchases × expected value per purchase (the Gamma-Gamma
 *   conditional mean, or what scoring put in its place), undiscounted and without margin.
 * Sums over customers are the expected totals (expectations add; the active count is the
 * expected number of distinct customers buying in the period).
 */
import type { CustomerTable } from '../../domain/customer-state.js';
import type { Day } from '../../domain/dates.js';
import { LedgerCursor } from '../../domain/ledger.js';
import { formatPeriod, periodEndDay, periodOfDay, periodStartDay, type PeriodUnit } from '../../domain/period.js';
import type { PurchasePredictor } from './model.js';
import type { ClvSummary } from './summary.js';

export interface ForecastPeriod {
  /** Calendar label of the period (`2025-01`, `2025-W02`, `2025-Q1`). */
  readonly label: string;
  /** First and last day (inclusive). */
  readonly from: Day;
  readonly to: Day;
  readonly days: number;
  /** Fewer days than the calendar period: the first after a mid-period as-of date, or one cut at the end day. */
  readonly partial: boolean;
  /** Model time of the start and end since E, in units: (from − 1 − E) / u and (to − E) / u. */
  readonly tStart: number;
  readonly tEnd: number;
}

/**
 * The calendar periods after `asOf` (file comment): `count` of them, or, with `end`, all up to
 * the day `end` (inclusive), the last cut there.
 */
export function forecastPeriods(asOf: Day, unit: PeriodUnit, daysPerUnit: number, opts: { count?: number; end?: Day }): ForecastPeriod[] {
  const out: ForecastPeriod[] = [];
  let from = asOf + 1;
  for (;;) {
    if (opts.end !== undefined ? from > opts.end : out.length >= (opts.count ?? 0)) break;
    const p = periodOfDay(unit, from);
    const end = periodEndDay(unit, p);
    const to = opts.end !== undefined ? Math.min(opts.end, end) : end;
    const partial = from > periodStartDay(unit, p) || to < end;
    out.push(Object.freeze({ label: formatPeriod(unit, p), from, to, days: to - from + 1, partial, tStart: (from - 1 - asOf) / daysPerUnit, tEnd: (to - asOf) / daysPerUnit }));
    from = to + 1;
  }
  return out;
}

/** Customers of the summary sorted into groups: `of[i]` is customer i's group, −1 for none. */
export interface ForecastGrouping {
  readonly labels: readonly string[];
  readonly of: ArrayLike<number>;
}

/** Totals of one group in one period. */
export interface ForecastCell {
  readonly purchases: number;
  readonly active: number;
  readonly revenue: number;
}

/** Per grouping, per group, per period. */
export type ForecastTotals = ForecastCell[][][];

export interface ForecastInput {
  readonly predictor: PurchasePredictor;
  /** P(at least one purchase in (T+u, T+u+L] | data) per customer; omitted: no active column. */
  readonly active?: (u: number, L: number) => Float64Array;
  /** Expected value per purchase, per customer. */
  readonly spend: ArrayLike<number>;
  readonly periods: readonly ForecastPeriod[];
  readonly groupings: readonly ForecastGrouping[];
}

/**
 * Expected purchases, active customers (NaN without `active`) and revenue per grouping, group
 * and period (file comment). One pass over the customers per period.
 */
export function forecastTotals(input: ForecastInput): ForecastTotals {
  const { predictor, periods, groupings, spend } = input;
  const n = predictor.size;
  const acc = groupings.map((g) => g.labels.map(() => periods.map(() => ({ purchases: 0, active: input.active ? 0 : NaN, revenue: 0 }))));
  let prev: Float64Array = new Float64Array(n);
  let cur: Float64Array = new Float64Array(n);
  periods.forEach((period, k) => {
    cur = predictor.expected(period.tEnd, cur);
    const act = input.active?.(period.tStart, period.tEnd - period.tStart);
    for (let i = 0; i < n; i++) {
      const e = cur[i] - prev[i];
      const v = e * spend[i];
      for (let j = 0; j < groupings.length; j++) {
        const grp = groupings[j].of[i];
        if (grp < 0) continue;
        const cell = acc[j][grp][k];
        cell.purchases += e;
        cell.revenue += v;
        if (act) cell.active += act[i];
      }
    }
    [prev, cur] = [cur, prev];
  });
  return acc;
}

/** Actual figures of the summary customers per grouping, group and period (a backtest). */
export interface ActualsInput {
  /** Per customer of the summary: its purchase days after E and their net amounts, ascending. */
  readonly purchases: (i: number) => Iterable<{ day: Day; amount: number }>;
  readonly size: number;
  readonly periods: readonly ForecastPeriod[];
  readonly groupings: readonly ForecastGrouping[];
}

/**
 * Purchase days, distinct buying customers and net value of those days per grouping, group and
 * period: what the forecast predicts, counted as it is (repeat purchase days after E).
 */
export function actualTotals(input: ActualsInput): ForecastTotals {
  const { periods, groupings } = input;
  const acc = groupings.map((g) => g.labels.map(() => periods.map(() => ({ purchases: 0, active: 0, revenue: 0 }))));
  const last = periods.length > 0 ? periods[periods.length - 1].to : -Infinity;
  for (let i = 0; i < input.size; i++) {
    let k = 0;
    let counted = -1;
    for (const { day, amount } of input.purchases(i)) {
      if (day > last) break;
      while (k < periods.length && day > periods[k].to) k++;
      if (k >= periods.length || day < periods[k].from) continue;
      for (let j = 0; j < groupings.length; j++) {
        const grp = groupings[j].of[i];
        if (grp < 0) continue;
        const cell = acc[j][grp][k];
        cell.purchases++;
        cell.revenue += amount;
        if (counted !== k) cell.active++;
      }
      counted = k;
    }
  }
  return acc;
}

/**
 * The purchase days after the summary's calibration end of each summary customer, with the
 * day's net amount (as holdoutActuals counts them), for actualTotals.
 */
export function purchasesAfterCalibration(table: CustomerTable, summary: ClvSummary): (i: number) => Iterable<{ day: Day; amount: number }> {
  const E = summary.calibrationEnd ?? Infinity;
  const cursor = new LedgerCursor(table);
  return function* (i: number) {
    if (summary.rows[i] < 0 || !cursor.open(summary.rows[i])) return;
    while (cursor.next()) if (cursor.day > E && cursor.orders > 0) yield { day: cursor.day, amount: cursor.amount };
  };
}

/**
 * Repeat purchase days (each customer's purchase days after their first) of every customer in
 * each period, with their net amount: the past the forecast continues, counted as it counts.
 */
export function repeatPurchasesByPeriod(table: CustomerTable, periods: readonly ForecastPeriod[]): ForecastCell[] {
  const out = periods.map(() => ({ purchases: 0, active: 0, revenue: 0 }));
  if (periods.length === 0) return out;
  const first = periods[0].from;
  const last = periods[periods.length - 1].to;
  const cursor = new LedgerCursor(table);
  for (let i = 0; i < table.size; i++) {
    if (!cursor.open(i)) continue;
    let seen = false;
    let k = 0;
    let counted = -1;
    while (cursor.next()) {
      if (cursor.orders <= 0) continue;
      const d = cursor.day;
      if (!seen) {
        seen = true;
        continue;
      }
      if (d > last) break;
      if (d < first) continue;
      while (d > periods[k].to) k++;
      if (d < periods[k].from) continue;
      out[k].purchases++;
      out[k].revenue += cursor.amount;
      if (counted !== k) out[k].active++;
      counted = k;
    }
  }
  return out;
}
