import type { Readable } from 'node:stream';
import { DataError } from '../domain/errors.js';
import { readChunks, type ByteRange } from './input.js';
import type { TextNote } from './utf8-guard.js';
import { CsvScanner, detectDelimiter, type Delimiter, type RecordView } from './scanner.js';

export interface TableReadOptions {
  path: string;
  stdin?: Readable;
  encoding?: string;
  /** Forced delimiter; otherwise detected from the header line. */
  delimiter?: Delimiter;
  /** Layouts (column names by field count) used when the first line is data, not a header. */
  headerless?: Record<number, string[]>;
  what: string;
  /**
   * Only these bytes of a plain file. A range that does not reach the end of the file stops
   * without end(): its last record may continue in the next range, which `complete` reports.
   */
  range?: ByteRange & { last: boolean };
  /** The header of the file when the range starts after it: every record is data. */
  header?: HeaderInfo;
  /** Warnings about the text (not UTF-8), with the file and line; none when absent. */
  warn?: (message: string) => void;
}

export interface TableScan {
  /** Data rows (records after the header). */
  rows: number;
  /** Line number the next range starts at (1 + line ends read). */
  nextLine: number;
  /** False when a range that is not the last ends inside a record. */
  complete: boolean;
}

export interface HeaderInfo {
  headers: string[];
  delimiter: Delimiter;
  /** True when the file had no header line and a headerless layout was used. */
  headerless: boolean;
}

/**
 * Streams a delimited file: detects the delimiter from the first line, hands the header to
 * `onHeader` (which returns the row handler) and every later record to that handler.
 */
export async function scanTable(
  opts: TableReadOptions,
  onHeader: (h: HeaderInfo) => (r: RecordView) => boolean | void,
): Promise<TableScan> {
  let scanner: CsvScanner | undefined;
  let handler: ((r: RecordView) => boolean | void) | undefined;
  let rows = 0;
  let sawHeader = false;
  let delimiter: Delimiter | undefined = opts.header?.delimiter ?? opts.delimiter;
  if (opts.header) {
    sawHeader = true;
    handler = onHeader(opts.header);
  }

  const onRecord = (r: RecordView): boolean | void => {
    if (!sawHeader) {
      sawHeader = true;
      const first = r.fields().map((f) => f.trim());
      const layout = opts.headerless?.[first.length];
      if (layout && first.every((f) => /^-?[\d.]+$/.test(f))) {
        handler = onHeader({ headers: layout, delimiter: delimiter!, headerless: true });
        rows++;
        return handler(r);
      }
      if (first.length === 1 && delimiter !== 'whitespace' && opts.delimiter === undefined) {
        throw new DataError(
          `cannot tell the delimiter: the header line has none of , tab ; | (${JSON.stringify(first[0].slice(0, 80))})`,
          { file: opts.path, line: r.line },
          'pass --delimiter (for example --delimiter ";" or --delimiter tab)',
        );
      }
      handler = onHeader({ headers: first, delimiter: delimiter!, headerless: false });
      return;
    }
    rows++;
    return handler!(r);
  };

  const warn = opts.warn;
  const onNote = warn && ((n: TextNote): void => warn(`${opts.path}:${scanner ? scanner.lineInNextChunk(n.linesBefore) : 1 + n.linesBefore}: ${n.message}`));
  for await (const chunk of readChunks(opts.path, opts.stdin, opts.encoding, opts.range, onNote)) {
    if (!scanner) {
      if (delimiter === undefined) delimiter = detectDelimiter(firstLine(chunk)) ?? 44;
      scanner = new CsvScanner(delimiter, onRecord, opts.path);
    }
    if (!scanner.push(chunk)) break;
  }
  // a range whose tail another reader took ends mid-file, where the cut was made
  const last = (opts.range?.last ?? true) && !opts.range?.limit?.cut;
  if (last) scanner?.end();
  if (!sawHeader) {
    throw new DataError(`the ${opts.what} file is empty`, { file: opts.path }, 'export the file again, with a header line and data rows');
  }
  return { rows, nextLine: scanner?.nextLine ?? 1, complete: last || !scanner?.midRecord };
}

function firstLine(chunk: Buffer): string {
  let end = chunk.indexOf(10);
  if (end < 0) end = Math.min(chunk.length, 1 << 16);
  return chunk.toString('utf8', 0, end).replace(/\r$/, '');
}

/** `tab`, `\t`, `comma`, `;` ... into a delimiter. */
export function parseDelimiterFlag(text: string): Delimiter | undefined {
  const t = text.toLowerCase();
  if (t === 'tab' || t === '\\t' || t === '\t') return 9;
  if (t === 'comma') return 44;
  if (t === 'semicolon') return 59;
  if (t === 'pipe') return 124;
  if (t === 'whitespace' || t === 'space') return 'whitespace';
  if (text.length === 1) return text.charCodeAt(0);
  return undefined;
}
