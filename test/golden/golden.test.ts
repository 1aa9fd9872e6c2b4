import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

/**
 * Golden outputs of commands on the demo shop, reviewed like code. A changed output fails
 * here; when the change is intended, regenerate with `UPDATE_GOLDEN=1 npx vitest run
 * test/golden` and review the diff of test/golden/expected/ before committing it.
 */
const here = dirname(fileURLToPath(import.meta.url));
const expectedDir = join(here, 'expected');
const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31', '--no-color'];
const FORMATS = ['table', 'csv', 'tsv', 'json', 'ndjson', 'md'] as const;
const EXT: Record<(typeof FORMATS)[number], string> = { table: 'txt', csv: 'csv', tsv: 'tsv', json: 'json', ndjson: 'ndjson', md: 'md' };

/** BG/NBD's caveat on stderr wherever its P(alive) is shown (issue 15, item 4): 575 demo customers have no repeat purchase. */
const BGNBD_CAVEAT = 'clm: warning: BG/NBD gives P(alive) = 1 to the 575 customers without a repeat purchase: the model cannot tell if they left; MBG/NBD or Pareto/NBD can (--model mbgnbd or pnbd)\n';

const CASES: { name: string; args: string[]; stderr?: string }[] = [
  ...FORMATS.map((f) => ({ name: `stages.${EXT[f]}`, args: ['stages', ...DEMO, '--format', f] })),
  ...FORMATS.map((f) => ({ name: `segments.${EXT[f]}`, args: ['segments', ...DEMO, '--format', f] })),
  { name: 'stages-from-explain.txt', args: ['stages', ...DEMO, '--from', '2024-06-30', '--explain', '--format', 'table'] },
  { name: 'stages-transitions.csv', args: ['stages', ...DEMO, '--from', '2024-06-30', '--format', 'csv', '--table', 'transitions'] },
  { name: 'segments-explain.md', args: ['segments', ...DEMO, '--explain', '--monetary', 'total', '--format', 'md'] },
  { name: 'segments-grid.csv', args: ['segments', ...DEMO, '--format', 'csv', '--table', 'rfm_grid'] },
  // cohorts: every metric in both layouts, weeks with an incomplete period, a split, Markdown, JSON
  ...(['customers', 'orders', 'revenue', 'ltv'] as const).flatMap((m) => [
    { name: `cohorts-${m}.txt`, args: ['cohorts', ...DEMO, '--metric', m, '--format', 'table'] },
    { name: `cohorts-${m}.csv`, args: ['cohorts', ...DEMO, '--metric', m, '--format', 'csv'] },
    { name: `cohorts-${m}-long.csv`, args: ['cohorts', ...DEMO, '--metric', m, '--layout', 'long', '--format', 'csv'] },
  ]),
  { name: 'cohorts-week.txt', args: ['cohorts', ...DEMO, '--period', 'week', '--from', '2024-W44', '--format', 'table'] },
  { name: 'cohorts-week-revenue-long.txt', args: ['cohorts', ...DEMO, '--period', 'week', '--from', '2024-W49', '--metric', 'revenue', '--layout', 'long', '--format', 'table'] },
  { name: 'cohorts-week-long.csv', args: ['cohorts', ...DEMO, '--period', 'week', '--from', '2024-W49', '--layout', 'long', '--mark-incomplete', '--format', 'csv'] },
  { name: 'cohorts-quarter-by-channel.txt', args: ['cohorts', ...DEMO, '--period', 'quarter', '--by', 'channel', '--min-size', '20', '--format', 'table'] },
  { name: 'cohorts-quarter-average.csv', args: ['cohorts', ...DEMO, '--period', 'quarter', '--metric', 'revenue', '--format', 'csv', '--table', 'average'] },
  { name: 'cohorts-quarter.md', args: ['cohorts', ...DEMO, '--period', 'quarter', '--metric', 'ltv', '--format', 'md'] },
  { name: 'cohorts-quarter.json', args: ['cohorts', ...DEMO, '--period', 'quarter', '--format', 'json'] },
  // the model columns with the next order (issue 15, item 1), machine and human formats
  { name: 'customers-model.csv', args: ['customers', ...DEMO, '--model', 'bgnbd', '--where', 'cohort == "2024-03"', '--format', 'csv'], stderr: BGNBD_CAVEAT },
  // the data checks (issue 15, item 6): every format through the usual result path
  ...FORMATS.map((f) => ({ name: `doctor.${EXT[f]}`, args: ['doctor', ...DEMO, '--format', f] })),
  { name: 'doctor-verdicts.csv', args: ['doctor', ...DEMO, '--format', 'csv', '--table', 'verdicts'] },
  { name: 'customers-next-order.md', args: ['customers', ...DEMO, '--model', 'bgnbd', '--where', 'stage == "at_risk" and days_overdue > 0', '--format', 'md'], stderr: BGNBD_CAVEAT },
  // intervals (issue 15, item 3): the parameters' low/high and the value tables' interval columns
  { name: 'cltv-model.csv', args: ['cltv', ...DEMO, '--format', 'csv', '--table', 'model'], stderr: BGNBD_CAVEAT },
  { name: 'cltv-value-by-stage.csv', args: ['cltv', ...DEMO, '--format', 'csv', '--table', 'value_by_stage'], stderr: BGNBD_CAVEAT },
  { name: 'cltv-value-total.md', args: ['cltv', ...DEMO, '--interval', '0.8', '--format', 'md', '--table', 'value_total'], stderr: BGNBD_CAVEAT },
];

/** Files of one `clm report` on the demo shop: the next-order table and audiences. */
const REPORT_FILES: { name: string; file: string }[] = [
  { name: 'report-next_order.csv', file: 'next_order.csv' },
  { name: 'report-next_order-due_now.csv', file: 'audiences/next_order-due_now.csv' },
  { name: 'report-next_order-overdue.csv', file: 'audiences/next_order-overdue.csv' },
  { name: 'report-value_total.csv', file: 'value_total.csv' },
];

function compareGolden(name: string, actual: string): void {
  const path = join(expectedDir, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) {
    mkdirSync(expectedDir, { recursive: true });
    writeFileSync(path, actual);
    if (!process.env.UPDATE_GOLDEN) throw new Error(`golden file ${name} was missing and has been written; review it and run again`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('golden outputs on the demo shop', () => {
  for (const c of CASES) {
    it(`clm ${c.args.filter((a) => !DEMO.includes(a)).join(' ')}`, async () => {
      const r = await runClm(c.args);
      expect(r.stderr).toBe(c.stderr ?? '');
      expect(r.code).toBe(0);
      compareGolden(c.name, r.stdout);
    });
  }

  it('clm report: the next-order table and audiences', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'clm-golden-')), 'report');
    // the default --model auto chooses BG/NBD on the demo: its caveat is on the CLV page (model-choice.test.ts), not a warning
    const r = await runClm(['report', ...DEMO, '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const f of REPORT_FILES) compareGolden(f.name, readFileSync(join(out, f.file), 'utf8'));
  });
});
