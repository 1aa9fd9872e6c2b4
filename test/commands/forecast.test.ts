/**
 * `clm forecast` (issue 15, item 2): per-period forecasts on the demo shop, the tables per
 * grouping adding up to the whole base, usage errors, and the acceptance backtest on the CDNOW
 * sample (skipped, with the reason printed, when the sample is absent).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitBgNbd, bgnbdPredictor } from '../../src/analytics/clv/bgnbd.js';
import { summarizeLedger } from '../../src/analytics/clv/summary.js';
import { dayFromCivil } from '../../src/domain/dates.js';
import { DATASETS, loadTable } from '../helpers/datasets.js';
import { runClm } from '../helpers/run-clm.js';

const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-15'];

type Row = Record<string, number | string | null>;

async function json(args: string[]): Promise<{ meta: Record<string, any>; rows: Row[]; tables: Record<string, Row[]> }> {
  const r = await runClm([...args, '--format', 'json']);
  // nothing on stderr but, where BG/NBD is the model, the one-time buyers' caveat (issue 15 item 4)
  expect(r.stderr.replace(/^clm: warning: BG\/NBD gives P\(alive\) = 1 to the [\d,]+ customers without a repeat purchase.*\n/, '')).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe('clm forecast on the demo shop', () => {
  it('12 months by default, the first partial, and every grouping adds up to the whole base per period', async () => {
    const out = await json(['forecast', ...DEMO]);
    expect(out.rows.map((r) => r.period)).toEqual(['2024-12', '2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11']);
    expect(out.rows[0]).toMatchObject({ from: '2024-12-16', to: '2024-12-31', days: 16 });
    expect(out.meta.forecast.first_period).toEqual({ label: '2024-12', from: '2024-12-16', to: '2024-12-31', days: 16, partial: true });
    for (const name of ['forecast_by_stage', 'forecast_by_segment', 'forecast_by_cohort']) {
      const byPeriod = new Map<string, number[]>();
      for (const r of out.tables[name]) {
        const s = byPeriod.get(r.period as string) ?? [0, 0, 0];
        byPeriod.set(r.period as string, [s[0] + (r.expected_purchases as number), s[1] + (r.expected_active_customers as number), s[2] + (r.expected_revenue as number)]);
      }
      for (const r of out.rows) {
        const s = byPeriod.get(r.period as string)!;
        expect(s[0]).toBeCloseTo(r.expected_purchases as number, 8);
        expect(s[1]).toBeCloseTo(r.expected_active_customers as number, 8);
        // money is written to the cent: the group sums may differ by a cent per group
        expect(Math.abs(s[2] - (r.expected_revenue as number))).toBeLessThan(0.005 * (out.tables[name].length / out.rows.length + 1));
      }
    }
    // cumulative columns are the running sums; active customers never exceed the customers fitted
    let cum = 0;
    for (const r of out.rows) {
      cum += r.expected_purchases as number;
      expect(r.cumulative_purchases as number).toBeCloseTo(cum, 7);
      expect(r.expected_active_customers as number).toBeLessThanOrEqual(r.expected_purchases as number);
    }
    expect(out.meta.forecast.totals.expected_purchases).toBeCloseTo(cum, 7);
  });

  it('--period quarter --periods 2 --table forecast_by_stage writes that table as CSV', async () => {
    const r = await runClm(['forecast', ...DEMO, '--period', 'quarter', '--periods', '2', '--format', 'csv', '--table', 'forecast_by_stage']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('stage,customers,period,from,to,days,expected_purchases,expected_active_customers,expected_revenue,cumulative_purchases,cumulative_revenue,expected_purchases_low,expected_purchases_high,expected_revenue_low,expected_revenue_high');
    expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(Array((lines.length - 1) / 2).fill(['2024-Q4', '2025-Q1']).flat());
  });

  it('intervals (issue 15, item 3): every period of every table brackets its expected purchases and revenue; --interval 0 drops only those columns', async () => {
    const out = await json(['forecast', ...DEMO, '--periods', '4']);
    expect(out.meta.clv.interval).toBe(0.9);
    let rows = 0;
    for (const t of Object.values(out.tables)) {
      for (const r of t) {
        if (r.expected_purchases_low === undefined) continue; // the model table
        rows++;
        expect(Number(r.expected_purchases_low)).toBeLessThanOrEqual(Number(r.expected_purchases) + 1e-9);
        expect(Number(r.expected_purchases_high)).toBeGreaterThanOrEqual(Number(r.expected_purchases) - 1e-9);
        expect(Number(r.expected_revenue_low)).toBeLessThanOrEqual(Number(r.expected_revenue) + 0.01);
        expect(Number(r.expected_revenue_high)).toBeGreaterThanOrEqual(Number(r.expected_revenue) - 0.01);
        expect(Number(r.expected_purchases_high)).toBeGreaterThan(Number(r.expected_purchases_low));
      }
    }
    expect(rows).toBeGreaterThan(20);
    const none = await json(['forecast', ...DEMO, '--periods', '4', '--interval', '0']);
    const drop = (r: Row): Row => Object.fromEntries(Object.entries(r).filter(([k]) => !/_(low|high)$/.test(k)));
    expect(none.rows).toEqual(out.rows.map(drop));
    expect(Object.keys(none.rows[0]).some((k) => k.endsWith('_low'))).toBe(false);
    expect((await runClm(['forecast', ...DEMO, '--interval', '1.5'])).code).toBe(2);
  });

  it('refuses bad flags with the flag that fixes it', async () => {
    const bad = async (args: string[], text: RegExp): Promise<void> => {
      const r = await runClm(['forecast', ...DEMO, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(text);
    };
    await bad(['--periods', '0'], /--periods "0" is not valid/);
    await bad(['--periods', '3', '--holdout', '13w'], /--periods and a holdout do not go together/);
    await bad(['--period', 'year'], /year/);
  });
});

describe('clm forecast --help and the README', () => {
  it('explain every column of the forecast tables in one line', async () => {
    const help = (await runClm(['forecast', '--help'])).stdout;
    const readme = readFileSync('README.md', 'utf8');
    const out = await json(['forecast', ...DEMO, '--holdout', '13w']);
    const columns = Object.keys(out.rows[0]);
    expect(columns).toContain('actual_active_customers');
    // a help line names one or more columns, then two spaces or more, then the explanation
    const named = new Set(help.split('\n').flatMap((l) => /^  ([a-z_]+(?:, [a-z_]+)*)\s{2,}\S/.exec(l)?.[1].split(', ') ?? []));
    for (const c of columns) {
      expect(named.has(c), `--help on ${c}`).toBe(true);
      expect(readme.split('\n').some((l) => l.startsWith('| `') && l.includes(`\`${c}\``)), `README on ${c}`).toBe(true);
    }
  });
});

const SAMPLE = join(DATASETS, 'cdnow', 'CDNOW_sample.txt');
const present = existsSync(SAMPLE);
if (!present) console.warn(`forecast: CDNOW acceptance skipped, the CDNOW sample (${SAMPLE}) is absent`);

describe.skipIf(!present)('clm forecast backtest on the CDNOW sample (calibration to 1997-09-30, weeks)', () => {
  it('weekly predicted vs actual cumulative repeat purchases over the 39-week holdout; the total is Σ E[X(39) | data] to 1e-6 and the actual 1,882', async () => {
    const out = await json(['forecast', '--orders', SAMPLE, '--preset', 'cdnow', '--calibration-end', '1997-09-30', '--period', 'week']);
    // ISO weeks: Wednesday 1997-10-01 to Sunday, 38 whole weeks, Monday and Tuesday 1998-06-29/30
    expect(out.rows.length).toBe(40);
    expect(out.rows[0]).toMatchObject({ period: '1997-W40', from: '1997-10-01', to: '1997-10-05', days: 5 });
    expect(out.rows[39]).toMatchObject({ period: '1998-W27', from: '1998-06-29', to: '1998-06-30', days: 2 });
    expect(out.rows.reduce((s, r) => s + (r.days as number), 0)).toBe(273);
    const last = out.rows[39];
    expect(last.actual_cumulative_purchases).toBe(1882);
    expect(out.meta.forecast.totals.actual_purchases).toBe(1882);
    // the conditional expectation over the whole 39 weeks, computed apart from the command
    const table = await loadTable(SAMPLE, 'cdnow');
    const cal = summarizeLedger(table, { calibrationEnd: dayFromCivil(1997, 9, 30), unit: 'week' });
    const e = bgnbdPredictor(fitBgNbd(cal).params, cal).expected(39);
    const want = e.reduce((s, v) => s + v, 0);
    expect(Math.abs((last.cumulative_purchases as number) - want)).toBeLessThan(1e-6);
    expect(Math.abs(out.meta.forecast.totals.expected_purchases - want)).toBeLessThan(1e-6);
    expect(want).toBeCloseTo(1653.41, 2);
    // the actual weekly counts add up to the cumulative column
    let cum = 0;
    for (const r of out.rows) {
      cum += r.actual_purchases as number;
      expect(r.actual_cumulative_purchases).toBe(cum);
      expect(r.actual_active_customers as number).toBeLessThanOrEqual(r.actual_purchases as number);
    }
    // the by-stage table (stages at the calibration end) has the actuals too, adding up to 1,882
    expect(out.tables.forecast_by_stage.reduce((s, r) => s + (r.actual_purchases as number), 0)).toBe(1882);
    expect(out.tables.forecast_by_segment).toBeUndefined();
  });
});
