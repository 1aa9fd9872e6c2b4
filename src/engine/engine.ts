/**
 * The engine seam: one door from the orders to one record per customer. An engine takes a
 * ReadSpec and returns a LoadedData (engine/spec.ts); `unsupported` says, in words, why it
 * cannot honour a spec exactly, so a chooser (`--engine auto`, issue 13) can say why it chose.
 * Commands reach the heavy step only through `readOrders` here.
 */
import { compactLedger } from '../domain/ledger.js';
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { DataError, UsageError } from '../domain/errors.js';
import { duckdbEngine } from './duckdb/duckdb-engine.js';
import { fileKind } from './duckdb/source.js';
import { postgresEngine } from './postgres/postgres-engine.js';
import type { LoadedData, ReadSpec } from './spec.js';
import { readCustomerState } from './streaming/read-orders.js';
import { traceMark } from '../io/trace.js';

export { threadsOption } from './streaming/read-orders.js';

export interface Engine {
  readonly name: string;
  /** Why this engine cannot read `spec` exactly, or null when it can. */
  unsupported(spec: ReadSpec): string | null;
  read(spec: ReadSpec): Promise<LoadedData>;
}

/** The streaming JS reader (engine/streaming/): any delimited file, gzip or stream; every option. */
export const streamingEngine: Engine = {
  name: 'streaming',
  unsupported: (spec) => (spec.orders !== '-' && fileKind(spec.orders) === 'parquet' ? 'it reads delimited text, not Parquet' : null),
  read: readCustomerState,
};

/**
 * The engines `auto` chooses from, in order: the streaming engine reads every delimited file
 * and stream with every option; DuckDB reads what it cannot (Parquet). On big plain files the
 * streaming engine reads on two threads (see twoThreads): measured at 10M orders on three id
 * shapes, that is as fast as the DuckDB query a DuckDB user writes for the same work, at a
 * third of its memory, while the DuckDB engine's exact rules (every value checked as the
 * streaming engine checks it, file order for duplicates) make it slower than both
 * (bench/RESULTS.md), so auto does not pick it for delimited files.
 */
export const ENGINES: readonly Engine[] = [streamingEngine, duckdbEngine];

/** Plain files from this size are read on two threads by `auto` (unless --threads says otherwise). */
export const AUTO_TWO_THREADS_BYTES = 128 << 20;

/**
 * Why `auto` reads this spec's orders on two threads, or undefined: a plain (not gzip) file of
 * AUTO_TWO_THREADS_BYTES or more, on a machine with two cores or more, with no --threads or
 * CLM_THREADS. The reader still reads on one thread, silently, when the file does not qualify
 * (parallel-orders.ts: line grain, --rejects, a duplicate id across the halves...).
 */
export function twoThreads(spec: ReadSpec, cores = availableParallelism()): string | undefined {
  if (spec.parallel !== undefined || spec.orders === '-' || cores < 2 || /\.gz$/i.test(spec.orders)) return undefined;
  let bytes: number;
  try {
    bytes = statSync(spec.orders).size;
  } catch {
    return undefined;
  }
  if (bytes < AUTO_TWO_THREADS_BYTES) return undefined;
  return `a plain file of ${(bytes / 2 ** 20).toFixed(0)} MB: two threads, about 1.8x faster than one for 20-50 MB more memory; --threads 1 holds less`;
}

/** Every engine by its --engine name. */
export const NAMED_ENGINES: Readonly<Record<'streaming' | 'duckdb', Engine>> = { streaming: streamingEngine, duckdb: duckdbEngine };

/** The engine that reads `spec`, and why: the first that supports it. */
export function chooseEngine(spec: ReadSpec, engines: readonly Engine[] = ENGINES): { engine: Engine; reasons: string[] } {
  const reasons: string[] = [];
  for (const e of engines) {
    const why = e.unsupported(spec);
    if (why === null) return { engine: e, reasons };
    reasons.push(`${e.name}: ${why}`);
  }
  throw new DataError(`no engine can read this input (${reasons.join('; ')})`, { file: spec.orders }, 'export the orders as CSV, or install the optional dependency @duckdb/node-api for Parquet');
}

/**
 * Ledgers from this many entries on are compacted (domain/ledger.ts compactLedger): 256 MB of
 * ledger and more, where the memory matters and the two passes (~0.3 s) do not; at 10M orders
 * (about 9.5M entries) a `clm summary` does not pay for them.
 */
export const COMPACT_MIN_ENTRIES = 16_000_000;

/** Reads the orders (and the files joined to them) into one record per customer; says which engine did and why. */
export async function readOrders(spec: ReadSpec): Promise<LoadedData> {
  // a big ledger is held through every analysis: compact it (every engine's alike, so engines still agree entry for entry)
  const ran = (name: string, why: string) => (data: LoadedData): LoadedData => {
    traceMark(`orders read by the ${name} engine`);
    return { ...data, table: compactLedger(data.table, spec.compactFrom ?? COMPACT_MIN_ENTRIES), engine: { name, why } };
  };
  if (spec.db !== undefined) {
    // --db: the orders are a table in that database, which only the Postgres engine reads
    if (spec.engine === 'streaming' || spec.engine === 'duckdb') throw new UsageError(`--engine ${spec.engine} reads files; with --db the orders are a table in Postgres`, 'leave --engine out with --db, or drop --db to read a file');
    return postgresEngine.read(spec).then(ran('postgres', '--db'));
  }
  if (spec.engine === 'streaming' || spec.engine === 'duckdb') {
    const engine = NAMED_ENGINES[spec.engine];
    const why = engine.unsupported(spec);
    if (why) throw new UsageError(`--engine ${engine.name} cannot read this: ${why}`, 'use --engine streaming (or leave --engine out)');
    return engine.read(spec).then(ran(engine.name, `--engine ${engine.name}`));
  }
  const { engine, reasons } = chooseEngine(spec);
  const two = engine === streamingEngine ? twoThreads(spec) : undefined;
  const threads = spec.parallel === 'worker' ? ['--threads 2'] : two ? [two] : [];
  return engine.read(two ? { ...spec, parallel: 'auto' } : spec).then(ran(engine.name, ['--engine auto', ...reasons, ...threads].join('; ')));
}
