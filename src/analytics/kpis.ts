import type { CustomerTable } from '../domain/customer-state.js';
import type { Day } from '../domain/dates.js';
import { LedgerCursor, type Ledger } from '../domain/ledger.js';
import { KPI_NAMES, RATE_KPIS, type KpiName } from '../domain/goals.js';
import { formatPeriod, periodEndDay, PeriodLookup, periodOfDay, periodStartDay } from '../domain/period.js';

/**
 * Lifecycle KPIs per calendar period (issue 7), one pass over the per-customer day ledger.
 *
 * A customer is counted from their first counted order on; prospects never count. Orders are
 * counted orders; refunds reduce revenue in the period they happen and never make anyone active.
 * Periods are calendar months, quarters or years (domain/period.ts); the period holding the
 * as-of date is complete only when the as-of date is its last day.
 *
 * For each period P (with P-1 the period before it):
 * - active_customers: customers with at least one counted order in P.
 * - new_customers: customers whose first counted order is in P.
 * - returning_customers: active and not new (their first order was before P); new + returning = active.
 * - retention_rate: of the customers active in P-1, the share active again in P (null when nobody
 *   was active in P-1).
 * - churn_rate: 1 - retention_rate over the same base (customers active in P-1 and not in P),
 *   so the two always sum to 1.
 * - repeat_purchase_rate: active customers with 2 or more purchase days (distinct days with a
 *   counted order) in P, divided by active customers.
 * - orders: counted orders in P.
 * - average_order_value: net revenue in P / orders in P.
 * - purchase_frequency: orders in P / active customers in P.
 * - revenue: net revenue in P: counted orders minus the refunds dated in P (a refund dated
 *   before its customer's first order counts in the period of that order: domain/ledger.ts).
 * - revenue_from_existing_share: net revenue in P of customers whose first order was before P,
 *   divided by the net revenue in P (null when the net revenue is not positive).
 * - average_historical_value: cumulative net revenue up to the end of P of the customers known
 *   by then (first order on or before the end of P), divided by their number.
 * - The change against P-1: for counts and amounts the relative change (value / previous - 1,
 *   null when the previous value is 0 or missing); for the four shares (retention, churn,
 *   repeat purchase, revenue from existing) the difference in points (value - previous, as a
 *   fraction: 0.03 = 3 percentage points).
 */
export type KpiUnit = 'month' | 'quarter' | 'year';
export const KPI_UNITS: readonly KpiUnit[] = ['month', 'quarter', 'year'];

/** The ledger fields KPIs read (a CustomerTable, or a test's hand-built one). */
export type KpiLedger = Ledger;

export interface KpiPeriod {
  /** Period index (domain/period.ts) and label: `2024-01`, `2024-Q1`, `2024`. */
  period: number;
  label: string;
  startDay: Day;
  endDay: Day;
  /** False for the period holding the as-of date, unless the as-of date is its last day. */
  complete: boolean;
  activeCustomers: number;
  newCustomers: number;
  returningCustomers: number;
  /** Retention base: customers active in the previous period, and those of them active again. */
  previousActive: number;
  retainedCustomers: number;
  retentionRate: number | null;
  churnRate: number | null;
  /** Active customers with 2+ purchase days in the period. */
  repeatCustomers: number;
  repeatPurchaseRate: number | null;
  orders: number;
  averageOrderValue: number | null;
  purchaseFrequency: number | null;
  revenue: number;
  revenueFromExisting: number;
  revenueFromExistingShare: number | null;
  /** Customers with a first order on or before the period end, and their net revenue to then. */
  knownCustomers: number;
  cumulativeRevenue: number;
  averageHistoricalValue: number | null;
}

export interface KpiSeries {
  unit: KpiUnit;
  asOf: Day;
  /** Every period from the first with a ledger entry to the one holding the as-of date. */
  periods: KpiPeriod[];
  /** Index in periods of the latest complete period; -1 when there is none. */
  latestComplete: number;
}

export interface KpiOptions {
  unit: KpiUnit;
  asOf: Day;
}

/** Computes every KPI for every period up to the as-of date. Entries after the as-of date are ignored. */
export function computeKpis(t: KpiLedger, opts: KpiOptions): KpiSeries {
  const { unit, asOf } = opts;
  const cur = new LedgerCursor(t);
  let minDay = Infinity;
  for (let i = 0; i < t.size; i++) if (cur.open(i) && cur.firstOrderDay < minDay && cur.firstOrderDay <= asOf) minDay = cur.firstOrderDay;
  const last = periodOfDay(unit, asOf);
  if (minDay === Infinity) return { unit, asOf, periods: [], latestComplete: -1 };
  const lookup = new PeriodLookup(unit, minDay, asOf);
  const first = lookup.of(minDay);
  const n = last - first + 1;
  const active = new Int32Array(n);
  const fresh = new Int32Array(n);
  const retained = new Int32Array(n);
  const repeat = new Int32Array(n);
  const orders = new Int32Array(n);
  const revenue = new Float64Array(n);
  const existing = new Float64Array(n);
  const historical = new Float64Array(n);

  for (let i = 0; i < t.size; i++) {
    if (!cur.open(i) || cur.firstOrderDay > asOf) continue;
    // the period of the first purchase day (every entry is booked on or after it)
    const pFirst = lookup.of(cur.firstOrderDay) - first;
    fresh[pFirst]++;
    let lastActive = -2;
    let daysInPeriod = 0;
    while (cur.next()) {
      const d = cur.day;
      if (d > asOf) break;
      const p = lookup.of(d) - first;
      const a = cur.amount;
      revenue[p] += a;
      if (pFirst < p) existing[p] += a;
      historical[p] += a;
      const o = cur.orders;
      if (o <= 0) continue;
      orders[p] += o;
      if (p !== lastActive) {
        active[p]++;
        if (lastActive === p - 1) retained[p]++;
        lastActive = p;
        daysInPeriod = 1;
      } else if (++daysInPeriod === 2) repeat[p]++;
    }
  }

  const periods: KpiPeriod[] = [];
  let known = 0;
  let cumulative = 0;
  for (let k = 0; k < n; k++) {
    const period = first + k;
    const base = k > 0 ? active[k - 1] : 0;
    known += fresh[k];
    cumulative += historical[k];
    const retention = base > 0 ? retained[k] / base : null;
    const endDay = periodEndDay(unit, period);
    periods.push({
      period,
      label: formatPeriod(unit, period),
      startDay: periodStartDay(unit, period),
      endDay,
      complete: endDay <= asOf,
      activeCustomers: active[k],
      newCustomers: fresh[k],
      returningCustomers: active[k] - fresh[k],
      previousActive: base,
      retainedCustomers: retained[k],
      retentionRate: retention,
      churnRate: retention === null ? null : (base - retained[k]) / base,
      repeatCustomers: repeat[k],
      repeatPurchaseRate: active[k] > 0 ? repeat[k] / active[k] : null,
      orders: orders[k],
      averageOrderValue: orders[k] > 0 ? revenue[k] / orders[k] : null,
      purchaseFrequency: active[k] > 0 ? orders[k] / active[k] : null,
      revenue: revenue[k],
      revenueFromExisting: existing[k],
      revenueFromExistingShare: revenue[k] > 0 ? existing[k] / revenue[k] : null,
      knownCustomers: known,
      cumulativeRevenue: cumulative,
      averageHistoricalValue: known > 0 ? cumulative / known : null,
    });
  }
  let latestComplete = -1;
  for (let k = periods.length - 1; k >= 0; k--) {
    if (periods[k].complete) {
      latestComplete = k;
      break;
    }
  }
  return { unit, asOf, periods, latestComplete };
}

/** A KPI of a period by its output name. */
export function kpiValue(p: KpiPeriod, name: KpiName): number | null {
  switch (name) {
    case 'active_customers': return p.activeCustomers;
    case 'new_customers': return p.newCustomers;
    case 'returning_customers': return p.returningCustomers;
    case 'retention_rate': return p.retentionRate;
    case 'churn_rate': return p.churnRate;
    case 'repeat_purchase_rate': return p.repeatPurchaseRate;
    case 'orders': return p.orders;
    case 'average_order_value': return p.averageOrderValue;
    case 'purchase_frequency': return p.purchaseFrequency;
    case 'revenue': return p.revenue;
    case 'revenue_from_existing_share': return p.revenueFromExistingShare;
    case 'average_historical_value': return p.averageHistoricalValue;
  }
}

/** True for the KPIs whose change is a difference in points (shares), false for relative changes. */
export function changeInPoints(name: string): boolean {
  return RATE_KPIS.has(name);
}

/** The name of a KPI's change wherever it is shown or read: NAME_change_pts for shares, else NAME_change. */
export function changeName(name: string): string {
  return changeInPoints(name) ? `${name}_change_pts` : `${name}_change`;
}

/**
 * The change of a KPI against the previous period: a difference (value - previous) for shares,
 * a relative change (value / previous - 1) otherwise; null when either value is missing, or for
 * a relative change when the previous value is 0.
 */
export function kpiChange(name: KpiName, value: number | null, previous: number | null): number | null {
  if (value === null || previous === null) return null;
  if (changeInPoints(name)) return value - previous;
  if (previous === 0) return null;
  return value / previous - 1;
}

/** Every KPI of period k with its change against period k-1 (null changes for the first). */
export function kpiRow(series: KpiSeries, k: number): { name: KpiName; value: number | null; previous: number | null; change: number | null }[] {
  const p = series.periods[k];
  const prev = k > 0 ? series.periods[k - 1] : undefined;
  return KPI_NAMES.map((name) => {
    const value = kpiValue(p, name);
    const previous = prev ? kpiValue(prev, name) : null;
    return { name, value, previous, change: kpiChange(name, value, previous) };
  });
}

/** Definitions in words, for --explain and the README. */
export const KPI_DEFINITIONS: Readonly<Record<KpiName, string>> = {
  active_customers: 'customers with at least one counted order in the period',
  new_customers: 'customers whose first counted order is in the period',
  returning_customers: 'active customers whose first order was before the period (active = new + returning)',
  retention_rate: 'of the customers active in the previous period, the share with a counted order again in this one',
  churn_rate: 'of the customers active in the previous period, the share with no counted order in this one (1 - retention_rate)',
  repeat_purchase_rate: 'active customers with 2 or more purchase days (distinct days with a counted order) in the period / active customers',
  orders: 'counted orders in the period',
  average_order_value: 'net revenue in the period / orders in the period',
  purchase_frequency: 'orders in the period / active customers',
  revenue: 'net revenue: counted orders minus the refunds dated in the period',
  revenue_from_existing_share: 'net revenue of customers whose first order was before the period / net revenue in the period',
  average_historical_value: 'cumulative net revenue to the end of the period of the customers known by then / their number',
};
