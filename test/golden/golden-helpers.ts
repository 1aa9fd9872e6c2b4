import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

/**
 * Shared by the golden suites: the demo shop's fixed arguments, the formats, and the one
 * compare-or-write step. A changed output fails; when the change is intended, regenerate with
 * `UPDATE_GOLDEN=1 npx vitest run test/golden` and review the diff of test/golden/expected/.
 */
export const expectedDir = join(dirname(fileURLToPath(import.meta.url)), 'expected');
export const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31', '--no-color'];
export const FORMATS = ['table', 'csv', 'tsv', 'json', 'ndjson', 'md'] as const;
export type Format = (typeof FORMATS)[number];
export const EXT: Record<Format, string> = { table: 'txt', csv: 'csv', tsv: 'tsv', json: 'json', ndjson: 'ndjson', md: 'md' };

/** BG/NBD's caveat on stderr wherever its P(alive) is shown (issue 15, item 4): 575 demo customers have no repeat purchase. */
export const BGNBD_CAVEAT = 'clm: warning: BG/NBD gives P(alive) = 1 to the 575 customers without a repeat purchase: the model cannot tell if they left; MBG/NBD or Pareto/NBD can (--model mbgnbd or pnbd)\n';

export interface GoldenCase {
  /** file name under test/golden/expected/ */
  name: string;
  args: string[];
  /** the exact stderr (warnings included, so a new or a lost warning fails); '' when absent */
  stderr?: string;
}

/** Every format of one command: `<stem>.txt`, `<stem>.csv`, ... with the same arguments. */
export function everyFormat(stem: string, args: string[], stderr?: string): GoldenCase[] {
  return FORMATS.map((f) => ({ name: `${stem}.${EXT[f]}`, args: [...args, '--format', f], stderr }));
}

export function compareGolden(name: string, actual: string): void {
  const path = join(expectedDir, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    if (!process.env.UPDATE_GOLDEN) throw new Error(`golden file ${name} was missing and has been written; review it and run again`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

/** One `it` per case: exit 0, the exact stderr, stdout equal to its golden file. */
export function goldenCases(cases: GoldenCase[], label: (args: string[]) => string = (a) => a.filter((x) => !DEMO.includes(x)).join(' ')): void {
  for (const c of cases) {
    it(`clm ${label(c.args)}`, async () => {
      const r = await runClm(c.args);
      expect(r.stderr).toBe(c.stderr ?? '');
      expect(r.code).toBe(0);
      compareGolden(c.name, r.stdout);
    });
  }
}
