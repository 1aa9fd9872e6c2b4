import type { CustomerTable } from '../../../src/domain/customer-state.js';

/** A CustomerTable from per-customer ledgers [day, orders, amount][] (sorted, same-day merged). */
export function tableOf(customers: Record<string, [number, number, number][]>): CustomerTable {
  const ids = Object.keys(customers);
  const n = ids.length;
  const start = new Int32Array(n + 1);
  const day: number[] = [];
  const ord: number[] = [];
  const amt: number[] = [];
  const firstDay = new Int32Array(n);
  const lastDay = new Int32Array(n);
  const orders = new Int32Array(n);
  const purchaseDays = new Int32Array(n);
  const revenue = new Float64Array(n);
  ids.forEach((id, i) => {
    start[i] = day.length;
    let first = -2147483648;
    let last = first;
    for (const [d, o, a] of customers[id]) {
      day.push(d);
      ord.push(o);
      amt.push(a);
      revenue[i] += a;
      orders[i] += o;
      if (o > 0) {
        purchaseDays[i]++;
        if (first === -2147483648) first = d;
        last = d;
      }
    }
    firstDay[i] = first;
    lastDay[i] = last;
  });
  start[n] = day.length;
  return {
    size: n,
    ids,
    firstDay,
    lastDay,
    orders,
    purchaseDays,
    revenue,
    ledgerStart: start,
    ledgerDay: Int32Array.from(day),
    ledgerOrders: Int32Array.from(ord),
    ledgerAmount: Float64Array.from(amt),
    attributeNames: [],
    attributes: [],
  };
}
