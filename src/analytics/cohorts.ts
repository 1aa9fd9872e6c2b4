import type { CustomerTable } from '../domain/customer-state.js';
import type { Day } from '../domain/dates.js';
import { LedgerCursor } from '../domain/ledger.js';
import { MILLS_PER_UNIT, toMills } from '../domain/money.js';
import { periodEndDay, PeriodLookup, periodOfDay, type PeriodUnit } from '../domain/period.js';

/**
 * Acquisition cohorts (spec §5), one pass over the per-customer day ledger.
 *
 * - A customer's cohort is the period of their first counted order; customers without one
 *   (prospects) are in no cohort.
 * - k = whole periods since the cohort period (period index arithmetic, domain/period.ts).
 * - active[k]: cohort customers with a counted order (ledger orders > 0) in period k.
 * - orders[k]: counted orders in period k.
 * - revenue[k]: net amount of the ledger entries in period k: orders plus (negative) refunds,
 *   each refund in the period it happened. A refund dated before the customer's first order
 *   (rare: exports with refunds booked early) is booked on the first order's day
 *   (domain/ledger.ts), so in k = 0, and a cohort's revenue over all k is the net revenue of
 *   its customers.
 * - A cohort's cells run from k = 0 to lastK, the period holding the as-of date; later cells do
 *   not exist (they are empty in outputs, never zero). The as-of period is complete only when
 *   the as-of date is its last day.
 */
export interface Cohort {
  /** Group index (into CohortMatrix.groups); 0 when not split. */
  group: number;
  /** Absolute period index of the cohort. */
  period: number;
  size: number;
  /** The k of the as-of period: cells 0..lastK exist. */
  lastK: number;
  active: Int32Array;
  orders: Int32Array;
  revenue: Float64Array;
}

export interface CohortMatrix {
  unit: PeriodUnit;
  asOf: Day;
  /** The period holding the as-of date, and whether it is over (the as-of date is its last day). */
  asOfPeriod: number;
  asOfPeriodComplete: boolean;
  /** Group names when split by an attribute, else one unnamed group. */
  groups: string[];
  /** Every cohort with at least one customer, by group, then period. */
  cohorts: Cohort[];
  /** Customers with a counted order (the sum of cohort sizes). */
  customers: number;
  /** Refund entries dated before their customer's first order, counted in k = 0. */
  refundsBeforeFirstOrder: number;
}

export interface CohortOptions {
  unit: PeriodUnit;
  asOf: Day;
  /** Split by a customer attribute: group index per customer, and the group names. */
  groupOf?: Int32Array;
  groups?: string[];
}

/** Builds the cohort triangles (every metric at once) from the customer table. */
export function cohortMatrix(t: CustomerTable, opts: CohortOptions): CohortMatrix {
  const { unit, asOf } = opts;
  const asOfPeriod = periodOfDay(unit, asOf);
  const groups = opts.groups ?? [''];
  const groupOf = opts.groupOf;
  let minDay = asOf;
  for (let i = 0; i < t.size; i++) if (t.orders[i] > 0 && t.firstDay[i] < minDay) minDay = t.firstDay[i];
  const lookup = new PeriodLookup(unit, minDay, asOf);
  const first = lookup.of(minDay);
  const span = asOfPeriod - first + 1;
  // one lazily made row per (group, cohort period)
  const rows: (Cohort | undefined)[] = new Array(groups.length * span);
  const cur = new LedgerCursor(t);
  let customers = 0;
  let early = 0;
  for (let i = 0; i < t.size; i++) {
    if (t.orders[i] <= 0) continue;
    const p0 = lookup.of(t.firstDay[i]);
    const slot = (groupOf ? groupOf[i] : 0) * span + (p0 - first);
    let c = rows[slot];
    if (c === undefined) {
      const lastK = asOfPeriod - p0;
      c = rows[slot] = {
        group: groupOf ? groupOf[i] : 0,
        period: p0,
        size: 0,
        lastK,
        active: new Int32Array(lastK + 1),
        orders: new Int32Array(lastK + 1),
        revenue: new Float64Array(lastK + 1),
      };
    }
    c.size++;
    customers++;
    const { active, orders, revenue, lastK } = c;
    let seen = -1;
    cur.open(i);
    while (cur.next()) {
      if (cur.early) early++; // booked in the first order's period (domain/ledger.ts)
      const k = lookup.of(cur.day) - p0;
      if (k > lastK) break; // after the as-of date: the reader already excludes these
      const o = cur.orders;
      revenue[k] += toMills(cur.amount); // whole mills until the end (domain/money.ts)
      if (o > 0) {
        orders[k] += o;
        if (k !== seen) {
          active[k]++;
          seen = k;
        }
      }
    }
  }
  const cohorts: Cohort[] = [];
  for (const c of rows) {
    if (c === undefined) continue;
    for (let k = 0; k < c.revenue.length; k++) c.revenue[k] /= MILLS_PER_UNIT;
    cohorts.push(c);
  }
  return {
    unit,
    asOf,
    asOfPeriod,
    asOfPeriodComplete: periodEndDay(unit, asOfPeriod) === asOf,
    groups,
    cohorts,
    customers,
    refundsBeforeFirstOrder: early,
  };
}

/** Cohort period of each customer (NaN-free: -1 for customers without a counted order). */
export function cohortPeriods(t: CustomerTable, unit: PeriodUnit): Int32Array {
  const out = new Int32Array(t.size).fill(-1);
  let lookup: PeriodLookup | undefined;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < t.size; i++) {
    if (t.orders[i] <= 0) continue;
    if (t.firstDay[i] < lo) lo = t.firstDay[i];
    if (t.firstDay[i] > hi) hi = t.firstDay[i];
  }
  if (lo <= hi) lookup = new PeriodLookup(unit, lo, hi);
  for (let i = 0; i < t.size; i++) if (t.orders[i] > 0) out[i] = lookup!.of(t.firstDay[i]);
  return out;
}

/** Whether cell k of a cohort covers a whole period by the as-of date. */
export function isCompleteCell(m: CohortMatrix, c: Cohort, k: number): boolean {
  return k < c.lastK || (k === c.lastK && m.asOfPeriodComplete);
}

/** Net revenue retention of a cell: revenue in k / revenue in k = 0; null without a positive base. */
export function revenueRetention(c: Cohort, k: number): number | null {
  return c.revenue[0] > 0 ? c.revenue[k] / c.revenue[0] : null;
}

/** Cumulative net revenue per cohort customer over periods 0..k, for every k of the cohort. */
export function cumulativeValues(c: Cohort): Float64Array {
  const out = new Float64Array(c.lastK + 1);
  let s = 0;
  for (let k = 0; k <= c.lastK; k++) {
    s += c.revenue[k];
    out[k] = s / c.size;
  }
  return out;
}

/**
 * The summary of the cohorts per k, over the cohorts whose period k is complete at the as-of
 * date (an incomplete period would pull averages down; later ones do not exist):
 * - retention = Σ active / Σ size: the size-weighted average of the cohorts' retention;
 * - ordersPerCustomer = Σ orders / Σ size;
 * - revenueRetention = size-weighted average of the cohorts' revenue retention (cohorts with
 *   positive period-0 revenue);
 * - netRevenueRetention = Σ revenue in k / Σ revenue in period 0 (pooled over the same cohorts:
 *   the revenue the cohorts keep, net of refunds, churn and expansion; above 1 when the
 *   customers who stay spend more than the cohort did at first);
 * - ltv = Σ cumulative revenue / Σ size: the size-weighted average cumulative value.
 */
export interface CohortAverage {
  k: number;
  cohorts: number;
  size: number;
  active: number;
  orders: number;
  revenue: number;
  retention: number | null;
  ordersPerCustomer: number | null;
  revenueRetention: number | null;
  netRevenueRetention: number | null;
  ltv: number | null;
}

export function averageByK(m: CohortMatrix, cohorts: Cohort[]): CohortAverage[] {
  let maxK = -1;
  for (const c of cohorts) if (c.lastK > maxK) maxK = c.lastK;
  const out: CohortAverage[] = [];
  // running cumulative revenue of each cohort over 0..k
  const running = new Float64Array(cohorts.length);
  for (let k = 0; k <= maxK; k++) {
    let n = 0;
    let size = 0;
    let active = 0;
    let orders = 0;
    let revenue = 0;
    let base = 0;
    let cum = 0;
    let rrSum = 0;
    let rrSize = 0;
    for (let ci = 0; ci < cohorts.length; ci++) {
      const c = cohorts[ci];
      if (k > c.lastK) continue;
      running[ci] += c.revenue[k];
      if (!isCompleteCell(m, c, k)) continue;
      n++;
      size += c.size;
      active += c.active[k];
      orders += c.orders[k];
      revenue += c.revenue[k];
      base += c.revenue[0];
      cum += running[ci];
      const rr = revenueRetention(c, k);
      if (rr !== null) {
        rrSum += rr * c.size;
        rrSize += c.size;
      }
    }
    out.push({
      k,
      cohorts: n,
      size,
      active,
      orders,
      revenue,
      retention: size > 0 ? active / size : null,
      ordersPerCustomer: size > 0 ? orders / size : null,
      revenueRetention: rrSize > 0 ? rrSum / rrSize : null,
      netRevenueRetention: base > 0 ? revenue / base : null,
      ltv: size > 0 ? cum / size : null,
    });
  }
  return out;
}
