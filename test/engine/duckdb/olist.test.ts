import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { duckdbEngine } from '../../../src/engine/duckdb/duckdb-engine.js';
import { readCustomerState } from '../../../src/engine/streaming/read-orders.js';
import type { LoadedData, ReadSpec } from '../../../src/engine/spec.js';
import { expectAgreement } from './agree.js';

const D = '../shared/datasets';

/** The two Olist sets (datasets/README.md): orders, customers (the person key) and payments (or order items: price + freight). */
export const OLIST = {
  'olist-4k': { orders: `${D}/olist-4k/olist_orders_dataset.csv`, customers: `${D}/olist-4k/olist_customers_dataset.csv`, payments: `${D}/olist-4k/olist_order_payments_dataset.csv` },
  'olist-2017': { orders: `${D}/olist-2017/orders.csv`, customers: `${D}/olist-2017/customers.csv`, payments: `${D}/olist-2017/order_items.csv` },
} as const;

function spec(files: { orders: string; customers?: string; payments?: string }, more: Partial<ReadSpec> = {}): ReadSpec {
  return { ...files, preset: 'olist', map: { orders: new Map(), customers: new Map(), payments: new Map() }, warn: () => {}, parallel: 'off', ...more };
}

/** The customers file's part of what an engine returns: its counts, who it lists, the inputs' rows. */
export function expectJoinAgreement(sql: LoadedData, streaming: LoadedData): void {
  expect(sql.customersFile).toEqual(streaming.customersFile);
  expect([...(sql.listed ?? [])]).toEqual([...(streaming.listed ?? [])]);
  expect(sql.inputs.map((i) => [i.role, i.rows])).toEqual(streaming.inputs.map((i) => [i.role, i.rows]));
}

describe.runIf(existsSync(D))('DuckDB joins the Olist customers and payments as the streaming engine does', () => {
  for (const [name, files] of Object.entries(OLIST)) {
    it(`${name}: the same customers (persons), prospects, attributes, cents and reconciliation`, async () => {
      const warnedD: string[] = [];
      const warnedS: string[] = [];
      const d = await duckdbEngine.read(spec(files, { warn: (m) => void warnedD.push(m) }));
      const s = await readCustomerState(spec(files, { warn: (m) => void warnedS.push(m) }));
      expectAgreement(d, s);
      expectJoinAgreement(d, s);
      expect(warnedD).toEqual(warnedS);
      expect(s.table.attributeNames.length).toBeGreaterThan(0);
      expect(s.reconciliation.excluded.size).toBeGreaterThan(0);
    }, 120_000);
  }
});
