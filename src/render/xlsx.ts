import ExcelJS from 'exceljs';
import { guardSpreadsheet } from './cells.js';
import type { Cell, Column, ResultTable } from './result.js';

/**
 * Tables as one XLSX workbook (exceljs, streamed to disk so a long customers sheet is not
 * held in memory): one sheet per table, typed cells (numbers as numbers, dates as dates,
 * rates as percentages), a bold frozen header row and column widths from the content. Text
 * from input data gets the same injection guard as CSV, so no cell can become a formula.
 */

const NUM_FMT: Partial<Record<Column['type'], string>> = {
  int: '#,##0',
  number: '#,##0.00',
  money: '#,##0.00',
  ratio: '0.0000',
  percent: '0.0%',
  date: 'yyyy-mm-dd',
};

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

function cellValue(v: Cell, col: Column): string | number | Date | null {
  if (v === null || v === undefined) return null;
  if (col.type === 'date') return typeof v === 'number' ? new Date(v * 86_400_000) : v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return col.fromInput ? guardSpreadsheet(v) : v;
}

function textWidth(v: Cell, col: Column): number {
  if (v === null || v === undefined) return 0;
  if (col.type === 'date') return 10;
  if (typeof v === 'number') return Math.min(18, String(Math.round(v * 100) / 100).length + 3);
  return Math.min(60, v.length);
}

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
    // One style object per column, set on every cell: exceljs gives each new cell its own
    // copy of the column's style and then works out every copy's style id anew (two thirds
    // of the time of a long sheet); a shared object's id is looked up once (a WeakMap).
    const styles = cols.map((c) => (NUM_FMT[c.type] ? { numFmt: NUM_FMT[c.type] } : {}));
    ws.columns = cols.map((c, k) => ({ key: c.name, width: widths[k], style: styles[k] }));
    const header = ws.addRow(cols.map((c) => c.name));
    header.eachCell((cell) => (cell.style = HEADER_STYLE));
    header.commit();
    let rows = 0;
    const add = (r: Cell[]): void => {
      const row = ws.addRow(keep.map((i, k) => cellValue(r[i], cols[k])));
      for (let k = 0; k < styles.length; k++) row.getCell(k + 1).style = styles[k];
      row.commit();
      rows++;
    };
    for (const r of sample) add(r);
    for (let n = it.next(); !n.done && rows < XLSX_MAX_ROWS; n = it.next()) add(n.value);
    ws.commit();
    written.push({ sheet: names[s], table: t.name, rows });
  }
  await wb.commit();
  return written;
}
