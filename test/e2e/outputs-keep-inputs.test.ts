/**
 * Issue 17, data loss items 1 and 2: an output never replaces an input (by any path to the
 * same file), and replacing an earlier report folder never deletes a file clm did not write.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-keep-'));
const orders = join(dir, 'o.csv');
const customers = join(dir, 'c.csv');
copyFileSync('fixtures/demo/orders.csv', orders);
copyFileSync('fixtures/demo/customers.csv', customers);
const original = readFileSync(orders, 'utf8');

describe('an output onto an input is refused, and the input stays as it was', () => {
  symlinkSync(orders, join(dir, 'link.csv'));
  linkSync(orders, join(dir, 'hard.csv'));
  const cases: [string, string[]][] = [
    ['--output onto the orders file', ['customers', '--orders', orders, '--output', orders]],
    ['--rejects onto the orders file', ['summary', '--orders', orders, '--rejects', orders]],
    ['--output onto the customers file', ['customers', '--orders', orders, '--customers', customers, '--output', customers]],
    ['--output through a symlink', ['customers', '--orders', orders, '--output', join(dir, 'link.csv')]],
    ['--output through a hard link', ['customers', '--orders', orders, '--output', join(dir, 'hard.csv')]],
    ['--output through another spelling', ['customers', '--orders', orders, '--output', join(dir, '.', 'sub', '..', 'o.csv')]],
  ];
  mkdirSync(join(dir, 'sub'));
  for (const [name, args] of cases) {
    it(name, async () => {
      const r = await runClm(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is the --(orders|customers) file .*: writing it would destroy the input/);
      expect(readFileSync(orders, 'utf8')).toBe(original);
      expect(readFileSync(customers, 'utf8')).toBe(readFileSync('fixtures/demo/customers.csv', 'utf8'));
    });
  }

  it('an input named in the config is protected too', async () => {
    const cfg = join(dir, 'clm.config.json');
    writeFileSync(cfg, JSON.stringify({ inputs: { orders: 'o.csv' } }));
    const r = await runClm(['customers', '--config', cfg, '--output', orders]);
    expect(r.code).toBe(2);
    expect(readFileSync(orders, 'utf8')).toBe(original);
    const onConfig = await runClm(['customers', '--config', cfg, '--output', cfg]);
    expect(onConfig.code).toBe(2);
    expect(onConfig.stderr).toMatch(/is the --config file/);
  });
});

describe('replacing an earlier report folder', () => {
  it('refuses when the folder holds a file the earlier report did not write, and keeps it', async () => {
    const out = join(dir, 'report');
    expect((await runClm(['report', '--orders', orders, '--out', out])).code).toBe(0);
    copyFileSync(orders, join(out, 'orders-kept-here.csv'));
    const r = await runClm(['report', '--orders', join(out, 'orders-kept-here.csv'), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds a file the earlier report did not write \(orders-kept-here\.csv\)/);
    expect(readFileSync(join(out, 'orders-kept-here.csv'), 'utf8')).toBe(original);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  });

  it('replaces a folder that holds only what the earlier report wrote', async () => {
    const out = join(dir, 'report2');
    expect((await runClm(['report', '--orders', orders, '--out', out])).code).toBe(0);
    const r = await runClm(['report', '--orders', orders, '--out', out]);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  });
});
