import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv'];

describe('clm customers --where (issue 14, item 12)', () => {
  it('the caption counts the selected customers, not all of them', async () => {
    const where = 'stage == "at_risk" and orders > 25';
    const csv = await runClm(['customers', ...DEMO, '--where', where, '--format', 'csv']);
    expect(csv.code).toBe(0);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.customer_id)).toEqual(['C0000017', 'C0000538', 'C0000606']);
    const table = await runClm(['customers', ...DEMO, '--where', where, '--format', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`--where ${where}: 3 of 1,500 customers`);
  });

});
