import ExcelJS from 'exceljs';
import { parseIsoDay } from '../domain/dates.js';
import type { Cell, Column, ResultTable } from './result.js';

/**
 * Tables as one XLSX workbook (exceljs, streamed to disk so a long customers sheet is not
 * held in memory): one sheet per table, typed cells, a bold frozen header row and column
 * widths from the content. Counts are whole numbers, amounts have 2 decimals, rates are
 * percentages, dates are dates and "true"/"false" columns are booleans, each value rounded
 * to what its number format shows. Text stays exactly as it came: an XLSX string cell is
 * never a formula, so it needs no CSV-style `'` guard (which would corrupt ids and phone
 * numbers like `+44 20 7946 0958` on re-upload).
 */

/** How a cell of a type is stored: its number format and the decimals its value keeps. */
function formatOf(t: Pick<Column, 'type' | 'decimals'>): { numFmt?: string; decimals?: number } {
  const fixed = (d: number, grouped: boolean): string => `${grouped ? '#,##0' : '0'}${d > 0 ? `.${'0'.repeat(d)}` : ''}`;
  switch (t.type) {
    case 'int':
      return { numFmt: '#,##0', decimals: 0 };
    case 'money':
      return { numFmt: '#,##0.00', decimals: 2 };
    case 'number':
      return { numFmt: fixed(t.decimals ?? 2, true), decimals: t.decimals ?? 2 };
    case 'ratio':
      return { numFmt: fixed(t.decimals ?? 4, false), decimals: t.decimals ?? 4 };
    case 'percent':
      // 0.0% shows three decimals of the fraction
      return { numFmt: '0.0%', decimals: 3 };
    case 'date':
      return { numFmt: 'yyyy-mm-dd' };
    default:
      return {};
  }
}

/**
 * One style object per number format, shared by every cell that has it: exceljs gives each
 * new cell its own copy of the column's style and then works out every copy's style id anew
 * (two thirds of the time of a long sheet); a shared object's id is looked up once.
 */
const STYLES = new Map<string, Partial<ExcelJS.Style>>();
const PLAIN: Partial<ExcelJS.Style> = {};
function styleOf(numFmt: string | undefined): Partial<ExcelJS.Style> {
  if (numFmt === undefined) return PLAIN;
  let style = STYLES.get(numFmt);
  if (!style) STYLES.set(numFmt, (style = { numFmt }));
  return style;
}

/** The header row's cells: bold text. */
const HEADER_STYLE: Partial<ExcelJS.Style> = { font: { bold: true } };

/** Excel's limit, with room for the header. */
export const XLSX_MAX_ROWS = 1_048_575;

/** Sheet names: at most 31 characters, none of []:*?/\, unique. */
export function sheetNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    const base = n.replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'sheet';
    let name = base;
    for (let k = 2; used.has(name.toLowerCase()); k++) name = `${base.slice(0, 28)}_${k}`;
    used.add(name.toLowerCase());
    return name;
  });
}

function round(v: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round((v + Number.EPSILON * Math.sign(v)) * f) / f;
  return r === 0 ? 0 : r;
}

type XlsxValue = string | number | boolean | Date | null;

function cellValue(v: Cell, col: Column, t: Pick<Column, 'type' | 'decimals'>): XlsxValue {
  if (v === null || v === undefined) return null;
  if (col.boolean && (v === 'true' || v === 'false')) return v === 'true';
  if (t.type === 'date') {
    const day = typeof v === 'number' ? v : parseIsoDay(v);
    return day === undefined ? v : new Date(day * 86_400_000);
  }
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return null;
  const d = formatOf(t).decimals;
  return d === undefined ? v : round(v, d);
}

function textWidth(v: Cell, col: Column): number {
  if (v === null || v === undefined) return 0;
  if (col.type === 'date') return 10;
  if (typeof v === 'number') return Math.min(18, String(Math.round(v * 100) / 100).length + 3);
  return Math.min(60, v.length);
}

/** Rows written between turns of the event loop (see writeXlsx). */
const YIELD_ROWS = 100;

/** Writes the tables (machine audience: columns marked human-only are left out) to `path`. */
export async function writeXlsx(path: string, tables: ResultTable[]): Promise<{ sheet: string; table: string; rows: number }[]> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  wb.creator = 'clm';
  const names = sheetNames(tables.map((t) => t.name));
  const written: { sheet: string; table: string; rows: number }[] = [];
  for (let s = 0; s < tables.length; s++) {
    const t = tables[s];
    const keep = t.columns.map((c, i) => (c.only === 'human' ? -1 : i)).filter((i) => i >= 0);
    const cols = keep.map((i) => t.columns[i]);
    const ws = wb.addWorksheet(names[s], { views: [{ state: 'frozen', ySplit: 1 }] });
    // widths from the header and the first rows (a streamed sheet fixes them up front)
    const widths = cols.map((c) => Math.max(8, c.name.length + 2));
    const sample: Cell[][] = [];
    const it = t.rows()[Symbol.iterator]();
    for (let k = 0; k < 200; k++) {
      const n = it.next();
      if (n.done) break;
      sample.push(n.value);
    }
    for (const r of sample) keep.forEach((i, k) => (widths[k] = Math.max(widths[k], textWidth(r[i], cols[k]) + 2)));
    // one shared style object per number format, set on every cell (see styleOf)
    const styles = cols.map((c) => styleOf(formatOf(c).numFmt));
    ws.columns = cols.map((c, k) => ({ key: c.name, width: widths[k], style: styles[k] }));
    const header = ws.addRow(cols.map((c) => c.name));
    header.eachCell((cell) => (cell.style = HEADER_STYLE));
    header.commit();
    let rows = 0;
    const cellType = t.cellType;
    const add = (r: Cell[]): void => {
      const types = cellType ? cols.map((c) => cellType(r, c.name) ?? c) : cols;
      const row = ws.addRow(keep.map((i, k) => cellValue(r[i], cols[k], types[k])));
      for (let k = 0; k < styles.length; k++) row.getCell(k + 1).style = types[k] === cols[k] ? styles[k] : styleOf(formatOf(types[k]).numFmt);
      row.commit();
      rows++;
    };
    for (const r of sample) add(r);
    for (let n = it.next(); !n.done && rows < XLSX_MAX_ROWS; n = it.next()) {
      add(n.value);
      // a committed row is only queued for the zip; without a turn of the event loop the
      // compression never runs and a sheet of a million customers piles up in memory (exceljs
      // #734, #1894: the writer gives no backpressure signal)
      if (rows % YIELD_ROWS === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    ws.commit();
    written.push({ sheet: names[s], table: t.name, rows });
  }
  await wb.commit();
  return written;
}
