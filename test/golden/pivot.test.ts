import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

/**
 * Golden outputs of `clm pivot` (issue 16, item 3) on the demo shop: every text format of one
 * pivot with totals, a GROUP BY with shares, and model columns. Regenerate with
 * `UPDATE_GOLDEN=1 npx vitest run test/golden` and review the diff of test/golden/expected/.
 */
const here = dirname(fileURLToPath(import.meta.url));
const expectedDir = join(here, 'expected');
const DEMO = ['pivot', '--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31', '--no-color'];
const WIDE = [...DEMO, '--rows', 'country', '--cols', 'stage', '--measure', 'customers,revenue:sum', '--totals'];
const FORMATS = { table: 'txt', csv: 'csv', tsv: 'tsv', json: 'json', ndjson: 'ndjson', md: 'md' } as const;

const CASES: { name: string; args: string[] }[] = [
  ...Object.entries(FORMATS).map(([f, ext]) => ({ name: `pivot.${ext}`, args: [...WIDE, '--format', f] })),
  { name: 'pivot-groupby-shares.txt', args: [...DEMO, '--rows', 'stage', '--measure', 'customers,revenue:sum,revenue:median,orders:mean,recency_days:max', '--totals', '--shares', '--format', 'table'] },
  { name: 'pivot-two-rows.csv', args: [...DEMO, '--rows', 'channel,rfm_segment', '--cols', 'cohort', '--where', 'cohort >= "2024-10"', '--measure', 'customers', '--format', 'csv'] },
  { name: 'pivot-model.csv', args: [...DEMO, '--rows', 'channel', '--cols', 'stage', '--measure', 'clv:mean,p_alive:median,clv:share', '--model', 'pnbd', '--where', 'stage != "prospect"', '--totals', '--format', 'csv'] },
];

describe('golden outputs of clm pivot', () => {
  for (const c of CASES) {
    it(`clm ${c.args.join(' ')}`, async () => {
      const r = await runClm(c.args);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const path = join(expectedDir, c.name);
      if (process.env.UPDATE_GOLDEN || !existsSync(path)) {
        mkdirSync(expectedDir, { recursive: true });
        writeFileSync(path, r.stdout);
        if (!process.env.UPDATE_GOLDEN) throw new Error(`golden file ${c.name} was missing and has been written; review it and run again`);
      }
      expect(r.stdout).toBe(readFileSync(path, 'utf8'));
    });
  }
});
