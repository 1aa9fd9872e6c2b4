import { describe, expect, it } from 'vitest';
import { runClm } from '../../helpers/run-clm.js';
import { ORDER_RULES, STATUS_WORDS } from '../../../src/engine/rules.js';
import { rulesCase } from '../../../src/engine/sql/compile.js';
import { DIALECTS } from '../../../src/engine/sql/dialects.js';
import { parseSql, PARSED_DIALECTS, statements } from './sql-parsers.js';

const FULL = ['--table', 'shop.orders', '--map', 'order_id=oid', '--map', 'status=st', '--map', 'refund=rf', '--map', 'currency=cur', '--map', 'cancelled_at=cx', '--currency', 'usd', '--as-of', '2024-01-01', '--count-status', 'Bezahlt', '--exclude-status', 'On Hold'];

describe('clm sql: every dialect it does not run parses with that dialect\'s parser', () => {
  for (const dialect of PARSED_DIALECTS) {
    for (const [what, args] of [
      ['plain', ['--table', 'orders']],
      ['every option', FULL],
      ['shopify preset', ['--table', 'exports.orders', '--preset', 'stripe']],
      ['summaries, as of the latest purchase', ['--table', 'orders', '--summaries']],
      ['summaries, every option, in days', [...FULL, '--summaries', '--time-unit', 'day']],
    ] as const) {
      it(`${dialect}, ${what}`, async () => {
        const r = await runClm(['sql', '--dialect', dialect, ...args]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const stmts = statements(r.stdout);
        expect(stmts).toHaveLength(3);
        for (const s of stmts) expect(() => parseSql(dialect, s)).not.toThrow();
      });
    }
  }
});

describe('clm sql: the rules are compiled from engine/rules.ts', () => {
  it('every order rule has its SQL, and the status words come from STATUS_WORDS', async () => {
    const c = rulesCase({ d: DIALECTS.duckdb, currency: 'USD', asOf: 19000 });
    // one line per rule, in ORDER_RULES' order, then refund/order
    const lines = c.split('\n').map((l) => l.trim());
    expect(lines).toHaveLength(ORDER_RULES.length + 1);
    expect(lines.map((l) => /THEN '([a-z_]+)'$/.exec(l)?.[1] ?? (l.includes('CASE status_class') ? 'status' : '?'))).toEqual(['no_customer_id', 'status_cancelled', 'status', 'other_currency', 'after_as_of', 'status_refunded', '?']);
    expect(c).toContain("WHEN day > 19000 THEN 'after_as_of'");
    expect(c).toContain("currency <> 'USD'");
    const r = await runClm(['sql', '--dialect', 'duckdb', '--table', 'o', '--map', 'status=s']);
    for (const words of Object.values(STATUS_WORDS)) expect(r.stdout).toContain(`IN (${words.map((w) => `'${w}'`).join(', ')})`);
  });

  it('--count-status and --exclude-status come before the word lists, under their normalised keys', async () => {
    const r = await runClm(['sql', '--dialect', 'duckdb', '--table', 'o', '--map', 'status=s', '--count-status', 'Bezahlt', '--exclude-status', 'On Hold,shipped']);
    const text = r.stdout;
    expect(text.indexOf("IN ('bezahlt') THEN 'counted'")).toBeGreaterThan(0);
    expect(text.indexOf("IN ('onhold') THEN 'pending'")).toBeGreaterThan(0);
    expect(text.indexOf("IN ('shipped') THEN 'excluded'")).toBeGreaterThan(0);
    expect(text.indexOf("IN ('shipped') THEN 'excluded'")).toBeLessThan(text.indexOf("IN ('paid', 'completed'"));
  });

  it('refuses what the SQL cannot honour, saying why', async () => {
    const line = await runClm(['sql', '--dialect', 'postgres', '--table', 'o', '--preset', 'shopify']);
    expect(line.code).toBe(2);
    expect(line.stderr).toContain('line-item grain');
    const olist = await runClm(['sql', '--dialect', 'postgres', '--table', 'o', '--preset', 'olist']);
    expect(olist.code).toBe(2);
    expect(olist.stderr).toContain('the olist orders have no amount column');
    expect((await runClm(['sql', '--dialect', 'postgres', '--table', 'o', '--preset', 'olist', '--map', 'amount=paid'])).code).toBe(0);
    const bad = await runClm(['sql', '--dialect', 'mysql', '--table', 'o']);
    expect(bad.code).toBe(2);
    const noTable = await runClm(['sql', '--dialect', 'trino']);
    expect(noTable.code).toBe(2);
    expect(noTable.stderr).toContain('--table NAME is required');
  });
});

describe('clm sql --summaries', () => {
  it('one statement per summary file, each after a comment naming it; --time-unit only with --summaries', async () => {
    const r = await runClm(['sql', '--dialect', 'postgres', '--table', 'o', '--summaries', '--as-of', '2024-12-31']);
    expect(r.code).toBe(0);
    expect([...r.stdout.matchAll(/^-- ([a-z_]+\.csv): /gm)].map((m) => m[1])).toEqual(['rfm_counts.csv', 'spend_counts.csv', 'cohort_activity.csv']);
    expect(statements(r.stdout)).toHaveLength(3);
    expect(r.stdout).toContain('SELECT 20088 AS end_day');
    expect(r.stdout).toContain('The as-of date is the --as-of date.');
    const latest = await runClm(['sql', '--dialect', 'postgres', '--table', 'o', '--summaries']);
    expect(latest.stdout).toContain('SELECT max(day) AS end_day FROM purchase_days');
    expect(latest.stdout).toContain('the latest purchase day in the table (the default as-of of clm; pass --as-of for a fixed date)');
    const unitAlone = await runClm(['sql', '--dialect', 'postgres', '--table', 'o', '--time-unit', 'day']);
    expect(unitAlone.code).toBe(2);
    expect(unitAlone.stderr).toContain('add --summaries');
  });

  it('the summary SQL is the compiled ledger steps plus its own: the rules are not copied', async () => {
    const plain = (await runClm(['sql', '--dialect', 'trino', ...FULL])).stdout;
    const summ = (await runClm(['sql', '--dialect', 'trino', ...FULL, '--summaries'])).stdout;
    const ledgerSteps = statements(plain)[0].slice(0, statements(plain)[0].lastIndexOf('\nSELECT'));
    expect(statements(summ)).toHaveLength(3);
    for (const s of statements(summ)) expect(s.startsWith(`${ledgerSteps},\npurchase_days AS (`)).toBe(true);
  });
});
