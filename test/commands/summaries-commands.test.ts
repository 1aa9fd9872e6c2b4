/**
 * `--summaries DIR` on every command (issue 13 item 5): clm cohorts reads cohort_activity.csv
 * and draws the tables it draws from the orders; a bad value is named with its file, line,
 * column and text; every command that needs per-customer rows says so in one shared message.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

function dirWith(csv: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'clm-cohort-activity-'));
  writeFileSync(join(dir, 'cohort_activity.csv'), csv);
  return dir;
}

const GOOD = `cohort,period,cohort_size,active,orders,revenue_mills,as_of
2024-01,0,10,10,12,1500000,2024-03-15
2024-01,1,10,4,5,600000,2024-03-15
2024-01,2,10,3,3,-20000,2024-03-15
2024-02,0,5,5,5,500000,2024-03-15
2024-02,1,5,2,2,250000,2024-03-15
2024-03,0,8,8,9,800000,2024-03-15
`;

describe('clm cohorts --summaries DIR', () => {
  it('reads cohort_activity.csv into the retention triangle, the incomplete as-of month marked and left out of the averages', async () => {
    const r = await runClm(['cohorts', '--summaries', dirWith(GOOD), '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['cohort,cohort_size,k0,k1,k2', '2024-01,10,1,0.4,0.3', '2024-02,5,1,0.4,', '2024-03,8,1,,']);
    const avg = await runClm(['cohorts', '--summaries', dirWith(GOOD), '--format', 'csv', '--table', 'average', '--metric', 'revenue']);
    // k = 0 over the complete months 2024-01 and 2024-02 only; revenue in currency units
    expect(avg.stdout.trim().split('\n').slice(0, 2)).toEqual(['k,cohorts,cohort_size,revenue,revenue_retention,net_revenue_retention', '0,2,15,2000.00,1,1']);
    const json = JSON.parse((await runClm(['cohorts', '--summaries', dirWith(GOOD), '--format', 'json'])).stdout);
    expect(json.meta).toMatchObject({ as_of: '2024-03-15', as_of_source: 'summaries', cohorts: { customers: 23, incomplete_period: { period: '2024-03' } } });
  });

  it('a missing cell is a zero; without as_of the latest month counts as complete, and stderr says so', async () => {
    const csv = 'cohort,period,cohort_size,active\n2024-01,0,10,10\n2024-01,2,10,1\n2024-02,0,4,4\n';
    const r = await runClm(['cohorts', '--summaries', dirWith(csv), '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['cohort,cohort_size,k0,k1,k2', '2024-01,10,1,0,0.1', '2024-02,4,1,0,']);
    expect(r.stderr).toContain('has no as_of column: the as-of date is taken as 2024-03-31, the end of its latest period 2024-03');
    const orders = await runClm(['cohorts', '--summaries', dirWith(csv), '--metric', 'orders']);
    expect(orders.code).toBe(2);
    expect(orders.stderr).toContain('--metric orders needs the orders column');
  });

  it('bad values are named with file, line, column and value', async () => {
    const cases: [string, RegExp][] = [
      ['cohort,period,cohort_size,active\n2024-01,0,10,10\n2024-1,1,10,3\n', /cohort_activity\.csv:3: column "cohort": value "2024-1": cohort is not a period label/],
      ['cohort,period,cohort_size,active\n2024-01,0,10,10\n2024-01,1,10,11\n', /cohort_activity\.csv:3: column "active": value "11": active 11 is more than the cohort_size 10/],
      ['cohort,period,cohort_size,active\n2024-01,0,10,10\n2024-01,1.5,10,3\n', /cohort_activity\.csv:3: column "period": value "1.5": period must be a whole number/],
      ['cohort,period,cohort_size,active\n2024-01,0,10,10\n2024-01,1,9,3\n', /cohort_activity\.csv:3: column "cohort_size": value "9": cohort 2024-01 has cohort_size 10 on an earlier row and 9 here/],
      ['cohort,period,cohort_size,active\n2024-01,0,10,10\n2024-W03,0,4,4\n', /cohort_activity\.csv:3: column "cohort": value "2024-W03": the file mixes period units \(month above, week here\)/],
      ['cohort,period,cohort_size,active,as_of\n2024-01,0,10,10,2024-02-30\n', /cohort_activity\.csv:2: column "as_of": value "2024-02-30": as_of is not a date/],
      ['cohort,period,cohort_size\n2024-01,0,10\n', /cohort_activity\.csv:1: the cohort_activity file needs the columns cohort, period, cohort_size, active \(missing: active\)/],
      ['cohort,period,cohort_size,active,as_of\n2024-01,3,10,1,2024-02-10\n', /cohort 2024-01 has period 3, after the as-of period 2024-02/],
      ['cohort,period,cohort_size,active\n2024-01,0,10,10\n2024-01,0,10,9\n', /cohort_activity\.csv:3: column "period": value "0": cohort 2024-01 has period 0 twice/],
      ['cohort,period,cohort_size,active,as_of\n2024-01,0,10,10,2024-02-10\n2024-01,1,10,2,2024-02-11\n', /cohort_activity\.csv:3: column "as_of": value "2024-02-11": as_of differs from the rows above/],
      ['cohort,period,cohort_size,active\n', /cohort_activity\.csv:1: the cohort_activity file has no rows/],
    ];
    for (const [csv, message] of cases) {
      const r = await runClm(['cohorts', '--summaries', dirWith(csv)]);
      expect(r.code, csv).toBe(3);
      expect(r.stderr, csv).toMatch(message);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('what needs the orders is refused with the flag that fixes it', async () => {
    const week = await runClm(['cohorts', '--summaries', dirWith(GOOD), '--period', 'week']);
    expect(week.code).toBe(2);
    expect(week.stderr).toMatch(/holds month cohorts, not week cohorts\n {2}hint: pass --period month/);
    for (const [flag, value] of [['--by', 'channel'], ['--as-of', '2024-03-31'], ['--orders', 'fixtures/demo/orders.csv']]) {
      const r = await runClm(['cohorts', '--summaries', dirWith(GOOD), flag, value]);
      expect(r.code, flag).toBe(2);
      expect(r.stderr).toContain(`${flag} does not go with --summaries`);
    }
    const none = await runClm(['cohorts', '--summaries', mkdtempSync(join(tmpdir(), 'clm-empty-'))]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('there is no cohort_activity.csv in it');
  });
});

describe('--summaries on the commands that need per-customer rows', () => {
  const NEEDS_ROWS = ['summary', 'customers', 'stages', 'segments', 'playbook', 'report', 'diff', 'kpis', 'backtest', 'forecast', 'doctor', 'pivot'];
  for (const command of NEEDS_ROWS) {
    it(`clm ${command} --summaries: one usage error naming what it needs and what reads summaries`, async () => {
      const r = await runClm([command, '--summaries', dirWith(GOOD)]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^clm: error: clm ${command} cannot run on --summaries: it needs .+, from per-customer rows that the summary tables do not hold\\. With --summaries DIR only clm cltv \\(rfm_counts\\.csv, spend_counts\\.csv: the model fit and the base totals\\) and clm cohorts \\(cohort_activity\\.csv: the cohort triangles and their averages\\) run\\n {2}hint: pass --orders FILE \\(or --db URL --orders TABLE\\) to clm ${command}\\n$`));
    });
  }

  it('the help of every command that reads inputs names the files cltv and cohorts read', async () => {
    for (const command of [...NEEDS_ROWS, 'cltv', 'cohorts']) {
      const help = (await runClm([command, '--help'])).stdout.replace(/\s+/g, ' ');
      expect(help, command).toContain('--summaries <dir> read the summary tables in DIR (written by the SQL of clm sql --summaries) instead of the orders: clm cltv reads rfm_counts.csv and spend_counts.csv, clm cohorts cohort_activity.csv');
    }
    const sql = (await runClm(['sql', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(sql).toContain('--summaries print instead the SQL of the summary tables');
    expect(sql).toContain('without it the latest purchase day in the table, as clm does');
  });
});
