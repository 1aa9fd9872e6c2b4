/**
 * What crosses the engine seam (architecture: "The engine seam"): the spec of a read (which
 * files, how to read their values, which rules) and what every engine returns (one record per
 * customer in a CustomerTable, the reconciliation of every row, the inputs, the as-of date).
 * Commands and analytics see only these types; how an engine gets there is its own business.
 */
import type { Readable } from 'node:stream';
import type { CustomerTable } from '../domain/customer-state.js';
import type { Day } from '../domain/dates.js';
import type { ReviewLog } from '../domain/reviews.js';
import type { SourceInfo } from '../io/input.js';
import type { FileMapping } from '../io/mapping.js';
import type { OrderReview } from '../io/read-reviews.js';
import type { Delimiter } from '../io/scanner.js';
import type { DayOrder } from '../io/values.js';
import type { ParallelMode } from './streaming/parallel-orders.js';

/** What to read and how: the inputs, their mapping and value grammar, and the rules' settings (engine/rules.ts). */
export interface ReadSpec {
  orders: string;
  /** Compact the ledger from this many entries on (engine.ts COMPACT_MIN_ENTRIES when absent; tests set 0). */
  compactFrom?: number;
  customers?: string;
  payments?: string;
  preset?: string;
  /** --map overrides per file kind. */
  map: { orders: Map<string, string>; customers: Map<string, string>; payments: Map<string, string>; reviews?: Map<string, string> };
  delimiter?: Delimiter;
  encoding?: string;
  dateOrder?: DayOrder;
  decimalComma?: boolean;
  timezone?: string;
  currency?: string;
  /** Explicit as-of day; undefined = latest order date in the data. */
  asOf?: Day;
  asOfSource?: 'flag' | 'today';
  rejectsFile?: string;
  strict?: boolean;
  grain?: 'order' | 'line';
  countStatus?: string[];
  excludeStatus?: string[];
  stdin?: Readable;
  /** Latest review per order id (--reviews): each counted order's review goes to its customer. */
  reviews?: Map<string, OrderReview>;
  /** Warnings for the user (stderr); never data. */
  warn: (message: string) => void;
  /**
   * Whether the orders pass may run on two threads (engine/streaming/parallel-orders.ts); default `off`.
   * The command layer sets it from --threads or CLM_THREADS in CliIO.env (threadsOption); tests force
   * `inline` or `worker` on small files.
   */
  parallel?: ParallelMode;
  /** --engine: which engine reads the orders; auto (default) picks (engine/engine.ts chooseEngine). */
  engine?: EngineChoice;
  /** --db or CLM_DB: a postgres:// URL; `orders` is then a table in it (engine/postgres). Never printed: see redactUrl. */
  db?: string;
  /** --db-timeout: seconds each statement may run in the database. */
  dbTimeout?: number;
  /** CLM_DUCKDB_MEMORY: the most memory DuckDB may hold (like 2GB); more spills to the system's temporary folder. */
  duckdbMemory?: string;
}

export type EngineChoice = 'auto' | 'streaming' | 'duckdb';

/** Every row read, accounted for (spec §1.4): rows read = order rows + refund rows + excluded + rejected. */
export interface Reconciliation {
  rowsRead: number;
  /** Rows that became (lines of) counted orders. */
  orderRows: number;
  /** Rows that became refunds of counted customers. */
  refundRows: number;
  excluded: Map<string, number>;
  rejected: Map<string, number>;
  orders: number;
  refunds: number;
  grain: 'order' | 'line';
}

export interface InputReport {
  role: 'orders' | 'customers' | 'payments' | 'reviews';
  source: SourceInfo;
  mapping: FileMapping;
  delimiter: Delimiter;
  rows: number;
}

export interface LoadedData {
  table: CustomerTable;
  /** Which engine read the orders and why it was chosen (set by engine.ts readOrders). */
  engine?: { name: string; why: string };
  asOf: Day;
  asOfSource: 'flag' | 'today' | 'data';
  currency: string | undefined;
  reconciliation: Reconciliation;
  inputs: InputReport[];
  preset: string | undefined;
  /** Threads the orders pass ran on: 2 when the file qualified for the two-thread read. */
  threads: 1 | 2;
  /** rows = customers + duplicate_rows + blank_id_rows + broken_rows + blank_rows + repeated_header_rows (every row accounted for). */
  customersFile?: { rows: number; customers: number; duplicateRows: number; blankIdRows: number; brokenRows: number; blankRows: number; repeatedHeaderRows: number };
  /** Per customer of the table: 1 when the customers file lists it (a prospect before its first order). */
  listed?: Uint8Array;
  /** Reviews of counted orders (--reviews), mapped to table rows. */
  reviews?: ReviewLog;
}
