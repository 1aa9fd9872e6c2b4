import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

/**
 * Golden outputs of `clm retention` (as golden.test.ts for the demo shop): the paper's regular
 * survivor series and the synthetic Stripe-style renewals of fixtures/retention. Regenerate with
 * `UPDATE_GOLDEN=1 npx vitest run test/golden` and review the diff of test/golden/expected/.
 */
const here = dirname(fileURLToPath(import.meta.url));
const expectedDir = join(here, 'expected');
const SURVIVORS = ['retention', '--model', 'sbg', '--survivors', 'fixtures/retention/regular.csv', '--periods', '5', '--no-color'];
const RENEWALS = ['retention', '--renewals', 'fixtures/retention/renewals.csv', '--periods', '3', '--discount', '0.008', '--no-color'];
const FAILED = 'clm: warning: renewal rows not used for their Status: 12 "Failed"\n';

const CASES: { name: string; args: string[]; stderr?: string }[] = [
  ...(['table', 'csv', 'tsv', 'json', 'ndjson', 'md'] as const).map((f) => ({ name: `retention-survivors.${f === 'table' ? 'txt' : f}`, args: [...SURVIVORS, '--format', f] })),
  { name: 'retention-survivors-survival.csv', args: [...SURVIVORS, '--format', 'csv', '--table', 'survival'] },
  { name: 'retention-survivors-derl.csv', args: [...SURVIVORS, '--format', 'csv', '--table', 'derl'] },
  { name: 'retention-renewals.txt', args: [...RENEWALS, '--format', 'table'], stderr: FAILED },
  { name: 'retention-renewals-survival.csv', args: [...RENEWALS, '--format', 'csv', '--table', 'survival'], stderr: FAILED },
  { name: 'retention-renewals.json', args: [...RENEWALS, '--format', 'json'], stderr: FAILED },
];

describe('golden outputs of clm retention', () => {
  for (const c of CASES) {
    it(`clm ${c.args.join(' ')}`, async () => {
      const r = await runClm(c.args);
      expect(r.stderr).toBe(c.stderr ?? '');
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
