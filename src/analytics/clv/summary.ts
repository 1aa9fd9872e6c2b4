/**
 * The one transform from the per-customer day ledger to the (x, t_x, T, monetary) summary that
 * every CLV model is fitted on (spec §6.1), plus holdout counts for backtests and the merging
 * of identical rows into weights.
 *
 * Definitions, for a calibration end day E (inclusive) and a time unit of `DAYS_PER_UNIT[unit]`
 * days, over the customer's purchase days (ledger entries with orders > 0, same-day orders
 * already merged) on or before E:
 * - x (frequency) = purchase days − 1, the repeat purchase days;
 * - t_x (recency) = (last purchase day − first purchase day) / days per unit;
 * - T = (E − first purchase day) / days per unit;
 * - monetary = mean over the x repeat purchase days of the day's net amount (that day's orders
 *   minus refunds booked the same day), 0 when x = 0. This is lifetimes'
 *   `summary_data_from_transaction_data(..., monetary_value_col=...)`: transactions summed per
 *   day, the first day dropped, the mean of the rest. Refunds booked on a day without a
 *   purchase are not part of any purchase day's value and are left out.
 * Customers without a purchase on or before E (prospects, or first purchase after E) are not
 * in the summary. Holdout: x* = purchase days in (E, H] for a holdout end H.
 */
import type { CustomerTable } from '../../domain/customer-state.js';
import type { Day } from '../../domain/dates.js';
import { DataError, UsageError } from '../../domain/errors.js';
import { LedgerCursor } from '../../domain/ledger.js';

export type TimeUnit = 'week' | 'day';

export const DAYS_PER_UNIT: Readonly<Record<TimeUnit, number>> = Object.freeze({ week: 7, day: 1 });

/** Per-customer calibration summary. Arrays are owned by the summary: do not write to them. */
export interface ClvSummary {
  readonly size: number;
  readonly unit: TimeUnit;
  /** Customer ids, in the order of the arrays. */
  readonly ids: readonly string[];
  /** Row of each customer in the CustomerTable it came from; −1 for a pre-summarised input. */
  readonly rows: Int32Array;
  /** x: repeat purchase days in calibration. */
  readonly frequency: Float64Array;
  /** t_x: time of the last purchase since the first, in units. */
  readonly recency: Float64Array;
  /** T: time from the first purchase to the calibration end, in units. */
  readonly T: Float64Array;
  /** Mean net value of the repeat purchase days; 0 when x = 0. */
  readonly monetary: Float64Array;
  /** Calibration end day when built from a ledger. */
  readonly calibrationEnd?: Day;
}

export interface Holdout {
  /** Holdout end day (inclusive). */
  readonly end: Day;
  /** Holdout length in units: (end − calibration end) / days per unit. */
  readonly duration: number;
  /** x*: purchase days in (calibration end, end], per summary customer. */
  readonly frequency: Float64Array;
  /** Net amount of those purchase days, per summary customer. */
  readonly value: Float64Array;
}

export interface SummarizeOptions {
  /** Last day (inclusive) of the calibration period; usually the as-of day. */
  calibrationEnd: Day;
  unit: TimeUnit;
}

/** Builds the calibration summary from a CustomerTable's ledger (definitions above). */
export function summarizeLedger(table: CustomerTable, opts: SummarizeOptions): ClvSummary {
  const dpu = DAYS_PER_UNIT[opts.unit];
  if (!dpu) throw new UsageError(`unknown time unit ${JSON.stringify(opts.unit)}`, 'use week or day');
  const E = opts.calibrationEnd;
  const n = table.size;
  const rows = new Int32Array(n);
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  const m = new Float64Array(n);
  const ids: string[] = [];
  const c = new LedgerCursor(table);
  let k = 0;
  for (let i = 0; i < n; i++) {
    let first = 0;
    let last = 0;
    let days = 0;
    let repeatValue = 0;
    if (c.open(i)) {
      while (c.next()) {
        const d = c.day;
        if (d > E) break;
        if (c.orders <= 0) continue;
        if (days === 0) first = d;
        else repeatValue += c.amount;
        last = d;
        days++;
      }
    }
    if (days === 0) continue;
    rows[k] = i;
    x[k] = days - 1;
    tx[k] = (last - first) / dpu;
    T[k] = (E - first) / dpu;
    m[k] = days > 1 ? repeatValue / (days - 1) : 0;
    ids.push(table.ids[i]);
    k++;
  }
  return Object.freeze({
    size: k,
    unit: opts.unit,
    ids: Object.freeze(ids),
    rows: rows.slice(0, k),
    frequency: x.slice(0, k),
    recency: tx.slice(0, k),
    T: T.slice(0, k),
    monetary: m.slice(0, k),
    calibrationEnd: E,
  });
}

/** Purchase days and their net value in (calibration end, holdout end] for each summary customer. */
export function holdoutActuals(table: CustomerTable, summary: ClvSummary, holdoutEnd: Day): Holdout {
  const E = requireCalibrationEnd(summary);
  if (holdoutEnd <= E) throw new UsageError('the holdout end must be after the calibration end');
  const n = summary.size;
  const f = new Float64Array(n);
  const v = new Float64Array(n);
  const cursor = new LedgerCursor(table);
  for (let k = 0; k < n; k++) {
    let c = 0;
    let val = 0;
    cursor.open(summary.rows[k]);
    while (cursor.next()) {
      const d = cursor.day;
      if (d <= E || cursor.orders <= 0) continue;
      if (d > holdoutEnd) break;
      c++;
      val += cursor.amount;
    }
    f[k] = c;
    v[k] = val;
  }
  return Object.freeze({ end: holdoutEnd, duration: (holdoutEnd - E) / DAYS_PER_UNIT[summary.unit], frequency: f, value: v });
}

/**
 * Repeat purchase days of the summary customers per holdout period: period p (0-based) holds
 * the days E + p·u + 1 .. E + (p+1)·u, u = days per unit, for p < periods. For weekly
 * tracking, the cumulative sum of this is the actual curve to set against the predicted one.
 */
export function holdoutPeriodCounts(table: CustomerTable, summary: ClvSummary, periods: number): Float64Array {
  const E = requireCalibrationEnd(summary);
  const u = DAYS_PER_UNIT[summary.unit];
  const out = new Float64Array(Math.max(0, periods));
  const end = E + periods * u;
  const c = new LedgerCursor(table);
  for (let k = 0; k < summary.size; k++) {
    c.open(summary.rows[k]);
    while (c.next()) {
      const d = c.day;
      if (d <= E || c.orders <= 0) continue;
      if (d > end) break;
      out[Math.floor((d - E - 1) / u)]++;
    }
  }
  return out;
}

function requireCalibrationEnd(summary: ClvSummary): Day {
  if (summary.calibrationEnd === undefined || summary.rows.some((r) => r < 0)) {
    throw new UsageError('holdout figures need a summary built from orders', 'pass --orders instead of --summary for a backtest');
  }
  return summary.calibrationEnd;
}

export interface SummaryArrays {
  ids: readonly string[];
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  T: ArrayLike<number>;
  /** Optional; 0 for all customers when absent. */
  monetary?: ArrayLike<number>;
  unit: TimeUnit;
  /** For error locations: the file, and the line of the first row (default 2, after a header). */
  file?: string;
  firstLine?: number;
}

/**
 * A summary computed elsewhere (`--summary FILE`): validated, copied. Rejects (DataError, with
 * the line) a frequency that is not a non-negative integer, a recency or T that is negative
 * or not finite, recency > T, recency > 0 with frequency 0, a non-finite monetary value.
 */
export function summaryFromArrays(input: SummaryArrays): ClvSummary {
  const n = input.ids.length;
  const firstLine = input.firstLine ?? 2;
  const at = (i: number, column: string, value: number): { file?: string; line: number; column: string; value: string } => ({
    ...(input.file !== undefined ? { file: input.file } : {}),
    line: firstLine + i,
    column,
    value: String(value),
  });
  for (const [name, col] of [
    ['frequency', input.frequency],
    ['recency', input.recency],
    ['T', input.T],
    ...(input.monetary ? [['monetary_value', input.monetary] as const] : []),
  ] as const) {
    if (col.length !== n) throw new DataError(`the summary has ${n} customer ids but ${col.length} values of ${name}`);
  }
  const x = Float64Array.from(input.frequency);
  const tx = Float64Array.from(input.recency);
  const T = Float64Array.from(input.T);
  const m = input.monetary ? Float64Array.from(input.monetary) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!(x[i] >= 0) || !Number.isInteger(x[i])) throw new DataError('frequency must be a whole number ≥ 0', at(i, 'frequency', x[i]));
    if (!(tx[i] >= 0) || !Number.isFinite(tx[i])) throw new DataError('recency must be a number ≥ 0', at(i, 'recency', tx[i]));
    if (!(T[i] >= 0) || !Number.isFinite(T[i])) throw new DataError('T must be a number ≥ 0', at(i, 'T', T[i]));
    if (tx[i] > T[i]) throw new DataError(`recency ${tx[i]} is after T ${T[i]}`, at(i, 'recency', tx[i]), 'recency and T are both measured from the first purchase');
    if (x[i] === 0 && tx[i] !== 0) throw new DataError('recency must be 0 when frequency is 0', at(i, 'recency', tx[i]));
    if (!Number.isFinite(m[i])) throw new DataError('monetary_value must be a number', at(i, 'monetary_value', m[i]));
  }
  return Object.freeze({
    size: n,
    unit: input.unit,
    ids: Object.freeze(input.ids.slice()),
    rows: new Int32Array(n).fill(-1),
    frequency: x,
    recency: tx,
    T,
    monetary: m,
  });
}

/** Rows grouped by identical values: `index[i]` is the group of row i; `first[g]` a row of group g. */
export interface Grouping {
  readonly groups: number;
  readonly index: Int32Array;
  readonly first: Int32Array;
  readonly count: Float64Array;
}

/**
 * Groups rows 0..n−1 by the exact values of the given columns (open-addressing hash over the
 * float64 bits), in order of first appearance. Linear in n.
 */
/**
 * The customers of a model's data grouped by (x, T), where the expected purchases' costly part
 * (the hypergeometric term) is the same. Kept per data object: the interval draws build a
 * predictor over the same rows once per draw, and the grouping does not depend on the draw.
 */
export function groupsByXT(data: { readonly frequency: ArrayLike<number>; readonly T: ArrayLike<number> }): Grouping {
  let g = XT_GROUPS.get(data);
  if (!g) XT_GROUPS.set(data, (g = groupRows([data.frequency, data.T], data.frequency.length)));
  return g;
}
const XT_GROUPS = new WeakMap<object, Grouping>();

export function groupRows(cols: readonly ArrayLike<number>[], n: number): Grouping {
  let cap = 16;
  while (cap < 2 * n) cap *= 2;
  const mask = cap - 1;
  const slots = new Int32Array(cap).fill(-1);
  const index = new Int32Array(n);
  const first = new Int32Array(n);
  const count = new Float64Array(n);
  const buf = new Float64Array(1);
  const bits = new Uint32Array(buf.buffer);
  let groups = 0;
  for (let i = 0; i < n; i++) {
    let h = 0x811c9dc5 | 0;
    for (const c of cols) {
      buf[0] = c[i] === 0 ? 0 : c[i]; // −0 and 0 alike
      h = Math.imul(h ^ bits[0], 0x01000193);
      h = Math.imul(h ^ bits[1], 0x01000193);
      h ^= h >>> 15;
    }
    let s = h & mask;
    for (;;) {
      const g = slots[s];
      if (g < 0) {
        slots[s] = groups;
        first[groups] = i;
        index[i] = groups;
        count[groups] = 1;
        groups++;
        break;
      }
      const r = first[g];
      let same = true;
      for (const c of cols)
        if (c[r] !== c[i]) {
          same = false;
          break;
        }
      if (same) {
        index[i] = g;
        count[g]++;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  return Object.freeze({ groups, index, first: first.slice(0, groups), count: count.slice(0, groups) });
}
