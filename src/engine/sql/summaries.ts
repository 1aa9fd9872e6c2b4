/**
 * Reading back what the compiled SQL (compile.ts) gives, for any engine that runs it (DuckDB,
 * Postgres): the rows per outcome become the reconciliation, the whole-input checks become the
 * streaming engine's errors and warnings, and the customers and ledger become the
 * CustomerTable (table.ts). The engine supplies how to run a query and how to refuse.
 */
import { DataError, type ClmError } from '../../domain/errors.js';
import { getPreset, type FileMapping } from '../../io/mapping.js';
import { amountsLookLikeThousands } from '../../io/values.js';
import { EXCLUSIONS, REJECTIONS } from '../rules.js';
import type { InputReport, LoadedData, ReadSpec, Reconciliation } from '../spec.js';
import { customerKeyWarnings, DUPLICATE_WARN_SHARE } from '../input-checks.js';
import type { CompiledSql, ExtraPart } from './compile.js';
import { checkCustomers, checkPayments, readRecords, withRecords, type JoinedFiles } from './joined-read.js';
import { buildIndexedTable, buildTable, type CustomerRows, type IndexedRows, type LedgerRows } from './table.js';
import type { CustomerTable } from '../../domain/customer-state.js';
import { sqlGrain } from './support.js';

export interface SqlReader {
  spec: ReadSpec;
  /** The engine as people read it: "the DuckDB engine". */
  label: string;
  /** "file" or "table": what the orders are. */
  what: 'file' | 'table';
  /** How to list the rejected rows one by one (the engine does not). */
  rejectsHint: string;
  /** The rows of one compiled query as one array per column, in the shape and order of partQuery. */
  part(name: keyof CompiledSql): Promise<unknown[][]>;
  /** The error that refuses the input, in words. */
  refuse(why: string): ClmError;
  /**
   * The customers numbered and their ledger in typed arrays, instead of the customers, ledger
   * and attributes parts (an engine that can number customers itself: no string per ledger row).
   */
  rows?(attributes: readonly ('channel' | 'country')[]): Promise<IndexedRows>;
  /** The files joined to the orders (joins.ts), and how to read their parts. */
  joined?: JoinedFiles;
  extra?(name: ExtraPart): Promise<unknown[][]>;
}

/**
 * Each compiled query as the engines read it back: the columns, their types (BIGINT read as a
 * bigint, INTEGER as a number) and the order of the rows. An engine that runs the queries
 * another way returns the same shapes.
 */
export function partQuery(sql: CompiledSql, name: keyof CompiledSql): string {
  switch (name) {
    case 'outcomes':
      return `SELECT outcome, row_count::BIGINT FROM (${sql.outcomes}) q`;
    case 'currencies':
      return `SELECT currency, row_count::BIGINT FROM (${sql.currencies}) q`;
    case 'amountDecimals':
      return `SELECT three::INTEGER, one_or_two::INTEGER FROM (${sql.amountDecimals}) q`;
    case 'unknownStatuses':
      return `SELECT status, row_count::BIGINT FROM (${sql.unknownStatuses}) q`;
    case 'customers':
      return `SELECT customer_id, first_row::BIGINT FROM (${sql.customers}) q ORDER BY first_row, customer_id`;
    case 'ledger':
      return `SELECT customer_id, day::INTEGER, orders::INTEGER, amount_mills::BIGINT FROM (${sql.ledger}) q ORDER BY customer_id, day`;
    case 'attributes':
      return `SELECT customer_id, channel, country FROM (${sql.attributes}) q`;
  }
}

/** The reconciliation from the rows per outcome; a row the SQL does not read stops the engine. */
export function reconcile(r: SqlReader, outcome: string[], rows: bigint[], grain: 'order' | 'line' = 'order'): Reconciliation {
  const { spec } = r;
  const rec: Reconciliation = { rowsRead: 0, orderRows: 0, refundRows: 0, excluded: new Map(), rejected: new Map(), orders: 0, refunds: 0, grain };
  for (let i = 0; i < outcome.length; i++) {
    const n = Number(rows[i]);
    const o = outcome[i];
    rec.rowsRead += n;
    if (o === 'unread') throw r.refuse(`${n} rows hold a date or amount in a form only the streaming engine reads (the SQL reads YYYY-MM-DD[ HH:MM[:SS]] and YYYYMMDD dates and plain-number amounts)`);
    if (o === 'order') {
      rec.orderRows += n;
      rec.orders += n;
    } else if (o === 'refund') {
      rec.refundRows += n;
      rec.refunds += n;
    } else if (o === 'lines') rec.orderRows += n;
    else if (o === 'refund_lines') rec.refundRows += n;
    else if (o in EXCLUSIONS) rec.excluded.set(o, n);
    else if (o in REJECTIONS) rec.rejected.set(o, n);
    else throw new Error(`${r.label} got an outcome it does not know: ${o}`);
  }
  if (rec.rowsRead === 0) {
    throw r.what === 'file'
      ? new DataError('the orders file has a header but no rows', { file: spec.orders, line: 1 }, 'export it again with the orders included')
      : new DataError(`the orders table ${spec.orders} has no rows`, {}, 'name the table that holds the orders with --orders');
  }
  const duplicates = rec.excluded.get('duplicate_order_id') ?? 0;
  if (duplicates / rec.rowsRead > DUPLICATE_WARN_SHARE) {
    // the streaming engine warns, or stops when they look like line items (read-orders.ts checkDuplicateShare)
    throw r.refuse(`${duplicates} of ${rec.rowsRead} rows repeat an order id: whether they are line items the streaming engine decides`);
  }
  const rejected = [...rec.rejected].map(([k, n]) => `${n} ${REJECTIONS[k as keyof typeof REJECTIONS]}`);
  if (rejected.length > 0) spec.warn(`${spec.orders}: rows rejected: ${rejected.join(', ')}; ${r.label} does not list them: ${r.rejectsHint}`);
  return rec;
}

/** The errors and warnings about the whole input, as the streaming engine gives them: mixed currencies, unknown statuses, thousands points. */
async function inputChecks(r: SqlReader, mapping: FileMapping): Promise<string[]> {
  const { spec } = r;
  const [currency, currencyRows] = (await r.part('currencies')) as [string[], bigint[]];
  if (spec.currency === undefined && currency.length > 1) {
    const list = currency.map((c, i) => [c, Number(currencyRows[i])] as const).sort((a, b) => b[1] - a[1]);
    throw new DataError(
      `the orders are in more than one currency: ${list.map(([c, n]) => `${c} (${n} rows)`).join(', ')}`,
      { file: spec.orders, column: mapping.fields.get('currency')?.column },
      `analyse one currency per run: pass --currency ${list[0][0]}`,
    );
  }
  const [[three], [oneOrTwo]] = (await r.part('amountDecimals')) as [[number], [number]];
  const thousands = amountsLookLikeThousands([0, oneOrTwo, 0, three, 0], spec.orders, mapping.fields.get('amount')?.column ?? 'amount');
  if (thousands) spec.warn(thousands);
  const [status, statusRows] = (await r.part('unknownStatuses')) as [string[], bigint[]];
  if (status.length > 0) {
    const list = status.map((s, i) => [s, Number(statusRows[i])] as const).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([s, n]) => `${JSON.stringify(s)} (${n})`).join(', ');
    spec.warn(`orders with unrecognised status were excluded: ${list}; pass --count-status VALUE to count them or --exclude-status VALUE to silence this`);
  }
  return currency;
}

async function tableOfParts(r: SqlReader, attrNames: readonly ('channel' | 'country')[], prospects: boolean): Promise<CustomerTable> {
  const customers = (await r.part('customers')) as CustomerRows;
  const ledger = (await r.part('ledger')) as LedgerRows;
  const attributes = attrNames.length > 0 ? ((await r.part('attributes')) as [string[], (string | null)[], (string | null)[]]) : undefined;
  return buildTable(customers, ledger, attrNames, attributes, prospects);
}

/** Runs the compiled queries and builds what every engine returns, but the inputs (the engine says what it read). */
export async function readSummaries(r: SqlReader, mapping: FileMapping): Promise<Omit<LoadedData, 'inputs'> & { joinedInputs: InputReport[] }> {
  const { spec } = r;
  const preset = getPreset(spec.preset);
  // the joined files first, as the streaming engine reads them before the orders
  const files = r.joined ?? {};
  const extra = (name: ExtraPart): Promise<unknown[][]> => r.extra!(name);
  const joinedInputs: InputReport[] = [];
  const customersFile = files.customers ? await checkCustomers(extra, files, spec.warn) : undefined;
  if (files.customers) joinedInputs.push({ ...files.customers.report, rows: customersFile!.rows });
  if (files.payments) joinedInputs.push({ ...files.payments.report, rows: await checkPayments(extra, r.refuse) });
  const [outcome, outcomeRows] = (await r.part('outcomes')) as [string[], bigint[]];
  const rec = reconcile(r, outcome, outcomeRows, sqlGrain(spec, mapping));
  const currency = await inputChecks(r, mapping);
  if (rec.orders === 0) throw new DataError(`no counted order in the orders ${r.what}`, { file: spec.orders }, 'check the status column and --as-of (clm summary --engine streaming says more)');
  const attrNames = (['channel', 'country'] as const).filter((a) => mapping.fields.has(a));
  const prospects = files.customers !== undefined;
  let table = r.rows ? buildIndexedTable(await r.rows(attrNames), attrNames, prospects) : await tableOfParts(r, attrNames, prospects);
  let listed: Uint8Array | undefined;
  let keyFile: Parameters<typeof customerKeyWarnings>[3];
  if (files.customers) {
    const records = await readRecords(extra, files.customers.attributeNames.length);
    ({ table, listed } = withRecords(table, records, files.customers.attributeNames));
    keyFile = { path: files.customers.path, records, columns: files.customers.attributeColumns };
  }
  for (const w of customerKeyWarnings(table, spec.orders, mapping.fields.get('customer_id')?.column, keyFile, preset?.lowercaseIds ?? false)) spec.warn(w);
  let last = -Infinity;
  for (let i = 0; i < table.size; i++) if (table.lastDay[i] > last) last = table.lastDay[i];
  const wantCurrency = spec.currency?.trim().toUpperCase();
  return {
    table,
    asOf: spec.asOf ?? last,
    asOfSource: spec.asOf !== undefined ? (spec.asOfSource ?? 'flag') : 'data',
    currency: wantCurrency ?? (currency.length === 1 ? currency[0] : undefined),
    reconciliation: rec,
    preset: preset?.name,
    threads: 1,
    ...(customersFile ? { customersFile, listed } : {}),
    joinedInputs,
  };
}
