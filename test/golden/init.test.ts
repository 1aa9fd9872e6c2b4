import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';
import { compareGolden } from './golden-helpers.js';

/**
 * Golden outputs of `clm init` (issue 16, item 5: every command): the mapping table it prints
 * and the clm.config.json it writes. It runs in a fresh folder inside test/golden, so the
 * config's input paths (written relative to the working folder) are the same on every machine.
 */
const work = mkdtempSync(join(resolve('test/golden'), '.init-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('golden: clm init', () => {
  it('prints the detected mapping and writes the starter config', async () => {
    const r = await runClm(['init', '--orders', resolve('fixtures/demo/orders.csv'), '--customers', resolve('fixtures/demo/customers.csv'), '--format', 'csv', '--no-color'], { cwd: work });
    expect(r.code, r.stderr).toBe(0);
    compareGolden('init.csv', r.stdout);
    compareGolden('init-config.json', readFileSync(join(work, 'clm.config.json'), 'utf8'));
    // a second run keeps the config and says so
    const again = await runClm(['init', '--orders', resolve('fixtures/demo/orders.csv'), '--format', 'csv', '--no-color'], { cwd: work });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('--force');
  });
});
