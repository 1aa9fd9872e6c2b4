import { dayFromCivil, formatDay, parseIsoDay, type Day } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';
import type { CliIO } from '../io/cli-io.js';
import { parseMapFlags } from '../io/mapping.js';
import { parseDelimiterFlag } from '../io/read-table.js';
import { readCustomerState, REASONS, type LoadedData, type ReadOptions } from '../io/read-orders.js';
import { parseDateFormatFlag } from '../io/values.js';
import { delimiterName } from '../io/scanner.js';
import type { Format } from '../render/output.js';
import { tableOf, type Cell, type ResultTable } from '../render/result.js';

/** Options every data command shares (commander's camelCase names). */
export interface InputFlags {
  orders?: string;
  customers?: string;
  payments?: string;
  preset?: string;
  map?: string[];
  delimiter?: string;
  encoding?: string;
  dateFormat?: string;
  decimalComma?: boolean;
  timezone?: string;
  currency?: string;
  asOf?: string;
  rejects?: string;
  strict?: boolean;
  grain?: string;
  countStatus?: string[];
  excludeStatus?: string[];
}

export interface OutputFlags {
  format?: string;
  output?: string;
  color?: boolean;
  quiet?: boolean;
}

export function resolveAsOf(text: string | undefined, io: CliIO): { day: Day | undefined; source?: 'flag' | 'today' } {
  if (text === undefined) return { day: undefined };
  if (text.toLowerCase() === 'today') {
    const now = io.now();
    return { day: dayFromCivil(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()), source: 'today' };
  }
  const day = parseIsoDay(text);
  if (day === undefined) throw new UsageError(`--as-of ${JSON.stringify(text)} is not a date`, 'use YYYY-MM-DD or today');
  return { day, source: 'flag' };
}

export function toReadOptions(flags: InputFlags, io: CliIO, warn: (m: string) => void): ReadOptions {
  if (!flags.orders) {
    throw new UsageError('--orders FILE is required', 'name the orders export, for example --orders orders.csv (or - for stdin)');
  }
  let delimiter;
  if (flags.delimiter !== undefined) {
    delimiter = parseDelimiterFlag(flags.delimiter);
    if (delimiter === undefined) throw new UsageError(`--delimiter ${JSON.stringify(flags.delimiter)} is not one character`, 'use , ; | tab or whitespace');
  }
  let grain: 'order' | 'line' | undefined;
  if (flags.grain !== undefined) {
    if (flags.grain !== 'order' && flags.grain !== 'line') throw new UsageError(`--grain must be order or line, not ${JSON.stringify(flags.grain)}`);
    grain = flags.grain;
  }
  const asOf = resolveAsOf(flags.asOf, io);
  return {
    orders: flags.orders,
    customers: flags.customers,
    payments: flags.payments,
    preset: flags.preset,
    map: parseMapFlags(flags.map ?? []),
    delimiter,
    encoding: flags.encoding,
    dateOrder: flags.dateFormat ? parseDateFormatFlag(flags.dateFormat) : undefined,
    decimalComma: flags.decimalComma ?? false,
    timezone: flags.timezone,
    currency: flags.currency,
    asOf: asOf.day,
    asOfSource: asOf.source,
    rejectsFile: flags.rejects,
    strict: flags.strict ?? false,
    grain,
    countStatus: splitList(flags.countStatus),
    excludeStatus: splitList(flags.excludeStatus),
    stdin: io.stdin,
    warn,
  };
}

function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}

export function loadData(flags: InputFlags, io: CliIO, warn: (m: string) => void): Promise<LoadedData> {
  return readCustomerState(toReadOptions(flags, io, warn));
}

export function resolveFormat(flags: OutputFlags, io: CliIO): Format {
  const f = (flags.format ?? 'auto').toLowerCase();
  if (f === 'auto') return flags.output ? formatFromExtension(flags.output) : io.stdoutIsTTY ? 'table' : 'csv';
  if (f === 'table' || f === 'csv' || f === 'tsv' || f === 'json' || f === 'ndjson' || f === 'md') return f;
  throw new UsageError(`--format ${JSON.stringify(flags.format)} is not a format`, 'use auto, table, csv, tsv, json, ndjson or md');
}

function formatFromExtension(path: string): Format {
  const ext = path.toLowerCase().split('.').pop();
  if (ext === 'tsv' || ext === 'json' || ext === 'ndjson' || ext === 'md') return ext;
  return 'csv';
}

/** The context every result carries (json meta, terminal header). */
export function dataMeta(data: LoadedData, command: string): Record<string, unknown> {
  return {
    command,
    as_of: formatDay(data.asOf),
    as_of_source: data.asOfSource,
    currency: data.currency ?? null,
    preset: data.preset ?? null,
    inputs: data.inputs.map((i) => ({
      role: i.role,
      path: i.source.path,
      bytes: i.source.bytes ?? null,
      rows: i.rows,
      delimiter: delimiterName(i.delimiter),
      mapping: Object.fromEntries([...i.mapping.fields.values()].map((f) => [f.field, f.column])),
    })),
    reconciliation: reconciliationObject(data),
  };
}

export function dataContext(data: LoadedData): string[] {
  const asOfWhy = data.asOfSource === 'data' ? 'latest order in the data' : data.asOfSource === 'today' ? 'today' : '--as-of';
  const lines = [`as of ${formatDay(data.asOf)} (${asOfWhy})${data.currency ? ` · currency ${data.currency}` : ''}${data.preset ? ` · preset ${data.preset}` : ''}`];
  for (const i of data.inputs) lines.push(`${i.role}: ${i.source.path} (${i.rows.toLocaleString('en-US')} rows)`);
  return lines;
}

function reconciliationObject(data: LoadedData): Record<string, unknown> {
  const r = data.reconciliation;
  return {
    rows_read: r.rowsRead,
    order_rows: r.orderRows,
    refund_rows: r.refundRows,
    orders: r.orders,
    refunds: r.refunds,
    excluded: Object.fromEntries(r.excluded),
    rejected: Object.fromEntries(r.rejected),
  };
}

/** Rows read = used + excluded by reason + rejected by reason (spec §1.4). */
export function reconciliationTable(data: LoadedData): ResultTable {
  const r = data.reconciliation;
  const rows: Cell[][] = [];
  rows.push(['read', 'rows read', r.rowsRead, null]);
  rows.push(['used', r.grain === 'line' ? 'order lines' : 'orders', r.orderRows, r.orders]);
  rows.push(['used', 'refunds', r.refundRows, r.refunds]);
  for (const [k, n] of [...r.excluded].sort()) rows.push(['excluded', REASONS[k] ?? k, n, null]);
  for (const [k, n] of [...r.rejected].sort()) rows.push(['rejected', REASONS[k] ?? k, n, null]);
  const accounted = r.orderRows + r.refundRows + sum(r.excluded) + sum(r.rejected);
  rows.push(['check', accounted === r.rowsRead ? 'every row accounted for' : 'ROWS UNACCOUNTED FOR', accounted, null]);
  return tableOf('reconciliation', 'Reconciliation (rows of the orders file)', [
    { name: 'bucket', type: 'string' },
    { name: 'reason', type: 'string' },
    { name: 'rows', type: 'int' },
    { name: 'orders', type: 'int' },
  ], rows);
}

export function mappingTable(data: LoadedData): ResultTable {
  const rows: Cell[][] = [];
  for (const i of data.inputs) {
    for (const f of i.mapping.fields.values()) rows.push([i.role, f.field, f.column, f.how]);
  }
  return tableOf('mapping', 'Column mapping used', [
    { name: 'file', type: 'string' },
    { name: 'field', type: 'string' },
    { name: 'column', type: 'string', fromInput: true },
    { name: 'matched_by', type: 'string' },
  ], rows);
}

function sum(m: Map<string, number>): number {
  let s = 0;
  for (const v of m.values()) s += v;
  return s;
}
