/**
 * The DuckDB engine (issue 13): the orders → customers step run by embedded DuckDB
 * (`@duckdb/node-api`, an optional dependency loaded only inside read()) over a local CSV,
 * .csv.gz or Parquet file, with the SQL compiled from the rules (engine/sql/compile.ts), and
 * the same CustomerTable and reconciliation as the streaming engine. It refuses, rather than
 * differs: options the SQL cannot honour (`unsupported`), and files with values the SQL does
 * not read exactly (the `unread` outcome) or records DuckDB cannot split.
 */
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClmError, DataError } from '../../domain/errors.js';
import { sourceInfo } from '../../io/input.js';
import { getPreset, mapColumns, type FileMapping } from '../../io/mapping.js';
import { recognisePreset } from '../../io/recognise-export.js';
import type { Engine } from '../engine.js';
import { EXCLUSIONS, REJECTIONS } from '../rules.js';
import type { LoadedData, ReadSpec, Reconciliation } from '../spec.js';
import { compileOrders, type CompiledSql } from '../sql/compile.js';
import { customerKeyWarnings } from '../streaming/customers-checks.js';
import { DUPLICATE_WARN_SHARE } from '../streaming/read-orders.js';
import { amountsLookLikeThousands } from '../../io/values.js';
import { DIALECTS } from '../sql/dialects.js';
import { columnsOfMapping, mappingUnsupported, sqlUnsupported } from '../sql/support.js';
import { buildTable, type CustomerRows, type LedgerRows } from './table.js';
import { fileKind, loadCsvSql, loadParquetSql, positional, readHeader, ROW_COLUMN } from './source.js';

const require = createRequire(import.meta.url);

/** Whether @duckdb/node-api can be found (resolved, not loaded). */
function duckdbInstalled(): boolean {
  try {
    require.resolve('@duckdb/node-api');
    return true;
  } catch {
    return false;
  }
}

export const duckdbEngine: Engine = {
  name: 'duckdb',
  unsupported(spec) {
    if (!duckdbInstalled()) return 'DuckDB is not installed (the optional dependency @duckdb/node-api)';
    if (spec.stdin !== undefined && spec.orders === '-') return 'the orders come from stdin (DuckDB reads files)';
    return sqlUnsupported(spec);
  },
  read: readWithDuckDB,
};

type Connection = { run(sql: string): Promise<unknown>; runAndReadAll(sql: string): Promise<{ columnCount: number; getColumnsJS(): unknown[][]; getRowsJS(): unknown[][] }>; closeSync(): void };

function refuse(spec: ReadSpec, why: string): ClmError {
  return new DataError(`the DuckDB engine cannot read this exactly: ${why}`, { file: spec.orders }, 'run it with --engine streaming (the default), which reads every input');
}

async function readWithDuckDB(input: ReadSpec): Promise<LoadedData> {
  let spec = input;
  const why = duckdbEngine.unsupported(spec);
  if (why) throw refuse(spec, why);
  if (spec.preset === undefined && fileKind(spec.orders) === 'csv') {
    const found = await recognisePreset({ orders: spec.orders }, spec.encoding, spec.delimiter);
    for (const note of found.notes) spec.warn(note);
    if (found.preset) spec = { ...spec, preset: found.preset };
    // a recognised preset may read at a grain the SQL cannot (Shopify: line items)
    const presetWhy = sqlUnsupported(spec);
    if (presetWhy) throw refuse(spec, `${presetWhy} (preset ${spec.preset}, recognised from the header)`);
  }
  const preset = getPreset(spec.preset);
  let api: typeof import('@duckdb/node-api');
  try {
    api = await import('@duckdb/node-api');
  } catch (e) {
    throw refuse(spec, `DuckDB could not be loaded (${(e as Error).message.split('\n')[0]})`);
  }
  // file order is the order of the rows (rowid); what does not fit in memory spills to the system's temporary folder, never the working directory
  const instance = await api.DuckDBInstance.create(':memory:', { preserve_insertion_order: 'true', temp_directory: join(tmpdir(), `clm-duckdb-${process.pid}`) });
  const conn = (await instance.connect()) as unknown as Connection;
  try {
    const kind = fileKind(spec.orders);
    let headers: string[];
    let delimiter: LoadedData['inputs'][number]['delimiter'];
    if (kind === 'parquet') {
      const cols = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${DIALECTS.duckdb.lit(spec.orders)})`);
      headers = cols.getColumnsJS()[0] as string[];
      delimiter = 44;
      await run(conn, spec, loadParquetSql(spec.orders, headers));
    } else {
      const header = await readHeader(spec.orders, preset, spec.delimiter, spec.encoding);
      headers = header.headers;
      delimiter = header.delimiter;
      await run(conn, spec, loadCsvSql(spec.orders, header));
      const split = await conn.runAndReadAll(`SELECT count(*)::INTEGER, min(${ROW_COLUMN})::BIGINT FROM clm_orders WHERE clm_fields <> ${headers.length}`);
      const [[bad]] = split.getRowsJS() as [[number]];
      if (bad > 0) throw refuse(spec, `${bad} rows do not have the header's ${headers.length} fields`);
    }
    const mapping = mapColumns('orders', headers, preset, spec.map.orders, spec.orders);
    const missing = ['customer_id', 'order_date'].filter((f) => !mapping.fields.has(f));
    if (missing.length > 0 || !(mapping.fields.has('amount') || mapping.fields.has('quantity'))) {
      throw new DataError(`cannot find the ${[...missing, ...(mapping.fields.has('amount') ? [] : ['amount'])].join(' and ')} column in the orders file`, { file: spec.orders, line: 1 }, `pass --map FIELD=COLUMN${spec.preset ? '' : ' or a --preset'}`);
    }
    const unmappable = mappingUnsupported(mapping);
    if (unmappable) throw refuse(spec, unmappable);
    return await readMapped(conn, spec, mapping, headers, delimiter);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function run(conn: Connection, spec: ReadSpec, sql: string): Promise<void> {
  try {
    for (const statement of sql.split(';\n')) await conn.run(statement);
  } catch (e) {
    throw refuse(spec, `DuckDB could not read the file (${(e as Error).message.split('\n')[0]})`);
  }
}

async function query(conn: Connection, spec: ReadSpec, sql: string): Promise<unknown[][]> {
  try {
    const r = await conn.runAndReadAll(sql);
    const cols = r.getColumnsJS();
    // no rows: no column arrays either
    return cols.length === r.columnCount ? cols : Array.from({ length: r.columnCount }, () => []);
  } catch (e) {
    throw refuse(spec, `the query failed (${(e as Error).message.split('\n')[0]})`);
  }
}

/** The reconciliation from the rows per outcome; a row the SQL does not read stops the engine. */
function reconcile(spec: ReadSpec, outcome: string[], rows: bigint[]): Reconciliation {
  const rec: Reconciliation = { rowsRead: 0, orderRows: 0, refundRows: 0, excluded: new Map(), rejected: new Map(), orders: 0, refunds: 0, grain: 'order' };
  for (let i = 0; i < outcome.length; i++) {
    const n = Number(rows[i]);
    const o = outcome[i];
    rec.rowsRead += n;
    if (o === 'unread') throw refuse(spec, `${n} rows hold a date or amount in a form only the streaming engine reads (the SQL reads YYYY-MM-DD[ HH:MM[:SS]] and YYYYMMDD dates and plain-number amounts)`);
    if (o === 'order') {
      rec.orderRows += n;
      rec.orders += n;
    } else if (o === 'refund') {
      rec.refundRows += n;
      rec.refunds += n;
    } else if (o in EXCLUSIONS) rec.excluded.set(o, n);
    else if (o in REJECTIONS) rec.rejected.set(o, n);
    else throw new Error(`the DuckDB engine got an outcome it does not know: ${o}`);
  }
  if (rec.rowsRead === 0) throw new DataError('the orders file has a header but no rows', { file: spec.orders, line: 1 }, 'export it again with the orders included');
  const duplicates = rec.excluded.get('duplicate_order_id') ?? 0;
  if (duplicates / rec.rowsRead > DUPLICATE_WARN_SHARE) {
    // the streaming engine warns, or stops when they look like line items (read-orders.ts checkDuplicateShare)
    throw refuse(spec, `${duplicates} of ${rec.rowsRead} rows repeat an order id: whether they are line items the streaming engine decides`);
  }
  const rejected = [...rec.rejected].map(([r, n]) => `${n} ${REJECTIONS[r as keyof typeof REJECTIONS]}`);
  if (rejected.length > 0) spec.warn(`${spec.orders}: rows rejected: ${rejected.join(', ')}; the DuckDB engine does not list them: run with --engine streaming --rejects FILE to see each with its line`);
  return rec;
}

/** The errors and warnings about the whole file, as the streaming engine gives them: mixed currencies, unknown statuses, thousands points. */
async function fileChecks(conn: Connection, spec: ReadSpec, sql: CompiledSql, mapping: FileMapping): Promise<string[]> {
  const [currency, currencyRows] = (await query(conn, spec, `SELECT currency, row_count::BIGINT FROM (${sql.currencies}) q`)) as [string[], bigint[]];
  if (spec.currency === undefined && currency.length > 1) {
    const list = currency.map((c, i) => [c, Number(currencyRows[i])] as const).sort((a, b) => b[1] - a[1]);
    throw new DataError(
      `the orders are in more than one currency: ${list.map(([c, n]) => `${c} (${n} rows)`).join(', ')}`,
      { file: spec.orders, column: mapping.fields.get('currency')?.column },
      `analyse one currency per run: pass --currency ${list[0][0]}`,
    );
  }
  const [[three], [oneOrTwo]] = (await query(conn, spec, `SELECT three::INTEGER, one_or_two::INTEGER FROM (${sql.amountDecimals}) q`)) as [[number], [number]];
  const thousands = amountsLookLikeThousands([0, oneOrTwo, 0, three, 0], spec.orders, mapping.fields.get('amount')?.column ?? 'amount');
  if (thousands) spec.warn(thousands);
  const [status, statusRows] = (await query(conn, spec, `SELECT status, row_count::BIGINT FROM (${sql.unknownStatuses}) q`)) as [string[], bigint[]];
  if (status.length > 0) {
    const list = status.map((s, i) => [s, Number(statusRows[i])] as const).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([s, n]) => `${JSON.stringify(s)} (${n})`).join(', ');
    spec.warn(`orders with unrecognised status were excluded: ${list}; pass --count-status VALUE to count them or --exclude-status VALUE to silence this`);
  }
  return currency;
}

async function readMapped(conn: Connection, spec: ReadSpec, mapping: FileMapping, headers: string[], delimiter: LoadedData['inputs'][number]['delimiter']): Promise<LoadedData> {
  const preset = getPreset(spec.preset);
  const names = positional(headers.length);
  const wantCurrency = spec.currency?.trim().toUpperCase();
  const sql = compileOrders({
    dialect: DIALECTS.duckdb,
    from: 'clm_orders',
    columns: columnsOfMapping(mapping, (i) => names[i]),
    rowOrder: ROW_COLUMN,
    header: delimiter === 'whitespace' ? undefined : headers.map((text, i) => ({ column: names[i], text })),
    lowercaseIds: preset?.lowercaseIds,
    cancelPrefix: preset?.cancelPrefix,
    currency: spec.currency,
    asOf: spec.asOf,
    countStatus: spec.countStatus,
    excludeStatus: spec.excludeStatus,
  });
  const [outcome, outcomeRows] = (await query(conn, spec, `SELECT outcome, row_count::BIGINT FROM (${sql.outcomes}) q`)) as [string[], bigint[]];
  const rec = reconcile(spec, outcome, outcomeRows);
  const currency = await fileChecks(conn, spec, sql, mapping);
  if (rec.orders === 0) throw new DataError('no counted order in the orders file', { file: spec.orders }, 'check the status column and --as-of (clm summary --engine streaming says more)');
  const customers = (await query(conn, spec, `SELECT customer_id, first_row::BIGINT FROM (${sql.customers}) q ORDER BY first_row`)) as CustomerRows;
  const ledger = (await query(conn, spec, `SELECT customer_id, day::INTEGER, orders::INTEGER, amount_mills::BIGINT FROM (${sql.ledger}) q ORDER BY customer_id, day`)) as LedgerRows;
  const attrNames = (['channel', 'country'] as const).filter((a) => mapping.fields.has(a));
  const attributes = attrNames.length > 0 ? ((await query(conn, spec, `SELECT customer_id, channel, country FROM (${sql.attributes}) q`)) as [string[], (string | null)[], (string | null)[]]) : undefined;
  const table = buildTable(customers, ledger, attrNames, attributes);
  for (const w of customerKeyWarnings(table, spec.orders, mapping.fields.get('customer_id')?.column, undefined, preset?.lowercaseIds ?? false)) spec.warn(w);
  let last = -Infinity;
  for (let i = 0; i < table.size; i++) if (table.lastDay[i] > last) last = table.lastDay[i];
  return {
    table,
    asOf: spec.asOf ?? last,
    asOfSource: spec.asOf !== undefined ? (spec.asOfSource ?? 'flag') : 'data',
    currency: wantCurrency ?? (currency.length === 1 ? currency[0] : undefined),
    reconciliation: rec,
    inputs: [{ role: 'orders', source: sourceInfo(spec.orders), mapping, delimiter, rows: rec.rowsRead }],
    preset: preset?.name,
    threads: 1,
  };
}
