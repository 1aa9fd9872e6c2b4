import type { Day } from './dates.js';

/**
 * Per-customer state (spec §2), columnar. Index i is one customer.
 *
 * Besides the summary fields, each customer keeps a day ledger: one entry per calendar day
 * on which something happened (orders and/or refunds), with the number of counted orders
 * and the net amount of that day. Every later analysis (stages at an earlier date, cohort
 * periods, calibration/holdout splits) is a fold over the ledger, so none of them needs to
 * re-read the orders. The ledger grows with distinct customer-days, not with order rows.
 */
export interface CustomerTable {
  readonly size: number;
  readonly ids: string[];
  /** First and last purchase day; NO_DAY for prospects. */
  readonly firstDay: Int32Array;
  readonly lastDay: Int32Array;
  readonly orders: Int32Array;
  /** Distinct days with at least one counted order. */
  readonly purchaseDays: Int32Array;
  /** Net revenue: counted orders minus refunds. */
  readonly revenue: Float64Array;
  /** Ledger in CSR form: entries of customer i are ledgerStart[i] .. ledgerStart[i+1]-1, by day. */
  readonly ledgerStart: Int32Array;
  /**
   * Day of the entry; once compacted, days after `ledgerDayBase` in 16 bits (read through
   * domain/ledger.ts, never directly).
   */
  readonly ledgerDay: Int32Array | Uint16Array;
  /** What is added to ledgerDay: the first entry's day once compacted; absent is 0. */
  readonly ledgerDayBase?: number;
  /** Counted orders of the entry; a byte each once compacted (domain/ledger.ts compactLedger). */
  readonly ledgerOrders: Int32Array | Uint8Array;
  /**
   * Net amount of the entry: the amount itself, or once compacted, whole minor units to divide
   * by `ledgerAmountScale` (read through domain/ledger.ts, never directly).
   */
  readonly ledgerAmount: Float64Array | Int32Array;
  /** What ledgerAmount is divided by: 100 or 1000 once compacted; absent is 1. */
  readonly ledgerAmountScale?: number;
  /** Customer attributes (from the customers file and order-level attributes), snake_case names. */
  readonly attributeNames: string[];
  readonly attributes: (string | undefined)[][];
}

export const NO_DAY = -2147483648;
