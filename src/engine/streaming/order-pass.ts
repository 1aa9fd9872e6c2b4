import type { WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { CustomerStateBuilder, type LaterRefunds } from './customer-builder.js';
import type { GroupedPart, PartLedger } from './part-ledger.js';
import { ByteInterner, type KeyTableParts } from './key-table.js';
import { KeyNormalizer, normalizeCustomerKey } from '../customer-key.js';
import { passGrain } from '../input-checks.js';
import { quoteCsvField } from '../../domain/csv-text.js';
import type { Day } from '../../domain/dates.js';
import { DataError } from '../../domain/errors.js';
import type { ByteRange } from '../../io/input.js';
import type { OrderReview } from '../../io/read-reviews.js';
import { columnsFound, getPreset, mapColumns, type FileMapping } from '../../io/mapping.js';
import { collectGarbage } from '../../io/memory.js';
import { OrderIdSet, type OrderIdShare } from './order-keys.js';
import { scanTable, type HeaderInfo, type TableScan } from '../../io/read-table.js';
import type { Delimiter, RecordView } from '../../io/scanner.js';
import type { Reconciliation } from '../spec.js';
import { bookedAmount, classifyOrder, classifyStatus, REASONS, STATUS_REASON, statusOverrides, type OrderFacts, type OrderRules } from '../rules.js';
import { AMBIGUOUS, AmountParser, DateParser, excelSerialDate, FIRST_ORDER_YEAR, LAST_ORDER_YEAR, MAX_AMOUNT, MAX_ORDER_DAY, MIN_ORDER_DAY, PLACEHOLDER_DAYS, type DayOrder } from '../../io/values.js';

/**
 * The pass over the orders file (spec §1.3, §1.4): every row classified, counted in the
 * reconciliation and, when it counts, added to the per-customer state. One OrderPass reads
 * the whole file, or one byte range of it (engine/streaming/parallel-orders.ts runs two, one per thread, and
 * absorbs the second into the first).
 */

/** The settings of a pass: plain data, so a worker thread gets them as they are. */
export interface PassOptions {
  /** The orders file, as named in messages. */
  file: string;
  preset?: string;
  /** --map overrides for the orders file. */
  map: Map<string, string>;
  delimiter?: Delimiter;
  encoding?: string;
  dateOrder?: DayOrder;
  decimalComma?: boolean;
  timezone?: string;
  currency?: string;
  asOf?: Day;
  strict?: boolean;
  grain?: 'order' | 'line';
  countStatus?: string[];
  excludeStatus?: string[];
}

/** What only the main thread's sequential pass has: streams and the other files' joins. */
export interface PassHooks {
  stdin?: Readable;
  /** --rejects: one CSV line per rejected row. */
  rejectsOut?: WriteStream;
  /** Order id to amount, from --payments. */
  payments?: Map<string, number>;
  /** Customer key to person key (Olist's customer_unique_id), from the customers file. */
  personOf?: Map<string, string>;
  /** Latest review per order id (--reviews); counted orders with one fill OrderPass.review*. */
  reviews?: Map<string, OrderReview>;
  /** One of the first five rejected rows, for the user. */
  onReject: (line: number, message: string) => void;
  /** Warnings about the file's text (not UTF-8); the two-thread reader has none (it falls back instead). */
  onWarn?: (message: string) => void;
}



/** Thrown at the first day/month date the pass cannot order; the reader decides and reruns. */
export class AmbiguousDates extends Error {
  constructor(
    readonly line: number,
    readonly value: string,
    /** The file's date column. */
    readonly column: string,
  ) {
    super('ambiguous dates');
  }
}

/** The order being gathered (its first row, and at line grain its later lines), with the facts the rules read. */
interface Pending extends OrderFacts {
  active: boolean;
  idLen: number;
  /** Customer index in the builder; -1 when the row has no customer id. */
  customer: number;
  rows: number;
  channel: string;
  country: string;
  /** The order id as text, kept only to look up its review (--reviews). */
  orderId: string;
}

const NO_ATTR_DAY = 2147483647;

/** Channel and country of each customer's earliest counted order (order-level attributes). */
export class OrderAttributes {
  private day: Int32Array = new Int32Array(0);
  private channel: (string | undefined)[] = [];
  private country: (string | undefined)[] = [];

  offer(customer: number, day: number, channel: string, country: string): void {
    if (customer >= this.day.length) {
      const d = new Int32Array(Math.max(1024, customer * 2));
      d.fill(NO_ATTR_DAY);
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

  parts(): OrderAttributeParts {
    return { day: this.day, channel: this.channel, country: this.country };
  }

  /** Offers the attributes of a pass over a later part of the file (its customer j is remap[j] here). */
  absorb(p: OrderAttributeParts, remap: Int32Array): void {
    for (let j = 0; j < p.channel.length; j++) {
      if (p.day[j] !== NO_ATTR_DAY) this.offer(remap[j], p.day[j], p.channel[j] ?? '', p.country[j] ?? '');
    }
  }
}

export interface OrderAttributeParts {
  day: Int32Array;
  channel: (string | undefined)[];
  country: (string | undefined)[];
}

/** A later part's customers (its arrays move to the first part's thread without a copy). */
export interface LaterKeys {
  keys: KeyTableParts;
}

/** A later part's pass result besides its keys, as plain data and typed arrays (postMessage from a worker). */
export interface PassRest {
  scan: TableScan;
  /** This part's region of the shared order-id table did not fill up, and its share of the cross-half check found no id of both parts. */
  idsOk: boolean;
  rec: Reconciliation;
  currencyRows: Map<string, number>;
  unknownStatuses: Map<string, number>;
  /** Fast-path amounts by digits after the point (AmountParser.decimals). */
  amountDecimals: Float64Array;
  maxDay: number;
  firstAfterAsOf: number;
  refunds: LaterRefunds;
  attributes: OrderAttributeParts;
  /** The first rejected rows shown to the user: [line within the range, message]. */
  shown: [number, string][];
}

export class OrderPass {
  readonly builder: CustomerStateBuilder;
  orderIds: OrderIdSet;
  readonly rec: Reconciliation = {
    rowsRead: 0,
    orderRows: 0,
    refundRows: 0,
    excluded: new Map(),
    rejected: new Map(),
    orders: 0,
    refunds: 0,
    grain: 'order',
  };
  /** Rows per currency (exports rarely switch currency from row to row: counted in runs). */
  readonly currencyRows = new Map<string, number>();
  private runCurrency = '';
  private runCurrencyRows = 0;
  readonly unknownStatuses = new Map<string, number>();
  /** Amounts by digits after the point, for the thousands-separator check (values.ts). */
  amountDecimals = new Float64Array(5);
  maxDay = -Infinity;
  /** The earliest day of an order left out as dated after --as-of (Infinity: none), for the hint. */
  firstAfterAsOf = Infinity;
  /** Order-level customer attributes: the value on the customer's earliest counted order. */
  readonly orderAttr = new OrderAttributes();
  mapping!: FileMapping;
  header!: HeaderInfo;
  /** Reviews of counted orders in file order (--reviews): builder customer, review day and score. */
  readonly reviewCustomer: number[] = [];
  readonly reviewDay: number[] = [];
  readonly reviewScore: number[] = [];
  /** Columns of the order-level attributes; -1 when not mapped. */
  attrChannel = -1;
  attrCountry = -1;
  private shownRejects = 0;
  private flush: () => void = () => {};
  /** Customer here of each customer of each absorbed later part, in file order. */
  private readonly remaps: Int32Array[] = [];

  /**
   * `bytes` sizes the big arrays once (untouched pages of an over-estimate cost no memory;
   * undefined, for stdin, starts small and grows). `ids`: this part's region of an order-id
   * set shared with the other part, or `'log'`: the ids are logged, every one taken as new,
   * and checked for repeats once all parts are read (see OrderIdSet).
   */
  constructor(
    private readonly opts: PassOptions,
    private readonly hooks: PassHooks,
    bytes: number | undefined,
    ids?: { ids: OrderIdShare; half: 0 | 1 } | 'log',
    /** Rows the input holds, estimated from a sample (size-estimate.ts); else guessed from bytes. */
    rows?: number,
  ) {
    const expectedRows = rows ?? (bytes ? bytes / 60 : 1 << 16);
    this.builder = new CustomerStateBuilder(
      bytes ? Math.min(bytes / 45, 100_000_000) : 1 << 16,
      // customers: a tenth of the rows (the table grows past that)
      Math.max(1 << 12, Math.min(expectedRows / 10, 4_000_000)),
      collectGarbage,
    );
    this.orderIds = new OrderIdSet(Math.max(1 << 16, Math.min(expectedRows, 40_000_000)), ids);
  }

  /** Reads the file (or `range` of it; `header` when the range starts after the header line). */
  async scan(range?: ByteRange & { last: boolean }, header?: HeaderInfo): Promise<TableScan> {
    const preset = getPreset(this.opts.preset);
    const result = await scanTable(
      {
        path: this.opts.file,
        stdin: this.hooks.stdin,
        encoding: this.opts.encoding,
        delimiter: this.opts.delimiter ?? (preset?.whitespace ? 'whitespace' : undefined),
        headerless: preset?.headerless,
        what: 'orders',
        range,
        header,
        warn: this.hooks.onWarn,
      },
      (h) => this.onHeader(h),
    );
    this.flush();
    if (this.runCurrencyRows > 0) count(this.currencyRows, this.runCurrency, this.runCurrencyRows);
    this.runCurrencyRows = 0;
    return result;
  }

  /** Frees the order-id fingerprints (needed only while reading). */
  dropOrderIds(): void {
    const bytes = this.orderIds.bytes;
    this.orderIds = new OrderIdSet(0);
    collectGarbage(bytes);
  }

  /** Frees the customer index once the scan is done, for a part whose keys go to another pass (takeKeys). */
  dropCustomerIndex(): void {
    this.builder.dropKeyIndex();
  }

  /** True unless this part filled its region of a shared order-id set (cross-half duplicates: OrderIdSet.crossCheck). */
  get idsOk(): boolean {
    return !this.orderIds.full;
  }

  /** The customer keys after scan(), for the first part's pass (absorbKeys); then takeRest() and takeLedger(). */
  takeKeys(): LaterKeys {
    return { keys: this.builder.takeKeys() };
  }

  /** The rest of the result after takeKeys() but the ledger, for absorbRest(). */
  takeRest(scan: TableScan, idsOk: boolean, shown: [number, string][]): PassRest {
    return {
      scan,
      idsOk,
      rec: this.rec,
      currencyRows: this.currencyRows,
      unknownStatuses: this.unknownStatuses,
      amountDecimals: this.amountDecimals,
      maxDay: this.maxDay,
      firstAfterAsOf: this.firstAfterAsOf,
      refunds: this.builder.takeRefunds(),
      attributes: this.orderAttr.parts(),
      shown,
    };
  }

  /**
   * Adds the customers of a pass over the next part of the file (its takeKeys()), parts in file
   * order; the parallel reader lays its ledger out with this part's (part-ledger.ts placeRuns).
   * Returns where each of its customers is here. `known`: see
   * CustomerStateBuilder.absorbKeys.
   */
  absorbKeys(later: LaterKeys, known?: Int32Array): Int32Array {
    const remap = this.builder.absorbKeys(later.keys, known);
    this.remaps.push(remap);
    return remap;
  }

  /** Where each of another pass's keys is among this pass's customers, or -1 (before takeKeys). */
  indexOf(keys: LaterKeys): Int32Array {
    return this.builder.indexOf(keys.keys);
  }

  /** The ledger entries as the pass made them (handed over), to be scattered to their places (part-ledger.ts scatterField). */
  takeLedger(): PartLedger {
    return this.builder.takeLedger();
  }

  /** The ledger grouped by this pass's customers (handed over), to be laid out with the other parts' (part-ledger.ts placeRuns). */
  takeGroupedLedger(): GroupedPart {
    return this.builder.takeGroupedPart();
  }

  /**
   * Adds the rest of the pass absorbed `p`-th (absorbKeys), which must have no order id in
   * common with this one. Counts add up; maps keep first-appearance order (call in file order),
   * as one pass over all parts would have them.
   */
  absorbRest(next: PassRest, p: number): void {
    const r = this.rec;
    r.rowsRead += next.rec.rowsRead;
    r.orderRows += next.rec.orderRows;
    r.refundRows += next.rec.refundRows;
    r.orders += next.rec.orders;
    r.refunds += next.rec.refunds;
    for (const [k, v] of next.rec.excluded) count(r.excluded, k, v);
    for (const [k, v] of next.rec.rejected) count(r.rejected, k, v);
    for (const [k, v] of next.currencyRows) count(this.currencyRows, k, v);
    for (const [k, v] of next.unknownStatuses) count(this.unknownStatuses, k, v);
    for (let k = 0; k < this.amountDecimals.length; k++) this.amountDecimals[k] += next.amountDecimals[k];
    if (next.maxDay > this.maxDay) this.maxDay = next.maxDay;
    if (next.firstAfterAsOf < this.firstAfterAsOf) this.firstAfterAsOf = next.firstAfterAsOf;
    this.builder.absorbRefunds(next.refunds, p);
    this.orderAttr.absorb(next.attributes, this.remaps[p]);
  }

  /**
   * Rows that fail to parse come here: Excel's empty rows (`,,,`) and a header line repeated
   * mid-file are not data, so they are counted under their own reasons (checked only here,
   * off the hot path); every other row is rejected.
   */
  private reject(r: RecordView, reason: string, column: string, value: string, hint: string): void {
    const notData = notDataRow(r, this.header.headers);
    if (notData) return void count(this.rec.excluded, notData);
    count(this.rec.rejected, reason);
    if (this.opts.strict) {
      throw new DataError(`${REASONS[reason] ?? reason} (--strict stops at the first rejected row)`, { file: this.opts.file, line: r.line, column, value }, hint);
    }
    if (this.shownRejects < 5) {
      this.shownRejects++;
      this.hooks.onReject(r.line, `column ${JSON.stringify(column)}: value ${JSON.stringify(value)}: ${REASONS[reason] ?? reason} (row rejected; ${hint})`);
    }
    this.hooks.rejectsOut?.write(csvLine([this.opts.file, String(r.line), reason, column, value, r.raw()]));
  }

  /** Maps the header and returns the row handler. */
  private onHeader(h: HeaderInfo): (r: RecordView) => void {
    const opts = this.opts;
    const preset = getPreset(opts.preset);
    const builder = this.builder;
    const rec = this.rec;
    const payMap = this.hooks.payments;
    const personOf = this.hooks.personOf;
    const reviews = this.hooks.reviews;
    const overrides = statusOverrides(opts.countStatus, opts.excludeStatus);
    const dates = new DateParser(opts.dateOrder, opts.timezone);
    const amounts = new AmountParser(opts.decimalComma ?? false);
    this.amountDecimals = amounts.decimals;
    const rules: OrderRules = { currency: opts.currency?.trim().toUpperCase(), asOf: opts.asOf };
    const lowercase = preset?.lowercaseIds ?? false;
    const cancelPrefix = preset?.cancelPrefix?.charCodeAt(0);

    this.header = h;
    const mapping = (this.mapping = mapColumns('orders', h.headers, preset, opts.map, opts.file));
    const f = mapping.fields;
    const missing: string[] = [];
    if (!f.has('customer_id')) missing.push('customer_id');
    if (!f.has('order_date')) missing.push('order_date');
    const hasAmount = f.has('amount') || (f.has('quantity') && f.has('unit_price')) || payMap !== undefined;
    if (!hasAmount) missing.push(f.has('quantity') || f.has('unit_price') ? (f.has('quantity') ? 'unit_price' : 'quantity') : 'amount');
    if (missing.length > 0) {
      throw new DataError(
        `cannot find the ${missing.join(' and ')} column${missing.length > 1 ? 's' : ''} in the orders file`,
        { file: opts.file, line: 1 },
        `${columnsFound(h.headers)}; pass ${missing.map((m) => `--map ${m}=COLUMN`).join(' ')}${opts.preset ? '' : ' or a --preset'}`,
      );
    }
    const grain = passGrain(opts, mapping);
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
    const attrChannel = (this.attrChannel = f.get('channel')?.index ?? -1);
    const attrCountry = (this.attrCountry = f.get('country')?.index ?? -1);
    const nCols = h.headers.length;
    const colName = (i: number): string => h.headers[i] ?? `#${i + 1}`;
    const keyNorm = new KeyNormalizer(lowercase);
    const statuses = new ByteInterner((t) => ({ raw: t.trim(), cls: classifyStatus(t, overrides) }));
    const currencies = new ByteInterner((t) => t.trim().toUpperCase());
    const texts = new ByteInterner((t) => t.trim(), 256);

    const pend: Pending = {
      active: false,
      idLen: 0,
      customer: -1,
      hasCustomer: false,
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
      moreLines: false,
      orderId: '',
    };
    let pendId = Buffer.alloc(256);

    // books the gathered order as engine/rules.ts decides
    this.flush = (): void => {
      if (!pend.active) return;
      pend.active = false;
      const rows = pend.rows;
      const outcome = classifyOrder(pend, rules);
      if (outcome === 'after_as_of' && pend.day < this.firstAfterAsOf) this.firstAfterAsOf = pend.day;
      if (outcome !== 'order' && outcome !== 'refund' && outcome !== 'lines' && outcome !== 'refund_lines') return void count(rec.excluded, outcome, rows);
      const amount = bookedAmount(pend, outcome);
      const ci = pend.customer;
      if (pend.currency !== '') {
        if (pend.currency === this.runCurrency) this.runCurrencyRows += rows;
        else {
          if (this.runCurrencyRows > 0) count(this.currencyRows, this.runCurrency, this.runCurrencyRows);
          this.runCurrency = pend.currency;
          this.runCurrencyRows = rows;
        }
      }
      if (pend.day > this.maxDay) this.maxDay = pend.day;
      if (outcome === 'lines' || outcome === 'refund_lines') {
        builder.addLines(ci, pend.day, amount);
        if (outcome === 'refund_lines') rec.refundRows += rows;
        else rec.orderRows += rows;
        return;
      }
      if (outcome === 'refund') {
        builder.addRefund(ci, pend.day, amount, rows);
        rec.refundRows += rows;
        rec.refunds++;
        return;
      }
      builder.addOrder(ci, pend.day, amount);
      rec.orderRows += rows;
      rec.orders++;
      const review = reviews?.get(pend.orderId);
      if (review) {
        this.reviewCustomer.push(ci);
        this.reviewDay.push(review.day);
        this.reviewScore.push(review.score);
      }
      if (attrChannel >= 0 || attrCountry >= 0) this.orderAttr.offer(ci, pend.day, pend.channel, pend.country);
    };

    return (r: RecordView) => {
      rec.rowsRead++;
      if (r.malformed) return this.reject(r, 'bad_quote', colName(0), r.raw().slice(0, 80), 'a quoted field must end with " followed by the delimiter');
      if (r.count !== nCols) {
        return this.reject(r, 'field_count', `(${r.count} fields)`, r.raw().slice(0, 80), `the header has ${nCols} fields; an unquoted delimiter inside a value splits it`);
      }
      const buf = r.buf;
      // hash the order id and the customer key first, together (both lookups come further
      // down). Measured: faster than hashing each at its lookup; loading the hash slots
      // early as well (a prefetch) was 1 s slower on 10M rows.
      const prepared = grain === 'order' && iId >= 0 && r.ends[iId] > r.starts[iId];
      if (prepared) this.orderIds.prepare(buf, r.starts[iId], r.ends[iId]);
      if (!personOf) {
        keyNorm.normalize(buf, r.starts[iCust], r.ends[iCust]);
        if (keyNorm.end > keyNorm.start) builder.prepareCustomer(keyNorm.buf, keyNorm.start, keyNorm.end);
      }
      // line grain: a row with the pending order's id is one more line of it
      let continuation = false;
      if (grain === 'line' && iId >= 0 && pend.active) {
        const s = r.starts[iId];
        const e = r.ends[iId];
        continuation = e - s === pend.idLen && buf.compare(pendId, 0, pend.idLen, s, e) === 0;
      }
      let lineAmount = 0;
      let textCurrency = '';
      if (iAmt >= 0) {
        if (continuation && r.isEmpty(iAmt)) lineAmount = 0;
        else {
          lineAmount = amounts.parseBytes(buf, r.starts[iAmt], r.ends[iAmt]);
          if (Number.isNaN(lineAmount)) {
            if (!continuation && grain === 'line' && r.isEmpty(iAmt)) lineAmount = 0;
            else return this.reject(r, 'bad_amount', colName(iAmt), r.field(iAmt), amountHint(r.field(iAmt)));
          }
          textCurrency = amounts.currency;
        }
      } else if (iQty >= 0) {
        const q = amounts.parseBytes(buf, r.starts[iQty], r.ends[iQty]);
        if (Number.isNaN(q)) return this.reject(r, 'bad_quantity', colName(iQty), r.field(iQty), 'quantities are plain numbers');
        const p = amounts.parseBytes(buf, r.starts[iPrice], r.ends[iPrice]);
        if (Number.isNaN(p)) return this.reject(r, 'bad_amount', colName(iPrice), r.field(iPrice), amountHint(r.field(iPrice)));
        lineAmount = q * p;
        textCurrency = amounts.currency;
      }
      if (!(Math.abs(lineAmount) <= MAX_AMOUNT)) {
        const col = iAmt >= 0 ? iAmt : iPrice;
        return this.reject(r, 'bad_amount', colName(col), r.field(col), `an amount beyond ${MAX_AMOUNT.toExponential(0)} is not believable (sums would overflow); check the column and the --map`);
      }
      let refundAmount = 0;
      if (iRefund >= 0 && !r.isEmpty(iRefund)) {
        refundAmount = amounts.parseBytes(buf, r.starts[iRefund], r.ends[iRefund]);
        if (Number.isNaN(refundAmount)) return this.reject(r, 'bad_amount', colName(iRefund), r.field(iRefund), amountHint(r.field(iRefund)));
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
        if (dates.order === undefined) throw new AmbiguousDates(r.line, r.field(iDate), colName(iDate));
      }
      if (Number.isNaN(day) || day === AMBIGUOUS) {
        const v = r.field(iDate);
        return this.reject(r, 'bad_date', colName(iDate), v, dateHint(v));
      }
      if (dates.dayFirstSeen !== undefined && dates.monthFirstSeen !== undefined) {
        throw new DataError(
          `the dates mix day-first (${dates.dayFirstSeen}) and month-first (${dates.monthFirstSeen}) order, so every date like 03/04 could be read either way`,
          { file: this.opts.file, line: r.line, column: colName(iDate) },
          'export the dates in one format, or pass --date-format DD/MM/YYYY or MM/DD/YYYY (values in the other order are then rejected)',
        );
      }
      // two comparisons on the hot path; the placeholders all lie outside the believed range
      if (day < MIN_ORDER_DAY || day > MAX_ORDER_DAY) {
        if (PLACEHOLDER_DAYS.has(day)) {
          // "no date" written as a date (1900-01-01, 9999-12-31): excluded, never the as-of date
          this.flush();
          return void count(rec.excluded, 'placeholder_date');
        }
        return this.reject(r, 'bad_date', colName(iDate), r.field(iDate), `an order date before ${FIRST_ORDER_YEAR} or after ${LAST_ORDER_YEAR} is not believed; check the column and its format`);
      }
      this.flush();
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
        pend.moreLines = false;
        if (len > 0 && !(prepared ? this.orderIds.addPrepared() : this.orderIds.add(buf, s, e))) {
          if (grain === 'order') {
            // a repeated order id: the first occurrence is kept
            pend.active = false;
            count(rec.excluded, 'duplicate_order_id');
            return;
          }
          // line grain: every row with this order id is a line of that order
          pend.moreLines = true;
        }
      } else {
        pend.cancelInvoice = false;
        pend.moreLines = false;
      }
      if (personOf) {
        const key = normalizeCustomerKey(r.field(iCust), lowercase);
        pend.customer = key === '' ? -1 : builder.customerIndex(personOf.get(key) ?? key);
      } else {
        // normalised and prepared at the top of the row (nothing has looked up a key since)
        pend.customer = keyNorm.end > keyNorm.start ? builder.customerIndexPrepared(keyNorm.buf, keyNorm.start, keyNorm.end) : -1;
      }
      pend.hasCustomer = pend.customer >= 0;
      pend.amount = lineAmount;
      if (reviews) pend.orderId = iId >= 0 ? r.field(iId).trim() : '';
      if (payMap) {
        const id = iId >= 0 ? r.field(iId).trim() : '';
        const paid = payMap.get(id);
        if (paid === undefined && iAmt < 0 && iQty < 0) {
          pend.active = false;
          const st = iStatus >= 0 ? classifyStatus(r.field(iStatus), overrides) : 'counted';
          count(rec.excluded, st === 'counted' ? 'no_payment' : STATUS_REASON[st]);
          return;
        }
        if (paid !== undefined && iAmt < 0 && iQty < 0) pend.amount = paid;
      }
      if (iStatus >= 0) {
        const st = statuses.get(buf, r.starts[iStatus], r.ends[iStatus]);
        pend.status = st.cls;
        if (st.cls === 'unknown') count(this.unknownStatuses, st.raw);
      } else pend.status = 'counted';
      // a currency column, else a currency written in the amount ($100, EUR 12)
      pend.currency = iCur >= 0 ? currencies.get(buf, r.starts[iCur], r.ends[iCur]) : textCurrency;
      pend.channel = attrChannel >= 0 ? texts.get(buf, r.starts[attrChannel], r.ends[attrChannel]) : '';
      pend.country = attrCountry >= 0 ? texts.get(buf, r.starts[attrCountry], r.ends[attrCountry]) : '';
    };
  }
}

function count(m: Map<string, number>, k: string, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

/** `empty_row` for a record of empty fields, `repeated_header` for the header line again; else undefined. */
export function notDataRow(r: RecordView, headers: string[]): 'empty_row' | 'repeated_header' | undefined {
  let empty = true;
  for (let i = 0; i < r.count && empty; i++) {
    for (let p = r.starts[i]; p < r.ends[i]; p++) {
      const c = r.buf[p];
      if (c !== 32 && c !== 9) {
        empty = false;
        break;
      }
    }
  }
  if (empty) return 'empty_row';
  if (r.count !== headers.length || r.malformed) return undefined;
  for (let i = 0; i < r.count; i++) {
    const f = r.field(i).trim().replace(/^\uFEFF/, '');
    if (f !== headers[i]) return undefined;
  }
  return 'repeated_header';
}

function dateHint(value: string): string {
  if (value.trim() === '') return 'every order needs a date';
  const serial = excelSerialDate(value);
  if (serial !== undefined) {
    return `this looks like an Excel serial date (${value.trim()} = ${serial}): export the dates as text, formatted as yyyy-mm-dd (in Excel: format the column as a date or text before saving as CSV)`;
  }
  return 'dates look like 2024-03-31, 2024-03-31 14:05:00, 20240331 or 31/03/2024 with --date-format';
}

function amountHint(value: string): string {
  if (value.trim() === '') return 'the amount is empty: every order needs one (if it is in another column, pass --map amount=COLUMN)';
  if (/^\s*-?\d+,\d{1,2}\s*$/.test(value)) return 'this looks like a decimal comma: pass --decimal-comma';
  return 'amounts look like 1234.50, 1,234.50, $1,234.50 or (12.00); use --decimal-comma for 1.234,50';
}

function csvLine(values: string[]): string {
  return values.map((v) => quoteCsvField(v, ',')).join(',') + '\n';
}
