/**
 * Parity of the CLV models with the published CDNOW results (spec §6.2, issue 5), on the
 * summary that clm builds itself from CDNOW_sample.txt (calibration ends 1997-09-30, weeks,
 * holdout to 1998-06-30). Skips, with the reason printed, when ../shared/datasets is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CustomerTable } from '../../src/domain/customer-state.js';
import { dayFromCivil } from '../../src/domain/dates.js';
import {
  holdoutActuals,
  holdoutPeriodCounts,
  summarizeLedger,
  summaryFromArrays,
  type ClvSummary,
  type Holdout,
} from '../../src/analytics/clv/summary.js';
import { bgnbdExpectedPurchases, bgnbdPredictor, fitBgNbd, type BgNbdFit } from '../../src/analytics/clv/bgnbd.js';
import { fitParetoNbd, pnbdExpectedPurchases, pnbdPAlive } from '../../src/analytics/clv/pnbd.js';
import { fitGammaGamma, ggExpectedAverageValues, spendFrequencyCorrelation } from '../../src/analytics/clv/gamma-gamma.js';
import { runBacktest } from '../../src/analytics/clv/backtest.js';
import { DATASETS, loadTable } from '../helpers/datasets.js';

const DIR = join(DATASETS, 'cdnow');
const SAMPLE = join(DIR, 'CDNOW_sample.txt');
const PUBLISHED = join(DIR, 'cdnow_customers_summary_with_transactions.csv');
const present = existsSync(SAMPLE) && existsSync(PUBLISHED);
if (!present) console.warn(`clv-parity: skipped, the CDNOW data (${SAMPLE}, ${PUBLISHED}) is absent`);

/** Three significant figures. */
function sig3(v: number): string {
  return v.toPrecision(3);
}

/** Independent closed form of BG/NBD eq. (10), 2F1 by its plain series (no transformation). */
function bgnbdEq10(p: { r: number; alpha: number; a: number; b: number }, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  let term = 1;
  let f = 1;
  const A = r + x;
  const B = b + x;
  const C = a + b + x - 1;
  for (let n = 0; n < 100000 && Math.abs(term) > 1e-17 * Math.abs(f); n++) {
    term *= (((A + n) * (B + n)) / ((C + n) * (n + 1))) * z;
    f += term;
  }
  const num = ((a + b + x - 1) / (a - 1)) * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * f);
  const den = 1 + (x > 0 ? (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x) : 0);
  return num / den;
}

describe.skipIf(!present)('CDNOW parity (spec §6.2)', () => {
  let table: CustomerTable;
  let cal: ClvSummary;
  let hold: Holdout;
  let bg: BgNbdFit;
  const calEnd = dayFromCivil(1997, 9, 30);
  const holdEnd = dayFromCivil(1998, 6, 30);

  beforeAll(async () => {
    table = await loadTable(SAMPLE, 'cdnow');
    cal = summarizeLedger(table, { calibrationEnd: calEnd, unit: 'week' });
    hold = holdoutActuals(table, cal, holdEnd);
    bg = fitBgNbd(cal);
  });

  it('builds the published calibration summary', () => {
    expect(cal.size).toBe(2357);
    let repeats = 0;
    let repeaters = 0;
    for (let i = 0; i < cal.size; i++) {
      repeats += cal.frequency[i];
      if (cal.frequency[i] > 0) repeaters++;
    }
    expect(repeats).toBe(2457);
    expect(repeaters).toBe(946);
    expect(hold.duration).toBe(39);
    expect(hold.frequency.reduce((s, v) => s + v, 0)).toBe(1882);
    // the published per-customer (x, t_x, T, z̄), rounded to two decimals there
    const rows = readFileSync(PUBLISHED, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    expect(rows.length).toBe(2357);
    // CDNOW_sample.txt lists customers by sample id (1..2357), the published ID; the table
    // keeps them in order of first appearance, keyed by master id
    let checked = 0;
    for (const [id, x, tx, T, zbar] of rows) {
      const i = id - 1;
      checked++;
      expect(cal.frequency[i]).toBe(x);
      expect(Math.abs(cal.recency[i] - tx)).toBeLessThan(0.006);
      expect(Math.abs(cal.T[i] - T)).toBeLessThan(0.006);
      expect(Math.abs(cal.monetary[i] - zbar)).toBeLessThan(0.006);
    }
    expect(checked).toBe(2357);
  });

  it('BG/NBD: r, α, a, b within 0.001 of the paper, LL −9582.43', () => {
    const { r, alpha, a, b } = bg.params;
    console.log('BG/NBD', bg.params, bg.se, bg.logLik);
    expect(bg.converged).toBe(true);
    expect(Math.abs(r - 0.2426)).toBeLessThan(0.001);
    expect(Math.abs(alpha - 4.4136)).toBeLessThan(0.001);
    expect(Math.abs(a - 0.7929)).toBeLessThan(0.001);
    expect(Math.abs(b - 2.4259)).toBeLessThan(0.001);
    expect(bg.logLik.toFixed(2)).toBe('-9582.43');
    expect(bg.customers).toBe(2357);
  });

  it('BG/NBD point check: x=2, t_x=30.43, T=38.86 over 39 weeks = 1.226', () => {
    expect(sig3(bgnbdExpectedPurchases(bg.params, 39, 2, 30.43, 38.86))).toBe('1.23');
    expect(bgnbdExpectedPurchases(bg.params, 39, 2, 30.43, 38.86).toFixed(3)).toBe('1.226');
  });

  it('Pareto/NBD: r, s within 0.002, α within 0.01, β within 0.5%, LL −9594.98; point checks', () => {
    const fit = fitParetoNbd(cal);
    const { r, alpha, s, beta } = fit.params;
    console.log('Pareto/NBD', fit.params, fit.se, fit.logLik, fit.iterations, fit.evaluations);
    expect(fit.converged).toBe(true);
    expect(Math.abs(r - 0.5533)).toBeLessThan(0.002);
    expect(Math.abs(s - 0.6062)).toBeLessThan(0.002);
    expect(Math.abs(alpha - 10.578)).toBeLessThan(0.01);
    expect(Math.abs(beta / 11.67 - 1)).toBeLessThan(0.005);
    expect(fit.logLik.toFixed(2)).toBe('-9594.98');
    expect(sig3(pnbdPAlive(fit.params, 26, 30.86, 31))).toBe(sig3(0.9979));
    expect(sig3(pnbdExpectedPurchases(fit.params, 52, 26, 30.86, 31))).toBe(sig3(25.46));
  });

  it('Gamma-Gamma on the 946 repeat customers: p, q, v within 0.01 of 6.25, 3.74, 15.44', () => {
    const fit = fitGammaGamma(cal);
    console.log('Gamma-Gamma (ledger)', fit.params, fit.se, fit.logLik);
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.params.p - 6.25)).toBeLessThan(0.01);
    expect(Math.abs(fit.params.q - 3.74)).toBeLessThan(0.01);
    expect(Math.abs(fit.params.v - 15.44)).toBeLessThan(0.01);
    const corr = spendFrequencyCorrelation(cal);
    expect(corr.customers).toBe(946);
    expect(Math.abs(corr.correlation)).toBeLessThan(0.3);
  });

  it('Gamma-Gamma expected spend of the first ten published customers to the cent', () => {
    const rows = readFileSync(PUBLISHED, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const pub = summaryFromArrays({
      ids: rows.map((r) => String(r[0])),
      frequency: rows.map((r) => r[1]),
      recency: rows.map((r) => r[2]),
      T: rows.map((r) => r[3]),
      monetary: rows.map((r) => r[4]),
      unit: 'week',
    });
    const fit = fitGammaGamma(pub);
    console.log('Gamma-Gamma (published summary)', fit.params, fit.logLik);
    expect(fit.customers).toBe(946);
    const ev = ggExpectedAverageValues(fit.params, pub.frequency, pub.monetary);
    expect(Array.from(ev.subarray(0, 10), (v) => v.toFixed(2))).toEqual(
      ['24.66', '18.91', '35.17', '35.17', '35.17', '71.46', '18.91', '35.17', '27.28', '35.17'],
    );
    // the published (rounded) summary gives the published BG/NBD fit too
    const bgPub = fitBgNbd(pub);
    expect(Math.abs(bgPub.params.r - 0.2426)).toBeLessThan(0.001);
    expect(bgPub.logLik.toFixed(1)).toBe('-9582.4');
  });

  it('backtest: predicted holdout total and the by-frequency table follow the closed form', () => {
    const pred = bgnbdPredictor(bg.params, cal);
    const weeks = holdoutPeriodCounts(table, cal, 39);
    expect(weeks.reduce((s, v) => s + v, 0)).toBe(1882);
    const bt = runBacktest({
      predictor: pred,
      calibrationFrequency: cal.frequency,
      holdoutDuration: hold.duration,
      holdoutFrequency: hold.frequency,
      periodCounts: weeks,
    });
    expect(bt.actualHoldoutPurchases).toBe(1882);
    expect(bt.calibrationRepeatPurchases).toBe(2457);
    let closed = 0;
    const binP = new Array(8).fill(0);
    const binN = new Array(8).fill(0);
    for (let i = 0; i < cal.size; i++) {
      const e = bgnbdEq10(bg.params, 39, cal.frequency[i], cal.recency[i], cal.T[i]);
      closed += e;
      const b = Math.min(7, cal.frequency[i]);
      binP[b] += e;
      binN[b]++;
    }
    expect(Math.abs(bt.predictedHoldoutPurchases - closed)).toBeLessThan(1e-6 * closed);
    for (let b = 0; b < 8; b++) {
      expect(bt.byFrequency[b].customers).toBe(binN[b]);
      expect(bt.byFrequency[b].meanPredicted).toBeCloseTo(binP[b] / binN[b], 8);
    }
    expect(bt.tracking.length).toBe(39);
    expect(bt.tracking[38].predictedCumulative).toBeCloseTo(bt.predictedHoldoutPurchases, 6);
    expect(bt.tracking[38].actualCumulative).toBe(1882);
    expect(bt.deciles.reduce((s, d) => s + d.customers, 0)).toBe(2357);
    console.log(
      `backtest: predicted ${bt.predictedHoldoutPurchases.toFixed(1)} vs actual ${bt.actualHoldoutPurchases}, MAE ${bt.mae.toFixed(3)}, RMSE ${bt.rmse.toFixed(3)}`,
    );
    console.table(bt.byFrequency);
    console.table(bt.deciles);
  });
});
