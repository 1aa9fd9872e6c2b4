import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { testPgUrl } from '../../helpers/pg-cluster.js';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import pg from 'pg';

/** A quoted Postgres name. */
export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A delimited file's (.gz: gzipped) header and rows as the tests load them into Postgres: every value text, an empty field NULL (as a warehouse holds it). */
export function csvRows(path: string): { headers: string[]; rows: (string | null)[][] } {
  const bytes = readFileSync(path);
  const records = parse((path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  const [headers, ...rest] = records;
  return { headers, rows: rest.map((r) => headers.map((_, i) => (r[i] === undefined || r[i] === '' ? null : r[i]))) };
}

/** A CDNOW log (whitespace-separated; its header line, when it has one, gives the column names). */
export function cdnowRows(path: string): { headers: string[]; rows: string[][] } {
  const rows = readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => l.split(/\s+/));
  if (/^[0-9]/.test(rows[0][0])) return { headers: ['customer_id', 'date', 'number_of_cds', 'dollar_value'], rows };
  return { headers: rows[0], rows: rows.slice(1) };
}

/**
 * Creates `table` (a quoted name) with these columns (text unless a type is given) holding the
 * rows in their order: inserted into a staging table, 50,000 rows per statement (unnest of one
 * text array per column, cast to the column's type), then written by one CREATE TABLE AS in
 * file order. A fresh table's physical order (ctid, the order the Postgres engine reads) is then
 * the file's: several INSERTs into the table itself may put a later row on an earlier page's
 * free space (seen on UCI, whose rows vary in length).
 */
export async function loadTable(client: pg.Client, table: string, columns: { name: string; type?: string }[], rows: (string | null)[][]): Promise<void> {
  const staging = 'clm_load_staging';
  await client.query(`DROP TABLE IF EXISTS ${staging}`);
  await client.query(`CREATE TEMP TABLE ${staging} (clm_n bigint, ${columns.map((c) => `${q(c.name)} ${c.type ?? 'text'}`).join(', ')})`);
  const casts = columns.map((c, i) => `CAST(u.c${i} AS ${c.type ?? 'text'})`).join(', ');
  const arrays = columns.map((_, i) => `$${i + 1}::text[]`).join(', ');
  const aliases = columns.map((_, i) => `c${i}`).join(', ');
  for (let at = 0; at < rows.length; at += 50_000) {
    const chunk = rows.slice(at, at + 50_000);
    await client.query(`INSERT INTO ${staging} SELECT ${at} + n, ${casts} FROM unnest(${arrays}) WITH ORDINALITY AS u(${aliases}, n)`, columns.map((_, i) => chunk.map((r) => r[i])));
  }
  await client.query(`CREATE TABLE ${table} AS SELECT ${columns.map((c) => q(c.name)).join(', ')} FROM ${staging} ORDER BY clm_n`);
  await client.query(`DROP TABLE ${staging}`);
}

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/**
 * A schema of the test server (helpers/pg-cluster.ts) for one test file: made afresh before its
 * tests, `setup` loads its tables, dropped after them. A failed setup fails every test of the
 * file, never skips it (CI without a server must fail).
 */
export function useSchema(schema: string, setup: (client: pg.Client, url: string) => Promise<void>): void {
  let client: pg.Client | undefined;
  let setupError: unknown;
  beforeAll(async () => {
    try {
      const url = await testPgUrl();
      client = await connect(url);
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
      await setup(client, url);
    } catch (e) {
      setupError = e;
    }
  }, 120_000);
  beforeEach(() => {
    if (setupError) throw setupError;
  });
  afterAll(async () => {
    await client?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client?.end();
  });
}
