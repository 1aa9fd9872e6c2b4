import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

/**
 * Issue 12, item 7: when the day/month order must be learned from the data, the orders are
 * read again, but a customers file on stdin cannot be: it was read once and must be reused.
 */
describe('an ambiguous date order with the customers file on stdin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clm-reread-'));
  const orders = join(dir, 'orders.csv');
  // 03/04/2024 is ambiguous; 13/04/2024 decides: day first
  writeFileSync(orders, 'order_id,customer_id,order_date,amount\n1,c1,03/04/2024,10\n2,c1,13/04/2024,10\n3,c2,05/04/2024,5\n');
  const customers = 'customer_id,country\nc1,DE\nc2,FR\nc3,IT\n';

  it('reads the customers from stdin once and the dates day first', async () => {
    const r = await runClm(['customers', '--orders', orders, '--customers', '-', '--as-of', '2024-04-30', '--format', 'csv'], { stdin: customers });
    expect(r.stderr).not.toContain('empty');
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/,country$/);
    expect(rows.find((l) => l.startsWith('c1,'))).toMatch(/^c1,2024-04-03,2024-04-13,2,2,.*,DE$/);
    expect(rows.find((l) => l.startsWith('c2,'))).toMatch(/^c2,2024-04-05,2024-04-05,1,1,.*,FR$/);
    // c3 is a prospect from the customers file: it was not lost with the re-read
    expect(rows.find((l) => l.startsWith('c3,'))).toMatch(/^c3,,,0,0,.*,IT$/);
  });

  it('the same with the customers file on disk (the control)', async () => {
    const f = join(dir, 'customers.csv');
    writeFileSync(f, customers);
    const r = await runClm(['customers', '--orders', orders, '--customers', f, '--as-of', '2024-04-30', '--format', 'csv']);
    const viaStdin = await runClm(['customers', '--orders', orders, '--customers', '-', '--as-of', '2024-04-30', '--format', 'csv'], { stdin: customers });
    expect(r.code).toBe(0);
    expect(viaStdin.stdout).toBe(r.stdout);
  });
});
