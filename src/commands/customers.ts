import type { CustomerTable } from '../domain/customer-state.js';
import type { CliIO } from '../io/cli-io.js';
import type { Cell, Column, CommandResult, ResultTable } from '../render/result.js';
import { dataContext, dataMeta, loadData, type InputFlags } from './common.js';

export const CUSTOMER_COLUMNS: Column[] = [
  { name: 'customer_id', type: 'string', fromInput: true },
  { name: 'first_order_date', type: 'date' },
  { name: 'last_order_date', type: 'date' },
  { name: 'orders', type: 'int' },
  { name: 'purchase_days', type: 'int' },
  { name: 'revenue', type: 'money' },
];

/** Customer indices sorted by id (plain code-unit order, so output is stable across locales). */
export function sortedCustomerOrder(t: CustomerTable): Int32Array {
  const idx = new Int32Array(t.size);
  for (let i = 0; i < t.size; i++) idx[i] = i;
  const ids = t.ids;
  return idx.sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
}

/** One row per customer: the leading columns, then the attributes. */
export function customerRowsTable(t: CustomerTable): ResultTable {
  const columns: Column[] = [...CUSTOMER_COLUMNS, ...t.attributeNames.map((name) => ({ name, type: 'string' as const, fromInput: true }))];
  const order = sortedCustomerOrder(t);
  const nAttr = t.attributeNames.length;
  return {
    name: 'customers',
    title: 'Customers',
    columns,
    rowCount: t.size,
    rows: function* () {
      for (let k = 0; k < order.length; k++) {
        const i = order[k];
        const has = t.orders[i] > 0;
        const row: Cell[] = new Array(6 + nAttr);
        row[0] = t.ids[i];
        row[1] = has ? t.firstDay[i] : null;
        row[2] = has ? t.lastDay[i] : null;
        row[3] = t.orders[i];
        row[4] = t.purchaseDays[i];
        row[5] = t.revenue[i];
        for (let a = 0; a < nAttr; a++) row[6 + a] = t.attributes[a][i] ?? null;
        yield row;
      }
    },
  };
}

/** `clm customers`: the enriched per-customer file an analyst uploads back into the CRM. */
export async function runCustomers(flags: InputFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const data = await loadData(flags, io, warn);
  return {
    meta: dataMeta(data, 'customers'),
    context: dataContext(data),
    tables: [customerRowsTable(data.table)],
  };
}
