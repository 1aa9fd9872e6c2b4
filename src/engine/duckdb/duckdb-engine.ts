/**
 * The DuckDB engine (issue 13): the orders → customers step run by embedded DuckDB
 * (`@duckdb/node-api`, an optional dependency loaded only inside read()) over a local CSV,
 * .csv.gz or Parquet file, with the SQL compiled from the rules (engine/sql/compile.ts), and
 * the same CustomerTable and reconciliation as the streaming engine. It refuses, rather than
 * differs: options the SQL cannot honour (`unsupported`), and files with values the SQL does
 * not read exactly (the `unread` outcome) or records DuckDB cannot split.
 */
import { installed } from '../optional.js';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClmError, DataError } from '../../domain/errors.js';
import { sourceInfo } from '../../io/input.js';
import { getPreset, mapColumns, type FileMapping } from '../../io/mapping.js';
import { recognisePreset } from '../../io/recognise-export.js';
import type { Engine } from '../engine.js';
import type { LoadedData, ReadSpec } from '../spec.js';
import { DIALECTS } from '../sql/dialects.js';
import { columnsOfMapping, joinsUnsupported, mappingUnsupported, sqlGrain, sqlUnsupported } from '../sql/support.js';
import { loadJoins, type LoadedJoins } from './joined-files.js';
import { compileParts, type CompileOptions } from '../sql/compile.js';
import { oneStatement, PartRows } from '../sql/one-statement.js';
import { readSummaries, type SqlReader } from '../sql/summaries.js';
import { csvSource, fileKind, parquetSource, positional, readHeader } from './source.js';
import { compileStages } from './stages.js';
import { StagedRun, type Connection } from './staged-run.js';


export const duckdbEngine: Engine = {
  name: 'duckdb',
  unsupported(spec) {
    if (!installed('@duckdb/node-api')) return 'DuckDB is not installed (the optional dependency @duckdb/node-api)';
    if (spec.stdin !== undefined && spec.orders === '-') return 'the orders come from stdin (DuckDB reads files)';
    return sqlUnsupported(spec, true);
  },
  read: readWithDuckDB,
};

/** DuckDB's memory when CLM_DUCKDB_MEMORY does not say: enough for 10M orders in memory, more spills to disk. */
const DEFAULT_MEMORY = '2GB';
/** DuckDB's limit, unless CLM_DUCKDB_MEMORY says, while clm fills the customer table's arrays: DuckDB gives back half while the table grows. */
const EXPORT_MEMORY = '1GB';

function refuse(spec: ReadSpec, why: string): ClmError {
  return new DataError(`the DuckDB engine cannot read this exactly: ${why}`, { file: spec.orders }, 'run it with --engine streaming (the default), which reads every input');
}

async function readWithDuckDB(input: ReadSpec): Promise<LoadedData> {
  let spec = input;
  const why = duckdbEngine.unsupported(spec);
  if (why) throw refuse(spec, why);
  if (spec.preset === undefined && fileKind(spec.orders) === 'csv') {
    const found = await recognisePreset({ orders: spec.orders, customers: spec.customers }, spec.encoding, spec.delimiter);
    for (const note of found.notes) spec.warn(note);
    if (found.preset) spec = { ...spec, preset: found.preset };
    // a recognised preset may read at a grain the SQL cannot (Shopify: line items)
    const presetWhy = sqlUnsupported(spec, true);
    if (presetWhy) throw refuse(spec, `${presetWhy} (preset ${spec.preset}, recognised from the header)`);
  }
  const preset = getPreset(spec.preset);
  let api: typeof import('@duckdb/node-api');
  try {
    api = await import('@duckdb/node-api');
  } catch (e) {
    throw refuse(spec, `DuckDB could not be loaded (${(e as Error).message.split('\n')[0]})`);
  }
  // file order is the order of the rows (a table created from a scan keeps it); DuckDB holds at most CLM_DUCKDB_MEMORY and
  // spills the rest to the system's temporary folder, never the working directory
  const instance = await api.DuckDBInstance.create(':memory:', {
    preserve_insertion_order: 'true',
    memory_limit: spec.duckdbMemory ?? DEFAULT_MEMORY,
    threads: String(Math.max(1, availableParallelism())),
    temp_directory: join(tmpdir(), `clm-duckdb-${process.pid}`),
  });
  const conn = (await instance.connect()) as unknown as Connection;
  try {
    const kind = fileKind(spec.orders);
    let headers: string[];
    let delimiter: Delimiter;
    let from: string;
    if (kind === 'parquet') {
      const cols = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${DIALECTS.duckdb.lit(spec.orders)})`);
      headers = cols.getColumnsJS()[0] as string[];
      delimiter = 44;
      from = parquetSource(spec.orders, headers);
    } else {
      const header = await readHeader(spec.orders, preset, spec.delimiter, spec.encoding);
      headers = header.headers;
      delimiter = header.delimiter;
      const source = csvSource(spec.orders, header);
      from = source.from;
      if (source.load) await run(conn, spec, source.load);
      if (source.checkFields) {
        const split = await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM clm_orders WHERE clm_fields <> ${headers.length}`);
        const [[bad]] = split.getRowsJS() as [[number]];
        if (bad > 0) throw refuse(spec, `${bad} rows do not have the header's ${headers.length} fields`);
      }
    }
    const mapping = mapColumns('orders', headers, preset, spec.map.orders, spec.orders);
    const missing = ['customer_id', 'order_date'].filter((f) => !mapping.fields.has(f));
    const paid = spec.payments !== undefined;
    if (missing.length > 0 || !(mapping.fields.has('amount') || mapping.fields.has('quantity') || paid)) {
      throw new DataError(`cannot find the ${[...missing, ...(mapping.fields.has('amount') ? [] : ['amount'])].join(' and ')} column in the orders file`, { file: spec.orders, line: 1 }, `pass --map FIELD=COLUMN${spec.preset ? '' : ' or a --preset'}`);
    }
    const grain = sqlGrain(spec, mapping);
    const unmappable = joinsUnsupported(spec, mapping, grain) ?? mappingUnsupported(mapping, grain, paid);
    if (unmappable) throw refuse(spec, unmappable);
    // the staged tables (stages.ts) are order grain; line grain runs the compiled queries over the rows kept in file order
    if (grain === 'line') return await readLines(conn, spec, mapping, headers, delimiter, from);
    const joins = await loadJoins(conn, spec, preset, (sql) => run(conn, spec, sql), (w) => refuse(spec, w));
    return await readMapped(conn, spec, mapping, headers, delimiter, from, joins);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function run(conn: Connection, spec: ReadSpec, sql: string): Promise<void> {
  try {
    for (const statement of sql.split(';\n')) await conn.run(statement);
  } catch (e) {
    throw failed(spec, e, 'DuckDB could not read the file');
  }
}

/** The error for a statement DuckDB failed: out of memory names the setting that gives it more. */
function failed(spec: ReadSpec, e: unknown, what: string): ClmError {
  const message = (e as Error).message.split('\n')[0];
  if (/out of memory/i.test(message)) {
    const limit = spec.duckdbMemory ?? DEFAULT_MEMORY;
    return new DataError(
      `the DuckDB engine ran out of the memory it may hold (${limit}${spec.duckdbMemory ? ', from CLM_DUCKDB_MEMORY' : ', its default'}): ${message}`,
      { file: spec.orders },
      'give it more with the environment variable CLM_DUCKDB_MEMORY (for example CLM_DUCKDB_MEMORY=4GB), or run it with --engine streaming',
    );
  }
  return refuse(spec, `${what} (${message})`);
}

type Delimiter = LoadedData['inputs'][number]['delimiter'];

/** The compile options every DuckDB read shares: positional columns, the header's text, the preset's and the run's rules. */
function compileOptions(spec: ReadSpec, mapping: FileMapping, headers: string[], delimiter: Delimiter, from: string): CompileOptions {
  const preset = getPreset(spec.preset);
  const names = positional(headers.length);
  return {
    dialect: DIALECTS.duckdb,
    from,
    columns: columnsOfMapping(mapping, (i) => names[i]),
    header: delimiter === 'whitespace' ? undefined : headers.map((text, i) => ({ column: names[i], text })),
    lowercaseIds: preset?.lowercaseIds,
    cancelPrefix: preset?.cancelPrefix,
    currency: spec.currency,
    asOf: spec.asOf,
    countStatus: spec.countStatus,
    excludeStatus: spec.excludeStatus,
  };
}

/** How the engine reads back: the label, the hint for rejected rows, the refusal. */
function readerOf(spec: ReadSpec, how: Pick<SqlReader, 'part'> & Partial<SqlReader>): SqlReader {
  return {
    spec,
    label: 'the DuckDB engine',
    what: 'file',
    rejectsHint: 'run with --engine streaming --rejects FILE to see each with its line',
    refuse: (why) => refuse(spec, why),
    ...how,
  };
}

/**
 * Line grain: the rows are kept once in a temporary table (its rowid is the row's place in the
 * file, preserve_insertion_order), and the compiled queries (engine/sql/line-grain.ts) run over
 * it as one statement, as in Postgres (each shared step computed once: one query per part took
 * 2.6x as long on UCI). Line-item exports are small next to order exports (UCI: 541,909 lines),
 * so the customers and ledger come back as rows of text ids, not through the stages.
 */
async function readLines(conn: Connection, spec: ReadSpec, mapping: FileMapping, headers: string[], delimiter: Delimiter, from: string): Promise<LoadedData> {
  await run(conn, spec, `CREATE TEMP TABLE clm_lines AS SELECT * FROM ${from}`);
  const parts = compileParts({ ...compileOptions(spec, mapping, headers, delimiter, '(SELECT rowid AS clm_row, * FROM clm_lines) AS clm_src'), rowOrder: 'clm_row', grain: 'line' });
  let rows: PartRows | undefined;
  const reader = readerOf(spec, {
    part: async (name) => {
      rows ??= await allParts(conn, spec, oneStatement(parts, ''));
      return rows.parts[name];
    },
  });
  const { joinedInputs: _, ...data } = await readSummaries(reader, mapping);
  return { ...data, inputs: [{ role: 'orders', source: sourceInfo(spec.orders), mapping, delimiter, rows: data.reconciliation.rowsRead }] };
}

/** Every part's rows from one statement over the shared steps (each step computed once), into their parts. */
async function allParts(conn: Connection, spec: ReadSpec, sql: string): Promise<PartRows> {
  const out = new PartRows();
  try {
    for (const row of (await conn.runAndReadAll(sql)).getRowsJS()) out.add(row);
  } catch (e) {
    throw failed(spec, e, 'the query failed');
  }
  return out;
}

async function readMapped(conn: Connection, spec: ReadSpec, mapping: FileMapping, headers: string[], delimiter: Delimiter, from: string, joins: LoadedJoins): Promise<LoadedData> {
  const stages = compileStages({ ...compileOptions(spec, mapping, headers, delimiter, from), joins: joins.names });
  const runner = new StagedRun(conn, stages, (e, what) => failed(spec, e, what), spec.duckdbMemory ? undefined : EXPORT_MEMORY);
  const reader = readerOf(spec, {
    part: (name) => runner.part(name),
    rows: (attributes) => runner.rows(attributes),
    joined: joins.files,
    extra: joins.extra,
  });
  const { joinedInputs, ...data } = await readSummaries(reader, mapping);
  return { ...data, inputs: [{ role: 'orders', source: sourceInfo(spec.orders), mapping, delimiter, rows: data.reconciliation.rowsRead }, ...joinedInputs] };
}
