import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CustomerTable } from '../../src/domain/customer-state.js';
import { readCustomerState } from '../../src/engine/streaming/read-orders.js';

/**
 * The shared real datasets: $CLM_DATASETS, else ../shared/datasets beside the checkout, else
 * /work/shared/datasets (where CI mounts them). Tests that need them skip when none exists.
 */
export const DATASETS: string =
  process.env.CLM_DATASETS ??
  [resolve(process.cwd(), '../shared/datasets'), '/work/shared/datasets'].find((p) => existsSync(p)) ??
  resolve(process.cwd(), '../shared/datasets');

/** A dataset file read into per-customer state with a preset, as `clm` reads it. */
export async function loadTable(orders: string, preset: string): Promise<CustomerTable> {
  const loaded = await readCustomerState({ orders, preset, map: { orders: new Map(), customers: new Map(), payments: new Map() }, warn: () => {} });
  return loaded.table;
}
