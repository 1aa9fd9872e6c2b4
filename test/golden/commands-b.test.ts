import { describe } from 'vitest';
import { BGNBD_CAVEAT, DEMO, everyFormat, goldenCases, type GoldenCase } from './golden-helpers.js';

/**
 * Golden outputs (issue 16, item 5) of the commands with a purchase model on the demo shop:
 * cltv, backtest, playbook, every format and the tables --table can pick (cltv's model,
 * value_by_stage and value_total are in golden.test.ts). The default --model auto chooses
 * BG/NBD here, hence its one-time buyers' caveat on stderr where P(alive) is shown.
 *
 * The intervals' parameter draws are three quarters of a cltv run: they are pinned by cltv.txt
 * and cltv.json (every table's interval columns) and golden.test.ts's cltv cases (cltv-model.csv
 * is what cltv.csv with intervals would be); the other formats and tables run with --interval 0
 * (the same point estimates, without those columns) to keep the suite fast.
 */
const NO_INTERVALS = ['--interval', '0'];

const CASES: GoldenCase[] = [
  ...everyFormat('cltv', ['cltv', ...DEMO], BGNBD_CAVEAT).map((c) => (['cltv.txt', 'cltv.json'].includes(c.name) ? c : { ...c, args: [...c.args, ...NO_INTERVALS] })),
  ...(['value_by_segment', 'value_by_cohort', 'top_customers'] as const).map((t) => ({ name: `cltv-${t}.csv`, args: ['cltv', ...DEMO, ...NO_INTERVALS, '--format', 'csv', '--table', t], stderr: BGNBD_CAVEAT })),
  { name: 'cltv-pnbd-margin.csv', args: ['cltv', ...DEMO, '--model', 'pnbd', '--margin', '0.4', ...NO_INTERVALS, '--format', 'csv', '--table', 'value_by_stage'] },
  ...everyFormat('backtest', ['backtest', ...DEMO]),
  ...(['by_frequency', 'deciles', 'tracking'] as const).map((t) => ({ name: `backtest-${t}.csv`, args: ['backtest', ...DEMO, '--format', 'csv', '--table', t] })),
  ...everyFormat('playbook', ['playbook', ...DEMO]),
  { name: 'playbook-segments.csv', args: ['playbook', ...DEMO, '--format', 'csv', '--table', 'playbook_segments'] },
  // with a model the value at stake is the predicted value too
  { name: 'playbook-bgnbd.csv', args: ['playbook', ...DEMO, '--model', 'bgnbd', '--format', 'csv'] },
];

describe('golden outputs of cltv, backtest and playbook on the demo shop', () => {
  goldenCases(CASES);
});
