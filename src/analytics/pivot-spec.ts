/**
 * What `clm pivot` is asked for: the --rows and --cols columns and the --measure list, parsed
 * and checked against the columns of the customer table before anything is aggregated.
 */
import { UsageError } from '../domain/errors.js';
import type { ColumnType } from '../render/result.js';
import { closeMatches } from './rule-values.js';

export const AGGREGATES = ['sum', 'mean', 'median', 'min', 'max', 'count', 'share'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export interface Measure {
  /** The output name: `customers`, or COLUMN_AGGREGATE (revenue_sum). */
  name: string;
  /** `customers` counts customers; the others aggregate `column`. */
  agg: Aggregate | 'customers';
  column?: string;
  /** As written in --measure, for messages. */
  text: string;
}

export interface PivotSpec {
  rows: string[];
  cols: string[];
  measures: Measure[];
  totals: boolean;
  shares: boolean;
}

/** A column of the customer table as the pivot sees it: its name and type. */
export interface PivotField {
  name: string;
  type: ColumnType;
}

/** Names other tools give the aggregates (SQL, pandas, Excel). */
const SYNONYMS: Record<string, Aggregate> = { avg: 'mean', average: 'mean', total: 'sum', n: 'count', cnt: 'count', size: 'count', minimum: 'min', maximum: 'max', p50: 'median' };

const MEASURE_HELP = `a measure is customers or COLUMN:AGGREGATE, e.g. revenue:sum (aggregates: ${AGGREGATES.join(', ')})`;

/** Comma-separated column names (--rows, --cols); empty parts are an error. */
export function parseColumnList(text: string | undefined, flag: string): string[] {
  if (text === undefined) return [];
  const names = text.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new UsageError(`${flag} ${JSON.stringify(text)}: an empty column name`, `${flag} takes column names separated by commas, e.g. ${flag} country,stage`);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new UsageError(`${flag} ${text}: column ${JSON.stringify(n)} is named twice`);
    seen.add(n);
  }
  return names;
}

/** --measure customers,revenue:sum,clv:mean: syntax and aggregate names (columns are checked later). */
export function parseMeasures(text: string): Measure[] {
  const items = text.split(',').map((s) => s.trim());
  const measures = items.map((item): Measure => {
    if (item === 'customers') return { name: 'customers', agg: 'customers', text: item };
    const at = item.lastIndexOf(':');
    if (item === '' || at <= 0) {
      // a bare column name most often wants its total
      const mean = item === '' ? '' : closeMatches(item, ['customers']).length > 0 ? 'did you mean "customers"? ' : `did you mean "${item}:sum"? `;
      throw new UsageError(`--measure ${JSON.stringify(item)}: not a measure`, `${mean}${MEASURE_HELP}`);
    }
    const column = item.slice(0, at).trim();
    const agg = item.slice(at + 1).trim();
    if (!(AGGREGATES as readonly string[]).includes(agg)) {
      const synonym = SYNONYMS[agg.toLowerCase()];
      const matches = synonym ? [synonym] : closeMatches(agg, AGGREGATES);
      const mean = matches.length > 0 ? `did you mean ${matches.map((m) => `"${column}:${m}"`).join(' or ')}? ` : '';
      throw new UsageError(`--measure ${item}: unknown aggregate ${JSON.stringify(agg)}`, `${mean}aggregates: ${AGGREGATES.join(', ')}`);
    }
    return { name: `${column}_${agg}`, agg: agg as Aggregate, column, text: item };
  });
  const seen = new Set<string>();
  for (const m of measures) {
    if (seen.has(m.name)) throw new UsageError(`--measure ${text}: ${m.text} is asked for twice`);
    seen.add(m.name);
  }
  return measures;
}

const NUMERIC = new Set<ColumnType>(['int', 'number', 'money', 'ratio', 'percent']);

/**
 * Every column named in --rows, --cols and --measure exists in the customer table, no column
 * is both a row and a column, and each aggregate suits its column's type. Errors name the flag,
 * the value, the columns there are and the closest ones.
 */
export function checkPivotSpec(spec: PivotSpec, fields: readonly PivotField[], unknownHint?: (name: string) => string | undefined): void {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const names = fields.map((f) => f.name);
  const need = (name: string, flag: string): PivotField => {
    const f = byName.get(name);
    if (f) return f;
    const matches = closeMatches(name, names);
    const advice = [
      matches.length > 0 ? `did you mean ${matches.map((m) => JSON.stringify(m)).join(' or ')}?` : '',
      unknownHint?.(name) ?? '',
      `columns: ${names.join(', ')}`,
    ];
    throw new UsageError(`${flag} ${name}: unknown column`, advice.filter(Boolean).join(' '));
  };
  for (const r of spec.rows) need(r, '--rows');
  for (const c of spec.cols) {
    need(c, '--cols');
    if (spec.rows.includes(c)) throw new UsageError(`--cols ${c}: ${c} is in --rows too`, 'a column groups either the rows or the columns of the pivot');
  }
  for (const m of spec.measures) {
    if (m.column === undefined) continue;
    const f = need(m.column, '--measure');
    const ok = m.agg === 'count' || NUMERIC.has(f.type) || (f.type === 'date' && (m.agg === 'min' || m.agg === 'max'));
    if (!ok) {
      const what = f.type === 'date' ? 'a date column (min, max and count work on dates)' : 'a text column (only count works on text)';
      throw new UsageError(`--measure ${m.text}: ${m.column} is ${what}`, `numeric columns: ${fields.filter((x) => NUMERIC.has(x.type)).map((x) => x.name).join(', ')}`);
    }
  }
}
