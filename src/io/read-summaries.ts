/**
 * Reads the summary tables of src/domain/summaries.ts back from CSV (written by clm, or by a
 * warehouse that ran `clm sql`'s queries). Every value is checked, and a bad one is named with
 * its file, line, column and text.
 */
import { DataError } from '../domain/errors.js';
import { parseIsoDay, type Day } from '../domain/dates.js';
import { periodOfDay, parsePeriodText, type PeriodUnit } from '../domain/period.js';
import { COHORT_ACTIVITY_COLUMNS, RFM_COUNTS_COLUMNS, SPEND_COUNTS_COLUMNS, type CohortActivityRow, type RfmCounts, type SpendCounts, type SummaryTimeUnit } from '../domain/summaries.js';
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

/** cohort_activity.csv read back: its rows, the period unit its labels are in, and the as-of date when the file gives one. */
export interface CohortActivity {
  readonly unit: PeriodUnit;
  readonly rows: readonly (CohortActivityRow & { readonly cohortPeriod: number })[];
  /** The as_of column (the same on every row); undefined when the file has none. */
  readonly asOf?: Day;
  /** Whether the file has orders and revenue_mills columns (else the customers metric only). */
  readonly hasOrders: boolean;
  readonly hasRevenue: boolean;
}

/** The unit of a cohort label as `clm cohorts` writes it: 2024-03 (month), 2024-W11 (week), 2024-Q1 (quarter). */
function labelUnit(label: string): PeriodUnit | undefined {
  if (/^\d{4}-\d{2}$/.test(label)) return 'month';
  if (/^\d{4}-W\d{2}$/.test(label)) return 'week';
  if (/^\d{4}-Q[1-4]$/.test(label)) return 'quarter';
  return undefined;
}

type Where = { file: string; line: number; column: string; value: string };

/** The trimmed text of a named column of a record, and where it is for an error. */
function textAt(path: string, r: RecordView, cols: Columns<string>, name: string): { value: string; at: Where } {
  const value = r.field(cols.index[name]).trim();
  return { value, at: { file: path, line: r.line, column: cols.headers[cols.index[name]].trim(), value } };
}

/** A cohort label's unit and period index; throws naming the cell when it is none, or of another unit than `unit`. */
function cohortPeriodAt(path: string, r: RecordView, cols: Columns<string>, unit: PeriodUnit | undefined): { label: string; unit: PeriodUnit; period: number } {
  const c = textAt(path, r, cols, 'cohort');
  const u = labelUnit(c.value.toUpperCase());
  const range = u && parsePeriodText(c.value);
  if (!u || !range) throw new DataError('cohort is not a period label', c.at, 'write the cohort as clm cohorts does: 2024-03 (month), 2024-W11 (ISO week) or 2024-Q1 (quarter)');
  if (unit !== undefined && u !== unit) throw new DataError(`the file mixes period units (${unit} above, ${u} here)`, c.at, 'write every cohort in one unit');
  return { label: c.value, unit: u, period: periodOfDay(u, range.first) };
}

/**
 * cohort_activity.csv: cohort, period, cohort_size, active (required); orders, revenue_mills,
 * as_of (optional). Rejects a cohort label that is no period (or of another unit than the rows
 * above), a period, size or count that is not a whole number ≥ 0, active above cohort_size,
 * a cohort whose size differs between its rows, a repeated (cohort, period), and an as_of that
 * is no date or differs between rows.
 */
export async function readCohortActivity(path: string, opts: { encoding?: string } = {}): Promise<CohortActivity> {
  const rows: (CohortActivityRow & { cohortPeriod: number })[] = [];
  let unit: PeriodUnit | undefined;
  let asOf: Day | undefined;
  let hasOrders = false;
  let hasRevenue = false;
  const sizes = new Map<number, number>();
  const seen = new Set<string>();
  await scanTable({ path, encoding: opts.encoding, what: 'cohort_activity' }, (h) => {
    const cols = findColumns(path, 'cohort_activity', h.headers, COHORT_ACTIVITY_COLUMNS, ['cohort', 'period', 'cohort_size', 'active']);
    hasOrders = cols.index.orders >= 0;
    hasRevenue = cols.index.revenue_mills >= 0;
    return (r) => {
      const c = cohortPeriodAt(path, r, cols, unit);
      unit = c.unit;
      const period = numberAt(path, r, cols, 'period', 'whole');
      const size = numberAt(path, r, cols, 'cohort_size', 'whole');
      const active = numberAt(path, r, cols, 'active', 'whole');
      const at = (column: string, value: number): Where => ({ file: path, line: r.line, column, value: String(value) });
      if (active > size) throw new DataError(`active ${active} is more than the cohort_size ${size}`, at('active', active), 'active counts the cohort\'s customers with an order in the period');
      const known = sizes.get(c.period);
      if (known !== undefined && known !== size) throw new DataError(`cohort ${c.label} has cohort_size ${known} on an earlier row and ${size} here`, at('cohort_size', size), 'a cohort has one size on all its rows');
      sizes.set(c.period, size);
      if (seen.has(`${c.period} ${period}`)) throw new DataError(`cohort ${c.label} has period ${period} twice`, at('period', period), 'write one row per cohort and period');
      seen.add(`${c.period} ${period}`);
      if (cols.index.as_of >= 0) {
        const a = textAt(path, r, cols, 'as_of');
        const day = parseIsoDay(a.value);
        if (day === undefined) throw new DataError('as_of is not a date', a.at, 'write the as-of date as YYYY-MM-DD');
        if (asOf !== undefined && day !== asOf) throw new DataError('as_of differs from the rows above', a.at, 'every row holds the one as-of date of the run');
        asOf = day;
      }
      const orders = hasOrders ? numberAt(path, r, cols, 'orders', 'whole') : 0;
      const revenue = hasRevenue ? numberAt(path, r, cols, 'revenue_mills', 'finite') : 0;
      rows.push({ cohort: c.label, cohortPeriod: c.period, period, cohort_size: size, active, orders, revenue_mills: revenue });
    };
  });
  if (unit === undefined) throw new DataError('the cohort_activity file has no rows', { file: path, line: 1 }, 'run the cohort_activity statement of clm sql --summaries again');
  return Object.freeze({ unit, rows, ...(asOf !== undefined ? { asOf } : {}), hasOrders, hasRevenue });
}
