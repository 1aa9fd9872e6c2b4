import { daysOverdue, expectedNextDate, overdueRatio } from '../analytics/clv/next-order.js';
import { cohortPeriods } from '../analytics/cohorts.js';
import { RFM_SEGMENTS } from '../analytics/rfm.js';
import type { CustomerTable } from '../domain/customer-state.js';
import { formatPeriod, type PeriodUnit } from '../domain/period.js';
import { STAGES } from '../domain/stage.js';
import type { Cell, Column, ResultTable } from '../render/result.js';
import type { Lifecycle } from './lifecycle.js';
import type { CustomerValues } from './clv-values.js';

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

/**
 * Customer indices sorted by id (plain code-unit order, so output is stable across locales).
 * Kept per table: the report's audiences and customers.csv both list customers in this order,
 * and at 8M customers the sort takes tens of seconds. Read-only to callers.
 */
export function sortedCustomerOrder(t: CustomerTable): Int32Array {
  let idx = SORTED.get(t);
  if (idx) return idx;
  idx = new Int32Array(t.size);
  for (let i = 0; i < t.size; i++) idx[i] = i;
  const ids = t.ids;
  idx.sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  SORTED.set(t, idx);
  return idx;
}
const SORTED = new WeakMap<CustomerTable, Int32Array>();

/**
 * One row per customer: the leading columns, then stage, recency and RFM (and the custom
 * segment when the config defines segments), the cohort (label of the period of the first
 * order), then the attributes.
 */
export function customerRowsTable(
  t: CustomerTable,
  lc: Lifecycle,
  unit: PeriodUnit = 'month',
  values?: CustomerValues,
  keep?: (i: number) => boolean,
  /** The cohort period of each customer, when the caller has computed it already. */
  periods: Int32Array = cohortPeriods(t, unit),
): ResultTable {
  const custom = lc.custom;
  const next = values?.nextOrder;
  const columns: Column[] = [
    ...CUSTOMER_COLUMNS,
    ...LIFECYCLE_COLUMNS,
    ...(custom ? [{ name: 'segment', type: 'string' as const, fromInput: true }] : []),
    { name: 'cohort', type: 'string' },
    ...(values ? CLV_COLUMNS : []),
    ...(next ? NEXT_ORDER_COLUMNS : []),
    ...t.attributeNames.map((name) => ({ name, type: 'string' as const, fromInput: true })),
  ];
  // a customer who signed up after the as-of date is not a customer yet: no row (as in stages)
  const known = lc.snapshot.known;
  const sorted = sortedCustomerOrder(t);
  const order = sorted.filter((i) => known[i] === 1 && (keep === undefined || keep(i)));
  const nAttr = t.attributeNames.length;
  const cohortAt = CUSTOMER_COLUMNS.length + LIFECYCLE_COLUMNS.length + (custom ? 1 : 0);
  const clvAt = cohortAt + 1;
  const nextAt = clvAt + (values ? CLV_COLUMNS.length : 0);
  const lead = nextAt + (next ? NEXT_ORDER_COLUMNS.length : 0);
  const labels = new Map<number, string>();
  const labelOf = (p: number): string => {
    let s = labels.get(p);
    if (s === undefined) labels.set(p, (s = formatPeriod(unit, p)));
    return s;
  };
  return {
    name: 'customers',
    title: 'Customers',
    columns,
    rowCount: order.length,
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
        row[cohortAt] = has ? labelOf(periods[i]) : null;
        if (values) {
          const nan = (v: number): number | null => (Number.isNaN(v) ? null : v);
          row[clvAt] = nan(values.pAlive[i]);
          row[clvAt + 1] = Number.isNaN(values.pAlive[i]) ? null : 1 - values.pAlive[i];
          row[clvAt + 2] = nan(values.expectedPurchases[i]);
          row[clvAt + 3] = nan(values.expectedAvgValue[i]);
          row[clvAt + 4] = nan(values.clv[i]);
        }
        if (next) {
          const date = expectedNextDate(next, i);
          const over = daysOverdue(next, i);
          const ratio = overdueRatio(next, i);
          row[nextAt] = Number.isNaN(date) ? null : date;
          row[nextAt + 1] = Number.isNaN(over) ? null : over;
          row[nextAt + 2] = Number.isNaN(ratio) ? null : ratio;
        }
        for (let a = 0; a < nAttr; a++) row[lead + a] = t.attributes[a][i] ?? null;
        yield row;
      }
    },
  };
}

/** Model columns of `clm customers --model` (spec §6.1); empty for customers without a value. */
export const CLV_COLUMNS: Column[] = [
  { name: 'p_alive', type: 'ratio', decimals: 3 },
  { name: 'churn_risk', type: 'ratio', decimals: 3 },
  { name: 'expected_purchases', type: 'number', decimals: 3 },
  { name: 'expected_avg_value', type: 'money' },
  { name: 'clv', type: 'money' },
];

/**
 * Next-order columns after the model columns, with a purchase model (bgnbd, pnbd, mbgnbd):
 * g = the median time to the next purchase given alive (analytics/clv/next-order.ts).
 */
export const NEXT_ORDER_COLUMNS: Column[] = [
  { name: 'expected_next_order_date', type: 'date' },
  { name: 'days_overdue', type: 'int' },
  { name: 'overdue_ratio', type: 'number', decimals: 2 },
];
