import { describe } from 'vitest';
import { DEMO, everyFormat, goldenCases, type GoldenCase } from './golden-helpers.js';

/**
 * Golden outputs (issue 16, item 5) of the commands without a purchase model on the demo shop:
 * summary, customers, kpis, every format and every table --table can pick (kpis' goals and
 * acquisition tables with the config and spend file in test/golden/fixtures/). customers is pinned
 * whole in CSV (1,500 rows) and on one cohort in the other formats, to keep them readable.
 */
const MARCH = ['--where', 'cohort == "2024-03"'];
/** kpis' optional tables: goals from a config (README's example plus one missed goal) and a year of hand-made monthly spend per channel */
const GOALS_SPEND = ['--config', 'test/golden/fixtures/goals.config.json', '--spend', 'test/golden/fixtures/spend.csv'];

const CASES: GoldenCase[] = [
  ...everyFormat('summary', ['summary', ...DEMO]),
  { name: 'summary-mapping.csv', args: ['summary', ...DEMO, '--format', 'csv', '--table', 'mapping'] },
  { name: 'summary-reconciliation.csv', args: ['summary', ...DEMO, '--format', 'csv', '--table', 'reconciliation'] },
  { name: 'customers-all.csv', args: ['customers', ...DEMO, '--format', 'csv'] },
  ...everyFormat('customers-2024-03', ['customers', ...DEMO, ...MARCH]),
  { name: 'customers-quarter-cohort.csv', args: ['customers', ...DEMO, '--period', 'quarter', '--where', 'cohort == "2024-Q4" and stage == "new"', '--format', 'csv'] },
  ...everyFormat('kpis', ['kpis', ...DEMO]),
  { name: 'kpis-kpi_changes.csv', args: ['kpis', ...DEMO, '--format', 'csv', '--table', 'kpi_changes'] },
  { name: 'kpis-feedback_by_stage.csv', args: ['kpis', ...DEMO, '--format', 'csv', '--table', 'feedback_by_stage'] },
  { name: 'kpis-quarter.txt', args: ['kpis', ...DEMO, '--period', 'quarter', '--format', 'table'] },
  { name: 'kpis-goals-spend.md', args: ['kpis', ...DEMO, ...GOALS_SPEND, '--format', 'md'] },
  ...(['goals', 'acquisition', 'ltv_cac', 'cac_payback'] as const).map((t) => ({ name: `kpis-${t}.csv`, args: ['kpis', ...DEMO, ...GOALS_SPEND, '--format', 'csv', '--table', t] })),
  { name: 'kpis-year.csv', args: ['kpis', ...DEMO, '--period', 'year', '--format', 'csv'] },
];

describe('golden outputs of summary, customers and kpis on the demo shop', () => {
  goldenCases(CASES);
});
