import { describe, expect, it } from 'vitest';
import { summaryFromArrays } from '../../src/analytics/clv/summary.js';
import { analysesUsed, checkData, dataFigures, gateWarnings, type Analysis, type DataChecks } from '../../src/analytics/data-checks.js';
import { MIN_GAPS, MIN_MODEL_REPEAT_CUSTOMERS, CAUTION_MODEL_REPEAT_CUSTOMERS } from '../../src/analytics/sample-size.js';
import type { ThresholdDerivation } from '../../src/analytics/stages.js';

/**
 * Issue 15, item 6: the data checks of `clm doctor` on hand-made summaries: each verdict
 * moves at its limit, with the numbers in its reason.
 */

const derivation = (gaps = 5000, repeatCustomers = 1000): ThresholdDerivation => ({
  thresholds: { activeDays: 60, churnDays: 120, loyalMinOrders: 3 },
  source: { activeDays: 'data', churnDays: 'data', loyalMinOrders: 'data' },
  basis: { repeatCustomers, gaps, gapP80: 60, purchaseDaysP80: 3 },
});

/**
 * `customers` buyers in weeks, the first `repeat` of them with x = 1 + (k mod 3) repeat days
 * and spend 20 + (k mod 7) (no tie to frequency), the oldest first bought `historyWeeks` ago;
 * the last `nonPositive` have a net spend of 0.
 */
function shop(o: { customers: number; repeat: number; historyWeeks: number; nonPositive?: number; spend?: (k: number, x: number) => number }): DataChecks {
  const n = o.customers;
  const ids = Array.from({ length: n }, (_, k) => `C${k}`);
  const frequency = ids.map((_, k) => (k < o.repeat ? 1 + (k % 3) : 0));
  const T = ids.map((_, k) => (k === 0 ? o.historyWeeks : Math.min(o.historyWeeks, 1 + (k % 20))));
  const recency = frequency.map((x, k) => (x > 0 ? T[k] / 2 : 0));
  const monetary = frequency.map((x, k) => (x > 0 ? (o.spend ?? ((kk) => 20 + (kk % 7)))(k, x) : 0));
  const summary = summaryFromArrays({ ids, frequency, recency, T, monetary, unit: 'week' });
  const net = ids.map((_, k) => (k >= n - (o.nonPositive ?? 0) ? 0 : 50));
  return checkData(dataFigures(summary, net, { calibrationRepeatPurchases: 500, holdoutPurchases: 200 }), derivation());
}

const verdict = (c: DataChecks, a: Analysis): string => c.analyses.find((x) => x.analysis === a)!.verdict;
const reason = (c: DataChecks, a: Analysis): string => c.analyses.find((x) => x.analysis === a)!.reason;
const check = (c: DataChecks, name: string) => c.checks.find((x) => x.check === name)!;

describe('data checks (pure)', () => {
  it('a shop with 2,000 customers, 1,000 repeat buyers over a year is safe for every analysis', () => {
    const c = shop({ customers: 2000, repeat: 1000, historyWeeks: 52 });
    expect(c.figures).toMatchObject({ customers: 2000, repeatBuyers: 1000, spendRepeatBuyers: 1000, historyDays: 364, historyUnits: 52, oneTimeShare: 0.5, nonPositiveSpend: 0 });
    expect(c.analyses.map((a) => a.verdict)).toEqual(Array(9).fill('safe'));
    expect(reason(c, 'bgnbd')).toBe('1,000 repeat buyers of 2,000 customers over 364 days');
  });

  it('repeat buyers: unsafe below 100, caution below 400, safe at 400; the reason gives the numbers', () => {
    const at = (r: number) => shop({ customers: 2000, repeat: r, historyWeeks: 52 });
    expect(verdict(at(MIN_MODEL_REPEAT_CUSTOMERS - 1), 'bgnbd')).toBe('unsafe');
    expect(reason(at(79), 'pnbd')).toBe('only 79 repeat buyers of 2,000 customers (fewer than 100): the purchase rate and dropout rest on too few customers who bought again');
    expect(verdict(at(MIN_MODEL_REPEAT_CUSTOMERS), 'pnbd')).toBe('caution');
    expect(verdict(at(CAUTION_MODEL_REPEAT_CUSTOMERS - 1), 'mbgnbd')).toBe('caution');
    expect(verdict(at(CAUTION_MODEL_REPEAT_CUSTOMERS), 'mbgnbd')).toBe('safe');
    // Gamma-Gamma on the same repeat buyers (all with positive spend here)
    expect(verdict(at(99), 'gamma_gamma')).toBe('unsafe');
    expect(check(at(99), 'repeat_buyers')).toMatchObject({ value: 99, verdict: 'unsafe' });
  });

  it('history: unsafe under 90 days, caution under 180, in days and in the model unit', () => {
    const at = (w: number) => shop({ customers: 2000, repeat: 1000, historyWeeks: w });
    expect(verdict(at(12), 'bgnbd')).toBe('unsafe'); // 84 days
    expect(reason(at(12), 'bgnbd')).toContain('only 84 days of order history (fewer than 90)');
    expect(verdict(at(12), 'cohorts')).toBe('caution');
    expect(verdict(at(13), 'bgnbd')).toBe('caution'); // 91 days
    expect(verdict(at(26), 'bgnbd')).toBe('safe'); // 182 days
    expect(check(at(13), 'history_weeks')).toMatchObject({ value: 13, threshold: '>= 12.9 (caution < 25.7)', verdict: 'caution' });
    // in days, one row: the span is already in the model's unit
    const days = summaryFromArrays({ ids: ['a'], frequency: [1], recency: [50], T: [100], monetary: [5], unit: 'day' });
    expect(checkData(dataFigures(days, [10], null), derivation()).checks.map((c) => c.check)).toEqual(['customers', 'repeat_buyers', 'history_days', 'one_time_share', 'nonpositive_spend_customers', 'spend_repeat_buyers', 'spend_frequency_correlation']);
  });

  it('one-time buyers above 80%: BG/NBD (P(alive) = 1 for them) is caution, MBG/NBD and Pareto/NBD are not', () => {
    const c = shop({ customers: 5000, repeat: 900, historyWeeks: 52 }); // 82% one-time
    expect(verdict(c, 'bgnbd')).toBe('caution');
    expect(reason(c, 'bgnbd')).toContain('82% of customers never bought again (more than 80%)');
    expect(verdict(c, 'mbgnbd')).toBe('safe');
    expect(verdict(c, 'pnbd')).toBe('safe');
  });

  it('zero or negative spend above 5% of customers: historical CLV is caution', () => {
    expect(verdict(shop({ customers: 2000, repeat: 1000, historyWeeks: 52, nonPositive: 100 }), 'historical_clv')).toBe('safe');
    const c = shop({ customers: 2000, repeat: 1000, historyWeeks: 52, nonPositive: 101 });
    expect(verdict(c, 'historical_clv')).toBe('caution');
    expect(reason(c, 'historical_clv')).toContain('101 customers (5.1%) have zero or negative net spend');
  });

  it('spend tied to frequency: Gamma-Gamma is caution, with the correlation', () => {
    const c = shop({ customers: 2000, repeat: 1000, historyWeeks: 52, spend: (_k, x) => 10 * x });
    expect(c.figures.correlation).toBeCloseTo(1, 10);
    expect(verdict(c, 'gamma_gamma')).toBe('caution');
    expect(reason(c, 'gamma_gamma')).toContain('r = 1.00, beyond ±0.3');
  });

  it('no customer at all: every analysis is unsafe', () => {
    const c = shop({ customers: 0, repeat: 0, historyWeeks: 0 });
    for (const a of ['stages', 'rfm', 'cohorts', 'historical_clv', 'bgnbd'] as const) expect(verdict(c, a)).toBe('unsafe');
  });

  it('stages use the small-sample words of sample-size.ts, and the gate says only what a run uses', () => {
    const summary = summaryFromArrays({ ids: ['a', 'b'], frequency: [1, 0], recency: [2, 0], T: [30, 10], monetary: [10, 0], unit: 'week' });
    const c = checkData(dataFigures(summary, [20, 10], null), derivation(MIN_GAPS - 1));
    expect(verdict(c, 'stages')).toBe('caution');
    expect(reason(c, 'stages')).toContain(`comes from only ${MIN_GAPS - 1} gaps`);
    expect(verdict(c, 'backtest')).toBe('unsafe');
    const historical = gateWarnings(c, analysesUsed('historical'));
    expect(historical.some((w) => w.includes('BG/NBD'))).toBe(false);
    expect(historical[0]).toMatch(/^small sample: active_days/);
    const bg = gateWarnings(c, analysesUsed('bgnbd', { backtest: false }));
    expect(bg).toContain('data check: BG/NBD is UNSAFE on this data: only 1 repeat buyers of 2 customers (fewer than 100): the purchase rate and dropout rest on too few customers who bought again; only 2 customers with an order (fewer than 500) (clm doctor lists every check)');
    expect(bg.some((w) => w.includes('backtest'))).toBe(false);
  });
});
