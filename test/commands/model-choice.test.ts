import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../helpers/datasets.js';
import { runClm } from '../helpers/run-clm.js';

/** Issue 15, item 4: --model auto, BG/NBD's P(alive) = 1 caveat, stage against model. */
const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31', '--no-color'];
const CAVEAT = 'BG/NBD gives P(alive) = 1 to the 575 customers without a repeat purchase: the model cannot tell if they left; MBG/NBD or Pareto/NBD can';

describe('--model auto and the one-time-buyer caveat on the demo shop', () => {
  it('clm cltv without --model chooses by the holdout and says so in the JSON meta', async () => {
    const r = await runClm(['cltv', ...DEMO, '--format', 'json', '--top', '1']);
    expect(r.code).toBe(0);
    const meta = JSON.parse(r.stdout).meta;
    const c = meta.clv.model_choice;
    expect(c.requested).toBe('auto');
    expect(c.rule).toBe('holdout');
    expect(c.candidates.map((x: { model: string }) => x.model)).toEqual(['bgnbd', 'mbgnbd', 'pnbd']);
    // the demo's holdout (2024-05-07 to 2024-12-31): 1,189 repeat purchases; BG/NBD 4.3% off, MBG/NBD 7.0%, Pareto/NBD 4.8%
    expect(c.candidates[0].actual).toBe(1189);
    expect(c.candidates.map((x: { error: number }) => Math.round(1000 * x.error))).toEqual([43, 70, 48]);
    expect(c.chosen).toBe('bgnbd');
    expect(meta.clv.model).toBe('bgnbd');
    expect(meta.fit.purchase.params.r).toBeCloseTo(0.245132, 5);
    expect(c.reason).toMatch(/^--model auto chose BG\/NBD: fitted on the orders to 2024-05-07, it came closest to the 1189 repeat purchases to 2024-12-31/);
    // BG/NBD was chosen: its caveat goes with the numbers
    expect(r.stderr).toContain(CAVEAT);
  });

  it('clm customers --model bgnbd says BG/NBD gives P(alive) = 1 to one-time buyers; --model mbgnbd does not', async () => {
    const bg = await runClm(['customers', ...DEMO, '--model', 'bgnbd', '--format', 'json']);
    expect(bg.code).toBe(0);
    expect(bg.stderr).toBe(`clm: warning: ${CAVEAT} (--model mbgnbd or pnbd)\n`);
    expect(JSON.parse(bg.stdout).meta.clv.model_choice).toBeUndefined();
    const mbg = await runClm(['customers', ...DEMO, '--model', 'mbgnbd', '--format', 'csv']);
    expect(mbg.code).toBe(0);
    expect(mbg.stderr).not.toContain('P(alive) = 1');
  });

  it('clm report: the CLV section names the choice, the caveat and the stage-vs-model disagreement', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'clm-choice-')), 'report');
    const r = await runClm(['report', ...DEMO, '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    // on the page, not a run warning: a scheduled report is not a warning every night
    expect(r.stderr).toBe('');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.clv.model_choice.chosen).toBe('bgnbd');
    expect(manifest.backtest.model).toBe('bgnbd');
    // the section intros are on the HTML page
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const clv = html.slice(html.indexOf('<section id="clv">'), html.indexOf('<section id="backtest">'));
    expect(clv).toContain('--model auto chose BG/NBD');
    expect(clv).toContain(CAVEAT);
    expect(clv).toContain('Stage and model can disagree: 102 at-risk customers and 495 churned customers have a P(alive) above 0.5. A stage is recency against fixed thresholds');
  });

  it('clm backtest --model auto chooses at the calibration end, not on its own holdout', async () => {
    const r = await runClm(['backtest', ...DEMO, '--model', 'auto', '--format', 'json']);
    expect(r.code).toBe(0);
    const meta = JSON.parse(r.stdout).meta;
    // the backtest's calibration ends 2024-05-07; the choice's own holdout ends there
    expect(meta.backtest.calibration_end).toBe('2024-05-07');
    expect(meta.clv.model_choice.reason).toContain('repeat purchases to 2024-05-07');
    expect(meta.clv.model).toBe(meta.clv.model_choice.chosen);
  });
});

describe('the caveat on Olist 4k (79 repeat buyers in the full set; 2 here)', () => {
  const d = (f: string): string => join(DATASETS, 'olist-4k', f);
  const present = existsSync(d('olist_orders_dataset.csv'));
  if (!present) console.warn(`skipping the Olist 4k checks: ${d('olist_orders_dataset.csv')} is absent`);
  it.runIf(present)('clm cltv on Olist 4k: too few holdout purchases, AIC, and the BG/NBD caveat when it wins', async () => {
    const r = await runClm(['cltv', '--orders', d('olist_orders_dataset.csv'), '--customers', d('olist_customers_dataset.csv'), '--payments', d('olist_order_payments_dataset.csv'), '--preset', 'olist', '--format', 'json', '--top', '1']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout).meta.clv.model_choice;
    expect(c.rule).toBe('aic');
    expect(c.reason).toContain('as the holdout to 2018-08-29 has 1 repeat purchase, under 30');
    if (c.chosen === 'bgnbd') expect(r.stderr).toContain('BG/NBD gives P(alive) = 1 to the 3,956 customers without a repeat purchase');
    else expect(r.stderr).not.toContain('P(alive) = 1');
    const bg = await runClm(['cltv', '--orders', d('olist_orders_dataset.csv'), '--customers', d('olist_customers_dataset.csv'), '--payments', d('olist_order_payments_dataset.csv'), '--preset', 'olist', '--model', 'bgnbd', '--format', 'csv']);
    expect(bg.stderr).toContain('BG/NBD gives P(alive) = 1 to the 3,956 customers without a repeat purchase');
  });
});

describe('--model auto on a summary file (no orders to hold out)', () => {
  const published = join(DATASETS, 'cdnow', 'cdnow_customers_summary.csv');
  const present = existsSync(published);
  if (!present) console.warn(`skipping the CDNOW summary check: ${published} is absent`);
  it.runIf(present)('clm cltv --summary chooses by AIC and says there is no holdout', async () => {
    const r = await runClm(['cltv', '--summary', published, '--format', 'json', '--top', '1']);
    expect(r.code).toBe(0);
    const meta = JSON.parse(r.stdout).meta;
    const c = meta.clv.model_choice;
    expect(c.rule).toBe('aic');
    // AIC = 8 − 2 ln L: BG/NBD 19172.9 (ln L −9582.43, the published fit), MBG/NBD 19172.3, Pareto/NBD 19197.9
    expect(c.candidates.map((x: { aic: number }) => x.aic.toFixed(1))).toEqual(['19172.9', '19172.3', '19197.9']);
    expect(c.chosen).toBe('mbgnbd');
    expect(meta.fit.purchase.log_likelihood).toBeCloseTo(-9582.13, 1);
    expect(c.reason).toContain('as there is no holdout to compare predictions with');
    expect(r.stderr).not.toContain('P(alive) = 1');
  });
});
