import { RFM_SEGMENTS } from '../analytics/rfm.js';
import type { CustomerTable } from '../domain/customer-state.js';
import { STAGES } from '../domain/stage.js';
import type { CliIO } from '../io/cli-io.js';
import type { Cell, Column, CommandResult, ResultTable } from '../render/result.js';
import { dataContext, dataMeta, loadInputs, type InputFlags } from './common.js';
import { computeLifecycle, type Lifecycle, type LifecycleFlags } from './lifecycle.js';
import { thresholdsMeta } from './stages.js';

export const CUSTOMER_COLUMNS: Column[] = [
  { name: 'customer_id', type: 'string', fromInput: true },
  { name: 'first_order_date', type: 'date' },
  { name: 'last_order_date', type: 'date' },
  { name: 'orders', type: 'int' },
  { name: 'purchase_days', type: 'int' },
  { name: 'revenue', type: 'money' },
];

/** Stage and RFM columns, after the leading ones (prospects have no recency or scores). */
export const LIFECYCLE_COLUMNS: Column[] = [
  { name: 'stage', type: 'string' },
  { name: 'recency_days', type: 'int' },
  { name: 'r_score', type: 'int' },
  { name: 'f_score', type: 'int' },
  { name: 'm_score', type: 'int' },
  { name: 'rfm_segment', type: 'string' },
];

/** Customer indices sorted by id (plain code-unit order, so output is stable across locales). */
export function sortedCustomerOrder(t: CustomerTable): Int32Array {
  const idx = new Int32Array(t.size);
  for (let i = 0; i < t.size; i++) idx[i] = i;
  const ids = t.ids;
  return idx.sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
}

/**
 * One row per customer: the leading columns, then stage, recency and RFM (and the custom
 * segment when the config defines segments), then the attributes.
 */
export function customerRowsTable(t: CustomerTable, lc: Lifecycle): ResultTable {
  const custom = lc.custom;
  const columns: Column[] = [
    ...CUSTOMER_COLUMNS,
    ...LIFECYCLE_COLUMNS,
    ...(custom ? [{ name: 'segment', type: 'string' as const, fromInput: true }] : []),
    ...t.attributeNames.map((name) => ({ name, type: 'string' as const, fromInput: true })),
  ];
  const order = sortedCustomerOrder(t);
  const nAttr = t.attributeNames.length;
  const lead = CUSTOMER_COLUMNS.length + LIFECYCLE_COLUMNS.length + (custom ? 1 : 0);
  return {
    name: 'customers',
    title: 'Customers',
    columns,
    rowCount: t.size,
    rows: function* () {
      for (let k = 0; k < order.length; k++) {
        const i = order[k];
        const has = t.orders[i] > 0;
        const row: Cell[] = new Array(lead + nAttr);
        row[0] = t.ids[i];
        row[1] = has ? t.firstDay[i] : null;
        row[2] = has ? t.lastDay[i] : null;
        row[3] = t.orders[i];
        row[4] = t.purchaseDays[i];
        row[5] = t.revenue[i];
        row[6] = STAGES[lc.stages[i]];
        row[7] = has ? lc.recencyDays[i] : null;
        row[8] = has ? lc.rScore[i] : null;
        row[9] = has ? lc.fScore[i] : null;
        row[10] = has ? lc.mScore[i] : null;
        row[11] = has ? RFM_SEGMENTS[lc.rfmSegment[i]] : null;
        if (custom) row[12] = custom.names[custom.segment[i]];
        for (let a = 0; a < nAttr; a++) row[lead + a] = t.attributes[a][i] ?? null;
        yield row;
      }
    },
  };
}

export interface CustomersFlags extends InputFlags, LifecycleFlags {}

/** `clm customers`: the enriched per-customer file an analyst uploads back into the CRM. */
export async function runCustomers(flags: CustomersFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const inputs = await loadInputs(flags, io, warn);
  const { data } = inputs;
  const lc = computeLifecycle(inputs, flags);
  const meta = dataMeta(data, 'customers');
  meta.thresholds = thresholdsMeta(lc);
  return {
    meta,
    context: dataContext(data),
    tables: [customerRowsTable(data.table, lc)],
  };
}
