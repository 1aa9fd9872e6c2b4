import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';
import { arrowDump } from './arrow-dump.js';
import { BGNBD_CAVEAT, compareGolden, DEMO } from './golden-helpers.js';

/**
 * `--format arrow` of every command (issue 16, item 5), each read back (arrow-dump.ts) and
 * compared with the CSV golden of the same table, which another golden test pins; the dump is
 * itself a golden, arrow-<name>.txt. Written with -o (the IPC file format): runClm collects
 * stdout as text, which binary would not survive. clm diff's Arrow is in report.test.ts.
 */
const dir = mkdtempSync(join(tmpdir(), 'clm-golden-arrow-'));
const FORECAST = ['forecast', '--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-15', '--no-color', '--periods', '3'];
const RETENTION = ['retention', '--model', 'sbg', '--survivors', 'fixtures/retention/regular.csv', '--periods', '5', '--no-color'];

const CASES: { name: string; args: string[]; csv: string; stderr?: string }[] = [
  { name: 'summary', args: ['summary', ...DEMO], csv: 'summary.csv' },
  { name: 'customers-2024-03', args: ['customers', ...DEMO, '--where', 'cohort == "2024-03"'], csv: 'customers-2024-03.csv' },
  { name: 'stages', args: ['stages', ...DEMO], csv: 'stages.csv' },
  { name: 'segments', args: ['segments', ...DEMO], csv: 'segments.csv' },
  { name: 'cohorts-revenue-long', args: ['cohorts', ...DEMO, '--metric', 'revenue', '--layout', 'long'], csv: 'cohorts-revenue-long.csv' },
  // cltv and forecast without the intervals' draws (most of their run time), as their TSV goldens
  { name: 'cltv-model', args: ['cltv', ...DEMO, '--interval', '0'], csv: 'cltv.tsv', stderr: BGNBD_CAVEAT },
  { name: 'backtest', args: ['backtest', ...DEMO], csv: 'backtest.csv' },
  { name: 'forecast', args: [...FORECAST, '--interval', '0'], csv: 'forecast-no-intervals.tsv', stderr: BGNBD_CAVEAT.replace('575', '537') }, // as of 2024-12-15: 537 without a repeat purchase
  { name: 'kpis', args: ['kpis', ...DEMO], csv: 'kpis.csv' },
  { name: 'playbook', args: ['playbook', ...DEMO], csv: 'playbook.csv' },
  { name: 'doctor', args: ['doctor', ...DEMO], csv: 'doctor.csv' },
  { name: 'retention-survivors', args: RETENTION, csv: 'retention-survivors.csv' },
];

describe('golden Arrow outputs, read back', () => {
  for (const c of CASES) {
    it(`clm ${c.args.filter((a) => !DEMO.includes(a)).join(' ')} --format arrow -o x.arrow`, async () => {
      const file = join(dir, `${c.name}.arrow`);
      const r = await runClm([...c.args, '--format', 'arrow', '-o', file]);
      expect(r.stderr).toBe(c.stderr ?? '');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      compareGolden(`arrow-${c.name}.txt`, arrowDump(readFileSync(file), c.csv));
    });
  }
});
