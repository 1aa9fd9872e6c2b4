import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtestSampleWarning, MIN_BACKTEST_PURCHASES, MIN_GAPS, MIN_REPEAT_CUSTOMERS, MIN_RFM_CUSTOMERS, rfmSampleWarning, thresholdSampleWarning } from '../../src/analytics/sample-size.js';
import type { ThresholdDerivation } from '../../src/analytics/stages.js';
import { tinyShopOrders } from '../helpers/tiny-shop.js';
import { runClm } from '../helpers/run-clm.js';

/**
 * Issue 14, item 6: numbers derived from a handful of customers are said to be shaky on
 * stderr (also under --quiet), on the report's page and in its manifest; an unconverged fit's
 * values are not charted.
 */

const tinyShop = tinyShopOrders;

const derivation = (over: Partial<ThresholdDerivation['basis']>, source: Partial<ThresholdDerivation['source']> = {}): ThresholdDerivation => ({
  thresholds: { activeDays: 60, churnDays: 120, loyalMinOrders: 3 },
  source: { activeDays: 'data', churnDays: 'data', loyalMinOrders: 'data', ...source },
  basis: { repeatCustomers: 500, gaps: 2000, gapP80: 60, purchaseDaysP80: 3, ...over },
});

describe('small-sample warnings (pure)', () => {
  it('thresholds: silent at the limits, a warning below them naming the counts and the flags', () => {
    expect(thresholdSampleWarning(derivation({ gaps: MIN_GAPS, repeatCustomers: MIN_REPEAT_CUSTOMERS }))).toBeNull();
    const few = thresholdSampleWarning(derivation({ gaps: MIN_GAPS - 1 }))!;
    expect(few).toContain(`only ${MIN_GAPS - 1} gaps`);
    expect(few).not.toContain('repeat customer');
    expect(few).toContain('--active-days');
    expect(thresholdSampleWarning(derivation({ repeatCustomers: 1 }))).toContain('only 1 repeat customer (fewer');
  });

  it('thresholds set by a flag or the config never warn; defaults (no repeat customer) do', () => {
    expect(thresholdSampleWarning(derivation({ gaps: 2, repeatCustomers: 1 }, { activeDays: 'flag', churnDays: 'flag', loyalMinOrders: 'config' }))).toBeNull();
    const none = thresholdSampleWarning(derivation({ gaps: 0, repeatCustomers: 0, gapP80: null, purchaseDaysP80: null }, { activeDays: 'default', churnDays: 'default', loyalMinOrders: 'default' }))!;
    expect(none).toContain('no customer bought on two days, so active_days is the default 60');
  });

  it('RFM: a warning under 50 scored customers, none at 50 or with nobody to score', () => {
    expect(rfmSampleWarning(MIN_RFM_CUSTOMERS)).toBeNull();
    expect(rfmSampleWarning(0)).toBeNull();
    expect(rfmSampleWarning(12)).toContain('only 12 customers (about 2 per quintile');
  });
});

describe('small backtests (pure)', () => {
  it('warns when either side of the calibration end has fewer than 30 repeat purchases', () => {
    expect(backtestSampleWarning(MIN_BACKTEST_PURCHASES, MIN_BACKTEST_PURCHASES)).toBeNull();
    expect(backtestSampleWarning(1, 1)).toContain('rests on 1 repeat purchase before the calibration end and 1 in the holdout');
    expect(backtestSampleWarning(500, 12)).toContain('and 12 in the holdout');
  });
});

describe('small samples on the commands', () => {
  const orders = tinyShop();
  const args = ['--orders', orders, '--as-of', '2024-12-31'];

  it('stages warns about its thresholds (not RFM), segments about RFM (not thresholds), also with --quiet', async () => {
    const st = await runClm(['stages', ...args, '--quiet']);
    expect(st.code).toBe(0);
    expect(st.stderr).toMatch(/warning: small sample: active_days \d+ comes from only 11 gaps between purchases \(fewer than 30\); loyal_min_orders \d+ comes from only 7 repeat customers/);
    expect(st.stderr).not.toContain('RFM');
    const seg = await runClm(['segments', ...args, '--quiet']);
    expect(seg.code).toBe(0);
    expect(seg.stderr).toContain('warning: small sample: RFM scores rank only 12 customers');
    expect(seg.stderr).not.toContain('active_days');
  });

  it('a fit that did not converge says so in words on stderr and in the manifest, whatever the reason', async () => {
    const r = await runClm(['cltv', ...args, '--format', 'json']);
    expect(r.code).toBe(0);
    const fit = JSON.parse(r.stdout).meta.fit.purchase;
    expect(fit.converged).toBe(false);
    expect(r.stderr).toMatch(/warning: BG\/NBD: the fit did not converge/);
    expect(fit.warnings.some((w: string) => w.startsWith('the fit did not converge'))).toBe(true);
  });

  it('a backtest on a handful of repeat purchases says its errors mean little', async () => {
    const r = await runClm(['backtest', ...args, '--holdout', '12w', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/small sample: the backtest rests on \d+ repeat purchases? before the calibration end and \d+ in the holdout/);
  });

  it('the demo shop (1,500 customers) has no small-sample warning', async () => {
    const r = await runClm(['customers', '--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('small sample');
  });

  it('the report puts every warning in a banner and the manifest, also with --quiet, and draws no chart of an unconverged fit', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'clm-small-rep-')), 'report');
    const r = await runClm(['report', ...args, '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const said = r.stderr.split('\n').filter((l) => l.startsWith('clm: warning: ')).map((l) => l.slice('clm: warning: '.length));
    expect(said.length).toBeGreaterThanOrEqual(2);
    expect(manifest.warnings).toEqual([...new Set(said)]);
    expect(manifest.warnings.some((w: string) => w.startsWith('small sample: RFM'))).toBe(true);
    expect(manifest.fit.purchase.converged).toBe(false);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const banner = html.match(/<aside class="warnings"[^]*?<\/aside>/)?.[0] ?? '';
    expect(banner).toContain('warnings about this run');
    expect(banner).toContain('small sample: RFM scores rank only 12 customers');
    const clv = html.match(/<section id="clv">[^]*?<\/section>/)?.[0] ?? '';
    expect(clv).toContain('The fit did not converge, so no chart of its values is drawn');
    expect(clv).not.toContain('<svg');
  });

  it('a report without warnings has no banner and an empty warnings list', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'clm-demo-rep-')), 'report');
    const r = await runClm(['report', '--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31', '--out', out, '--quiet']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).warnings).toEqual([]);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).not.toContain('class="warnings"');
  });
});
