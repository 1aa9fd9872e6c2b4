import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241];
const dir = mkdtempSync(join(tmpdir(), 'clm-retention-'));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/**
 * Renewal rows equivalent to a survivor series: customer i of survivors[0] pays once a year
 * from 2000 for as many years as the series keeps it (survivors[t] customers pay in 2000 + t).
 */
function renewalRows(survivors: number[], opts: { lastYearMonth?: string } = {}): string {
  const lines = ['customer_id,period_start'];
  for (let i = 0; i < survivors[0]; i++) {
    for (let t = 0; t < survivors.length && i < survivors[t]; t++) {
      const md = t === survivors.length - 1 && opts.lastYearMonth ? opts.lastYearMonth : `0${1 + (i % 9)}-15`;
      lines.push(`c${i},${2000 + t}-${md}`);
    }
  }
  return lines.join('\n') + '\n';
}

function csvRows(text: string): string[][] {
  return text.trim().split('\n').map((l) => l.split(','));
}

describe('clm retention --model sbg', () => {
  it('--survivors with the paper\'s regular series: alpha, beta, standard errors and log-likelihood in the model table', async () => {
    const r = await runClm(['retention', '--model', 'sbg', '--survivors', 'fixtures/retention/regular.csv', '--format', 'csv']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = csvRows(r.stdout);
    expect(rows[0]).toEqual(['model', 'parameter', 'estimate', 'se']);
    const byName = new Map(rows.slice(1).map((x) => [x[1], x]));
    expect(Number(byName.get('alpha')![2])).toBeCloseTo(0.704, 3);
    expect(Number(byName.get('beta')![2])).toBeCloseTo(1.182, 3);
    expect(Number(byName.get('alpha')![3])).toBeGreaterThan(0);
    expect(Number(byName.get('log_likelihood')![2])).toBeCloseTo(-1680.27, 2);
    expect(byName.get('converged')![2]).toBe('1');
  });

  it('--periods 5 projects years 8-12 in the survival table; actual cells of projected rows are empty', async () => {
    const r = await runClm(['retention', '--survivors', 'fixtures/retention/high-end.csv', '--periods', '5', '--format', 'csv', '--table', 'survival']);
    expect(r.code).toBe(0);
    const rows = csvRows(r.stdout);
    expect(rows[0]).toEqual(['cohort', 'period', 'survivors', 'expected_survivors', 'survival', 'expected_survival', 'retention', 'expected_retention']);
    expect(rows).toHaveLength(1 + 13);
    const projected = rows.slice(9).map((x) => Number(x[3]));
    [460.4, 435.8, 414.2, 395.1, 378.0].forEach((v, i) => expect(projected[i]).toBeCloseTo(v, 1));
    expect(rows.slice(9).every((x) => x[2] === '' && x[4] === '' && x[6] === '')).toBe(true);
    // year 1: 869 of 1000 renewed
    expect(rows[2].slice(0, 3)).toEqual(['all', '1', '869']);
    expect(Number(rows[2][6])).toBeCloseTo(0.869, 12);
  });

  it('renewal rows give the same survivors and the same fit as the equivalent --survivors file', async () => {
    const renewals = file('regular-renewals.csv', renewalRows(REGULAR));
    const a = await runClm(['retention', '--renewals', renewals, '--period', 'year', '--as-of', '2007-12-31', '--format', 'csv', '--table', 'survival']);
    const b = await runClm(['retention', '--survivors', 'fixtures/retention/regular.csv', '--format', 'csv', '--table', 'survival']);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const ra = csvRows(a.stdout);
    const rb = csvRows(b.stdout);
    expect(ra.map((x) => x[0])).toEqual(['cohort', ...new Array(20).fill('2000')]);
    // everything but the cohort label is identical
    expect(ra.map((x) => x.slice(1))).toEqual(rb.map((x) => x.slice(1)));
    expect(ra.slice(1, 9).map((x) => Number(x[2]))).toEqual(REGULAR);
    const ma = await runClm(['retention', '--renewals', renewals, '--period', 'year', '--as-of', '2007-12-31', '--format', 'csv']);
    const mb = await runClm(['retention', '--survivors', 'fixtures/retention/regular.csv', '--format', 'csv']);
    expect(ma.stdout.replace(/iterations,\d+/, '')).toBe(mb.stdout.replace(/iterations,\d+/, ''));
  });

  it('the period holding the as-of date is not over: left out, never counted as churn', async () => {
    // the 2007 renewals are due on 1 September; as of 30 June 2007 none is paid yet
    const renewals = file('regular-partial.csv', renewalRows(REGULAR, { lastYearMonth: '09-01' }));
    const r = await runClm(['retention', '--renewals', renewals, '--period', 'year', '--as-of', '2007-06-30', '--periods', '0', '--format', 'csv', '--table', 'survival']);
    expect(r.code).toBe(0);
    const rows = csvRows(r.stdout).slice(1);
    // periods 0..6 (2000..2006) observed, 2006's 262 survivors intact; 2007 is no data point
    expect(rows.map((x) => Number(x[2]))).toEqual(REGULAR.slice(0, 7));
    expect(r.stderr).toContain('241 renewal rows after the as-of date 2007-06-30 are not used');
    // the default as-of (the latest renewal, 2007-09-01) leaves 2007 out too
    const d = await runClm(['retention', '--renewals', renewals, '--period', 'year', '--periods', '0', '--format', 'csv', '--table', 'survival']);
    expect(csvRows(d.stdout).slice(1).map((x) => Number(x[2]))).toEqual(REGULAR.slice(0, 7));
  });

  it('Stripe payments rows: Customer ID by Created date (UTC); failed charges are not renewals, and stderr says so', async () => {
    const r = await runClm(['retention', '--renewals', 'fixtures/retention/renewals.csv', '--format', 'csv', '--table', 'survival', '--periods', '0']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('clm: warning: renewal rows not used for their Status: 12 "Failed"\n');
    const rows = csvRows(r.stdout).slice(1);
    const jan = rows.filter((x) => x[0] === '2024-01').map((x) => Number(x[2]));
    // a customer who skipped March and paid again still survived March
    expect(jan).toEqual([40, 29, 23, 20, 18, 16, 15, 14]);
    expect(rows.filter((x) => x[0] === '2024-03').map((x) => Number(x[2]))).toEqual([25, 18, 14, 12, 11, 10]);
  });

  it('DERL per tenure: the survivors of the last period are the active customers at tenure 8', async () => {
    const r = await runClm(['retention', '--survivors', 'fixtures/retention/regular.csv', '--discount', '0.1', '--periods', '2', '--format', 'csv', '--table', 'derl']);
    const rows = csvRows(r.stdout);
    expect(rows[0]).toEqual(['tenure', 'renewals', 'active_customers', 'renewal_probability', 'derl', 'total_derl']);
    expect(rows).toHaveLength(1 + 10);
    const t8 = rows[8];
    expect(t8.slice(0, 3)).toEqual(['8', '7', '241']);
    expect(Number(t8[5])).toBeCloseTo(241 * Number(t8[4]), 6);
    expect(Number(rows[1][4])).toBeCloseTo(2.964, 3);
  });

  it('warns on stderr, also with --quiet, when fewer than 3 periods are observed', async () => {
    const s = file('short.csv', 'period,survivors\n0,500\n1,300\n2,240\n');
    const r = await runClm(['retention', '--survivors', s, '--quiet', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^clm: warning: only 2 period\(s\) after the cohort start observed: alpha and beta are poorly determined with fewer than 3/m);
  });
});

describe('clm retention: fits the data do not determine', () => {
  it('a cohort losing the same 10% every period: the warning says only alpha/(alpha+beta) is determined, on stderr with --quiet', async () => {
    const counts = Array.from({ length: 9 }, (_, t) => Math.round(100000 * 0.9 ** t));
    const s = file('geometric.csv', 'period,survivors\n' + counts.map((n, t) => `${t},${n}`).join('\n') + '\n');
    const r = await runClm(['retention', '--survivors', s, '--quiet', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^clm: warning: alpha and beta are poorly determined \(standard errors .+ exceed the estimates\): customers barely differ in their churn probability, about alpha\/\(alpha\+beta\) = 0\.100 per period/m);
  });
});

describe('clm retention: bad input', () => {
  const cases: { name: string; text: string; message: RegExp }[] = [
    { name: 'rising', text: 'period,survivors\n0,1000\n1,631\n2,700\n', message: /rising\.csv:4: column "survivors": value "700": survivors rise from 631 at period 1 to 700: a cohort can only lose customers/ },
    { name: 'fraction', text: 'period,survivors\n0,100\n1,63.1\n', message: /fraction\.csv:3: column "survivors": value "63\.1": survivors must be a whole number of customers/ },
    { name: 'word', text: 'period,survivors\n0,100\n1,many\n', message: /word\.csv:3: column "survivors": value "many": survivors is not a number/ },
    { name: 'gap', text: 'period,survivors\n0,100\n2,50\n', message: /gap\.csv:3: column "period": value "2": period 1 was expected here/ },
    { name: 'no-start', text: 'year,alive\n1,631\n', message: /no-start\.csv:2: column "year": value "1": the first period must be 0, the cohort's start/ },
    { name: 'columns', text: 'when,count\n0,100\n', message: /columns\.csv:1: the survivors file needs the columns period and survivors \(missing: period, survivors\)/ },
    { name: 'empty-cohort', text: 'period,survivors\n0,0\n1,0\n', message: /empty-cohort\.csv:2: column "survivors": value "0": the cohort has no customers at period 0/ },
  ];
  for (const c of cases) {
    it(`--survivors ${c.name}: exit 3, the file, line, column and value`, async () => {
      const r = await runClm(['retention', '--survivors', file(`${c.name}.csv`, c.text)]);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(c.message);
      expect(r.stderr).toMatch(/\n {2}hint: /);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    });
  }

  it('--survivors where nobody was lost: exit 3, the fit cannot be made', async () => {
    const r = await runClm(['retention', '--survivors', file('flat.csv', 'period,survivors\n0,100\n1,100\n2,100\n3,100\n')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('the sBG cannot be fitted: no customer was lost in the periods observed');
  });

  it('--renewals: a date that is not one, and a blank customer id', async () => {
    const bad = await runClm(['retention', '--renewals', file('bad-date.csv', 'customer_id,period_start\nc1,2024-01-05\nc1,next week\n')]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/bad-date\.csv:3: column "period_start": value "next week": period_start is not a date/);
    const blank = await runClm(['retention', '--renewals', file('blank-id.csv', 'customer_id,period_start\n,2024-01-05\n')]);
    expect(blank.code).toBe(3);
    expect(blank.stderr).toMatch(/blank-id\.csv:2: column "customer_id": value "": the customer id is blank/);
    const ambiguous = await runClm(['retention', '--renewals', file('ambiguous.csv', 'customer_id,period_start\nc1,03/04/2024\n')]);
    expect(ambiguous.code).toBe(3);
    expect(ambiguous.stderr).toMatch(/could be day-first or month-first[\s\S]*hint: pass --date-format/);
  });

  it('--renewals with no complete period before the as-of date: exit 3 with the flag that fixes it', async () => {
    const r = await runClm(['retention', '--renewals', file('young.csv', 'customer_id,period_start\nc1,2024-01-05\nc2,2024-01-09\n')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no cohort has a complete month before the as-of date 2024-01-09[\s\S]*hint: pass a later --as-of or a shorter --period/);
  });

  it('usage errors: no input, both inputs, --period with --survivors, a bad --discount or --periods', async () => {
    const s = 'fixtures/retention/regular.csv';
    const cases: [string[], RegExp][] = [
      [['retention'], /clm retention needs --survivors FILE or --renewals FILE/],
      [['retention', '--survivors', s, '--renewals', 'fixtures/retention/renewals.csv'], /give --survivors or --renewals, not both/],
      [['retention', '--survivors', s, '--period', 'year'], /--period applies to --renewals, not to a --survivors file/],
      [['retention', '--survivors', s, '--discount', '0'], /--discount "0" is not a discount rate per period above 0/],
      [['retention', '--survivors', s, '--periods', '2.5'], /--periods "2.5" is not a whole number from 0 to 1000/],
    ];
    for (const [args, message] of cases) {
      const r = await runClm(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('--output onto the --survivors file is refused before anything is read', async () => {
    const s = file('keep.csv', 'period,survivors\n0,100\n1,60\n2,45\n3,40\n');
    const r = await runClm(['retention', '--survivors', s, '--output', s]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--output .*--survivors/);
  });

  it('--help explains every output column in one line', async () => {
    const r = await runClm(['retention', '--help']);
    expect(r.code).toBe(0);
    for (const col of ['survivors', 'expected_survivors', 'survival', 'expected_survival', 'retention', 'expected_retention', 'tenure', 'renewals', 'active_customers', 'renewal_probability', 'derl', 'total_derl']) {
      expect(r.stdout).toMatch(new RegExp(`^ {4}${col} {2,}\\S`, 'm'));
    }
    expect(r.stdout).toMatch(/--discount <rate> +discount rate PER PERIOD/);
  });
});
