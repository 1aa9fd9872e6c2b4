import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runClm, stderrBeyondSmallSamples } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-cohorts-'));
let fileNo = 0;
function file(text: string): string {
  const p = join(dir, `f${fileNo++}.csv`);
  writeFileSync(p, text);
  return p;
}

function rows(csv: string): Record<string, string>[] {
  return parse(csv, { columns: true });
}

async function ok(args: string[]): Promise<string> {
  const r = await runClm(args);
  expect(stderrBeyondSmallSamples(r.stderr)).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

// The worked example of test/analytics/cohorts.test.ts, through the reader (as of 2024-03-15).
const orders = file(
  [
    'order_id,customer_id,order_date,amount,status',
    'a1,A,2024-01-05,100,paid',
    'a2,A,2024-01-20,50,paid',
    'a3,A,2024-03-02,30,paid',
    'b1,B,2024-01-31,80,paid',
    'b2,B,2024-02-10,-20,paid', // a refund: February revenue -20, B not active
    'c1,C,2024-02-29,40,paid',
    'c2,C,2024-03-01,10,paid',
    'c3,C,2024-02-15,99,cancelled', // excluded: not C's first order
    'd1,D,2024-03-20,70,paid', // after the as-of date: excluded
    'e1,E,2024-03-05,25,paid', // cohort 2024-03, the incomplete month
  ].join('\n'),
);
const customers = file(['customer_id,channel,country', 'A,web,US', 'B,app,US', 'C,web,DE', 'E,,DE', 'P,web,US'].join('\n'));
const BASE = ['--orders', orders, '--as-of', '2024-03-15'];

describe('clm cohorts, worked by hand through the reader', () => {
  it('long layout: exactly the columns of each metric, cells up to the as-of period only', async () => {
    const c = await ok(['cohorts', ...BASE, '--layout', 'long', '--format', 'csv']);
    expect(c).toBe(
      [
        'cohort,k,cohort_size,active,retention',
        '2024-01,0,2,2,1',
        '2024-01,1,2,0,0',
        '2024-01,2,2,1,0.5',
        '2024-02,0,1,1,1',
        '2024-02,1,1,1,1',
        '2024-03,0,1,1,1',
        '',
      ].join('\n'),
    );
    const o = await ok(['cohorts', ...BASE, '--layout', 'long', '--metric', 'orders', '--format', 'csv']);
    expect(o.split('\n').slice(0, 4)).toEqual(['cohort,k,cohort_size,orders', '2024-01,0,2,3', '2024-01,1,2,0', '2024-01,2,2,1']);
    const r = await ok(['cohorts', ...BASE, '--layout', 'long', '--metric', 'revenue', '--format', 'csv']);
    expect(r.split('\n').slice(0, 4)).toEqual([
      'cohort,k,cohort_size,revenue,revenue_retention',
      '2024-01,0,2,230.00,1',
      '2024-01,1,2,-20.00,-0.0869565217391',
      '2024-01,2,2,30.00,0.130434782609',
    ]);
    const l = await ok(['cohorts', ...BASE, '--layout', 'long', '--metric', 'ltv', '--format', 'csv']);
    expect(l.split('\n').slice(0, 4)).toEqual(['cohort,k,cohort_size,ltv', '2024-01,0,2,115.00', '2024-01,1,2,105.00', '2024-01,2,2,120.00']);
  });

  it('wide layout: a column per k; cells after the as-of date are empty, not zero', async () => {
    const w = await ok(['cohorts', ...BASE, '--format', 'csv']);
    expect(w).toBe(['cohort,cohort_size,k0,k1,k2', '2024-01,2,1,0,0.5', '2024-02,1,1,1,', '2024-03,1,1,,', ''].join('\n'));
    const json = JSON.parse(await ok(['cohorts', ...BASE, '--metric', 'orders', '--format', 'json']));
    expect(json.rows).toEqual([
      { cohort: '2024-01', cohort_size: 2, k0: 3, k1: 0, k2: 1 },
      { cohort: '2024-02', cohort_size: 1, k0: 1, k1: 1, k2: null },
      { cohort: '2024-03', cohort_size: 1, k0: 1, k1: null, k2: null },
    ]);
  });

  it('the as-of period is marked incomplete: in meta, in the table, and with --mark-incomplete in long CSV', async () => {
    const json = JSON.parse(await ok(['cohorts', ...BASE, '--format', 'json']));
    expect(json.meta.cohorts.incomplete_period).toEqual({ period: '2024-03', start: '2024-03-01', end: '2024-03-31' });
    expect(json.meta.cohorts.as_of_period).toBe('2024-03');
    const t = await ok(['cohorts', ...BASE, '--format', 'table', '--no-color']);
    expect(t).toContain('* 2024-03 is not over at the as-of date (incomplete)');
    const line = (label: string): string => t.split('\n').find((x) => x.startsWith(`│ ${label}`))!;
    expect(line('2024-01')).toMatch(/100\.0%\s+│\s+0\.0%\s+│\s+50\.0%\*/);
    expect(line('2024-02')).toMatch(/100\.0%\s+│\s+100\.0%\*/);
    expect(line('2024-03')).toMatch(/100\.0%\*/);
    const long = rows(await ok(['cohorts', ...BASE, '--layout', 'long', '--format', 'csv', '--mark-incomplete']));
    expect(long.map((x) => `${x.cohort}/${x.k}:${x.incomplete}`)).toEqual(['2024-01/0:false', '2024-01/1:false', '2024-01/2:true', '2024-02/0:false', '2024-02/1:true', '2024-03/0:true']);
    // the last day of the month completes it: no marks, null incomplete_period
    const end = JSON.parse(await ok(['cohorts', '--orders', orders, '--as-of', '2024-03-31', '--format', 'json']));
    expect(end.meta.cohorts.incomplete_period).toBeNull();
  });

  it('the average table: size-weighted over the cohorts whose period k is complete', async () => {
    const a = rows(await ok(['cohorts', ...BASE, '--format', 'csv', '--table', 'average']));
    expect(a).toEqual([
      { k: '0', cohorts: '2', cohort_size: '3', active: '3', retention: '1' }, // the March cohort is incomplete
      { k: '1', cohorts: '1', cohort_size: '2', active: '0', retention: '0' },
    ]);
    const rev = rows(await ok(['cohorts', ...BASE, '--metric', 'revenue', '--format', 'csv', '--table', 'average']));
    expect(rev[1]).toEqual({ k: '1', cohorts: '1', cohort_size: '2', revenue: '-20.00', revenue_retention: '-0.0869565217391', net_revenue_retention: '-0.0869565217391' });
    const t = await ok(['cohorts', ...BASE, '--format', 'table', '--no-color']);
    expect(t.split('\n').find((x) => x.startsWith('│ average'))).toMatch(/average\s+│\s+│\s+100\.0%\s+│\s+0\.0%\s+│\s+│/);
  });

  it('--by splits by a customer attribute, customers without it in (none)', async () => {
    const c = rows(await ok(['cohorts', ...BASE, '--customers', customers, '--by', 'channel', '--format', 'csv']));
    expect(c).toEqual([
      { channel: 'app', cohort: '2024-01', cohort_size: '1', k0: '1', k1: '0', k2: '0' },
      { channel: 'web', cohort: '2024-01', cohort_size: '1', k0: '1', k1: '0', k2: '1' },
      { channel: 'web', cohort: '2024-02', cohort_size: '1', k0: '1', k1: '1', k2: '' },
      { channel: '(none)', cohort: '2024-03', cohort_size: '1', k0: '1', k1: '', k2: '' },
    ]);
    const long = await ok(['cohorts', ...BASE, '--customers', customers, '--by', 'Country', '--layout', 'long', '--format', 'csv']);
    expect(long.split('\n')[0]).toBe('country,cohort,k,cohort_size,active,retention');
    const avg = rows(await ok(['cohorts', ...BASE, '--customers', customers, '--by', 'country', '--format', 'csv', '--table', 'average']));
    expect(avg.map((x) => `${x.country}/${x.k}:${x.active}/${x.cohort_size}`)).toEqual(['DE/0:1/1', 'US/0:2/2', 'US/1:0/2', '(all)/0:3/3', '(all)/1:0/2']);
  });

  it('--from/--to limit the cohorts shown and --min-size hides small ones; meta counts both', async () => {
    const c = rows(await ok(['cohorts', ...BASE, '--from', '2024-02', '--to', '2024-03-01', '--format', 'csv']));
    expect(c.map((x) => x.cohort)).toEqual(['2024-02', '2024-03']);
    expect(Object.keys(c[0])).toEqual(['cohort', 'cohort_size', 'k0', 'k1']);
    // a week ending in February reaches the February cohort; one ending in January does not
    const w5 = rows(await ok(['cohorts', ...BASE, '--to', '2024-W05', '--format', 'csv']));
    expect(w5.map((x) => x.cohort)).toEqual(['2024-01', '2024-02']);
    const w4 = rows(await ok(['cohorts', ...BASE, '--to', '2024-W04', '--format', 'csv']));
    expect(w4.map((x) => x.cohort)).toEqual(['2024-01']);
    const json = JSON.parse(await ok(['cohorts', ...BASE, '--min-size', '2', '--from', '2024-Q1', '--format', 'json']));
    expect(json.rows.map((x: { cohort: string }) => x.cohort)).toEqual(['2024-01']);
    expect(json.meta.cohorts.hidden_below_min_size).toEqual({ cohorts: 2, customers: 2 });
    expect(json.meta.cohorts.customers).toBe(4);
    expect(json.meta.cohorts.customers_shown).toBe(2);
    const out = JSON.parse(await ok(['cohorts', ...BASE, '--from', '2024-02', '--format', 'json']));
    expect(out.meta.cohorts.outside_from_to).toEqual({ cohorts: 1, customers: 2 });
  });

  it('weekly and quarterly cohort labels', async () => {
    const w = rows(await ok(['cohorts', ...BASE, '--period', 'week', '--layout', 'long', '--format', 'csv']));
    expect([...new Set(w.map((x) => x.cohort))]).toEqual(['2024-W01', '2024-W05', '2024-W09', '2024-W10']);
    const q = rows(await ok(['cohorts', ...BASE, '--period', 'quarter', '--format', 'csv']));
    expect(q).toEqual([{ cohort: '2024-Q1', cohort_size: '4', k0: '1' }]);
  });

  it('on a colour terminal the triangle is shaded, with a legend; NO_COLOR keeps the percentages', async () => {
    const colour = await runClm(['cohorts', ...BASE], { tty: true });
    expect(colour.code).toBe(0);
    expect(colour.stdout).toMatch(/\u001b\[48;5;\d+m/); // a 256-colour background
    expect(colour.stdout).toContain('shade: 0% ');
    const plain = await runClm(['cohorts', ...BASE], { tty: true, env: { NO_COLOR: '1' } });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    expect(plain.stdout).toContain('50.0%*');
    expect(plain.stdout).not.toContain('shade:');
  });

  it('usage errors: exit 2 with the fix', async () => {
    const by = await runClm(['cohorts', ...BASE, '--customers', customers, '--by', 'colour']);
    expect(by.code).toBe(2);
    expect(by.stderr).toContain('attributes: channel, country');
    const noAttr = await runClm(['cohorts', ...BASE, '--by', 'channel']);
    expect(noAttr.code).toBe(2);
    expect(noAttr.stderr).toContain('--customers');
    for (const bad of [['--from', '2024-13'], ['--min-size', '0'], ['--period', 'day'], ['--metric', 'profit'], ['--layout', 'tall'], ['--from', '2024-03', '--to', '2024-01']]) {
      const r = await runClm(['cohorts', ...BASE, ...bad]);
      expect(r.code, bad.join(' ')).toBe(2);
    }
  });
});

describe('clm customers: the cohort column', () => {
  it('comes after the RFM columns and before the attributes, for the chosen --period', async () => {
    const month = rows(await ok(['customers', ...BASE, '--customers', customers, '--format', 'csv']));
    const cols = Object.keys(month[0]);
    expect(cols.slice(cols.indexOf('rfm_segment'), cols.indexOf('rfm_segment') + 3)).toEqual(['rfm_segment', 'cohort', 'channel']);
    expect(Object.fromEntries(month.map((x) => [x.customer_id, x.cohort]))).toEqual({ A: '2024-01', B: '2024-01', C: '2024-02', E: '2024-03', P: '' });
    const week = rows(await ok(['customers', ...BASE, '--period', 'week', '--format', 'csv']));
    expect(Object.fromEntries(week.map((x) => [x.customer_id, x.cohort]))).toEqual({ A: '2024-W01', B: '2024-W05', C: '2024-W09', E: '2024-W10' });
  });
});

describe('clm cohorts properties', () => {
  const rowArb = fc.record({
    customer: fc.integer({ min: 1, max: 25 }),
    day: fc.integer({ min: 0, max: 500 }),
    cents: fc.integer({ min: -3000, max: 30000 }),
    status: fc.constantFrom('paid', 'paid', 'paid', 'cancelled'),
  });

  it('shuffling the order rows changes nothing, for any metric, layout and period', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { minLength: 1, maxLength: 60 }),
        fc.func(fc.integer()),
        fc.constantFrom('customers', 'orders', 'revenue', 'ltv'),
        fc.constantFrom('wide', 'long'),
        fc.constantFrom('month', 'week', 'quarter'),
        async (rs, f, metric, layout, period) => {
          const line = (r: (typeof rs)[number], i: number): string => {
            const d = new Date(Date.UTC(2023, 0, 1) + r.day * 86_400_000).toISOString().slice(0, 10);
            return `o${i},c${r.customer},${d},${(r.cents / 100).toFixed(2)},${r.status}`;
          };
          const lines = rs.map(line);
          const shuffled = lines.map((l, i) => ({ l, key: f(i) * 1000 + i })).sort((a, b) => a.key - b.key).map((x) => x.l);
          const header = 'order_id,customer_id,order_date,amount,status';
          const args = ['cohorts', '--as-of', '2024-05-20', '--metric', metric, '--layout', layout, '--period', period, '--format', 'json'];
          const a = await runClm([...args, '--orders', file([header, ...lines].join('\n'))]);
          const b = await runClm([...args, '--orders', file([header, ...shuffled].join('\n'))]);
          // the same outcome either way: a shop with no counted order is a data error in both
          expect(b.code).toBe(a.code);
          if (a.code === 3) {
            expect(a.stderr).toMatch(/no counted order/);
            return;
          }
          expect(a.code).toBe(0);
          const strip = (s: string): unknown => {
            const j = JSON.parse(s);
            return { rows: j.rows, tables: j.tables, cohorts: j.meta.cohorts };
          };
          expect(strip(b.stdout)).toEqual(strip(a.stdout));
        },
      ),
      // seeded: one fresh-clone CI run timed out at 60 s on a random seed that 750 random runs
      // here could not reproduce (each run takes 4-6 s); a fixed seed keeps CI deterministic
      { numRuns: 25, seed: 2026 },
    );
  }, 180_000);
});
