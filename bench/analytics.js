#!/usr/bin/env node
/**
 * What the analyses add on top of the read (issues 3, 4, 5): reads an orders file once, then
 * times, on the same customer table in the same process, median of `rounds`:
 *   - lifecycle: snapshot, derived thresholds, stages, advocacy, RFM scores and segments;
 *   - cohorts: the monthly cohort matrix (every metric at once);
 *   - clv: BG/NBD + Gamma-Gamma fit and scoring of every customer (p_alive, expected
 *     purchases over 12 months, expected value, discounted CLV).
 * Run after `npm run build`:
 *   node bench/analytics.js FILE [preset] [rounds]
 */
import { performance } from 'node:perf_hooks';
import { readCustomerState } from '../dist/engine/streaming/read-orders.js';
import { computeLifecycle } from '../dist/app/lifecycle.js';
import { cohortMatrix } from '../dist/analytics/cohorts.js';
import { clvSettings, customerValues } from '../dist/app/clv-values.js';

const [path = 'bench/data/10m/orders.csv', preset, roundsText = '3'] = process.argv.slice(2);
const rounds = Number(roundsText);
const t0 = performance.now();
const data = await readCustomerState({ orders: path, preset: preset || undefined, map: { orders: new Map(), customers: new Map(), payments: new Map() }, warn: () => {} });
const readS = (performance.now() - t0) / 1000;
const inputs = { data, config: undefined };

function time(fn) {
  const times = [];
  let out;
  for (let k = 0; k < rounds; k++) {
    const t = performance.now();
    out = fn();
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return { median_s: +times[Math.floor(times.length / 2)].toFixed(3), all_s: times.map((x) => +x.toFixed(3)), out };
}

const lifecycle = time(() => computeLifecycle(inputs, {}));
const cohorts = time(() => cohortMatrix(data.table, { unit: 'month', asOf: data.asOf }));
const clv = time(() => customerValues(inputs, clvSettings({ model: 'bgnbd' })));
const fit = clv.out.scores;
console.log(JSON.stringify({
  file: path,
  customers: data.table.size,
  customers_fitted: clv.out.summary?.size ?? null,
  ledger_entries: data.table.ledgerDay.length,
  read_s: +readS.toFixed(2),
  lifecycle_s: lifecycle.median_s,
  cohorts_s: cohorts.median_s,
  clv_fit_and_score_s: clv.median_s,
  clv_all_s: clv.all_s,
  bgnbd: fit ? { ...fit.purchase.params, converged: fit.purchase.converged } : null,
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
