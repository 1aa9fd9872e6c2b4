import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../helpers/datasets.js';
import { runClm } from '../helpers/run-clm.js';

const sample = join(DATASETS, 'cdnow', 'CDNOW_sample.txt');
const published = join(DATASETS, 'cdnow', 'cdnow_customers_summary.csv');
const have = existsSync(sample) && existsSync(published);
if (!have) console.warn(`skipping clm cltv/backtest CDNOW tests: ${sample} not found (set CLM_DATASETS)`);

const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31'];

describe.skipIf(!have)('clm backtest and clm cltv on CDNOW', () => {
  it('backtest: 2,457 calibration and 1,882 holdout repeat purchases; the tables add up', async () => {
    const r = await runClm(['backtest', '--orders', sample, '--preset', 'cdnow', '--calibration-end', '1997-09-30', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const m = j.meta.backtest.metrics;
    expect(m.customers).toBe(2357);
    expect(m.calibration_purchases).toBe(2457);
    expect(m.actual_purchases).toBe(1882);
    // the model's own closed form (eq. 10 over 39 weeks), summed: see test/analytics/clv for the independent series
    expect(m.predicted_purchases).toBeCloseTo(1653.41, 1);
    expect(j.meta.backtest.holdout_units).toBeCloseTo(39, 6);
    const byFreq = j.tables.by_frequency as { calibration_frequency: string; customers: number; predicted: number; actual: number }[];
    expect(byFreq.map((x) => x.calibration_frequency)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(byFreq.reduce((s, x) => s + x.customers, 0)).toBe(2357);
    expect(byFreq.reduce((s, x) => s + x.actual * x.customers, 0)).toBeCloseTo(1882, 6);
    expect(byFreq.reduce((s, x) => s + x.predicted * x.customers, 0)).toBeCloseTo(m.predicted_purchases, 6);
    const tracking = j.tables.tracking as { actual_cumulative: number }[];
    expect(tracking).toHaveLength(39);
    expect(tracking[38].actual_cumulative).toBe(1882);
  });

  it('backtest --fail-if exits 1 after printing when a metric crosses the line', async () => {
    const args = ['backtest', '--orders', sample, '--preset', 'cdnow', '--calibration-end', '1997-09-30', '--format', 'csv', '--table', 'backtest'];
    const held = await runClm([...args, '--fail-if', 'backtest.abs_error > 0.1']);
    expect(held.code).toBe(1);
    expect(held.stdout).toContain('actual_purchases,1882');
    expect(held.stderr).toContain('--fail-if held: backtest.abs_error > 0.1');
    const fine = await runClm([...args, '--fail-if', 'mape > 0.5']);
    expect(fine.code).toBe(0);
    const typo = await runClm([...args, '--fail-if', 'mapee > 0.5']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean `mape`');
  });

  it('cltv --summary fits the published CDNOW summary to the published BG/NBD parameters', async () => {
    // BG/NBD by name: the default (auto) picks by AIC on a summary
    const r = await runClm(['cltv', '--summary', published, '--model', 'bgnbd', '--time-unit', 'week', '--format', 'json']);
    expect(r.code).toBe(0);
    const fit = JSON.parse(r.stdout).meta.fit.purchase;
    expect(fit.params.r).toBeCloseTo(0.2426, 3);
    expect(fit.params.alpha).toBeCloseTo(4.4136, 3);
    expect(fit.params.a).toBeCloseTo(0.7929, 3);
    expect(fit.params.b).toBeCloseTo(2.4259, 3);
    expect(fit.log_likelihood).toBeCloseTo(-9582.43, 1);
    expect(fit.converged).toBe(true);
  });

  it('cltv on the orders: value by stage, segment and cohort covers every customer with an order once', async () => {
    const r = await runClm(['cltv', '--orders', sample, '--preset', 'cdnow', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const t of ['value_by_stage', 'value_by_segment', 'value_by_cohort']) {
      const rows = j.tables[t] as { customers: number; total_clv: number }[];
      expect(rows.reduce((s, x) => s + x.customers, 0), t).toBe(2357);
    }
    const cohorts = (j.tables.value_by_cohort as { cohort: string }[]).map((x) => x.cohort);
    expect(cohorts).toEqual(['1997-01', '1997-02', '1997-03']);
    const total = (t: string): number => (j.tables[t] as { total_clv: number }[]).reduce((s, x) => s + x.total_clv, 0);
    // rows are rounded to cents in JSON, so the totals agree to a few cents
    expect(total('value_by_segment')).toBeCloseTo(total('value_by_stage'), 0);
  });
});

describe('clm cltv on the demo shop', () => {
  it('a higher discount never raises a customer value; a margin scales it', async () => {
    const run = async (extra: string[]) => {
      const r = await runClm(['customers', ...DEMO, '--model', 'bgnbd', '--format', 'csv', ...extra]);
      expect(r.code).toBe(0);
      return new Map((parse(r.stdout, { columns: true }) as Record<string, string>[]).map((x) => [x.customer_id, x]));
    };
    const d0 = await run(['--discount', '0']);
    const d2 = await run(['--discount', '0.2']);
    const m5 = await run(['--discount', '0', '--margin', '0.5']);
    let compared = 0;
    for (const [id, a] of d0) {
      if (a.clv === '') {
        expect(a.orders).toBe('0');
        continue;
      }
      compared++;
      expect(Number(d2.get(id)!.clv)).toBeLessThanOrEqual(Number(a.clv) + 0.005);
      expect(Number(m5.get(id)!.clv)).toBeCloseTo(Number(a.clv) / 2, 1);
      const p = Number(a.p_alive);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      expect(Number(a.churn_risk)).toBeCloseTo(1 - p, 6);
    }
    expect(compared).toBe(1253);
  });

  it('historical and formula models need no fit', async () => {
    const h = await runClm(['cltv', ...DEMO, '--model', 'historical', '--margin', '0.5', '--format', 'json']);
    expect(h.code).toBe(0);
    // without a model table the stage values are the first table: the rows
    const byStage = JSON.parse(h.stdout).rows as { total_clv: number; historical_revenue: number }[];
    expect(byStage.length).toBeGreaterThan(0);
    for (const s of byStage) expect(s.total_clv).toBeCloseTo(s.historical_revenue / 2, 1);
    const f = await runClm(['cltv', ...DEMO, '--model', 'formula', '--format', 'json']);
    expect(f.code).toBe(0);
    const rows = JSON.parse(f.stdout).rows as { group: string; clv: number; customers: number }[];
    expect(rows[0].group).toBe('all customers');
    expect(rows[0].customers).toBe(1253);
    expect(rows[0].clv).toBeGreaterThan(0);
  });

  it('bad options are usage errors', async () => {
    for (const [flag, value, words] of [
      ['--horizon', '12x', 'is not a duration'],
      ['--discount', '-1', '--discount "-1" is not valid'],
      ['--margin', '2', '--margin "2" is not valid'],
    ]) {
      const r = await runClm(['cltv', ...DEMO, flag, value]);
      expect(r.code, flag).toBe(2);
      expect(r.stderr).toContain(words);
    }
  });
});

const uci = join(DATASETS, 'online-retail', 'online_retail_2010-12_2011-12.csv.gz');
if (!existsSync(uci)) console.warn(`skipping the UCI CLV fit: ${uci} not found (set CLM_DATASETS)`);

describe.skipIf(!existsSync(uci))('clm cltv on UCI online retail', () => {
  it('BG/NBD and Gamma-Gamma converge with standard errors, spend is weakly tied to frequency, values are finite', async () => {
    const r = await runClm(['cltv', '--orders', uci, '--preset', 'online-retail', '--model', 'bgnbd', '--format', 'json']);
    // said: the one-time buyers' caveat of BG/NBD, and no intervals (a is loosely pinned down: se of ln a ≈ 3)
    const said = r.stderr.split('\n').filter(Boolean);
    expect(said).toHaveLength(2);
    expect(said[0]).toMatch(/^clm: warning: BG\/NBD gives P\(alive\) = 1 to the 1,549 customers without a repeat purchase/);
    expect(said[1]).toMatch(/^clm: warning: the interval columns are left empty: the data pins BG\/NBD's a down too loosely/);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const { purchase, spend } = j.meta.fit;
    expect(purchase.customers).toBe(4339);
    expect(purchase.converged).toBe(true);
    expect(spend.converged).toBe(true);
    for (const k of ['r', 'alpha']) {
      expect(purchase.params[k]).toBeGreaterThan(0);
      expect(purchase.se[k]).toBeGreaterThan(0);
      // the estimate is well identified: many standard errors from zero
      expect(purchase.params[k] / purchase.se[k]).toBeGreaterThan(10);
    }
    for (const k of ['p', 'q', 'v']) expect(spend.params[k] / spend.se[k]).toBeGreaterThan(5);
    expect(Math.abs(j.meta.fit.spend_frequency_correlation)).toBeLessThan(0.3);
    const top = j.tables.top_customers as { clv: number; p_alive: number }[];
    for (const c of top) {
      expect(Number.isFinite(c.clv)).toBe(true);
      expect(c.p_alive).toBeGreaterThanOrEqual(0);
      expect(c.p_alive).toBeLessThanOrEqual(1);
    }
  });
});
