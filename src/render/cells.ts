import { visibleControls } from '../domain/csv-text.js';
import { formatDay } from '../domain/dates.js';
import type { Cell, Column } from './result.js';

/** OWASP CSV-injection guard: a text cell starting with = + - @ tab or CR is prefixed with '. */
export function guardSpreadsheet(text: string): string {
  if (text.length === 0) return text;
  const c = text.charCodeAt(0);
  if (c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13) return `'${text}`;
  return text;
}

function round2(v: number): number {
  return Math.round((v + Number.EPSILON * Math.sign(v)) * 100) / 100;
}

/** Plain machine value for CSV/TSV: no separators or symbols; money to the cent. */
export function plainCell(v: Cell, col: Column): string {
  if (v === null || v === undefined) return '';
  switch (col.type) {
    case 'date':
      return typeof v === 'number' ? formatDay(v) : String(v);
    case 'money':
      return typeof v === 'number' ? round2(v).toFixed(2) : String(v);
    case 'int':
      return String(v);
    case 'number':
    case 'ratio':
    case 'percent':
      return typeof v === 'number' ? String(Number.isInteger(v) ? v : Number(v.toPrecision(12))) : String(v);
    default:
      // every text cell, whatever its source (a segment name from the config is text too)
      return guardSpreadsheet(visibleControls(String(v), true));
  }
}

/** JSON value: numbers stay numbers, dates become YYYY-MM-DD, money is rounded to the cent. */
export function jsonCell(v: Cell, col: Column): string | number | null {
  if (v === null || v === undefined) return null;
  if (col.type === 'date') return typeof v === 'number' ? formatDay(v) : v;
  if (col.type === 'money' && typeof v === 'number') return round2(v);
  if ((col.type === 'number' || col.type === 'ratio' || col.type === 'percent') && typeof v === 'number' && !Number.isInteger(v)) {
    return Number(v.toPrecision(12));
  }
  return v;
}

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const moneyFmt = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Human value for terminal tables and Markdown. */
export function displayCell(v: Cell, col: Column): string {
  if (v === null || v === undefined) return '';
  // line breaks and tabs lay out as spaces; every other control character is shown as \xNN
  if (typeof v === 'string') return visibleControls(v.replace(/\r\n|[\r\n\t]/g, ' '));
  switch (col.type) {
    case 'date':
      return formatDay(v);
    case 'int':
      return intFmt.format(v);
    case 'money':
      return moneyFmt.format(v);
    case 'percent':
      return `${(v * 100).toFixed(1)}%`;
    case 'ratio':
      return v.toFixed(col.decimals ?? 2);
    case 'number':
      return new Intl.NumberFormat('en-US', { minimumFractionDigits: col.decimals ?? 2, maximumFractionDigits: col.decimals ?? 2 }).format(v);
    default:
      return String(v);
  }
}

export function isNumericColumn(col: Column): boolean {
  return (col.type !== 'string' && col.type !== 'date') || col.numbersAsText === true;
}
