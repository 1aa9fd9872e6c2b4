import { describe, expect, it } from 'vitest';
import { runClm } from '../../helpers/run-clm.js';
import { compileStages } from '../../../src/engine/duckdb/stages.js';
import { DIALECTS } from '../../../src/engine/sql/dialects.js';

const FROM = `read_csv('orders.csv', header = false)`;

function stages(): ReturnType<typeof compileStages> {
  return compileStages({
    dialect: DIALECTS.duckdb,
    from: FROM,
    columns: { customer_id: 'c1', order_date: 'c2', amount: 'c3', order_id: 'c0', status: 'c5', currency: 'c4', channel: 'c6' },
    header: ['order_id', 'customer_id', 'order_date', 'amount', 'currency', 'status', 'channel'].map((text, i) => ({ column: `c${i}`, text })),
  });
}

describe('the DuckDB engine holds little (issue 13, items 1 and 7)', () => {
  it('runs the shared steps once: one statement reads the file, one numbers repeated order ids (over two columns), and the ledger crosses by customer number', () => {
    const s = stages();
    const all = [...s.steps.map((x) => x.sql), s.outcomes, s.currencies, s.unknownStatuses, s.amountDecimals, s.attributes, s.ids, s.ledgerCounts, s.ledger];
    expect(all.filter((q) => q.includes(FROM))).toEqual([s.steps[0].sql]);
    expect(all.filter((q) => q.includes('PARTITION BY order_id'))).toEqual([expect.stringMatching(/^CREATE TEMP TABLE clm_repeats AS SELECT row_no FROM \(\n  SELECT rowid AS row_no, row_number\(\) OVER \(PARTITION BY order_id ORDER BY rowid\) AS k\n  FROM clm_read WHERE/)]);
    expect(all.filter((q) => q.includes("regexp_matches(date_text")).length).toBe(1);
    // the ledger: a number per row, never the customer's id, and no sort of the whole ledger (clm places each row)
    expect(s.ledger).toBe('SELECT idx, day, orders, CAST(amount_mills AS DOUBLE) FROM clm_ledger');
    expect(s.steps.find((x) => x.sql.startsWith('CREATE TEMP TABLE clm_ledger'))?.sql).toMatch(/^CREATE TEMP TABLE clm_ledger AS [^]*\nSELECT n\.idx, CAST\(b\.day AS INTEGER\) AS day[^]*GROUP BY n\.idx, b\.day$/);
  });

  it('CLM_DUCKDB_MEMORY bounds DuckDB: too little stops it naming the setting, enough gives the answer of the streaming engine, a value that is no amount of memory is a usage error', async () => {
    const args = ['summary', '--orders', 'fixtures/demo/orders.csv', '--as-of', '2024-12-31', '--format', 'csv'];
    const streaming = await runClm([...args, '--engine', 'streaming']);
    const enough = await runClm([...args, '--engine', 'duckdb'], { env: { CLM_DUCKDB_MEMORY: '256MB' } });
    expect(enough.code).toBe(0);
    expect(enough.stdout).toBe(streaming.stdout);
    const little = await runClm([...args, '--engine', 'duckdb'], { env: { CLM_DUCKDB_MEMORY: '1MB' } });
    expect(little.code).toBe(3);
    expect(little.stderr).toContain('the DuckDB engine ran out of the memory it may hold (1MB, from CLM_DUCKDB_MEMORY)');
    expect(little.stderr).toContain('CLM_DUCKDB_MEMORY=4GB');
    const bad = await runClm([...args, '--engine', 'duckdb'], { env: { CLM_DUCKDB_MEMORY: 'lots' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CLM_DUCKDB_MEMORY must be an amount of memory like 2GB or 500MB, not "lots"');
  });
});
