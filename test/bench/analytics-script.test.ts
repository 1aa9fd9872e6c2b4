import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../helpers/datasets.js';

// bench/analytics.js imports the built modules by path (dist/): a module that moves must not
// leave `npm run bench` failing at its last step (it did, after lifecycle and cltv moved to app/)
const SAMPLE = join(DATASETS, 'cdnow/CDNOW_sample.txt');
const present = existsSync(SAMPLE);
if (!present) console.warn(`bench/analytics.js test skipped: ${SAMPLE} not found (set CLM_DATASETS to the datasets folder)`);

describe('bench/analytics.js', () => {
  it.skipIf(!present)('reads CDNOW sample and fits BG/NBD on the built code', () => {
    const r = spawnSync(process.execPath, ['bench/analytics.js', SAMPLE, 'cdnow', '1'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(out.customers).toBe(2357);
    expect(out.bgnbd.converged).toBe(true);
  });
});
