import { parse } from 'csv-parse/sync';
import stringWidth from 'string-width';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderResult, type Format, type TextSink } from '../../src/render/output.js';
import { type Cell, type Column, type ColumnType, type CommandResult, type ResultTable, tableOf } from '../../src/render/result.js';
import { visibleControls } from '../../src/domain/csv-text.js';

/** Renders into a string through a collecting sink; also counts the writes. */
async function render(result: CommandResult, format: Format, color = false, width?: number): Promise<{ out: string; writes: number }> {
  let out = '';
  let writes = 0;
  const sink: TextSink = {
    write: async (s) => {
      out += s;
      writes++;
    },
  };
  await renderResult(result, format, sink, { color, width });
  return { out, writes };
}

function resultOf(...tables: ResultTable[]): CommandResult {
  return { meta: { as_of: '2024-06-30', inputs: ['orders.csv'], threshold: 0.5 }, context: ['as of 2024-06-30', 'orders: orders.csv'], tables };
}

const ANSI = /\u001b\[/;
const ESC = /\u001b/;

/** Day number (days since 1970-01-01) as YYYY-MM-DD, independently of src/domain/dates. */
function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Integer cents as a plain decimal: -123 → "-1.23". */
function centsText(cents: number): string {
  const a = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- generated tables

const textPiece = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(',', '"', '""', '\n', '\r\n', '\r', '\t', '=', '+', '-', '@', ' ', '|', '\\', '<', "'", 'é', '😀', '日本', '=SUM(A1:A9)', '@cmd', '-2+3', '\uFEFF') },
  { weight: 5, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
);
const text = fc.array(textPiece, { maxLength: 6 }).map((p) => p.join(''));

/** A generated cell: the value handed to the renderer and what each format must give back. */
interface GenCell {
  cell: Cell;
  /** Expected CSV/TSV text (before the injection guard for string columns). */
  plain: string;
  json: string | number | null;
}

const nullCell: GenCell = { cell: null, plain: '', json: null };
const orNull = (a: fc.Arbitrary<GenCell>): fc.Arbitrary<GenCell> => fc.oneof({ weight: 1, arbitrary: fc.constant(nullCell) }, { weight: 7, arbitrary: a });

const cellArb: Record<'string' | 'int' | 'money' | 'date', fc.Arbitrary<GenCell>> = {
  string: orNull(text.map((s) => ({ cell: s, plain: s, json: s }))),
  int: orNull(fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }).map((n) => ({ cell: n, plain: String(n), json: n }))),
  // money: whole cents plus noise below half a cent, so the rounded value is known exactly
  money: orNull(
    fc
      .record({ cents: fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }), noise: fc.double({ min: -0.004, max: 0.004, noNaN: true }) })
      .map(({ cents, noise }) => ({ cell: cents / 100 + noise, plain: centsText(cents), json: cents / 100 + 0 })),
  ),
  date: orNull(fc.integer({ min: -700_000, max: 2_900_000 }).map((d) => ({ cell: d, plain: isoDay(d), json: isoDay(d) }))),
};

interface GenColumn {
  col: Column;
  kind: keyof typeof cellArb;
}

const columnArb = (i: number): fc.Arbitrary<GenColumn> =>
  fc
    .record({ kind: fc.constantFrom('string', 'string', 'int', 'money', 'date') as fc.Arbitrary<keyof typeof cellArb>, fromInput: fc.boolean(), name: text })
    // names: arbitrary text (to exercise header quoting), made unique by a suffix
    .map(({ kind, fromInput, name }) => ({ kind, col: { name: `${name}_${i}`, type: kind as ColumnType, ...(fromInput ? { fromInput } : {}) } }));

const tableArb = fc
  .integer({ min: 1, max: 6 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => columnArb(i))))
  .chain((cols) =>
    fc.record({
      cols: fc.constant(cols),
      rows: fc.array(fc.tuple(...cols.map((c) => cellArb[c.kind])), { maxLength: 25 }),
    }),
  );

type GenTable = typeof tableArb extends fc.Arbitrary<infer T> ? T : never;

function toTable(g: GenTable, name = 'main', title = 'Main'): ResultTable {
  return tableOf(
    name,
    title,
    g.cols.map((c) => c.col),
    g.rows.map((r) => r.map((c) => c.cell)),
  );
}

const GUARDED = /^[=+\-@\t\r]/;

/** What a spreadsheet-bound cell must read back as: every text cell is guarded, whatever its source (issue 17, item 12). */
function expectedPlain(c: GenCell, col: GenColumn): string {
  if (col.kind !== 'string') return c.plain;
  const text = visibleControls(c.plain, true);
  return GUARDED.test(text) ? `'${text}` : text;
}

// ---------------------------------------------------------------- (a) CSV / TSV

describe('csv and tsv read back through csv-parse', () => {
  for (const [format, delimiter] of [
    ['csv', ','],
    ['tsv', '\t'],
  ] as const) {
    it(`${format}: same header, same cells, injection guard on every text column`, async () => {
      await fc.assert(
        fc.asyncProperty(tableArb, async (g) => {
          const { out } = await render(resultOf(toTable(g)), format);
          expect(out.endsWith('\n')).toBe(true);
          const back = parse(out, { delimiter }) as string[][];
          expect(back[0]).toEqual(g.cols.map((c) => c.col.name));
          expect(back.slice(1)).toEqual(g.rows.map((r) => r.map((c, i) => expectedPlain(c, g.cols[i]))));
        }),
        { numRuns: 400 },
      );
    });
  }

  it('the guard: = + - @ tab CR get a leading quote on every text cell, whatever its source; numbers are not text', async () => {
    const values = ['=1+1', '+49 30 1234', '-5', '@SUM(A1)', '\tx', '\rx', "'already", 'plain', ' =lead space', '', 'a=b'];
    const cols: Column[] = [
      { name: 'from_input', type: 'string', fromInput: true },
      { name: 'computed', type: 'string' },
      { name: 'n', type: 'int' },
    ];
    const t = tableOf('t', 'T', cols, values.map((v, i) => [v, v, -i]));
    const { out } = await render(resultOf(t), 'csv');
    const back = parse(out) as string[][];
    expect(back.slice(1).map((r) => r[0])).toEqual(["'=1+1", "'+49 30 1234", "'-5", "'@SUM(A1)", "'\tx", "'\rx", "'already", 'plain', ' =lead space', '', 'a=b']);
    expect(back.slice(1).map((r) => r[1])).toEqual(back.slice(1).map((r) => r[0]));
    // numbers are numbers, not text: a negative int is not guarded
    expect(back.slice(1).map((r) => r[2])).toEqual(values.map((_, i) => String(-i)));
  });

  it('csv and tsv write only the first table', async () => {
    const a = tableOf('a', 'A', [{ name: 'x', type: 'int' }], [[1]]);
    const b = tableOf('b', 'B', [{ name: 'y', type: 'int' }], [[2]]);
    expect((await render(resultOf(a, b), 'csv')).out).toBe('x\n1\n');
    expect((await render(resultOf(a, b), 'tsv')).out).toBe('x\n1\n');
  });

  it('a large table is written in several pieces, in order', async () => {
    const rows: Cell[][] = Array.from({ length: 20_000 }, (_, i) => [`customer-${i}`, i, i / 7]);
    const t = tableOf('t', 'T', [{ name: 'id', type: 'string', fromInput: true }, { name: 'n', type: 'int' }, { name: 'm', type: 'money' }], rows);
    let out = '';
    let writes = 0;
    // a slow sink: each write resolves later, so a renderer that did not await would interleave
    const sink: TextSink = {
      write: (s) =>
        new Promise((resolve) =>
          setTimeout(() => {
            out += s;
            writes++;
            resolve();
          }, 1),
        ),
    };
    await renderResult(resultOf(t), 'csv', sink, { color: false });
    expect(writes).toBeGreaterThan(1);
    const back = parse(out) as string[][];
    expect(back).toHaveLength(20_001);
    expect(back[12_346]).toEqual(['customer-12345', '12345', (Math.round((12345 / 7) * 100) / 100).toFixed(2)]);
  });
});

// ---------------------------------------------------------------- (b) JSON, (c) NDJSON

function expectedRows(g: GenTable): Record<string, unknown>[] {
  return g.rows.map((r) => Object.fromEntries(r.map((c, i) => [g.cols[i].col.name, c.json])));
}

describe('json', () => {
  it('is {meta, rows}: objects keyed by column name, dates YYYY-MM-DD, money to the cent', async () => {
    await fc.assert(
      fc.asyncProperty(tableArb, async (g) => {
        const result = resultOf(toTable(g));
        const { out } = await render(result, 'json');
        const doc = JSON.parse(out);
        expect(Object.keys(doc)).toEqual(['meta', 'rows']);
        expect(doc.meta).toEqual(result.meta);
        expect(doc.rows).toEqual(expectedRows(g));
      }),
      { numRuns: 300 },
    );
  });

  it('extra tables appear under `tables`, by name', async () => {
    await fc.assert(
      fc.asyncProperty(tableArb, tableArb, tableArb, async (g0, g1, g2) => {
        const { out } = await render(resultOf(toTable(g0), toTable(g1, 'by_stage', 'By stage'), toTable(g2, 'cohorts', 'Cohorts')), 'json');
        const doc = JSON.parse(out);
        expect(Object.keys(doc)).toEqual(['meta', 'rows', 'tables']);
        expect(doc.rows).toEqual(expectedRows(g0));
        expect(doc.tables).toEqual({ by_stage: expectedRows(g1), cohorts: expectedRows(g2) });
      }),
      { numRuns: 100 },
    );
  });

  it('by example', async () => {
    const t = tableOf(
      'customers',
      'Customers',
      [
        { name: 'customer_id', type: 'string', fromInput: true },
        { name: 'first_order', type: 'date' },
        { name: 'revenue', type: 'money' },
        { name: 'orders', type: 'int' },
      ],
      [
        ['=evil', 19_723, 1234.5678, 3],
        ['c2', null, 0.005, 0],
        ['c3', 0, -19.999, 1],
      ],
    );
    const doc = JSON.parse((await render({ meta: { as_of: '2024-01-01' }, context: [], tables: [t] }, 'json')).out);
    expect(doc).toEqual({
      meta: { as_of: '2024-01-01' },
      rows: [
        { customer_id: '=evil', first_order: '2024-01-01', revenue: 1234.57, orders: 3 },
        { customer_id: 'c2', first_order: null, revenue: 0.01, orders: 0 },
        { customer_id: 'c3', first_order: '1970-01-01', revenue: -20, orders: 1 },
      ],
    });
  });

  it('no rows is an empty array, still valid JSON', async () => {
    const t = tableOf('t', 'T', [{ name: 'x', type: 'int' }], []);
    expect(JSON.parse((await render(resultOf(t), 'json')).out)).toEqual({ meta: resultOf().meta, rows: [] });
  });
});

describe('ndjson', () => {
  it('one JSON object per line, one line per row of the first table', async () => {
    await fc.assert(
      fc.asyncProperty(tableArb, tableArb, async (g, other) => {
        const { out } = await render(resultOf(toTable(g), toTable(other, 'other', 'Other')), 'ndjson');
        if (g.rows.length === 0) {
          expect(out).toBe('');
          return;
        }
        expect(out.endsWith('\n')).toBe(true);
        const lines = out.slice(0, -1).split('\n');
        expect(lines).toHaveLength(g.rows.length);
        expect(lines.map((l) => JSON.parse(l))).toEqual(expectedRows(g));
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------- (d) Markdown

/** Splits a Markdown table row on pipes that are not backslash-escaped. */
function mdCells(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      cur += c + line[++i];
    } else if (c === '|') {
      cells.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  cells.push(cur);
  return cells;
}

/** A cell as a Markdown reader sees it, escapes undone. */
function mdUnescape(cell: string): string {
  return cell.slice(1, -1).replace(/\\([\\|`[\]])/g, '$1');
}

/** Markdown text: no lone CR here, that case has its own test below. */
const mdText = text.map((s) => s.replace(/\r(?!\n)/g, ''));

const mdTableArb = fc
  .integer({ min: 1, max: 5 })
  .chain((n) =>
    fc.record({
      names: fc.tuple(...Array.from({ length: n }, (_, i) => mdText.map((s) => `${s}_${i}`))),
      rows: fc.array(fc.tuple(...Array.from({ length: n }, () => fc.option(mdText, { nil: null }))), { maxLength: 12 }),
      title: mdText,
    }),
  );

/** A Markdown cell's text: line ends and tabs as spaces, other control characters shown as \xNN, < and > as entities. */
const shown = (v: string | null): string => visibleControls((v ?? '').replace(/\r\n|[\r\n\t]/g, ' ')).replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('markdown', () => {
  it('one table per ResultTable, `|` escaped, every row keeps its cells', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mdTableArb, { minLength: 1, maxLength: 3 }), async (gs) => {
        const tables = gs.map((g, k) =>
          tableOf(
            `t${k}`,
            g.title,
            g.names.map((name) => ({ name, type: 'string', fromInput: true })),
            g.rows,
          ),
        );
        const { out } = await render(resultOf(...tables), 'md');
        const lines = out.split(/\r\n|\r|\n/);
        expect(lines.filter((l) => l.startsWith('## '))).toHaveLength(gs.length);
        let at = 0;
        for (const g of gs) {
          at = lines.findIndex((l, i) => i >= at && l.startsWith('## ')) + 2;
          const header = mdCells(lines[at]);
          expect(header).toHaveLength(g.names.length + 2);
          expect(header.slice(1, -1).map(mdUnescape)).toEqual(g.names.map(shown));
          expect(lines[at + 1]).toBe(`|${g.names.map(() => ' --- ').join('|')}|`);
          for (let r = 0; r < g.rows.length; r++) {
            const cells = mdCells(lines[at + 2 + r]);
            expect(cells).toHaveLength(g.names.length + 2);
            expect(cells.slice(1, -1).map(mdUnescape)).toEqual(g.rows[r].map(shown));
          }
          at += 2 + g.rows.length;
          expect(lines[at] ?? '').toBe('');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('by example: numeric columns right-aligned, pipes and backslashes escaped', async () => {
    const t = tableOf(
      'seg',
      'Segments | by RFM',
      [
        { name: 'segment', type: 'string', fromInput: true },
        { name: 'customers', type: 'int' },
        { name: 'revenue', type: 'money' },
      ],
      [
        ['a|b', 1234, 1234.5],
        ['c\\', 5, 0],
      ],
    );
    const { out } = await render({ meta: {}, context: ['as of 2024-06-30'], tables: [t] }, 'md');
    expect(out).toBe(
      [
        '- as of 2024-06-30',
        '',
        '## Segments \\| by RFM',
        '',
        '| segment | customers | revenue |',
        '| --- | ---: | ---: |',
        '| a\\|b | 1,234 | 1,234.50 |',
        '| c\\\\ | 5 | 0.00 |',
        '',
      ].join('\n'),
    );
  });

  it('a lone CR in a cell does not end the row (CommonMark treats CR as a line ending)', async () => {
    const t = tableOf('t', 'T', [{ name: 'name', type: 'string', fromInput: true }], [['a\rb']]);
    const { out } = await render(resultOf(t), 'md');
    const lines = out.split(/\r\n|\r|\n/);
    const table = lines.slice(lines.indexOf('## T') + 2).filter((l) => l !== '');
    expect(table).toHaveLength(3); // header, separator, one data row
    for (const l of table) expect(l).toMatch(/^\|.*\|$/);
  });
});

// ---------------------------------------------------------------- (e) terminal table

describe('table', () => {
  /** Text that holds no escape character of its own. */
  const plainText = text.map((s) => s.replace(/\u001b/g, ''));

  it('with color false holds no ANSI escape codes, and shows every title and header', async () => {
    await fc.assert(
      fc.asyncProperty(tableArb, tableArb, plainText, fc.option(fc.integer({ min: 20, max: 200 })), async (g0, g1, title, width) => {
        const strip = (g: GenTable): GenTable => ({ ...g, rows: g.rows.map((r) => r.map((c) => (typeof c.cell === 'string' ? { ...c, cell: c.cell.replace(/\u001b/g, '') } : c))) });
        const a = toTable(strip(g0), 'a', 'First table');
        const b = toTable(strip(g1), 'b', title.replace(/\n|\r/g, ' ') || 'x');
        // split into column groups or not (a terminal of `width` characters), the same holds
        const { out } = await render(resultOf(a, b), 'table', false, width ?? undefined);
        expect(out).not.toMatch(ESC);
        expect(out).toContain('First table');
        expect(out).toContain('as of 2024-06-30');
      }),
      { numRuns: 100 },
    );
  });

  it('by example, with color false and with color true', async () => {
    const t = tableOf(
      'stages',
      'Customers by stage',
      [
        { name: 'stage', type: 'string' },
        { name: 'customers', type: 'int' },
        { name: 'revenue', type: 'money' },
        { name: 'share', type: 'percent' },
        { name: 'since', type: 'date' },
      ],
      [
        ['active', 12_345, 98_765.432, 0.4567, 19_723],
        ['lapsed', 7, null, 0, null],
      ],
    );
    const plain = (await render(resultOf(t), 'table', false)).out;
    expect(plain).not.toMatch(ANSI);
    for (const s of ['Customers by stage', 'stage', 'customers', 'active', '12,345', '98,765.43', '45.7%', '2024-01-01', 'lapsed']) expect(plain).toContain(s);
    const colored = (await render(resultOf(t), 'table', true)).out;
    expect(colored).toMatch(ANSI);
  });

  /** A KPI-like table: a period column and `n` wide numeric columns, and a long text column. */
  function wideTable(n: number, withText: boolean): ResultTable {
    const columns: Column[] = [{ name: 'period', type: 'string' }];
    for (let c = 0; c < n; c++) columns.push({ name: `metric_number_${c}`, type: c % 2 ? 'percent' : 'money' });
    if (withText) columns.push({ name: 'actions', type: 'string' });
    const rows: Cell[][] = [];
    for (let r = 0; r < 5; r++) {
      const row: Cell[] = [`2024-0${r + 1}`];
      for (let c = 0; c < n; c++) row.push(c % 2 ? (r + c) / 100 : 1000 * r + c + 0.25);
      if (withText) row.push(`call them back ${r} `.repeat(8).trim());
      rows.push(row);
    }
    return tableOf('wide', 'Wide table', columns, rows);
  }
  const screenLines = (out: string): string[] => out.split('\n').filter((l) => /^[┌│└]/.test(l));

  it('a table wider than the terminal is split into column groups that fit, each starting with the first column, every cell shown once', async () => {
    for (const width of [60, 80, 120]) {
      const t = wideTable(9, true);
      const { out } = await render(resultOf(t), 'table', false, width);
      const lines = screenLines(out);
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(width);
      // each group's header row starts with the first column
      const heads = lines.filter((l) => l.includes('period'));
      expect(heads.length).toBeGreaterThan(1);
      for (const h of heads) expect(h.startsWith('│ period')).toBe(true);
      for (let c = 0; c < 9; c++) expect(out.split(`metric_number_${c} `).length - 1).toBe(1);
      // the titles say which columns each group holds, and how to get whole rows
      expect(out).toContain('(columns 1-');
      // (the title wraps at words on a narrow terminal)
      expect(out.replace(/\n */g, ' ')).toContain('--format csv gives whole rows');
      // the long text wraps at words instead of running past the edge
      expect(out.replace(/[│ \n]+/g, ' ')).toContain('call them back 4 call them back 4');
    }
  });

  it('splitting and wrapping never cut a number, a header or a word; widths are screen columns (CJK and emoji take two)', async () => {
    const t = tableOf(
      'seg',
      'Segments',
      [
        { name: 'segment', type: 'string' },
        { name: 'predicted_revenue_12m', type: 'money' },
        { name: 'note', type: 'string' },
      ],
      [
        ['Loyal high-value customers (repeat) abcd', 1_234_567.5, 'see https://example.com/a/very/long/path/that/does/not/break'],
        ['New', 1_234_567_890_123.25, 'short'],
      ],
    );
    const { out } = await render(resultOf(t), 'table', false, 60);
    for (const s of ['1,234,567.50', '1,234,567,890,123.25', 'predicted_revenue_12m', 'https://example.com/a/very/long/path/that/does/not/break']) expect(out).toContain(s);
    expect(out).not.toContain('…');
    const cjk = tableOf(
      'c',
      'Customers',
      [
        { name: 'customer', type: 'string' },
        { name: 'city', type: 'string' },
        { name: 'revenue', type: 'money' },
        { name: 'orders', type: 'int' },
      ],
      [['顧客番号一二三四五六七八', '東京都千代田区丸の内一丁目 😀', 12.5, 3]],
    );
    const lines = screenLines((await render(resultOf(cjk), 'table', false, 60)).out);
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(60);
  });

  it('a table whose text column can wrap at words to fit stays one table (the summary at 80 columns)', async () => {
    const t = tableOf(
      'summary',
      'Summary',
      [
        { name: 'metric', type: 'string' },
        { name: 'display', type: 'string' },
        { name: 'definition', type: 'string' },
      ],
      [
        ['customers', '1,253', 'customers with a counted order'],
        ['prospects', '247', 'customers-file customers with no counted order'],
        ['median_days_between_purchases', '10', 'median gap between consecutive purchase days'],
      ],
    );
    const { out } = await render(resultOf(t), 'table', false, 80);
    expect(out).not.toContain('(columns');
    const lines = screenLines(out);
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(80);
    // one header row, and every row's first cell once
    expect(lines.filter((l) => l.startsWith('│ metric'))).toHaveLength(1);
    expect(out.split('median_days_between_purchases')).toHaveLength(2);
    // the definition wraps at words: its words are all there, in order, none cut
    expect(out.replace(/[│ \n]+/g, ' ')).toContain('median gap between consecutive purchase days');
    for (const word of ['customers-file', 'consecutive']) expect(out).toContain(word);
  });

  it('--explain notes, context lines and titles wrap at words to the terminal width, indented under their first line', async () => {
    const t = wideTable(9, true);
    const note = '  active_days = 30: 80th percentile of 4,132 gaps between consecutive purchase days of 678 repeat customers is 29 days, clamped to [30, 365]';
    const result: CommandResult = { ...resultOf(t), notes: ['Stage thresholds (spec §3; rules in order, first match wins):\n' + note] };
    const { out } = await render(result, 'table', false, 60);
    const prose = out.split('\n').filter((l) => !/^[┌│└├]/.test(l));
    for (const l of prose) expect(stringWidth(l)).toBeLessThanOrEqual(60);
    // no word is cut: the note's words come back in order when the lines are joined
    const start = prose.findIndex((l) => l.startsWith('  active_days'));
    expect(start).toBeGreaterThan(0);
    const joined = prose.slice(start, start + 3).join(' ').replace(/ +/g, ' ').trim();
    expect(joined).toBe(note.trim());
    expect(prose[start + 1].startsWith('    ')).toBe(true);
    // without a width (a pipe or file) the note is one line as written
    expect((await render(result, 'table', false)).out).toContain(note + '\n');
  });

  it('a table that fits, or with no width known (a pipe or file), is one table as before', async () => {
    const t = wideTable(3, false);
    const whole = (await render(resultOf(t), 'table', false)).out;
    expect((await render(resultOf(t), 'table', false, 200)).out).toBe(whole);
    expect(whole).not.toContain('(columns');
    expect(screenLines((await render(resultOf(wideTable(9, true)), 'table', false)).out).filter((l) => l.includes('period'))).toHaveLength(1);
  });

  it('with color false, escape sequences that come from the input data do not reach the terminal', async () => {
    const t = tableOf('t', 'T', [{ name: 'name', type: 'string', fromInput: true }], [['\u001b[2J\u001b[31mred']]);
    const { out } = await render(resultOf(t), 'table', false);
    expect(out).not.toMatch(ESC);
  });
});

// ---------------------------------------------------------------- (f) audience

describe('columns for one audience', () => {
  const cols: Column[] = [
    { name: 'customer_id', type: 'string', fromInput: true },
    { name: 'machine_col', type: 'int', only: 'machine' },
    { name: 'human_col', type: 'string', only: 'human' },
    { name: 'revenue', type: 'money' },
  ];
  const rows: Cell[][] = [
    ['c1', 111, 'HUMAN_ONLY_VALUE', 10],
    ['c2', 222, 'HUMAN_ONLY_VALUE', 20],
  ];
  const main = tableOf('main', 'Main', cols, rows);
  const extra = tableOf('extra', 'Extra', cols, rows);
  const result = resultOf(main, extra);

  it('csv and tsv: machine columns only', async () => {
    for (const [f, d] of [
      ['csv', ','],
      ['tsv', '\t'],
    ] as const) {
      const back = parse((await render(result, f)).out, { delimiter: d }) as string[][];
      expect(back).toEqual([
        ['customer_id', 'machine_col', 'revenue'],
        ['c1', '111', '10.00'],
        ['c2', '222', '20.00'],
      ]);
    }
  });

  it('json (every table) and ndjson: machine columns only', async () => {
    const want = [
      { customer_id: 'c1', machine_col: 111, revenue: 10 },
      { customer_id: 'c2', machine_col: 222, revenue: 20 },
    ];
    const doc = JSON.parse((await render(result, 'json')).out);
    expect(doc.rows).toEqual(want);
    expect(doc.tables).toEqual({ extra: want });
    const nd = (await render(result, 'ndjson')).out.trim().split('\n').map((l) => JSON.parse(l));
    expect(nd).toEqual(want);
  });

  it('table and md (every table): human columns only', async () => {
    for (const f of ['table', 'md'] as const) {
      const { out } = await render(result, f);
      expect(out).not.toContain('machine_col');
      expect(out).not.toContain('111');
      expect(out.split('human_col')).toHaveLength(3);
      expect(out.split('HUMAN_ONLY_VALUE')).toHaveLength(5);
    }
    const md = (await render(result, 'md')).out;
    expect(md).toContain('| customer_id | human_col | revenue |\n| --- | --- | ---: |\n| c1 | HUMAN_ONLY_VALUE | 10.00 |');
  });

  it('rows are still produced lazily once per render and the source table is not changed', async () => {
    let calls = 0;
    const lazy: ResultTable = {
      name: 'lazy',
      title: 'Lazy',
      columns: cols,
      rowCount: 2,
      rows: function* () {
        calls++;
        yield* rows;
      },
    };
    await render(resultOf(lazy), 'csv');
    await render(resultOf(lazy), 'table');
    expect(calls).toBe(2);
    expect(lazy.columns).toHaveLength(4);
  });
});

describe('long terminal tables', () => {
  it('are laid out in pieces that read as one table: one top and one bottom border, every line as wide', async () => {
    const rows: Cell[][] = Array.from({ length: 1_234 }, (_, i) => [`customer-${i}`, i * 7, i % 3 === 0 ? 'a much longer text value' : 'short']);
    const t = tableOf('t', 'T', [{ name: 'id', type: 'string' }, { name: 'n', type: 'int' }, { name: 'note', type: 'string' }], rows);
    const { out } = await render(resultOf(t), 'table');
    const lines = out.split('\n').filter((l) => /^[┌│└├]/.test(l));
    expect(lines.filter((l) => l.startsWith('┌'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('└'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('│'))).toHaveLength(1 + rows.length);
    expect(new Set(lines.map((l) => stringWidth(l))).size).toBe(1);
    expect(lines[lines.length - 2]).toContain('customer-1233');
  });
});
