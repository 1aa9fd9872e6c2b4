import { daysOverdue, dueStatus, DUE_WINDOW_DAYS } from '../analytics/clv/next-order.js';
import { NOT_YET, STAGES } from '../domain/stage.js';
import { tableOf, type Cell, type ResultTable } from '../render/result.js';
import type { CustomerValues } from './clv-values.js';
import type { Lifecycle } from './lifecycle.js';

/**
 * The report's next-order table (issue 15, item 1): per stage and in total, the customers with
 * a next-order figure, how many are due now (their due date, last order + their own gap, is
 * within DUE_WINDOW_DAYS of the as-of date) and overdue (past it), and the median days overdue
 * of those overdue. The same split as audiences/next_order-*.csv.
 */
export function nextOrderTable(lc: Lifecycle, next: NonNullable<CustomerValues['nextOrder']>): ResultTable {
  const k = STAGES.length + 1;
  const customers = new Float64Array(k);
  const due = new Float64Array(k);
  const overdue: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < next.gapDays.length; i++) {
    if (Number.isNaN(next.gapDays[i]) || lc.stages[i] === NOT_YET) continue;
    const s = dueStatus(next.gapDays[i], next.daysSinceLast[i]);
    for (const g of [lc.stages[i], STAGES.length]) {
      customers[g]++;
      if (s === 'due now') due[g]++;
      else if (s === 'overdue') overdue[g].push(daysOverdue(next, i));
    }
  }
  const rows: Cell[][] = [];
  for (let g = 0; g < k; g++) {
    if (customers[g] === 0) continue;
    rows.push([g < STAGES.length ? STAGES[g] : 'all customers', customers[g], due[g], overdue[g].length, median(overdue[g])]);
  }
  return tableOf('next_order', `Next order by stage: due now (due within ${DUE_WINDOW_DAYS} days by their own gap) and overdue`, [
    { name: 'stage', type: 'string' },
    { name: 'customers', type: 'int' },
    { name: 'due_now', type: 'int' },
    { name: 'overdue', type: 'int' },
    { name: 'median_days_overdue', type: 'number', decimals: 1 },
  ], rows);
}

function median(a: number[]): number | null {
  if (a.length === 0) return null;
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
