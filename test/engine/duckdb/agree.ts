import { expect } from 'vitest';
import type { CustomerTable } from '../../../src/domain/customer-state.js';
import type { LoadedData } from '../../../src/engine/spec.js';

/**
 * A table as plain values, money exactly: both engines sum whole mills and divide once
 * (issue 12, item 4), so the same data gives the same doubles, not just the same cents.
 */
export function plainTable(t: CustomerTable): unknown {
  const money = (x: number): number => x;
  const rows = [];
  for (let i = 0; i < t.size; i++) {
    const ledger = [];
    for (let k = t.ledgerStart[i]; k < t.ledgerStart[i + 1]; k++) ledger.push([t.ledgerDay[k], t.ledgerOrders[k], money(t.ledgerAmount[k])]);
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
