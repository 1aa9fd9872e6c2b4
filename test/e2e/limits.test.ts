/**
 * Issue 17, items 9 and 10: a 40 MB line without a quote is named for what it is, and an
 * --out name too long for the file system is a usage error (exit 70 before).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-limits-'));

describe('limits', () => {
  it('a 40 MB line with no quote is "no line break", not "unclosed quote"', async () => {
    const f = join(dir, 'long.csv');
    writeFileSync(f, 'order_id,customer_id,order_date,amount\n' + 'x'.repeat(40 * 1024 * 1024));
    const r = await runClm(['summary', '--orders', f]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/a line of more than 32 MB with no line break/);
    expect(r.stderr).not.toMatch(/unclosed quote/);
  });

  it('--out with a 245-byte name is a usage error naming the limit; so is --output', async () => {
    const name = 'r'.repeat(245);
    const r = await runClm(['report', '--orders', 'fixtures/demo/orders.csv', '--out', join(dir, name)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/more than the file system allows/);
    const o = await runClm(['customers', '--orders', 'fixtures/demo/orders.csv', '--output', join(dir, name + '.csv')]);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/longer than the file system allows/);
  });
});
