/**
 * `clm cltv --summaries DIR` (issue 13 items 2 and 5): the model fitted on the summary tables a
 * warehouse writes gives the per-customer fit, and stderr says what needs per-customer rows.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rfmCountsOf, spendCountsOf } from '../../src/analytics/clv/summary-tables.js';
import { summaryFromArrays } from '../../src/analytics/clv/summary.js';
import { rfmCountsCsv, spendCountsCsv } from '../../src/domain/summaries.js';
import { DATASETS } from '../helpers/datasets.js';
import { runClm } from '../helpers/run-clm.js';

const CDNOW = join(DATASETS, 'cdnow', 'cdnow_customers_summary_with_transactions.csv');
const published = join(DATASETS, 'cdnow', 'cdnow_customers_summary.csv');
const have = existsSync(CDNOW) && existsSync(published);

/** The CDNOW sample's summary tables, as a warehouse would write them (unit column included or not). */
function summariesDir(withUnit: boolean, withSpend = true): string {
  const lines = readFileSync(CDNOW, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const s = summaryFromArrays({
    ids: lines.map((l) => l[0]),
    frequency: lines.map((l) => Number(l[1])),
    recency: lines.map((l) => Number(l[2])),
    T: lines.map((l) => Number(l[3])),
    monetary: lines.map((l) => Number(l[4])),
    unit: 'week',
  });
  const dir = mkdtempSync(join(tmpdir(), 'clm-summaries-'));
  const rfm = rfmCountsOf(s);
  writeFileSync(join(dir, 'rfm_counts.csv'), rfmCountsCsv(withUnit ? rfm : { ...rfm, unit: undefined }));
  if (withSpend) writeFileSync(join(dir, 'spend_counts.csv'), spendCountsCsv(spendCountsOf(s)));
  return dir;
}

describe.skipIf(!have)('clm cltv --summaries DIR', () => {
  it('fits BG/NBD and Gamma-Gamma on the counts: the per-customer fit of --summary, and stderr names what needs customer rows', async () => {
    const dir = summariesDir(true);
    const r = await runClm(['cltv', '--summaries', dir, '--model', 'bgnbd', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const fit = out.meta.fit.purchase;
    expect([fit.params.r.toFixed(3), fit.params.alpha.toFixed(3), fit.params.a.toFixed(3), fit.params.b.toFixed(3)]).toEqual(['0.243', '4.414', '0.793', '2.426']);
    expect(fit.log_likelihood.toFixed(1)).toBe('-9582.4');
    expect(fit.customers).toBe(2357);
    expect(out.meta.fit.spend.customers).toBe(946);
    expect(out.meta.fit.spend.params.p.toFixed(2)).toBe('6.25');
    // the same fit as on the per-customer summary file
    const one = JSON.parse((await runClm(['cltv', '--summary', published, '--model', 'bgnbd', '--time-unit', 'week', '--format', 'json'])).stdout).meta.fit.purchase;
    for (const k of ['r', 'alpha', 'a', 'b']) expect(Math.abs(fit.params[k] / one.params[k] - 1)).toBeLessThan(1e-9);
    expect(out.tables.base[0]).toMatchObject({ customers: 2357, distinct_rows: 1016 });
    expect(out.tables.base[0].expected_purchases).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/--summaries: top customers, value by segment, stage and cohort, P\(alive\) and CLV per customer, and value intervals need per-customer rows: pass --orders/);
  });

  it('--model auto picks by log-likelihood; a missing spend table is said; a unit that differs from --time-unit is refused', async () => {
    const r = await runClm(['cltv', '--summaries', summariesDir(false, false), '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).meta.clv.model).toBe('mbgnbd');
    expect(r.stderr).toMatch(/no spend_counts\.csv in .*, so no Gamma-Gamma spend model/);
    const day = await runClm(['cltv', '--summaries', summariesDir(true), '--time-unit', 'day']);
    expect(day.code).toBe(2);
    expect(day.stderr).toMatch(/rfm_counts\.csv is in weeks, not days/);
    expect(day.stderr).toMatch(/--time-unit week/);
    const both = await runClm(['cltv', '--summaries', summariesDir(true), '--orders', 'fixtures/demo/orders.csv']);
    expect(both.code).toBe(2);
    const empty = await runClm(['cltv', '--summaries', mkdtempSync(join(tmpdir(), 'clm-empty-'))]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/there is no rfm_counts\.csv in it/);
  });
});
