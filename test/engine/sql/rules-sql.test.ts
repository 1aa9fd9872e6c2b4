import { describe, expect, it } from 'vitest';
import { classifyOrder, isRefund, type OrderFacts, type OrderRules, type StatusClass } from '../../../src/engine/rules.js';
import { rulesCase } from '../../../src/engine/sql/compile.js';
import { DIALECTS } from '../../../src/engine/sql/dialects.js';

/**
 * The compiled CASE of the order rules decides every combination of facts as classifyOrder
 * does (rule by rule, in order), run in DuckDB: the SQL engines cannot drift from rules.ts.
 */
const STATUSES: StatusClass[] = ['counted', 'cancelled', 'failed', 'pending', 'refunded', 'test', 'unknown', 'excluded'];

function* allFacts(): Generator<OrderFacts> {
  for (const hasCustomer of [true, false])
    for (const cancelled of [false, true])
      for (const status of STATUSES)
        for (const currency of ['', 'USD', 'EUR'])
          for (const day of [100, 200])
            for (const amount of [-5, 0, 3.5, 10])
              for (const refund of [0, 3.5, 10, 12])
                for (const cancelInvoice of [false, true]) yield { hasCustomer, cancelled, status, currency, day, amount, refund, cancelInvoice, moreLines: false };
}

describe('the order rules as SQL', () => {
  for (const rules of [{}, { currency: 'USD', asOf: 150 }] as OrderRules[]) {
    it(`decide as classifyOrder does (${rules.currency ? '--currency USD --as-of' : 'no options'})`, async () => {
      const facts = [...allFacts()];
      const d = DIALECTS.duckdb;
      const rows = facts.map(
        (o, i) =>
          `(${i}, ${o.hasCustomer}, ${o.cancelled}, ${d.lit(o.status)}, ${d.lit(o.currency)}, ${o.day}, ${Math.round(o.amount * 1000)}, ${Math.round(o.refund * 1000)}, ${isRefund(o)})`,
      );
      const sql = `SELECT i, ${rulesCase({ d, currency: rules.currency, asOf: rules.asOf })} AS outcome
        FROM (VALUES ${rows.join(',\n')}) AS f(i, has_customer, cancelled, status_class, currency, day, amount_mills, refund_mills, is_refund) ORDER BY i`;
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      const got = (await c.runAndReadAll(sql)).getRowsJS().map((r) => r[1]);
      c.closeSync();
      db.closeSync();
      const want = facts.map((o) => classifyOrder(o, rules));
      expect(got).toHaveLength(facts.length);
      expect(new Set(want).size).toBeGreaterThan(6);
      expect(got).toEqual(want);
    });
  }
});
