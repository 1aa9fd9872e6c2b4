import { daysOverdue, dueStatus, expectedNextDate, overdueRatio, type DueStatus } from '../analytics/clv/next-order.js';
import { RFM_SEGMENTS } from '../analytics/rfm.js';
import { NOT_YET, STAGES } from '../domain/stage.js';
import type { Cell, Column, ResultTable } from '../render/result.js';
import type { CustomerValues } from './clv-values.js';
import type { Inputs } from './inputs.js';
import type { Lifecycle } from './lifecycle.js';
import { sortedCustomerOrder } from './customer-rows.js';

/**
 * Audience files for a mailing tool (issue: audiences): one table per stage, per RFM segment
 * and per custom segment, each with customer_id, email (when the customers file has one),
 * stage, rfm_segment, segment (custom, when configured) and value (predicted CLV when a model
 * ran, else net revenue to date). Every customer known at the as-of date is in exactly one
 * stage file, and every customer with an order in exactly one RFM segment file.
 * With a purchase model, two next-order files (analytics/clv/next-order.ts) add p_alive,
 * expected_next_order_date, days_overdue and overdue_ratio: next_order-due_now.csv, whose due
 * date by their own gap (last order + g) is the as-of date or in the 6 days after, and
 * next_order-overdue.csv, whose due date has passed (days_overdue > 0).
 */
export interface Audience {
  /** File name under audiences/, e.g. stage-at_risk.csv. */
  file: string;
  kind: 'stage' | 'rfm_segment' | 'segment' | 'next_order';
  name: string;
  table: ResultTable;
}

/** The next-order columns of the "due now" and "overdue" files (after the common ones). */
const NEXT_ORDER_AUDIENCE_COLUMNS: Column[] = [
  { name: 'p_alive', type: 'ratio', decimals: 3 },
  { name: 'expected_next_order_date', type: 'date' },
  { name: 'days_overdue', type: 'int' },
  { name: 'overdue_ratio', type: 'number', decimals: 2 },
];

export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'unnamed';
}

export function audienceTables(inputs: Inputs, lc: Lifecycle, values?: CustomerValues): Audience[] {
  const t = inputs.data.table;
  const email = t.attributeNames.indexOf('email');
  const custom = lc.custom;
  const useClv = values !== undefined && !values.clv.every((v) => Number.isNaN(v));
  const columns: Column[] = [
    { name: 'customer_id', type: 'string', fromInput: true },
    ...(email >= 0 ? [{ name: 'email', type: 'string' as const, fromInput: true }] : []),
    { name: 'stage', type: 'string' },
    { name: 'rfm_segment', type: 'string' },
    ...(custom ? [{ name: 'segment', type: 'string' as const, fromInput: true }] : []),
    { name: 'value', type: 'money' },
  ];
  // customer numbers in typed arrays (4 bytes each, not a JS array's 8): at 8M customers the
  // audiences' members are about three times the customers
  const order = sortedCustomerOrder(t);
  const rowOf = (i: number): Cell[] => {
    const row: Cell[] = [t.ids[i]];
    if (email >= 0) row.push(t.attributes[email][i] ?? null);
    row.push(STAGES[lc.stages[i]], lc.rfmSegment[i] === 255 ? null : RFM_SEGMENTS[lc.rfmSegment[i]]);
    if (custom) row.push(custom.names[custom.segment[i]]);
    row.push(useClv ? (Number.isNaN(values!.clv[i]) ? null : values!.clv[i]) : lc.snapshot.revenue[i]);
    return row;
  };
  const make = (kind: Audience['kind'], name: string, member: (i: number) => boolean, extra?: { columns: Column[]; cells: (i: number) => Cell[] }): Audience => {
    const members = order.filter((i) => lc.stages[i] !== NOT_YET && member(i));
    const file = `${kind === 'stage' ? 'stage' : kind === 'rfm_segment' ? 'rfm' : kind === 'next_order' ? 'next_order' : 'segment'}-${slug(name)}.csv`;
    const rows = extra ? (i: number): Cell[] => [...rowOf(i), ...extra.cells(i)] : rowOf;
    return {
      file,
      kind,
      name,
      table: {
        name: file.replace(/\.csv$/, ''),
        title: `Audience: ${kind.replace('_', ' ')} ${name}`,
        columns: extra ? [...columns, ...extra.columns] : columns,
        rowCount: members.length,
        rows: function* () { for (const i of members) yield rows(i); },
      },
    };
  };
  const out: Audience[] = [];
  STAGES.forEach((s, c) => out.push(make('stage', s, (i) => lc.stages[i] === c)));
  RFM_SEGMENTS.forEach((s, c) => out.push(make('rfm_segment', s, (i) => lc.rfmSegment[i] === c)));
  if (custom) custom.names.forEach((s, c) => out.push(make('segment', s, (i) => custom.segment[i] === c)));
  const next = values?.nextOrder;
  if (next) {
    const nullNaN = (v: number): number | null => (Number.isNaN(v) ? null : v);
    const extra = {
      columns: NEXT_ORDER_AUDIENCE_COLUMNS,
      cells: (i: number): Cell[] => [nullNaN(values!.pAlive[i]), nullNaN(expectedNextDate(next, i)), daysOverdue(next, i), overdueRatio(next, i)],
    };
    const status = (i: number): DueStatus | undefined => (Number.isNaN(next.gapDays[i]) ? undefined : dueStatus(next.gapDays[i], next.daysSinceLast[i]));
    for (const s of ['due now', 'overdue'] as const) out.push(make('next_order', s, (i) => status(i) === s, extra));
  }
  // two custom names with the same slug would share a file: number the later ones
  const seen = new Map<string, number>();
  for (const a of out) {
    const n = seen.get(a.file) ?? 0;
    seen.set(a.file, n + 1);
    if (n > 0) a.file = a.file.replace(/\.csv$/, `_${n + 1}.csv`);
  }
  return out;
}
