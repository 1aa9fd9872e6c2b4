import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresEngine } from '../../../src/engine/postgres/postgres-engine.js';
import { readCustomerState } from '../../../src/engine/streaming/read-orders.js';
import type { ReadSpec } from '../../../src/engine/spec.js';
import { expectAgreement, expectJoinAgreement, OLIST } from '../duckdb/agree.js';
import { csvRows, loadTable, q, useSchema } from './load.js';

/**
 * The Postgres engine joins `--customers TABLE` and `--payments TABLE` (Olist) as the streaming
 * engine joins the files: each Olist set loaded into tables in file order, read with --db and
 * compared with the streaming engine on the files.
 */
const SCHEMA = 'clm_olist';
/** A table name no SQL text may come from: quotes, a semicolon, a comment. */
const HOSTILE = 'cust"; DROP TABLE x; --';
let url = '';
let client: pg.Client;

useSchema(SCHEMA, async (c, u) => {
  client = c;
  url = u;
  for (const [name, files] of Object.entries(OLIST)) {
    const t = name.replace('-', '_');
    for (const role of ['orders', 'customers', 'payments'] as const) {
      const { headers, rows } = csvRows(files[role]);
      await loadTable(client, `${SCHEMA}.${t}_${role}`, headers.map((h) => ({ name: h })), rows);
    }
  }
  await client.query(`CREATE TABLE ${SCHEMA}.${q(HOSTILE)} AS SELECT * FROM ${SCHEMA}.olist_4k_customers`);
  await client.query(`CREATE VIEW ${SCHEMA}.customers_view AS SELECT * FROM ${SCHEMA}.olist_4k_customers`);
  await client.query(`CREATE VIEW ${SCHEMA}.payments_view AS SELECT * FROM ${SCHEMA}.olist_4k_payments`);
});

function spec(files: { orders: string; customers?: string; payments?: string }, more: Partial<ReadSpec> = {}): ReadSpec {
  return { ...files, preset: 'olist', map: { orders: new Map(), customers: new Map(), payments: new Map() }, warn: () => {}, parallel: 'off', ...more };
}

const tables = (t: string, customers = `${SCHEMA}.${t}_customers`, payments = `${SCHEMA}.${t}_payments`) => ({ orders: `${SCHEMA}.${t}_orders`, customers, payments });

describe('Postgres joins the Olist customers and payments tables as the streaming engine joins the files', () => {
  for (const [name, files] of Object.entries(OLIST)) {
    it(`${name}: the same customers (persons), prospects, attributes, cents and reconciliation`, async () => {
      const warnedP: string[] = [];
      const warnedS: string[] = [];
      const p = await postgresEngine.read(spec(tables(name.replace('-', '_')), { db: url, warn: (m) => void warnedP.push(m) }));
      const s = await readCustomerState(spec(files, { warn: (m) => void warnedS.push(m) }));
      expectAgreement(p, s);
      expectJoinAgreement(p, s);
      // the warnings name the tables where the streaming engine names the files
      expect(warnedP.length).toBe(warnedS.length);
      expect(p.inputs.map((i) => i.role)).toEqual(['orders', 'customers', 'payments']);
      expect(JSON.stringify(p.inputs)).not.toContain(new URL(url).password);
    }, 120_000);
  }

  it('a customers table under a hostile name is quoted (read, never run); a payments view is summed; a customers view is refused with the reason', async () => {
    const s = await readCustomerState(spec(OLIST['olist-4k']));
    const hostile = await postgresEngine.read(spec(tables('olist_4k', `${SCHEMA}.${HOSTILE}`, `${SCHEMA}.payments_view`), { db: url }));
    expectAgreement(hostile, s);
    await expect(postgresEngine.read(spec(tables('olist_4k', `${SCHEMA}.customers_view`), { db: url }))).rejects.toThrow(/view or partitioned table/);
    const password = new URL(url).password;
    const missing = await postgresEngine.read(spec(tables('olist_4k', `${SCHEMA}.nope`), { db: url })).catch((e: Error) => e);
    expect(String((missing as Error).message)).toMatch(/no table or view/);
    expect(JSON.stringify(missing)).not.toContain(password);
    await expect(postgresEngine.read(spec(tables('olist_4k', 'a.b.c'), { db: url }))).rejects.toThrow(/--customers "a.b.c" is not a table name/);
  }, 120_000);
});
