import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../../helpers/datasets.js';
import { readOrders } from '../../../src/engine/engine.js';
import type { LoadedData, ReadSpec } from '../../../src/engine/spec.js';
import { expectAgreement } from './agree.js';

function spec(orders: string, more: Partial<ReadSpec> = {}): ReadSpec {
  return { orders, map: { orders: new Map(), customers: new Map(), payments: new Map() }, warn: () => {}, parallel: 'off', ...more };
}

async function both(s: ReadSpec): Promise<LoadedData> {
  const streaming = await readOrders({ ...s, engine: 'streaming' });
  const duck = await readOrders({ ...s, engine: 'duckdb' });
  expectAgreement(duck, streaming);
  return duck;
}

describe('the DuckDB engine and the streaming engine agree', () => {
  it('demo shop', async () => {
    const d = await both(spec('fixtures/demo/orders.csv'));
    expect(d.table.size).toBe(1253);
    expect(d.reconciliation.orders).toBe(5738);
    expect(d.table.attributeNames).toEqual(['channel']);
  });
});

describe('the DuckDB engine more', () => {
  it('CDNOW master (whitespace, no header line, preset cdnow)', async () => {
    const d = await both(spec(join(DATASETS, 'cdnow/CDNOW_master.txt'), { preset: 'cdnow' }));
    expect(d.table.size).toBe(23570);
  });
});
