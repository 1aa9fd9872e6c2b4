import { NO_DAY, type CustomerTable } from '../../src/domain/customer-state.js';

/** Day number of an ISO date. */
export const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

/** One event of a customer: a counted order (orders >= 1) or a refund (orders 0, negative amount). */
export interface Ev {
  day: number;
  orders: number;
  amount: number;
}

export const order = (iso: string, amount: number, orders = 1): Ev => ({ day: day(iso), orders, amount });
export const refund = (iso: string, amount: number): Ev => ({ day: day(iso), orders: 0, amount: -Math.abs(amount) });

/**
 * A CustomerTable straight from events, as the reader's contract describes it: each customer's
 * ledger sorted by day with same-day events merged; customers without a counted order are
 * prospects with an empty ledger (the reader drops refunds of customers who never ordered).
 * `attributes`: column name → value per customer id.
 */
export function ledgerTable(customers: [string, Ev[]][], attributes: Record<string, Record<string, string>> = {}): CustomerTable {
  const n = customers.length;
  const firstDay = new Int32Array(n);
  const lastDay = new Int32Array(n);
  const orders = new Int32Array(n);
  const purchaseDays = new Int32Array(n);
  const revenue = new Float64Array(n);
  const ledgerStart = new Int32Array(n + 1);
  const days: number[] = [];
  const ords: number[] = [];
  const amts: number[] = [];
  customers.forEach(([, evs], i) => {
    ledgerStart[i] = days.length;
    const byDay = new Map<number, [number, number]>();
    for (const e of evs) {
      const cur = byDay.get(e.day) ?? [0, 0];
      byDay.set(e.day, [cur[0] + e.orders, cur[1] + e.amount]);
    }
    const total = evs.reduce((s, e) => s + e.orders, 0);
    firstDay[i] = lastDay[i] = NO_DAY;
    if (total === 0) return;
    for (const d of [...byDay.keys()].sort((a, b) => a - b)) {
      const [o, a] = byDay.get(d)!;
      days.push(d);
      ords.push(o);
      amts.push(a);
      revenue[i] += a;
      if (o > 0) {
        if (firstDay[i] === NO_DAY) firstDay[i] = d;
        lastDay[i] = d;
        purchaseDays[i]++;
      }
    }
    orders[i] = total;
  });
  ledgerStart[n] = days.length;
  const ids = customers.map(([id]) => id);
  const names = Object.keys(attributes);
  return {
    size: n,
    ids,
    firstDay,
    lastDay,
    orders,
    purchaseDays,
    revenue,
    ledgerStart,
    ledgerDay: Int32Array.from(days),
    ledgerOrders: Int32Array.from(ords),
    ledgerAmount: Float64Array.from(amts),
    attributeNames: names,
    attributes: names.map((a) => ids.map((id) => attributes[a][id])),
  };
}
