import { basename } from 'node:path';
import { dayFromCivil, formatDay, parseIsoDay, type Day } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';
import type { ReviewLog } from '../domain/reviews.js';
import type { CliIO } from '../io/cli-io.js';
import { CONFIG_FILE, loadConfig, type LoadedConfig } from '../io/config.js';
import { readReviewsFile, type ReviewsFile } from '../io/read-reviews.js';
import { parseMapFlags } from '../io/mapping.js';
import { parseDelimiterFlag } from '../io/read-table.js';
import { REASONS } from '../engine/rules.js';
import { readOrders, threadsOption } from '../engine/engine.js';
import type { EngineChoice, LoadedData, ReadSpec } from '../engine/spec.js';
import { DateParser, parseDateFormatFlag } from '../io/values.js';
import { NO_DAY } from '../domain/customer-state.js';
import { delimiterName } from '../io/scanner.js';
import type { Format } from '../render/output.js';
import { refuseOutputOntoInput, type NamedPath } from '../io/same-file.js';
import { tableOf, type Cell, type ResultTable } from '../render/result.js';

/** Options every data command shares (commander's camelCase names). */
export interface InputFlags {
  config?: string;
  /** A directory of summary tables instead of the orders (domain/summaries.ts; app/summaries-support.ts says which commands read them). */
  summaries?: string;
  reviews?: string;
  orders?: string;
  customers?: string;
  payments?: string;
  preset?: string;
  map?: string[];
  delimiter?: string;
  encoding?: string;
  dateFormat?: string;
  decimalComma?: boolean;
  timezone?: string;
  currency?: string;
  asOf?: string;
  rejects?: string;
  strict?: boolean;
  threads?: string;
  grain?: string;
  countStatus?: string[];
  excludeStatus?: string[];
  engine?: string;
  db?: string;
  dbTimeout?: string;
}

export interface OutputFlags {
  format?: string;
  table?: string;
  output?: string;
  color?: boolean;
  quiet?: boolean;
}

export function resolveAsOf(text: string | undefined, io: CliIO): { day: Day | undefined; source?: 'flag' | 'today' } {
  if (text === undefined) return { day: undefined };
  if (text.toLowerCase() === 'today') {
    const now = io.now();
    return { day: dayFromCivil(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()), source: 'today' };
  }
  const day = parseIsoDay(text);
  if (day === undefined) throw new UsageError(`--as-of ${JSON.stringify(text)} is not a date`, 'use YYYY-MM-DD or today');
  return { day, source: 'flag' };
}

/**
 * The input flags with the config's values filled in where no flag was given (flags win;
 * --map entries of the config come first, so a --map flag for the same field wins).
 */
export function withConfig(flags: InputFlags, loaded: LoadedConfig | undefined): InputFlags {
  if (!loaded) return flags;
  const c = loaded.config;
  const map: string[] = [];
  for (const kind of ['orders', 'customers', 'payments', 'reviews'] as const) {
    for (const [field, column] of Object.entries(c.mapping?.[kind] ?? {})) map.push(`${kind}.${field}=${column}`);
  }
  return {
    ...flags,
    orders: flags.orders ?? c.inputs?.orders,
    customers: flags.customers ?? c.inputs?.customers,
    payments: flags.payments ?? c.inputs?.payments,
    reviews: flags.reviews ?? c.inputs?.reviews,
    preset: flags.preset ?? c.preset,
    map: [...map, ...(flags.map ?? [])],
    currency: flags.currency ?? c.currency,
    timezone: flags.timezone ?? c.timezone,
    dateFormat: flags.dateFormat ?? c.date_format,
    decimalComma: flags.decimalComma ?? c.decimal_comma,
    engine: flags.engine ?? c.engine,
    // flags add to the config's statuses (each names its own)
    countStatus: [...(c.count_status ?? []), ...(flags.countStatus ?? [])],
    excludeStatus: [...(c.exclude_status ?? []), ...(flags.excludeStatus ?? [])],
  };
}

export function toReadSpec(flags: InputFlags, io: CliIO, warn: (m: string) => void): ReadSpec {
  if (!flags.orders) {
    if (flags.db ?? io.env.CLM_DB) throw new UsageError('--orders TABLE is required with --db', 'name the orders table, for example --orders shop.orders');
    throw new UsageError('--orders FILE is required', `name the orders export, for example --orders orders.csv (or - for stdin), or set inputs.orders in ${CONFIG_FILE}`);
  }
  let delimiter;
  if (flags.delimiter !== undefined) {
    delimiter = parseDelimiterFlag(flags.delimiter);
    if (delimiter === undefined) throw new UsageError(`--delimiter ${JSON.stringify(flags.delimiter)} is not one character`, 'use , ; | tab or whitespace');
  }
  let grain: 'order' | 'line' | undefined;
  if (flags.grain !== undefined) {
    if (flags.grain !== 'order' && flags.grain !== 'line') throw new UsageError(`--grain must be order or line, not ${JSON.stringify(flags.grain)}`);
    grain = flags.grain;
  }
  const asOf = resolveAsOf(flags.asOf, io);
  return {
    orders: flags.orders,
    customers: flags.customers,
    payments: flags.payments,
    preset: flags.preset,
    map: parseMapFlags(flags.map ?? []),
    delimiter,
    encoding: flags.encoding,
    dateOrder: flags.dateFormat ? parseDateFormatFlag(flags.dateFormat) : undefined,
    decimalComma: flags.decimalComma ?? false,
    timezone: flags.timezone,
    currency: flags.currency,
    asOf: asOf.day,
    asOfSource: asOf.source,
    rejectsFile: flags.rejects,
    strict: flags.strict ?? false,
    grain,
    countStatus: splitList(flags.countStatus),
    excludeStatus: splitList(flags.excludeStatus),
    stdin: io.stdin,
    warn,
    parallel: threadsOption(flags.threads, io.env),
    engine: engineChoice(flags.engine),
    db: flags.db ?? (io.env.CLM_DB || undefined),
    dbTimeout: dbTimeout(flags.dbTimeout),
    duckdbMemory: duckdbMemory(io.env.CLM_DUCKDB_MEMORY),
  };
}

/** CLM_DUCKDB_MEMORY: an amount of memory as DuckDB reads it (500MB, 2GB, 1.5GiB); unset: the engine's default. */
function duckdbMemory(text: string | undefined): string | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const t = text.trim();
  if (!/^[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(t)) {
    throw new UsageError(`CLM_DUCKDB_MEMORY must be an amount of memory like 2GB or 500MB, not ${JSON.stringify(text)}`, 'set it to the most memory DuckDB may hold, for example CLM_DUCKDB_MEMORY=2GB');
  }
  return t;
}

function engineChoice(text: string | undefined): EngineChoice | undefined {
  if (text === undefined) return undefined;
  if (text !== 'auto' && text !== 'streaming' && text !== 'duckdb') throw new UsageError(`--engine must be auto, streaming or duckdb, not ${JSON.stringify(text)}`);
  return text;
}

function dbTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new UsageError(`--db-timeout ${JSON.stringify(text)} is not a number of seconds`, 'use a number of seconds between 1 and 86400, e.g. --db-timeout 600');
  return n;
}

function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}

export function loadData(flags: InputFlags, io: CliIO, warn: (m: string) => void): Promise<LoadedData> {
  return loadInputs(flags, io, warn).then((x) => x.data);
}

export interface Inputs {
  data: LoadedData;
  config: LoadedConfig | undefined;
  /** Reviews of --reviews, mapped to customers of the table. */
  reviews?: ReviewLog;
  /** Customers listed in the customers file (1), when one was read. */
  listed?: Uint8Array;
  /** Their signup day (NO_DAY when unknown): a listed customer is a prospect from that day. */
  listedSince?: Int32Array;
  /** Says what the run is doing now (the spinner's text), when someone watches. */
  progress?: (text: string) => void;
}

/** Reads the config (when there is one) and the inputs it and the flags name. */
/** The files a command writes (--output, --rejects) and the input flags they must not be. */
const OUTPUT_FLAGS = [['--output', 'output'], ['--rejects', 'rejects']] as const;
const INPUT_FLAGS = [['--orders', 'orders'], ['--customers', 'customers'], ['--payments', 'payments'], ['--reviews', 'reviews'], ['--spend', 'spend'], ['--summary', 'summary'], ['--survivors', 'survivors'], ['--renewals', 'renewals'], ['--config', 'config']] as const;

/** Refuses --output or --rejects onto any input file the flags (or the config's inputs) name. */
export function checkOutputs(flags: Record<string, unknown>): void {
  const named = (list: readonly (readonly [string, string])[]): NamedPath[] =>
    list.map(([flag, key]) => ({ flag, path: typeof flags[key] === 'string' ? (flags[key] as string) : undefined }));
  refuseOutputOntoInput(named(OUTPUT_FLAGS), named(INPUT_FLAGS));
}

export async function loadInputs(flags: InputFlags, io: CliIO, warn: (m: string) => void): Promise<Inputs> {
  const config = loadConfig(io.cwd, flags.config);
  const merged = withConfig(flags, config);
  // the config's inputs too (resolved beside the config file), and the config itself
  if (config) checkOutputs({ ...flags, ...merged, config: config.path } as Record<string, unknown>);
  const opts = toReadSpec(merged, io, warn);
  let reviewsFile: ReviewsFile | undefined;
  if (merged.reviews) {
    if (merged.reviews === '-' && opts.orders === '-') throw new UsageError('only one input can come from stdin (`-`)');
    reviewsFile = await readReviewsFile({
      path: merged.reviews,
      stdin: io.stdin,
      encoding: opts.encoding,
      delimiter: opts.delimiter,
      dateOrder: opts.dateOrder,
      timezone: opts.timezone,
      map: opts.map.reviews ?? new Map(),
      warn,
    });
    opts.reviews = reviewsFile.byOrder;
  }
  const data = await readOrders(opts);
  if (reviewsFile) {
    data.inputs.push({ role: 'reviews', source: reviewsFile.source, mapping: reviewsFile.mapping, delimiter: reviewsFile.delimiter, rows: reviewsFile.rows });
    const matched = data.reviews?.customer.length ?? 0;
    const unmatched = reviewsFile.byOrder.size - matched;
    if (unmatched > 0) warn(`${unmatched.toLocaleString('en-US')} of ${reviewsFile.byOrder.size.toLocaleString('en-US')} reviewed orders are not counted orders of the orders file (cancelled, excluded or missing); their reviews are not used`);
    const skippedRows = [...reviewsFile.skipped].filter(([k]) => k !== 'older_review_of_order');
    if (skippedRows.length > 0) warn(`reviews not used: ${skippedRows.map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`).join(', ')}`);
  }
  return { data, config, listed: data.listed, listedSince: signupDays(data, opts), reviews: data.reviews, progress: io.progress };
}

/** Signup days from the customers file's signup_date, when mapped; unparseable ones are unknown. */
function signupDays(data: LoadedData, opts: ReadSpec): Int32Array | undefined {
  const a = data.table.attributeNames.indexOf('signup_date');
  if (a < 0 || !data.listed) return undefined;
  const parser = new DateParser(opts.dateOrder, opts.timezone);
  const values = data.table.attributes[a];
  const out = new Int32Array(data.table.size).fill(NO_DAY);
  for (let i = 0; i < out.length; i++) {
    const v = values[i];
    if (v === undefined) continue;
    const d = parser.parseText(v);
    if (Number.isFinite(d)) out[i] = d;
  }
  return out;
}

export function resolveFormat(flags: OutputFlags, io: CliIO): Format {
  const f = (flags.format ?? 'auto').toLowerCase();
  if (f === 'auto') return flags.output ? formatFromExtension(flags.output) : io.stdoutIsTTY ? 'table' : 'csv';
  if (f === 'table' || f === 'csv' || f === 'tsv' || f === 'json' || f === 'ndjson' || f === 'md' || f === 'arrow') {
    if (flags.output) checkExtensionAgrees(flags.output, f);
    // binary on a terminal is noise (and can garble it): a file or a pipe only
    if (f === 'arrow' && !flags.output && io.stdoutIsTTY) throw new UsageError('--format arrow writes binary Arrow IPC, not text for a terminal', 'pipe it (| python ...) or write a file: --output out.arrow');
    return f;
  }
  throw new UsageError(`--format ${JSON.stringify(flags.format)} is not a format`, 'use auto, table, csv, tsv, json, ndjson, md or arrow');
}

/** Extensions --output understands; a file with none (or a device) is CSV. */
const EXTENSION_FORMATS: Record<string, Format> = { csv: 'csv', txt: 'csv', tsv: 'tsv', tab: 'tsv', json: 'json', ndjson: 'ndjson', jsonl: 'ndjson', md: 'md', markdown: 'md', arrow: 'arrow', feather: 'arrow', arrows: 'arrow', ipc: 'arrow' };

/**
 * The format an --output file's extension names (`.jsonl` is NDJSON); an extension clm cannot
 * write (`.xlsx`, `.parquet`) is a usage error, never CSV under a name that promises otherwise.
 */
function formatFromExtension(path: string): Format {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return 'csv';
  const ext = name.slice(dot + 1).toLowerCase();
  const f = EXTENSION_FORMATS[ext];
  if (f) return f;
  throw new UsageError(
    `--output ${path}: clm does not write .${ext} files`,
    ext === 'xlsx' ? 'clm report --out DIR writes report.xlsx; for one table use --output FILE.csv' : 'use .csv, .tsv, .json, .ndjson (.jsonl), .md or .arrow, or set --format',
  );
}

/**
 * `-o seg.json --format csv` would write CSV under a name that promises JSON: a usage error.
 * A name with no extension, an unknown one or `.txt` (any text) takes the --format given.
 */
function checkExtensionAgrees(path: string, format: Format): void {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return;
  const ext = name.slice(dot + 1).toLowerCase();
  // a spreadsheet name never gets text, whatever --format says
  if (ext === 'xlsx' || ext === 'xls') formatFromExtension(path);
  const named = EXTENSION_FORMATS[ext];
  if (named === undefined || ext === 'txt' || named === format) return;
  throw new UsageError(`--output ${path} names a .${ext} file but --format is ${format}`, `drop --format (the extension decides), or name the file .${Object.keys(EXTENSION_FORMATS).find((e) => EXTENSION_FORMATS[e] === format) ?? format}`);
}

/** The context every result carries (json meta, terminal header). */
export function dataMeta(data: LoadedData, command: string): Record<string, unknown> {
  return {
    command,
    as_of: formatDay(data.asOf),
    as_of_source: data.asOfSource,
    orders_pass_threads: data.threads,
    // the streaming engine is the default and is not named (outputs stay as they were)
    ...(data.engine && data.engine.name !== 'streaming' ? { engine: data.engine.name, engine_why: data.engine.why } : {}),
    currency: data.currency ?? null,
    preset: data.preset ?? null,
    inputs: data.inputs.map((i) => ({
      role: i.role,
      path: i.source.path,
      bytes: i.source.bytes ?? null,
      rows: i.rows,
      delimiter: delimiterName(i.delimiter),
      mapping: Object.fromEntries([...i.mapping.fields.values()].map((f) => [f.field, f.column])),
    })),
    reconciliation: reconciliationObject(data),
  };
}

export function dataContext(data: LoadedData): string[] {
  const asOfWhy = data.asOfSource === 'data' ? 'latest order in the data' : data.asOfSource === 'today' ? 'today' : '--as-of';
  const lines = [`as of ${formatDay(data.asOf)} (${asOfWhy})${data.currency ? ` · currency ${data.currency}` : ''}${data.preset ? ` · preset ${data.preset}` : ''}`];
  for (const i of data.inputs) lines.push(`${i.role}: ${i.source.path} (${i.rows.toLocaleString('en-US')} rows)`);
  if (data.engine && data.engine.name !== 'streaming') lines.push(`read by the ${data.engine.name} engine (${data.engine.why})`);
  else if (data.threads === 2) lines.push(`orders read on two threads (${data.engine?.why ?? '--threads 2'})`);
  return lines;
}

function reconciliationObject(data: LoadedData): Record<string, unknown> {
  const r = data.reconciliation;
  return {
    rows_read: r.rowsRead,
    order_rows: r.orderRows,
    refund_rows: r.refundRows,
    orders: r.orders,
    refunds: r.refunds,
    excluded: Object.fromEntries(r.excluded),
    rejected: Object.fromEntries(r.rejected),
  };
}

/** Rows read = used + excluded by reason + rejected by reason (spec §1.4). */
export function reconciliationTable(data: LoadedData): ResultTable {
  const r = data.reconciliation;
  const rows: Cell[][] = [];
  rows.push(['read', 'rows read', r.rowsRead, null]);
  rows.push(['used', r.grain === 'line' ? 'order lines' : 'orders', r.orderRows, r.orders]);
  rows.push(['used', 'refunds', r.refundRows, r.refunds]);
  for (const [k, n] of [...r.excluded].sort()) rows.push(['excluded', REASONS[k] ?? k, n, null]);
  for (const [k, n] of [...r.rejected].sort()) rows.push(['rejected', REASONS[k] ?? k, n, null]);
  const accounted = r.orderRows + r.refundRows + sum(r.excluded) + sum(r.rejected);
  rows.push(['check', accounted === r.rowsRead ? 'every row accounted for' : 'ROWS UNACCOUNTED FOR', accounted, null]);
  return tableOf('reconciliation', 'Reconciliation (rows of the orders file)', [
    { name: 'bucket', type: 'string' },
    { name: 'reason', type: 'string' },
    { name: 'rows', type: 'int' },
    { name: 'orders', type: 'int' },
  ], rows);
}

export function mappingTable(data: LoadedData): ResultTable {
  const rows: Cell[][] = [];
  for (const i of data.inputs) {
    for (const f of i.mapping.fields.values()) rows.push([i.role, f.field, f.column, f.how]);
  }
  return tableOf('mapping', 'Column mapping used', [
    { name: 'file', type: 'string' },
    { name: 'field', type: 'string' },
    { name: 'column', type: 'string', fromInput: true },
    { name: 'matched_by', type: 'string' },
  ], rows);
}

function sum(m: Map<string, number>): number {
  let s = 0;
  for (const v of m.values()) s += v;
  return s;
}
