import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { tableFromIPC, Type } from '@uwdata/flechette';
import { existsSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../helpers/datasets.js';
import { runClm } from '../helpers/run-clm.js';

/**
 * Six customers whose stages and figures can be worked out by hand, as of 2024-12-31 with
 * active_days 30, churn_days 90 and loyal from 3 purchase days:
 *   001 US web  12-01 100, 12-20 50         2 days, last 11 days ago        active   150
 *   002 US app  12-15 40                    1 day                           new       40
 *   003 DE web  06-01 200                   last 213 days ago               churned  200
 *   004 DE web  11-01 30, 11-10 30, 11-20 60  last 41 days ago            at_risk  120
 *   005 US web  12-10 80                    1 day                           new       80
 *   006 DE app  no order                                                    prospect   0
 * Ids have leading zeros: they must stay strings.
 */
function handShop(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'clm-pivot-'));
  const orders = [
    ['o1', '001', '2024-12-01', 100], ['o2', '001', '2024-12-20', 50], ['o3', '002', '2024-12-15', 40],
    ['o4', '003', '2024-06-01', 200], ['o5', '004', '2024-11-01', 30], ['o6', '004', '2024-11-10', 30],
    ['o7', '004', '2024-11-20', 60], ['o8', '005', '2024-12-10', 80],
  ];
  writeFileSync(join(dir, 'orders.csv'), 'order_id,customer_id,order_date,amount\n' + orders.map((o) => o.join(',')).join('\n') + '\n');
  const customers = [['001', 'US', 'web'], ['002', 'US', 'app'], ['003', 'DE', 'web'], ['004', 'DE', 'web'], ['005', 'US', 'web'], ['006', 'DE', 'app']];
  writeFileSync(join(dir, 'customers.csv'), 'customer_id,country,channel\n' + customers.map((c) => c.join(',')).join('\n') + '\n');
  return [
    '--orders', join(dir, 'orders.csv'), '--customers', join(dir, 'customers.csv'), '--as-of', '2024-12-31',
    '--active-days', '30', '--churn-days', '90', '--loyal-min-orders', '3',
  ];
}

async function pivotJson(args: string[]): Promise<{ rows: Record<string, unknown>[]; meta: Record<string, unknown> }> {
  const r = await runClm(['pivot', ...handShop(), ...args, '--format', 'json']);
  expect(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('clm: warning: small sample')), r.stderr).toEqual([]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe('clm pivot on a hand-worked shop (issue 16, item 3)', () => {
  it('customers and revenue by country x stage, with totals: cells, total column and total row', async () => {
    const { rows, meta } = await pivotJson(['--rows', 'country', '--cols', 'stage', '--measure', 'customers,revenue:sum', '--totals']);
    // stages in lifecycle order; a combination without customers: 0 customers, no revenue
    expect(rows).toEqual([
      { country: 'DE', prospect_customers: 1, prospect_revenue_sum: 0, new_customers: 0, new_revenue_sum: null, active_customers: 0, active_revenue_sum: null, at_risk_customers: 1, at_risk_revenue_sum: 120, churned_customers: 1, churned_revenue_sum: 200, total_customers: 3, total_revenue_sum: 320 },
      { country: 'US', prospect_customers: 0, prospect_revenue_sum: null, new_customers: 2, new_revenue_sum: 120, active_customers: 1, active_revenue_sum: 150, at_risk_customers: 0, at_risk_revenue_sum: null, churned_customers: 0, churned_revenue_sum: null, total_customers: 3, total_revenue_sum: 270 },
      { country: 'Total', prospect_customers: 1, prospect_revenue_sum: 0, new_customers: 2, new_revenue_sum: 120, active_customers: 1, active_revenue_sum: 150, at_risk_customers: 1, at_risk_revenue_sum: 120, churned_customers: 1, churned_revenue_sum: 200, total_customers: 6, total_revenue_sum: 590 },
    ]);
    expect(meta.command).toBe('pivot');
    expect(meta.pivot).toEqual({ rows: ['country'], cols: ['stage'], measures: ['customers', 'revenue:sum'], totals: true, shares: false });
  });

  it('without --cols it is a GROUP BY; median, mean, count of non-empty values and share of the grand total', async () => {
    const { rows } = await pivotJson(['--rows', 'country', '--measure', 'revenue:median,revenue:mean,recency_days:count,revenue:share,orders:max', '--totals']);
    // DE revenues 0, 120, 200; US 150, 40, 80; the prospect has no recency
    expect(rows).toEqual([
      { country: 'DE', revenue_median: 120, revenue_mean: 106.67, recency_days_count: 2, revenue_share: expect.closeTo(320 / 590, 9), orders_max: 3 },
      { country: 'US', revenue_median: 80, revenue_mean: 90, recency_days_count: 3, revenue_share: expect.closeTo(270 / 590, 9), orders_max: 2 },
      // the total's median is over all six customers (0, 40, 80, 120, 150, 200), not of the cells
      { country: 'Total', revenue_median: 100, revenue_mean: 98.33, recency_days_count: 5, revenue_share: 1, orders_max: 3 },
    ]);
  });

  it('--shares: of the row total with --cols (total column and row: of the grand total); of the grand total without', async () => {
    const wide = await pivotJson(['--rows', 'channel', '--cols', 'country', '--shares', '--totals']);
    // one measure: the columns are named by the value alone
    expect(wide.rows).toEqual([
      { channel: 'app', DE: 1, DE_share: 0.5, US: 1, US_share: 0.5, total: 2, total_share: expect.closeTo(1 / 3, 9) },
      { channel: 'web', DE: 2, DE_share: 0.5, US: 2, US_share: 0.5, total: 4, total_share: expect.closeTo(2 / 3, 9) },
      { channel: 'Total', DE: 3, DE_share: 0.5, US: 3, US_share: 0.5, total: 6, total_share: 1 },
    ]);
    const long = await pivotJson(['--rows', 'channel', '--measure', 'customers,revenue:sum', '--shares']);
    expect(long.rows).toEqual([
      { channel: 'app', customers: 2, customers_share: expect.closeTo(1 / 3, 9), revenue_sum: 40, revenue_sum_share: expect.closeTo(40 / 590, 9) },
      { channel: 'web', customers: 4, customers_share: expect.closeTo(2 / 3, 9), revenue_sum: 550, revenue_sum_share: expect.closeTo(550 / 590, 9) },
    ]);
  });

  it('several --rows columns, --where as in clm customers, ids stay strings', async () => {
    const { rows } = await pivotJson(['--rows', 'country,channel', '--measure', 'customers,orders:sum', '--where', 'stage != "prospect"']);
    expect(rows).toEqual([
      { country: 'DE', channel: 'web', customers: 2, orders_sum: 4 },
      { country: 'US', channel: 'app', customers: 1, orders_sum: 1 },
      { country: 'US', channel: 'web', customers: 2, orders_sum: 3 },
    ]);
    const ids = await pivotJson(['--rows', 'customer_id', '--cols', 'channel', '--measure', 'revenue:sum']);
    expect(ids.rows.map((r) => r.customer_id)).toEqual(['001', '002', '003', '004', '005', '006']);
    expect(ids.rows[0]).toEqual({ customer_id: '001', app: null, web: 150 });
  });

  it('CSV has the same cells; Arrow keeps text as text and counts as integers', async () => {
    const args = ['pivot', ...handShop(), '--rows', 'country', '--cols', 'stage', '--measure', 'customers,revenue:sum'];
    const csv = await runClm([...args, '--format', 'csv']);
    expect(csv.code).toBe(0);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.country, r.at_risk_customers, r.at_risk_revenue_sum, r.new_revenue_sum])).toEqual([
      ['DE', '1', '120.00', ''],
      ['US', '0', '', '120.00'],
    ]);
    const file = join(mkdtempSync(join(tmpdir(), 'clm-pivot-arrow-')), 'p.arrow');
    const arrow = await runClm([...args, '--output', file]);
    expect(arrow.code).toBe(0);
    const t = tableFromIPC(readFileSync(file));
    const type = (name: string) => t.schema.fields.find((f) => f.name === name)?.type.typeId;
    expect(type('country')).toBe(Type.Utf8);
    expect(type('churned_customers')).toBe(Type.Int);
    expect(type('churned_revenue_sum')).toBe(Type.Float);
    expect(t.getChild('churned_revenue_sum')?.toArray()).toEqual([200, null]);
  });

  it('--help says what it costs and shows examples', async () => {
    const r = await runClm(['pivot', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('memory grows with customers, not with orders');
    expect(r.stdout).toMatch(/Examples:\n {2}clm pivot --orders orders\.csv --customers customers\.csv --rows country --cols stage\n/);
  });
});

describe('clm pivot on the demo shop equals plain reductions over clm customers', () => {
  it('--rows country --cols channel: customers, revenue sum and median, with totals', async () => {
    const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31'];
    const c = await runClm(['customers', ...DEMO, '--format', 'csv']);
    expect(c.code).toBe(0);
    const customers = parse(c.stdout, { columns: true }) as Record<string, string>[];
    const median = (xs: number[]): number => {
      const s = [...xs].sort((a, b) => a - b);
      const h = s.length >> 1;
      return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
    };
    const expected = (keep: (r: Record<string, string>) => boolean) => {
      const rev = customers.filter(keep).map((r) => Number(r.revenue));
      return { n: rev.length, sum: rev.reduce((a, b) => a + b, 0), median: median(rev) };
    };
    const r = await runClm(['pivot', ...DEMO, '--rows', 'country', '--cols', 'channel', '--measure', 'customers,revenue:sum,revenue:median', '--totals', '--format', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).rows as Record<string, number | string | null>[];
    const countries = [...new Set(customers.map((x) => x.country))].sort();
    const channels = [...new Set(customers.map((x) => x.channel))].sort();
    expect(rows.map((x) => x.country)).toEqual([...countries, 'Total']);
    for (const row of rows) {
      for (const ch of [...channels, 'total']) {
        const e = expected((x) => (row.country === 'Total' || x.country === row.country) && (ch === 'total' || x.channel === ch));
        const at = `${row.country} x ${ch}`;
        expect(row[`${ch}_customers`], at).toBe(e.n);
        if (e.n === 0) {
          expect(row[`${ch}_revenue_sum`], at).toBeNull();
          continue;
        }
        // money is written to the cent: half a cent apart at most
        expect(Math.abs((row[`${ch}_revenue_sum`] as number) - e.sum), at).toBeLessThanOrEqual(0.00501);
        expect(Math.abs((row[`${ch}_revenue_median`] as number) - e.median), at).toBeLessThanOrEqual(0.00501);
      }
    }
  });
});

describe('clm pivot model columns', () => {
  it('naming a model column without --model fits the default model (auto), as --where does in clm customers', async () => {
    const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31'];
    const r = await runClm(['pivot', ...DEMO, '--rows', 'channel', '--measure', 'customers,clv:sum', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.meta.clv.model_choice.requested).toBe('auto');
    // the same total as clm customers with that model, summed here
    const c = await runClm(['customers', ...DEMO, '--model', out.meta.clv.model, '--format', 'csv']);
    const rows = parse(c.stdout, { columns: true }) as Record<string, string>[];
    const web = rows.filter((x) => x.channel === 'web').reduce((a, x) => a + (x.clv === '' ? 0 : Number(x.clv)), 0);
    const got = out.rows.find((x: Record<string, unknown>) => x.channel === 'web');
    const n = rows.filter((x) => x.channel === 'web').length;
    expect(got.customers).toBe(n);
    // the CSV writes each clv to the cent
    expect(Math.abs(got.clv_sum - web)).toBeLessThanOrEqual(0.005 * n);
  });
});

describe('clm pivot column names made of input values', () => {
  it('a --cols value that a spreadsheet would run, or with a control character, is guarded in the header', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clm-pivot-guard-'));
    writeFileSync(join(dir, 'orders.csv'), 'order_id,customer_id,order_date,amount\no1,a,2024-12-01,10\no2,b,2024-12-02,20\n');
    writeFileSync(join(dir, 'customers.csv'), 'customer_id,channel\na,"=HYPERLINK(""x"")"\nb,"we\tb"\n');
    const r = await runClm(['pivot', '--orders', join(dir, 'orders.csv'), '--customers', join(dir, 'customers.csv'), '--rows', 'stage', '--cols', 'channel', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('stage,"\'=HYPERLINK(""x"")",we\\x09b');
  });
});

describe('clm pivot errors name the value, the columns and the closest one', () => {
  const err = async (args: string[]) => {
    const r = await runClm(['pivot', ...handShop(), ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    return r.stderr;
  };

  it('an unknown column', async () => {
    const e = await err(['--rows', 'contry', '--cols', 'stage']);
    expect(e).toContain('clm: error: --rows contry: unknown column');
    expect(e).toContain('did you mean "country"? columns: customer_id, first_order_date, last_order_date, orders, purchase_days, revenue, stage, recency_days, r_score, f_score, m_score, rfm_segment, cohort, country, channel');
    expect(await err(['--rows', 'country', '--measure', 'revnue:sum'])).toContain('--measure revnue: unknown column');
    expect(await err(['--rows', 'country', '--cols', 'stge'])).toContain('--cols stge: unknown column');
  });

  it('an unknown aggregate, a bare column, a text column summed, a column twice, no --rows', async () => {
    const avg = await err(['--rows', 'country', '--measure', 'revenue:avg']);
    expect(avg).toContain('--measure revenue:avg: unknown aggregate "avg"');
    expect(avg).toContain('did you mean "revenue:mean"? aggregates: sum, mean, median, min, max, count, share');
    expect(await err(['--rows', 'country', '--measure', 'revenue:medain'])).toContain('did you mean "revenue:median" or "revenue:mean"?');
    expect(await err(['--rows', 'country', '--measure', 'revenue'])).toContain('--measure "revenue": not a measure\n  hint: did you mean "revenue:sum"?');
    expect(await err(['--rows', 'country', '--measure', 'custmers'])).toContain('did you mean "customers"?');
    expect(await err(['--rows', 'country', '--measure', 'channel:sum'])).toContain('--measure channel:sum: channel is a text column (only count works on text)');
    expect(await err(['--rows', 'country', '--cols', 'country'])).toContain('--cols country: country is in --rows too');
    expect(await err(['--cols', 'stage'])).toContain('clm pivot needs --rows');
  });

  it('--cols with more distinct values than a table can show', async () => {
    const r = await runClm(['pivot', '--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--rows', 'stage', '--cols', 'customer_id']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('clm: error: --cols customer_id: 1,500 distinct values make 1,500 columns (at most 1,000)\n  hint: put it in --rows (one row per value), or narrow the customers with --where');
  });

  it('a next-order column without a purchase model says which --model gives it', async () => {
    const e = await err(['--rows', 'country', '--measure', 'days_overdue:mean', '--model', 'historical']);
    expect(e).toContain('--measure days_overdue: unknown column');
    expect(e).toContain('days_overdue needs a purchase model: --model bgnbd, pnbd or mbgnbd (or auto).');
  });
});

const uci = join(DATASETS, 'online-retail', 'online_retail_2010-12_2011-12.csv.gz');
const haveUci = existsSync(uci);
if (!haveUci) console.warn(`skipping the pivot-vs-DuckDB acceptance test: ${uci} not found (set CLM_DATASETS)`);

describe.skipIf(!haveUci)('clm pivot on UCI online retail equals DuckDB GROUP BY over clm customers (issue 16 acceptance)', () => {
  it('--rows stage --cols country --measure customers,revenue:sum', async () => {
    const inputs = ['--orders', uci, '--preset', 'online-retail'];
    const customers = await runClm(['customers', ...inputs, '--format', 'csv']);
    expect(customers.code).toBe(0);
    const csv = join(mkdtempSync(join(tmpdir(), 'clm-pivot-uci-')), 'customers.csv');
    writeFileSync(csv, customers.stdout);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const sql = `SELECT stage, country, count(*)::INTEGER AS customers, sum(revenue)::DOUBLE AS revenue
      FROM read_csv('${csv}', header = true, all_varchar = true,
                    types = {'revenue': 'DECIMAL(18, 2)'})
      GROUP BY stage, country`;
    const groups = (await con.runAndReadAll(sql)).getRowObjectsJS() as { stage: string; country: string | null; customers: number; revenue: number }[];
    con.closeSync();
    expect(groups.length).toBeGreaterThan(50);

    const r = await runClm(['pivot', ...inputs, '--rows', 'stage', '--cols', 'country', '--measure', 'customers,revenue:sum', '--format', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).rows as Record<string, string | number | null>[];
    // the wide pivot back to (stage, country) cells; a cell without customers is no group
    const cells = new Map<string, { customers: number; revenue: number | null }>();
    for (const row of rows) {
      for (const [name, v] of Object.entries(row)) {
        if (!name.endsWith('_customers') || v === 0) continue;
        const country = name.slice(0, -'_customers'.length);
        cells.set(`${row.stage}|${country}`, { customers: v as number, revenue: row[`${country}_revenue_sum`] as number | null });
      }
    }
    expect(cells.size).toBe(groups.length);
    for (const g of groups) {
      const cell = cells.get(`${g.stage}|${g.country ?? '(blank)'}`);
      expect(cell, `${g.stage} x ${g.country}`).toBeDefined();
      expect(cell!.customers, `${g.stage} x ${g.country}`).toBe(g.customers);
      expect(cell!.revenue, `${g.stage} x ${g.country}`).toBeCloseTo(g.revenue, 2);
    }
  }, 120_000);
});
