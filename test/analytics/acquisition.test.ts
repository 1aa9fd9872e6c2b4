import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_CHANNELS, assignChannels, cacByPeriod, cacPayback, coveredMonths, ltvToCac, type SpendEntry } from '../../src/analytics/acquisition.js';
import { historicalClv } from '../../src/analytics/clv/value.js';
import { periodOfDay } from '../../src/domain/period.js';
import { day, ledgerTable, order, refund, type Ev } from '../helpers/ledger-table.js';

/*
 * As of 2024-03-15. Customers (channel): A web, B web, C app, D app, E none, F retail, G web.
 *   A: 01-05 100, 02-10 50, 03-10 300      B: 01-20 30        C: 01-25 20, refund 02-01 20
 *   D: 02-14 200                           E: 02-20 10        F: 03-02 40
 *   G: 2023-12-30 70 (acquired before the spend file starts)
 * Spend: 2024-01 web 300, app 100, tv 50; 2024-02 web 200, app 400; 2024-03 retail 120;
 *        2024-04 web 999 (after the as-of month: left out).
 */
const SHOP: [string, Ev[]][] = [
  ['A', [order('2024-01-05', 100), order('2024-02-10', 50), order('2024-03-10', 300)]],
  ['B', [order('2024-01-20', 30)]],
  ['C', [order('2024-01-25', 20), refund('2024-02-01', 20)]],
  ['D', [order('2024-02-14', 200)]],
  ['E', [order('2024-02-20', 10)]],
  ['F', [order('2024-03-02', 40)]],
  ['G', [order('2023-12-30', 70)]],
];
const CHANNEL = { channel: { A: 'web', B: 'web', C: 'app', D: 'app', F: 'retail', G: 'web' } };
const m = (iso: string): number => periodOfDay('month', day(`${iso}-01`));
const SPEND: SpendEntry[] = [
  { month: m('2024-01'), channel: 'web', amount: 300 },
  { month: m('2024-01'), channel: 'app', amount: 100 },
  { month: m('2024-01'), channel: 'tv', amount: 50 },
  { month: m('2024-02'), channel: 'web', amount: 200 },
  { month: m('2024-02'), channel: 'app', amount: 400 },
  { month: m('2024-03'), channel: 'retail', amount: 120 },
  { month: m('2024-04'), channel: 'web', amount: 999 },
];
const AS_OF = day('2024-03-15');
const t = ledgerTable(SHOP, CHANNEL);
const ch = assignChannels(t.attributes[0], t.size);

describe('acquisition, worked by hand', () => {
  it('assigns channels, blank = none, sorted', () => {
    expect(ch.channels).toEqual(['app', 'retail', 'web']);
    expect([...ch.channelOf]).toEqual([2, 2, 0, 0, -1, 1, 2]);
  });

  it('CAC per month and channel = spend / new customers of the channel; (all) = all spend / all new customers', () => {
    const rows = cacByPeriod(t, SPEND, ch, { unit: 'month', asOf: AS_OF, from: m('2024-01'), to: m('2024-03') });
    const get = (label: string, channel: string) => rows.find((r) => r.label === label && r.channel === channel)!;
    expect(rows.length).toBe(3 * 5); // app, retail, tv, web, (all)
    expect(get('2024-01', 'web')).toMatchObject({ spend: 300, newCustomers: 2, cac: 150, complete: true });
    expect(get('2024-01', 'app')).toMatchObject({ spend: 100, newCustomers: 1, cac: 100 });
    expect(get('2024-01', 'tv')).toMatchObject({ spend: 50, newCustomers: 0, cac: null });
    expect(get('2024-01', ALL_CHANNELS)).toMatchObject({ spend: 450, newCustomers: 3, cac: 150 });
    expect(get('2024-02', 'web')).toMatchObject({ spend: 200, newCustomers: 0, cac: null });
    expect(get('2024-02', 'app')).toMatchObject({ spend: 400, newCustomers: 1, cac: 400 });
    expect(get('2024-02', ALL_CHANNELS)).toMatchObject({ spend: 600, newCustomers: 2, cac: 300 }); // E has no channel
    expect(get('2024-03', 'retail')).toMatchObject({ spend: 120, newCustomers: 1, cac: 120, complete: false });
    expect(get('2024-03', 'web')).toMatchObject({ spend: 0, newCustomers: 0, cac: null }); // April's 999 is after the as-of month
  });

  it('CAC per quarter sums the months', () => {
    const rows = cacByPeriod(t, SPEND, ch, { unit: 'quarter', asOf: AS_OF, from: periodOfDay('quarter', AS_OF), to: periodOfDay('quarter', AS_OF) });
    expect(rows.find((r) => r.channel === 'web')).toMatchObject({ label: '2024-Q1', spend: 500, newCustomers: 2, cac: 250 });
    expect(rows.find((r) => r.channel === ALL_CHANNELS)).toMatchObject({ spend: 1170, newCustomers: 6, cac: 195 });
  });

  it('the covered months are those with a spend row, up to the as-of month', () => {
    expect(coveredMonths(SPEND, AS_OF)).toEqual([m('2024-01'), m('2024-02'), m('2024-03')]);
  });

  it('LTV:CAC over the covered months: historical value, plus predicted value when given', () => {
    const historical = historicalClv(t, AS_OF);
    const rows = ltvToCac(t, SPEND, ch, { historical }, AS_OF);
    const get = (c: string) => rows.find((r) => r.channel === c)!;
    // web: A (450) and B (30); G was acquired before the spend file
    expect(get('web')).toMatchObject({ spend: 500, newCustomers: 2, cac: 250, historicalValue: 240, predictedValue: null, ltv: 240 });
    expect(get('web').ltvToCac).toBeCloseTo(0.96, 12);
    expect(get('app')).toMatchObject({ spend: 500, newCustomers: 2, cac: 250, historicalValue: 100, ltv: 100 });
    expect(get('tv')).toMatchObject({ spend: 50, newCustomers: 0, cac: null, ltv: null, ltvToCac: null });
    expect(get(ALL_CHANNELS)).toMatchObject({ spend: 1170, newCustomers: 6, cac: 195 });
    expect(get(ALL_CHANNELS).historicalValue).toBeCloseTo(730 / 6, 12);

    const predicted = Float64Array.from(SHOP, ([id]) => (id === 'A' ? 60 : id === 'B' ? 20 : NaN));
    const withModel = ltvToCac(t, SPEND, ch, { historical, predicted }, AS_OF);
    const web = withModel.find((r) => r.channel === 'web')!;
    expect([web.predictedValue, web.ltv, web.ltvToCac]).toEqual([40, 280, 280 / 250]);
  });

  it('months to recover CAC per monthly cohort', () => {
    const rows = cacPayback(t, SPEND, AS_OF);
    expect(rows.map((r) => r.label)).toEqual(['2024-01', '2024-02', '2024-03']);
    // Jan: A, B, C; CAC 450/3 = 150; per customer 50 in Jan, 60 to Feb, 160 to Mar: recovered in k = 2
    expect(rows[0]).toMatchObject({ spend: 450, newCustomers: 3, cac: 150, monthsToRecover: 2 });
    expect(rows[0].valueToDate).toBeCloseTo(160, 12);
    // Feb: D, E; CAC 300; 105 per customer so far
    expect(rows[1]).toMatchObject({ cac: 300, valueToDate: 105, monthsToRecover: null, recoveredShare: 0.35 });
    // Mar: F; CAC 120; 40 so far
    expect(rows[2]).toMatchObject({ cac: 120, valueToDate: 40, monthsToRecover: null });
    // with a 50% margin the January cohort has 80 per customer: not recovered
    expect(cacPayback(t, SPEND, AS_OF, 0.5)[0]).toMatchObject({ valueToDate: 80, monthsToRecover: null });
  });
});

describe('acquisition properties', () => {
  const START = day('2023-01-01');
  const shopArb = fc.array(
    fc.record({
      channel: fc.constantFrom('web', 'app', 'shop', ''),
      evs: fc.array(fc.record({ day: fc.integer({ min: START, max: START + 500 }), orders: fc.integer({ min: 0, max: 2 }), amount: fc.integer({ min: -2000, max: 9000 }).map((c) => c / 100) }), { maxLength: 8 }),
    }),
    { maxLength: 30 },
  );
  const spendArb = fc.array(fc.record({ month: fc.integer({ min: m('2023-01'), max: m('2024-06') }), channel: fc.constantFrom('web', 'app', 'shop', 'tv'), amount: fc.integer({ min: 0, max: 100000 }).map((c) => c / 100) }), { maxLength: 30 });

  it('(all) spend is the sum of the channels; (all) new customers is at least the sum of the channels, equal when everyone has a spend channel', () => {
    fc.assert(
      fc.property(shopArb, spendArb, fc.integer({ min: START, max: START + 520 }), (shop, spend, asOf) => {
        const table = ledgerTable(shop.map((c, i) => [`c${i}`, c.evs]), { channel: Object.fromEntries(shop.map((c, i) => [`c${i}`, c.channel])) });
        const chs = assignChannels(table.attributes[0], table.size);
        const from = periodOfDay('month', START);
        const to = periodOfDay('month', asOf);
        const rows = cacByPeriod(table, spend, chs, { unit: 'month', asOf, from, to });
        const spendChannels = new Set(spend.map((s) => s.channel));
        for (let p = from; p <= to; p++) {
          const ofP = rows.filter((r) => r.period === p);
          const all = ofP.find((r) => r.channel === ALL_CHANNELS)!;
          const parts = ofP.filter((r) => r.channel !== ALL_CHANNELS);
          const months = new Set(spend.filter((s) => s.month <= periodOfDay('month', asOf)).map((s) => s.month));
          // a month the spend file does not cover has unknown spend and no CAC, not zero
          if (!months.has(p)) {
            for (const r of ofP) expect([r.spend, r.cac]).toEqual([null, null]);
            continue;
          }
          expect(parts.reduce((s, r) => s + r.spend!, 0)).toBeCloseTo(all.spend!, 6);
          const sum = parts.reduce((s, r) => s + r.newCustomers, 0);
          expect(sum).toBeLessThanOrEqual(all.newCustomers);
          if (shop.every((c) => c.channel !== '' && spendChannels.has(c.channel))) expect(sum).toBe(all.newCustomers);
          for (const r of ofP) expect(r.cac === null ? r.newCustomers === 0 : Math.abs(r.cac * r.newCustomers - r.spend!) < 1e-6).toBe(true);
        }
        // the payback cohorts' sizes are the new customers of the covered months
        const pb = cacPayback(table, spend, asOf);
        for (const r of pb) {
          const all = rows.find((x) => x.period === r.month && x.channel === ALL_CHANNELS);
          if (all) expect(r.newCustomers).toBe(all.newCustomers);
          if (r.monthsToRecover !== null) expect(r.monthsToRecover).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 150 },
    );
  });
});
