import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWithClm, runHonest } from '../../bench/duckdb-honest.js';
import { generateShop, type ShopFile } from '../../src/gen/generate.js';
import { ID_SHAPES, type IdShape } from '../../src/gen/ids.js';
import { runClm } from '../helpers/run-clm.js';

/** Writes a small generated shop of one id shape; returns its orders.csv. */
function writeShop(idShape: IdShape): string {
  const dir = mkdtempSync(join(tmpdir(), `clm-bench-${idShape}-`));
  const parts: Record<ShopFile, string[]> = { 'customers.csv': [], 'orders.csv': [] };
  generateShop({ customers: 400, orders: 2500, seed: 11, idShape }, (file, chunk) => parts[file].push(chunk));
  const file = join(dir, 'orders.csv');
  writeFileSync(file, parts['orders.csv'].join(''), 'latin1');
  return file;
}

describe('the benchmark reference (bench/duckdb-honest.js) does the work clm summary does', () => {
  const seen: Record<string, unknown>[] = [];

  it.each(ID_SHAPES)('agrees with clm summary on a generated shop with %s ids', async (shape) => {
    const file = writeShop(shape);
    const clm = await runClm(['summary', '--orders', file, '--format', 'json']);
    expect(clm.code, clm.stderr).toBe(0);
    const summary = JSON.parse(clm.stdout).meta.summary;
    const duck = await runHonest(file, 1);
    const rows = compareWithClm(summary, duck);
    expect(rows.map((r) => r.name)).toEqual([
      'customers', 'orders', 'net revenue', 'first order date', 'last order date', 'repeat customer rate',
    ]);
    for (const row of rows) expect(row.equal, `${row.name}: clm ${row.clm}, DuckDB ${row.duckdb}`).toBe(true);
    // the shop has refunds and excluded statuses, so the agreement covers both rules
    expect(summary.orders).toBeGreaterThan(2000);
    expect(JSON.parse(clm.stdout).meta.reconciliation.refunds).toBeGreaterThan(10);
    seen.push({ ...duck, threads: undefined });
  });

  it('gives the same numbers on every id shape (the shapes spell one shop)', () => {
    expect(seen).toHaveLength(ID_SHAPES.length);
    for (const s of seen) expect(s).toEqual(seen[0]);
  });

  it('reports a difference instead of hiding it', () => {
    const clm = {
      customers: 10, orders: 20, net_revenue: 100.01, first_order_date: '2024-01-01', last_order_date: '2024-02-01',
      repeat_customer_rate: 0.5,
    };
    const duck = {
      customers: 10, orders: 21, revenue: 100.02, first_order_date: '2024-01-01', last_order_date: '2024-02-01',
      repeat_customer_rate: 0.5, threads: 1,
    };
    const differ = compareWithClm(clm, duck).filter((r) => !r.equal).map((r) => [r.name, r.clm, r.duckdb]);
    expect(differ).toEqual([['orders', 20, 21], ['net revenue', 100.01, 100.02]]);
  });
});
