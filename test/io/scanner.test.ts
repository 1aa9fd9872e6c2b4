import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { DataError } from '../../src/domain/errors.js';
import { CsvScanner, type Delimiter, detectDelimiter } from '../../src/io/scanner.js';

/**
 * Differential tests of the byte-level CsvScanner against csv-parse (the oracle), over
 * generated CSV fed in random chunk sizes, and over every real dataset file.
 */

interface Scanned {
  fields: string[];
  line: number;
  malformed: string | undefined;
}

/** Cuts `bytes` into pieces whose sizes cycle through `sizes` (Infinity = the rest). */
function chunksOf(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  let k = 0;
  while (pos < bytes.length) {
    const size = Math.max(1, Math.min(sizes[k++ % sizes.length], bytes.length - pos));
    // copy, so a scanner that kept a view of an old chunk would see it change under it
    out.push(Buffer.from(bytes.subarray(pos, pos + size)));
    pos += size;
  }
  return out;
}

function scanAll(bytes: Buffer, delimiter: Delimiter, sizes: readonly number[] = [Infinity], file = 'test.csv'): Scanned[] {
  const got: Scanned[] = [];
  const scanner = new CsvScanner(delimiter, (r) => void got.push({ fields: r.fields(), line: r.line, malformed: r.malformed }), file);
  for (const c of chunksOf(bytes, sizes)) scanner.push(c);
  scanner.end();
  return got;
}

function oracle(text: string | Buffer, delimiter: string): string[][] {
  return parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true }) as string[][];
}

/** Chunk-size patterns: whole input, byte by byte, or a random cycle of small sizes. */
const chunkSizes = fc.oneof(
  { weight: 1, arbitrary: fc.constant([Infinity]) },
  { weight: 1, arbitrary: fc.constant([1]) },
  { weight: 4, arbitrary: fc.array(fc.integer({ min: 1, max: 48 }), { minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 4 }) },
);

// ---------------------------------------------------------------- generated RFC 4180 CSV

const DELIMS = [',', ';', '\t', '|'] as const;
const EOLS = ['\n', '\r\n', '\r'] as const;

/** Pieces a field is built from: the characters that matter to a CSV scanner, plus any code point. */
const fieldPiece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(',', ';', '\t', '|', '"', '""', '\n', '\r\n', ' ', 'é', 'ß', '日本', '😀', '\u{1F468}\u200D\u{1F469}', '\uFEFF', '\u2028') },
  { weight: 1, arbitrary: fc.constantFrom('\r') },
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }) },
);
const fieldText = fc.oneof(
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 5, arbitrary: fc.array(fieldPiece, { maxLength: 6 }).map((p) => p.join('')) },
);
const fieldArb = fc.record({ text: fieldText, forceQuote: fc.boolean() });
const recordArb = fc.record({
  fields: fc.array(fieldArb, { minLength: 1, maxLength: 8 }),
  blankLinesBefore: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
});
const docArb = fc.record({
  delimiter: fc.constantFrom(...DELIMS),
  eol: fc.constantFrom(...EOLS),
  trailingNewline: fc.boolean(),
  records: fc.array(recordArb, { maxLength: 25 }),
});

type Doc = typeof docArb extends fc.Arbitrary<infer T> ? T : never;

function needsQuotes(s: string, delim: string): boolean {
  return s.includes(delim) || s.includes('"') || s.includes('\n') || s.includes('\r');
}

/** Renders the document; returns the text and, per non-empty record, its fields and start line. */
function render(doc: Doc): { text: string; expected: { fields: string[]; line: number }[] } {
  const lines: string[] = [];
  const expected: { fields: string[]; line: number }[] = [];
  let line = 1;
  for (const rec of doc.records) {
    for (let i = 0; i < rec.blankLinesBefore; i++) {
      lines.push('');
      line++;
    }
    const cells = rec.fields.map((f) =>
      f.forceQuote || needsQuotes(f.text, doc.delimiter) ? `"${f.text.replace(/"/g, '""')}"` : f.text,
    );
    const text = cells.join(doc.delimiter);
    lines.push(text);
    // an unquoted lone empty field is an empty line: skipped by both parsers
    if (text !== '') expected.push({ fields: rec.fields.map((f) => f.text), line });
    // lines are counted by LF (a CRLF is one line); a lone CR ends a line only between records
    line += 1 + rec.fields.reduce((k, f) => k + (f.text.match(/\n/g)?.length ?? 0), 0);
  }
  let text = lines.join(doc.eol);
  if (doc.trailingNewline && lines.length > 0) text += doc.eol;
  return { text, expected };
}

describe('CsvScanner against csv-parse on generated CSV', () => {
  it('gives the same records and fields for any chunking, and the 1-based start line of each record', () => {
    fc.assert(
      fc.property(docArb, chunkSizes, (doc, sizes) => {
        const { text, expected } = render(doc);
        const bytes = Buffer.from(text, 'utf8');
        const want = oracle(text, doc.delimiter);
        const got = scanAll(bytes, doc.delimiter.charCodeAt(0), sizes);
        expect(got.map((r) => r.fields)).toEqual(want);
        // the generator agrees with the oracle too, so the line numbers below are about these records
        expect(want).toEqual(expected.map((r) => r.fields));
        expect(got.map((r) => r.line)).toEqual(expected.map((r) => r.line));
        expect(got.every((r) => r.malformed === undefined)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('the same records whether fed whole or in any chunking (chunking invariance)', () => {
    fc.assert(
      fc.property(docArb, chunkSizes, (doc, sizes) => {
        const bytes = Buffer.from(render(doc).text, 'utf8');
        const d = doc.delimiter.charCodeAt(0);
        expect(scanAll(bytes, d, sizes)).toEqual(scanAll(bytes, d));
      }),
      { numRuns: 500 },
    );
  });

  it('handles the edge cases by name', () => {
    const cases: [string, string][] = [
      ['a,b\n', ','],
      ['a,b', ','],
      ['a,\n', ','],
      ['a,', ','],
      [',\n,', ','],
      ['""\n', ','],
      ['""', ','],
      ['"",""', ','],
      ['""""', ','],
      ['"a""b",c', ','],
      ['"a\nb",c\r\nd,e\r\n', ','],
      ['"a\r\nb";c\n\n\nd;e', ';'],
      ['x\r\r\ry', ','],
      ['\n\n\na', ','],
      ['a\tb\t"c\td"\n', '\t'],
      ['a|"|"|b', '|'],
      ['é,😀\n日本,"ü,ö"', ','],
    ];
    for (const [text, delim] of cases) {
      const want = oracle(text, delim);
      for (const sizes of [[Infinity], [1], [2], [3]]) {
        expect(scanAll(Buffer.from(text), delim.charCodeAt(0), sizes).map((r) => r.fields), JSON.stringify({ text, sizes })).toEqual(want);
      }
    }
  });

  it('a quote that is not at the start of a field is data (csv-parse needs relax_quotes for that)', () => {
    for (const [text, delim] of [[' "a" , b', '|'], ['a"b,c""d\n', ','], ['x;y "z"', ';']]) {
      const want = parse(text, { delimiter: delim, relax_quotes: true, relax_column_count: true, skip_empty_lines: true });
      expect(scanAll(Buffer.from(text), delim.charCodeAt(0), [1]).map((r) => r.fields)).toEqual(want);
    }
  });

  it('records wider than the initial field arrays (64) grow them', () => {
    const row = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `"f,${i}"` : `f${i}`)).join(',');
    const text = `${row}\n${row}\n`;
    const got = scanAll(Buffer.from(text), 44, [7]);
    expect(got.map((r) => r.fields)).toEqual(oracle(text, ','));
    expect(got[0].fields).toHaveLength(300);
  });

  it('a multi-byte character split across chunks comes out whole', () => {
    const text = 'ä😀,"日本\n語"\n';
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const scanner: string[][] = [];
      const s = new CsvScanner(44, (r) => void scanner.push(r.fields()), 'x');
      s.push(Buffer.from(bytes.subarray(0, cut)));
      s.push(Buffer.from(bytes.subarray(cut)));
      s.end();
      expect(scanner).toEqual([['ä😀', '日本\n語']]);
    }
  });

  it('stops when the consumer returns false, for any chunking', () => {
    const text = Buffer.from('a\n"b\nb"\nc\nd\n');
    for (const sizes of [[Infinity], [1], [2], [3], [5]]) {
      const seen: string[] = [];
      const s = new CsvScanner(44, (r) => (seen.push(r.field(0)), seen.length < 2), 'x');
      let more = true;
      for (const c of chunksOf(text, sizes)) if (more) more = s.push(c);
      expect(more, JSON.stringify(sizes)).toBe(false);
      expect(s.push(Buffer.from('e\n'))).toBe(false);
      s.end();
      expect(seen, JSON.stringify(sizes)).toEqual(['a', 'b\nb']);
    }
  });

  it('marks text after a closing quote as malformed instead of silently joining it', () => {
    const got = scanAll(Buffer.from('"a"b,c\nd,e\n'), 44, [1]);
    expect(got[0].malformed).toBeDefined();
    expect(got[1]).toEqual({ fields: ['d', 'e'], line: 2, malformed: undefined });
  });

  it('leaves a UTF-8 BOM alone: it is the reader\'s job, so it stays in the first field (as csv-parse with bom: false)', () => {
    const text = '\uFEFFid,name\n1,x\n';
    const got = scanAll(Buffer.from(text), 44, [1]);
    expect(got.map((r) => r.fields)).toEqual(oracle(text, ','));
    expect(got[0].fields[0]).toBe('\uFEFFid');
  });
});

// ---------------------------------------------------------------- unclosed quotes

function scanError(text: string, sizes: number[]): unknown {
  try {
    scanAll(Buffer.from(text), 44, sizes, 'orders.csv');
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('an unclosed quote at the end of input', () => {
  const cases: [string, number][] = [
    ['"abc', 1],
    ['a,b\n"c,d\n', 2],
    ['a,b\r\nc,d\r\ne,"f\r\ng\r\n', 3],
    ['"x\ny",z\n\n"unclosed\nmore\nlines', 4],
    ['a\n\n\nb,"c', 4],
  ];
  it.each(cases)('%j throws a DataError naming line %i, for any chunking', (text, line) => {
    for (const sizes of [[Infinity], [1], [2], [5]]) {
      const e = scanError(text, sizes);
      expect(e, JSON.stringify(sizes)).toBeInstanceOf(DataError);
      const err = e as DataError;
      expect(err.location).toEqual({ file: 'orders.csv', line });
      expect(err.message).toMatch(/unclosed quote/);
      expect(err.exitCode).toBe(3);
    }
  });

  it('names the line where the record started, also when an earlier field of that record spans lines', () => {
    // record starts on line 2; its second field ends on line 3 and its third field, opened on line 3, never closes
    const e = scanError('h1,h2,h3\nx,"a\nb","unclosed\nmore', [Infinity]);
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).location.line).toBe(2);
  });

  it('a stray quote early in a big file fails without rejoining the record once per line', () => {
    // 1.3 MB of ordinary lines after a stray quote, fed in 64 KB chunks as read-table does.
    // Work is counted, not timed: the scanner may join the carried record with a chunk at
    // most twice per chunk (a per-line rejoin, the bug seen in 2d39cd4, made 30,000 joins).
    const body = 'c123,2024-01-01,19.99,some text here padding\n'.repeat(30_000);
    const bytes = Buffer.from(`id,date,amount,note\n"stray${body}`);
    const concat = vi.spyOn(Buffer, 'concat');
    try {
      const s = new CsvScanner(44, () => {}, 'big.csv');
      expect(() => {
        for (let p = 0; p < bytes.length; p += 65_536) s.push(bytes.subarray(p, p + 65_536));
        s.end();
      }).toThrow(DataError);
      expect(concat.mock.calls.length).toBeLessThanOrEqual(2 * Math.ceil(bytes.length / 65_536));
    } finally {
      concat.mockRestore();
    }
  });

  it('records before the broken one are still delivered', () => {
    const got: string[][] = [];
    const s = new CsvScanner(44, (r) => void got.push(r.fields()), 'f');
    s.push(Buffer.from('a,b\nc,d\n"e'));
    expect(() => s.end()).toThrow(DataError);
    expect(got).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });
});

// ---------------------------------------------------------------- whitespace mode (CDNOW)

const wsToken = fc
  .array(
    fc.oneof(
      fc.constantFrom('a', '0', '1997', '.', '-', '"', "'", ',', ';', '|', 'é', '😀', '\u00a0', '\v'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }).filter((s) => !/[ \t\r\n]/.test(s)),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((p) => p.join(''));
const wsRun = fc.array(fc.constantFrom(' ', '\t'), { minLength: 1, maxLength: 4 }).map((p) => p.join(''));
const wsLine = fc.record({
  tokens: fc.array(wsToken, { maxLength: 6 }),
  seps: fc.array(wsRun, { minLength: 6, maxLength: 6 }),
  lead: fc.oneof(fc.constant(''), wsRun),
  trail: fc.oneof(fc.constant(''), wsRun),
});
const wsDoc = fc.record({
  eol: fc.constantFrom(...EOLS),
  trailingNewline: fc.boolean(),
  lines: fc.array(wsLine, { maxLength: 20 }),
});

describe('CsvScanner whitespace mode', () => {
  it('splits on runs of spaces and tabs, ignores leading/trailing blanks and blank lines, has no quoting', () => {
    fc.assert(
      fc.property(wsDoc, chunkSizes, (doc, sizes) => {
        const lines = doc.lines.map((l) => l.lead + l.tokens.map((t, i) => (i > 0 ? l.seps[i] : '') + t).join('') + l.trail);
        let text = lines.join(doc.eol);
        if (doc.trailingNewline && lines.length > 0) text += doc.eol;
        const expected = doc.lines.flatMap((l, i) => (l.tokens.length > 0 ? [{ fields: l.tokens, line: i + 1 }] : []));
        const got = scanAll(Buffer.from(text), 'whitespace', sizes);
        expect(got.map(({ fields, line }) => ({ fields, line }))).toEqual(expected);
      }),
      { numRuns: 800 },
    );
  });

  it('reads the CDNOW layout', () => {
    const text = ' customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n\r\n 00002 19970112  1   12.00\r\n';
    const got = scanAll(Buffer.from(text), 'whitespace', [3]);
    expect(got).toEqual([
      { fields: ['customer_id', 'date', 'number_of_cds', 'dollar_value'], line: 1, malformed: undefined },
      { fields: ['00001', '19970101', '1', '11.77'], line: 2, malformed: undefined },
      { fields: ['00002', '19970112', '1', '12.00'], line: 4, malformed: undefined },
    ]);
  });

  it('a quote is data', () => {
    expect(scanAll(Buffer.from('"a b" "c\n'), 'whitespace', [1]).map((r) => r.fields)).toEqual([['"a', 'b"', '"c']]);
  });
});

// ---------------------------------------------------------------- detectDelimiter

describe('detectDelimiter', () => {
  it.each([
    ['id,name,amount', 44],
    ['id;name;amount', 59],
    ['id\tname\tamount', 9],
    ['id|name|amount', 124],
    ['"a,b,c";d;e', 59],
    ['"x;y;z|w","p\tq",r', 44],
    ['"Name, full"|"Date; local"', 124],
    ['single', undefined],
    ['', undefined],
    ['"a,b;c|d\te"', undefined],
  ])('%j → %s', (line, want) => {
    expect(detectDelimiter(line)).toBe(want);
  });

  it('finds the delimiter a header was joined with, whatever the other candidates inside quotes', () => {
    const plain = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '_', ' ', '1', 'é', '#'), maxLength: 6 });
    const quoted = fc
      .string({ unit: fc.constantFrom('a', ',', ';', '\t', '|', ' ', '""'), maxLength: 8 })
      .map((s) => `"${s}"`);
    fc.assert(
      fc.property(fc.constantFrom(...DELIMS), fc.array(fc.oneof(plain, quoted), { minLength: 2, maxLength: 12 }), (d, cells) => {
        expect(detectDelimiter(cells.join(d))).toBe(d.charCodeAt(0));
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------- real datasets

import { DATASETS } from '../helpers/datasets.js';
const haveDatasets = existsSync(DATASETS);
if (!haveDatasets) console.warn(`skipping the real-dataset scanner run: ${DATASETS} is not here`);

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return listFiles(p);
      return /\.(csv|txt|csv\.gz)$/.test(name) ? [p] : [];
    });
}

function firstLine(bytes: Buffer): string {
  const end = bytes.indexOf(10);
  return bytes.toString('utf8', 0, end < 0 ? bytes.length : end).replace(/\r$/, '');
}

describe.skipIf(!haveDatasets)('CsvScanner against csv-parse on every real dataset file', () => {
  const files = haveDatasets ? listFiles(DATASETS) : [];

  it('finds the datasets', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(files.some((f) => f.endsWith('.gz'))).toBe(true);
  });

  it.each(files.map((f) => [relative(DATASETS, f), f]))('%s', (_name, file) => {
    let bytes = readFileSync(file);
    if (file.endsWith('.gz')) bytes = gunzipSync(bytes);
    const small = bytes.length < 4 << 20;
    const chunkings = small ? [[65536], [997, 13, 4099]] : [[65536]];

    if (/\/cdnow\/.*\.txt$/.test(file)) {
      const want: { fields: string[]; line: number }[] = [];
      bytes
        .toString('utf8')
        .split(/\r\n|\n|\r/)
        .forEach((l, i) => {
          if (l.trim() !== '') want.push({ fields: l.trim().split(/\s+/), line: i + 1 });
        });
      expect(want.length).toBeGreaterThan(1000);
      for (const sizes of chunkings) {
        const got = scanAll(bytes, 'whitespace', sizes, file);
        expect(got.length).toBe(want.length);
        expect(got.map(({ fields, line }) => ({ fields, line }))).toEqual(want);
      }
      return;
    }

    const delim = detectDelimiter(firstLine(bytes)) ?? 44;
    const want = oracle(bytes, String.fromCharCode(delim));
    expect(want.length).toBeGreaterThan(0);
    for (const sizes of chunkings) {
      const got = scanAll(bytes, delim, sizes, file);
      expect(got.length, `record count, chunks ${sizes}`).toBe(want.length);
      // compare field by field without building a giant diff on the first mismatch
      for (let i = 0; i < want.length; i++) {
        if (got[i].fields.length !== want[i].length || got[i].fields.some((f, j) => f !== want[i][j])) {
          expect({ record: i, line: got[i].line, fields: got[i].fields }).toEqual({ record: i, line: got[i].line, fields: want[i] });
        }
      }
      expect(got.every((r) => r.malformed === undefined)).toBe(true);
      for (let i = 1; i < got.length; i++) {
        if (got[i].line <= got[i - 1].line) expect({ record: i, line: got[i].line }).toEqual({ record: i, line: `> ${got[i - 1].line}` });
      }
    }
  });
});
