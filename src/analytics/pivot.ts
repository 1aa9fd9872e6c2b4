/**
 * `clm pivot`: measures of the customer table by --rows x --cols, aggregated by arquero over the
 * table's columns (typed arrays for numbers, arrays of strings for text; no per-row objects).
 * Laid out wide: one row per --rows key, per --cols key one column per measure; totals and
 * shares on request.
 */
import * as aq from 'arquero';
import { formatDay } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';
import type { Cell, Column, ColumnType } from '../render/result.js';
import type { Measure, PivotField, PivotSpec } from './pivot-spec.js';

/** Numbers (dates as day numbers) with NaN for an empty cell; text with null. */
export type PivotValues = Float64Array | (string | null)[];

export interface PivotColumn extends PivotField {
  values: PivotValues;
  /** Text kept as it came from the input (the spreadsheet-injection guard applies). */
  fromInput?: boolean;
}

export interface PivotResult {
  columns: Column[];
  rows: Cell[][];
}

/** The label of a null key in --cols column names, and of the totals. */
export const BLANK = '(blank)';
export const TOTAL = 'Total';

/** Wider than this is a mistake (--cols customer_id), not a table anyone reads. */
export const MAX_COLUMNS = 1000;

const NUMERIC = new Set<ColumnType>(['int', 'number', 'money', 'ratio', 'percent', 'date']);

/**
 * Columns from rows (one pass): numeric and date columns into Float64Arrays, text into arrays.
 * For a row-wise source such as the `clm customers` table.
 */
export function columnsFromRows(fields: readonly (PivotField & { fromInput?: boolean })[], indices: readonly number[], rowCount: number, rows: Iterable<readonly Cell[]>): PivotColumn[] {
  const out: PivotColumn[] = fields.map((f) => ({ ...f, values: NUMERIC.has(f.type) ? new Float64Array(rowCount) : new Array<string | null>(rowCount) }));
  let r = 0;
  for (const row of rows) {
    for (let k = 0; k < out.length; k++) {
      const v = row[indices[k]];
      const col = out[k].values;
      if (col instanceof Float64Array) col[r] = typeof v === 'number' ? v : v === null || v === '' ? NaN : Number(v);
      else col[r] = v === null ? null : String(v);
    }
    r++;
  }
  return out;
}

type Key = (string | number | null)[];

interface Level {
  /** Key (JSON of the key values) -> the raw aggregate of each measure. */
  cells: Map<string, (number | null)[]>;
  keys: Key[];
}

/** The rollups a pivot reads: the cells, the totals per row key and per column key, the grand total. */
interface Levels {
  cells: Level;
  rowTotals?: Level;
  colTotals?: Level;
  grand: (number | null)[];
}

/** The pivot of `data` as `spec` asks; `order` gives the order of known values of some columns (stage, segments). */
export function pivotTable(data: readonly PivotColumn[], spec: PivotSpec, order: Record<string, readonly string[]> = {}): PivotResult {
  const byName = new Map(data.map((c) => [c.name, c]));
  const levels = aggregate(byName, spec);
  const { rows, cols } = spec;
  const cmp = keyOrder([...rows, ...cols], order);
  const keys = levels.cells.keys;
  const rowKeys = distinctKeys(keys.map((k) => k.slice(0, rows.length)), cmp(0, rows.length));
  const colKeys = cols.length > 0 ? distinctKeys(keys.map((k) => k.slice(rows.length)), cmp(rows.length, cols.length)) : [[]];
  const width = colKeys.length * spec.measures.length;
  if (width > MAX_COLUMNS) {
    throw new UsageError(
      `--cols ${cols.join(',')}: ${colKeys.length.toLocaleString('en-US')} distinct values make ${width.toLocaleString('en-US')} columns (at most ${MAX_COLUMNS.toLocaleString('en-US')})`,
      `put ${cols.length > 1 ? 'them' : 'it'} in --rows (one row per value), or narrow the customers with --where`,
    );
  }
  return { columns: pivotColumns(byName, spec, colKeys), rows: pivotRows(byName, spec, levels, rowKeys, colKeys) };
}

/** arquero: one groupby + rollup per level, over the columns' own arrays (no copy). */
function aggregate(byName: Map<string, PivotColumn>, spec: PivotSpec): Levels {
  const used = new Set([...spec.rows, ...spec.cols, ...spec.measures.flatMap((m) => (m.column ? [m.column] : []))]);
  const table = aq.table(Object.fromEntries([...used].map((n) => [n, byName.get(n)!.values])));
  const aggs = Object.fromEntries(spec.measures.map((m, k) => [`__m${k}`, aggregateOf(m)]));
  const level = (keys: string[]): Level => rollup(table, keys, aggs, spec.measures.length);
  const hasCols = spec.cols.length > 0;
  return {
    cells: level([...spec.rows, ...spec.cols]),
    rowTotals: hasCols && (spec.totals || spec.shares) ? level(spec.rows) : undefined,
    colTotals: hasCols && spec.totals ? level(spec.cols) : undefined,
    grand: level([]).cells.get('[]') ?? spec.measures.map(() => null),
  };
}

/** --shares applies to the additive measures. */
function shared(spec: PivotSpec, m: Measure): boolean {
  return spec.shares && (m.agg === 'customers' || m.agg === 'count' || m.agg === 'sum');
}

/** A numeric first --rows column holds the Total label as text with --totals. */
function firstAsText(byName: Map<string, PivotColumn>, spec: PivotSpec): boolean {
  return spec.totals && byName.get(spec.rows[0])!.type !== 'string';
}

/** The row keys, then per column key each measure (and its share), then the totals. */
function pivotColumns(byName: Map<string, PivotColumn>, spec: PivotSpec, colKeys: Key[]): Column[] {
  const asText = firstAsText(byName, spec);
  const columns: Column[] = spec.rows.map((r, k) => {
    const f = byName.get(r)!;
    return k === 0 && asText ? { name: r, type: 'string' } : { name: r, type: f.type, ...(f.type === 'string' ? { fromInput: true } : {}) };
  });
  const single = spec.measures.length === 1;
  const block = (prefix: string | undefined): Column[] =>
    spec.measures.flatMap((m) => {
      const name = prefix === undefined ? m.name : single ? prefix : `${prefix}_${m.name}`;
      const col = { ...measureColumn(m, byName), name };
      return shared(spec, m) ? [col, { name: `${name}_share`, type: 'percent' as const }] : [col];
    });
  const colTypes = spec.cols.map((c) => byName.get(c)!.type);
  if (spec.cols.length === 0) return uniqueNames([...columns, ...block(undefined)]);
  for (const ck of colKeys) columns.push(...block(ck.map((v, i) => keyLabel(v, colTypes[i])).join('_')));
  if (spec.totals) columns.push(...block(TOTAL.toLowerCase()));
  return uniqueNames(columns);
}

/**
 * Distinct column names (JSON keys): a value that reads like another column's name (a channel
 * called "total", values joined by _ that meet) gets _2, _3 rather than hiding a column.
 */
function uniqueNames(columns: Column[]): Column[] {
  const taken = new Set<string>();
  return columns.map((c) => {
    let name = c.name;
    for (let n = 2; taken.has(name); n++) name = `${c.name}_${n}`;
    taken.add(name);
    return name === c.name ? c : { ...c, name };
  });
}

type Raw = (number | null)[] | undefined;

/**
 * One row per row key (and the Total row). Shares: of the row's total with --cols (the total
 * column and row: of the grand total); without --cols, of the grand total.
 */
function pivotRows(byName: Map<string, PivotColumn>, spec: PivotSpec, levels: Levels, rowKeys: Key[], colKeys: Key[]): Cell[][] {
  const { rows, measures } = spec;
  const { cells, rowTotals, colTotals, grand } = levels;
  const hasCols = spec.cols.length > 0;
  const value = (m: Measure, k: number, raw: Raw): number | null => {
    const v = raw?.[k] ?? null;
    if (m.agg === 'customers' || m.agg === 'count') return v ?? 0;
    if (m.agg === 'share') return v === null || !grand[k] ? null : v / (grand[k] as number);
    return v;
  };
  const share = (v: number | null, total: number | null): number | null => (v === null || total === null || total === 0 ? null : v / total);
  const cellsOf = (raws: Raw[], denominators: Raw[]): Cell[] =>
    raws.flatMap((raw, j) =>
      measures.flatMap((m, k) => {
        const v = value(m, k, raw);
        return shared(spec, m) ? [v, share(v, value(m, k, denominators[j]))] : [v];
      }),
    );
  const asText = firstAsText(byName, spec);
  const out: Cell[][] = [];
  for (const rk of rowKeys) {
    const rowTotal = rowTotals?.cells.get(JSON.stringify(rk));
    const raws = colKeys.map((ck) => cells.cells.get(JSON.stringify([...rk, ...ck])));
    const row: Cell[] = [...rk, ...cellsOf(raws, colKeys.map(() => (hasCols ? rowTotal : grand)))];
    if (hasCols && spec.totals) row.push(...cellsOf([rowTotal], [grand]));
    if (asText) row[0] = rk[0] === null ? null : keyLabel(rk[0], byName.get(rows[0])!.type);
    out.push(row);
  }
  if (spec.totals) {
    const raws = hasCols ? colKeys.map((ck) => colTotals!.cells.get(JSON.stringify(ck))) : [grand];
    const row: Cell[] = [TOTAL, ...rows.slice(1).map(() => null), ...cellsOf(raws, raws.map(() => grand))];
    if (hasCols) row.push(...cellsOf([grand], [grand]));
    out.push(row);
  }
  return out;
}

function aggregateOf(m: Measure): unknown {
  const c = m.column as string;
  switch (m.agg) {
    case 'customers': return aq.op.count();
    case 'count': return aq.op.valid(c);
    case 'sum':
    case 'share': return aq.op.sum(c);
    case 'mean': return aq.op.mean(c);
    case 'median': return aq.op.median(c);
    case 'min': return aq.op.min(c);
    default: return aq.op.max(c);
  }
}

/** One groupby + rollup; keys and aggregates normalised (NaN and undefined are null). */
function rollup(table: aq.ColumnTable, keys: string[], aggs: Record<string, unknown>, n: number): Level {
  const grouped = keys.length > 0 ? table.groupby(...keys) : table;
  const r = grouped.rollup(aggs as Parameters<aq.ColumnTable['rollup']>[0]);
  const keyCols = keys.map((k) => r.array(k) as ArrayLike<unknown>);
  const aggCols = Array.from({ length: n }, (_, k) => r.array(`__m${k}`) as ArrayLike<unknown>);
  const cells = new Map<string, (number | null)[]>();
  const out: Key[] = [];
  for (let i = 0; i < r.numRows(); i++) {
    const key = keyCols.map((c) => clean(c[i]));
    out.push(key);
    cells.set(JSON.stringify(key), aggCols.map((c) => clean(c[i]) as number | null));
  }
  return { cells, keys: out };
}

function clean(v: unknown): string | number | null {
  if (v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v))) return null;
  return v as string | number;
}

/** Known values first in their order (stages in lifecycle order), then the rest ascending; null last. */
function keyOrder(names: string[], order: Record<string, readonly string[]>) {
  const one = (name: string) => {
    const rank = new Map((order[name] ?? []).map((v, i) => [v, i]));
    return (a: string | number | null, b: string | number | null): number => {
      if (a === b) return 0;
      if (a === null) return 1;
      if (b === null) return -1;
      const ra = rank.get(String(a));
      const rb = rank.get(String(b));
      if (ra !== undefined || rb !== undefined) return ra === undefined ? 1 : rb === undefined ? -1 : ra - rb;
      if (typeof a === 'number' && typeof b === 'number') return a - b;
      return String(a) < String(b) ? -1 : 1;
    };
  };
  return (from: number, count: number) => {
    const cmps = names.slice(from, from + count).map(one);
    return (a: Key, b: Key): number => {
      for (let i = 0; i < cmps.length; i++) {
        const c = cmps[i](a[i], b[i]);
        if (c !== 0) return c;
      }
      return 0;
    };
  };
}

function distinctKeys(keys: Key[], cmp: (a: Key, b: Key) => number): Key[] {
  const seen = new Map<string, Key>();
  for (const k of keys) seen.set(JSON.stringify(k), k);
  return [...seen.values()].sort(cmp);
}

/** A key value in a column name or a text cell: dates as YYYY-MM-DD, null as (blank). */
function keyLabel(v: string | number | null, type: ColumnType): string {
  if (v === null) return BLANK;
  if (type === 'date' && typeof v === 'number') return formatDay(v);
  return String(v);
}

/** The output type of a measure: counts are integers; sums, means and medians keep money as money. */
function measureColumn(m: Measure, byName: Map<string, PivotColumn>): Column {
  if (m.agg === 'customers' || m.agg === 'count') return { name: m.name, type: 'int' };
  if (m.agg === 'share') return { name: m.name, type: 'percent' };
  const f = byName.get(m.column as string)!;
  if (m.agg === 'min' || m.agg === 'max') return { name: m.name, type: f.type, ...(f.type === 'number' ? { decimals: 2 } : f.type === 'ratio' ? { decimals: 3 } : {}) };
  if (f.type === 'money') return { name: m.name, type: 'money' };
  if (m.agg === 'sum' && f.type === 'int') return { name: m.name, type: 'int' };
  if (m.agg !== 'sum' && (f.type === 'ratio' || f.type === 'percent')) return { name: m.name, type: f.type, decimals: 3 };
  return { name: m.name, type: 'number', decimals: 2 };
}
