/**
 * Issue 17, item 16: a pseudo-terminal that reports a width of 0 (`script`, `docker run -t`,
 * some CI runners) must not hang clm in the spinner's clear loop.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const haveScript = spawnSync('script', ['--version']).status === 0;
if (!haveScript) console.warn('no `script` (util-linux) here: the zero-width terminal check is skipped');

describe.runIf(haveScript)('a terminal without a width', () => {
  it('clm summary finishes at once with its table, and writes no endless cursor codes', () => {
    const r = spawnSync('script', ['-qc', `${process.execPath} bin/clm.js summary --orders fixtures/demo/orders.csv`, '/dev/null'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, COLUMNS: '', LINES: '' },
    });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/every row accounted for/);
    expect(r.stdout.length).toBeLessThan(100_000);
  });
});
