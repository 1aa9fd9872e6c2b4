import type { CustomerTable } from '../../../src/domain/customer-state.js';
import { ledgerTable } from '../../helpers/ledger-table.js';

/** A CustomerTable from per-customer ledgers [day, orders, amount][] (the shared fixture builder). */
export function tableOf(customers: Record<string, [number, number, number][]>): CustomerTable {
  return ledgerTable(Object.entries(customers).map(([id, ledger]) => [id, ledger.map(([day, orders, amount]) => ({ day, orders, amount }))]));
}
