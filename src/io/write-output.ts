import { createWriteStream, renameSync, statSync, unlinkSync, type WriteStream } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { ClmError, OutputError, UsageError } from '../domain/errors.js';
import { cleanUpOnSignal } from './signals.js';
import type { TextSink } from '../render/output.js';

/**
 * A sink over a stream that honours backpressure and stops quietly when the reader went away
 * (`clm ... | head`): after EPIPE every write resolves at once and nothing more is sent. Any
 * other write error (ENOSPC on a full disk, EIO) is kept: writes stop, and `flush()` waits for
 * what was written and throws it as an OutputError (exit 74), so a cut file is never success.
 */
export function streamSink(stream: Writable, what = 'standard output'): TextSink & { closed: () => boolean; flush: () => Promise<void> } {
  let closed = false;
  let failure: NodeJS.ErrnoException | undefined;
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') closed = true;
    else failure ??= err;
  };
  stream.on('error', onError);
  // a stream destroyed by a failed write emits its error a tick later: read it off the stream
  // (else a flush in that tick saw only "destroyed" and the end after it said so, not ENOSPC)
  const errored = (): NodeJS.ErrnoException | undefined => {
    const e = (stream as Writable & { errored?: NodeJS.ErrnoException | null }).errored;
    if (e) onError(e);
    return failure;
  };
  const fail = (): OutputError => outputError(what, failure!);
  return {
    closed: () => closed,
    write(text: string | Uint8Array): Promise<void> {
      if (errored()) return Promise.reject(fail());
      if (closed || stream.destroyed) {
        closed = true;
        return Promise.resolve();
      }
      if (stream.write(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const done = (): void => {
          stream.off('drain', done);
          stream.off('close', done);
          stream.off('error', done);
          if (failure) reject(fail());
          else resolve();
        };
        stream.once('drain', done);
        stream.once('close', done);
        stream.once('error', done);
      });
    },
    flush(): Promise<void> {
      if (errored()) return Promise.reject(fail());
      if (closed || stream.destroyed || stream.writableEnded) return Promise.resolve();
      return new Promise((resolve, reject) => {
        stream.write('', (err?: Error | null) => {
          if (err && (err as NodeJS.ErrnoException).code !== 'EPIPE') failure ??= err as NodeJS.ErrnoException;
          if (failure) reject(fail());
          else resolve();
        });
      });
    },
  };
}

/** A Node system error (with an errno code), not one of clm's own. */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && !(e instanceof ClmError) && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** The user-facing error for a failed write or create of an output. */
export function outputError(what: string, err: NodeJS.ErrnoException): OutputError {
  const why: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EIO: 'an input/output error',
    ENAMETOOLONG: 'the name is longer than the file system allows (255 bytes a name)',
    ENOENT: 'the folder does not exist',
    EISDIR: 'it is a folder',
  };
  const partial = what === 'standard output' ? 'what reached it is incomplete' : 'nothing half-written was left';
  return new OutputError(`cannot write ${what}: ${why[err.code ?? ''] ?? err.message}`, `free space or write somewhere else; ${partial}`);
}

/** Bytes a file stream buffers before write() asks to wait (the default 16 KB made every 64 KB piece wait for its write). */
const FILE_BUFFER = 4 << 20;

/**
 * A file written to a temporary name and renamed into place only when complete, so a reader
 * (or a failed run) never sees half a file. A path that exists and is not a regular file
 * (`/dev/null`, a FIFO, a socket) is written in place: renaming over it would replace the
 * device or pipe with a plain file.
 */
export class AtomicFile {
  /** The temporary name; undefined when writing in place. */
  private readonly tmp: string | undefined;
  private readonly out: WriteStream;
  readonly sink: TextSink & { flush: () => Promise<void> };
  private readonly release: () => void;
  private done = false;
  /** `flag` names the option in messages (--output, --rejects). */
  constructor(
    private readonly path: string,
    private readonly flag = '--output',
  ) {
    try {
      if (!statSync(dirname(path)).isDirectory()) throw new Error('not a directory');
    } catch {
      throw new UsageError(`${flag} ${path}: the folder ${dirname(path)} does not exist`, 'create it first or write somewhere else');
    }
    if (Buffer.byteLength(basename(path)) > 255 - 16) throw new UsageError(`${flag} ${path}: the file name is longer than the file system allows (255 bytes, less room for a temporary suffix)`, 'choose a shorter name');
    let inPlace = false;
    let isFolder = false;
    try {
      const st = statSync(path);
      isFolder = st.isDirectory();
      inPlace = st.isCharacterDevice() || st.isBlockDevice() || st.isFIFO() || st.isSocket();
    } catch {
      // a new file
    }
    if (isFolder) throw new UsageError(`${flag} ${path} is a folder`, 'name a file in it, for example ' + `${path.replace(/\/+$/, '')}/out.csv`);
    this.tmp = inPlace ? undefined : `${path}.tmp-${process.pid}`;
    this.out = createWriteStream(this.tmp ?? path, { highWaterMark: FILE_BUFFER });
    this.sink = streamSink(this.out, `${flag} ${path}`);
    // Ctrl-C or a kill while writing: nothing temporary is left behind
    this.release = cleanUpOnSignal(() => this.abort());
  }

  /** The stream itself, for writers that do their own pacing (the rejects of the order pass). */
  get stream(): WriteStream {
    return this.out;
  }

  async commit(): Promise<void> {
    try {
      await this.sink.flush();
      await new Promise<void>((res, rej) => this.out.end((e?: Error | null) => (e ? rej(e) : res())));
      if (this.tmp !== undefined) renameSync(this.tmp, this.path);
    } catch (e) {
      this.abort();
      if (e instanceof OutputError) throw e;
      throw outputError(`${this.flag} ${this.path}`, e as NodeJS.ErrnoException);
    }
    this.finish();
  }

  abort(): void {
    this.out.destroy();
    if (this.tmp !== undefined) {
      try {
        unlinkSync(this.tmp);
      } catch {
        /* nothing written */
      }
    }
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.release();
  }
}
