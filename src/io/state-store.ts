import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { quoteCsvField } from '../domain/csv-text.js';
import { DataError, UsageError } from '../domain/errors.js';
import { sha256File } from './report-dir.js';
import type { SourceInfo } from './input.js';
import { outputError } from './write-output.js';

/**
 * The per-customer stage and segments of the last run (`--state-dir DIR`, spec §8), so the
 * next run can list who moved: DIR/state.csv (customer_id, stage, rfm_segment, segment) and
 * DIR/state.json (the as-of date of that run and its inputs: role, path, bytes, sha256). Both
 * are replaced whole (temporary file, then rename), state.csv first, so a killed run leaves
 * the previous state or the new one.
 */
export interface StateRow {
  stage: string;
  rfmSegment: string;
  segment: string;
}

/** One input of a run: sha256 and bytes are null for a stream (stdin, a pipe), read once and not hashed. */
export interface HashedInput {
  role: string;
  path: string;
  bytes: number | null;
  sha256: string | null;
}

export interface SavedState {
  asOf: string;
  rows: Map<string, StateRow>;
  /** The inputs of the run that saved the state; empty for a state saved before clm kept them. */
  inputs: HashedInput[];
}

/** The inputs of a run with their sizes and hashes (a second read of each file; none for streams). */
export function hashInputs(inputs: readonly { role: string; source: SourceInfo }[]): Promise<HashedInput[]> {
  return Promise.all(
    inputs.map(async (i) => {
      const stream = i.source.path === '-' || i.source.bytes === undefined;
      return { role: i.role, path: i.source.path, bytes: stream ? null : i.source.bytes!, sha256: stream ? null : await sha256File(i.source.path) };
    }),
  );
}

function savedInputs(v: unknown): HashedInput[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && typeof x.role === 'string' && typeof x.path === 'string')
    .map((x) => ({ role: x.role as string, path: x.path as string, bytes: typeof x.bytes === 'number' ? x.bytes : null, sha256: typeof x.sha256 === 'string' ? x.sha256 : null }));
}

const COLUMNS = ['customer_id', 'stage', 'rfm_segment', 'segment'];

/** The saved state, or undefined when DIR holds none yet (the first run). */
export function readState(dir: string): SavedState | undefined {
  const csv = join(dir, 'state.csv');
  if (!existsSync(csv)) {
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`--state-dir ${dir} is a file, not a folder`);
    return undefined;
  }
  let records: string[][];
  try {
    records = parse(readFileSync(csv, 'utf8'), { relax_column_count: false }) as string[][];
  } catch (e) {
    throw new DataError(`the saved state is not readable CSV: ${(e as Error).message}`, { file: csv }, 'delete the --state-dir folder to start over (the next run lists no changes)');
  }
  if (records.length === 0 || records[0].join(',') !== COLUMNS.join(',')) {
    throw new DataError(`the saved state does not start with the header ${COLUMNS.join(',')}`, { file: csv, line: 1 }, 'delete the --state-dir folder to start over');
  }
  const rows = new Map<string, StateRow>();
  for (const r of records.slice(1)) rows.set(r[0], { stage: r[1], rfmSegment: r[2], segment: r[3] });
  let asOf = '';
  let inputs: HashedInput[] = [];
  try {
    const json = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { as_of?: unknown; inputs?: unknown };
    asOf = typeof json.as_of === 'string' ? json.as_of : '';
    inputs = savedInputs(json.inputs);
  } catch {
    /* without state.json the state is compared without its date and inputs */
  }
  return { asOf, rows, inputs };
}

export function writeState(dir: string, state: SavedState): void {
  const lines = [COLUMNS.join(',')];
  for (const [id, r] of state.rows) lines.push([id, r.stage, r.rfmSegment, r.segment].map((v) => quoteCsvField(v, ',')).join(','));
  const put = (name: string, text: string): void => {
    const tmp = join(dir, `.${name}.tmp-${process.pid}`);
    try {
      writeFileSync(tmp, text);
      renameSync(tmp, join(dir, name));
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  };
  try {
    mkdirSync(dir, { recursive: true });
    put('state.csv', lines.join('\n') + '\n');
    put('state.json', JSON.stringify({ as_of: state.asOf, customers: state.rows.size, inputs: state.inputs }, null, 2) + '\n');
  } catch (e) {
    throw outputError(`--state-dir ${dir}`, e as NodeJS.ErrnoException);
  }
}
