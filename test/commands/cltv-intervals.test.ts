import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31'];
const VALUE_TABLES = ['value_by_stage', 'value_by_segment', 'value_by_cohort', 'value_total'];
const INTERVAL_COLUMNS = ['expected_purchases_low', 'expected_purchases_high', 'total_clv_low', 'total_clv_high'];
type Row = Record<string, number | string | null>;

describe('clm cltv --interval (issue 15, item 3)', () => {
  it('by default: 90% intervals on the parameters and on every aggregate, bracketing the estimates', async () => {
    const r = await runClm(['cltv', ...DEMO, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { meta: { clv: { interval: number } }; rows: Row[]; tables: Record<string, Row[]> };
    // the model table is the first: `rows`
    expect(j.meta.clv.interval).toBe(0.9);
    // a parameter's interval is the normal on ln θ: θ exp(±1.6449 se/θ)
    for (const p of j.rows.filter((x) => x.se !== null)) {
      const [est, se] = [p.estimate as number, p.se as number];
      expect(p.low as number).toBeCloseTo(est * Math.exp((-1.6448536 * se) / est), 6);
      expect(p.high as number).toBeCloseTo(est * Math.exp((1.6448536 * se) / est), 6);
    }
    expect(j.rows.find((x) => x.parameter === 'log_likelihood')!.low).toBeNull();
    for (const t of VALUE_TABLES) {
      for (const row of j.tables[t]) {
        expect(row.expected_purchases_low as number, t).toBeLessThan(row.expected_purchases as number);
        expect(row.expected_purchases_high as number, t).toBeGreaterThan(row.expected_purchases as number);
        expect(row.total_clv_low as number, t).toBeLessThan(row.total_clv as number);
        expect(row.total_clv_high as number, t).toBeGreaterThan(row.total_clv as number);
      }
    }
    // the total is the whole base: the stages add up to it, its interval is narrower than the stages' summed widths
    const total = j.tables.value_total[0];
    const stages = j.tables.value_by_stage;
    expect(total.customers).toBe(1253);
    expect(total.expected_purchases as number).toBeCloseTo(stages.reduce((s, x) => s + (x.expected_purchases as number), 0), 6);
    const width = (x: Row): number => (x.expected_purchases_high as number) - (x.expected_purchases_low as number);
    expect(width(total)).toBeLessThan(stages.reduce((s, x) => s + width(x), 0));
  });

  it('--interval 0 leaves the interval columns out and every other figure as it was', async () => {
    const on = JSON.parse((await runClm(['cltv', ...DEMO, '--format', 'json'])).stdout) as { rows: Row[]; tables: Record<string, Row[]> };
    const r = await runClm(['cltv', ...DEMO, '--interval', '0', '--format', 'json']);
    expect(r.code).toBe(0);
    const off = JSON.parse(r.stdout) as { rows: Row[]; tables: Record<string, Row[]> };
    for (const t of VALUE_TABLES) {
      for (const [k, row] of off.tables[t].entries()) {
        for (const c of INTERVAL_COLUMNS) expect(row, t).not.toHaveProperty(c);
        const { expected_purchases_low, expected_purchases_high, total_clv_low, total_clv_high, ...rest } = on.tables[t][k];
        expect(row).toEqual(rest);
      }
    }
    expect(off.rows[0]).not.toHaveProperty('low');
    expect(off.rows[0].estimate).toBe(on.rows[0].estimate);
  });

  it('a level outside [0, 1) is a usage error naming the flag; historical values get no intervals', async () => {
    const bad = await runClm(['cltv', ...DEMO, '--interval', '90']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--interval "90" is not a level');
    expect(bad.stderr).toContain('such as 0.9');
    const h = await runClm(['cltv', ...DEMO, '--model', 'historical', '--format', 'csv', '--table', 'value_total']);
    expect(h.code).toBe(0);
    expect(h.stdout.split('\n')[0]).toBe('group,customers,mean_p_alive,expected_purchases,total_clv,mean_clv,historical_revenue');
  });

  it('--help and the README explain each interval column in one line', async () => {
    const r = await runClm(['cltv', '--help']);
    expect(r.code).toBe(0);
    const readme = readFileSync('README.md', 'utf8');
    for (const col of INTERVAL_COLUMNS) {
      expect(r.stdout).toMatch(new RegExp(`^ {2}${col} {2,}\\S`, 'm'));
      expect(readme).toMatch(new RegExp(`^\\| \`${col}\` \\| \\S`, 'm'));
    }
    expect(r.stdout).toMatch(/^ {2}low, high {2,}model table/m);
    expect(readme).toMatch(/^\| `low`, `high` \| \S/m);
    expect(r.stdout).toMatch(/--interval <level> +level of the intervals/);
    const rep = await runClm(['report', '--help']);
    expect(rep.stdout).toMatch(/^ {2}expected_purchases_low {2,}\S/m);
  });
});
