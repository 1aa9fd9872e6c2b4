import { expect } from 'vitest';
import type { CustomerTable } from '../../../src/domain/customer-state.js';
import { entryAmount, entryDay } from '../../../src/domain/ledger.js';
import type { LoadedData } from '../../../src/engine/spec.js';
import { DATASETS } from '../../helpers/datasets.js';

/**
 * A table as plain values, money exactly: both engines sum whole mills and divide once
 * (issue 12, item 4), so the same data gives the same doubles, not just the same cents.
 */
export function plainTable(t: CustomerTable): unknown {
  const money = (x: number): number => x;
  const rows = [];
  for (let i = 0; i < t.size; i++) {
    const ledger = [];
    for (let k = t.ledgerStart[i]; k < t.ledgerStart[i + 1]; k++) ledger.push([entryDay(t, k), t.ledgerOrders[k], money(entryAmount(t, k))]);
    rows.push({
      id: t.ids[i],
      first: t.firstDay[i],
      last: t.lastDay[i],
      orders: t.orders[i],
      days: t.purchaseDays[i],
      revenue: money(t.revenue[i]),
      ledger,
      attributes: t.attributeNames.map((a, j) => `${a}=${t.attributes[j][i]}`),
    });
  }
  return rows;
}

export function plainRec(d: LoadedData): unknown {
  const r = d.reconciliation;
  return {
    rowsRead: r.rowsRead,
    orderRows: r.orderRows,
    refundRows: r.refundRows,
    orders: r.orders,
    refunds: r.refunds,
    excluded: Object.fromEntries([...r.excluded].sort()),
    rejected: Object.fromEntries([...r.rejected].sort()),
  };
}

/** Both engines give the same customers, in the same order, with the same days, orders, exact amounts and ledger, and the same reconciliation. */
export function expectAgreement(duck: LoadedData, streaming: LoadedData): void {
  expect(duck.table.size).toBe(streaming.table.size);
  expect(plainRec(duck)).toEqual(plainRec(streaming));
  expect(plainTable(duck.table)).toEqual(plainTable(streaming.table));
  expect(duck.asOf).toBe(streaming.asOf);
  expect(duck.currency).toBe(streaming.currency);
  expect(duck.preset).toBe(streaming.preset);
}

/** The two Olist sets (datasets/README.md): orders, customers (the person key) and payments (or order items: price + freight). */
export const OLIST = {
  'olist-4k': { orders: `${DATASETS}/olist-4k/olist_orders_dataset.csv`, customers: `${DATASETS}/olist-4k/olist_customers_dataset.csv`, payments: `${DATASETS}/olist-4k/olist_order_payments_dataset.csv` },
  'olist-2017': { orders: `${DATASETS}/olist-2017/orders.csv`, customers: `${DATASETS}/olist-2017/customers.csv`, payments: `${DATASETS}/olist-2017/order_items.csv` },
} as const;

/** The customers file's part of what an engine returns: its counts, who it lists, the inputs' rows. */
export function expectJoinAgreement(sql: LoadedData, streaming: LoadedData): void {
  expect(sql.customersFile).toEqual(streaming.customersFile);
  expect([...(sql.listed ?? [])]).toEqual([...(streaming.listed ?? [])]);
  expect(sql.inputs.map((i) => [i.role, i.rows])).toEqual(streaming.inputs.map((i) => [i.role, i.rows]));
}

