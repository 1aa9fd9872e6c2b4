import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { generateSpend } from '../../src/gen/spend.js';
import { runClm } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-kpis-'));
let fileNo = 0;
function file(text: string, ext = 'csv'): string {
  const p = join(dir, `f${fileNo++}.${ext}`);
  writeFileSync(p, text);
  return p;
}

type Row = Record<string, string>;
function rows(csv: string): Row[] {
  return parse(csv, { columns: true });
}

async function ok(args: string[], opts: { cwd?: string } = {}): Promise<string> {
  const r = await runClm(args, opts);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

// The worked example of test/analytics/kpis.test.ts, through the reader (as of 2024-03-15).
const orders = file(
  [
    'order_id,customer_id,order_date,amount,status',
    'a1,A,2024-01-05,100,paid',
    'a2,A,2024-01-20,50,paid',
    'a3,A,2024-03-02,30,paid',
    'b1,B,2024-01-31,80,paid',
    'b2,B,2024-02-10,-20,paid', // a refund
    'c1,C,2024-02-29,40,paid',
    'c2,C,2024-03-01,10,paid',
    'd0,D,2024-01-10,-5,paid', // a refund before D's first order: booked on that order's day (domain/ledger.ts)
    'd1,D,2024-02-05,30,paid',
    'd2,D,2024-02-05,30,paid',
    'e1,E,2024-03-05,25,paid',
    'e2,E,2024-03-20,99,paid', // after the as-of date
  ].join('\n'),
);
const customers = file(['customer_id,channel,nps,review_score', 'A,web,10,5', 'B,web,3,2', 'C,app,8,4', 'D,app,,', 'E,retail,9,5', 'P,web,7,'].join('\n'));
const spend = file(['period,channel,amount', '2024-01,web,300', '2024-01,App,60', '2024-02,app,100', '2024-03,retail,50', '2024-03-31,retail,"1,000.00"'].join('\n'));
const reviews = file(['order_id,review_score,review_date', 'a1,5,2024-01-08', 'b1,2,2024-02-02', 'c1,4,2024-03-03', 'd1,3,2024-03-04'].join('\n'));
const BASE = ['--orders', orders, '--customers', customers, '--as-of', '2024-03-15'];

describe('clm kpis, worked by hand through the reader', () => {
  it('kpis: one row per month, every KPI and its change', async () => {
    const r = rows(await ok(['kpis', ...BASE, '--format', 'csv']));
    expect(r.map((x) => [x.period, x.complete])).toEqual([['2024-01', 'true'], ['2024-02', 'true'], ['2024-03', 'false']]);
    expect(Object.keys(r[0]).slice(0, 8)).toEqual(['period', 'start_date', 'end_date', 'complete', 'active_customers', 'new_customers', 'returning_customers', 'retention_rate']);
    const feb = r[1];
    expect(feb).toMatchObject({
      start_date: '2024-02-01',
      end_date: '2024-02-29',
      active_customers: '2',
      new_customers: '2',
      returning_customers: '0',
      retention_rate: '0',
      churn_rate: '1',
      repeat_purchase_rate: '0',
      orders: '3',
      average_order_value: '25.00',
      purchase_frequency: '1.5',
      revenue: '75.00',
      revenue_from_existing_share: '-0.266666666667',
      average_historical_value: '76.25',
      active_customers_change: '0',
      repeat_purchase_rate_change_pts: '-0.5',
      retention_rate_change_pts: '',
    });
    expect(Number(feb.revenue_change)).toBeCloseTo(75 / 230 - 1, 9);
    expect(r[2]).toMatchObject({ active_customers: '3', new_customers: '1', returning_customers: '2', retention_rate: '0.5', churn_rate: '0.5', revenue: '65.00' });
  });

  it('--period quarter and year; --periods keeps the last N', async () => {
    const q = rows(await ok(['kpis', ...BASE, '--period', 'quarter', '--format', 'csv']));
    expect(q.map((x) => [x.period, x.active_customers, x.orders, x.revenue, x.complete])).toEqual([['2024-Q1', '5', '9', '370.00', 'false']]);
    const y = rows(await ok(['kpis', ...BASE, '--period', 'year', '--format', 'csv']));
    expect(y.map((x) => x.period)).toEqual(['2024']);
    const last2 = rows(await ok(['kpis', ...BASE, '--periods', '2', '--format', 'csv']));
    expect(last2.map((x) => x.period)).toEqual(['2024-02', '2024-03']);
    expect(last2[0].retention_rate).toBe('0'); // still against January
  });

  it('kpi_changes: the latest complete month against the one before', async () => {
    const r = rows(await ok(['kpis', ...BASE, '--format', 'csv', '--table', 'kpi_changes']));
    expect(r[0]).toEqual({ kpi: 'active_customers', period: '2024-02', previous_period: '2024-01', value: '2', previous: '2', change: '0', change_kind: 'relative' });
    expect(r.find((x) => x.kpi === 'repeat_purchase_rate')).toMatchObject({ value: '0', previous: '0.5', change: '-0.5', change_kind: 'points' });
    expect(r).toHaveLength(12);
  });

  it('on a terminal: the incomplete month is marked, changes read as % and pts', async () => {
    const out = await ok(['kpis', ...BASE, '--format', 'table', '--no-color']);
    expect(out).toMatch(/2024-03\*/);
    expect(out).toMatch(/-50\.0 pts/);
    expect(out).toMatch(/KPIs per month: 2024-01 to 2024-03 \(2024-03 is not over: marked \*\)/);
    expect(out).not.toMatch(/start_date/);
  });

  it('--explain prints the definitions (to stderr beside CSV)', async () => {
    const r = await runClm(['kpis', ...BASE, '--format', 'csv', '--explain']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/retention_rate: of the customers active in the previous period/);
    expect(r.stderr).toMatch(/NPS = % promoters \(9-10\) - % detractors \(0-6\)/);
  });

  it('feedback_by_stage: NPS and review scores of the customers file per stage', async () => {
    const r = rows(await ok(['kpis', ...BASE, '--format', 'csv', '--table', 'feedback_by_stage']));
    const all = r.find((x) => x.stage === '(all)')!;
    // answers: A 10, B 3, C 8, E 9, P 7 -> promoters A, E; detractor B; nps = (2 - 1) / 5 = 20
    expect(all).toMatchObject({ customers: '6', nps_responses: '5', promoters: '2', passives: '2', detractors: '1', nps: '20', review_score_responses: '4', average_review_score: '4', reviews: '', average_reviewed_score: '' });
    expect(r.find((x) => x.stage === 'prospect')).toMatchObject({ customers: '1', nps_responses: '1', passives: '1', nps: '0' });
    expect(r.reduce((s, x) => s + (x.stage === '(all)' ? 0 : Number(x.customers)), 0)).toBe(6);
  });

  it('feedback: reviews per month by review date (--reviews), and per stage', async () => {
    const r = rows(await ok(['kpis', ...BASE, '--reviews', reviews, '--format', 'csv', '--table', 'feedback']));
    expect(r.map((x) => [x.period, x.reviews, x.reviewers, x.average_review_score])).toEqual([
      ['2024-01', '1', '1', '5'],
      ['2024-02', '1', '1', '2'],
      ['2024-03', '2', '2', '3.5'],
    ]);
    const s = rows(await ok(['kpis', ...BASE, '--reviews', reviews, '--format', 'csv', '--table', 'feedback_by_stage']));
    expect(s.find((x) => x.stage === '(all)')).toMatchObject({ reviews: '4', average_reviewed_score: '3.5' });
  });

  it('acquisition: CAC per month and channel; spend channels match the customers\' channel whatever the case', async () => {
    const r = rows(await ok(['kpis', ...BASE, '--spend', spend, '--format', 'csv', '--table', 'acquisition']));
    const get = (p: string, c: string) => r.find((x) => x.period === p && x.channel === c);
    // January: web 300 for A and B; app 60 and nobody; (all) 360 for A, B
    expect(get('2024-01', 'web')).toMatchObject({ spend: '300.00', new_customers: '2', cac: '150.00' });
    expect(get('2024-01', 'app')).toMatchObject({ spend: '60.00', new_customers: '0', cac: '' });
    expect(get('2024-01', '(all)')).toMatchObject({ spend: '360.00', new_customers: '2', cac: '180.00' });
    // February: app 100 for C and D
    expect(get('2024-02', 'app')).toMatchObject({ spend: '100.00', new_customers: '2', cac: '50.00' });
    // March: retail 50 + 1,000.00 (a date row is its month) for E
    expect(get('2024-03', 'retail')).toMatchObject({ spend: '1050.00', new_customers: '1', cac: '1050.00', complete: 'false' });
    expect(r.map((x) => x.channel).slice(0, 4)).toEqual(['app', 'retail', 'web', '(all)']);
  });

  it('ltv_cac and cac_payback', async () => {
    const l = rows(await ok(['kpis', ...BASE, '--spend', spend, '--format', 'csv', '--table', 'ltv_cac']));
    // web: A (180) and B (60), spend 300 -> CAC 150, LTV 120
    expect(l.find((x) => x.channel === 'web')).toMatchObject({ spend: '300.00', new_customers: '2', cac: '150.00', historical_value: '120.00', predicted_value: '', ltv: '120.00', ltv_to_cac: '0.8' });
    // app: C (50) and D (55), spend 160 -> CAC 80, LTV 52.5
    expect(l.find((x) => x.channel === 'app')).toMatchObject({ cac: '80.00', historical_value: '52.50' });
    const p = rows(await ok(['kpis', ...BASE, '--spend', spend, '--format', 'csv', '--table', 'cac_payback']));
    // January cohort A, B: CAC 180; per customer 115 in January, -10 in February (B's refund), +15 in March -> 120
    expect(p[0]).toMatchObject({ cohort: '2024-01', spend: '360.00', new_customers: '2', cac: '180.00', value_to_date: '120.00', months_to_recover: '' });
    expect(Number(p[0].recovered_share)).toBeCloseTo(120 / 180, 9);
    // February cohort C, D: CAC 100 / 2 = 50; February 40 + 60 - 5 (D's early refund counts in k = 0) = 47.5 per
    // customer, March +5 -> 52.5: recovered in k = 1
    expect(p[1]).toMatchObject({ cohort: '2024-02', cac: '50.00', value_to_date: '52.50', months_to_recover: '1' });
  });

  it('--model bgnbd adds the predicted value to LTV', async () => {
    const r = await runClm(['kpis', ...BASE, '--spend', spend, '--model', 'bgnbd', '--format', 'csv', '--table', 'ltv_cac']);
    expect(r.code).toBe(0);
    const web = rows(r.stdout).find((x) => x.channel === 'web')!;
    expect(Number(web.predicted_value)).toBeGreaterThanOrEqual(0);
    expect(Number(web.ltv)).toBeCloseTo(Number(web.historical_value) + Number(web.predicted_value), 1);
  });

  it('goals from the config: status, distance; --fail-if goal(NAME) == missed exits 1 after printing', async () => {
    const cwd = mkdtempSync(join(dir, 'goals-'));
    writeFileSync(
      join(cwd, 'clm.config.json'),
      JSON.stringify({
        goals: {
          retention_rate: { target: 0.4, by: '2024-02-29' },
          churn_rate: { target: 0.9 },
          nps: { target: 10, by: '2024-12-31' },
          revenue: { target: 50, period: 'quarter' },
        },
      }),
    );
    const g = rows(await ok(['kpis', ...BASE, '--format', 'csv', '--table', 'goals'], { cwd }));
    expect(g.map((x) => [x.goal, x.direction, x.status])).toEqual([
      ['retention_rate', 'higher', 'missed'], // 0 in February, due 2024-02-29
      ['churn_rate', 'lower', 'behind'], // 1 in February, no trend yet
      ['revenue', 'higher', 'no_data'], // no complete quarter
      ['nps', 'higher', 'met'], // 20
    ]);
    expect(g[0]).toMatchObject({ target: '0.4', by: '2024-02-29', period_unit: 'month', period: '2024-02', current: '0', distance: '0.4' });
    expect(g[3]).toMatchObject({ period_unit: 'as_of', current: '20', distance: '-10' });

    const held = await runClm(['kpis', ...BASE, '--format', 'csv', '--fail-if', 'goal(retention_rate) == missed'], { cwd });
    expect(held.code).toBe(1);
    expect(held.stderr).toMatch(/--fail-if held: goal\(retention_rate\) == missed/);
    expect(rows(held.stdout)).toHaveLength(3); // the output is still written
    const fine = await runClm(['kpis', ...BASE, '--format', 'csv', '--fail-if', 'goal(nps) == missed or churn_rate > 1', '--fail-if', 'goal_distance(nps) > 0'], { cwd });
    expect([fine.code, fine.stderr]).toEqual([0, '']);
    const json = JSON.parse((await ok(['kpis', ...BASE, '--format', 'json', '--fail-if', 'revenue_change < -0.9'], { cwd })).trim());
    expect(json.meta.goals.map((x: { goal: string }) => x.goal)).toEqual(['retention_rate', 'churn_rate', 'revenue', 'nps']);
    expect(json.meta.fail_if).toEqual([{ condition: 'revenue_change < -0.9', held: false }]);
    expect(json.meta.kpis.latest_complete).toBe('2024-02');
    // a goal the config does not have
    const none = await runClm(['kpis', ...BASE, '--fail-if', 'goal(clv) == missed'], { cwd });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no goal for clv in the config/);
  });

  it('--fail-if over the KPIs of the latest complete month', async () => {
    const r = await runClm(['kpis', ...BASE, '--format', 'csv', '--fail-if', 'churn_rate >= 1 and active_customers == 2']);
    expect(r.code).toBe(1);
    const bad = await runClm(['kpis', ...BASE, '--fail-if', 'retension_rate > 0.5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown field `retension_rate`.*retention_rate/s);
    const code = await runClm(['kpis', ...BASE, '--fail-if', 'constructor()']);
    expect(code.code).toBe(2);
  });

  it('config goals are validated (exit 2 naming the key)', async () => {
    const cwd = mkdtempSync(join(dir, 'bad-goals-'));
    writeFileSync(join(cwd, 'clm.config.json'), JSON.stringify({ goals: { retention_rate: { target: 40 } } }));
    const r = await runClm(['kpis', ...BASE], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/goals\.retention_rate\.target: expected a share between 0 and 1/);
    writeFileSync(join(cwd, 'clm.config.json'), JSON.stringify({ goals: { retention: { target: 0.4 } } }));
    expect((await runClm(['kpis', ...BASE], { cwd })).stderr).toMatch(/goals: unknown key "retention"/);
    writeFileSync(join(cwd, 'clm.config.json'), JSON.stringify({ goals: { nps: { target: 30, by: '31/12/2025' } } }));
    expect((await runClm(['kpis', ...BASE], { cwd })).stderr).toMatch(/goals\.nps\.by: expected a date YYYY-MM-DD/);
  });

  it('a bad spend file is a data error naming file, line, column and value (exit 3)', async () => {
    const bad = file(['period,channel,amount', '2024-01,web,100', '2024-13,web,100'].join('\n'));
    const r = await runClm(['kpis', ...BASE, '--spend', bad]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${bad}:3: column "period": value "2024-13": not a month`);
    const neg = file(['month,source,cost', '2024-01,web,-5'].join('\n'));
    expect((await runClm(['kpis', ...BASE, '--spend', neg])).stderr).toContain(`${neg}:2: column "cost": value "-5": spend cannot be negative`);
    const cols = file(['period,amount', '2024-01,5'].join('\n'));
    const c = await runClm(['kpis', ...BASE, '--spend', cols]);
    expect(c.code).toBe(3);
    expect(c.stderr).toMatch(/missing: channel/);
  });

  it('usage errors: --period week, --periods 0', async () => {
    expect((await runClm(['kpis', ...BASE, '--period', 'week'])).code).toBe(2);
    const r = await runClm(['kpis', ...BASE, '--periods', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--periods "0" is not a whole number/);
  });

  it('warns about spend channels no customer has, and spend after the as-of month', async () => {
    const s = file(['period,channel,amount', '2024-01,tv,100', '2024-05,web,100'].join('\n'));
    const r = await runClm(['kpis', ...BASE, '--spend', s, '--format', 'csv', '--table', 'acquisition']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no customer has the spend channel "tv"/);
    expect(r.stderr).toMatch(/spend after the as-of month is left out: 2024-05/);
  });
});

describe('clm kpis on the demo shop with a generated spend file', () => {
  const demoOrders = 'fixtures/demo/orders.csv';
  const demoCustomers = 'fixtures/demo/customers.csv';
  const spendText = generateSpend({ start: '2023-01-01', end: '2024-12-31', seed: 42 });
  const spendFile = file(spendText);

  it('the spend generator is deterministic', () => {
    expect(generateSpend({ start: '2023-01-01', end: '2024-12-31', seed: 42 })).toBe(spendText);
    expect(generateSpend({ start: '2023-01-01', end: '2024-12-31', seed: 43 })).not.toBe(spendText);
    expect(spendText.split('\n')[0]).toBe('period,channel,amount');
    expect(spendText.trim().split('\n')).toHaveLength(1 + 24 * 4);
  });

  it('CAC per channel and month = spend / new customers of that channel (an independent count over the raw files)', async () => {
    const out = await ok(['kpis', '--orders', demoOrders, '--customers', demoCustomers, '--spend', spendFile, '--periods', '24', '--format', 'csv', '--table', 'acquisition']);
    const acq = rows(out);
    // the reference: first paid order per customer, its month, the customers file's channel
    const first = new Map<string, string>();
    for (const o of rows(readFileSync(demoOrders, 'utf8'))) {
      if (o.status !== 'paid' || Number(o.amount) < 0) continue;
      const d = o.order_date.slice(0, 10);
      const f = first.get(o.customer_id);
      if (f === undefined || d < f) first.set(o.customer_id, d);
    }
    const channel = new Map(rows(readFileSync(demoCustomers, 'utf8')).map((c) => [c.customer_id, c.channel]));
    const fresh = new Map<string, number>();
    for (const [id, d] of first) {
      for (const c of [channel.get(id)!, '(all)']) fresh.set(`${d.slice(0, 7)}/${c}`, (fresh.get(`${d.slice(0, 7)}/${c}`) ?? 0) + 1);
    }
    const spent = new Map<string, number>();
    for (const s of rows(spendText)) {
      for (const c of [s.channel, '(all)']) spent.set(`${s.period}/${c}`, (spent.get(`${s.period}/${c}`) ?? 0) + Number(s.amount));
    }
    expect(acq).toHaveLength(24 * 5);
    let checked = 0;
    for (const r of acq) {
      const key = `${r.period}/${r.channel}`;
      const n = fresh.get(key) ?? 0;
      const s = spent.get(key)!;
      expect(Number(r.new_customers), key).toBe(n);
      expect(Math.abs(Number(r.spend) - s), key).toBeLessThanOrEqual(0.0051);
      if (n > 0) {
        expect(Math.abs(Number(r.cac) - s / n), key).toBeLessThanOrEqual(0.0051); // CSV money is rounded to the cent
        checked++;
      } else expect(r.cac).toBe('');
    }
    expect(checked).toBeGreaterThan(90);
    // every customer with an order is new exactly once
    expect(acq.filter((r) => r.channel === '(all)').reduce((a, r) => a + Number(r.new_customers), 0)).toBe(first.size);
  });

  it('every table renders in every format', async () => {
    const args = ['kpis', '--orders', demoOrders, '--customers', demoCustomers, '--spend', spendFile];
    for (const table of ['kpis', 'kpi_changes', 'acquisition', 'ltv_cac', 'cac_payback', 'feedback_by_stage']) {
      const r = rows(await ok([...args, '--format', 'csv', '--table', table]));
      expect(r.length, table).toBeGreaterThan(0);
    }
    const json = JSON.parse(await ok([...args, '--format', 'json']));
    expect(json.meta.kpis.latest_complete).toBe('2024-12');
    expect(json.meta.spend.channels).toEqual(['app', 'marketplace', 'retail', 'web']);
    const md = await ok([...args, '--format', 'md']);
    expect(md).toMatch(/LTV:CAC per channel/);
  });
});
