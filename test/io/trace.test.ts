import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tracing } from '../../src/io/trace.js';
import { runClm } from '../helpers/run-clm.js';

/** CLM_TRACE=1: phase marks with memory on stderr (io/trace.ts), and nothing else changes. */
const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31'];
const MARK = /^clm trace: \d+\.\d\d s {2}rss \d+ MiB {2}peak \d+ MiB {2}heap \d+ MiB {2}(.+)$/;

function marks(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('clm trace:'))
    .map((l) => {
      const m = MARK.exec(l);
      expect(m, l).not.toBeNull();
      return m![1];
    });
}

describe('CLM_TRACE', () => {
  it('marks the read and the output on stderr, in order, with the same stdout; off by default and after the run', async () => {
    const plain = await runClm(['summary', ...DEMO, '--format', 'json']);
    const traced = await runClm(['summary', ...DEMO, '--format', 'json'], { env: { CLM_TRACE: '1' } });
    expect(traced.code).toBe(0);
    expect(traced.stdout).toBe(plain.stdout);
    expect(marks(plain.stderr)).toEqual([]);
    expect(marks(traced.stderr)).toEqual(['customer table built', 'orders read by the streaming engine', 'output written']);
    expect(tracing()).toBe(false);
    expect(marks((await runClm(['summary', ...DEMO, '--format', 'json'], { env: { CLM_TRACE: '0' } })).stderr)).toEqual([]);
  });

  it('a report marks each phase', async () => {
    const r = await runClm(['report', ...DEMO, '--model', 'historical', '--out', join(tmpdir(), `clm-trace-report-${process.pid}`), '--quiet'], { env: { CLM_TRACE: '1' } });
    expect(r.code).toBe(0);
    const m = marks(r.stderr);
    expect(m).toEqual([
      'customer table built',
      'orders read by the streaming engine',
      'lifecycle and stages',
      'customer values (fit and scores)',
      'backtest',
      'KPIs',
      'forecast',
      'value tables and intervals',
      'playbook, audiences and customer rows',
      'report files written',
    ]);
  });

  it('the second reading thread marks its half too (built clm, two threads)', () => {
    const r = spawnSync(process.execPath, ['bin/clm.js', 'summary', ...DEMO, '--format', 'json'], { env: { ...process.env, CLM_THREADS: '2', CLM_TRACE: '1' }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const m = marks(r.stderr);
    expect(m).toContain('first half read');
    expect(m).toContain('second half read (second thread)');
    expect(m).toContain('two-thread read merged');
    expect(JSON.parse(r.stdout).meta.orders_pass_threads).toBe(2);
  });
});
