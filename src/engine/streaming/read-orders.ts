import type { Readable } from 'node:stream';
import type { CustomerTable } from '../../domain/customer-state.js';
import { formatDay, type Day } from '../../domain/dates.js';
import { DataError, InternalError, UsageError } from '../../domain/errors.js';
import type { ReviewLog } from '../../domain/reviews.js';
import type { OrderReview } from '../../io/read-reviews.js';
import { sourceInfo, type SourceInfo } from '../../io/input.js';
import { columnsFound, getPreset, mapColumns, type FileMapping, type Preset } from '../../io/mapping.js';
import { REASONS } from '../rules.js';
import type { InputReport, LoadedData, ReadSpec, Reconciliation } from '../spec.js';
import { AmbiguousDates, notDataRow, OrderPass, type PassOptions } from './order-pass.js';
import { normalizeCustomerKey } from '../customer-key.js';
import { readOrdersInParallel, type ParallelMode } from './parallel-orders.js';
import { estimateRows } from './size-estimate.js';
import { canSniff, recognisePreset, unsniffedPresetError } from '../../io/recognise-export.js';
import { checkDuplicateShare, customerKeyWarnings, repeatedIdsWarning } from '../input-checks.js';
import { customerAttributes } from '../customer-attributes.js';
import { scanTable, type HeaderInfo } from '../../io/read-table.js';
import type { Delimiter } from '../../io/scanner.js';
import { AmountParser, amountsLookLikeThousands, DateParser, type DayOrder } from '../../io/values.js';
import { AtomicFile } from '../../io/write-output.js';
import { traceMark } from '../../io/trace.js';

/**
 * Reads the inputs and builds the per-customer state in one streaming pass over the orders
 * (spec §1, §2). The customers and payments files are read first because they key the join.
 */
export async function readCustomerState(options: ReadSpec): Promise<LoadedData> {
  // a warning is said once, though an ambiguous date reads the files again
  const said = new Set<string>();
  let opts: ReadSpec = {
    ...options,
    warn: (m) => {
      if (said.has(m)) return;
      said.add(m);
      options.warn(m);
    },
  };
  if (opts.preset === undefined) {
    const found = await recognisePreset({ orders: opts.orders, customers: opts.customers }, opts.encoding, opts.delimiter);
    for (const note of found.notes) opts.warn(note);
    if (found.preset) opts = { ...opts, preset: found.preset };
  }
  const sides: SideFiles = {};
  try {
    return await readOnce(opts, sides);
  } catch (e) {
    if (!(e instanceof AmbiguousDates)) throw e;
    if (opts.orders === '-') {
      throw new DataError(
        `ambiguous day/month date ${JSON.stringify(e.value)}`,
        { file: opts.orders, line: e.line, column: e.column },
        'pass --date-format DD/MM/YYYY or --date-format MM/DD/YYYY',
      );
    }
    const order = await decideDateOrder(opts, e);
    return readOnce({ ...opts, dateOrder: order }, sides);
  }
}

/**
 * The customers and payments files as read on the first attempt: when an ambiguous date makes
 * the orders be read again, these are not (a customers file on stdin cannot be read twice, and
 * neither depends on the date order).
 */
interface SideFiles {
  customers?: Awaited<ReturnType<typeof readCustomersFile>>;
  payments?: Awaited<ReturnType<typeof readPaymentsFile>>;
}

async function decideDateOrder(opts: ReadSpec, first: AmbiguousDates): Promise<DayOrder> {
  const preset = getPreset(opts.preset);
  let dmy = 0;
  let mdy = 0;
  let dateIndex = -1;
  let column = 'order_date';
  await scanTable(
    { path: opts.orders, encoding: opts.encoding, delimiter: opts.delimiter ?? (preset?.whitespace ? 'whitespace' : undefined), headerless: preset?.headerless, what: 'orders' },
    (h) => {
      const date = mapColumns('orders', h.headers, preset, opts.map.orders, opts.orders).fields.get('order_date');
      dateIndex = date?.index ?? -1;
      column = date?.column ?? column;
      return (r) => {
        const v = DateParser.decide(r.field(dateIndex));
        if (v === 'dmy') dmy++;
        else if (v === 'mdy') mdy++;
      };
    },
  );
  if (dmy > 0 && mdy > 0) {
    throw new DataError(
      `dates mix day-first and month-first values (${dmy} rows can only be DD/MM, ${mdy} only MM/DD)`,
      { file: opts.orders, line: first.line, column, value: first.value },
      'fix the export so one format is used, or pass --date-format to reject the other rows',
    );
  }
  if (dmy === 0 && mdy === 0) {
    throw new DataError(
      `ambiguous day/month date ${JSON.stringify(first.value)}: no value in the file decides between DD/MM and MM/DD`,
      { file: opts.orders, line: first.line, column, value: first.value },
      'pass --date-format DD/MM/YYYY or --date-format MM/DD/YYYY',
    );
  }
  return dmy > 0 ? 'dmy' : 'mdy';
}

interface CustomerRecord {
  values: (string | undefined)[];
}

/** Distinct values a column's pool keeps: past them (e-mails, names) it stops pooling. */
const POOL_LIMIT = 4096;

/** The pool's copy of v (a string equal to it), adding v while the pool has room. */
function pooled(pool: Map<string, string>, v: string): string {
  const kept = pool.get(v);
  if (kept !== undefined) return kept;
  if (pool.size < POOL_LIMIT) pool.set(v, v);
  return v;
}

async function readCustomersFile(
  opts: ReadSpec,
  preset: Preset | undefined,
): Promise<{
  report: InputReport;
  records: Map<string, CustomerRecord>;
  attributeNames: string[];
  /** The customers file's column of each attribute. */
  attributeColumns: string[];
  personOf: Map<string, string> | undefined;
  duplicateRows: number;
  blankIdRows: number;
  brokenRows: number;
  blankRows: number;
  repeatedHeaderRows: number;
}> {
  const path = opts.customers!;
  const records = new Map<string, CustomerRecord>();
  let mapping!: FileMapping;
  let header!: HeaderInfo;
  const attributeNames: string[] = [];
  let attrIdx: number[] = [];
  let personOf: Map<string, string> | undefined;
  let duplicateRows = 0;
  let blankIdRows = 0;
  let brokenRows = 0;
  let blankRows = 0;
  let repeatedHeaderRows = 0;
  // ids (not person keys) seen on an earlier row: an orders file passed as --customers
  let repeatedRows = 0;
  const repeatedIds = new Set<string>();
  const { rows } = await scanTable(
    { path, stdin: opts.stdin, encoding: opts.encoding, delimiter: opts.delimiter, what: 'customers', warn: opts.warn },
    (h) => {
      header = h;
      mapping = mapColumns('customers', h.headers, preset, opts.map.customers, path);
      const id = mapping.fields.get('customer_id');
      if (!id) {
        throw new DataError(
          'no customer id column in the customers file',
          { file: path, line: 1 },
          `${columnsFound(h.headers)}; pass --map customers.customer_id=COLUMN`,
        );
      }
      const person = mapping.fields.get('person_key');
      if (person) personOf = new Map();
      const attrs = customerAttributes(h.headers, mapping);
      attributeNames.push(...attrs.names);
      attrIdx = attrs.indexes;
      // one string per distinct value of a column: countries, channels and scores repeat
      // across a million customers (each read makes a new string; the pool keeps one)
      const pools = attrIdx.map(() => new Map<string, string>());
      const width = h.headers.length;
      return (r) => {
        // every row is accounted for: kept, a repeated id, a blank id, or a broken row
        if (r.malformed !== undefined || r.count !== width) {
          if (notDataRow(r, h.headers) === 'empty_row') return void blankRows++;
          brokenRows++;
          if (brokenRows <= 3) opts.warn(`${path}:${r.line}: ${r.malformed ?? `${r.count} fields where the header has ${width}`}; the row is left out`);
          return;
        }
        const raw = r.field(id.index);
        const trimmed = raw.trim();
        // Excel's empty rows (`,,,`) and the header line repeated mid-file are no customers
        if (trimmed === '') return void (notDataRow(r, h.headers) === 'empty_row' ? blankRows++ : blankIdRows++);
        if (trimmed === id.column && notDataRow(r, h.headers) === 'repeated_header') return void repeatedHeaderRows++;
        let key = normalizeCustomerKey(raw, preset?.lowercaseIds);
        if (personOf?.has(key) || records.has(key)) {
          repeatedRows++;
          repeatedIds.add(key);
        }
        if (person && personOf) {
          const p = normalizeCustomerKey(r.field(person.index), preset?.lowercaseIds);
          if (p !== '') {
            personOf.set(key, p);
            key = p;
          }
        }
        if (records.has(key)) {
          duplicateRows++;
          return;
        }
        const values: (string | undefined)[] = new Array(attrIdx.length);
        for (let a = 0; a < attrIdx.length; a++) {
          const v = r.field(attrIdx[a]).trim();
          values[a] = v === '' ? undefined : pooled(pools[a], v);
        }
        records.set(key, { values });
      };
    },
  );
  if (rows === 0) {
    throw new DataError('the customers file has a header but no rows', { file: path, line: 1 }, 'export it again, or leave out --customers');
  }
  const left = [
    [blankIdRows, 'with a blank customer id'],
    [brokenRows, 'with the wrong number of fields or broken quoting'],
  ].filter(([n]) => (n as number) > 0);
  if (left.length > 0) opts.warn(`${path}: rows left out of the customers file: ${left.map(([n, why]) => `${n} ${why}`).join(', ')}`);
  const repeated = repeatedIdsWarning(path, header.headers, mapping.fields.get('customer_id')!.column, repeatedRows, repeatedIds.size, rows);
  if (repeated) opts.warn(repeated);
  return {
    report: { role: 'customers', source: sourceInfo(path), mapping, delimiter: header.delimiter, rows },
    records,
    attributeNames,
    attributeColumns: attrIdx.map((i) => header.headers[i]),
    personOf,
    duplicateRows,
    blankIdRows,
    brokenRows,
    blankRows,
    repeatedHeaderRows,
  };
}

export { LEADING_COLUMNS } from '../customer-attributes.js';

async function readPaymentsFile(opts: ReadSpec, preset: Preset | undefined): Promise<{ report: InputReport; amounts: Map<string, number> }> {
  const path = opts.payments!;
  const amounts = new Map<string, number>();
  const parser = new AmountParser(opts.decimalComma ?? false);
  let mapping!: FileMapping;
  let header!: HeaderInfo;
  const { rows } = await scanTable(
    { path, stdin: opts.stdin, encoding: opts.encoding, delimiter: opts.delimiter, what: 'payments', warn: opts.warn },
    (h) => {
      header = h;
      mapping = mapColumns('payments', h.headers, preset ?? getPreset('olist'), opts.map.payments, path);
      const id = mapping.fields.get('order_id');
      const amount = mapping.fields.get('amount');
      const price = mapping.fields.get('price');
      const freight = mapping.fields.get('freight');
      if (!id || (!amount && !price)) {
        throw new DataError(
          `the payments file needs an order id and an amount (or price) column`,
          { file: path, line: 1 },
          `${columnsFound(h.headers)}; pass --map payments.order_id=COLUMN --map payments.amount=COLUMN`,
        );
      }
      return (r) => {
        const key = r.field(id.index).trim();
        let v: number;
        if (amount) v = parser.parseBytes(r.buf, r.starts[amount.index], r.ends[amount.index]);
        else {
          v = parser.parseBytes(r.buf, r.starts[price!.index], r.ends[price!.index]);
          if (freight && !r.isEmpty(freight.index)) v += parser.parseBytes(r.buf, r.starts[freight.index], r.ends[freight.index]);
        }
        if (Number.isNaN(v)) {
          throw new DataError(
            'unparseable amount in the payments file',
            { file: path, line: r.line, column: (amount ?? price)!.column, value: r.field((amount ?? price)!.index) },
            'fix the value; amounts look like 1234.50 (use --decimal-comma for 1.234,50)',
          );
        }
        amounts.set(key, (amounts.get(key) ?? 0) + v);
      };
    },
  );
  return { report: { role: 'payments', source: sourceInfo(path), mapping, delimiter: header.delimiter, rows }, amounts };
}

async function readOnce(opts: ReadSpec, sides: SideFiles): Promise<LoadedData> {
  // rejects: written to a temporary file, renamed at the end so no half file is left (a
  // device or FIFO is written in place); any failure on the way removes it
  const rejects = opts.rejectsFile ? new AtomicFile(opts.rejectsFile, '--rejects') : undefined;
  try {
    return await readWithRejects(opts, rejects, sides);
  } catch (e) {
    rejects?.abort();
    throw e;
  }
}

async function readWithRejects(opts: ReadSpec, rejects: AtomicFile | undefined, sides: SideFiles): Promise<LoadedData> {
  const preset = getPreset(opts.preset);
  if (opts.orders === '-' && (opts.customers === '-' || opts.payments === '-')) {
    throw new UsageError('only one input can come from stdin (`-`)');
  }
  const inputs: InputReport[] = [];
  if (opts.customers) sides.customers ??= await readCustomersFile(opts, preset);
  if (opts.payments) sides.payments ??= await readPaymentsFile(opts, preset);
  const { customers, payments } = sides;

  const src = sourceInfo(opts.orders);
  const passOpts: PassOptions = {
    file: opts.orders,
    preset: opts.preset,
    map: opts.map.orders,
    delimiter: opts.delimiter,
    encoding: opts.encoding,
    dateOrder: opts.dateOrder,
    decimalComma: opts.decimalComma,
    timezone: opts.timezone,
    currency: opts.currency,
    asOf: opts.asOf,
    strict: opts.strict,
    grain: opts.grain,
    countStatus: opts.countStatus,
    excludeStatus: opts.excludeStatus,
  };
  const showReject = (line: number, message: string): void => opts.warn(`${opts.orders}:${line}: ${message}`);

  const rejectsOut = rejects?.stream;
  rejectsOut?.write('file,line,reason,column,value,record\n');

  // two threads when the file qualifies (plain, order grain, nothing that needs file order)
  const mode = opts.parallel ?? 'off';
  const oneThread = (why: string): void => {
    if (mode === 'worker') opts.warn(`${opts.orders}: read on one thread, not the two --threads asks for: ${why}`);
  };
  const sequentialWhy =
    opts.orders === '-' ? 'it comes from standard input' : opts.strict ? '--strict stops at the first bad row in file order' : rejectsOut ? '--rejects lists rows in file order' : payments ? '--payments' : customers?.personOf ? 'the customers file maps customers to persons' : opts.reviews ? '--reviews' : undefined;
  if (sequentialWhy !== undefined && mode !== 'off') oneThread(sequentialWhy);
  const parallel =
    sequentialWhy === undefined
      ? await readOrdersInParallel(
          passOpts,
          src.bytes,
          mode,
          (why) => opts.warn(`${opts.orders}: the two-thread read stopped (${why}); the file was read again on one thread, so the results stand, but please report this`),
          oneThread,
        )
      : undefined;
  let pass: OrderPass;
  let dataRows: number;
  if (parallel) {
    pass = parallel.pass;
    dataRows = parallel.rows;
    for (const [line, message] of parallel.shown) showReject(line, message);
  } else {
    pass = new OrderPass(
      passOpts,
      { stdin: opts.stdin, rejectsOut, payments: payments?.amounts, personOf: customers?.personOf, reviews: opts.reviews, onReject: showReject, onWarn: opts.warn },
      src.bytes,
      undefined,
      opts.orders !== '-' && src.bytes ? estimateRows(opts.orders, src.bytes, Math.floor(src.bytes / 2))?.rows : undefined,
    );
    dataRows = (await pass.scan()).rows;
    pass.dropOrderIds(); // before the ledger is sorted
  }
  const { builder, rec, currencyRows, unknownStatuses, mapping, header, orderAttr, attrChannel, attrCountry, maxDay } = pass;
  tellMoreRejected(opts, rec);
  const { reviewCustomer, reviewDay, reviewScore } = pass;
  const unread = opts.preset === undefined && !canSniff(opts.orders) ? unsniffedPresetError(header.headers, opts.orders) : undefined;
  if (unread) throw unread;
  const reviews = opts.reviews;
  const wantCurrency = opts.currency?.trim().toUpperCase();
  if (dataRows === 0) {
    throw new DataError('the orders file has a header but no rows', { file: opts.orders, line: 1 }, 'export it again with the orders included');
  }
  checkDuplicateShare(opts, rec.excluded.get('duplicate_order_id') ?? 0, dataRows, rec.grain, preset?.grain, mapping.fields.get('order_id')?.column);
  if (!opts.decimalComma) {
    const amountColumn = mapping.fields.get('amount')?.column ?? mapping.fields.get('unit_price')?.column ?? 'amount';
    const thousands = amountsLookLikeThousands(pass.amountDecimals, opts.orders, amountColumn);
    if (thousands) opts.warn(thousands);
  }
  if (unknownStatuses.size > 0) {
    const list = [...unknownStatuses].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([s, n]) => `${JSON.stringify(s)} (${n})`).join(', ');
    opts.warn(`orders with unrecognised status were excluded: ${list}; pass --count-status VALUE to count them or --exclude-status VALUE to silence this`);
  }
  if (wantCurrency === undefined && currencyRows.size > 1) {
    const list = [...currencyRows].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} (${n} rows)`).join(', ');
    throw new DataError(
      `the orders are in more than one currency: ${list}`,
      { file: opts.orders, column: mapping.fields.get('currency')?.column },
      `analyse one currency per run: pass --currency ${[...currencyRows].sort((a, b) => b[1] - a[1])[0][0]}`,
    );
  }
  await rejects?.commit();

  // customers of the customers file with no counted order are prospects
  if (customers) for (const key of customers.records.keys()) builder.customerIndex(key);
  const attributeNames = customers ? [...customers.attributeNames] : [];
  const orderAttrNames: ('channel' | 'country')[] = [];
  for (const name of ['channel', 'country'] as const) {
    const mapped = name === 'channel' ? attrChannel >= 0 : attrCountry >= 0;
    if (mapped && !attributeNames.includes(name)) {
      orderAttrNames.push(name);
      attributeNames.push(name);
    }
  }
  const nCustomerAttrs = customers ? customers.attributeNames.length : 0;
  // finalize asks for a customer's attributes one after another: its record is looked up once
  let recordOf = -1;
  let record: CustomerRecord | undefined;
  const { table, refundRowsDropped, refundsDropped } = builder.finalize(
    (_i, key) => customers?.records.has(key) ?? false,
    attributeNames,
    (a, i, key) => {
      if (a < nCustomerAttrs) {
        if (i !== recordOf) {
          recordOf = i;
          record = customers?.records.get(key);
        }
        return record?.values[a];
      }
      return orderAttr.get(orderAttrNames[a - nCustomerAttrs], i);
    },
  );
  traceMark('customer table built');
  if (refundRowsDropped > 0) {
    count(rec.excluded, 'refund_without_order', refundRowsDropped);
    rec.refundRows -= refundRowsDropped;
    rec.refunds -= refundsDropped;
  }
  inputs.push({ role: 'orders', source: src, mapping, delimiter: header.delimiter, rows: dataRows });
  const keyFile = customers && { path: opts.customers!, records: customers.records, columns: customers.attributeColumns };
  for (const w of customerKeyWarnings(table, opts.orders, mapping.fields.get('customer_id')?.column, keyFile, preset?.lowercaseIds ?? false)) opts.warn(w);
  if (customers) inputs.push(customers.report);
  if (payments) inputs.push(payments.report);

  if (rec.orders === 0) throw noCountedOrder(opts, rec, dataRows, unknownStatuses, pass.firstAfterAsOf);
  let asOf: Day;
  let asOfSource: LoadedData['asOfSource'];
  if (opts.asOf !== undefined) {
    asOf = opts.asOf;
    asOfSource = opts.asOfSource ?? 'flag';
    let last = -Infinity;
    for (let i = 0; i < table.size; i++) if (table.orders[i] > 0 && table.lastDay[i] > last) last = table.lastDay[i];
    if (asOf - last > FAR_AS_OF_DAYS) opts.warn(`the as-of date is ${(asOf - last).toLocaleString('en-US')} days after the last counted order: every customer looks churned; is this the export you meant?`);
  } else {
    asOfSource = 'data';
    let m = -Infinity;
    for (let i = 0; i < table.size; i++) if (table.lastDay[i] > m) m = table.lastDay[i];
    asOf = Number.isFinite(m) ? m : Number.isFinite(maxDay) ? maxDay : 0;
  }
  return {
    table,
    asOf,
    asOfSource,
    currency: wantCurrency ?? (currencyRows.size === 1 ? [...currencyRows.keys()][0] : undefined),
    reconciliation: rec,
    inputs,
    preset: preset?.name,
    threads: parallel ? 2 : 1,
    customersFile: customers
      ? {
          rows: customers.report.rows,
          customers: customers.records.size,
          duplicateRows: customers.duplicateRows,
          blankIdRows: customers.blankIdRows,
          brokenRows: customers.brokenRows,
          blankRows: customers.blankRows,
          repeatedHeaderRows: customers.repeatedHeaderRows,
        }
      : undefined,
    listed: customers ? Uint8Array.from(table.ids, (id) => (customers.records.has(id) ? 1 : 0)) : undefined,
    reviews: reviews ? reviewLog(table.ids, reviewCustomer, reviewDay, reviewScore, (i) => builder.customerKey(i)) : undefined,
  };
}

/** Rejected rows shown one by one (OrderPass, the two-thread reader). */
const SHOWN_REJECTS = 5;

/** After the first rejected rows shown: how many more, and where every one is listed. */
function tellMoreRejected(opts: ReadSpec, rec: Reconciliation): void {
  let total = 0;
  for (const n of rec.rejected.values()) total += n;
  if (total <= SHOWN_REJECTS) return;
  const where = opts.rejectsFile ? `${opts.rejectsFile} lists` : 'pass --rejects FILE to list';
  opts.warn(`${opts.orders}: ${(total - SHOWN_REJECTS).toLocaleString('en-US')} more rows rejected (${total.toLocaleString('en-US')} in all); ${where} every one with its line and reason`);
}

/** An --as-of date more than this many days after the last order gets a warning. */
const FAR_AS_OF_DAYS = 180;

/** What fixes each reason a row was not counted, for the "no counted order" error. */
const REASON_FIXES: Record<string, string> = {
  status_unknown: 'pass --count-status VALUE for the status that means paid',
  status_pending: 'pass --count-status VALUE if those orders are paid',
  status_cancelled: 'pass --count-status VALUE if those orders count',
  status_excluded: 'drop the --exclude-status that names them',
  bad_amount: 'check the amount column: pass --decimal-comma for 1.234,50, or --map amount=COLUMN',
  bad_date: 'check the date column (the rejected rows above say what their dates look like): --date-format DD/MM/YYYY or MM/DD/YYYY for day/month dates, dates exported as text (yyyy-mm-dd) for Excel serial numbers, or --map order_date=COLUMN for another column',
  after_as_of: 'pass a later --as-of (every order is dated after it)',
  other_currency: 'pass the --currency the orders are in',
  no_customer_id: 'pass --map customer_id=COLUMN',
  field_count: 'check the delimiter (--delimiter) and the quoting',
  bad_quote: 'check the quoting',
  placeholder_date: 'check the date column (--map order_date=COLUMN)',
};

/**
 * No counted order at all: every row was excluded or rejected. That is never an empty
 * analysis with exit 0 (or an "as of 1970-01-01" header): a data error with the reasons and
 * the flag that fixes the largest one.
 */
function noCountedOrder(opts: ReadSpec, rec: Reconciliation, rows: number, unknownStatuses: Map<string, number>, firstAfterAsOf: number): DataError {
  const reasons = [...rec.excluded, ...rec.rejected].sort((a, b) => b[1] - a[1]);
  const listed = reasons.map(([k, n]) => `${n.toLocaleString('en-US')} ${REASONS[k] ?? k}`).join(', ');
  let fix = reasons.length > 0 ? REASON_FIXES[reasons[0][0]] : undefined;
  if (reasons[0]?.[0] === 'status_unknown' && unknownStatuses.size > 0) {
    const top = [...unknownStatuses].sort((a, b) => b[1] - a[1])[0][0];
    fix = `pass --count-status ${JSON.stringify(top)} if that status means paid`;
  }
  if (reasons[0]?.[0] === 'after_as_of' && Number.isFinite(firstAfterAsOf)) {
    fix = `pass an --as-of on or after ${formatDay(firstAfterAsOf)}, the first order's date (every order is dated after ${opts.asOf === undefined ? 'it' : formatDay(opts.asOf)})`;
  }
  return new DataError(
    `no counted order in ${rows.toLocaleString('en-US')} rows${listed ? `: ${listed}` : ''}`,
    { file: opts.orders },
    fix ?? 'check the export and the column mapping (clm summary prints it)',
  );
}

/** Reviews with table rows for customers (every reviewed customer has a counted order, so a row). */
function reviewLog(ids: string[], customer: number[], day: number[], score: number[], keyOf: (i: number) => string): ReviewLog {
  const rowOf = new Map<string, number>();
  ids.forEach((id, r) => rowOf.set(id, r));
  const n = customer.length;
  const log = { customer: new Int32Array(n), day: new Int32Array(n), score: new Float64Array(n) };
  for (let k = 0; k < n; k++) {
    const row = rowOf.get(keyOf(customer[k]));
    if (row === undefined) throw new InternalError(`a reviewed customer has no row: ${keyOf(customer[k])}`);
    log.customer[k] = row;
    log.day[k] = day[k];
    log.score[k] = score[k];
  }
  return log;
}

function count(m: Map<string, number>, k: string, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

/**
 * Threads of the orders pass: --threads, else CLM_THREADS (from the CLI's environment,
 * CliIO.env), else undefined: the engine chooser decides (one thread, or two on a big plain
 * file: engine/engine.ts twoThreads). Two threads read a plain file in order grain in two halves
 * (parallel-orders.ts) and fall back to one, with the reason, where they cannot.
 */
export function threadsOption(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): ParallelMode | undefined {
  const from = flag !== undefined ? '--threads' : 'CLM_THREADS';
  const given = flag ?? (env.CLM_THREADS || undefined);
  // neither: the engine chooser decides (engine/engine.ts twoThreads), one thread unless the file is big
  if (given === undefined) return undefined;
  const t = given.trim();
  if (t === '1') return 'off';
  if (t === '2') return 'worker';
  if (/^[0-9]+$/.test(t) && Number(t) > 2) throw new UsageError(`${from} ${t}: the orders pass reads on 1 or 2 threads; use --threads 2`);
  throw new UsageError(`${from} must be 1 or 2, not ${JSON.stringify(t)}`);
}

