import { createWriteStream, renameSync, statSync, unlinkSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { DataError, UsageError } from '../domain/errors.js';
import type { TextSink } from '../render/output.js';

/**
 * A sink over a stream that honours backpressure and stops quietly when the reader went away
 * (`clm ... | head`): after EPIPE every write resolves at once and nothing more is sent.
 */
export function streamSink(stream: Writable): TextSink & { closed: () => boolean } {
  let closed = false;
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') closed = true;
  };
  stream.on('error', onError);
  return {
    closed: () => closed,
    write(text: string): Promise<void> {
      if (closed || stream.destroyed) {
        closed = true;
        return Promise.resolve();
      }
      if (stream.write(text)) return Promise.resolve();
      return new Promise((resolve) => {
        const done = (): void => {
          stream.off('drain', done);
          stream.off('close', done);
          stream.off('error', done);
          resolve();
        };
        stream.once('drain', done);
        stream.once('close', done);
        stream.once('error', done);
      });
    },
  };
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
  readonly sink: TextSink;
  constructor(private readonly path: string) {
    try {
      if (!statSync(dirname(path)).isDirectory()) throw new Error('not a directory');
    } catch {
      throw new UsageError(`--output ${path}: the folder ${dirname(path)} does not exist`, 'create it first or write somewhere else');
    }
    let inPlace = false;
    let isFolder = false;
    try {
      const st = statSync(path);
      isFolder = st.isDirectory();
      inPlace = st.isCharacterDevice() || st.isBlockDevice() || st.isFIFO() || st.isSocket();
    } catch {
      // a new file
    }
    if (isFolder) throw new UsageError(`--output ${path} is a folder`, 'name a file in it, for example ' + `${path.replace(/\/+$/, '')}/out.csv`);
    this.tmp = inPlace ? undefined : `${path}.tmp-${process.pid}`;
    this.out = createWriteStream(this.tmp ?? path, { highWaterMark: FILE_BUFFER });
    this.sink = streamSink(this.out);
  }
  async commit(): Promise<void> {
    await new Promise<void>((res, rej) => this.out.end((e?: Error | null) => (e ? rej(e) : res())));
    if (this.tmp === undefined) return;
    try {
      renameSync(this.tmp, this.path);
    } catch (e) {
      throw new DataError(`cannot write the output file (${(e as Error).message})`, { file: this.path });
    }
  }
  abort(): void {
    this.out.destroy();
    if (this.tmp === undefined) return;
    try {
      unlinkSync(this.tmp);
    } catch {
      /* nothing written */
    }
  }
}
