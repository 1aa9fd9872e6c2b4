/**
 * Issue 14, item 7: rejections that tell the analyst what happened. After the first five
 * rejected rows a count of the rest and the --rejects that lists them; Excel's trailing empty
 * rows and a header line repeated mid-file are counted under their own reasons, never
 * rejected with a --decimal-comma hint; unpadded ISO dates and amounts in scientific notation
 * are read; an Excel serial date is named as one; date errors name the file's column.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadedData } from '../../src/engine/spec.js';
import { readCustomerState } from '../../src/engine/streaming/read-orders.js';
import { runClm } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-rej-'));
const HEADER = 'order_id,customer_id,order_date,amount';

function write(name: string, lines: string[]): string {
  const f = join(dir, name);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

async function read(f: string, extra: { customers?: string } = {}): Promise<{ data: LoadedData; warnings: string[] }> {
  const warnings: string[] = [];
  const data = await readCustomerState({
    orders: f,
    customers: extra.customers,
    map: { orders: new Map(), customers: new Map(), payments: new Map() },
    warn: (m) => warnings.push(m),
    parallel: 'off',
  });
  return { data, warnings };
}

const rejectedShown = (stderr: string): number => stderr.split('\n').filter((l) => /\(row rejected;/.test(l)).length;

describe('more than five rejected rows', () => {
  const lines = [HEADER, '1,a,2024-01-01,10'];
  for (let i = 0; i < 8; i++) lines.push(`${i + 2},b,2024-01-02,ten`);
  const f = write('eight-bad.csv', lines);

  it('the first five are shown, then how many more and that --rejects FILE lists them', async () => {
    const r = await runClm(['summary', '--orders', f]);
    expect(r.code, r.stderr).toBe(0);
    expect(rejectedShown(r.stderr)).toBe(5);
    expect(r.stderr).toContain(`${f}: 3 more rows rejected (8 in all); pass --rejects FILE to list every one with its line and reason`);
  });

  it('with --rejects, the message names the file that lists them', async () => {
    const out = join(dir, 'rejects.csv');
    const r = await runClm(['summary', '--orders', f, '--rejects', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${f}: 3 more rows rejected (8 in all); ${out} lists every one with its line and reason`);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(9);
  });

  it('five or fewer: no such line', async () => {
    const g = write('five-bad.csv', lines.slice(0, 7));
    const r = await runClm(['summary', '--orders', g]);
    expect(rejectedShown(r.stderr)).toBe(5);
    expect(r.stderr).not.toMatch(/more rows rejected/);
  });
});

describe("Excel's empty rows and a repeated header", () => {
  it('trailing ,,, rows are counted as empty rows, not rejected with a --decimal-comma hint', async () => {
    const f = write('excel-tail.csv', [HEADER, '1,a,2024-01-01,10', '2,b,2024-01-02,5', ',,,', ',,,', ',,', '  , ,,']);
    const { data, warnings } = await read(f);
    expect(data.reconciliation.excluded.get('empty_row')).toBe(4);
    expect([...data.reconciliation.rejected]).toEqual([]);
    expect(warnings.join('\n')).not.toMatch(/decimal-comma|rejected/);
    const r = await runClm(['summary', '--orders', f, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.meta.reconciliation).toEqual({ rows_read: 6, order_rows: 2, refund_rows: 0, orders: 2, refunds: 0, excluded: { empty_row: 4 }, rejected: {} });
    const rows = out.tables.reconciliation as { bucket: string; reason: string; rows: number }[];
    expect(rows).toContainEqual(expect.objectContaining({ bucket: 'excluded', reason: 'empty row (only delimiters)', rows: 4 }));
    expect(rows).toContainEqual(expect.objectContaining({ bucket: 'check', reason: 'every row accounted for', rows: 6 }));
  });

  it('a header line repeated mid-file (two exports pasted together) is counted as such', async () => {
    const f = write('twice.csv', [HEADER, '1,a,2024-01-01,10', `"order_id","customer_id","order_date","amount"`, '2,b,2024-01-02,5', ` ${HEADER.replace(/,/g, ' , ')}`]);
    const { data, warnings } = await read(f);
    expect(data.reconciliation.excluded.get('repeated_header')).toBe(2);
    expect([...data.reconciliation.rejected]).toEqual([]);
    expect(data.reconciliation.orders).toBe(2);
    expect(warnings).toEqual([]);
  });

  it('a row with an empty amount is rejected with its own hint, not a --decimal-comma one', async () => {
    const f = write('empty-amount.csv', [HEADER, '1,a,2024-01-01,10', '2,b,2024-01-02,']);
    const r = await runClm(['summary', '--orders', f]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${f}:3: column "amount": value "": unparseable amount (row rejected; the amount is empty: every order needs one`);
    expect(r.stderr).not.toMatch(/decimal-comma/);
  });

  it('--strict does not stop at them (they are not rejected rows)', async () => {
    const f = write('strict.csv', [HEADER, '1,a,2024-01-01,10', HEADER, ',,,']);
    const r = await runClm(['summary', '--orders', f, '--strict']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('the customers file: empty rows are blank rows and a repeated header is no customer', async () => {
    const orders = write('o.csv', [HEADER, '1,c1,2024-01-01,10']);
    const customers = write('c.csv', ['customer_id,country', 'c1,DE', 'customer_id,country', 'c2,FR', ',', ',']);
    const r = await runClm(['summary', '--orders', orders, '--customers', customers, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const f = JSON.parse(r.stdout).meta.customers_file;
    expect(f).toEqual({ rows: 5, customers: 2, duplicate_rows: 0, blank_id_rows: 0, broken_rows: 0, blank_rows: 2, repeated_header_rows: 1 });
    expect(r.stderr).not.toMatch(/blank customer id/);
  });
});

describe('values as R, pandas and Excel write them', () => {
  it('unpadded ISO dates (2024-3-5) are read', async () => {
    const f = write('unpadded.csv', [HEADER, '1,a,2024-3-5,10', '2,a,2024-03-5,10', '3,b,2024-12-1 14:05:00,5', '4,b,2024-1-09T23:30:00Z,1']);
    const { data } = await read(f);
    expect([...data.reconciliation.rejected]).toEqual([]);
    const row = (id: string): number => data.table.ids.indexOf(id);
    const iso = (d: number): string => new Date(d * 86_400_000).toISOString().slice(0, 10);
    expect(iso(data.table.firstDay[row('a')])).toBe('2024-03-05');
    expect(iso(data.table.firstDay[row('b')])).toBe('2024-01-09');
    expect(iso(data.table.lastDay[row('b')])).toBe('2024-12-01');
  });

  it('amounts in scientific notation (4.440892e-16, 1.2E+03) are read', async () => {
    const f = write('sci.csv', [HEADER, '1,a,2024-01-01,1.2E+03', '2,a,2024-01-02,4.440892e-16', '3,b,2024-01-03,2e2', '4,b,2024-01-04,"1,000"']);
    const { data, warnings } = await read(f);
    expect([...data.reconciliation.rejected]).toEqual([]);
    expect(warnings).toEqual([]);
    expect(data.table.revenue[data.table.ids.indexOf('a')]).toBeCloseTo(1200, 9);
    expect(data.table.revenue[data.table.ids.indexOf('b')]).toBe(1200);
  });

  it('an Excel serial date is named as one, with its date and the fix', async () => {
    const f = write('serial.csv', [HEADER, '1,a,2024-01-01,10', '2,a,45382,10']);
    const r = await runClm(['summary', '--orders', f]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${f}:3: column "order_date": value "45382"`);
    expect(r.stderr).toContain('looks like an Excel serial date (45382 = 2024-03-31)');
    expect(r.stderr).toMatch(/export the dates as text/);
  });

  it("date errors name the file's column, not the field", async () => {
    const f = write('datum.csv', ['Bestellnummer,Kundennummer,Datum,Betrag', '1,a,03/04/2024,10', '2,b,05/06/2024,5']);
    const r = await runClm(['summary', '--orders', f, '--map', 'order_id=Bestellnummer', '--map', 'customer_id=Kundennummer', '--map', 'order_date=Datum', '--map', 'amount=Betrag']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Datum/);
    expect(r.stderr).not.toMatch(/order_date/);
  });
});
