import { playbookRows, SEGMENT_PLAYS, STAGE_PLAYS, type PlayRow } from '../analytics/playbook.js';
import { RFM_SEGMENTS } from '../analytics/rfm.js';
import { NOT_YET, STAGES } from '../domain/stage.js';
import type { CliIO } from '../io/cli-io.js';
import { tableOf, type Cell, type Column, type CommandResult, type ResultTable } from '../render/result.js';
import { clvSettings, customerValues, settingsMeta, type ClvFlags, type CustomerValues } from './cltv.js';
import { dataContext, dataMeta, loadInputs, type InputFlags, type Inputs } from './common.js';
import { computeLifecycle, type Lifecycle, type LifecycleFlags, warnSmallSamples } from './lifecycle.js';

export interface PlaybookFlags extends InputFlags, LifecycleFlags, ClvFlags {}

const COLUMNS = (key: string): Column[] => [
  { name: key, type: 'string' },
  { name: 'goal', type: 'string', fromInput: true },
  { name: 'actions', type: 'string', fromInput: true },
  { name: 'customers', type: 'int' },
  { name: 'share', type: 'percent' },
  { name: 'revenue_to_date', type: 'money' },
  { name: 'predicted_value', type: 'money' },
];

function rowsOf(rows: PlayRow[]): Cell[][] {
  return rows.map((r) => [r.key, r.goal, r.actions, r.customers, r.share, r.revenue, r.predictedValue]);
}

/** The per-stage and per-RFM-segment playbook tables, with the config's text where it has one. */
export function playbookTables(inputs: Inputs, lc: Lifecycle, values?: CustomerValues): ResultTable[] {
  const t = inputs.data.table;
  const own = inputs.config?.config.playbook;
  const predicted = values && !values.clv.every((v) => Number.isNaN(v)) ? values.clv : undefined;
  const stages = playbookRows([...STAGES], STAGE_PLAYS, own?.stages, t.size, (i) => (lc.stages[i] === NOT_YET ? -1 : lc.stages[i]), lc.snapshot.revenue, predicted);
  const segments = playbookRows([...RFM_SEGMENTS], SEGMENT_PLAYS, own?.segments, t.size, (i) => (lc.rfmSegment[i] === 255 ? -1 : lc.rfmSegment[i]), lc.snapshot.revenue, predicted);
  return [
    tableOf('playbook', 'Playbook by lifecycle stage: what to do, for how many customers, with how much at stake', COLUMNS('stage'), rowsOf(stages)),
    tableOf('playbook_segments', 'Playbook by RFM segment', COLUMNS('rfm_segment'), rowsOf(segments)),
  ];
}

/** `clm playbook`: recommended actions per stage and segment, with customers and value at stake. */
export async function runPlaybook(flags: PlaybookFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const inputs = await loadInputs(flags, io, warn);
  const lc = computeLifecycle(inputs, flags);
  warnSmallSamples(lc, warn);
  const meta = dataMeta(inputs.data, 'playbook');
  let values: CustomerValues | undefined;
  if (flags.model !== undefined) {
    const settings = clvSettings(flags);
    values = customerValues(inputs, settings);
    values.warnings.forEach(warn);
    meta.clv = settingsMeta(values.settings, values.choice);
  }
  const context = dataContext(inputs.data);
  context.push(values ? 'value at stake: revenue to date and predicted value (--model)' : 'value at stake: revenue to date (add --model bgnbd for predicted value)');
  return { meta, context, tables: playbookTables(inputs, lc, values) };
}
