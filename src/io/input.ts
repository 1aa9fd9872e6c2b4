import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { DataError, UsageError } from '../domain/errors.js';
import { Utf8Guard, type GuardedPiece, type TextNote } from './utf8-guard.js';

export interface SourceInfo {
  /** Path as given (`-` for stdin). */
  path: string;
  /** Bytes on disk (undefined for stdin). */
  bytes: number | undefined;
}

const CHUNK = 1 << 20;

/** A byte range of a plain file, [start, end); the parallel reader gives each thread one. */
export interface ByteRange {
  start: number;
  end: number;
  /** An end that another reader may bring forward while this one reads (see RangeLimit). */
  limit?: RangeLimit;
}

/**
 * The end of a range shared with another reader, which may take the range's tail while it is
 * read (engine/streaming/range-claims.ts): each read first claims its bytes.
 */
export interface RangeLimit {
  /** Before the first read (a test holds a range here until its tail is taken). */
  ready(): Promise<void>;
  /** How many of the `want` bytes from `pos` may be read (0: the range ends at pos). */
  claim(pos: number, want: number): number;
  /** True once another reader took the range's tail: it then ends mid-file, at a line start. */
  readonly cut: boolean;
}

/**
 * Opens a file (or stdin for `-`) as a stream of UTF-8 byte chunks: gunzips `.gz` (or any
 * file starting with the gzip magic), decodes `--encoding` to UTF-8, drops a BOM, and
 * refuses binary data. The first chunk is checked before anything is parsed.
 * With `range` only those bytes of a plain file are read; a range that does not start at 0
 * is the middle of a file the caller already knows to be plain UTF-8 text, so the gzip,
 * BOM and binary checks belong to the range that starts at 0.
 * Text read as UTF-8 is checked (Utf8Guard): `onNote` hears, just before the chunk that holds
 * it, of the first sequence that is not UTF-8. A range is never guessed at: it throws
 * NotUtf8 there, and the caller reads the file in one pass.
 */
export async function* readChunks(
  path: string,
  stdin: Readable | undefined,
  encoding: string | undefined,
  range?: ByteRange,
  onNote?: (note: TextNote) => void,
): AsyncGenerator<Buffer> {
  const midFile = range !== undefined && range.start > 0;
  let raw: AsyncIterable<Buffer>;
  if (path === '-') {
    if (!stdin) throw new UsageError('`-` means stdin, but there is no stdin here');
    raw = stdin;
  } else {
    const regular = statOrFail(path);
    if (range && range.end <= range.start) return;
    // a FIFO, /dev/stdin from a pipe or a process substitution (`<(zcat x.gz)`) cannot seek:
    // read it once as a stream (gzip is still recognised by its first bytes below)
    if (!regular) raw = createReadStream(path, { highWaterMark: CHUNK });
    else raw = !midFile && startsWithGzipMagic(path) ? createReadStream(path, { highWaterMark: CHUNK }) : fileChunks(path, range);
  }
  let decoder: TextDecoder | undefined;
  const enc = decoderLabel(encoding ?? 'utf-8');
  if (enc !== 'utf-8') {
    try {
      decoder = new TextDecoder(enc);
    } catch {
      throw new UsageError(`--encoding ${JSON.stringify(encoding)} is not an encoding Node knows`, 'try utf8, latin1, cp1252 (windows-1252) or utf16le');
    }
  }
  let guard = decoder === undefined ? new Utf8Guard(encoding === undefined, range !== undefined) : undefined;
  const guarded = function* (pieces: GuardedPiece[]): Generator<Buffer> {
    for (const p of pieces) {
      if (p.note) onNote?.(p.note);
      yield p.buf;
    }
  };
  let first = true;
  let stream: AsyncIterable<Buffer> = raw;
  const it = raw[Symbol.asyncIterator]();
  let head: IteratorResult<Buffer>;
  try {
    head = await it.next();
  } catch (e) {
    throw ioError(path, e);
  }
  if (!midFile && !head.done && head.value.length >= 2 && head.value[0] === 0x1f && head.value[1] === 0x8b) {
    const gunzip = createGunzip({ chunkSize: CHUNK });
    const feed = async (): Promise<void> => {
      try {
        gunzip.write(head.value);
        for (;;) {
          const r = await it.next();
          if (r.done) break;
          if (!gunzip.write(r.value)) await new Promise((res) => gunzip.once('drain', res));
        }
        gunzip.end();
      } catch (e) {
        gunzip.destroy(e as Error);
      }
    };
    void feed();
    stream = gunzip;
  } else {
    stream = (async function* () {
      try {
        if (!head.done) yield head.value;
        for (;;) {
          const r = await it.next();
          if (r.done) return;
          yield r.value;
        }
      } finally {
        // a consumer that stops early closes the file now
        await it.return?.();
      }
    })();
  }
  try {
    for await (let chunk of stream) {
      // a UTF-16 byte-order mark says how to read the file, whatever --encoding says
      if (first && !midFile && encoding === undefined && chunk.length >= 2) {
        if (chunk[0] === 0xff && chunk[1] === 0xfe) decoder = new TextDecoder('utf-16le');
        else if (chunk[0] === 0xfe && chunk[1] === 0xff) decoder = new TextDecoder('utf-16be');
        if (decoder) guard = undefined;
      }
      if (decoder) chunk = Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8');
      if (first && !midFile) {
        first = false;
        // a UTF-8 BOM (TextDecoder already drops the BOM of other encodings)
        if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
        if (looksBinary(chunk)) {
          const utf16 = utf16Order(chunk);
          throw new DataError(
            utf16 ? `this looks like UTF-16 text without a byte-order mark (${utf16 === 'le' ? 'little' : 'big'}-endian)` : 'this looks like a binary file, not CSV text',
            { file: path },
            utf16 ? `pass --encoding utf16${utf16}` : 'export the data as CSV (or TSV) text; for other encodings pass --encoding',
          );
        }
      }
      if (guard) yield* guarded(guard.push(chunk));
      else yield chunk;
    }
    if (guard) yield* guarded(guard.end());
    if (decoder) {
      const tail = decoder.decode();
      if (tail) yield Buffer.from(tail, 'utf8');
    }
  } catch (e) {
    throw ioError(path, e);
  }
}

/**
 * The bytes of a plain file in chunks of two buffers used in turn: the next read runs while
 * the consumer scans the current chunk, and no garbage piles up (a stream allocates every
 * chunk, tens of MB that a quiet heap does not collect in time). A chunk is valid until the
 * consumer asks for the one after it.
 */
async function* fileChunks(path: string, range: ByteRange | undefined): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  const bufs = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  const end = range?.end ?? Number.POSITIVE_INFINITY;
  let pos = range?.start ?? 0;
  let k = 0;
  const limit = range?.limit;
  const next = (): Promise<{ bytesRead: number }> => {
    const want = pos < end ? Math.min(CHUNK, end - pos) : 0;
    const n = limit && want > 0 ? limit.claim(pos, want) : want;
    return n > 0 ? fh.read(bufs[k], 0, n, pos) : Promise.resolve({ bytesRead: 0 });
  };
  if (limit) await limit.ready();
  let pending = next();
  try {
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) return;
      pos += bytesRead;
      const chunk = bufs[k].subarray(0, bytesRead);
      k ^= 1;
      pending = next();
      yield chunk;
    }
  } finally {
    await pending.catch(() => {});
    await fh.close();
  }
}

function startsWithGzipMagic(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

function looksBinary(chunk: Buffer): boolean {
  const n = Math.min(chunk.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = chunk[i];
    if (c === 0) return true;
    if (c < 9 || (c > 13 && c < 32)) control++;
  }
  return n > 0 && control / n > 0.1;
}

/** True for a regular file, false for a pipe, device or socket (read as a stream); errors for people otherwise. */
function statOrFail(path: string): boolean {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError('file not found', { file: path }, 'check the path (relative paths start from the current directory)');
    if (code === 'EACCES') throw new DataError('permission denied', { file: path }, 'check the file permissions');
    throw new DataError(`cannot open the file (${code ?? String(e)})`, { file: path });
  }
  if (st.isDirectory()) throw new DataError('this is a directory, not a file', { file: path }, 'name the CSV file inside it');
  return st.isFile();
}

function ioError(path: string, e: unknown): Error {
  if (e instanceof DataError || e instanceof UsageError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR' || /incorrect header check|unexpected end of file/.test(String(err.message))) {
    return new DataError(`cannot decompress: ${err.message}`, { file: path }, 'the .gz file is damaged or truncated');
  }
  if (err.code) return new DataError(`cannot read the file (${err.code}: ${err.message})`, { file: path });
  return e instanceof Error ? e : new Error(String(e));
}

export function sourceInfo(path: string): SourceInfo {
  if (path === '-') return { path, bytes: undefined };
  try {
    const st = statSync(path);
    // a pipe's size says nothing: it is read as a stream, once
    return { path, bytes: st.isFile() ? st.size : undefined };
  } catch {
    return { path, bytes: undefined };
  }
}

/**
 * The WHATWG label TextDecoder wants for an --encoding as people write it: `utf16le`, `ucs2`
 * and `utf-16` are UTF-16LE, `utf16be` big-endian, `cp1252` Windows-1252 (`latin1` and the
 * rest are WHATWG labels already).
 */
export function decoderLabel(encoding: string): string {
  const e = encoding.trim().toLowerCase();
  const compact = e.replace(/[-_]/g, '');
  if (compact === 'utf8') return 'utf-8';
  if (compact === 'utf16le' || compact === 'ucs2' || compact === 'utf16') return 'utf-16le';
  if (compact === 'utf16be') return 'utf-16be';
  if (compact === 'cp1252' || compact === 'windows1252') return 'windows-1252';
  return e;
}

/** 'le' or 'be' when the bytes look like UTF-16 text (a NUL in most odd or even positions), else undefined. */
function utf16Order(chunk: Buffer): 'le' | 'be' | undefined {
  const n = Math.min(chunk.length, 4096) & ~1;
  if (n < 8) return undefined;
  let oddNul = 0;
  let evenNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (chunk[i] === 0) evenNul++;
    if (chunk[i + 1] === 0) oddNul++;
  }
  const half = n / 2;
  if (oddNul > 0.7 * half && evenNul < 0.1 * half) return 'le';
  if (evenNul > 0.7 * half && oddNul < 0.1 * half) return 'be';
  return undefined;
}
