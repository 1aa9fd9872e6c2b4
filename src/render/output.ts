import { Chalk } from 'chalk';
import Table from 'cli-table3';
import stringWidth from 'string-width';
import { quoteCsvField, visibleControls } from '../domain/csv-text.js';
import { UsageError } from '../domain/errors.js';
import { displayCell, isNumericColumn, jsonCell, plainCell } from './cells.js';
import type { Cell, CommandResult, Column, ResultTable } from './result.js';
import { wrapWords } from './wrap.js';
import { heatLegend, heatShader } from './heat.js';

export type Format = 'table' | 'csv' | 'tsv' | 'json' | 'ndjson' | 'md' | 'arrow';
export const FORMATS = ['auto', 'table', 'csv', 'tsv', 'json', 'ndjson', 'md'] as const;

/** Where rendered text goes; resolves when the text may be followed by more (backpressure). */
export interface TextSink {
  /** Text, or bytes for a binary format (Arrow). */
  write(text: string | Uint8Array): Promise<void>;
}

export interface RenderOptions {
  color: boolean;
  /** Arrow: the IPC file format (an --output file) rather than the stream format (a pipe). */
  arrowFile?: boolean;
  /**
   * Terminal tables wider than this many characters are split into column groups that fit,
   * each repeating the first column (undefined: never split, whole rows).
   */
  width?: number;
  /** The table CSV/TSV/NDJSON write (by name); default the first. */
  table?: string;
}

const FLUSH_AT = 1 << 16;

/** Buffers small writes into ~64 KB pieces. */
class Batcher {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly sink: TextSink) {}
  async add(s: string): Promise<void> {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= FLUSH_AT) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.size === 0 && this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    await this.sink.write(text);
  }
}

/** The table as one audience sees it: columns marked for the other audience are dropped. */
function forAudience(t: ResultTable, audience: 'machine' | 'human'): ResultTable {
  const keep = t.columns.map((c, i) => (c.only === undefined || c.only === audience ? i : -1)).filter((i) => i >= 0);
  if (keep.length === t.columns.length) return t;
  return {
    ...t,
    columns: keep.map((i) => t.columns[i]),
    rows: function* () {
      for (const r of t.rows()) yield keep.map((i) => r[i]);
    },
    footer: t.footer?.map((r) => keep.map((i) => r[i])),
    footerColumns: t.footerColumns && keep.map((i) => t.footerColumns![i]),
  };
}

/** The text of a cell in a human format, with the table's mark when it has one. */
function markedText(t: ResultTable, text: string, row: number, c: Column, markedColumns: Set<string>, pad = true): string {
  if (!t.marks || !markedColumns.has(c.name) || text === '') return text;
  return text + (t.marks.cell(row, c.name) ? t.marks.symbol : pad ? ' '.repeat(t.marks.symbol.length) : '');
}

/** Columns holding at least one marked cell (their other cells are padded to keep alignment). */
function markedColumnsOf(t: ResultTable, rows: Cell[][]): Set<string> {
  const out = new Set<string>();
  if (!t.marks) return out;
  for (const c of t.columns) {
    for (let r = 0; r < rows.length; r++) {
      if (t.marks.cell(r, c.name)) {
        out.add(c.name);
        break;
      }
    }
  }
  return out;
}

export async function renderResult(full: CommandResult, format: Format, sink: TextSink, opts: RenderOptions): Promise<void> {
  const audience = format === 'table' || format === 'md' ? 'human' : 'machine';
  const result = { ...full, tables: full.tables.map((t) => forAudience(t, audience)) };
  const main = opts.table === undefined ? result.tables[0] : result.tables.find((t) => t.name === opts.table);
  if (main === undefined) {
    throw new UsageError(`--table ${JSON.stringify(opts.table)} is not a table of this command`, `tables: ${result.tables.map((t) => t.name).join(', ')}`);
  }
  switch (format) {
    case 'csv':
      return renderDelimited(main, ',', sink);
    case 'tsv':
      return renderDelimited(main, '\t', sink);
    case 'ndjson':
      return renderNdjson(main, sink);
    case 'json':
      return renderJson(result, sink);
    case 'md':
      return renderMarkdown(result, sink);
    case 'table':
      return renderTerminal(result, sink, opts);
    case 'arrow': {
      // arquero and flechette load only here: they cost 0.16 s, every other format needs neither
      const { arrowBytes } = await import('./arrow.js');
      return sink.write(arrowBytes(main, opts.arrowFile ? 'file' : 'stream'));
    }
  }
}


async function renderDelimited(t: ResultTable, delim: string, sink: TextSink): Promise<void> {
  const b = new Batcher(sink);
  const cols = t.columns;
  await b.add(cols.map((c) => quoteCsvField(c.name, delim)).join(delim) + '\n');
  for (const row of t.rows()) {
    let line = '';
    for (let i = 0; i < cols.length; i++) {
      if (i > 0) line += delim;
      const v = row[i];
      // a number's text (digits, '.', '-', 'e') never needs quoting
      line += typeof v === 'number' ? plainCell(v, cols[i]) : quoteCsvField(plainCell(v, cols[i]), delim);
    }
    await b.add(line + '\n');
  }
  await b.flush();
}

function rowObject(row: Cell[], cols: Column[]): Record<string, string | number | null> {
  const o: Record<string, string | number | null> = {};
  for (let i = 0; i < cols.length; i++) o[cols[i].name] = jsonCell(row[i], cols[i]);
  return o;
}

async function renderNdjson(t: ResultTable, sink: TextSink): Promise<void> {
  const b = new Batcher(sink);
  for (const row of t.rows()) await b.add(jsonText(rowObject(row, t.columns)) + '\n');
  await b.flush();
}

/** `{meta, rows}`; further tables of the result go under `tables` by name. */
async function renderJson(result: CommandResult, sink: TextSink): Promise<void> {
  const b = new Batcher(sink);
  const [main, ...rest] = result.tables;
  await b.add(`{"meta":${jsonText(result.meta)},"rows":[`);
  let first = true;
  for (const row of main.rows()) {
    await b.add((first ? '\n' : ',\n') + jsonText(rowObject(row, main.columns)));
    first = false;
  }
  await b.add(first ? ']' : '\n]');
  if (rest.length > 0) {
    const tables: Record<string, unknown[]> = {};
    for (const t of rest) tables[t.name] = [...t.rows()].map((r) => rowObject(r, t.columns));
    await b.add(`,"tables":${jsonText(tables)}`);
  }
  await b.add('}\n');
  await b.flush();
}

/**
 * Markdown text from anywhere (data included): backslash-escapes the characters that make
 * links, images, code and table cells (`[`, `]`, a backtick, `|`, `\\`) and writes `<`/`>` as
 * entities, so `![t](http://evil.example/p.png)`, a `javascript:` link or raw HTML from data
 * stays text and loads nothing when the report is viewed.
 */
/**
 * JSON.stringify escapes C0 controls but writes DEL and the C1 controls (U+007F-U+009F, where
 * U+009B is a terminal's CSI) raw; they are escaped too, so JSON on a terminal is inert.
 */
function jsonText(v: unknown): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(v).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function mdEscape(s: string): string {
  return visibleControls(s.replace(/\r\n|[\r\n\t]/g, ' '))
    .replace(/[\\`[\]|]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

async function renderMarkdown(result: CommandResult, sink: TextSink): Promise<void> {
  const b = new Batcher(sink);
  for (const line of result.context) await b.add(`- ${mdEscape(line)}\n`);
  if (result.notes?.length) {
    await b.add('\n');
    for (const line of result.notes) await b.add(`> ${mdEscape(line)}\n`);
  }
  for (const t of result.tables) {
    await b.add(`\n## ${mdEscape(t.title)}\n\n`);
    await b.add(`| ${t.columns.map((c) => mdEscape(c.name)).join(' | ')} |\n`);
    await b.add(`|${t.columns.map((c) => (isNumericColumn(c) ? ' ---: ' : ' --- ')).join('|')}|\n`);
    const rows = t.marks ? [...t.rows()] : t.rows();
    const marked = t.marks ? markedColumnsOf(t, rows as Cell[][]) : new Set<string>();
    let r = 0;
    for (const row of rows) {
      await b.add(`| ${t.columns.map((c, i) => mdEscape(markedText(t, displayCell(row[i], c), r, c, marked, false))).join(' | ')} |\n`);
      r++;
    }
    const fcols = t.footerColumns ?? t.columns;
    for (const row of t.footer ?? []) {
      await b.add(`| ${fcols.map((c, i) => mdEscape(displayCell(row[i], c))).join(' | ')} |\n`);
    }
    if (t.legend?.length) {
      await b.add('\n');
      for (const line of t.legend) await b.add(`${mdEscape(line)}  \n`);
    }
  }
  await b.flush();
}

async function renderTerminal(result: CommandResult, sink: TextSink, opts: RenderOptions): Promise<void> {
  const chalk = new Chalk({ level: opts.color ? 2 : 0 });
  const b = new Batcher(sink);
  // prose wraps at words (a terminal would cut it mid-word at its edge)
  for (const line of result.context) for (const l of wrapWords(visibleControls(line), opts.width)) await b.add(chalk.dim(l) + '\n');
  if (result.notes?.length) {
    await b.add('\n');
    for (const line of result.notes.flatMap((n) => visibleControls(n, true).split('\n'))) for (const l of wrapWords(line, opts.width)) await b.add(l + '\n');
  }
  for (const t of result.tables) {
    const rows = [...t.rows()];
    const shade = opts.color ? heatShader(t.columns, rows, chalk) : undefined;
    const marked = markedColumnsOf(t, rows);
    const body = rows.map((row, r) =>
      t.columns.map((c, i) => {
        const text = markedText(t, displayCell(row[i], c), r, c, marked);
        return shade && c.heat ? shade(text, row[i], c) : text;
      }),
    );
    const fcols = t.footerColumns ?? t.columns;
    const footer = (t.footer ?? []).map((row) =>
      fcols.map((c, i) => {
        const text = marked.has(c.name) && row[i] !== null ? displayCell(row[i], c) + ' '.repeat(t.marks!.symbol.length) : displayCell(row[i], c);
        // a footer aggregates rows: only fractions can be shaded on the rows' scale
        return shade && c.heat === 'fraction' ? shade(text, row[i], c) : text;
      }),
    );
    const { groups, widths, minWidths } = columnGroups(t.columns, [...body, ...footer], opts.width);
    for (let g = 0; g < groups.length; g++) {
      const cols = groups[g];
      // a column too wide for the terminal even with only the first beside it: its words wrap
      const wrap = wrapWidths(cols, widths, minWidths, opts.width);
      const last = cols[cols.length - 1] + 1;
      const which = g === 0 ? `columns 1-${last}` : `columns 1 and ${cols[1] + 1}${last > cols[1] + 1 ? `-${last}` : ''}`;
      const part = groups.length > 1 ? ` (${which} of ${t.columns.length}${g === 0 ? '; wider than the terminal, --format csv gives whole rows' : ''})` : '';
      const heading = wrapWords(t.title + part, opts.width);
      await b.add('\n' + heading.map((l, k) => (k === 0 ? chalk.bold(l.slice(0, t.title.length)) + chalk.dim(l.slice(t.title.length)) : chalk.dim(l))).join('\n') + '\n');
      const tail: string[][] = [];
      if (footer.length) {
        // a rule between the rows and the footer
        tail.push(cols.map(() => ''));
        for (const row of footer) tail.push(cols.map((i) => row[i] ?? ''));
      }
      await renderTableInPieces(b, {
        head: cols.map((i) => t.columns[i].name),
        rows: body.map((row) => cols.map((i) => row[i])),
        tail,
        aligns: cols.map((i) => (isNumericColumn(t.columns[i]) ? 'right' : 'left')),
        colWidths: wrap,
        color: opts.color,
      });
    }
    for (const line of t.legend ?? []) for (const l of wrapWords(line, opts.width)) await b.add(chalk.dim(l) + '\n');
    if (shade) await b.add(heatLegend(t.columns, rows, chalk) + '\n');
  }
  await b.flush();
}

/** Rows cli-table3 lays out at once: its layout costs grow faster than the rows, so long tables go in pieces. */
const TABLE_PIECE_ROWS = 250;

/**
 * A cli-table3 table written in pieces of TABLE_PIECE_ROWS rows with the same column widths
 * (measured once over every row), the header in the first piece and the bottom border in the
 * last, so it reads as one table and costs time linear in its rows (one table of 34k
 * customers did not finish in 17 minutes).
 */
async function renderTableInPieces(
  b: Batcher,
  t: { head: string[]; rows: string[][]; tail: string[][]; aligns: ('left' | 'right')[]; colWidths: number[] | undefined; color: boolean | undefined },
): Promise<void> {
  const all = [...t.rows, ...t.tail];
  const base = {
    style: { head: t.color ? ['cyan'] : [], border: t.color ? ['grey'] : [], compact: true },
    colAligns: t.aligns,
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  };
  if (all.length <= TABLE_PIECE_ROWS) {
    const table = new Table({ head: t.head, ...base, ...(t.colWidths ? { colWidths: t.colWidths, wordWrap: true } : {}) });
    for (const row of all) table.push(row);
    await b.add(table.toString() + '\n');
    return;
  }
  // the widths cli-table3 would choose for the whole table: the widest cell of each column, padded
  const widths =
    t.colWidths ??
    t.head.map((h, i) => {
      let m = visibleWidth(h);
      for (const row of all) m = Math.max(m, visibleWidth(row[i] ?? ''));
      return m + 2;
    });
  for (let start = 0; start < all.length; start += TABLE_PIECE_ROWS) {
    const first = start === 0;
    const last = start + TABLE_PIECE_ROWS >= all.length;
    const table = new Table({ head: first ? t.head : [], ...base, colWidths: widths, ...(t.colWidths ? { wordWrap: true } : {}) });
    for (const row of all.slice(start, start + TABLE_PIECE_ROWS)) table.push(row);
    const lines = table.toString().split('\n');
    await b.add(lines.slice(first ? 0 : 1, last ? lines.length : -1).join('\n') + '\n');
  }
}

/** Columns a cell's text takes on screen, as cli-table3 measures it (string-width: colour codes take none, CJK and emoji two). */
function visibleWidth(text: string): number {
  let w = 0;
  for (const line of text.split('\n')) w = Math.max(w, stringWidth(line));
  return w;
}

/** Columns the longest word of a cell's text takes (wrapping cannot make a column narrower). */
function longestWord(text: string): number {
  let w = 0;
  for (const word of text.split(/\s+/)) w = Math.max(w, stringWidth(word));
  return w;
}

/** A text column is not narrowed below this many characters to keep a table whole (unless its longest word needs more). */
const NARROWEST_TEXT = 16;

/**
 * The columns of each group a table is split into so that every group fits `width`
 * characters: one group when the table fits, when its text columns can wrap at words to
 * fit, or when no width is known; otherwise the first column (what a row is about) starts
 * every group and the others follow in order. A column too wide on its own still gets a
 * group (see wrapWidths). `widths`: each column's characters on screen, with its padding
 * and one border.
 */
function columnGroups(columns: Column[], cells: string[][], width: number | undefined): { groups: number[][]; widths: number[]; minWidths: number[] } {
  const all = columns.map((_, i) => i);
  if (width === undefined || columns.length < 2) return { groups: [all], widths: [], minWidths: [] };
  // cli-table3: one space of padding on each side of a cell, one border character between
  // cells and one at each end
  const widths = columns.map((c, i) => {
    let m = visibleWidth(c.name);
    for (const row of cells) if (row[i] !== undefined) m = Math.max(m, visibleWidth(row[i]));
    return m + 3;
  });
  if (widths.reduce((a, b) => a + b, 1) <= width) return { groups: [all], widths, minWidths: widths };
  // what a column can shrink to by wrapping words: only text wraps, never a number or the
  // header, and not into a sliver
  const minWidths = columns.map((c, i) => {
    if (isNumericColumn(c)) return widths[i];
    let m = visibleWidth(c.name);
    for (const row of cells) if (row[i] !== undefined) m = Math.max(m, longestWord(row[i]));
    return Math.min(widths[i], Math.max(m + 3, NARROWEST_TEXT + 3));
  });
  // a table whose text wraps to fit stays whole: rows read better than blocks of columns
  if (minWidths.reduce((a, b) => a + b, 1) <= width) return { groups: [all], widths, minWidths };
  const groups: number[][] = [];
  let group = [0];
  let used = 1 + widths[0];
  for (let i = 1; i < columns.length; i++) {
    if (group.length > 1 && used + widths[i] > width) {
      groups.push(group);
      group = [0];
      used = 1 + widths[0];
    }
    group.push(i);
    used += widths[i];
  }
  groups.push(group);
  return { groups, widths, minWidths };
}

/**
 * cli-table3 column widths that fit a group into `width` by narrowing its text columns,
 * the widest first, whose words then wrap; undefined when the group fits, or when the text
 * columns cannot narrow enough without cutting a word (the table then runs past the edge,
 * whole).
 */
function wrapWidths(cols: number[], widths: number[], minWidths: number[], width: number | undefined): number[] | undefined {
  const total = cols.reduce((a, i) => a + widths[i], 1);
  if (width === undefined || total <= width) return undefined;
  const w = cols.map((i) => widths[i]);
  for (let excess = total - width; excess > 0; excess--) {
    let widest = -1;
    for (let k = 0; k < cols.length; k++) if (w[k] > minWidths[cols[k]] && (widest < 0 || w[k] > w[widest])) widest = k;
    if (widest < 0) return undefined;
    w[widest]--;
  }
  return w.map((x) => x - 1);
}
