import { expect } from 'vitest';
import type { CustomerTable } from '../../../src/domain/customer-state.js';
import type { LoadedData } from '../../../src/engine/spec.js';

/** A table as plain values, money to the cent (until the streaming engine books integer mills too). */
export function plainTable(t: CustomerTable): unknown {
  const cents = (x: number): number => Math.round(x * 100);
  const rows = [];
  for (let i = 0; i < t.size; i++) {
    const ledger = [];
    for (let k = t.ledgerStart[i]; k < t.ledgerStart[i + 1]; k++) ledger.push([t.ledgerDay[k], t.ledgerOrders[k], cents(t.ledgerAmount[k])]);
    rows.push({
      id: t.ids[i],
      first: t.firstDay[i],
      last: t.lastDay[i],
      orders: t.orders[i],
      days: t.purchaseDays[i],
      revenue: cents(t.revenue[i]),
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

/** Both engines give the same customers, in the same order, with the same days, orders, cents and ledger, and the same reconciliation. */
export function expectAgreement(duck: LoadedData, streaming: LoadedData): void {
  expect(duck.table.size).toBe(streaming.table.size);
  expect(plainRec(duck)).toEqual(plainRec(streaming));
  expect(plainTable(duck.table)).toEqual(plainTable(streaming.table));
  expect(duck.asOf).toBe(streaming.asOf);
  expect(duck.currency).toBe(streaming.currency);
  expect(duck.preset).toBe(streaming.preset);
}
