import { DataError } from '../domain/errors.js';

/**
 * A byte-level CSV scanner for the hot path. It finds field boundaries in UTF-8 bytes and
 * never builds strings for columns nobody asks for, which is what makes a 10M-row pass fit
 * in seconds (csv-parse builds every field). RFC 4180 quoting: a quote opens a quoted field
 * only at the start of the field, `""` inside is a literal quote, delimiters and newlines
 * inside quotes are data. CRLF, LF and lone CR end records; empty lines are skipped.
 * `whitespace` mode (CDNOW) splits on runs of spaces/tabs and has no quoting.
 * csv-parse remains the oracle: test/io/scanner.test.ts compares the two.
 */
export type Delimiter = number | 'whitespace';

const LF = 10;
const CR = 13;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

/** A record handed to the consumer; valid only during the callback. */
export class RecordView {
  buf: Buffer = Buffer.alloc(0);
  count = 0;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  escaped = new Uint8Array(64);
  /** 1-based line of the record's first byte. */
  line = 0;
  /** Set when the record has a quoting problem; the consumer rejects it. */
  malformed: string | undefined = undefined;

  field(i: number): string {
    if (i >= this.count) return '';
    const s = this.buf.toString('utf8', this.starts[i], this.ends[i]);
    return this.escaped[i] ? s.replace(/""/g, '"') : s;
  }

  isEmpty(i: number): boolean {
    return i >= this.count || this.starts[i] === this.ends[i];
  }

  fields(): string[] {
    const out: string[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.field(i);
    return out;
  }

  /** The raw text of the record (for --rejects), without the line ending. */
  raw(): string {
    if (this.count === 0) return '';
    let s = this.starts[0];
    let e = this.ends[this.count - 1];
    if (s > 0 && this.buf[s - 1] === QUOTE) s--;
    if (e < this.buf.length && this.buf[e] === QUOTE) e++;
    return this.buf.toString('utf8', s, e);
  }

  grow(): void {
    const n = this.starts.length * 2;
    const s = new Int32Array(n);
    s.set(this.starts);
    const e = new Int32Array(n);
    e.set(this.ends);
    const x = new Uint8Array(n);
    x.set(this.escaped);
    this.starts = s;
    this.ends = e;
    this.escaped = x;
  }
}

/** Records above this size mean an unclosed quote swallowed the file. */
const MAX_RECORD_BYTES = 32 * 1024 * 1024;

export class CsvScanner {
  private carry: Buffer | null = null;
  private line = 1;
  private readonly rec = new RecordView();
  private stopped = false;

  constructor(
    private readonly delimiter: Delimiter,
    private readonly onRecord: (r: RecordView) => boolean | void,
    private readonly file: string,
  ) {}

  /** Line number of the next record's first byte (1 + line ends consumed so far). */
  get nextLine(): number {
    return this.line;
  }

  /** Line of a byte `lineEnds` line ends into the next chunk pushed (the record held back counts its own). */
  lineInNextChunk(lineEnds: number): number {
    return this.line + (this.carry ? countLines(this.carry, 0, this.carry.length) : 0) + lineEnds;
  }

  /** True when the bytes pushed so far end inside a record (held back until more data or end()). */
  get midRecord(): boolean {
    return this.carry !== null;
  }

  /** Feed the next chunk; returns false once the consumer asked to stop. */
  push(chunk: Buffer): boolean {
    if (this.stopped) return false;
    if (this.carry) {
      // usually the cut record ends at the chunk's first line end: copy only that much; a
      // longer record (quoted newlines) takes the whole chunk, so each chunk is joined once
      const k = chunk.indexOf(LF);
      if (k >= 0) {
        const data = Buffer.concat([this.carry, chunk.subarray(0, k + 1)]);
        const used = this.scan(data, false);
        if (this.stopped) return false;
        if (used === data.length) {
          this.carry = null;
          chunk = chunk.subarray(k + 1);
        } else {
          this.carry = Buffer.from(data.subarray(used));
          chunk = chunk.subarray(k + 1);
          return this.pushJoined(chunk);
        }
      } else if (chunk.indexOf(CR) < 0 && this.carry.length + chunk.length <= MAX_RECORD_BYTES) {
        // no line break in the chunk: the carried record cannot end in it, so it is kept without
        // scanning it all again (a 40 MB line took 16 s of rescans; the scan starts from the
        // record's start once a line break comes, and a record past the limit goes to pushJoined)
        this.carry = Buffer.concat([this.carry, chunk]);
        return true;
      } else {
        return this.pushJoined(chunk);
      }
    }
    return this.pushJoined(chunk);
  }

  /** Joins the carried record with the whole chunk and scans both. */
  private pushJoined(chunk: Buffer): boolean {
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const used = this.scan(data, false);
    if (used < data.length) {
      if (data.length - used > MAX_RECORD_BYTES) {
        // without any quote in it, the record is one huge line, not an unclosed quote
        if (data.indexOf(QUOTE, used) < 0) this.failTooLong(data.length - used);
        this.failUnclosed();
      }
      this.carry = Buffer.from(data.subarray(used));
    } else {
      this.carry = null;
    }
    return !this.stopped;
  }

  end(): void {
    if (this.carry && !this.stopped) {
      const data = this.carry;
      this.carry = null;
      this.scan(data, true);
    }
  }

  private failTooLong(bytes: number): never {
    throw new DataError(
      `a line of more than ${Math.floor(bytes / 1024 / 1024)} MB with no line break: this is not a CSV export (or its line breaks are not \\n, \\r\\n or \\r)`,
      { file: this.file, line: this.line },
      'check that this is the right file and that it was exported as CSV text',
    );
  }

  /** `quoteLine` is the line of the opening quote when it differs from the record's first line. */
  private failUnclosed(quoteLine?: number): never {
    const where = quoteLine !== undefined && quoteLine !== this.line ? ` (the quote opens on line ${quoteLine})` : '';
    throw new DataError(
      `unclosed quote: a quoted field in the record starting here never ends${where}`,
      { file: this.file, line: this.line },
      'look for a stray " character there; fix or remove it and run again',
    );
  }

  /** Scans whole records from buf; returns the offset of the first byte not consumed. */
  private scan(buf: Buffer, eof: boolean): number {
    const n = buf.length;
    const rec = this.rec;
    rec.buf = buf;
    const ws = this.delimiter === 'whitespace';
    const d = ws ? -1 : (this.delimiter as number);
    let pos = 0;
    outer: while (pos < n) {
      const recStart = pos;
      let c = buf[pos];
      if (ws) {
        while (pos < n && (buf[pos] === SPACE || buf[pos] === TAB)) pos++;
        if (pos >= n) {
          if (!eof) return recStart;
          return n;
        }
        c = buf[pos];
      }
      if (c === LF) {
        pos++;
        this.line++;
        continue;
      }
      if (c === CR) {
        if (pos + 1 < n) {
          pos += buf[pos + 1] === LF ? 2 : 1;
          this.line++;
          continue;
        }
        if (!eof) return recStart;
        this.line++;
        return n;
      }
      let nf = 0;
      let innerLines = 0;
      rec.malformed = undefined;
      for (;;) {
        if (nf >= rec.starts.length) rec.grow();
        if (!ws && pos < n && buf[pos] === QUOTE) {
          let p = pos + 1;
          let esc = 0;
          let close = -1;
          for (;;) {
            const q = buf.indexOf(QUOTE, p);
            if (q === -1) {
              if (!eof) return recStart;
              this.failUnclosed(this.line + countLines(buf, recStart, pos));
            }
            if (q + 1 < n && buf[q + 1] === QUOTE) {
              esc = 1;
              p = q + 2;
              continue;
            }
            if (q + 1 >= n && !eof) return recStart;
            close = q;
            break;
          }
          innerLines += countLines(buf, pos + 1, close);
          rec.starts[nf] = pos + 1;
          rec.ends[nf] = close;
          rec.escaped[nf] = esc;
          nf++;
          p = close + 1;
          if (p < n) {
            c = buf[p];
            if (c !== d && c !== LF && c !== CR) {
              rec.malformed = 'text after a closing quote';
              while (p < n && buf[p] !== d && buf[p] !== LF && buf[p] !== CR) p++;
              if (p >= n && !eof) return recStart;
              rec.ends[nf - 1] = p;
            }
          }
          pos = p;
        } else if (ws) {
          let p = pos;
          while (p < n) {
            c = buf[p];
            if (c === SPACE || c === TAB || c === LF || c === CR) break;
            p++;
          }
          if (p >= n && !eof) return recStart;
          rec.starts[nf] = pos;
          rec.ends[nf] = p;
          rec.escaped[nf] = 0;
          nf++;
          while (p < n && (buf[p] === SPACE || buf[p] === TAB)) p++;
          if (p >= n && !eof) return recStart;
          pos = p;
          if (p < n && buf[p] !== LF && buf[p] !== CR) continue;
        } else {
          let p = pos;
          while (p < n) {
            c = buf[p];
            if (c === d || c === LF || c === CR) break;
            p++;
          }
          if (p >= n && !eof) return recStart;
          rec.starts[nf] = pos;
          rec.ends[nf] = p;
          rec.escaped[nf] = 0;
          nf++;
          pos = p;
        }
        // pos is at a delimiter, a line end, or the end of data
        if (pos >= n) {
          if (!eof) return recStart;
          break;
        }
        c = buf[pos];
        if (c === d) {
          pos++;
          if (pos >= n && !eof) return recStart;
          if (pos >= n) {
            if (nf >= rec.starts.length) rec.grow();
            rec.starts[nf] = pos;
            rec.ends[nf] = pos;
            rec.escaped[nf] = 0;
            nf++;
            break;
          }
          continue;
        }
        // line end
        if (c === CR) {
          if (pos + 1 >= n && !eof) return recStart;
          pos += pos + 1 < n && buf[pos + 1] === LF ? 2 : 1;
        } else {
          pos++;
        }
        break;
      }
      rec.count = nf;
      rec.line = this.line;
      this.line += 1 + innerLines;
      if (this.onRecord(rec) === false) {
        this.stopped = true;
        return n;
      }
      continue outer;
    }
    return n;
  }
}

function countLines(buf: Buffer, from: number, to: number): number {
  let k = 0;
  let p = buf.indexOf(LF, from);
  while (p !== -1 && p < to) {
    k++;
    p = buf.indexOf(LF, p + 1);
  }
  return k;
}

/**
 * Picks the delimiter from the header line: the candidate (`,` tab `;` `|`) seen most often
 * outside quotes. Returns undefined when none occurs.
 */
export function detectDelimiter(headerLine: string): number | undefined {
  const counts = new Map<number, number>([
    [44, 0],
    [9, 0],
    [59, 0],
    [124, 0],
  ]);
  let inQuote = false;
  for (let i = 0; i < headerLine.length; i++) {
    const c = headerLine.charCodeAt(i);
    if (c === QUOTE) inQuote = !inQuote;
    else if (!inQuote && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best: number | undefined;
  let bestCount = 0;
  for (const [c, k] of counts) {
    if (k > bestCount) {
      best = c;
      bestCount = k;
    }
  }
  return best;
}

export function delimiterName(d: Delimiter): string {
  if (d === 'whitespace') return 'whitespace';
  if (d === 9) return 'tab';
  return String.fromCharCode(d);
}
