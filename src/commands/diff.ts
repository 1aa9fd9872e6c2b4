import { RFM_SEGMENTS } from '../analytics/rfm.js';
import { NOT_YET, STAGES } from '../domain/stage.js';
import { formatDay } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';
import type { CliIO } from '../io/cli-io.js';
import { readState, type HashedInput, type SavedState, type StateRow } from '../io/state-store.js';
import type { InputReport } from '../engine/spec.js';
import type { Cell, CommandResult, ResultTable } from '../render/result.js';
import { dataContext, dataMeta, loadInputs, type InputFlags } from './common.js';
import { computeLifecycle, type Lifecycle, type LifecycleFlags, warnSmallSamples } from './lifecycle.js';

export interface DiffFlags extends InputFlags, LifecycleFlags {
  stateDir?: string;
  force?: boolean;
}

/** Stage and segments per customer known at the as-of date, as the state keeps them. */
export function stateRows(ids: string[], lc: Lifecycle): Map<string, StateRow> {
  const rows = new Map<string, StateRow>();
  for (let i = 0; i < ids.length; i++) {
    if (lc.stages[i] === NOT_YET) continue;
    rows.set(ids[i], {
      stage: STAGES[lc.stages[i]],
      rfmSegment: lc.rfmSegment[i] === 255 ? '' : RFM_SEGMENTS[lc.rfmSegment[i]],
      segment: lc.custom ? lc.custom.names[lc.custom.segment[i]] : '',
    });
  }
  return rows;
}

/**
 * Customers whose stage, RFM segment or custom segment differs from the saved state, new
 * customers (no previous stage) and customers who left the data (no current stage), sorted
 * by customer_id: the file to upload back into a CRM.
 */
export function changesTable(ids: string[], lc: Lifecycle, previous: SavedState): ResultTable {
  const now = stateRows(ids, lc);
  const out: Cell[][] = [];
  const all = new Set<string>([...now.keys(), ...previous.rows.keys()]);
  for (const id of [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const a = previous.rows.get(id);
    const b = now.get(id);
    if (a && b && a.stage === b.stage && a.rfmSegment === b.rfmSegment && a.segment === b.segment) continue;
    const change = !a ? 'new' : !b ? 'gone' : a.stage !== b.stage ? 'stage' : 'segment';
    out.push([id, change, a?.stage ?? null, b?.stage ?? null, a?.rfmSegment || null, b?.rfmSegment || null, a?.segment || null, b?.segment || null]);
  }
  return {
    name: 'changes',
    title: `Changes since the last run${previous.asOf ? ` (as of ${previous.asOf})` : ''}`,
    columns: [
      { name: 'customer_id', type: 'string', fromInput: true },
      { name: 'change', type: 'string' },
      { name: 'previous_stage', type: 'string' },
      { name: 'stage', type: 'string' },
      { name: 'previous_rfm_segment', type: 'string' },
      { name: 'rfm_segment', type: 'string' },
      { name: 'previous_segment', type: 'string', fromInput: true },
      { name: 'segment', type: 'string', fromInput: true },
    ],
    rowCount: out.length,
    rows: () => out,
  };
}

/** Below this share of the saved customers found in the inputs, the state is another data set's. */
const MIN_SHARED = 0.5;

/**
 * Why comparing these inputs with the saved state would mislead, or undefined: the state is
 * as of a later date than this run (the changes would run backwards: "previous" would be the
 * later stage), or it was saved from other inputs (fewer than half of its customers are in
 * these inputs: another shop's export, or ids of another form, and every customer would be
 * listed as gone or new). Inputs that only differ in content are the normal case (a newer
 * export of the same shop), so the hashes are shown, not compared.
 */
export function stateMismatch(previous: SavedState, ids: readonly string[], asOf: string, current: readonly InputReport[], stateDir: string): string | undefined {
  const problems: string[] = [];
  if (previous.asOf && previous.asOf > asOf) {
    problems.push(`it is as of ${previous.asOf}, after this run's as-of date ${asOf}, so the changes would run backwards in time`);
  }
  const saved = previous.rows.size;
  if (saved > 0) {
    const present = new Set(ids);
    let shared = 0;
    for (const id of previous.rows.keys()) if (present.has(id)) shared++;
    if (shared < saved * MIN_SHARED) {
      const pct = ((100 * shared) / saved).toFixed(shared === 0 ? 0 : 1);
      problems.push(`it was saved from other inputs: only ${shared.toLocaleString('en-US')} of its ${saved.toLocaleString('en-US')} customers (${pct}%) are in these, so the rest would be listed as gone`);
    }
  }
  if (problems.length === 0) return undefined;
  const was = previous.inputs.length > 0 ? previous.inputs.map(describeSaved).join(', ') : 'inputs not recorded (a state saved by an older clm)';
  const now = current.map((i) => `${i.role} ${i.source.path}${i.source.bytes === undefined ? ' (a stream)' : ` (${i.source.bytes.toLocaleString('en-US')} bytes)`}`).join(', ');
  return `the state in --state-dir ${stateDir} does not fit this run: ${problems.join('; and ')}. Saved from: ${was}; this run: ${now}`;
}

function describeSaved(i: HashedInput): string {
  if (i.sha256 === null) return `${i.role} ${i.path} (a stream, not hashed)`;
  return `${i.role} ${i.path} (${i.bytes === null ? '' : `${i.bytes.toLocaleString('en-US')} bytes, `}sha256 ${i.sha256.slice(0, 12)}…)`;
}

/** `clm diff --state-dir DIR`: who moved since the run that saved the state (read-only). */
export async function runDiff(flags: DiffFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  if (!flags.stateDir) throw new UsageError('--state-dir DIR is required', 'name the folder a `clm report --state-dir DIR` run keeps its state in');
  const previous = readState(flags.stateDir);
  if (!previous) throw new UsageError(`--state-dir ${flags.stateDir} holds no saved state yet`, 'run clm report --state-dir DIR once first; later runs and clm diff compare against it');
  const inputs = await loadInputs(flags, io, warn);
  const mismatch = stateMismatch(previous, inputs.data.table.ids, formatDay(inputs.data.asOf), inputs.data.inputs, flags.stateDir);
  if (mismatch && !flags.force) throw new UsageError(mismatch, 'point --state-dir at the state of these inputs, or pass --force to compare anyway');
  if (mismatch) warn(`${mismatch} (compared anyway: --force)`);
  const lc = computeLifecycle(inputs, flags);
  warnSmallSamples(lc, warn);
  const table = changesTable(inputs.data.table.ids, lc, previous);
  const meta = dataMeta(inputs.data, 'diff');
  meta.previous_run = { as_of: previous.asOf, customers: previous.rows.size, inputs: previous.inputs };
  meta.changes = table.rowCount;
  const context = dataContext(inputs.data);
  context.push(`compared with the state saved as of ${previous.asOf || 'an earlier run'} (${previous.rows.size.toLocaleString('en-US')} customers): ${table.rowCount.toLocaleString('en-US')} changed`);
  return { meta, context, tables: [table] };
}
