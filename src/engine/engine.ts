/**
 * The engine seam: one door from the orders to one record per customer. An engine takes a
 * ReadSpec and returns a LoadedData (engine/spec.ts); `unsupported` says, in words, why it
 * cannot honour a spec exactly, so a chooser (`--engine auto`, issue 13) can say why it chose.
 * Commands reach the heavy step only through `readOrders` here.
 */
import { UsageError } from '../domain/errors.js';
import { duckdbEngine } from './duckdb/duckdb-engine.js';
import { postgresEngine } from './postgres/postgres-engine.js';
import type { LoadedData, ReadSpec } from './spec.js';
import { readCustomerState } from './streaming/read-orders.js';

export { threadsOption } from './streaming/read-orders.js';

export interface Engine {
  readonly name: string;
  /** Why this engine cannot read `spec` exactly, or null when it can. */
  unsupported(spec: ReadSpec): string | null;
  read(spec: ReadSpec): Promise<LoadedData>;
}

/** The streaming JS reader (engine/streaming/): any file, gzip or stream; every option. */
export const streamingEngine: Engine = {
  name: 'streaming',
  unsupported: () => null,
  read: readCustomerState,
};

/** The engines `auto` chooses from, in order: the streaming engine reads every spec, so it is chosen for now (DuckDB only on --engine duckdb). */
export const ENGINES: readonly Engine[] = [streamingEngine];

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
  throw new Error(`no engine can read this input (${reasons.join('; ')})`);
}

/** Reads the orders (and the files joined to them) into one record per customer; says which engine did and why. */
export async function readOrders(spec: ReadSpec): Promise<LoadedData> {
  const ran = (name: string, why: string) => (data: LoadedData): LoadedData => ({ ...data, engine: { name, why } });
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
  return engine.read(spec).then(ran(engine.name, reasons.length > 0 ? `--engine auto; ${reasons.join('; ')}` : '--engine auto'));
}
