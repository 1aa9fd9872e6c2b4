import { describe, expect, it } from 'vitest';
import { runClm } from '../../helpers/run-clm.js';

describe('--engine duckdb from the command line', () => {
  it('clm summary and clm customers print the same with either engine', async () => {
    for (const cmd of ['summary', 'customers']) {
      const args = [cmd, '--orders', 'fixtures/demo/orders.csv', '--as-of', '2024-12-31', '--format', 'csv'];
      const streaming = await runClm([...args, '--engine', 'streaming']);
      const duck = await runClm([...args, '--engine', 'duckdb']);
      expect(duck.stderr).toBe(streaming.stderr);
      expect(duck.code).toBe(0);
      expect(duck.stdout).toBe(streaming.stdout);
      expect(duck.stdout.split('\n').length).toBeGreaterThan(10);
    }
  });

  it('refuses what it cannot honour exactly, naming the option and the way out', async () => {
    const cases: [string[], RegExp][] = [
      [['--orders', '-'], /stdin/],
      [['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv'], /customers file/],
      [['--orders', 'fixtures/demo/orders.csv', '--date-format', 'DD/MM/YYYY'], /--date-format/],
      [['--orders', 'fixtures/demo/orders.csv', '--rejects', '/tmp/clm-never.csv'], /--rejects/],
      [['--orders', 'fixtures/demo/orders.csv', '--grain', 'line'], /line-item grain/],
      [['--orders', 'fixtures/demo/orders.csv', '--timezone', 'Europe/Berlin'], /--timezone/],
    ];
    for (const [args, why] of cases) {
      const r = await runClm(['summary', ...args, '--engine', 'duckdb'], { stdin: 'a,b\n1,2\n' });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).toContain('--engine streaming');
    }
  });

  it('a value only the streaming engine reads stops the DuckDB engine (exit 3), never a different answer', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'clm-unread-')), 'orders.csv');
    writeFileSync(file, 'order_id,customer_id,order_date,amount\nO1,C1,2024-01-02,"$1,234.50"\nO2,C2,2024-01-03,10\n');
    const r = await runClm(['summary', '--orders', file, '--engine', 'duckdb']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('1 rows hold a date or amount in a form only the streaming engine reads');
    expect((await runClm(['summary', '--orders', file])).code).toBe(0);
  });
});
