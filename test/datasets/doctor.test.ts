import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../helpers/datasets.js';
import { runClm } from '../helpers/run-clm.js';

/**
 * Issue 15, item 6: `clm doctor` on the real datasets gives the verdict each deserves: CDNOW
 * and the UCI Online Retail data support the models (exit 0); both Olist sets, where almost
 * nobody buys twice, must have the predictive models marked unsafe (exit 1). Each case skips,
 * saying why, only when its files are absent.
 */
const d = (...p: string[]): string => join(DATASETS, ...p);

interface Case {
  name: string;
  files: string[];
  args: string[];
  code: number;
  verdicts: Record<string, string>;
  figures: Record<string, number>;
}

const CASES: Case[] = [
  {
    name: 'CDNOW master',
    files: [d('cdnow/CDNOW_master.txt')],
    args: ['--orders', d('cdnow/CDNOW_master.txt'), '--preset', 'cdnow'],
    code: 0,
    verdicts: { stages: 'safe', rfm: 'safe', cohorts: 'safe', historical_clv: 'safe', bgnbd: 'safe', pnbd: 'safe', mbgnbd: 'safe', gamma_gamma: 'safe', backtest: 'safe' },
    figures: { customers: 23570, repeat_buyers: 11516, history_days: 545 },
  },
  {
    name: 'UCI Online Retail',
    files: [d('online-retail/online_retail_2010-12_2011-12.csv.gz')],
    args: ['--orders', d('online-retail/online_retail_2010-12_2011-12.csv.gz'), '--preset', 'online-retail'],
    code: 0,
    verdicts: { stages: 'safe', rfm: 'safe', cohorts: 'safe', historical_clv: 'safe', bgnbd: 'safe', pnbd: 'safe', mbgnbd: 'safe', gamma_gamma: 'safe', backtest: 'safe' },
    figures: { customers: 4339, repeat_buyers: 2790, history_days: 373, nonpositive_spend_customers: 22 },
  },
  {
    name: 'Olist 4k',
    files: ['olist_orders_dataset.csv', 'olist_customers_dataset.csv', 'olist_order_payments_dataset.csv'].map((f) => d('olist-4k', f)),
    args: ['--orders', d('olist-4k/olist_orders_dataset.csv'), '--customers', d('olist-4k/olist_customers_dataset.csv'), '--payments', d('olist-4k/olist_order_payments_dataset.csv'), '--preset', 'olist'],
    code: 1,
    verdicts: { stages: 'caution', rfm: 'safe', cohorts: 'safe', historical_clv: 'safe', bgnbd: 'unsafe', pnbd: 'unsafe', mbgnbd: 'unsafe', gamma_gamma: 'unsafe', backtest: 'caution' },
    figures: { customers: 3958, repeat_buyers: 2 },
  },
  {
    name: 'Olist 2017',
    files: ['orders.csv', 'customers.csv', 'order_items.csv'].map((f) => d('olist-2017', f)),
    args: ['--orders', d('olist-2017/orders.csv'), '--customers', d('olist-2017/customers.csv'), '--payments', d('olist-2017/order_items.csv'), '--preset', 'olist'],
    code: 1,
    verdicts: { stages: 'safe', rfm: 'safe', cohorts: 'safe', historical_clv: 'safe', bgnbd: 'unsafe', pnbd: 'unsafe', mbgnbd: 'unsafe', gamma_gamma: 'unsafe', backtest: 'caution' },
    figures: { customers: 9766, repeat_buyers: 51 },
  },
];

describe('clm doctor on the real datasets', () => {
  for (const c of CASES) {
    const missing = c.files.filter((f) => !existsSync(f));
    if (missing.length > 0) console.warn(`doctor ${c.name}: skipped, ${missing.join(', ')} absent`);
    it.skipIf(missing.length > 0)(`${c.name}: exit ${c.code}, the verdicts and figures`, async () => {
      const r = await runClm(['doctor', ...c.args, '--format', 'json', '--quiet']);
      expect(r.code).toBe(c.code);
      const meta = JSON.parse(r.stdout).meta.doctor;
      expect(Object.fromEntries(Object.entries(meta.verdicts).map(([k, v]) => [k, (v as { verdict: string }).verdict]))).toEqual(c.verdicts);
      expect(meta.figures).toMatchObject(c.figures);
      if (c.code === 1) {
        expect(meta.verdicts.bgnbd.reason).toContain(`only ${c.figures.repeat_buyers} repeat buyers of ${c.figures.customers.toLocaleString('en-US')} customers (fewer than 100)`);
        expect(r.stderr).toContain('unsafe on this data, and a default run uses them: BG/NBD, Pareto/NBD, MBG/NBD, Gamma-Gamma spend');
      }
      // the CSV of the checks has one row per figure
      const csv = await runClm(['doctor', ...c.args, '--format', 'csv', '--quiet']);
      expect((parse(csv.stdout, { columns: true }) as { check: string }[]).map((x) => x.check)).toEqual(['customers', 'repeat_buyers', 'history_days', 'history_weeks', 'one_time_share', 'nonpositive_spend_customers', 'spend_repeat_buyers', 'spend_frequency_correlation']);
    }, 120_000);
  }
});
