import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { tinyShopOrders } from '../helpers/tiny-shop.js';
import { runClm } from '../helpers/run-clm.js';

/**
 * Issue 15, item 6: `clm doctor` says which analyses the data can support, exits 1 for cron
 * when one a default run uses is unsafe; cltv and report run the same checks and warn (also
 * with --quiet), and `clm cltv --fail-if 'not converged'` works.
 */

const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31'];

function write(name: string, rows: (string | number)[][]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'clm-doctor-')), name);
  writeFileSync(path, 'order_id,customer_id,order_date,amount\n' + rows.map((r) => r.join(',')).join('\n') + '\n');
  return path;
}

const tinyShop = tinyShopOrders;

/** 600 customers over 2024; customer k buys on (k mod 5) + 1 days, each order worth 10 x that: spend tied to frequency. */
function tiedShop(): string {
  const rows: (string | number)[][] = [];
  let n = 0;
  for (let k = 0; k < 600; k++) {
    const days = (k % 5) + 1;
    for (let j = 0; j < days; j++) {
      const day = 1 + ((k * 7 + j * 61) % 360);
      const d = new Date(Date.UTC(2024, 0, day)).toISOString().slice(0, 10);
      rows.push([`O${++n}`, `C${k}`, d, 10 * days + (k % 3)]);
    }
  }
  return write('tied.csv', rows);
}

const warningsOf = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('clm: warning: ')).map((l) => l.slice('clm: warning: '.length));

describe('clm doctor', () => {
  it('the demo shop: every analysis safe, exit 0, the figures in JSON', async () => {
    const r = await runClm(['doctor', ...DEMO, '--format', 'json']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const out = JSON.parse(r.stdout);
    expect(out.meta.doctor.figures).toMatchObject({ customers: 1253, repeat_buyers: 678, spend_repeat_buyers: 677, history_days: 729, nonpositive_spend_customers: 6, time_unit: 'week' });
    expect(Object.values(out.meta.doctor.verdicts).map((v) => (v as { verdict: string }).verdict)).toEqual(Array(9).fill('safe'));
  });

  it('a twelve-customer shop: the tables are printed, then exit 1 naming what is unsafe', async () => {
    const r = await runClm(['doctor', '--orders', tinyShop(), '--as-of', '2024-12-31', '--format', 'csv', '--table', 'verdicts', '--quiet']);
    expect(r.code).toBe(1);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    const v = Object.fromEntries(rows.map((x) => [x.analysis, x.verdict]));
    expect(v).toEqual({ stages: 'caution', rfm: 'caution', cohorts: 'safe', historical_clv: 'safe', bgnbd: 'unsafe', pnbd: 'unsafe', mbgnbd: 'unsafe', gamma_gamma: 'unsafe', backtest: 'caution' });
    expect(rows.find((x) => x.analysis === 'bgnbd')!.reason).toContain('only 7 repeat buyers of 12 customers (fewer than 100)');
    expect(r.stderr).toContain('clm: error: unsafe on this data, and a default run uses them: BG/NBD, Pareto/NBD, MBG/NBD, Gamma-Gamma spend (exit 1'); // --model auto may choose any
    // historical value needs no model: nothing it uses is unsafe
    const hist = await runClm(['doctor', '--orders', tinyShop(), '--as-of', '2024-12-31', '--model', 'historical', '--format', 'csv']);
    expect(hist.code).toBe(0);
  });

  it('--help explains the columns and the exit code', async () => {
    const r = await runClm(['doctor', '--help']);
    expect(r.code).toBe(0);
    for (const col of ['check ', 'value ', 'threshold ', 'verdict ', 'meaning ', 'analysis ', 'used ', 'reason ']) expect(r.stdout).toContain(`    ${col}`);
    expect(r.stdout).toContain('1 something is (for cron');
  });
});

describe('the same checks gate cltv and report', () => {
  it('cltv --fail-if "not converged" exits 1 after printing on an unconverged fit, 0 on the demo', async () => {
    const tiny = await runClm(['cltv', '--orders', tinyShop(), '--as-of', '2024-12-31', '--format', 'csv', '--table', 'model', '--fail-if', 'not converged']);
    expect(tiny.code).toBe(1);
    expect(tiny.stdout).toContain('bgnbd,converged,0,');
    expect(tiny.stderr).toContain('clm: error: --fail-if held: not converged');
    const demo = await runClm(['cltv', ...DEMO, '--format', 'json', '--fail-if', 'not converged', '--fail-if', 'unsafe']);
    expect(demo.code).toBe(0);
    expect(JSON.parse(demo.stdout).meta.fail_if).toEqual([{ condition: 'not converged', held: false }, { condition: 'unsafe', held: false }]);
    const bad = await runClm(['cltv', ...DEMO, '--fail-if', 'converged > 1']);
    expect(bad.code).toBe(2);
  });

  it('cltv warns what the data cannot support, once, also with --quiet', async () => {
    const r = await runClm(['cltv', '--orders', tinyShop(), '--as-of', '2024-12-31', '--format', 'csv', '--quiet', '--fail-if', 'unsafe']);
    expect(r.code).toBe(1);
    const said = warningsOf(r.stderr);
    expect(said.filter((w) => w.startsWith('data check: BG/NBD is UNSAFE on this data: only 7 repeat buyers of 12 customers'))).toHaveLength(1);
    expect(said.filter((w) => w.startsWith('data check: Gamma-Gamma spend is UNSAFE'))).toHaveLength(1);
    expect(said.filter((w) => w.startsWith('small sample: active_days'))).toHaveLength(1);
    expect(said.filter((w) => w.startsWith('small sample: RFM'))).toHaveLength(1);
    // cltv runs no backtest: not a word about one
    expect(said.some((w) => w.includes('backtest'))).toBe(false);
  });

  it('forecast is gated by the same checks: stderr under --quiet and the JSON meta', async () => {
    const r = await runClm(['forecast', '--orders', tinyShop(), '--as-of', '2024-12-31', '--format', 'json', '--quiet']);
    expect(r.code).toBe(0);
    const said = warningsOf(r.stderr);
    expect(said.filter((w) => w.startsWith('data check: BG/NBD is UNSAFE on this data: only 7 repeat buyers of 12 customers'))).toHaveLength(1);
    expect(said.filter((w) => w.startsWith('small sample: RFM'))).toHaveLength(1);
    const meta = JSON.parse(r.stdout).meta;
    expect(meta.data_checks).toBeDefined();
    expect(JSON.stringify(meta.data_checks)).toMatch(/unsafe/);
  });

  it('the frequency-spend correlation is said once, as a data check', async () => {
    const r = await runClm(['cltv', '--orders', tiedShop(), '--as-of', '2024-12-31', '--format', 'csv', '--quiet']);
    expect(r.code).toBe(0);
    const said = warningsOf(r.stderr).filter((w) => /correlated/.test(w));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^data check: Gamma-Gamma spend is to be read with caution on this data: spend and purchase frequency are correlated \(r = 1\.00, beyond ±0\.3\)/);
  });

  it('report: the data checks on stderr under --quiet, in the banner and in the manifest', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'clm-doctor-rep-')), 'report');
    const r = await runClm(['report', '--orders', tinyShop(), '--as-of', '2024-12-31', '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const bg = manifest.warnings.filter((w: string) => w.startsWith('data check: BG/NBD is UNSAFE'));
    expect(bg).toHaveLength(1);
    expect(warningsOf(r.stderr)).toContain(bg[0]);
    expect(manifest.data_checks.verdicts.bgnbd.verdict).toBe('unsafe');
    expect(manifest.data_checks.figures.repeat_buyers).toBe(7);
    const banner = readFileSync(join(out, 'index.html'), 'utf8').match(/<aside class="warnings"[^]*?<\/aside>/)?.[0] ?? '';
    expect(banner).toContain('data check: BG/NBD is UNSAFE on this data: only 7 repeat buyers of 12 customers');
  });
});
