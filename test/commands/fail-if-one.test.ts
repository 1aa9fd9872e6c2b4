import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

// Issue 16, item 1: --fail-if has one implementation (src/app/fail-if.ts): one parser, one
// evaluator, one way to exit 1 (printed after the output), and the names are output names.

const dir = mkdtempSync(join(tmpdir(), 'clm-fail-if-'));
const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31'];

describe('one way to exit 1', () => {
  it('report: a held condition prints the headline table like every command, then exits 1', async () => {
    const out = join(dir, 'held');
    const r = await runClm(['report', ...DEMO, '--out', out, '--format', 'csv', '--fail-if', 'customers > 1']);
    expect(r.code).toBe(1);
    const rows = parse(r.stdout, { columns: true }) as { metric: string; value: string }[];
    expect(rows.find((x) => x.metric === 'customers')?.value).toBe('1253');
    expect(r.stderr).toBe(`clm: error: --fail-if held: customers > 1 (the report was written to ${out})\n`);
    // with --quiet nothing on stdout, the same exit and message
    const q = await runClm(['report', ...DEMO, '--out', out, '--quiet', '--fail-if', 'customers > 1']);
    expect([q.code, q.stdout, q.stderr]).toEqual([1, '', `clm: error: --fail-if held: customers > 1 (the report was written to ${out})\n`]);
  });
});

describe('one parser: every command numbers the condition in error', () => {
  it('backtest says which --fail-if is wrong, as kpis, cltv and report do', async () => {
    const r = await runClm(['backtest', ...DEMO, '--fail-if', 'mape > 0.5', '--fail-if', 'mapee > 0.5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('clm: error: --fail-if #2 unknown field `mapee`');
    expect(r.stderr).toContain('did you mean `mape`');
  });
});

describe('the names --fail-if reads are output names', () => {
  it('kpis: every KPI name --fail-if accepts is a column of the kpis CSV; the old name of a share change warns with the new one', async () => {
    const json = JSON.parse((await runClm(['kpis', ...DEMO, '--format', 'json'])).stdout);
    const header = (await runClm(['kpis', ...DEMO, '--format', 'csv', '--table', 'kpis'])).stdout.split('\n')[0].split(',');
    const names = Object.keys(json.meta.kpis.metrics).filter((n) => !['clv', 'nps', 'average_review_score'].includes(n));
    expect(names).toContain('retention_rate_change_pts');
    for (const n of names) expect(header).toContain(n);
    const all = names.map((n) => `${n} > 1e300`).join(' or ');
    expect((await runClm(['kpis', ...DEMO, '--format', 'csv', '--fail-if', all])).code).toBe(0);
    const old = await runClm(['report', ...DEMO, '--out', join(dir, 'old'), '--quiet', '--fail-if', 'retention_rate_change > 1']);
    expect(old.code).toBe(0);
    expect(old.stderr).toContain('retention_rate_change is now called retention_rate_change_pts');
  });
});
