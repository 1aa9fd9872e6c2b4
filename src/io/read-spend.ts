import { columnsFound } from './mapping.js';
import type { Readable } from 'node:stream';
import type { SpendEntry } from '../analytics/acquisition.js';
import { dayFromCivil, isValidCivil } from '../domain/dates.js';
import { DataError } from '../domain/errors.js';
import { periodOfDay } from '../domain/period.js';
import { sourceInfo, type SourceInfo } from './input.js';
import { scanTable } from './read-table.js';
import type { Delimiter } from './scanner.js';
import { AmountParser } from './values.js';

/**
 * Reads a marketing spend file for `clm kpis --spend`: one row per month and channel,
 *
 *   period,channel,amount
 *   2024-01,web,1500.00
 *   2024-01,retail,800
 *
 * - period: a month `YYYY-MM` (or `YYYY/MM`), or a date `YYYY-MM-DD` meaning its month (so a
 *   daily spend export sums into months); headers `period`, `month` or `date`;
 * - channel: the acquisition channel, as in the customers' `channel` attribute (compared
 *   without regard to case); headers `channel`, `source`, `utm_source`;
 * - amount: spend in the currency of the orders, not negative (`1500`, `1,500.00`, `$1,500`);
 *   headers `amount`, `spend`, `cost`.
 * Rows for the same month and channel are summed. Header names are matched case- and
 * punctuation-insensitively. Any row that cannot be read is an error naming the file, the
 * line, the column and the value (exit 3): spend is few rows, typed by hand, and a wrong one
 * would silently change every CAC.
 */

export interface SpendFile {
  source: SourceInfo;
  rows: number;
  /** Summed per (month, channel), sorted by month then channel. */
  entries: SpendEntry[];
}

const COLUMNS = {
  period: ['period', 'month', 'date'],
  channel: ['channel', 'source', 'utm_source', 'acquisition_channel'],
  amount: ['amount', 'spend', 'cost', 'marketing_spend'],
} as const;

function norm(h: string): string {
  return h.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/** `2024-03`, `2024/03` or `2024-03-15` → the month period index; undefined otherwise. */
export function parseSpendMonth(text: string): number | undefined {
  const t = text.trim();
  let m = /^(\d{4})[-/](\d{1,2})$/.exec(t);
  if (m) {
    const month = Number(m[2]);
    return month >= 1 && month <= 12 ? Number(m[1]) * 12 + month - 1 : undefined;
  }
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m && isValidCivil(Number(m[1]), Number(m[2]), Number(m[3]))) return periodOfDay('month', dayFromCivil(Number(m[1]), Number(m[2]), Number(m[3])));
  return undefined;
}

export async function readSpendFile(opts: { path: string; stdin?: Readable; encoding?: string; delimiter?: Delimiter; decimalComma?: boolean }): Promise<SpendFile> {
  const amounts = new AmountParser(opts.decimalComma ?? false);
  const sums = new Map<string, SpendEntry>();
  const { rows } = await scanTable({ path: opts.path, stdin: opts.stdin, encoding: opts.encoding, delimiter: opts.delimiter, what: 'spend' }, (h) => {
    const at = (field: keyof typeof COLUMNS): number => h.headers.findIndex((x) => (COLUMNS[field] as readonly string[]).includes(norm(x)));
    const p = at('period');
    const c = at('channel');
    const a = at('amount');
    if (p < 0 || c < 0 || a < 0) {
      const missing = [p < 0 && 'period', c < 0 && 'channel', a < 0 && 'amount'].filter(Boolean).join(', ');
      throw new DataError(
        `the spend file needs a period, a channel and an amount column (missing: ${missing})`,
        { file: opts.path, line: 1 },
        `${columnsFound(h.headers)}; write the header period,channel,amount (one row per month and channel: 2024-01,web,1500)`,
      );
    }
    return (r) => {
      if (r.malformed) throw new DataError(r.malformed, { file: opts.path, line: r.line }, 'fix the quoting of this line');
      const fields = r.fields();
      if (fields.every((f) => f.trim() === '')) return;
      const periodText = r.field(p);
      const month = parseSpendMonth(periodText);
      if (month === undefined) {
        throw new DataError('not a month', { file: opts.path, line: r.line, column: h.headers[p], value: periodText }, 'write the month as YYYY-MM (2024-01) or a date YYYY-MM-DD');
      }
      const channel = r.field(c).trim();
      if (channel === '') throw new DataError('no channel', { file: opts.path, line: r.line, column: h.headers[c], value: '' }, 'name the channel the spend bought customers through, as in the customers\' channel column');
      const amountText = r.field(a);
      const amount = amounts.parseText(amountText);
      if (!Number.isFinite(amount)) {
        throw new DataError('not an amount', { file: opts.path, line: r.line, column: h.headers[a], value: amountText }, opts.decimalComma ? 'write amounts like 1.500,00' : 'write amounts like 1500 or 1,500.00 (--decimal-comma for 1.500,00)');
      }
      if (amount < 0) throw new DataError('spend cannot be negative', { file: opts.path, line: r.line, column: h.headers[a], value: amountText }, 'write refunds of spend as a lower amount for that month');
      const key = `${month}\u0000${channel}`;
      const e = sums.get(key);
      if (e) e.amount += amount;
      else sums.set(key, { month, channel, amount });
    };
  });
  const entries = [...sums.values()].sort((x, y) => x.month - y.month || (x.channel < y.channel ? -1 : x.channel > y.channel ? 1 : 0));
  return { source: sourceInfo(opts.path), rows, entries };
}
