import { summarizeCustomers } from '../analytics/summary.js';
import { formatDay } from '../domain/dates.js';
import type { LoadedData } from '../engine/spec.js';
import { displayCell } from '../render/cells.js';
import { tableOf, type Cell, type ColumnType, type ResultTable } from '../render/result.js';

export type Metric = [key: string, definition: string, value: number | null, type: ColumnType];

/** The headline metrics as a table (a number for machines, its text for people; both called value). */
export function summaryTable(data: LoadedData, listedSince?: Int32Array): { metrics: Metric[]; table: ResultTable } {
  const s = summarizeCustomers(data.table, listedSince, data.asOf);
  const metrics: Metric[] = [
    ['customers', 'customers with a counted order', s.customersWithOrders, 'int'],
    ['prospects', 'customers-file customers with no counted order, signed up by the as-of date', s.prospects, 'int'],
    ['orders', 'counted orders', s.orders, 'int'],
    ['first_order_date', 'first counted order', s.firstOrderDay, 'date'],
    ['last_order_date', 'last counted order', s.lastOrderDay, 'date'],
    ['net_revenue', 'counted orders minus refunds', s.netRevenue, 'money'],
    ['average_order_value', 'net revenue / orders', s.averageOrderValue, 'money'],
    ['orders_per_customer', 'orders / customers', s.ordersPerCustomer, 'number'],
    ['repeat_customer_rate', 'share of customers with 2+ purchase days', s.repeatCustomerRate, 'ratio'],
    ['median_days_between_purchases', 'median gap between consecutive purchase days', s.medianDaysBetweenPurchases, 'number'],
  ];
  return { metrics, table: metricTable(metrics) };
}

export function plainValue(v: number | null, type: ColumnType): string | number | null {
  if (v === null) return null;
  if (type === 'date') return formatDay(v);
  if (type === 'money') return Math.round(v * 100) / 100;
  if (type === 'int') return v;
  return Number(v.toPrecision(12));
}

/**
 * Metrics of mixed types share one table: `value` is the machine value (plain in CSV and
 * JSON; dates as YYYY-MM-DD, rates as fractions), the human `value` the formatted one for people.
 */
function metricTable(metrics: Metric[]): ResultTable {
  const rows: Cell[][] = metrics.map(([k, d, v, type]) => {
    // a whole number of days reads as one (10, not 10.00); a median between two gaps keeps its .5
    const shown = v === null ? '' : displayCell(v, { name: k, type: type === 'ratio' ? 'percent' : type, decimals: Number.isInteger(v) ? 0 : 2 });
    return [k, plainValue(v, type), shown, d];
  });
  const table = tableOf('summary', 'Summary', [
    { name: 'metric', type: 'string' },
    { name: 'value', type: 'number', only: 'machine' },
    { name: 'value', type: 'string', only: 'human', numbersAsText: true },
    { name: 'definition', type: 'string' },
  ], rows);
  // in a spreadsheet each value keeps its own kind: a count, an amount, a date, a rate as a percentage
  const types = new Map(metrics.map(([k, , , type]) => [k, type === 'ratio' ? ('percent' as const) : type]));
  return { ...table, cellType: (row, column) => (column === 'value' ? { type: types.get(String(row[0])) ?? 'number', decimals: 2 } : undefined) };
}
