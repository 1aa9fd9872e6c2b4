/**
 * Issue 17, item 5: no silent wrong sums. Amounts near 1e308 are rejected, currencies written in
 * the amount text follow the one-currency rule, and every customers-file row is accounted for.
 * (Statuses in other scripts: test/io/grain-status.test.ts.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-sums-'));
function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe('amounts', () => {
  it('two amounts near 1e308 are rejected with their own hint, never summed to Infinity', async () => {
    const big = '1' + '0'.repeat(307);
    const f = write('huge.csv', `order_id,customer_id,order_date,amount\n1,a,2024-01-01,${big}\n2,a,2024-01-02,${big}\n3,b,2024-01-03,10\n`);
    const r = await runClm(['summary', '--orders', f, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.meta.reconciliation.rejected.bad_amount).toBe(2);
    expect(j.rows.find((x: { metric: string }) => x.metric === 'net_revenue').value).toBe(10);
    expect(r.stderr).toMatch(/not believable/);
    expect(r.stdout).not.toMatch(/Infinity/);
  });

  it('currency symbols in the amount ($, €, £) are three currencies: an error listing each', async () => {
    const f = write('symbols.csv', 'order_id,customer_id,order_date,amount\n1,a,2024-01-01,$100\n2,b,2024-01-02,€100\n3,c,2024-01-03,£100\n4,d,2024-01-04,$5\n');
    const r = await runClm(['summary', '--orders', f]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/more than one currency: USD \(2 rows\), EUR \(1 rows\), GBP \(1 rows\)/);
    const kept = await runClm(['summary', '--orders', f, '--currency', 'USD', '--format', 'json']);
    expect(kept.code).toBe(0);
    expect(JSON.parse(kept.stdout).rows.find((x: { metric: string }) => x.metric === 'net_revenue').value).toBe(105);
  });

  it('currency codes in the amount (EUR 100, USD 100) likewise', async () => {
    const f = write('codes.csv', 'order_id,customer_id,order_date,amount\n1,a,2024-01-01,EUR 100\n2,b,2024-01-02,USD 100\n');
    const r = await runClm(['summary', '--orders', f]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/EUR \(1 rows\)/);
    expect(r.stderr).toMatch(/USD \(1 rows\)/);
  });

  it('one currency written everywhere is fine', async () => {
    const f = write('one.csv', 'order_id,customer_id,order_date,amount\n1,a,2024-01-01,$100\n2,b,2024-01-02,"$1,200.50"\n3,b,2024-01-09,USD 3\n');
    const r = await runClm(['summary', '--orders', f, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).rows.find((x: { metric: string }) => x.metric === 'net_revenue').value).toBe(1303.5);
  });
});

describe('the customers file', () => {
  it('accounts for every row: kept, repeated, blank id, broken; and says what it left out', async () => {
    const orders = write('o.csv', 'order_id,customer_id,order_date,amount\n1,a,2024-01-01,10\n');
    const customers = write('c.csv', 'customer_id,country\na,US\nb,DE\na,FR\n,NL\nc,US,extra\nd\n\ne,SE\n');
    const r = await runClm(['summary', '--orders', orders, '--customers', customers, '--format', 'json']);
    expect(r.code).toBe(0);
    const f = JSON.parse(r.stdout).meta.customers_file;
    expect(f).toEqual({ rows: 7, customers: 3, duplicate_rows: 1, blank_id_rows: 1, broken_rows: 2, blank_rows: 0, repeated_header_rows: 0 });
    expect(f.customers + f.duplicate_rows + f.blank_id_rows + f.broken_rows + f.blank_rows + f.repeated_header_rows).toBe(f.rows);
    expect(r.stderr).toMatch(/rows left out of the customers file: 1 with a blank customer id, 2 with the wrong number of fields/);
    expect(r.stderr).toMatch(/c\.csv:6: 3 fields where the header has 2/);
  });
});
