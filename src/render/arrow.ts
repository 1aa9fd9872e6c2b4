import * as aq from 'arquero';
import { dateDay, float64, int32, utf8, type DataType } from '@uwdata/flechette';
import { MS_PER_DAY } from '../domain/dates.js';
import { jsonCell, plainCell } from './cells.js';
import type { Column, ResultTable } from './result.js';

/**
 * A table as Arrow IPC bytes, through arquero's Arrow export (flechette underneath), so pandas,
 * polars, R arrow and DuckDB read clm's output with its types: ids and text stay strings
 * (never numbers: `00042` keeps its zeros), dates are Arrow dates (days), counts are 32-bit
 * integers when they fit, other numbers doubles with the same rounding as JSON (money to the
 * cent). `file` is the IPC file format (what `.arrow`/`.feather` readers open); `stream` the
 * IPC stream format for a pipe.
 */
export function arrowBytes(t: ResultTable, format: 'file' | 'stream'): Uint8Array {
  const values: (string | number | Date | null)[][] = t.columns.map(() => []);
  const rows = [...t.rows()];
  // a numeric column that also holds text (the summary's `value`: counts, amounts and two
  // dates) cannot be one Arrow number type: it is written as text, each cell as the CSV
  // writes it, so nothing is lost (a number read as null would be)
  const mixed = t.columns.map((c, k) => c.type !== 'string' && c.type !== 'date' && rows.some((row) => typeof row[k] === 'string' && row[k] !== '' && !Number.isFinite(Number(row[k]))));
  for (const row of rows) {
    t.columns.forEach((c, k) => values[k].push(mixed[k] ? (row[k] === null || row[k] === undefined || row[k] === '' ? null : plainCell(row[k], c)) : arrowValue(row[k], c)));
  }
  const names = uniqueNames(t.columns);
  const types: Record<string, DataType> = {};
  const data: Record<string, unknown[]> = {};
  t.columns.forEach((c, k) => {
    types[names[k]] = mixed[k] ? utf8() : arrowType(c, values[k]);
    data[names[k]] = values[k];
  });
  return aq.toArrowIPC(aq.table(data), { format, types });
}

function arrowValue(v: string | number | null | undefined, c: Column): string | number | Date | null {
  if (v === null || v === undefined || v === '') return null;
  if (c.type === 'date') return typeof v === 'number' ? new Date(v * MS_PER_DAY) : null;
  if (c.type === 'string') return String(v);
  return typeof v === 'number' ? (jsonCell(v, c) as number) : Number.isFinite(Number(v)) ? Number(v) : null;
}

function arrowType(c: Column, values: readonly (string | number | Date | null)[]): DataType {
  if (c.type === 'date') return dateDay();
  if (c.type === 'string') return utf8();
  if (c.type === 'int' && values.every((v) => v === null || (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 31))) return int32();
  return float64();
}

/** Arrow fields need distinct names; a repeated one gets _2, _3. */
function uniqueNames(columns: readonly Column[]): string[] {
  const seen = new Map<string, number>();
  return columns.map((c) => {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    return n === 1 ? c.name : `${c.name}_${n}`;
  });
}
