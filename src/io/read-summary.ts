import { DataError } from '../domain/errors.js';
import { columnsFound, normalizeHeader } from './mapping.js';
import { scanTable } from './read-table.js';
import type { Delimiter } from './scanner.js';

/** A pre-summarised customer file (`clm cltv --summary FILE`), as columns. */
export interface SummaryColumns {
  ids: string[];
  frequency: number[];
  recency: number[];
  T: number[];
  monetary?: number[];
}

const COLUMNS: Record<'customer_id' | 'frequency' | 'recency' | 'T' | 'monetary_value', string[]> = {
  customer_id: ['customer_id', 'id', 'customer', 'cust'],
  frequency: ['frequency', 'x', 'frequency_cal'],
  recency: ['recency', 't_x', 'recency_cal'],
  T: ['t', 't_cal'],
  monetary_value: ['monetary_value', 'monetary', 'zbar', 'avg_spend'],
};

/**
 * Reads customer_id, frequency (x), recency (t_x), T and optionally monetary_value, in the
 * time unit the caller states (a summary computed in a warehouse, or the published CDNOW
 * summary). Numbers must parse; the model layer checks what they mean.
 */
export async function readSummaryFile(path: string, opts: { encoding?: string; delimiter?: Delimiter } = {}): Promise<SummaryColumns> {
  const out: SummaryColumns = { ids: [], frequency: [], recency: [], T: [] };
  await scanTable({ path, encoding: opts.encoding, delimiter: opts.delimiter, what: 'summary' }, (h) => {
    const norm = h.headers.map((x) => (x.trim() === 'T' ? 't' : normalizeHeader(x)));
    const find = (names: string[]): number => norm.findIndex((x) => names.includes(x));
    const idx = Object.fromEntries(Object.entries(COLUMNS).map(([k, names]) => [k, find(names)])) as Record<keyof typeof COLUMNS, number>;
    const missing = (['customer_id', 'frequency', 'recency', 'T'] as const).filter((k) => idx[k] < 0);
    if (missing.length > 0) {
      throw new DataError(
        `the summary file needs the columns customer_id, frequency, recency and T (missing: ${missing.join(', ')})`,
        { file: path, line: 1 },
        `${columnsFound(h.headers)}; monetary_value is optional`,
      );
    }
    if (idx.monetary_value >= 0) out.monetary = [];
    const num = (r: { field(i: number): string; line: number }, col: keyof typeof COLUMNS): number => {
      const text = r.field(idx[col]).trim();
      const v = Number(text);
      if (text === '' || !Number.isFinite(v)) throw new DataError(`${col} is not a number`, { file: path, line: r.line, column: h.headers[idx[col]], value: text }, 'the summary holds plain numbers in the chosen --time-unit');
      return v;
    };
    return (r) => {
      out.ids.push(r.field(idx.customer_id).trim());
      out.frequency.push(num(r, 'frequency'));
      out.recency.push(num(r, 'recency'));
      out.T.push(num(r, 'T'));
      if (out.monetary) out.monetary.push(num(r, 'monetary_value'));
    };
  });
  if (out.ids.length === 0) throw new DataError('the summary file has a header but no rows', { file: path, line: 1 });
  return out;
}
