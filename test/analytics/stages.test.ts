import { describe, expect, it } from 'vitest';
import { assignStages, deriveThresholds, nearestRankPercentile, snapshotAt, stageDistribution, transitionMatrix } from '../../src/analytics/stages.js';
import type { CustomerTable } from '../../src/domain/customer-state.js';
import { CustomerStateBuilder } from '../../src/engine/streaming/customer-builder.js';
import { NOT_YET, STAGES, type StageThresholds } from '../../src/domain/stage.js';

/** A table from (id, day offsets relative to asOf) with optional listed prospects. */
function table(orders: [string, number[]][], prospects: string[] = []): CustomerTable {
  const b = new CustomerStateBuilder();
  for (const [id, days] of orders) {
    const i = b.customerIndex(id);
    for (const d of days) b.addOrder(i, AS_OF + d, 10);
  }
  for (const id of prospects) b.customerIndex(id);
  return b.finalize((_, key) => prospects.includes(key)).table;
}

const AS_OF = 20000;
const TH: StageThresholds = { activeDays: 30, churnDays: 60, loyalMinOrders: 3 };

function stagesOf(t: CustomerTable, th = TH, advocate?: string[]): Record<string, string> {
  const s = snapshotAt(t, AS_OF);
  const adv = advocate ? Uint8Array.from(t.ids, (id) => (advocate.includes(id) ? 1 : 0)) : undefined;
  const codes = assignStages(s, th, adv);
  return Object.fromEntries(t.ids.map((id, i) => [id, codes[i] === NOT_YET ? 'not_yet' : STAGES[codes[i]]]));
}

describe('stage rules (active 30, churn 60, loyal 3), hand-worked', () => {
  it('day boundaries are strict: exactly active_days / churn_days ago is not yet past them', () => {
    const t = table([
      ['a30', [-30]],
      ['a31', [-31]],
      ['c60', [-90, -60]],
      ['c61', [-61]],
      ['today', [0]],
    ]);
    expect(stagesOf(t)).toEqual({ a30: 'new', a31: 'at_risk', c60: 'at_risk', c61: 'churned', today: 'new' });
  });

  it('same-day orders are one purchase day', () => {
    const t = table([['same', [-1, -1, -1]]]);
    expect(stagesOf(t)).toEqual({ same: 'new' });
    expect(snapshotAt(t, AS_OF).orders[0]).toBe(3);
  });

  it('reactivated only when the gap before the last purchase is more than churn_days', () => {
    const t = table([
      ['gap61', [-71, -10]],
      ['gap60', [-70, -10]],
      ['long', [-400, -300, -200, -5]],
    ]);
    expect(stagesOf(t)).toEqual({ gap61: 'reactivated', gap60: 'active', long: 'reactivated' });
  });

  it('loyal from loyal_min_orders purchase days; advocate needs loyalty and a signal', () => {
    const t = table([
      ['two', [-20, -10]],
      ['three', [-20, -10, -1]],
      ['adv', [-20, -10, -1]],
      ['advNew', [-1]],
    ]);
    expect(stagesOf(t, TH, ['adv', 'advNew'])).toEqual({ two: 'active', three: 'loyal', adv: 'advocate', advNew: 'new' });
  });

  it('churn and at-risk win over reactivation, loyalty and advocacy (first match wins)', () => {
    const t = table([
      ['oldLoyal', [-100, -90, -80]],
      ['oldReact', [-300, -45]],
    ]);
    expect(stagesOf(t, TH, ['oldLoyal'])).toEqual({ oldLoyal: 'churned', oldReact: 'at_risk' });
  });

  it('a listed customer without a counted order is a prospect', () => {
    const t = table([['buyer', [-1]]], ['lead']);
    expect(stagesOf(t)).toEqual({ buyer: 'new', lead: 'prospect' });
  });
});

describe('snapshots at an earlier date', () => {
  it('fold only the ledger up to the day; customers without an order by then are not known unless listed', () => {
    const t = table([
      ['early', [-100, -10]],
      ['late', [-5]],
    ], ['lead']);
    const s = snapshotAt(t, AS_OF - 50);
    const i = (id: string): number => t.ids.indexOf(id);
    expect(s.orders[i('early')]).toBe(1);
    expect(s.lastDay[i('early')]).toBe(AS_OF - 100);
    expect(s.known[i('late')]).toBe(0);
    expect(s.known[i('lead')]).toBe(1);
    // 'late' is listed too in a customers file: then it is a prospect back then
    const listed = Uint8Array.from(t.ids, (id) => (id === 'late' || id === 'lead' ? 1 : 0));
    const s2 = snapshotAt(t, AS_OF - 50, listed);
    expect(STAGES[assignStages(s2, TH)[i('late')]]).toBe('prospect');
  });

  it('the transition matrix sums to the customers known at the later date', () => {
    const t = table([
      ['a', [-100, -10]],
      ['b', [-5]],
      ['c', [-200]],
    ], ['p']);
    const before = assignStages(snapshotAt(t, AS_OF - 50), TH);
    const after = assignStages(snapshotAt(t, AS_OF), TH);
    const m = transitionMatrix(before, after);
    expect(m.flat().reduce((x, y) => x + y, 0)).toBe(4);
    // b was not a customer 50 days ago and is new now
    expect(m[STAGES.length][STAGES.indexOf('new')]).toBe(1);
    // a was churned? 100 days before AS_OF is 50 days before AS_OF-50: at_risk then, active... reactivated now (gap 90 > 60)
    expect(m[STAGES.indexOf('at_risk')][STAGES.indexOf('reactivated')]).toBe(1);
  });
});

describe('derived thresholds', () => {
  it('nearest-rank 80th percentile', () => {
    expect(nearestRankPercentile(new Map([[1, 1], [2, 1], [3, 1], [4, 1], [5, 1]]), 5, 0.8)).toBe(4);
    expect(nearestRankPercentile(new Map([[10, 8], [100, 2]]), 10, 0.8)).toBe(10);
    expect(nearestRankPercentile(new Map([[10, 7], [100, 3]]), 10, 0.8)).toBe(100);
  });

  it('active = p80 of gaps clamped to [30, 365], churn = 2x (max 730), loyal = max(3, p80 purchase days)', () => {
    // gaps: 10, 20, 40, 50, 100 -> rank ceil(0.8 * 5) = 4 -> 50 days;
    // purchase days of repeat customers: 2, 2, 4 -> rank ceil(0.8 * 3) = 3 -> 4
    const t = table([
      ['x', [-200, -190]],
      ['y', [-200, -180]],
      ['z', [-200, -160, -110, -10]],
      ['one', [-3]],
    ]);
    const d = deriveThresholds(snapshotAt(t, AS_OF), t);
    expect(d.basis.gaps).toBe(5);
    expect(d.basis.gapP80).toBe(50);
    expect(d.thresholds).toEqual({ activeDays: 50, churnDays: 100, loyalMinOrders: 4 });
    expect(d.source.activeDays).toBe('data');
  });

  it('clamps and caps', () => {
    const short = table([['s', [-3, -2, -1]]]);
    expect(deriveThresholds(snapshotAt(short, AS_OF), short).thresholds).toEqual({ activeDays: 30, churnDays: 60, loyalMinOrders: 3 });
    const long = table([['l', [-1000, -10]]]);
    expect(deriveThresholds(snapshotAt(long, AS_OF), long).thresholds).toEqual({ activeDays: 365, churnDays: 730, loyalMinOrders: 3 });
  });

  it('flags and config win; no repeat customers falls back to 90 days', () => {
    const t = table([['one', [-3]]]);
    const d = deriveThresholds(snapshotAt(t, AS_OF), t, { activeDays: { value: 45, source: 'flag' } });
    expect(d.thresholds).toEqual({ activeDays: 45, churnDays: 90, loyalMinOrders: 3 });
    expect(d.source).toEqual({ activeDays: 'flag', churnDays: 'data', loyalMinOrders: 'default' });
    expect(deriveThresholds(snapshotAt(t, AS_OF), t).thresholds.activeDays).toBe(90);
  });
});

describe('stage distribution', () => {
  it('lists every stage with counts, shares and averages', () => {
    const t = table([
      ['a', [-1]],
      ['b', [-2]],
      ['c', [-100]],
    ], ['p']);
    const s = snapshotAt(t, AS_OF);
    const rows = stageDistribution(s, assignStages(s, TH));
    expect(rows.map((r) => r.stage)).toEqual([...STAGES]);
    const byStage = Object.fromEntries(rows.map((r) => [r.stage, r]));
    expect(byStage.new.customers).toBe(2);
    expect(byStage.new.share).toBe(0.5);
    expect(byStage.new.averageDaysSinceLastOrder).toBe(1.5);
    expect(byStage.new.revenueShare).toBeCloseTo(2 / 3);
    expect(byStage.prospect.customers).toBe(1);
    expect(byStage.prospect.averageDaysSinceLastOrder).toBeNull();
    expect(byStage.churned.averageHistoricalValue).toBe(10);
    expect(byStage.loyal.customers).toBe(0);
    expect(byStage.loyal.averageOrders).toBeNull();
  });
});
