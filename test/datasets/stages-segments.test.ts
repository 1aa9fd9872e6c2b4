/**
 * Stages and RFM on the real datasets (../shared/datasets): Olist reviews as the advocacy
 * signal, and RFM quintiles on UCI online retail and CDNOW holding 20% each up to what ties
 * force. Expected values are computed here from the files or from clm's per-customer output
 * with plain reductions, not with clm's scoring code. Skips, with a reason, without the data.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../helpers/datasets.js';
import { runClm } from '../helpers/run-clm.js';

const olist = join(DATASETS, 'olist-4k');
const uci = join(DATASETS, 'online-retail', 'online_retail_2010-12_2011-12.csv.gz');
const cdnow = join(DATASETS, 'cdnow', 'CDNOW_master.txt');

function csvRows(text: string): Record<string, string>[] {
  return parse(text, { columns: true }) as Record<string, string>[];
}

const haveOlist = existsSync(join(olist, 'olist_order_reviews_dataset.csv'));
if (!haveOlist) console.warn(`skipping Olist review tests: ${olist} not found (set CLM_DATASETS)`);

describe.skipIf(!haveOlist)('Olist 4k with --reviews', () => {
  const inputs = () => [
    '--preset', 'olist',
    '--orders', join(olist, 'olist_orders_dataset.csv'),
    '--customers', join(olist, 'olist_customers_dataset.csv'),
    '--payments', join(olist, 'olist_order_payments_dataset.csv'),
    '--reviews', join(olist, 'olist_order_reviews_dataset.csv'),
  ];

  it('advocates appear only among customers whose latest review scores 4 or more', async () => {
    // independent: person of each order, latest review of each person (by review date, then line)
    const customers = csvRows(readFileSync(join(olist, 'olist_customers_dataset.csv'), 'utf8'));
    const person = new Map(customers.map((c) => [c.customer_id, c.customer_unique_id]));
    const orders = csvRows(readFileSync(join(olist, 'olist_orders_dataset.csv'), 'utf8'));
    const personOfOrder = new Map(orders.map((o) => [o.order_id, person.get(o.customer_id)]));
    const reviews = csvRows(readFileSync(join(olist, 'olist_order_reviews_dataset.csv'), 'utf8'));
    const latest = new Map<string, { date: string; score: number }>();
    for (const r of reviews) {
      const p = personOfOrder.get(r.order_id);
      if (!p) continue;
      const date = r.review_creation_date.slice(0, 10);
      const prev = latest.get(p);
      if (!prev || date >= prev.date) latest.set(p, { date, score: Number(r.review_score) });
    }

    // the 4k sample has almost no repeat buyers, so loyalty from 2 purchase days makes advocates possible
    const r = await runClm(['stages', ...inputs(), '--loyal-min-orders', '2', '--per-customer', '--format', 'csv']);
    expect(r.code).toBe(0);
    const rows = csvRows(r.stdout);
    const advocates = rows.filter((x) => x.stage === 'advocate');
    const loyal = rows.filter((x) => x.stage === 'loyal');
    expect(advocates.length).toBeGreaterThan(0);
    for (const a of advocates) expect(latest.get(a.customer_id)?.score, a.customer_id).toBeGreaterThanOrEqual(4);
    for (const l of loyal) expect(latest.get(l.customer_id)?.score ?? 0, l.customer_id).toBeLessThan(4);

    // without the reviews file there is no signal at all, so no advocate
    const plain = await runClm(['stages', ...inputs().slice(0, -2), '--loyal-min-orders', '2', '--format', 'json']);
    const byStage = Object.fromEntries((JSON.parse(plain.stdout).rows as { stage: string; customers: number }[]).map((x) => [x.stage, x.customers]));
    expect(byStage.advocate).toBe(0);
    expect(byStage.loyal).toBe(advocates.length + loyal.length);
  });
});

/**
 * Each score's count may differ from n/5 only by what ties force: half of the tie groups that
 * straddle the two cuts around it (the bound src/analytics/rfm.ts proves). Here the straddling
 * groups are found from the values alone.
 */
function checkQuintiles(values: number[], scores: number[], higherIsBetter: boolean): { counts: number[]; slack: number[] } {
  const n = values.length;
  const sorted = values.map((v) => (higherIsBetter ? v : -v)).sort((a, b) => a - b);
  // t[q] = size of the tie group containing rank positions strictly across q*n/5
  const t = [0, 0, 0, 0, 0, 0];
  for (let q = 1; q <= 4; q++) {
    const cut = (q * n) / 5;
    const lo = Math.floor(cut - 1e-9);
    const hi = Math.ceil(cut + 1e-9) - 1;
    if (lo < 0 || hi >= n) continue;
    const v = sorted[lo];
    if (sorted[Math.min(n - 1, lo + 1)] !== v || sorted[hi] !== v) continue;
    let a = lo;
    let b = lo;
    while (a > 0 && sorted[a - 1] === v) a--;
    while (b < n - 1 && sorted[b + 1] === v) b++;
    if (a < cut && b + 1 > cut) t[q] = b - a + 1;
  }
  const counts = [0, 0, 0, 0, 0];
  for (const s of scores) counts[s - 1]++;
  const slack = counts.map((_, k) => (t[k] + t[k + 1]) / 2);
  counts.forEach((c, k) => expect(Math.abs(c - n / 5), `score ${k + 1}: ${c} of ${n}`).toBeLessThanOrEqual(slack[k] + 1));
  return { counts, slack };
}

for (const [name, path, preset] of [
  ['UCI online retail', uci, 'online-retail'],
  ['CDNOW master', cdnow, 'cdnow'],
] as const) {
  const have = existsSync(path);
  if (!have) console.warn(`skipping RFM quintile test on ${name}: ${path} not found (set CLM_DATASETS)`);
  describe.skipIf(!have)(`RFM quintiles on ${name}`, () => {
    it('--explain prints the score distribution and each quintile holds 20% up to what ties force', async () => {
      const ex = await runClm(['segments', '--orders', path, '--preset', preset, '--explain', '--format', 'csv']);
      expect(ex.code).toBe(0);
      expect(ex.stderr).toMatch(/R = days since last order: quintiles, ties kept together/);
      expect(ex.stderr).toMatch(/score 5: .* customers \(\d+\.\d%\)/);
      const c = await runClm(['customers', '--orders', path, '--preset', preset, '--format', 'csv']);
      const buyers = csvRows(c.stdout).filter((x) => Number(x.orders) > 0);
      const recency = buyers.map((x) => Number(x.recency_days));
      const monetary = buyers.map((x) => Number(x.revenue) / Number(x.orders));
      const r = checkQuintiles(recency, buyers.map((x) => Number(x.r_score)), false);
      checkQuintiles(monetary, buyers.map((x) => Number(x.m_score)), true);
      // the explain lines state the same counts
      for (let k = 0; k < 5; k++) expect(ex.stderr).toContain(`${r.counts[k].toLocaleString('en-US')} customers`);
      // F: purchase days have few distinct values, so the fixed breaks are used
      for (const x of buyers) {
        const f = Number(x.purchase_days);
        expect(Number(x.f_score)).toBe(f >= 6 ? 5 : f >= 4 ? 4 : f);
      }
    });
  });
}
