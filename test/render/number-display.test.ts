/**
 * Counts read as integers and money to the cent in every table for people (issue 14, item
 * 16): the model fit, the backtest and the report's headline table mixed counts, money and
 * parameters in one 4-decimal column (`1,253.0000`, `8,310,477.0540`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv'];
/** The cell right of `name` in a terminal or Markdown table. */
function cellAfter(out: string, name: string): string {
  const line = out.split('\n').find((l) => new RegExp(`[│|] ${name.replace('.', '\\.')} +[│|]`).test(l));
  expect(line, name).toBeDefined();
  return line!.split(/[│|]/).map((c) => c.trim()).filter((c) => c !== '')[line!.split(/[│|]/).map((c) => c.trim()).filter((c) => c !== '').indexOf(name) + 1];
}

describe('numbers for people', () => {
  it('cltv: the model fit shows customers and iterations as integers, converged as yes/no; CSV keeps the plain values', async () => {
    const r = await runClm(['cltv', ...DEMO, '--format', 'table']);
    expect(r.code, r.stderr).toBe(0);
    expect(cellAfter(r.stdout, 'customers_fitted')).toBe('1,253');
    expect(cellAfter(r.stdout, 'converged')).toBe('yes');
    expect(r.stdout).toMatch(/│ r +│ +0\.2451 │/);
    expect(r.stdout).not.toMatch(/\d\.0000\b/);
    const csv = await runClm(['cltv', ...DEMO, '--format', 'csv', '--table', 'model']);
    expect(csv.stdout.split('\n')[0]).toBe('model,parameter,estimate,se,low,high'); // the interval columns follow (issue 15, item 3)
    expect(csv.stdout).toContain('bgnbd,customers_fitted,1253,,,\n');
  });

  it('summary: a median of whole days reads as a whole number', async () => {
    const r = await runClm(['summary', ...DEMO, '--format', 'table']);
    expect(cellAfter(r.stdout, 'median_days_between_purchases')).toBe('10');
    expect(cellAfter(r.stdout, 'orders_per_customer')).toBe('4.58');
  });

  it('report: the terminal table shows counts as integers, money to the cent, rates as percentages', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'clm-num-')), 'r');
    const r = await runClm(['report', ...DEMO, '--out', out, '--format', 'table']);
    expect(r.code, r.stderr).toBe(0);
    expect(cellAfter(r.stdout, 'customers')).toBe('1,253');
    expect(cellAfter(r.stdout, 'net_revenue')).toBe('426,424.87');
    expect(cellAfter(r.stdout, 'backtest.actual_purchases')).toMatch(/^\d{1,3}(,\d{3})*$/);
    expect(cellAfter(r.stdout, 'repeat_rate')).toMatch(/^\d+\.\d%$/);
    expect(r.stdout).not.toMatch(/\d\.\d{4}\b/);
    // the backtest section of report.md: no 4-decimal counts either
    const md = (await import('node:fs')).readFileSync(join(out, 'report.md'), 'utf8');
    expect(cellAfter(md, 'predicted_purchases')).toMatch(/^\d{1,3}(,\d{3})*\.\d$/);
    expect(cellAfter(md, 'mape')).toMatch(/^\d+\.\d%$/);
  });
});
