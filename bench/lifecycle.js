#!/usr/bin/env node
/**
 * What stages + RFM add to the foundation's pass (issue 3): reads an orders file once, then
 * times computeLifecycle (snapshot, derived thresholds, stages, advocacy, RFM scoring and
 * segments) on the customer table in the same process. Run after `npm run build`:
 *   node bench/lifecycle.js bench/data/10m/orders.csv [rounds]
 */
import { performance } from 'node:perf_hooks';
import { readCustomerState } from '../dist/io/read-orders.js';
import { computeLifecycle } from '../dist/commands/lifecycle.js';

const path = process.argv[2] ?? 'bench/data/10m/orders.csv';
const rounds = Number(process.argv[3] ?? 3);
const t0 = performance.now();
const data = await readCustomerState({ orders: path, map: { orders: new Map(), customers: new Map(), payments: new Map() }, warn: () => {} });
const readMs = performance.now() - t0;
const times = [];
let lc;
for (let k = 0; k < rounds; k++) {
  const t = performance.now();
  lc = computeLifecycle({ data, config: undefined }, {});
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({
  file: path,
  customers: data.table.size,
  ledger_entries: data.table.ledgerDay.length,
  read_s: +(readMs / 1000).toFixed(2),
  lifecycle_s_median: +(times[Math.floor(times.length / 2)] / 1000).toFixed(2),
  lifecycle_s_all: times.map((t) => +(t / 1000).toFixed(2)),
  thresholds: lc.derivation.thresholds,
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
