/**
 * Issue 17, item 14: config errors name the config file and the key path, and a config is
 * capped in size (`--config /dev/zero` read 8.4 GB before).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-cfg-'));
const DEMO = ['--orders', 'fixtures/demo/orders.csv'];
function config(name: string, body: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, typeof body === 'string' ? body : JSON.stringify(body));
  return f;
}

describe('config errors', () => {
  it('an unknown preset names the file and the key', async () => {
    const f = config('preset.json', { preset: 'shopfy' });
    const r = await runClm(['summary', ...DEMO, '--config', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}: preset: unknown preset; known presets: shopify`);
  });

  it('churn_days below active_days in the config says so, with the file and keys, not the flags', async () => {
    const f = config('th.json', { thresholds: { active_days: 100, churn_days: 50 } });
    const r = await runClm(['stages', ...DEMO, '--config', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`from ${f}: thresholds.churn_days`);
    expect(r.stderr).toContain(`from ${f}: thresholds.active_days`);
    const flags = await runClm(['stages', ...DEMO, '--active-days', '100', '--churn-days', '50']);
    expect(flags.stderr).toMatch(/from --churn-days.*from --active-days/);
  });

  it('a config that is not a regular file, or larger than 1 MB, is refused before it is read', async () => {
    const dev = await runClm(['summary', ...DEMO, '--config', '/dev/zero']);
    expect(dev.code).toBe(2);
    expect(dev.stderr).toMatch(/--config \/dev\/zero: not a regular file/);
    const big = config('big.json', `{"currency":"USD",${' '.repeat(1_100_000)}"preset":"shopify"}`);
    const r = await runClm(['summary', ...DEMO, '--config', big]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/more than a config holds/);
  });
});
