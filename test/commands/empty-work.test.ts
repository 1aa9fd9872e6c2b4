/**
 * Issue 14, item 1: no counted order at all is a data error (exit 3) with the reasons and the
 * flag that fixes the largest, in every command; never an empty table "as of 1970-01-01" with
 * exit 0. An --as-of far after the last order warns with the gap.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-empty-'));
const f = join(dir, 'bezahlt.csv');
writeFileSync(f, 'order_id,customer_id,order_date,amount,status\n1,a,2024-01-01,10,bezahlt\n2,b,2024-01-02,12,bezahlt\n3,c,2024-01-03,"12,50",paid\n');

describe('no counted order', () => {
  for (const command of ['summary', 'stages', 'segments', 'cohorts', 'kpis', 'cltv', 'customers']) {
    it(`clm ${command}: exit 3 naming the reasons and the fix`, async () => {
      const r = await runClm([command, '--orders', f]);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/no counted order in 3 rows: 2 status not recognised, 1 unparseable amount/);
      expect(r.stderr).toMatch(/--count-status "bezahlt"/);
      expect(r.stdout + r.stderr).not.toMatch(/1970-01-01/);
    });
  }

  it('clm report writes nothing and exits 3', async () => {
    const r = await runClm(['report', '--orders', f, '--out', join(dir, 'report')]);
    expect(r.code).toBe(3);
  });

  it('only Excel serial dates: exit 3, each row names the date, the closing hint names the export fix, not only --date-format', async () => {
    const serial = join(dir, 'serial.csv');
    writeFileSync(serial, 'order_id,customer_id,order_date,amount\n1,c1,44928,10\n2,c2,44929,20\n');
    const r = await runClm(['summary', '--orders', serial]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Excel serial date (44928 = 2023-01-02)');
    expect(r.stderr).toMatch(/hint: check the date column .*dates exported as text \(yyyy-mm-dd\) for Excel serial numbers/);
  });

  it('--as-of before the first order: exit 3 naming the first order\'s date; far after the last: a warning with the gap', async () => {
    const early = await runClm(['summary', '--orders', 'fixtures/demo/orders.csv', '--as-of', '2020-01-01']);
    expect(early.code).toBe(3);
    expect(early.stderr).toMatch(/dated after --as-of/);
    expect(early.stderr).toContain('pass an --as-of on or after 2023-01-02, the first order\'s date (every order is dated after 2020-01-01)');
    const late = await runClm(['summary', '--orders', 'fixtures/demo/orders.csv', '--as-of', '2026-01-01']);
    expect(late.code).toBe(0);
    expect(late.stderr).toMatch(/the as-of date is 366 days after the last counted order/);
  });
});

describe('clm with no command (issue 14, item 14)', () => {
  it('prints the help on stderr and exits 2, with nothing on stdout', async () => {
    const r = await runClm([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Usage: clm/);
    expect(r.stderr).toMatch(/no command given/);
  });
});
