/**
 * The customers and payments files as the DuckDB engine joins them (engine/sql/joins.ts): each
 * read by DuckDB under positional names, the customers kept once in a temporary table in file
 * order (its rowid: first rows of a key, the last person of an id, the prospects' order), and the
 * joined relations made temporary tables the stages read: clm_people, clm_records, clm_paid.
 */
import { DataError, type ClmError } from '../../domain/errors.js';
import { sourceInfo } from '../../io/input.js';
import { columnsFound, getPreset, mapColumns, type Preset } from '../../io/mapping.js';
import type { ReadSpec } from '../spec.js';
import type { ExtraPart } from '../sql/compile.js';
import { DIALECTS } from '../sql/dialects.js';
import type { JoinedFiles } from '../sql/joined-read.js';
import { CUSTOMERS_REPEATED, customersChecks, customersSteps, paymentsChecks, paymentsSteps, recordValues, type JoinNames } from '../sql/joins.js';
import { customerAttributes } from '../customer-attributes.js';
import type { Connection } from './staged-run.js';
import { csvSource, positional, readHeader } from './source.js';

const duck = DIALECTS.duckdb;

export interface LoadedJoins {
  files: JoinedFiles;
  names: JoinNames;
  extra(name: ExtraPart): Promise<unknown[][]>;
}

/** Loads the joined files of `spec` into DuckDB; `exec` runs a statement (its failure refuses), `all` reads a small result by columns. */
export async function loadJoins(
  conn: Connection,
  spec: ReadSpec,
  preset: Preset | undefined,
  exec: (sql: string) => Promise<void>,
  refuse: (why: string) => ClmError,
): Promise<LoadedJoins> {
  const files: JoinedFiles = {};
  const names: JoinNames = {};
  const queries = new Map<ExtraPart, string>();
  if (spec.customers !== undefined) {
    const path = spec.customers;
    const header = await readHeader(path, undefined, spec.delimiter, spec.encoding);
    if (header.delimiter === 'whitespace') throw refuse('a whitespace-separated customers file is read only by the streaming engine');
    const mapping = mapColumns('customers', header.headers, preset, spec.map.customers, path);
    const id = mapping.fields.get('customer_id');
    if (!id) throw new DataError('no customer id column in the customers file', { file: path, line: 1 }, `${columnsFound(header.headers)}; pass --map customers.customer_id=COLUMN`);
    const attrs = customerAttributes(header.headers, mapping);
    const cols = positional(header.headers.length);
    await exec(`CREATE TEMP TABLE clm_customers_file AS SELECT * FROM ${csvSource(path, header).from}`);
    const steps = customersSteps(duck, {
      from: '(SELECT rowid AS clm_row, * FROM clm_customers_file) AS clm_cust_src',
      rowOrder: 'clm_row',
      header: header.headers.map((text, i) => ({ column: cols[i], text })),
      id: cols[id.index],
      person: mapping.fields.has('person_key') ? cols[mapping.fields.get('person_key')!.index] : undefined,
      attributes: attrs.indexes.map((i) => cols[i]),
      lowercaseIds: preset?.lowercaseIds ?? false,
    });
    await exec(`CREATE TEMP TABLE clm_people AS WITH ${steps}\nSELECT * FROM people`);
    await exec(`CREATE TEMP TABLE clm_records AS WITH ${steps}\nSELECT * FROM records`);
    queries.set('customersChecks', `WITH ${steps},\n${CUSTOMERS_REPEATED}\n${customersChecks()}`);
    queries.set('records', `WITH records AS (SELECT * FROM clm_records)\n${recordValues(attrs.names.length)}`);
    names.people = 'clm_people';
    names.records = 'clm_records';
    files.customers = {
      path,
      headers: header.headers,
      idColumn: id.column,
      attributeNames: attrs.names,
      attributeColumns: attrs.indexes.map((i) => header.headers[i]),
      report: { role: 'customers', source: sourceInfo(path), mapping, delimiter: header.delimiter },
    };
  }
  if (spec.payments !== undefined) {
    const path = spec.payments;
    const header = await readHeader(path, undefined, spec.delimiter, spec.encoding);
    if (header.delimiter === 'whitespace') throw refuse('a whitespace-separated payments file is read only by the streaming engine');
    const mapping = mapColumns('payments', header.headers, preset ?? getPreset('olist'), spec.map.payments, path);
    const f = mapping.fields;
    if (!f.has('order_id') || (!f.has('amount') && !f.has('price'))) {
      throw new DataError('the payments file needs an order id and an amount (or price) column', { file: path, line: 1 }, `${columnsFound(header.headers)}; pass --map payments.order_id=COLUMN --map payments.amount=COLUMN`);
    }
    const cols = positional(header.headers.length);
    const col = (field: string): string | undefined => (f.has(field) ? cols[f.get(field)!.index] : undefined);
    const steps = paymentsSteps(duck, { from: csvSource(path, header).from, orderId: col('order_id')!, amount: col('amount'), price: col('price'), freight: col('freight') });
    await exec(`CREATE TEMP TABLE clm_paid AS WITH ${steps}\nSELECT * FROM paid`);
    queries.set('paymentsChecks', `WITH ${steps}\n${paymentsChecks(duck)}`);
    names.paid = 'clm_paid';
    files.payments = { path, report: { role: 'payments', source: sourceInfo(path), mapping, delimiter: header.delimiter } };
  }
  return {
    files,
    names,
    extra: async (name) => {
      const sql = queries.get(name);
      if (!sql) throw new Error(`the DuckDB engine has no part ${name}`);
      let r;
      try {
        r = await conn.runAndReadAll(sql);
      } catch (e) {
        throw refuse(`the query failed (${(e as Error).message.split('\n')[0]})`);
      }
      const c = r.getColumnsJS();
      return c.length === r.columnCount ? c : Array.from({ length: r.columnCount }, () => []);
    },
  };
}
