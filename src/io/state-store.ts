import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { quoteCsvField } from '../domain/csv-text.js';
import { DataError, UsageError } from '../domain/errors.js';
import { outputError } from './write-output.js';

/**
 * The per-customer stage and segments of the last run (`--state-dir DIR`, spec §8), so the
 * next run can list who moved: DIR/state.csv (customer_id, stage, rfm_segment, segment) and
 * DIR/state.json (the as-of date of that run). Both are replaced whole (temporary file, then
 * rename), state.csv first, so a killed run leaves the previous state or the new one.
 */
export interface StateRow {
  stage: string;
  rfmSegment: string;
  segment: string;
}

export interface SavedState {
  asOf: string;
  rows: Map<string, StateRow>;
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
  try {
    asOf = (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { as_of?: string }).as_of ?? '';
  } catch {
    /* the date is for display only */
  }
  return { asOf, rows };
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
    put('state.json', JSON.stringify({ as_of: state.asOf, customers: state.rows.size }, null, 2) + '\n');
  } catch (e) {
    throw outputError(`--state-dir ${dir}`, e as NodeJS.ErrnoException);
  }
}
