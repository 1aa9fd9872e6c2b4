import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runClm } from './run-clm.js';

/** A cell of a query result as CSV text: whole numbers in full, doubles as their shortest round-trip text. */
function cell(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return v === 0 ? '0' : String(v);
  if (v === null || v === undefined) return '';
  return String(v);
}

/** The statements of `clm sql --summaries` with the file each one fills (named by the comment before it). */
export function summaryStatements(text: string): { file: string; sql: string }[] {
  const out: { file: string; sql: string }[] = [];
  for (const m of text.matchAll(/^-- ([a-z_]+\.csv): [^\n]*\n([\s\S]*?);\n/gm)) out.push({ file: m[1], sql: m[2] });
  return out;
}

/**
 * Runs `clm sql --dialect duckdb --table orders --summaries ARGS` in an embedded DuckDB whose
 * table `orders` holds `csv` (every column as text, as a warehouse export would), and writes
 * each statement's rows, with a header line, to the file its comment names. Returns the directory.
 */
export async function summariesFromDuckdb(csv: string, args: string[] = []): Promise<string> {
  const r = await runClm(['sql', '--dialect', 'duckdb', '--table', 'orders', '--summaries', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const stmts = summaryStatements(r.stdout);
  expect(stmts.map((s) => s.file)).toEqual(['rfm_counts.csv', 'spend_counts.csv', 'cohort_activity.csv']);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const dir = mkdtempSync(join(tmpdir(), 'clm-sql-summaries-'));
  try {
    await c.run(`CREATE TABLE orders AS SELECT * FROM read_csv('${csv.replace(/'/g, "''")}', all_varchar = true, header = true)`);
    for (const s of stmts) {
      const res = await c.runAndReadAll(s.sql);
      const lines = [res.columnNames().join(',')];
      for (const row of res.getRowsJS()) lines.push(row.map(cell).join(','));
      writeFileSync(join(dir, s.file), lines.join('\n') + '\n');
    }
  } finally {
    c.closeSync();
    db.closeSync();
  }
  return dir;
}
