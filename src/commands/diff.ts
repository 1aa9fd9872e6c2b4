import { formatDay } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';
import type { CliIO } from '../io/cli-io.js';
import { readState } from '../io/state-store.js';
import type { CommandResult } from '../render/result.js';
import { dataContext, dataMeta, loadInputs, type InputFlags } from '../app/inputs.js';
import { computeLifecycle, warnSmallSamples, type LifecycleFlags } from '../app/lifecycle.js';
import { changesTable, stateMismatch } from '../app/state-diff.js';

export interface DiffFlags extends InputFlags, LifecycleFlags {
  stateDir?: string;
  force?: boolean;
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
