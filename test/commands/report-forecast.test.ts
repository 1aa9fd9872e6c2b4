/**
 * The report's forecast (issue 15, item 2): forecast_vs_actual (the last 12 months of repeat
 * purchases, then the next 12 expected) and forecast_by_stage in the CLV section, from the same
 * fit as `clm forecast`, with a chart and the totals in the manifest.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-15'];

describe('clm report: the forecast beside the actuals', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'clm-report-forecast-')), 'r');
  let rows: Record<string, string>[];
  beforeAll(async () => {
    const r = await runClm(['report', ...DEMO, '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    rows = parse(readFileSync(join(out, 'forecast_vs_actual.csv'), 'utf8'), { columns: true });
  }, 120_000);

  it('12 months of actual repeat purchases to the as-of date, then the 12 months of clm forecast', async () => {
    expect(rows.filter((r) => r.figures === 'actual').map((r) => r.period)).toEqual(['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06', '2024-07', '2024-08', '2024-09', '2024-10', '2024-11', '2024-12']);
    const lastActual = rows[11];
    expect([lastActual.from, lastActual.to, lastActual.days]).toEqual(['2024-12-01', '2024-12-15', '15']);
    const expected = rows.filter((r) => r.figures === 'expected');
    const f = await runClm(['forecast', ...DEMO, '--format', 'csv']);
    const fr: Record<string, string>[] = parse(f.stdout, { columns: true });
    expect(expected.map((r) => [r.period, r.from, r.to, r.repeat_purchases, r.active_customers, r.revenue])).toEqual(
      fr.map((r) => [r.period, r.from, r.to, r.expected_purchases, r.expected_active_customers, r.expected_revenue]),
    );
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.forecast.periods).toBe(12);
    expect(manifest.forecast.totals.expected_purchases).toBeCloseTo(fr.reduce((s, r) => s + Number(r.expected_purchases), 0), 6);
  });

  it('forecast_by_stage is written, and the CLV section of the HTML has the forecast line and chart', () => {
    const byStage: Record<string, string>[] = parse(readFileSync(join(out, 'forecast_by_stage.csv'), 'utf8'), { columns: true });
    expect(new Set(byStage.map((r) => r.stage))).toEqual(new Set(['new', 'active', 'loyal', 'advocate', 'at_risk', 'churned', 'reactivated']));
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const clv = html.slice(html.indexOf('id="clv"'), html.indexOf('id="backtest"'));
    expect(clv).toContain('Forecast: the repeat purchases, active customers and revenue expected in each of the next 12 months');
    expect(clv).toContain('2024-12 is split at the as-of date: actual to 2024-12-15, expected from 2024-12-16.');
    expect(clv).toContain('Repeat purchases per month: actual, then expected');
  });
});
