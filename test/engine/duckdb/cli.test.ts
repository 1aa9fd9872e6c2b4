import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { DATASETS } from '../../helpers/datasets.js';
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

  it('with a customers file (prospects, attributes) and on Olist (persons, payments) clm summary and clm customers print the same with either engine', async () => {
    const D = `${DATASETS}/olist-4k`;
    const runs = [
      ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31'],
      ['--orders', `${D}/olist_orders_dataset.csv`, '--customers', `${D}/olist_customers_dataset.csv`, '--payments', `${D}/olist_order_payments_dataset.csv`, '--preset', 'olist'],
    ];
    for (const run of runs) {
      if (!existsSync(run[1])) continue;
      for (const cmd of ['summary', 'customers']) {
        for (const format of ['csv', 'json']) {
          const args = [cmd, ...run, '--format', format];
          const streaming = await runClm([...args, '--engine', 'streaming']);
          const duck = await runClm([...args, '--engine', 'duckdb']);
          expect(streaming.code, streaming.stderr).toBe(0);
          expect(duck.code, duck.stderr).toBe(0);
          expect(duck.stderr).toBe(streaming.stderr);
          if (format === 'csv') expect(duck.stdout).toBe(streaming.stdout);
          else {
            // the JSON meta names the engine that ran (and why); everything else is the same
            const json = JSON.parse(duck.stdout);
            expect([json.meta.engine, json.meta.engine_why]).toEqual(['duckdb', '--engine duckdb']);
            delete json.meta.engine;
            delete json.meta.engine_why;
            expect(json).toEqual(JSON.parse(streaming.stdout));
          }
          expect(duck.stdout.split('\n').length).toBeGreaterThan(10);
        }
      }
    }
  }, 120_000);

  it('says which engine read the orders and why: a context line and the meta (the default streaming engine is not named)', async () => {
    const args = ['summary', '--orders', 'fixtures/demo/orders.csv', '--as-of', '2024-12-31'];
    const table = await runClm([...args, '--engine', 'duckdb', '--format', 'table', '--no-color']);
    expect(table.stdout).toContain('read by the duckdb engine (--engine duckdb)');
    const json = JSON.parse((await runClm([...args, '--engine', 'duckdb', '--format', 'json'])).stdout);
    expect([json.meta.engine, json.meta.engine_why]).toEqual(['duckdb', '--engine duckdb']);
    const plain = JSON.parse((await runClm([...args, '--format', 'json'])).stdout);
    expect(plain.meta.engine).toBeUndefined();
    expect((await runClm([...args, '--format', 'table', '--no-color'])).stdout).not.toContain('read by the');
  });

  it('refuses what it cannot honour exactly, naming the option and the way out', async () => {
    const cases: [string[], RegExp][] = [
      [['--orders', '-'], /stdin/],
      [['--orders', 'fixtures/demo/orders.csv', '--customers', '-'], /customers come from stdin/],
      [['--orders', 'fixtures/demo/orders.csv', '--payments', '-'], /payments come from stdin/],
      [['--orders', 'fixtures/demo/orders.csv', '--date-format', 'DD/MM/YYYY'], /--date-format/],
      [['--orders', 'fixtures/demo/orders.csv', '--rejects', '/tmp/clm-never.csv'], /--rejects/],
      [['--orders', 'fixtures/demo/orders.csv', '--decimal-comma'], /--decimal-comma/],
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

  it('the same warnings as the streaming engine about unknown statuses and thousands points; rejected rows counted, with the way to list them; many repeated order ids refused', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'clm-warn-'));
    const file = join(dir, 'orders.csv');
    const rows = ['order_id,customer_id,order_date,amount,status'];
    for (let i = 1; i <= 60; i++) rows.push(`O${i},C${i % 7},2024-01-${String(1 + (i % 28)).padStart(2, '0')},1.${String(100 + i).slice(0, 3)},${i % 10 === 0 ? 'bezahlt' : 'paid'}`);
    rows.push('O99,C1,2023-02-30,5.000,paid');
    writeFileSync(file, rows.join('\n') + '\n');
    const streaming = await runClm(['summary', '--orders', file, '--format', 'csv']);
    const duck = await runClm(['summary', '--orders', file, '--format', 'csv', '--engine', 'duckdb']);
    expect(duck.stdout).toBe(streaming.stdout);
    const warnings = (r: { stderr: string }): string[] => r.stderr.split('\n').filter((l) => /unrecognised status|three digits after the point/.test(l));
    expect(warnings(streaming)).toHaveLength(2);
    expect(warnings(duck)).toEqual(warnings(streaming));
    expect(duck.stderr).toContain('rows rejected: 1 unparseable date; the DuckDB engine does not list them: run with --engine streaming --rejects FILE');
    const dups = join(dir, 'dups.csv');
    writeFileSync(dups, ['order_id,customer_id,order_date,amount', ...Array.from({ length: 40 }, (_, i) => `O${i % 30},C${i},2024-01-02,5`)].join('\n') + '\n');
    const refused = await runClm(['summary', '--orders', dups, '--engine', 'duckdb']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('10 of 40 rows repeat an order id');
  });

  it('the config names the engine as --engine does; the flag wins', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'clm-config-engine-'));
    writeFileSync(join(dir, 'orders.csv'), 'order_id,customer_id,order_date,amount\nO1,C1,2024-01-02,"$1,234.50"\n');
    writeFileSync(join(dir, 'clm.config.json'), JSON.stringify({ inputs: { orders: 'orders.csv' }, engine: 'duckdb' }));
    const config = ['summary', '--config', join(dir, 'clm.config.json')];
    const duck = await runClm(config);
    expect(duck.code).toBe(3);
    expect(duck.stderr).toContain('the DuckDB engine cannot read this exactly');
    expect((await runClm([...config, '--engine', 'streaming'])).code).toBe(0);
  });

  it('a Shopify export recognised from its header is read at line grain (order fields on the first line) as the streaming engine reads it; Shopify\'s dates with an offset stop the engine (exit 3)', async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { DATASETS } = await import('../../helpers/datasets.js');
    const header = readFileSync(join(DATASETS, 'export-headers/shopify_orders_export_2025.header.csv'), 'utf8').split('\n')[0].trim();
    const cols = header.split(',');
    const row = (v: Record<string, string>): string => cols.map((c) => v[c] ?? '').join(',');
    const lines = (offset: string): string => {
      const at = (d: string): string => `2024-${d} 10:15:00${offset}`;
      const order = (name: string, email: string, day: string, total: string, status: string, items: number): string[] =>
        Array.from({ length: items }, (_, i) =>
          row(i === 0 ? { Name: name, Email: email, 'Financial Status': status, Currency: 'USD', Total: total, 'Created at': at(day), 'Lineitem quantity': '1', 'Lineitem price': '5.00' } : { Name: name, Email: email, 'Created at': at(day), 'Lineitem quantity': '2', 'Lineitem price': '3.00' }),
        );
      return [header, ...order('#1001', 'a@x.com', '01-05', '11.00', 'paid', 2), ...order('#1002', 'b@x.com', '02-07', '20.00', 'paid', 3), ...order('#1003', 'A@x.com', '03-09', '7.50', 'paid', 1), ...order('#1004', 'b@x.com', '03-10', '9.00', 'voided', 2)].join('\n') + '\n';
    };
    const dir = mkdtempSync(join(tmpdir(), 'clm-shopify-'));
    const utc = join(dir, 'orders_export_1.csv');
    writeFileSync(utc, lines(''));
    const args = ['customers', '--orders', utc, '--as-of', '2024-06-30', '--format', 'csv'];
    const streaming = await runClm([...args, '--engine', 'streaming']);
    const duck = await runClm([...args, '--engine', 'duckdb']);
    expect(streaming.code).toBe(0);
    expect(duck.code).toBe(0);
    expect(duck.stdout).toBe(streaming.stdout);
    expect(duck.stdout).toMatch(/a@x\.com,.*,2,/);
    const offset = join(dir, 'orders_export_2.csv');
    writeFileSync(offset, lines(' -0500'));
    const r = await runClm(['summary', '--orders', offset, '--engine', 'duckdb']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('in a form only the streaming engine reads');
  });
});

