import { RFM_SEGMENTS } from '../analytics/rfm.js';
import { NOT_YET, STAGES } from '../domain/stage.js';
import type { HashedInput, SavedState, StateRow } from '../io/state-store.js';
import type { InputReport } from '../engine/spec.js';
import type { Cell, ResultTable } from '../render/result.js';
import type { Lifecycle } from './lifecycle.js';

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

