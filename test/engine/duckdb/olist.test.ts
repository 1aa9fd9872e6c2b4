import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { duckdbEngine } from '../../../src/engine/duckdb/duckdb-engine.js';
import { readCustomerState } from '../../../src/engine/streaming/read-orders.js';
import type { LoadedData, ReadSpec } from '../../../src/engine/spec.js';
import { expectAgreement, expectJoinAgreement, OLIST } from './agree.js';
import { DATASETS } from '../../helpers/datasets.js';

function spec(files: { orders: string; customers?: string; payments?: string }, more: Partial<ReadSpec> = {}): ReadSpec {
  return { ...files, preset: 'olist', map: { orders: new Map(), customers: new Map(), payments: new Map() }, warn: () => {}, parallel: 'off', ...more };
}

describe.runIf(existsSync(DATASETS))('DuckDB joins the Olist customers and payments as the streaming engine does', () => {
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
