/**
 * What a command hands to the renderers: tables of typed cells plus the context (meta) that
 * makes the numbers reproducible. Renderers format; they never compute.
 */
export type ColumnType = 'string' | 'int' | 'number' | 'money' | 'date' | 'ratio' | 'percent';

/** A date cell holds a day number (days since 1970-01-01); null is an empty cell. */
export type Cell = string | number | null;

export interface Column {
  /** snake_case, stable: CSV headers and JSON keys. */
  name: string;
  type: ColumnType;
  /** Text cells that come from input data get the spreadsheet-injection guard. */
  fromInput?: boolean;
  /** Decimals for `number` columns in tables (CSV keeps full precision). */
  decimals?: number;
  /** Only in machine formats (CSV, TSV, JSON, NDJSON) / only in human ones (table, md). */
  only?: 'machine' | 'human';
  /**
   * Terminal shading of numeric cells (matrices, grids): `fraction` shades values in [0, 1]
   * as they are, `scaled` relative to the largest value in the table's `scaled` columns.
   */
  heat?: 'fraction' | 'scaled';
  /** A text column of numbers formatted for people (shown as `value` in table, Markdown and HTML beside a machine `value`): aligned right, never wrapped. */
  numbersAsText?: boolean;
  /** Text cells that are always "true" or "false": booleans in spreadsheets (XLSX). */
  boolean?: true;
}

export interface ResultTable {
  name: string;
  title: string;
  columns: Column[];
  rowCount: number;
  /** Rows may be produced lazily so a million customers stream out without a copy. */
  rows: () => Iterable<Cell[]>;
  /** Rows shown under the others in human formats only (table, md), e.g. an average row. */
  footer?: Cell[][];
  /** How footer cells are shown, when not like the rows (an average of counts); same names. */
  footerColumns?: Column[];
  /**
   * Human formats only: cells shown with `symbol` after the value (row = index in rows(),
   * column = column name), e.g. a period that is not over yet.
   */
  marks?: { symbol: string; cell: (row: number, column: string) => boolean };
  /** Human formats only: lines under the table saying how to read it. */
  legend?: string[];
  /**
   * Typed formats (XLSX): the type of one cell when a column mixes kinds of values, e.g. the
   * `value` of a metric table (a count, an amount, a rate or a date by row); undefined keeps
   * the column's.
   */
  cellType?: (row: readonly Cell[], column: string) => Pick<Column, 'type' | 'decimals'> | undefined;
}

export interface CommandResult {
  /** Context: as-of, inputs, thresholds... (json `meta`, terminal header block). */
  meta: Record<string, unknown>;
  /** Lines shown above a terminal table. */
  context: string[];
  /** The first table is the one CSV/TSV/NDJSON write. */
  tables: ResultTable[];
  /**
   * Explanations (`--explain`): shown under the context in terminal tables and Markdown, kept
   * in JSON meta by the command, and written to stderr for CSV, TSV and NDJSON so a pipe
   * stays clean.
   */
  notes?: string[];
  /** A --fail-if condition held: main prints this after the output and exits 1. */
  held?: string;
}

export function tableOf(name: string, title: string, columns: Column[], rows: Cell[][]): ResultTable {
  return { name, title, columns, rowCount: rows.length, rows: () => rows };
}
