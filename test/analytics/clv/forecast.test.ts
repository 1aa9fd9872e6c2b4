/**
 * Per-period forecasts (issue 15, item 2): calendar periods after the as-of date, the sums per
 * period and group on hand-worked inputs, the actual counts, and P(at least one purchase in a
 * window) of BG/NBD, MBG/NBD and Pareto/NBD against closed forms and a simulation.
 */
import { describe, expect, it } from 'vitest';
import { activeProbabilities, bgActiveIfAlive, pnbdActiveIfAlive } from '../../../src/analytics/clv/active.js';
import { actualTotals, forecastPeriods, forecastTotals, purchasesAfterCalibration, repeatPurchasesByPeriod } from '../../../src/analytics/clv/forecast.js';
import { summarizeLedger } from '../../../src/analytics/clv/summary.js';
import { day, ledgerTable, order, refund } from '../../helpers/ledger-table.js';
import type { PurchasePredictor } from '../../../src/analytics/clv/model.js';
import { dayFromCivil, formatDay } from '../../../src/domain/dates.js';
import { gamma, rng } from './simulate.js';

describe('forecastPeriods', () => {
  it('months after a mid-month as-of date: the first is the rest of December, then whole months', () => {
    const asOf = dayFromCivil(2024, 12, 15);
    const p = forecastPeriods(asOf, 'month', 7, { count: 3 });
    expect(p.map((x) => [x.label, formatDay(x.from), formatDay(x.to), x.days, x.partial])).toEqual([
      ['2024-12', '2024-12-16', '2024-12-31', 16, true],
      ['2025-01', '2025-01-01', '2025-01-31', 31, false],
      ['2025-02', '2025-02-01', '2025-02-28', 28, false],
    ]);
    // model time in weeks since the as-of date: 16, 47 and 75 days
    expect(p.map((x) => [x.tStart, x.tEnd])).toEqual([[0, 16 / 7], [16 / 7, 47 / 7], [47 / 7, 75 / 7]]);
  });

  it('an as-of date on the last day of a quarter gives whole quarters', () => {
    const p = forecastPeriods(dayFromCivil(2024, 12, 31), 'quarter', 1, { count: 2 });
    expect(p.map((x) => [x.label, x.days, x.partial])).toEqual([['2025-Q1', 90, false], ['2025-Q2', 91, false]]);
  });

  it('ISO weeks up to an end day: the first from Wednesday, the last cut at the end', () => {
    // 2024-12-31 is a Tuesday: its week runs to Sunday 2025-01-05 and is 2025-W01
    const p = forecastPeriods(dayFromCivil(2024, 12, 31), 'week', 7, { end: dayFromCivil(2025, 1, 8) });
    expect(p.map((x) => [x.label, formatDay(x.from), formatDay(x.to), x.days, x.partial])).toEqual([
      ['2025-W01', '2025-01-01', '2025-01-05', 5, true],
      ['2025-W02', '2025-01-06', '2025-01-08', 3, true],
    ]);
    expect(p[1].tEnd).toBe(8 / 7);
  });
});

describe('forecastTotals', () => {
  // two customers: E[X(t)] = t and 2t (so t_k − t_{k−1} and twice that per period), spend 10 and 20
  const predictor: PurchasePredictor = { size: 2, pAlive: Float64Array.of(1, 1), expected: (t) => Float64Array.of(t, 2 * t) };
  const periods = forecastPeriods(dayFromCivil(2024, 12, 31), 'month', 1, { count: 2 }); // 31 and 28 days
  const groupings = [
    { labels: ['all'], of: [0, 0] },
    { labels: ['a', 'b', 'c'], of: [1, -1] },
  ];

  it('sums the differences of the conditional expectation per group and period', () => {
    const tot = forecastTotals({ predictor, spend: [10, 20], periods, groupings, active: (u, L) => Float64Array.of(0.01 * L, 0.001 * (u + L)) });
    expect(tot[0][0][0].purchases).toBeCloseTo(31 + 62, 12);
    expect(tot[0][0][1].purchases).toBeCloseTo(28 + 56, 12);
    expect(tot[0][0][0].revenue).toBeCloseTo(31 * 10 + 62 * 20, 10);
    expect(tot[0][0][1].active).toBeCloseTo(0.28 + 0.001 * 59, 12);
    // customer 0 in group b, customer 1 in none
    expect(tot[1][1].map((c) => c.purchases)).toEqual([31, 28]);
    expect(tot[1][1][1].revenue).toBeCloseTo(280, 12);
    expect(tot[1][1][0].active).toBeCloseTo(0.31, 12);
    expect(tot[1][0][0]).toEqual({ purchases: 0, active: 0, revenue: 0 });
    expect(tot[1][2][1].purchases).toBe(0);
  });

  it('without an active function the active column is NaN', () => {
    const tot = forecastTotals({ predictor, spend: [10, 20], periods, groupings });
    expect(tot[0][0][0].active).toBeNaN();
  });
});

describe('actualTotals', () => {
  it('counts purchase days, distinct buyers and value per period and group; days outside the periods are left out', () => {
    const d = (m: number, day: number): number => dayFromCivil(2025, m, day);
    const periods = forecastPeriods(dayFromCivil(2024, 12, 31), 'month', 1, { count: 2 });
    const log = [
      [{ day: d(1, 3), amount: 5 }, { day: d(1, 20), amount: 7 }, { day: d(2, 1), amount: 1 }, { day: d(3, 1), amount: 100 }],
      [{ day: d(2, 14), amount: 4 }],
    ];
    const tot = actualTotals({ purchases: (i) => log[i], size: 2, periods, groupings: [{ labels: ['all'], of: [0, 0] }, { labels: ['x', 'y'], of: [1, 0] }] });
    expect(tot[0][0]).toEqual([{ purchases: 2, active: 1, revenue: 12 }, { purchases: 2, active: 2, revenue: 5 }]);
    expect(tot[1][1]).toEqual([{ purchases: 2, active: 1, revenue: 12 }, { purchases: 1, active: 1, revenue: 1 }]);
    expect(tot[1][0][1]).toEqual({ purchases: 1, active: 1, revenue: 4 });
  });
});

describe('counts from the ledger', () => {
  // a: first order 2024-12-20, repeats 2025-01-05 (two orders that day, one purchase day) and
  // 2025-02-10 with a same-day refund; b: first order 2025-01-15, repeat 2025-01-20; c: a prospect
  const t = ledgerTable([
    ['a', [order('2024-12-20', 10), order('2025-01-05', 20, 2), order('2025-02-10', 30), refund('2025-02-10', 5)]],
    ['b', [order('2025-01-15', 7), order('2025-01-20', 8)]],
    ['c', []],
  ]);
  const months = forecastPeriods(day('2024-11-30'), 'month', 1, { end: day('2025-02-28') });

  it('repeatPurchasesByPeriod: purchase days after each customer’s first, distinct buyers and net value per period', () => {
    expect(repeatPurchasesByPeriod(t, months)).toEqual([
      { purchases: 0, active: 0, revenue: 0 },
      { purchases: 2, active: 2, revenue: 28 },
      { purchases: 1, active: 1, revenue: 25 },
    ]);
  });

  it('purchasesAfterCalibration: the purchase days after the calibration end of the summary customers', () => {
    const summary = summarizeLedger(t, { calibrationEnd: day('2024-12-31'), unit: 'week' });
    expect(summary.ids).toEqual(['a']);
    expect([...purchasesAfterCalibration(t, summary)(0)]).toEqual([{ day: day('2025-01-05'), amount: 20 }, { day: day('2025-02-10'), amount: 25 }]);
  });
});

describe('P(at least one purchase in a window)', () => {
  const bg = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }; // FHL (2005) CDNOW estimates
  const pn = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }; // Fader & Hardie's Pareto/NBD on CDNOW

  it('BG/NBD and MBG/NBD, window starting at T: 1 − (A/(A+L))^R, R = r+x, A = α+T (no dropout before a purchase)', () => {
    const x = 3;
    const T = 30;
    const L = 4;
    const want = 1 - Math.pow((bg.alpha + T) / (bg.alpha + T + L), bg.r + x);
    expect(bgActiveIfAlive(bg, false, x, T, 0, L)).toBeCloseTo(want, 14);
    expect(bgActiveIfAlive(bg, true, x, T, 0, L)).toBeCloseTo(want, 14);
  });

  it('Pareto/NBD without dropout (s → 0) is the gamma-Poisson chance of a purchase, 1 − (A/(A+L))^R', () => {
    const x = 2;
    const T = 20;
    const L = 6;
    const want = 1 - Math.pow((pn.alpha + T) / (pn.alpha + T + L), pn.r + x);
    expect(pnbdActiveIfAlive({ ...pn, s: 1e-12 }, x, T, 10, L)).toBeCloseTo(want, 10);
  });

  it('Pareto/NBD quadrature agrees with 4 times as many points to 1e-9', () => {
    for (const [x, T, u, L] of [[0, 38, 0, 1], [0, 0.5, 20, 13], [7, 30, 5, 4.3], [25, 39, 30, 9]]) {
      expect(Math.abs(pnbdActiveIfAlive(pn, x, T, u, L) - pnbdActiveIfAlive(pn, x, T, u, L, 16, 48))).toBeLessThan(1e-9);
    }
  });

  /**
   * Simulation of a customer alive at T with x repeat purchases: λ ~ Gamma(r+x, α+T) and
   * p ~ Beta(a, b+x) (b+x+1 for MBG/NBD) or μ ~ Gamma(s, β+T), the story run forward from T;
   * the share with a purchase in (T+u, T+u+L].
   */
  function simulate(model: 'bg' | 'mbg' | 'pnbd', x: number, T: number, u: number, L: number, n: number, seed: number): number {
    const g = rng(seed);
    let hit = 0;
    for (let k = 0; k < n; k++) {
      const params = model === 'pnbd' ? pn : bg;
      const lambda = gamma(g, params.r + x) / (params.alpha + T);
      let t = 0;
      if (model === 'pnbd') {
        const mu = gamma(g, pn.s) / (pn.beta + T);
        const death = -Math.log(g()) / mu;
        for (;;) {
          t += -Math.log(g()) / lambda;
          if (t > death || t > u + L) break;
          if (t > u) {
            hit++;
            break;
          }
        }
      } else {
        const ga = gamma(g, bg.a);
        const p = ga / (ga + gamma(g, bg.b + x + (model === 'mbg' ? 1 : 0)));
        for (;;) {
          t += -Math.log(g()) / lambda;
          if (t > u + L) break;
          if (t > u) {
            hit++;
            break;
          }
          if (g() < p) break; // dropped out right after this purchase
        }
      }
    }
    return hit / n;
  }

  it.each([
    ['bg', 0, 30, 8, 4],
    ['bg', 4, 20, 20, 13],
    ['mbg', 1, 35, 10, 4],
    ['pnbd', 0, 30, 8, 4],
    ['pnbd', 4, 20, 20, 13],
  ] as const)('%s, x = %i, T = %i, window (T + u, T + u + L] with u = %i, L = %i: agrees with a simulation of 200,000 customers within 4 standard errors', (model, x, T, u, L) => {
    const n = 200_000;
    const sim = simulate(model, x, T, u, L, n, 17 + x + u);
    const got = model === 'pnbd' ? pnbdActiveIfAlive(pn, x, T, u, L) : bgActiveIfAlive(bg, model === 'mbg', x, T, u, L);
    const se = Math.sqrt((got * (1 - got)) / n);
    expect(Math.abs(got - sim)).toBeLessThan(4 * se);
    // and the window later is less likely than the one at T (dropout in between)
    expect(got).toBeLessThan(model === 'pnbd' ? pnbdActiveIfAlive(pn, x, T, 0, L) : bgActiveIfAlive(bg, model === 'mbg', x, T, 0, L));
  });

  it('activeProbabilities multiplies by P(alive) per customer', () => {
    const data = { frequency: [0, 3, 3], recency: [0, 10, 20], T: [30, 30, 30] };
    const pAlive = [1, 0.25, 0.5];
    const got = activeProbabilities({ model: 'bgnbd', params: bg }, data, pAlive, 5, 4);
    const a0 = bgActiveIfAlive(bg, false, 0, 30, 5, 4);
    const a3 = bgActiveIfAlive(bg, false, 3, 30, 5, 4);
    expect(Array.from(got)).toEqual([a0, 0.25 * a3, 0.5 * a3]);
  });
});
