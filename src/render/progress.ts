import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * The spinner's text while inputs are read: bytes read so far of the input files' bytes on
 * disk (`reading orders.csv · 12.4 of 45.0 MB`), then whatever the run says it does
 * (`fitting BG/NBD to 4,339 customers`). Bytes are the process's read bytes (Linux
 * /proc/self/io `rchar`, which counts the reader threads too) since the reading began, so
 * the parallel reader needs no hook; where that is unknown the text names the file only.
 */
export interface ReadProgress {
  /** Takes over the text (a phase after reading) and stops counting bytes. */
  say(text: string): void;
  /** The text for the bytes read so far (called on a timer). */
  tick(): void;
  stop(): void;
}

/** Bytes this process has read so far, undefined where the system does not say. */
export function processBytesRead(): number | undefined {
  try {
    const m = /^rchar:\s*(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Megabytes, to 0.1 MB below 10 MB of `scale` (the total, so both numbers read alike). */
function mb(bytes: number, scale = bytes): string {
  return (bytes / 1e6).toFixed(scale < 1e7 ? 1 : 0);
}

/** Bytes on disk of the regular files among `paths` (stdin and pipes count nothing). */
export function inputBytes(paths: string[]): number {
  let total = 0;
  for (const p of paths) {
    try {
      const s = statSync(p);
      if (s.isFile()) total += s.size;
    } catch {
      // a missing file is the reader's error to report
    }
  }
  return total;
}

export function readProgress(
  set: (text: string) => void,
  opts: { orders: string | undefined; totalBytes: number; bytesRead?: () => number | undefined; every?: number },
): ReadProgress {
  const bytesRead = opts.bytesRead ?? processBytesRead;
  const base = bytesRead();
  const name = opts.orders === undefined ? 'the inputs' : opts.orders === '-' ? 'stdin' : basename(opts.orders);
  let done = false;
  const tick = (): void => {
    if (done) return;
    const now = bytesRead();
    if (base === undefined || now === undefined) return set(`reading ${name}`);
    // other reads of the process (modules, the config) make the count a little high: never past the end
    const read = opts.totalBytes > 0 ? Math.min(now - base, opts.totalBytes) : now - base;
    set(opts.totalBytes > 0 ? `reading ${name} · ${mb(read, opts.totalBytes)} of ${mb(opts.totalBytes)} MB (${Math.floor((100 * read) / opts.totalBytes)}%)` : `reading ${name} · ${mb(read)} MB`);
  };
  const timer = setInterval(tick, opts.every ?? 250);
  timer.unref();
  tick();
  return {
    say(text) {
      done = true;
      clearInterval(timer);
      set(text);
    },
    tick,
    stop() {
      done = true;
      clearInterval(timer);
    },
  };
}
