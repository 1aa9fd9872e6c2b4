import { createWriteStream, renameSync, unlinkSync, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { CustomerStateBuilder, type CustomerTable } from '../domain/customer-state.js';
import { ByteInterner, KeyNormalizer } from '../domain/key-table.js';
import { quoteCsvField } from '../domain/csv-text.js';
import type { Day } from '../domain/dates.js';
import { DataError, UsageError } from '../domain/errors.js';
import { sourceInfo, type SourceInfo } from './input.js';
import { getPreset, mapColumns, type FileMapping, type Preset } from './mapping.js';
import { collectGarbage } from './memory.js';
import { OrderIdSet } from './order-keys.js';
import { scanTable, type HeaderInfo } from './read-table.js';
import type { Delimiter, RecordView } from './scanner.js';
import { AMBIGUOUS, AmountParser, classifyStatus, DateParser, normalizeStatus, type DayOrder, type StatusClass } from './values.js';

export interface ReadOptions {
  orders: string;
  customers?: string;
  payments?: string;
  preset?: string;
  /** --map overrides per file kind. */
  map: { orders: Map<string, string>; customers: Map<string, string>; payments: Map<string, string> };
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
  /** Warnings for the user (stderr); never data. */
  warn: (message: string) => void;
}

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
  role: 'orders' | 'customers' | 'payments';
  source: SourceInfo;
  mapping: FileMapping;
  delimiter: Delimiter;
  rows: number;
}

export interface LoadedData {
  table: CustomerTable;
  asOf: Day;
  asOfSource: 'flag' | 'today' | 'data';
  currency: string | undefined;
  reconciliation: Reconciliation;
  inputs: InputReport[];
  preset: string | undefined;
  customersFile?: { rows: number; customers: number; duplicateRows: number };
  /** Per customer of the table: 1 when the customers file lists it (a prospect before its first order). */
  listed?: Uint8Array;
}

/** Exclusion and rejection reasons, with the words the summary prints. */
export const REASONS: Record<string, string> = {
  no_customer_id: 'no customer id',
  status_cancelled: 'status: cancelled / voided',
  status_failed: 'status: failed / declined',
  status_pending: 'status: pending / not paid',
  status_refunded: 'fully refunded',
  status_test: 'status: test',
  status_unknown: 'status not recognised',
  after_as_of: 'dated after --as-of',
  duplicate_order_id: 'duplicate order id (first kept)',
  other_currency: 'other currency than --currency',
  refund_without_order: 'refund of a customer with no counted order',
  no_payment: 'no amount in the payments file',
  bad_date: 'unparseable date',
  bad_amount: 'unparseable amount',
  bad_quantity: 'unparseable quantity',
  field_count: 'wrong number of fields',
  bad_quote: 'malformed quoting',
};

interface Pending {
  active: boolean;
  idLen: number;
  /** Customer index in the builder; -1 when the row has no customer id. */
  customer: number;
  day: number;
  amount: number;
  refund: number;
  rows: number;
  status: StatusClass;
  cancelled: boolean;
  currency: string;
  cancelInvoice: boolean;
  channel: string;
  country: string;
  /** Line grain: more lines of an order id seen earlier (not adjacent). */
  merge: boolean;
}

const STATUS_REASON: Record<StatusClass, string> = {
  counted: '',
  cancelled: 'status_cancelled',
  failed: 'status_failed',
  pending: 'status_pending',
  refunded: 'status_refunded',
  test: 'status_test',
  unknown: 'status_unknown',
};

/**
 * Normalises a customer key: trimmed; UCI's float ids (`17850.0`) lose `.0`; e-mails
 * lower-case. The same bytes rule as the hot path (KeyNormalizer), so both agree.
 */
export function normalizeCustomerKey(raw: string, lowercase = false): string {
  const b = Buffer.from(raw, 'utf8');
  const n = lowercase ? LOWER_NORMALIZER : NORMALIZER;
  n.normalize(b, 0, b.length);
  return n.buf.toString('utf8', n.start, n.end);
}
const NORMALIZER = new KeyNormalizer(false);
const LOWER_NORMALIZER = new KeyNormalizer(true);

function snakeCase(header: string): string {
  const s = header
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return s || 'column';
}

/** Channel and country of each customer's earliest counted order (order-level attributes). */
class OrderAttributes {
  private day: Int32Array = new Int32Array(0);
  private channel: (string | undefined)[] = [];
  private country: (string | undefined)[] = [];

  offer(customer: number, day: number, channel: string, country: string): void {
    if (customer >= this.day.length) {
      const d = new Int32Array(Math.max(1024, customer * 2));
      d.fill(2147483647);
      d.set(this.day);
      this.day = d;
    }
    if (day >= this.day[customer]) return;
    this.day[customer] = day;
    while (this.channel.length <= customer) {
      this.channel.push(undefined);
      this.country.push(undefined);
    }
    this.channel[customer] = channel || undefined;
    this.country[customer] = country || undefined;
  }

  get(name: 'channel' | 'country', customer: number): string | undefined {
    return (name === 'channel' ? this.channel : this.country)[customer];
  }
}

class AmbiguousDates extends Error {
  constructor(readonly line: number, readonly value: string) {
    super('ambiguous dates');
  }
}

/**
 * Reads the inputs and builds the per-customer state in one streaming pass over the orders
 * (spec §1, §2). The customers and payments files are read first because they key the join.
 */
export async function readCustomerState(opts: ReadOptions): Promise<LoadedData> {
  try {
    return await readOnce(opts);
  } catch (e) {
    if (!(e instanceof AmbiguousDates)) throw e;
    if (opts.orders === '-') {
      throw new DataError(
        `ambiguous day/month date ${JSON.stringify(e.value)}`,
        { file: opts.orders, line: e.line },
        'pass --date-format DD/MM/YYYY or --date-format MM/DD/YYYY',
      );
    }
    const order = await decideDateOrder(opts, e);
    return readOnce({ ...opts, dateOrder: order });
  }
}

async function decideDateOrder(opts: ReadOptions, first: AmbiguousDates): Promise<DayOrder> {
  const preset = getPreset(opts.preset);
  let dmy = 0;
  let mdy = 0;
  let dateIndex = -1;
  await scanTable(
    { path: opts.orders, encoding: opts.encoding, delimiter: opts.delimiter ?? (preset?.whitespace ? 'whitespace' : undefined), headerless: preset?.headerless, what: 'orders' },
    (h) => {
      dateIndex = mapColumns('orders', h.headers, preset, opts.map.orders, opts.orders).fields.get('order_date')?.index ?? -1;
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
      { file: opts.orders, line: first.line, column: 'order_date', value: first.value },
      'fix the export so one format is used, or pass --date-format to reject the other rows',
    );
  }
  if (dmy === 0 && mdy === 0) {
    throw new DataError(
      `ambiguous day/month date ${JSON.stringify(first.value)}: no value in the file decides between DD/MM and MM/DD`,
      { file: opts.orders, line: first.line, column: 'order_date', value: first.value },
      'pass --date-format DD/MM/YYYY or --date-format MM/DD/YYYY',
    );
  }
  return dmy > 0 ? 'dmy' : 'mdy';
}

interface CustomerRecord {
  values: (string | undefined)[];
}

async function readCustomersFile(
  opts: ReadOptions,
  preset: Preset | undefined,
): Promise<{
  report: InputReport;
  records: Map<string, CustomerRecord>;
  attributeNames: string[];
  personOf: Map<string, string> | undefined;
  duplicateRows: number;
}> {
  const path = opts.customers!;
  const records = new Map<string, CustomerRecord>();
  let mapping!: FileMapping;
  let header!: HeaderInfo;
  const attributeNames: string[] = [];
  let attrIdx: number[] = [];
  let personOf: Map<string, string> | undefined;
  let duplicateRows = 0;
  const { rows } = await scanTable(
    { path, stdin: opts.stdin, encoding: opts.encoding, delimiter: opts.delimiter, what: 'customers' },
    (h) => {
      header = h;
      mapping = mapColumns('customers', h.headers, preset, opts.map.customers, path);
      const id = mapping.fields.get('customer_id');
      if (!id) {
        throw new DataError(
          'no customer id column in the customers file',
          { file: path, line: 1 },
          `columns found: ${h.headers.map((x) => JSON.stringify(x)).join(', ')}; pass --map customers.customer_id=COLUMN`,
        );
      }
      const person = mapping.fields.get('person_key');
      if (person) personOf = new Map();
      const skip = new Set([id.index, person?.index ?? -1]);
      const canonicalAt = new Map<number, string>();
      for (const f of mapping.fields.values()) {
        if (f.field !== 'customer_id' && f.field !== 'person_key') canonicalAt.set(f.index, f.field);
      }
      const seen = new Set<string>();
      h.headers.forEach((col, i) => {
        if (skip.has(i)) return;
        let name = canonicalAt.get(i) ?? snakeCase(col);
        if (name === 'customer_id' || seen.has(name) || LEADING_COLUMNS.has(name)) name = `attr_${name}`;
        while (seen.has(name)) name += '_';
        seen.add(name);
        attributeNames.push(name);
        attrIdx.push(i);
      });
      return (r) => {
        const raw = r.field(id.index);
        if (raw.trim() === '') return;
        let key = normalizeCustomerKey(raw, preset?.lowercaseIds);
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
          values[a] = v === '' ? undefined : v;
        }
        records.set(key, { values });
      };
    },
  );
  if (rows === 0) {
    throw new DataError('the customers file has a header but no rows', { file: path, line: 1 }, 'export it again, or leave out --customers');
  }
  return {
    report: { role: 'customers', source: sourceInfo(path), mapping, delimiter: header.delimiter, rows },
    records,
    attributeNames,
    personOf,
    duplicateRows,
  };
}

/** Output columns of `clm customers` that attributes must not shadow. */
export const LEADING_COLUMNS = new Set(['customer_id', 'first_order_date', 'last_order_date', 'orders', 'purchase_days', 'revenue']);

async function readPaymentsFile(opts: ReadOptions, preset: Preset | undefined): Promise<{ report: InputReport; amounts: Map<string, number> }> {
  const path = opts.payments!;
  const amounts = new Map<string, number>();
  const parser = new AmountParser(opts.decimalComma ?? false);
  let mapping!: FileMapping;
  let header!: HeaderInfo;
  const { rows } = await scanTable(
    { path, stdin: opts.stdin, encoding: opts.encoding, delimiter: opts.delimiter, what: 'payments' },
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
          `columns found: ${h.headers.map((x) => JSON.stringify(x)).join(', ')}; pass --map payments.order_id=COLUMN --map payments.amount=COLUMN`,
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

async function readOnce(opts: ReadOptions): Promise<LoadedData> {
  const preset = getPreset(opts.preset);
  if (opts.orders === '-' && (opts.customers === '-' || opts.payments === '-')) {
    throw new UsageError('only one input can come from stdin (`-`)');
  }
  const inputs: InputReport[] = [];
  const customers = opts.customers ? await readCustomersFile(opts, preset) : undefined;
  const payments = opts.payments ? await readPaymentsFile(opts, preset) : undefined;

  const statusOverrides = new Map<string, StatusClass>();
  for (const s of opts.excludeStatus ?? []) statusOverrides.set(normalizeStatus(s), 'cancelled');
  for (const s of opts.countStatus ?? []) statusOverrides.set(normalizeStatus(s), 'counted');

  const src = sourceInfo(opts.orders);
  // sizes guessed from the file so the big arrays are allocated once (untouched pages of an
  // over-estimate cost no memory); stdin starts small and grows
  const builder = new CustomerStateBuilder(
    src.bytes ? Math.min(src.bytes / 45, 100_000_000) : 1 << 16,
    src.bytes ? Math.min(src.bytes / 600, 4_000_000) : 1 << 12,
    collectGarbage,
  );
  let orderIds = new OrderIdSet(src.bytes ? Math.min(src.bytes / 60, 40_000_000) : 1 << 16);
  const dates = new DateParser(opts.dateOrder, opts.timezone);
  const amounts = new AmountParser(opts.decimalComma ?? false);
  const rec: Reconciliation = {
    rowsRead: 0,
    orderRows: 0,
    refundRows: 0,
    excluded: new Map(),
    rejected: new Map(),
    orders: 0,
    refunds: 0,
    grain: 'order',
  };
  const currencyRows = new Map<string, number>();
  // rows per currency, counted in runs (exports rarely switch currency from row to row)
  let runCurrency = '';
  let runCurrencyRows = 0;
  const wantCurrency = opts.currency?.trim().toUpperCase();
  const unknownStatuses = new Map<string, number>();
  let maxDay = -Infinity;
  // order-level customer attributes: the value on the customer's earliest counted order
  const orderAttr = new OrderAttributes();

  // rejects: written to a temporary file, renamed at the end so no half file is left
  let rejectsOut: WriteStream | undefined;
  const rejectsTmp = opts.rejectsFile ? `${opts.rejectsFile}.tmp-${process.pid}` : undefined;
  if (rejectsTmp) {
    rejectsOut = createWriteStream(rejectsTmp);
    rejectsOut.write('file,line,reason,column,value,record\n');
  }
  let shownRejects = 0;

  let mapping!: FileMapping;
  let header!: HeaderInfo;
  let grain: 'order' | 'line' = opts.grain ?? preset?.grain ?? 'order';
  const lowercase = preset?.lowercaseIds ?? false;
  const cancelPrefix = preset?.cancelPrefix?.charCodeAt(0);

  const count = (m: Map<string, number>, k: string, n = 1): void => {
    m.set(k, (m.get(k) ?? 0) + n);
  };

  const pend: Pending = {
    active: false,
    idLen: 0,
    customer: -1,
    day: 0,
    amount: 0,
    refund: 0,
    rows: 0,
    status: 'counted',
    cancelled: false,
    currency: '',
    cancelInvoice: false,
    channel: '',
    country: '',
    merge: false,
  };
  let pendId = Buffer.alloc(256);

  const reject = (r: RecordView, reason: string, column: string, value: string, hint: string): void => {
    count(rec.rejected, reason);
    if (opts.strict) {
      throw new DataError(`${REASONS[reason] ?? reason} (--strict stops at the first rejected row)`, { file: opts.orders, line: r.line, column, value }, hint);
    }
    if (shownRejects < 5) {
      shownRejects++;
      opts.warn(`${opts.orders}:${r.line}: column ${JSON.stringify(column)}: value ${JSON.stringify(value)}: ${REASONS[reason] ?? reason} (row rejected; ${hint})`);
    }
    if (rejectsOut) rejectsOut.write(csvLine([opts.orders, String(r.line), reason, column, value, r.raw()]));
  };

  const flush = (): void => {
    if (!pend.active) return;
    pend.active = false;
    const rows = pend.rows;
    if (pend.customer < 0) return void count(rec.excluded, 'no_customer_id', rows);
    let amount = pend.amount;
    const isRefundRow = pend.cancelInvoice || (!pend.merge && amount - pend.refund < 0);
    if (pend.cancelled) return void count(rec.excluded, 'status_cancelled', rows);
    if (pend.status !== 'counted' && !(isRefundRow && pend.status === 'refunded')) {
      return void count(rec.excluded, STATUS_REASON[pend.status], rows);
    }
    if (wantCurrency !== undefined && pend.currency !== '' && pend.currency !== wantCurrency) {
      return void count(rec.excluded, 'other_currency', rows);
    }
    if (opts.asOf !== undefined && pend.day > opts.asOf) return void count(rec.excluded, 'after_as_of', rows);
    if (!isRefundRow && pend.refund > 0 && pend.refund >= amount && amount > 0) return void count(rec.excluded, 'status_refunded', rows);
    amount -= pend.refund;
    const ci = pend.customer;
    if (pend.currency !== '') {
      if (pend.currency === runCurrency) runCurrencyRows += rows;
      else {
        if (runCurrencyRows > 0) count(currencyRows, runCurrency, runCurrencyRows);
        runCurrency = pend.currency;
        runCurrencyRows = rows;
      }
    }
    if (pend.day > maxDay) maxDay = pend.day;
    if (pend.merge) {
      builder.addLines(ci, pend.day, pend.cancelInvoice ? -Math.abs(amount) : amount);
      if (pend.cancelInvoice) rec.refundRows += rows;
      else rec.orderRows += rows;
      return;
    }
    if (isRefundRow) {
      builder.addRefund(ci, pend.day, -Math.abs(amount), rows);
      rec.refundRows += rows;
      rec.refunds++;
      return;
    }
    builder.addOrder(ci, pend.day, amount);
    rec.orderRows += rows;
    rec.orders++;
    if (attrChannel >= 0 || attrCountry >= 0) orderAttr.offer(ci, pend.day, pend.channel, pend.country);
  };

  let attrChannel = -1;
  let attrCountry = -1;

  const { rows: dataRows } = await scanTable(
    {
      path: opts.orders,
      stdin: opts.stdin,
      encoding: opts.encoding,
      delimiter: opts.delimiter ?? (preset?.whitespace ? 'whitespace' : undefined),
      headerless: preset?.headerless,
      what: 'orders',
    },
    (h) => {
      header = h;
      mapping = mapColumns('orders', h.headers, preset, opts.map.orders, opts.orders);
      const f = mapping.fields;
      const missing: string[] = [];
      if (!f.has('customer_id')) missing.push('customer_id');
      if (!f.has('order_date')) missing.push('order_date');
      const hasAmount = f.has('amount') || (f.has('quantity') && f.has('unit_price')) || payments !== undefined;
      if (!hasAmount) missing.push(f.has('quantity') || f.has('unit_price') ? (f.has('quantity') ? 'unit_price' : 'quantity') : 'amount');
      if (missing.length > 0) {
        throw new DataError(
          `cannot find the ${missing.join(' and ')} column${missing.length > 1 ? 's' : ''} in the orders file`,
          { file: opts.orders, line: 1 },
          `columns found: ${h.headers.map((x) => JSON.stringify(x)).join(', ')}; pass --map ${missing[0]}=COLUMN${opts.preset ? '' : ' or a --preset'}`,
        );
      }
      if (opts.grain === undefined && preset === undefined && !f.has('amount') && f.has('quantity')) grain = 'line';
      rec.grain = grain;
      const iId = f.get('order_id')?.index ?? -1;
      const iCust = f.get('customer_id')!.index;
      const iDate = f.get('order_date')!.index;
      const useLines = !f.has('amount') && f.has('quantity') && f.has('unit_price');
      const iAmt = f.get('amount')?.index ?? -1;
      const iQty = useLines ? f.get('quantity')!.index : -1;
      const iPrice = useLines ? f.get('unit_price')!.index : -1;
      const iStatus = f.get('status')?.index ?? -1;
      const iCur = f.get('currency')?.index ?? -1;
      const iRefund = f.get('refund')?.index ?? -1;
      const iCancel = f.get('cancelled_at')?.index ?? -1;
      attrChannel = f.get('channel')?.index ?? -1;
      attrCountry = f.get('country')?.index ?? -1;
      const nCols = h.headers.length;
      const colName = (i: number): string => h.headers[i] ?? `#${i + 1}`;
      const payMap = payments?.amounts;
      const personOf = customers?.personOf;
      const keyNorm = new KeyNormalizer(lowercase);
      const statuses = new ByteInterner((t) => ({ raw: t.trim(), cls: classifyStatus(t, statusOverrides) }));
      const currencies = new ByteInterner((t) => t.trim().toUpperCase());
      const texts = new ByteInterner((t) => t.trim(), 256);

      return (r: RecordView) => {
        rec.rowsRead++;
        if (r.malformed) return reject(r, 'bad_quote', colName(0), r.raw().slice(0, 80), 'a quoted field must end with " followed by the delimiter');
        if (r.count !== nCols) {
          return reject(r, 'field_count', `(${r.count} fields)`, r.raw().slice(0, 80), `the header has ${nCols} fields; an unquoted delimiter inside a value splits it`);
        }
        const buf = r.buf;
        // line grain: a row with the pending order's id is one more line of it
        let continuation = false;
        if (grain === 'line' && iId >= 0 && pend.active) {
          const s = r.starts[iId];
          const e = r.ends[iId];
          continuation = e - s === pend.idLen && buf.compare(pendId, 0, pend.idLen, s, e) === 0;
        }
        let lineAmount = 0;
        if (iAmt >= 0) {
          if (continuation && r.isEmpty(iAmt)) lineAmount = 0;
          else {
            lineAmount = amounts.parseBytes(buf, r.starts[iAmt], r.ends[iAmt]);
            if (Number.isNaN(lineAmount)) {
              if (!continuation && grain === 'line' && r.isEmpty(iAmt)) lineAmount = 0;
              else return reject(r, 'bad_amount', colName(iAmt), r.field(iAmt), amountHint(r.field(iAmt)));
            }
          }
        } else if (iQty >= 0) {
          const q = amounts.parseBytes(buf, r.starts[iQty], r.ends[iQty]);
          if (Number.isNaN(q)) return reject(r, 'bad_quantity', colName(iQty), r.field(iQty), 'quantities are plain numbers');
          const p = amounts.parseBytes(buf, r.starts[iPrice], r.ends[iPrice]);
          if (Number.isNaN(p)) return reject(r, 'bad_amount', colName(iPrice), r.field(iPrice), amountHint(r.field(iPrice)));
          lineAmount = q * p;
        }
        let refundAmount = 0;
        if (iRefund >= 0 && !r.isEmpty(iRefund)) {
          refundAmount = amounts.parseBytes(buf, r.starts[iRefund], r.ends[iRefund]);
          if (Number.isNaN(refundAmount)) return reject(r, 'bad_amount', colName(iRefund), r.field(iRefund), amountHint(r.field(iRefund)));
          refundAmount = Math.abs(refundAmount);
        }
        if (continuation) {
          pend.amount += lineAmount;
          pend.refund += refundAmount;
          pend.rows++;
          return;
        }
        // a new order starts with this row
        const day = dates.parseBytes(buf, r.starts[iDate], r.ends[iDate]);
        if (day === AMBIGUOUS) {
          if (dates.order === undefined) throw new AmbiguousDates(r.line, r.field(iDate));
        }
        if (Number.isNaN(day) || day === AMBIGUOUS) {
          const v = r.field(iDate);
          return reject(r, 'bad_date', colName(iDate), v, v.trim() === '' ? 'every order needs a date' : 'dates look like 2024-03-31, 2024-03-31 14:05:00, 20240331 or 31/03/2024 with --date-format');
        }
        flush();
        pend.active = true;
        pend.rows = 1;
        pend.day = day;
        pend.refund = refundAmount;
        pend.cancelled = iCancel >= 0 && !r.isEmpty(iCancel);
        if (iId >= 0) {
          const s = r.starts[iId];
          const e = r.ends[iId];
          const len = e - s;
          if (grain === 'line') {
            if (len > pendId.length) pendId = Buffer.alloc(len * 2);
            buf.copy(pendId, 0, s, e);
            pend.idLen = len;
          }
          pend.cancelInvoice = cancelPrefix !== undefined && len > 0 && buf[s] === cancelPrefix;
          pend.merge = false;
          if (len > 0 && !orderIds.add(buf, s, e)) {
            if (grain === 'order') {
              // a repeated order id: the first occurrence is kept
              pend.active = false;
              count(rec.excluded, 'duplicate_order_id');
              return;
            }
            // line grain: every row with this order id is a line of that order
            pend.merge = true;
          }
        } else {
          pend.cancelInvoice = false;
          pend.merge = false;
        }
        if (personOf) {
          const key = normalizeCustomerKey(r.field(iCust), lowercase);
          pend.customer = key === '' ? -1 : builder.customerIndex(personOf.get(key) ?? key);
        } else {
          keyNorm.normalize(buf, r.starts[iCust], r.ends[iCust]);
          pend.customer = keyNorm.end > keyNorm.start ? builder.customerIndexBytes(keyNorm.buf, keyNorm.start, keyNorm.end) : -1;
        }
        pend.amount = lineAmount;
        if (payMap) {
          const id = iId >= 0 ? r.field(iId).trim() : '';
          const paid = payMap.get(id);
          if (paid === undefined && iAmt < 0 && iQty < 0) {
            pend.active = false;
            const st = iStatus >= 0 ? classifyStatus(r.field(iStatus), statusOverrides) : 'counted';
            count(rec.excluded, st === 'counted' ? 'no_payment' : STATUS_REASON[st]);
            return;
          }
          if (paid !== undefined && iAmt < 0 && iQty < 0) pend.amount = paid;
        }
        if (iStatus >= 0) {
          const st = statuses.get(buf, r.starts[iStatus], r.ends[iStatus]);
          pend.status = st.cls;
          if (st.cls === 'unknown') count(unknownStatuses, st.raw);
        } else pend.status = 'counted';
        pend.currency = iCur >= 0 ? currencies.get(buf, r.starts[iCur], r.ends[iCur]) : '';
        pend.channel = attrChannel >= 0 ? texts.get(buf, r.starts[attrChannel], r.ends[attrChannel]) : '';
        pend.country = attrCountry >= 0 ? texts.get(buf, r.starts[attrCountry], r.ends[attrCountry]) : '';
      };
    },
  );
  flush();
  if (runCurrencyRows > 0) count(currencyRows, runCurrency, runCurrencyRows);
  orderIds = new OrderIdSet(0); // release the fingerprints before the ledger is sorted
  collectGarbage();
  if (rejectsOut) {
    await new Promise<void>((res, rej) => rejectsOut!.end((err?: Error | null) => (err ? rej(err) : res())));
  }
  if (dataRows === 0) {
    if (rejectsTmp) safeUnlink(rejectsTmp);
    throw new DataError('the orders file has a header but no rows', { file: opts.orders, line: 1 }, 'export it again with the orders included');
  }
  if (unknownStatuses.size > 0) {
    const list = [...unknownStatuses].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([s, n]) => `${JSON.stringify(s)} (${n})`).join(', ');
    opts.warn(`orders with unrecognised status were excluded: ${list}; pass --count-status VALUE to count them or --exclude-status VALUE to silence this`);
  }
  if (wantCurrency === undefined && currencyRows.size > 1) {
    if (rejectsTmp) safeUnlink(rejectsTmp);
    const list = [...currencyRows].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} (${n} rows)`).join(', ');
    throw new DataError(
      `the orders are in more than one currency: ${list}`,
      { file: opts.orders, column: mapping.fields.get('currency')?.column },
      `analyse one currency per run: pass --currency ${[...currencyRows].sort((a, b) => b[1] - a[1])[0][0]}`,
    );
  }
  if (rejectsTmp && opts.rejectsFile) renameSync(rejectsTmp, opts.rejectsFile);

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
  const { table, refundRowsDropped, refundsDropped } = builder.finalize(
    (_i, key) => customers?.records.has(key) ?? false,
    attributeNames,
    (a, i, key) => {
      if (a < nCustomerAttrs) return customers?.records.get(key)?.values[a];
      return orderAttr.get(orderAttrNames[a - nCustomerAttrs], i);
    },
  );
  if (refundRowsDropped > 0) {
    count(rec.excluded, 'refund_without_order', refundRowsDropped);
    rec.refundRows -= refundRowsDropped;
    rec.refunds -= refundsDropped;
  }
  inputs.push({ role: 'orders', source: src, mapping, delimiter: header.delimiter, rows: dataRows });
  if (customers) inputs.push(customers.report);
  if (payments) inputs.push(payments.report);

  let asOf: Day;
  let asOfSource: LoadedData['asOfSource'];
  if (opts.asOf !== undefined) {
    asOf = opts.asOf;
    asOfSource = opts.asOfSource ?? 'flag';
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
    customersFile: customers
      ? { rows: customers.report.rows, customers: customers.records.size, duplicateRows: customers.duplicateRows }
      : undefined,
    listed: customers ? Uint8Array.from(table.ids, (id) => (customers.records.has(id) ? 1 : 0)) : undefined,
  };
}

function amountHint(value: string): string {
  if (/^\s*-?\d+,\d{1,2}\s*$/.test(value)) return 'this looks like a decimal comma: pass --decimal-comma';
  return 'amounts look like 1234.50, 1,234.50, $1,234.50 or (12.00); use --decimal-comma for 1.234,50';
}

function csvLine(values: string[]): string {
  return values.map((v) => quoteCsvField(v, ',')).join(',') + '\n';
}

function safeUnlink(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    /* already gone */
  }
}
