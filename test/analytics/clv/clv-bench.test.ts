/**
 * Timing of BG/NBD + Gamma-Gamma fit and scoring (not a test: runs only with CLM_CLV_BENCH=1,
 * asserts nothing about time). Steps timed: ledger → summary, BG/NBD fit, Gamma-Gamma fit,
 * scoring (P(alive), expected purchases over 52 weeks, expected average value, CLV over 52
 * weeks discounted monthly). Sizes: the CDNOW sample (2,357) and master (23,570) read by clm,
 * and 1M simulated customers.
 *   CLM_CLV_BENCH=1 npx vitest run test/analytics/clv/clv-bench.test.ts
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import type { CustomerTable } from '../../../src/domain/customer-state.js';
import { dayFromCivil } from '../../../src/domain/dates.js';
import { bgnbdPredictor, fitBgNbd } from '../../../src/analytics/clv/bgnbd.js';
import { fitGammaGamma, ggExpectedAverageValues } from '../../../src/analytics/clv/gamma-gamma.js';
import { summarizeLedger } from '../../../src/analytics/clv/summary.js';
import { clvValues } from '../../../src/analytics/clv/value.js';
import { DATASETS, loadTable } from '../../helpers/datasets.js';
import { simulateBgNbd } from './simulate.js';

function run(label: string, table: CustomerTable, calibrationEnd: number): void {
  const t0 = performance.now();
  const cal = summarizeLedger(table, { calibrationEnd, unit: 'week' });
  const t1 = performance.now();
  const bg = fitBgNbd(cal);
  const t2 = performance.now();
  const gg = fitGammaGamma(cal);
  const t3 = performance.now();
  const pred = bgnbdPredictor(bg.params, cal);
  const e = pred.expected(52);
  const ev = ggExpectedAverageValues(gg.params, cal.frequency, cal.monetary);
  const clv = clvValues(pred, ev, { horizon: 52, unit: 'week', annualDiscount: 0.1, margin: 1 });
  const t4 = performance.now();
  let s = 0;
  for (let i = 0; i < cal.size; i++) s += clv[i] + e[i];
  console.log(
    `${label}: ${cal.size} customers (${bg.rows} distinct rows): summary ${(t1 - t0).toFixed(0)} ms, BG/NBD fit ${(t2 - t1).toFixed(0)} ms (${bg.converged ? 'converged' : 'NOT converged'}, ${bg.evaluations} evaluations), GG fit ${(t3 - t2).toFixed(0)} ms on ${gg.customers} (${gg.evaluations} evaluations), scoring ${(t4 - t3).toFixed(0)} ms; total ${(t4 - t0).toFixed(0)} ms  [${Object.entries(bg.params).map(([k, v]) => `${k}=${v.toFixed(4)}`).join(' ')}; ${Object.entries(gg.params).map(([k, v]) => `${k}=${v.toFixed(3)}`).join(' ')}; check ${s.toFixed(0)}]`,
  );
}

/** A ledger of n simulated customers: first purchases spread over a year, observed 1.5 years. */
function simulatedTable(n: number): { table: CustomerTable; end: number } {
  const sim = simulateBgNbd(n, { r: 0.25, alpha: 4.4, a: 0.8, b: 2.4 }, { p: 6, q: 3.7, v: 15 }, { seed: 1, Tmin: 26, Tmax: 78, days: true, keepTimes: true });
  const end = 1000;
  const start = new Int32Array(n + 1);
  const days: number[] = [];
  const amounts: number[] = [];
  for (let i = 0; i < n; i++) {
    start[i] = days.length;
    const first = end - Math.round(sim.T[i] * 7);
    for (const t of sim.times![i]) {
      days.push(first + Math.round(t * 7));
      amounts.push(t === 0 ? 20 : sim.monetary[i]);
    }
  }
  start[n] = days.length;
  const m = days.length;
  const table: CustomerTable = {
    size: n,
    ids: Array.from({ length: n }, (_, i) => String(i)),
    firstDay: new Int32Array(n),
    lastDay: new Int32Array(n),
    orders: new Int32Array(n),
    purchaseDays: new Int32Array(n),
    revenue: new Float64Array(n),
    ledgerStart: start,
    ledgerDay: Int32Array.from(days),
    ledgerOrders: new Int32Array(m).fill(1),
    ledgerAmount: Float64Array.from(amounts),
    attributeNames: [],
    attributes: [],
  };
  return { table, end };
}

describe.skipIf(!process.env.CLM_CLV_BENCH)('CLV bench', () => {
  it('CDNOW sample and master', async () => {
    for (const f of ['CDNOW_sample.txt', 'CDNOW_master.txt']) {
      const path = join(DATASETS, 'cdnow', f);
      if (!existsSync(path)) continue;
      const table = await loadTable(path, 'cdnow');
      run(f, table, dayFromCivil(1997, 9, 30));
      run(f + ' (2nd run, warm)', table, dayFromCivil(1997, 9, 30));
    }
  });
  it('1M simulated customers', () => {
    const t = performance.now();
    const { table, end } = simulatedTable(1_000_000);
    console.log(`simulated 1M customers in ${(performance.now() - t).toFixed(0)} ms`);
    run('simulated 1M', table, end);
  });
});
