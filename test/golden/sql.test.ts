import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DIALECT_NAMES } from '../../src/engine/sql/dialects.js';
import { runClm } from '../helpers/run-clm.js';

/**
 * Golden files of `clm sql` per dialect (issue 13), reviewed like code: Spark, Trino, BigQuery
 * and Snowflake are never run here, so a change to their SQL shows up only in these diffs.
 * Regenerate with `UPDATE_GOLDEN=1 npx vitest run test/golden/sql.test.ts` and review the diff.
 */
const dir = join(dirname(fileURLToPath(import.meta.url)), 'sql');
const ARGS = ['--table', 'shop.orders', '--map', 'order_id=order_id', '--map', 'status=status', '--map', 'currency=currency', '--map', 'refund=refunded', '--currency', 'USD', '--as-of', '2024-12-31'];

describe('golden SQL per dialect', () => {
  for (const [dialect, name, more] of DIALECT_NAMES.flatMap((d) => [[d, d, []], [d, `${d}-summaries`, ['--summaries']]] as const)) {
    it(name, async () => {
      const r = await runClm(['sql', '--dialect', dialect, ...ARGS, ...more]);
      expect(r.code).toBe(0);
      const path = join(dir, `${name}.sql`);
      if (process.env.UPDATE_GOLDEN || !existsSync(path)) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(path, r.stdout);
        if (!process.env.UPDATE_GOLDEN) throw new Error(`golden file ${path} was missing and has been written; review it and run again`);
      }
      expect(r.stdout).toBe(readFileSync(path, 'utf8'));
    });
  }
});
