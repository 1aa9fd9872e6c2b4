import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { streamingEngine } from '../../../src/engine/engine.js';
import { duckdbEngine } from '../../../src/engine/duckdb/duckdb-engine.js';
import { runClm } from '../../helpers/run-clm.js';
import { plainRec, plainTable } from './agree.js';
import { statements } from '../sql/sql-parsers.js';

/** Hostile names run in DuckDB: the printed duckdb SQL, and the engine on a file whose header holds them. */
const NAMES = {
  table: 'orders"; DROP TABLE keep; --',
  order_id: "oid'); DELETE FROM keep; --",
  customer_id: 'cust" /* x',
  order_date: 'day */ ; --\n x',
  amount: 'amt""',
  status: "st'",
};

describe('hostile names, executed by DuckDB', () => {
  it('clm sql --dialect duckdb over a table with hostile names gives the rows it gives with plain names', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const q = (n: string): string => `"${n.replace(/"/g, '""')}"`;
    await c.run('CREATE TABLE keep AS SELECT 1 AS x');
    await c.run(`CREATE TABLE plain AS SELECT * FROM read_csv('fixtures/demo/orders.csv', all_varchar = true)`);
    await c.run(`CREATE TABLE ${q(NAMES.table)} AS SELECT order_id AS ${q(NAMES.order_id)}, customer_id AS ${q(NAMES.customer_id)}, order_date AS ${q(NAMES.order_date)}, amount AS ${q(NAMES.amount)}, status AS ${q(NAMES.status)} FROM plain`);
    const map = (n: Record<string, string>): string[] => ['order_id', 'customer_id', 'order_date', 'amount', 'status'].flatMap((f) => ['--map', `${f}=${n[f]}`]);
    const hostile = statements((await runClm(['sql', '--dialect', 'duckdb', '--table', NAMES.table, ...map(NAMES)])).stdout);
    const plain = statements((await runClm(['sql', '--dialect', 'duckdb', '--table', 'plain', ...map({ order_id: 'order_id', customer_id: 'customer_id', order_date: 'order_date', amount: 'amount', status: 'status' })])).stdout);
    for (let i = 0; i < 3; i++) {
      const h = (await c.runAndReadAll(hostile[i])).getRowsJS();
      const p = (await c.runAndReadAll(plain[i])).getRowsJS();
      expect(h).toEqual(p);
      expect(h.length).toBeGreaterThan(1);
    }
    expect((await c.runAndReadAll('SELECT count(*)::INTEGER FROM keep')).getRowsJS()).toEqual([[1]]);
    c.closeSync();
    db.closeSync();
  });

  it('the DuckDB engine on a file whose header holds hostile names agrees with the streaming engine', async () => {
    const demo = readFileSync('fixtures/demo/orders.csv', 'utf8').split('\n');
    const header = ['oid"; DROP', "cust' --", 'day /* x', 'amt;', 'cur', "st'\"", 'chan'].map((h) => `"${h.replace(/"/g, '""')}"`).join(',');
    const file = join(mkdtempSync(join(tmpdir(), 'clm-hostile-')), 'orders.csv');
    writeFileSync(file, [header, ...demo.slice(1)].join('\n'));
    const map = new Map([['order_id', 'oid"; DROP'], ['customer_id', "cust' --"], ['order_date', 'day /* x'], ['amount', 'amt;'], ['status', "st'\""], ['currency', 'cur'], ['channel', 'chan']]);
    const spec = { orders: file, map: { orders: map, customers: new Map(), payments: new Map() }, warn: () => {}, parallel: 'off' as const };
    const streaming = await streamingEngine.read(spec);
    const duck = await duckdbEngine.read(spec);
    expect(duck.table.size).toBe(1253);
    expect(plainTable(duck.table)).toEqual(plainTable(streaming.table));
    expect(plainRec(duck)).toEqual(plainRec(streaming));
  });
});
