/**
 * The Postgres engine (issue 13): `--db postgres://…` (or CLM_DB) with `--orders TABLE` runs the
 * SQL compiled from the rules (engine/sql/compile.ts, postgres dialect) inside the database, in
 * a READ ONLY transaction with a statement timeout, and reads the summaries back through `pg`
 * (an optional dependency loaded only inside read()) with a cursor, batch by batch. It returns
 * the same CustomerTable and reconciliation as the streaming engine (engine/sql/summaries.ts).
 *
 * The table's columns are mapped as a file's header is (--map, presets, recognised exports) and
 * read under positional names, so no column name ever becomes SQL text; the table name is
 * quoted part by part. An ordinary table's physical row order (ctid: the load order of a table
 * loaded once) stands in for the file order; a view has none, so its customers come in id order
 * and a repeated order id keeps the earliest-dated row.
 *
 * The URL's password appears nowhere: every message from the driver goes through redact().
 */
import { installed } from '../optional.js';
import { ClmError, DataError, UsageError } from '../../domain/errors.js';
import { getPreset, mapColumns, type FileMapping } from '../../io/mapping.js';
import { recogniseHeader } from '../../io/recognise-export.js';
import type { Engine } from '../engine.js';
import type { LoadedData, ReadSpec } from '../spec.js';
import { compileParts, type CompiledParts } from '../sql/compile.js';
import type { JoinNames } from '../sql/joins.js';
import { DIALECTS, tableName } from '../sql/dialects.js';
import { readSummaries, type SqlReader } from '../sql/summaries.js';
import { columnsOfMapping, joinsUnsupported, mappingUnsupported, sqlGrain, sqlUnsupported } from '../sql/support.js';
import { joinedTables } from './joined-tables.js';
import { isPostgresUrl, redact, redactUrl } from './db-url.js';
import { oneStatement, PartRows } from '../sql/one-statement.js';

const pgd = DIALECTS.postgres;

/** --db-timeout when not given: seconds each statement may run. */
export const DEFAULT_DB_TIMEOUT = 300;
/** Rows fetched from a cursor at a time. */
const BATCH = 20_000;
/** pg's type ids: int8 is read as a bigint (the driver's default is a string). */
const INT8_OID = 20;

export const postgresEngine: Engine = {
  name: 'postgres',
  unsupported(spec) {
    if (spec.db === undefined) return 'no --db (the Postgres engine reads a table in a database)';
    if (!isPostgresUrl(spec.db)) return `--db ${redactUrl(spec.db)} is not a postgres:// or postgresql:// URL`;
    if (!installed('pg')) return 'the Postgres driver is not installed (the optional dependency pg: npm install pg)';
    const why = sqlUnsupported({ ...spec, encoding: undefined }, true);
    return why && why.replace('a file or a table', 'a table');
  },
  read: readWithPostgres,
};

type Client = import('pg').Client;

/** A driver error as people read it, with the URL and its password redacted. */
function driverMessage(e: unknown, url: string): string {
  const err = e as { message?: string; code?: string };
  return redact(String(err.message ?? e).split('\n')[0], url);
}

function refuse(spec: ReadSpec, why: string): ClmError {
  return new DataError(`the Postgres engine cannot read this exactly: ${why}`, { file: spec.orders }, 'export the table to a file and run clm on it (the streaming engine reads every input)');
}

type Run = (text: string, values?: unknown[]) => Promise<{ rows: unknown[][] }>;

async function readWithPostgres(input: ReadSpec): Promise<LoadedData> {
  const why = postgresEngine.unsupported(input);
  if (why) throw new UsageError(`--db cannot read this: ${why}`, 'run clm on an exported file instead');
  const url = input.db!;
  const where = redactUrl(url);
  const table = quotedTable(input.orders, '--orders');
  const { client, run } = await open(input, url, where);
  try {
    await run('BEGIN TRANSACTION READ ONLY');
    await run(`SET LOCAL statement_timeout = ${Math.round((input.dbTimeout ?? DEFAULT_DB_TIMEOUT) * 1000)}`);
    // timestamptz columns become text in UTC (+00), as the SQL reads them
    await run("SET LOCAL TimeZone = 'UTC'");
    // the joins are of whole steps whose sizes the planner guesses (a table never analysed: one
    // row), and a nested loop over such guesses runs for minutes where a hash join takes a second
    await run('SET LOCAL enable_nestloop = off');
    const { headers, relkind } = await describeTable(run, input, table, where);
    const { spec, mapping } = mapTable(input, headers);
    const grain = sqlGrain(spec, mapping);
    const joinWhy = joinsUnsupported(spec, mapping, grain);
    if (joinWhy) throw refuse(spec, joinWhy);
    if (spec.customers !== undefined && relkind !== 'r') throw refuse(spec, 'a customers table places its prospects after the customers of the orders in the orders\' row order, and a view or partitioned table has none (load the orders into a table)');
    const joined = await joinedTables(spec, (name, flag) => describeTable(run, { ...spec, orders: name }, quotedTable(name, flag), where).then((d) => ({ ...d, table: quotedTable(name, flag) })), where, (w) => refuse(spec, w));
    const parts = joined.compile(compileTable(spec, mapping, headers, relkind, table, joined.names));
    let rows: PartRows | undefined;
    const reader: SqlReader = {
      spec,
      label: 'the Postgres engine',
      what: 'table',
      rejectsHint: 'export the table and run clm on the file with --rejects FILE to see each',
      part: async (name) => {
        rows ??= await fetchAll(run, oneStatement(parts));
        return rows.parts[name];
      },
      refuse: (w) => refuse(spec, w),
      joined: joined.files,
      extra: async (name) => {
        rows ??= await fetchAll(run, oneStatement(parts));
        return rows.parts[name];
      },
    };
    const { joinedInputs, ...data } = await readSummaries(reader, mapping);
    return { ...data, inputs: [{ role: 'orders', source: { path: `${where} table ${spec.orders}`, bytes: undefined }, mapping, delimiter: 44, rows: data.reconciliation.rowsRead }, ...joinedInputs] };
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end().catch(() => {});
  }
}

/** --orders (or --customers, --payments) as a quoted Postgres name: TABLE or SCHEMA.TABLE, each part quoted. */
function quotedTable(name: string, flag: string): string {
  try {
    const parts = name.split('.').length;
    if (parts > 2) throw new Error(`it has ${parts} dotted parts (a name with a dot in it cannot be read by --db)`);
    return tableName(pgd, name);
  } catch (e) {
    throw new UsageError(`${flag} ${JSON.stringify(name)} is not a table name: ${(e as Error).message}`, 'name the table as TABLE or SCHEMA.TABLE');
  }
}

/** A connected client (the driver loaded here, only now) and how to run a statement on it: rows as arrays, int8 as bigint, errors redacted. */
async function open(spec: ReadSpec, url: string, where: string): Promise<{ client: Client; run: Run }> {
  let pg: typeof import('pg');
  try {
    const mod = (await import('pg')) as unknown as { default?: typeof import('pg') };
    pg = mod.default ?? (mod as unknown as typeof import('pg'));
  } catch (e) {
    throw new UsageError(`the Postgres driver could not be loaded (${driverMessage(e, url)})`, 'npm install pg');
  }
  const client = new pg.Client({ connectionString: url, application_name: 'clm', connectionTimeoutMillis: 15_000 });
  // a connection that drops later surfaces through the failing query, not as an unhandled event
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw new DataError(`cannot connect to ${where}: ${driverMessage(e, url)}`, {}, 'check --db (or CLM_DB): host, port, user, password and database');
  }
  const int8 = { getTypeParser: (oid: number, format?: string) => (oid === INT8_OID ? (v: string) => BigInt(v) : pg.types.getTypeParser(oid, format as 'text')) };
  const run: Run = async (text, values) => {
    try {
      return await client.query({ text, values, rowMode: 'array', types: int8 });
    } catch (e) {
      throw queryError(e, spec, url);
    }
  };
  return { client, run };
}

/** The table's column names in order (its header) and its kind (r: an ordinary table). */
async function describeTable(run: Run, spec: ReadSpec, table: string, where: string): Promise<{ headers: string[]; relkind: string }> {
  const rel = (await run('SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)', [table])).rows;
  if (rel.length === 0) throw new DataError(`there is no table or view ${JSON.stringify(spec.orders)} in ${where}`, {}, 'name it with --orders TABLE or SCHEMA.TABLE (each part as it is spelled in the database, case included)');
  const [schema, relname, relkind] = rel[0] as [string, string, string];
  const headers = (await run('SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position', [schema, relname])).rows.map((r) => r[0] as string);
  return { headers, relkind };
}

/** The mapping of the table's columns, as a file's header is mapped (--map, --preset, or an export recognised from the names). */
function mapTable(input: ReadSpec, headers: string[]): { spec: ReadSpec; mapping: FileMapping } {
  let spec = input;
  if (spec.preset === undefined) {
    const found = recogniseHeader('orders', headers);
    if (found) {
      spec = { ...spec, preset: found.preset };
      const presetWhy = sqlUnsupported(spec, true);
      if (presetWhy) throw refuse(spec, `${presetWhy} (preset ${spec.preset}, recognised from the columns)`);
    }
  }
  const mapping = mapColumns('orders', headers, getPreset(spec.preset), spec.map.orders, spec.orders);
  const lineItems = mapping.fields.has('quantity') && mapping.fields.has('unit_price');
  const paid = spec.payments !== undefined;
  const missing = ['customer_id', 'order_date', 'amount'].filter((f) => !mapping.fields.has(f) && !(f === 'amount' && (lineItems || paid)));
  const why = missing.length === 0 ? mappingUnsupported(mapping, sqlGrain(spec, mapping), paid) : null;
  if (why) throw refuse(spec, why);
  if (missing.length > 0) {
    throw new DataError(`cannot find the ${missing.join(' and ')} column in the orders table ${spec.orders} (its columns: ${headers.join(', ')})`, {}, `pass --map FIELD=COLUMN${spec.preset ? '' : ' or a --preset'}`);
  }
  return { spec, mapping };
}

/** The compiled queries over the table, its columns under positional names (no column name becomes SQL text but as a quoted name). */
function compileTable(spec: ReadSpec, mapping: FileMapping, headers: string[], relkind: string, table: string, joins: JoinNames): CompiledParts {
  const preset = getPreset(spec.preset);
  const names = headers.map((_, i) => `c${i}`);
  // an ordinary table's physical order (block, then line) is its load order; views and partitioned tables have none
  const ordered = relkind === 'r';
  const grain = sqlGrain(spec, mapping);
  if (grain === 'line' && !ordered) throw refuse(spec, 'line-item grain gathers the lines of an order in the rows\' order, and a view or partitioned table has none (load the rows into a table)');
  const rowOrder = ordered ? ROW_ORDER : 'CAST(NULL AS BIGINT)';
  const from = `(SELECT ${rowOrder} AS clm_row, ${headers.map((h, i) => `${pgd.ident(h)} AS ${pgd.ident(names[i])}`).join(', ')} FROM ${table}) AS clm_orders`;
  return compileParts({
    dialect: pgd,
    from,
    columns: columnsOfMapping(mapping, (i) => names[i]),
    rowOrder: ordered ? 'clm_row' : undefined,
    grain,
    header: headers.map((text, i) => ({ column: names[i], text })),
    lowercaseIds: preset?.lowercaseIds,
    cancelPrefix: preset?.cancelPrefix,
    currency: spec.currency,
    asOf: spec.asOf,
    countStatus: spec.countStatus,
    excludeStatus: spec.excludeStatus,
    joins,
  });
}

/** An ordinary table's row order: its physical place (block, then line), the load order of a table loaded once. */
export const ROW_ORDER = '((ctid::text::point)[0]::bigint * 65536 + (ctid::text::point)[1]::bigint)';

/** The rows of the one statement, fetched from a cursor BATCH rows at a time into their parts (never the whole result twice). */
async function fetchAll(run: Run, sql: string): Promise<PartRows> {
  const out = new PartRows();
  await run(`DECLARE clm_cursor NO SCROLL CURSOR FOR ${sql}`);
  for (;;) {
    const r = await run(`FETCH FORWARD ${BATCH} FROM clm_cursor`);
    for (const row of r.rows) out.add(row);
    if (r.rows.length < BATCH) break;
  }
  await run('CLOSE clm_cursor');
  return out;
}

/** A failed statement as people read it: the timeout by its flag, everything else with the driver's words, redacted. */
function queryError(e: unknown, spec: ReadSpec, url: string): ClmError {
  if (e instanceof ClmError) return e;
  const code = (e as { code?: string }).code;
  if (code === '57014') {
    return new DataError(`the query in Postgres ran longer than --db-timeout ${spec.dbTimeout ?? DEFAULT_DB_TIMEOUT} seconds and was cancelled`, { file: spec.orders }, 'raise --db-timeout SECONDS');
  }
  if (code === '42501') return new DataError(`Postgres refused to read ${spec.orders}: ${driverMessage(e, url)}`, {}, 'grant the --db user SELECT on the table');
  return refuse(spec, `Postgres stopped the query (${driverMessage(e, url)})`);
}
