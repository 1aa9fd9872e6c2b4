import { isAscii, isUtf8 } from 'node:buffer';

/**
 * The check that text read as UTF-8 is UTF-8 (issue 14, item 4). Exports saved by Excel or
 * Salesforce on Windows are Windows-1252 (cp1252): `José` is `4A 6F 73 E9`, and read as UTF-8
 * it becomes `Jos�` without a word. The guard sees every chunk before the scanner does:
 *
 * - a chunk of ASCII, or of valid UTF-8, passes as it is (one SIMD pass: the hot path);
 * - a character cut by the chunk boundary is held back and passed on with the next chunk's
 *   first bytes (a few bytes copied, never the chunk);
 * - at the first sequence that is not UTF-8 it decides, once: when nothing before it was
 *   anything but ASCII and every non-ASCII byte of that chunk is a letter in Windows-1252
 *   (é ñ ü Ø ß Š ...), the rest of the file is read as Windows-1252 (the ASCII before it reads
 *   the same); otherwise the bytes stay as they are (read as U+FFFD). Either way a note says
 *   so, with the bytes, and the caller warns with the line.
 *
 * Only the first bad sequence is looked at: the file is never held in memory or read twice.
 */

/** What the guard found, attached to the piece that holds the first bad byte. */
export interface TextNote {
  /** Line ends in that piece before the bad byte (the caller adds the line the piece starts on). */
  linesBefore: number;
  /** For people, without the file and line. */
  message: string;
}

export interface GuardedPiece {
  buf: Buffer;
  note?: TextNote;
}

/** Thrown by a guard that may not decide (a byte range of the two-thread reader): the caller reads the file in one pass. */
export class NotUtf8 extends Error {
  constructor() {
    super('not UTF-8 text');
  }
}

export class Utf8Guard {
  /** The bytes of a character the last chunk ended inside. */
  private tail: Buffer | null = null;
  /** Every byte passed on so far was ASCII. */
  private ascii = true;
  /** Set once the first bad sequence is seen: nothing more is checked. */
  private settled = false;
  private decoder: TextDecoder | undefined;

  /**
   * `guess`: Windows-1252 may be chosen (no --encoding was given). `refuse`: throw NotUtf8
   * at a bad byte instead of deciding.
   */
  constructor(
    private readonly guess: boolean,
    private readonly refuse: boolean,
  ) {}

  /** The pieces to pass on for this chunk, in order. */
  push(chunk: Buffer): GuardedPiece[] {
    const out: GuardedPiece[] = [];
    if (this.tail) {
      const have = this.tail;
      const need = sequenceLength(have[0]) - have.length;
      const k = Math.min(need, chunk.length);
      const joined = Buffer.concat([have, chunk.subarray(0, k)]);
      chunk = chunk.subarray(k);
      this.tail = null;
      if (k < need && isContinuation(joined, have.length)) {
        // a chunk of a byte or two (a pipe): still inside the character
        this.tail = joined;
        return out;
      }
      this.take(joined, out, chunk);
    }
    if (chunk.length > 0) {
      if (!this.settled) {
        const t = cutTail(chunk);
        if (t > 0) {
          this.tail = Buffer.from(chunk.subarray(chunk.length - t));
          chunk = chunk.subarray(0, chunk.length - t);
        }
      }
      if (chunk.length > 0) this.take(chunk, out);
    }
    return out;
  }

  /** The pieces left at the end of the text (a character the file ends inside is a bad sequence). */
  end(): GuardedPiece[] {
    const out: GuardedPiece[] = [];
    if (this.tail) {
      const t = this.tail;
      this.tail = null;
      this.take(t, out);
    }
    if (this.decoder) {
      const rest = this.decoder.decode();
      if (rest) out.push({ buf: Buffer.from(rest, 'utf8') });
    }
    return out;
  }

  /** `after`: the bytes that follow buf in this chunk, more evidence for the decision. */
  private take(buf: Buffer, out: GuardedPiece[], after?: Buffer): void {
    if (this.decoder) return void out.push({ buf: Buffer.from(this.decoder.decode(buf, { stream: true }), 'utf8') });
    if (this.settled) return void out.push({ buf });
    if (this.ascii && isAscii(buf)) return void out.push({ buf });
    if (isUtf8(buf)) {
      this.ascii = false;
      return void out.push({ buf });
    }
    if (this.refuse) throw new NotUtf8();
    this.settled = true;
    const at = firstBadByte(buf);
    const linesBefore = countLineEnds(buf, at);
    const shown = snippet(buf, at);
    if (this.guess && this.ascii && isAscii(buf.subarray(0, at)) && allCp1252Letters(buf, at) && (after === undefined || allCp1252Letters(after, 0))) {
      this.decoder = new TextDecoder('windows-1252');
      const text = this.decoder.decode(buf, { stream: true });
      out.push({
        buf: Buffer.from(text, 'utf8'),
        note: {
          linesBefore,
          message:
            `not UTF-8 text: read as Windows-1252 (cp1252), where its bytes are letters: ` +
            `${escaped(shown)} reads ${JSON.stringify(new TextDecoder('windows-1252').decode(shown))}; ` +
            'pass --encoding windows-1252 to say so, or another --encoding (latin1, utf-8, ...) if the names read wrong',
        },
      });
      return;
    }
    out.push({
      buf,
      note: {
        linesBefore,
        message:
          `not UTF-8 text (${escaped(shown)}): bytes like these are read as \uFFFD; ` +
          'pass --encoding windows-1252 (exports saved by Excel or Salesforce on Windows) or --encoding latin1 if the file is in one of those',
      },
    });
  }
}

/** Bytes of a UTF-8 sequence by its lead byte; 0 for a byte that cannot lead one. */
function sequenceLength(b: number): number {
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

/** True when buf[from..] are all continuation bytes. */
function isContinuation(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) if ((buf[i] & 0xc0) !== 0x80) return false;
  return true;
}

/** Bytes at the end of chunk that start a UTF-8 character the chunk ends inside (0 to 3). */
function cutTail(chunk: Buffer): number {
  const n = chunk.length;
  if (n === 0 || chunk[n - 1] < 0x80) return 0;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = chunk[n - back];
    if ((b & 0xc0) === 0x80) continue;
    const len = sequenceLength(b);
    return len > back ? back : 0;
  }
  return 0;
}

/** Offset of the first byte that does not begin (or continue) a valid UTF-8 sequence. */
function firstBadByte(buf: Buffer): number {
  const n = buf.length;
  let i = 0;
  while (i < n) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = sequenceLength(b);
    if (len === 0 || i + len > n) return i;
    const b1 = buf[i + 1];
    // the second byte's range rules out overlong forms and surrogates
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k < len; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i;
    i += len;
  }
  return n;
}

function countLineEnds(buf: Buffer, to: number): number {
  let k = 0;
  for (let p = buf.indexOf(10); p !== -1 && p < to; p = buf.indexOf(10, p + 1)) k++;
  return k;
}

/** Up to 24 bytes either side of the bad byte, within its field (line ends, delimiters and quotes bound it). */
function snippet(buf: Buffer, at: number): Buffer {
  let s = at;
  while (s > 0 && at - s < 24 && !BOUND[buf[s - 1]]) s--;
  let e = at;
  while (e < buf.length && e - at < 24 && !BOUND[buf[e]]) e++;
  return buf.subarray(s, e);
}

/** \n \r , ; tab | and " */
const BOUND = (() => {
  const t = new Uint8Array(256);
  for (const c of [10, 13, 44, 59, 9, 124, 34]) t[c] = 1;
  return t;
})();

/** The bytes as a quoted string, non-ASCII as \xNN. */
function escaped(bytes: Buffer): string {
  let s = '';
  for (const b of bytes) {
    if (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `"${s}"`;
}

/** Windows-1252 bytes from 0x80 up that are letters (Š Œ Ž š œ ž Ÿ ª µ º À-ÿ but × ÷). */
const CP1252_LETTER = (() => {
  const t = new Uint8Array(256);
  const dec = new TextDecoder('windows-1252');
  for (let b = 0x80; b < 256; b++) t[b] = /^\p{L}$/u.test(dec.decode(Uint8Array.of(b))) ? 1 : 0;
  return t;
})();

/** True when every non-ASCII byte of buf from `from` on is a Windows-1252 letter. */
function allCp1252Letters(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) {
    const b = buf[i];
    if (b >= 0x80 && CP1252_LETTER[b] === 0) return false;
  }
  return true;
}
