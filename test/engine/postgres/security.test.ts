import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runClm } from '../../helpers/run-clm.js';
import { streamingEngine } from '../../../src/engine/engine.js';
import { postgresEngine } from '../../../src/engine/postgres/postgres-engine.js';
import { plainRec, plainTable } from '../duckdb/agree.js';
import { connect, csvRows, loadTable, q, useSchema } from './load.js';

/**
 * The Postgres engine's promises (issue 13): the password of --db appears nowhere (output,
 * errors, the report folder), a table or column name cannot change the SQL, the transaction
 * is read-only and the statement timeout holds.
 */
const SCHEMA = 'clm_secure';
const HOSTILE = { table: 'orders"; DROP TABLE keep; --', customer_id: "cust' --", order_date: 'day /* x', amount: 'amt;"', status: "st'\"", order_id: 'oid"); DELETE FROM keep; --' };
let url = '';
let password = '';
let client: pg.Client;

// no server (CI without CLM_TEST_PG_URL) fails every test here, never skips it
useSchema(SCHEMA, async (c, u) => {
  client = c;
  url = u;
  password = decodeURIComponent(new URL(url).password);
  expect(password.length).toBeGreaterThan(8);
  await client.query(`CREATE TABLE ${SCHEMA}.keep AS SELECT 1 AS x`);
  const demo = csvRows('fixtures/demo/orders.csv');
  await loadTable(client, `${SCHEMA}.demo`, demo.headers.map((name) => ({ name })), demo.rows);
  const hostile: Record<string, string> = { order_id: HOSTILE.order_id, customer_id: HOSTILE.customer_id, order_date: HOSTILE.order_date, amount: HOSTILE.amount, status: HOSTILE.status };
  await loadTable(client, `${SCHEMA}.${q(HOSTILE.table)}`, demo.headers.map((name) => ({ name: hostile[name] ?? name })), demo.rows);
  // a view whose reading writes: only a read-only transaction stops it
  await client.query(`CREATE TABLE ${SCHEMA}.written (x int);
    CREATE FUNCTION ${SCHEMA}.sneaky() RETURNS int LANGUAGE plpgsql AS $$ BEGIN INSERT INTO ${SCHEMA}.written VALUES (1); RETURN 1; END $$;
    CREATE VIEW ${SCHEMA}.writes AS SELECT d.*, ${SCHEMA}.sneaky() AS s FROM ${SCHEMA}.demo d`);
});

const withPassword = (u: string, pw: string): string => {
  const x = new URL(u);
  x.password = pw;
  return x.toString();
};

/** Every file under dir, as text. */
function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesOf(p) : [readFileSync(p, 'latin1')];
  });
}

describe('the password of --db appears nowhere', () => {
  it('a wrong password: the server says so, the password is not repeated', async () => {
    const wrong = 'Wr0ngSecret-7Q';
    const r = await runClm(['summary', '--db', withPassword(url, wrong), '--orders', `${SCHEMA}.demo`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('password authentication failed for user "postgres"');
    expect(r.stderr).toContain('postgres://postgres:***@127.0.0.1');
    expect(r.stderr + r.stdout).not.toContain(wrong);
  });

  it('an unreachable host (from CLM_DB): cannot connect, with the URL redacted', async () => {
    const r = await runClm(['summary', '--orders', 'shop.orders'], { env: { CLM_DB: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:1/postgres` } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('cannot connect to postgres://postgres:***@127.0.0.1:1/postgres');
    expect(r.stderr).toContain('ECONNREFUSED');
    expect(r.stderr + r.stdout).not.toContain(password);
  });

  it('a URL the driver cannot read: its error is redacted too', async () => {
    const r = await runClm(['summary', '--db', `postgres://postgres:${password}@127.0.0.1:99999999/postgres?sslmode=verify-full&password=${password}`, '--orders', 't']);
    expect(r.code).toBeGreaterThan(0);
    expect(r.stderr.length).toBeGreaterThan(10);
    expect(r.stderr + r.stdout).not.toContain(password);
  });

  it('a table that is not there: named, with the database redacted', async () => {
    const r = await runClm(['summary', '--db', url, '--orders', `${SCHEMA}.nope`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`there is no table or view "${SCHEMA}.nope" in postgres://postgres:***@127.0.0.1`);
    expect(r.stderr + r.stdout).not.toContain(password);
  });

  it('clm report --db: nothing in the folder, stdout or stderr holds the password', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'clm-pg-report-')), 'report');
    const r = await runClm(['report', '--db', url, '--orders', `${SCHEMA}.demo`, '--out', out, '--as-of', '2024-12-31']);
    expect(r.stderr).not.toContain(password);
    expect(r.code).toBe(0);
    const files = filesOf(out);
    expect(files.length).toBeGreaterThan(3);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(manifest)).toContain(`postgres://postgres:***@127.0.0.1`);
    for (const text of [r.stdout, ...files]) expect(text).not.toContain(password);
  });
});

describe('names from the user cannot change the SQL', () => {
  it('a table and columns named with quotes, semicolons and comments read as the plain table, and nothing else happens', async () => {
    const map = new Map(Object.entries({ order_id: HOSTILE.order_id, customer_id: HOSTILE.customer_id, order_date: HOSTILE.order_date, amount: HOSTILE.amount, status: HOSTILE.status }));
    const spec = (orders: string, m: Map<string, string>) => ({ orders, db: url, map: { orders: m, customers: new Map(), payments: new Map() }, warn: () => {} });
    const hostile = await postgresEngine.read(spec(`${SCHEMA}.${HOSTILE.table}`, map));
    const plain = await postgresEngine.read(spec(`${SCHEMA}.demo`, new Map()));
    const file = await streamingEngine.read({ ...spec('fixtures/demo/orders.csv', new Map()), db: undefined });
    expect(hostile.table.size).toBe(1253);
    expect(plainTable(hostile.table)).toEqual(plainTable(plain.table));
    expect(plainTable(hostile.table)).toEqual(plainTable(file.table));
    expect(plainRec(hostile)).toEqual(plainRec(file));
    expect((await client.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.keep`)).rows).toEqual([{ n: 1 }]);
  });

  it('a table name that tries to end the statement is only a name that is not there', async () => {
    for (const name of [`${SCHEMA}.keep; DROP TABLE keep`, `${SCHEMA}.keep -- x`, `${SCHEMA}.keep /* x */`, `${SCHEMA}.keep")`, `${SCHEMA}.keep" ; DELETE FROM "keep`]) {
      const r = await runClm(['summary', '--db', url, '--orders', name]);
      expect(r.code, name).toBe(3);
      expect(r.stderr).toContain('there is no table or view');
    }
    const dotted = await runClm(['summary', '--db', url, '--orders', `${SCHEMA}.keep; DROP TABLE ${SCHEMA}.keep`]);
    expect(dotted.code).toBe(2);
    expect(dotted.stderr).toContain('has 3 dotted parts');
    expect((await client.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.keep`)).rows).toEqual([{ n: 1 }]);
  });
});

describe('read-only, with a timeout', () => {
  it('a view whose reading writes is stopped by the read-only transaction', async () => {
    const r = await runClm(['summary', '--db', url, '--orders', `${SCHEMA}.writes`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('cannot execute INSERT in a read-only transaction');
    expect((await client.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.written`)).rows).toEqual([{ n: 0 }]);
  });

  it('--db-timeout cancels a statement that runs longer, naming the flag', async () => {
    const r = await runClm(['summary', '--db', url, '--orders', `${SCHEMA}.demo`, '--db-timeout', '0.001']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ran longer than --db-timeout 0.001 seconds');
    expect(r.stderr).toContain('raise --db-timeout');
  });

  it('--engine duckdb with --db is refused', async () => {
    const r = await runClm(['summary', '--db', url, '--orders', `${SCHEMA}.demo`, '--engine', 'duckdb']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('with --db the orders are a table in Postgres');
  });
});
