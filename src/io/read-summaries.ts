/**
 * Reads the summary tables of src/domain/summaries.ts back from CSV (written by clm, or by a
 * warehouse that ran `clm sql`'s queries). Every value is checked, and a bad one is named with
 * its file, line, column and text.
 */
import { DataError } from '../domain/errors.js';
import { RFM_COUNTS_COLUMNS, SPEND_COUNTS_COLUMNS, type RfmCounts, type SpendCounts, type SummaryTimeUnit } from '../domain/summaries.js';
import { columnsFound } from './mapping.js';
import { scanTable } from './read-table.js';
import type { RecordView } from './scanner.js';

interface Columns<K extends string> {
  readonly index: Record<K, number>;
  readonly headers: string[];
}

/** Finds the named columns (exact names, case kept for T; others case-insensitive); throws naming the missing ones. */
function findColumns<K extends string>(path: string, what: string, headers: string[], names: readonly K[], required: readonly K[]): Columns<K> {
  const norm = headers.map((h) => h.trim());
  const index = Object.fromEntries(names.map((n) => [n, norm.findIndex((h) => (n === 'T' ? h === 'T' : h.toLowerCase() === n))])) as Record<K, number>;
  const missing = required.filter((n) => index[n] < 0);
  if (missing.length > 0) {
    throw new DataError(`the ${what} file needs the columns ${required.join(', ')} (missing: ${missing.join(', ')})`, { file: path, line: 1 }, `${columnsFound(headers)}; write the table as clm documents it (README, "Summaries")`);
  }
  return { index, headers };
}

type Check = 'whole' | 'nonneg' | 'finite';

function numberAt(path: string, r: RecordView, cols: Columns<string>, name: string, check: Check): number {
  const i = cols.index[name];
  const text = r.field(i).trim();
  const v = Number(text);
  const at = { file: path, line: r.line, column: cols.headers[i].trim(), value: text };
  if (text === '' || !Number.isFinite(v)) throw new DataError(`${name} is not a number`, at, 'the summary holds plain numbers (a dot for decimals, no thousands separators)');
  if (check === 'whole' && !(v >= 0 && Number.isInteger(v))) throw new DataError(`${name} must be a whole number ≥ 0`, at, name === 'count' ? 'count is the number of customers the row stands for' : undefined);
  if (check === 'nonneg' && v < 0) throw new DataError(`${name} must be ≥ 0`, at);
  return v;
}

/**
 * rfm_counts.csv: x, t_x, T, count (required), spend_sum, holdout_sum, unit (optional).
 * Rejects x or count not whole numbers ≥ 0, t_x or T negative, t_x > T, t_x ≠ 0 with x = 0,
 * a unit other than week or day, or two units in one file.
 */
export async function readRfmCounts(path: string, opts: { encoding?: string } = {}): Promise<RfmCounts> {
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const count: number[] = [];
  let spend: number[] | undefined;
  let holdout: number[] | undefined;
  let unit: SummaryTimeUnit | undefined;
  await scanTable({ path, encoding: opts.encoding, what: 'rfm_counts' }, (h) => {
    const cols = findColumns(path, 'rfm_counts', h.headers, RFM_COUNTS_COLUMNS, ['x', 't_x', 'T', 'count']);
    if (cols.index.spend_sum >= 0) spend = [];
    if (cols.index.holdout_sum >= 0) holdout = [];
    return (r) => {
      const xi = numberAt(path, r, cols, 'x', 'whole');
      const ti = numberAt(path, r, cols, 't_x', 'nonneg');
      const Ti = numberAt(path, r, cols, 'T', 'nonneg');
      const at = (column: string, value: number): { file: string; line: number; column: string; value: string } => ({ file: path, line: r.line, column, value: String(value) });
      if (ti > Ti) throw new DataError(`t_x ${ti} is after T ${Ti}`, at('t_x', ti), 't_x and T are both measured from the first purchase');
      if (xi === 0 && ti !== 0) throw new DataError('t_x must be 0 when x is 0', at('t_x', ti));
      x.push(xi);
      tx.push(ti);
      T.push(Ti);
      count.push(numberAt(path, r, cols, 'count', 'whole'));
      spend?.push(numberAt(path, r, cols, 'spend_sum', 'finite'));
      holdout?.push(numberAt(path, r, cols, 'holdout_sum', 'nonneg'));
      if (cols.index.unit >= 0) {
        const u = r.field(cols.index.unit).trim().toLowerCase();
        const where = { file: path, line: r.line, column: cols.headers[cols.index.unit].trim(), value: u };
        if (u !== 'week' && u !== 'day') throw new DataError('unit must be week or day', where);
        if (unit !== undefined && u !== unit) throw new DataError(`the file mixes units (${unit} above, ${u} here)`, where, 'write every row in one unit');
        unit = u;
      }
    };
  });
  return Object.freeze({
    size: x.length,
    ...(unit ? { unit } : {}),
    x: Float64Array.from(x),
    t_x: Float64Array.from(tx),
    T: Float64Array.from(T),
    count: Float64Array.from(count),
    ...(spend ? { spend_sum: Float64Array.from(spend) } : {}),
    ...(holdout ? { holdout_sum: Float64Array.from(holdout) } : {}),
  });
}

/** spend_counts.csv: x (whole ≥ 1), zbar (a number), count (whole ≥ 0). */
export async function readSpendCounts(path: string, opts: { encoding?: string } = {}): Promise<SpendCounts> {
  const x: number[] = [];
  const z: number[] = [];
  const count: number[] = [];
  await scanTable({ path, encoding: opts.encoding, what: 'spend_counts' }, (h) => {
    const cols = findColumns(path, 'spend_counts', h.headers, SPEND_COUNTS_COLUMNS, SPEND_COUNTS_COLUMNS);
    return (r) => {
      x.push(numberAt(path, r, cols, 'x', 'whole'));
      z.push(numberAt(path, r, cols, 'zbar', 'finite'));
      count.push(numberAt(path, r, cols, 'count', 'whole'));
    };
  });
  return Object.freeze({ size: x.length, x: Float64Array.from(x), zbar: Float64Array.from(z), count: Float64Array.from(count) });
}
