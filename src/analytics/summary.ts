import type { CustomerTable } from '../domain/customer-state.js';
import { NO_DAY } from '../domain/customer-state.js';
import { LedgerCursor } from '../domain/ledger.js';
import { CountHistogram } from './histogram.js';

export interface ShopSummary {
  customersWithOrders: number;
  prospects: number;
  orders: number;
  firstOrderDay: number | null;
  lastOrderDay: number | null;
  /** Net of refunds. */
  netRevenue: number;
  averageOrderValue: number | null;
  ordersPerCustomer: number | null;
  /** Customers with two or more purchase days / customers with an order. */
  repeatCustomerRate: number | null;
  repeatCustomers: number;
  /** Median of the gaps (days) between consecutive purchase days, over all customers. */
  medianDaysBetweenPurchases: number | null;
  purchaseDays: number;
}

/**
 * The headline figures of `clm summary`, from the per-customer state (already cut at the as-of
 * date). A prospect is a customers-file customer with no counted order who was listed by the
 * as-of date: with `listedSince` (a signup day per customer, NO_DAY when unknown), one who
 * signed up later is not a customer yet, as in the stages (analytics/stages.ts snapshotAt).
 */
export function summarizeCustomers(t: CustomerTable, listedSince?: Int32Array, asOf?: number): ShopSummary {
  let buyers = 0;
  let notYet = 0;
  let orders = 0;
  let revenue = 0;
  let repeat = 0;
  let first = Infinity;
  let last = -Infinity;
  let purchaseDays = 0;
  const gaps = new CountHistogram();
  const cursor = new LedgerCursor(t);
  for (let i = 0; i < t.size; i++) {
    if (t.orders[i] === 0) {
      const since = listedSince?.[i] ?? NO_DAY;
      if (asOf !== undefined && since !== NO_DAY && since > asOf) notYet++;
      continue;
    }
    buyers++;
    orders += t.orders[i];
    revenue += t.revenue[i];
    purchaseDays += t.purchaseDays[i];
    if (t.purchaseDays[i] >= 2) repeat++;
    if (t.firstDay[i] < first) first = t.firstDay[i];
    if (t.lastDay[i] > last) last = t.lastDay[i];
    let prev = NO_DAY;
    if (!cursor.open(i)) continue;
    while (cursor.next()) {
      if (cursor.orders === 0) continue;
      const d = cursor.day;
      if (prev !== NO_DAY) gaps.add(d - prev);
      prev = d;
    }
  }
  return {
    customersWithOrders: buyers,
    prospects: t.size - buyers - notYet,
    orders,
    firstOrderDay: buyers > 0 ? first : null,
    lastOrderDay: buyers > 0 ? last : null,
    netRevenue: revenue,
    averageOrderValue: orders > 0 ? revenue / orders : null,
    ordersPerCustomer: buyers > 0 ? orders / buyers : null,
    repeatCustomerRate: buyers > 0 ? repeat / buyers : null,
    repeatCustomers: repeat,
    medianDaysBetweenPurchases: gaps.total > 0 ? medianOfCounts(gaps.counts(), gaps.total) : null,
    purchaseDays,
  };
}

/** Median of a multiset given as value → count (the mean of the two middle values when even). */
export function medianOfCounts(counts: Map<number, number>, n: number): number {
  const keys = [...counts.keys()].sort((a, b) => a - b);
  const lo = Math.floor((n - 1) / 2);
  const hi = Math.floor(n / 2);
  let seen = 0;
  let loV: number | undefined;
  for (const k of keys) {
    seen += counts.get(k)!;
    if (loV === undefined && seen > lo) loV = k;
    if (seen > hi) return (loV! + k) / 2;
  }
  return loV!;
}
