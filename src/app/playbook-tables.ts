import { playbookRows, SEGMENT_PLAYS, STAGE_PLAYS, type PlayRow } from '../analytics/playbook.js';
import { RFM_SEGMENTS } from '../analytics/rfm.js';
import { NOT_YET, STAGES } from '../domain/stage.js';
import { tableOf, type Cell, type Column, type ResultTable } from '../render/result.js';
import type { CustomerValues } from './clv-values.js';
import type { Inputs } from './inputs.js';
import type { Lifecycle } from './lifecycle.js';

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
