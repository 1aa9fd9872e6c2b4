// Running a command under /usr/bin/time (wall seconds and peak RSS) and the statistics of runs.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';

export const TIME = '/usr/bin/time';
export const haveTime = existsSync(TIME);

/**
 * Runs argv (argv[0] 'node' means this Node) in cwd: {ok, seconds, rssKb, stdout} or
 * {ok: false, seconds, rssKb, error}. Without /usr/bin/time, wall time from here and no RSS.
 */
export function runTimed(argv, cwd) {
  const [cmd, ...rest] = argv;
  const exe = cmd === 'node' ? process.execPath : cmd;
  const began = process.hrtime.bigint();
  const options = { cwd, encoding: 'utf8', maxBuffer: 1 << 28 };
  const child = haveTime ? spawnSync(TIME, ['-f', '%e %M', exe, ...rest], options) : spawnSync(exe, rest, options);
  const wall = Number(process.hrtime.bigint() - began) / 1e9;
  const stderrLines = (child.stderr ?? '').split('\n').filter((l) => l.trim() !== '');
  let seconds = wall;
  let rssKb;
  if (haveTime) {
    const m = /^(\d+(?:\.\d+)?) (\d+)$/.exec(stderrLines.at(-1) ?? '');
    if (m) {
      seconds = Number(m[1]);
      rssKb = Number(m[2]);
      stderrLines.pop();
    }
  }
  if (child.error || child.status !== 0) {
    const message = stderrLines.filter((l) => !l.startsWith('Command exited with non-zero status'));
    const detail = child.error?.message ?? message.find((l) => /error|Error|cannot|Cannot/.test(l)) ?? message[0] ?? '';
    return { ok: false, seconds, rssKb, error: `exit ${child.status ?? 'n/a'}: ${detail.trim().slice(0, 240)}` };
  }
  return { ok: true, seconds, rssKb, stdout: child.stdout };
}

/** Reads the file once so the first timed run does not pay for a cold page cache. */
export function warmCache(file) {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 22);
  while (readSync(fd, buf, 0, buf.length, null) > 0);
  closeSync(fd);
}

export function median(values) {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** f(run seconds, reference seconds) per round where both ran, undefined results left out. */
export function paired(runs, reference, f) {
  const out = [];
  for (let k = 0; k < runs.length; k++) {
    if (!runs[k]?.ok || !reference[k]?.ok) continue;
    const v = f(runs[k].seconds, reference[k].seconds);
    if (v !== undefined) out.push(v);
  }
  return out;
}

/** Median over rounds of run time / reference time in the same round. */
export function pairedRatio(runs, reference) {
  return median(paired(runs, reference, (a, b) => (b > 0 ? a / b : undefined)));
}

export const fmt = (x, digits = 2) => (x === undefined || x === null || Number.isNaN(x) ? 'n/a' : x.toFixed(digits));

/** Peak RSS in MB over the successful runs, or undefined. */
export function peakMb(list) {
  const rss = list.filter((r) => r.ok && r.rssKb !== undefined).map((r) => r.rssKb);
  return rss.length ? Math.max(...rss) / 1024 : undefined;
}
