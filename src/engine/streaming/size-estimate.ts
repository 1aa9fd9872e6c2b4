import { closeSync, openSync, readSync } from 'node:fs';

/*
 * How many rows a plain file holds, estimated from the line length of a sample, to size the
 * orders pass's hash tables once. A hash table touches every page it has, so an over-estimate
 * costs its full size in memory (the old estimate, bytes / 60, was 1.8x too big for files with
 * 32-hex ids, ~120 MB at 10M orders); an under-estimate costs a rehash. Rows here are lines
 * (line-grain exports have fewer orders than lines, which only over-sizes small tables).
 */

/** The sample: this many bytes read at `at` (the middle of the file, or its start). */
const SAMPLE_BYTES = 1 << 16;

/** Margin over the sample's rate, for files whose lines grow longer or shorter further on. */
const MARGIN = 1.05;

/**
 * Estimated rows of a plain file of `bytes`, from the lines in a sample starting at `at`;
 * undefined when the file is gzip or UTF-16 (bytes say nothing of rows) or the sample holds
 * no whole line.
 */
export function estimateRows(file: string, bytes: number, at = 0): { rows: number; lineStart: number } | undefined {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    readSync(fd, head, 0, 2, 0);
    if ((head[0] === 0x1f && head[1] === 0x8b) || (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return undefined;
    const window = Buffer.alloc(Math.max(0, Math.min(SAMPLE_BYTES, bytes - at)));
    const n = readSync(fd, window, 0, window.length, at);
    const lf = window.subarray(0, n).indexOf(10);
    if (lf < 0 || at + lf + 1 >= bytes) return undefined;
    let lines = 0;
    for (let p = lf; p >= 0 && p < n; p = window.indexOf(10, p + 1)) lines++;
    return { rows: Math.ceil(((lines + 1) / n) * bytes * MARGIN), lineStart: at + lf + 1 };
  } finally {
    closeSync(fd);
  }
}
