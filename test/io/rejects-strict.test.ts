import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

/**
 * Issue 12, item 7: `--rejects FILE` must leave no FILE.tmp-PID behind when the pass throws
 * (--strict stops at the first rejected row; a mixed date order stops later). Fixed with the
 * atomic rejects file of issue 17; kept here as the test.
 */
describe('--rejects when the pass stops', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clm-rej-'));
  const rows = Array.from({ length: 5000 }, (_, i) => `${i},c${i % 300},2024-01-${String(1 + (i % 28)).padStart(2, '0')},${i % 7 === 0 ? 'abc' : '10.50'}`);

  it('--strict: exit 3 naming the row, and neither the rejects file nor a temporary file is left', async () => {
    const orders = join(dir, 'strict.csv');
    writeFileSync(orders, 'order_id,customer_id,order_date,amount\n' + rows.join('\n') + '\n');
    const r = await runClm(['summary', '--orders', orders, '--rejects', join(dir, 'rej.csv'), '--strict']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('strict.csv:2: column "amount": value "abc"');
    expect(readdirSync(dir).filter((f) => f.startsWith('rej'))).toEqual([]);
  });

  it('a data error after rejected rows were written (day-first and month-first dates mixed): nothing left either', async () => {
    const orders = join(dir, 'mixed.csv');
    const mixed = ['1,c1,2024-01-05,abc', '2,c2,13/01/2024,10', '3,c3,01/13/2024,10'];
    writeFileSync(orders, 'order_id,customer_id,order_date,amount\n' + [...rows.slice(1, 200), ...mixed].join('\n') + '\n');
    const r = await runClm(['summary', '--orders', orders, '--rejects', join(dir, 'rej2.csv')]);
    expect(r.code).toBe(3);
    expect(readdirSync(dir).filter((f) => f.startsWith('rej2'))).toEqual([]);
  });
});
