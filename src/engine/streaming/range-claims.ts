import { openSync, readSync, closeSync } from 'node:fs';
import type { RangeLimit } from '../../io/input.js';

/**
 * The two ranges of the two-thread read (parallel-orders.ts), with ends that can move: the
 * thread that finishes its own range first takes the tail of the other's (a third part of the
 * file, read as a pass of its own), so one thread slowed by a busy core no longer leaves the
 * other waiting. Each reader claims its bytes before it reads them (RangeLimit.claim, once a
 * 1 MiB chunk); a thief cuts only beyond what the owner has claimed, at a line start, under a
 * lock both threads take, so every byte is read by exactly one of them.
 *
 * The share is plain shared memory: it crosses to the worker thread as its workerData.
 */
export interface ClaimShare {
  /** Per range k: [2k] claimed up to, [2k + 1] end (byte offsets; only under the lock). */
  offsets: Float64Array;
  /** [0] the lock; [1 + k] 1 once range k was cut; [3] the test gate (see `hold`). */
  words: Int32Array;
}

const LOCK = 0;
const CUT = 1;
const GATE = 3;

/** What a cut took: the tail [start, end) of range `from`. */
export interface Stolen {
  start: number;
  end: number;
  from: 0 | 1;
}

export const ClaimShare = {
  /** Two ranges, [start0, end0) and [start1, end1). */
  create(ranges: readonly [{ start: number; end: number }, { start: number; end: number }]): ClaimShare {
    const offsets = new Float64Array(new SharedArrayBuffer(4 * 8));
    ranges.forEach((r, k) => {
      offsets[2 * k] = r.start;
      offsets[2 * k + 1] = r.end;
    });
    return { offsets, words: new Int32Array(new SharedArrayBuffer(4 * 4)) };
  },
};

function lock(w: Int32Array): void {
  // held for a few loads and stores: spinning is cheaper than sleeping
  while (Atomics.compareExchange(w, LOCK, 0, 1) !== 0);
}

function unlock(w: Int32Array): void {
  Atomics.store(w, LOCK, 0);
}

/**
 * Range k's limit, for its reader. `held`: the first read waits until the other reader has
 * tried to cut this range (tests make the cut certain this way; `open` releases it).
 */
export function rangeLimit(share: ClaimShare, k: 0 | 1, held = false): RangeLimit {
  const { offsets, words } = share;
  return {
    ready: () => (held ? waitOpen(words) : Promise.resolve()),
    claim(pos: number, want: number): number {
      lock(words);
      const n = Math.max(0, Math.min(want, offsets[2 * k + 1] - pos));
      if (pos + n > offsets[2 * k]) offsets[2 * k] = pos + n;
      unlock(words);
      return n;
    },
    get cut() {
      return Atomics.load(words, CUT + k) === 1;
    },
  };
}

/** Lets a held range start (see rangeLimit); every way out of a two-thread read calls it. */
export function open(share: ClaimShare): void {
  Atomics.store(share.words, GATE, 1);
  Atomics.notify(share.words, GATE);
}

async function waitOpen(words: Int32Array): Promise<void> {
  if (Atomics.load(words, GATE) === 1) return;
  await waitWhile(words, GATE, 0, 60_000);
}

/**
 * Waits, without blocking this thread's event loop, while a[index] is `value` (or until
 * `timeout` ms): Atomics.waitAsync, kept alive by a timer, since a pending waitAsync does not
 * keep a thread's event loop alive (a worker thread with nothing else to do would exit, code
 * 13, while it waits).
 */
export async function waitWhile(a: Int32Array, index: number, value: number, timeout?: number): Promise<void> {
  const w = (Atomics as unknown as AtomicsWaitAsync).waitAsync(a, index, value, timeout);
  if (!w.async) return;
  const alive = setInterval(() => {}, 1 << 30);
  await w.value.finally(() => clearInterval(alive));
}

/** Atomics.waitAsync (Node 16+; in TypeScript's lib from es2024). */
interface AtomicsWaitAsync {
  waitAsync(a: Int32Array, index: number, value: number, timeout?: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

/**
 * Takes the second half of what is left of range k (from the first line start there) when at
 * least `minBytes` are left; undefined when not (or when its reader got there first).
 */
export function cutTail(share: ClaimShare, k: 0 | 1, file: string, minBytes: number): Stolen | undefined {
  const { offsets, words } = share;
  lock(words);
  const claimed = offsets[2 * k];
  const end = offsets[2 * k + 1];
  unlock(words);
  if (end - claimed < Math.max(minBytes, 2)) return undefined;
  const at = lineStartAfter(file, Math.floor(claimed + (end - claimed) / 2), end);
  if (at === undefined) return undefined;
  lock(words);
  // the reader may have claimed past the line start meanwhile; the end is as it was (one thief)
  const ok = at > offsets[2 * k] && at < offsets[2 * k + 1];
  if (ok) {
    offsets[2 * k + 1] = at;
    Atomics.store(words, CUT + k, 1);
  }
  unlock(words);
  return ok ? { start: at, end, from: k } : undefined;
}

/** The first line start after byte `from` and before `end` (64 KiB looked at), if any. */
function lineStartAfter(file: string, from: number, end: number): number | undefined {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(1 << 16, end - from));
    const n = readSync(fd, buf, 0, buf.length, from);
    const i = buf.subarray(0, n).indexOf(10);
    return i < 0 || from + i + 1 >= end ? undefined : from + i + 1;
  } finally {
    closeSync(fd);
  }
}
