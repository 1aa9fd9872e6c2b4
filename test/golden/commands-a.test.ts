import { describe } from 'vitest';
import { DEMO, everyFormat, goldenCases, type GoldenCase } from './golden-helpers.js';

/**
 * Golden outputs (issue 16, item 5) of the commands without a purchase model on the demo shop:
 * summary, customers, kpis, every format and every table --table can pick. customers is pinned
 * whole in CSV (1,500 rows) and on one cohort in the other formats, to keep them readable.
 */
const MARCH = ['--where', 'cohort == "2024-03"'];

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
  { name: 'kpis-year.csv', args: ['kpis', ...DEMO, '--period', 'year', '--format', 'csv'] },
];

describe('golden outputs of summary, customers and kpis on the demo shop', () => {
  goldenCases(CASES);
});
