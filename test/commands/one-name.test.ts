import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

// Issue 14, item 13: one name per number, in the CSV, --fail-if, the report and the manifest.

const dir = mkdtempSync(join(tmpdir(), 'clm-one-name-'));
const orders = join(dir, 'orders.csv');
writeFileSync(
  orders,
  [
    'order_id,customer_id,order_date,amount,status',
    'a1,A,2024-01-05,100,paid',
    'a2,A,2024-01-20,50,paid',
    'a3,A,2024-03-02,30,paid',
    'b1,B,2024-01-31,80,paid',
    'b2,B,2024-02-10,-20,paid',
    'c1,C,2024-02-29,40,paid',
    'c2,C,2024-03-01,10,paid',
    'd1,D,2024-02-05,30,paid',
    'd2,D,2024-02-05,30,paid',
    'e1,E,2024-03-05,25,paid',
  ].join('\n'),
);
const KPIS = ['kpis', '--orders', orders, '--as-of', '2024-03-15'];
const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31'];

describe('the change of a share is NAME_change_pts everywhere', () => {
  it('--fail-if reads the CSV name; the JSON metrics use it', async () => {
    const csv = parse((await runClm([...KPIS, '--format', 'csv'])).stdout, { columns: true }) as Record<string, string>[];
    expect(csv[1].repeat_purchase_rate_change_pts).toBe('-0.5');
    const r = await runClm([...KPIS, '--format', 'json', '--fail-if', 'repeat_purchase_rate_change_pts < -0.4']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--fail-if held: repeat_purchase_rate_change_pts < -0.4');
    const metrics = JSON.parse(r.stdout).meta.kpis.metrics;
    expect(metrics.repeat_purchase_rate_change_pts).toBe(-0.5);
    expect(metrics).not.toHaveProperty('repeat_purchase_rate_change');
    expect(metrics.revenue_change).toBeCloseTo(80 / 230 - 1, 9);
  });

  it('the old name still works, with a warning naming the new one', async () => {
    const r = await runClm([...KPIS, '--format', 'csv', '--fail-if', 'repeat_purchase_rate_change < -0.4']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--fail-if repeat_purchase_rate_change < -0.4: repeat_purchase_rate_change is now called repeat_purchase_rate_change_pts');
    expect(r.stderr).toContain('--fail-if held: repeat_purchase_rate_change < -0.4');
    // a relative change keeps its one name: no warning
    const rel = await runClm([...KPIS, '--format', 'csv', '--fail-if', 'revenue_change < -5']);
    expect([rel.code, rel.stderr]).toEqual([0, '']);
  });
});

describe('the transitions CSV header holds no date', () => {
  it('the first column is stage_from; the dates are in the metadata', async () => {
    const csv = await runClm(['stages', ...DEMO, '--from', '2024-06-30', '--format', 'csv', '--table', 'transitions']);
    expect(csv.stdout.split('\n')[0]).toBe('stage_from,prospect,new,active,loyal,advocate,at_risk,churned,reactivated,total');
    const json = JSON.parse((await runClm(['stages', ...DEMO, '--from', '2024-06-30', '--format', 'json'])).stdout);
    expect(json.meta.transitions).toMatchObject({ from: '2024-06-30', to: '2024-12-31' });
  });
});

describe('report and backtest', () => {
  it('use the same default holdout and say which; the manifest options and metrics are snake_case, with the _pts names', async () => {
    const bt = await runClm(['backtest', ...DEMO, '--format', 'json']);
    expect(bt.code).toBe(0);
    const btMeta = JSON.parse(bt.stdout).meta.backtest;
    // the demo holds 104 weeks of orders: a third of them, 34 weeks, is shorter than 39
    const basis = 'the default holdout: a third of the 104-week order history, as that is under 39 weeks';
    expect(btMeta).toMatchObject({ calibration_end: '2024-05-07', holdout_end: '2024-12-31', holdout_basis: basis });
    const table = await runClm(['backtest', ...DEMO, '--format', 'table']);
    expect(table.stdout).toContain(`calibration to 2024-05-07, holdout to 2024-12-31 (34.0 weeks; ${basis})`);

    const out = join(dir, 'report');
    const rep = await runClm(['report', ...DEMO, '--active-days', '30', '--out', out, '--fail-if', 'retention_rate_change > 5']);
    expect(rep.code).toBe(0);
    expect(rep.stderr).toContain('retention_rate_change is now called retention_rate_change_pts');
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.backtest).toMatchObject({ calibration_end: '2024-05-07', holdout_basis: basis });
    expect(m.options).toEqual({ as_of: '2024-12-31', active_days: '30', fail_if: ['retention_rate_change > 5'] });
    expect(m.metrics).toHaveProperty('retention_rate_change_pts');
    expect(m.metrics).not.toHaveProperty('retention_rate_change');
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain(`compared with the repeat purchases to 2024-12-31 (${basis})`);
  }, 120_000);

  it('a history too short for the default holdout: backtest says so and names the flags', async () => {
    const r = await runClm(['backtest', '--orders', orders, '--as-of', '2024-03-15']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the order history is too short for a backtest: a third of it is under 4 weeks');
    expect(r.stderr).toContain('--holdout');
  });
});
