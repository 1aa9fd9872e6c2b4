#!/usr/bin/env node
/**
 * Summaries, not rows (issue 13 item 2): what merging identical (x, t_x, T) rows, and (x, z̄)
 * rows for Gamma-Gamma, saves in the model fits. Reads an orders file once, builds the
 * calibration summary at the as-of date in weeks and in days, then times each model's fit
 * on every customer as a row (weights of 1, the per-customer likelihood) against the fit on
 * the distinct rows with counts (compression included), median of `rounds`, and reports the
 * largest relative difference in parameters and log-likelihood. Run after `npm run build`:
 *   node bench/compress.js FILE [preset] [rounds] [models]
 * e.g. node bench/compress.js ../shared/datasets/cdnow/CDNOW_master.txt cdnow 3
 */
import { performance } from 'node:perf_hooks';
import { readCustomerState } from '../dist/engine/streaming/read-orders.js';
import { summarizeLedger } from '../dist/analytics/clv/summary.js';
import { compressPurchases } from '../dist/analytics/clv/compress.js';
import { spendCountsOf, spendDataOf } from '../dist/analytics/clv/summary-tables.js';
import { fitBgNbd } from '../dist/analytics/clv/bgnbd.js';
import { fitMbgNbd } from '../dist/analytics/clv/mbgnbd.js';
import { fitParetoNbd } from '../dist/analytics/clv/pnbd.js';
import { fitGammaGamma } from '../dist/analytics/clv/gamma-gamma.js';

const [path, preset, roundsText = '3', modelsText = 'bgnbd,mbgnbd,pnbd,gg'] = process.argv.slice(2);
if (!path) {
  console.error('usage: node bench/compress.js FILE [preset] [rounds] [models]');
  process.exit(2);
}
const rounds = Number(roundsText);
const models = modelsText.split(',');
const data = await readCustomerState({ orders: path, preset: preset || undefined, map: { orders: new Map(), customers: new Map(), payments: new Map() }, warn: () => {} });

function time(fn) {
  const times = [];
  let out;
  for (let k = 0; k < rounds; k++) {
    const t = performance.now();
    out = fn();
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return { s: times[Math.floor(times.length / 2)], out };
}

const rel = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
const FITS = { bgnbd: fitBgNbd, mbgnbd: fitMbgNbd, pnbd: fitParetoNbd };

for (const unit of (process.env.UNITS ?? 'week,day').split(',')) {
  const s = summarizeLedger(data.table, { calibrationEnd: data.asOf, unit });
  const ones = new Float64Array(s.size).fill(1);
  for (const name of models) {
    let one;
    let merged;
    let rows;
    if (name === 'gg') {
      const spend = { frequency: s.frequency, monetary: s.monetary };
      one = time(() => fitGammaGamma({ ...spend, weight: ones }));
      merged = time(() => fitGammaGamma(spendDataOf(spendCountsOf(spend))));
      rows = merged.out.rows;
    } else {
      const fit = FITS[name];
      one = time(() => fit({ ...s, weight: ones }));
      merged = time(() => fit(compressPurchases(s)));
      rows = merged.out.rows;
    }
    const p1 = one.out.params;
    const p2 = merged.out.params;
    console.log(
      JSON.stringify({
        file: path,
        unit,
        model: name,
        customers: name === 'gg' ? one.out.customers : s.size,
        per_customer_rows: one.out.rows,
        distinct_rows: rows,
        per_customer_s: +one.s.toFixed(3),
        compressed_s: +merged.s.toFixed(3),
        speedup: +(one.s / merged.s).toFixed(1),
        max_rel_param_diff: Math.max(...Object.keys(p1).map((k) => rel(p2[k], p1[k]))),
        rel_loglik_diff: rel(merged.out.logLik, one.out.logLik),
        converged: [one.out.converged, merged.out.converged],
      }),
    );
  }
}
