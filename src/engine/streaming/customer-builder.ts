import { NO_DAY, type CustomerTable } from '../../domain/customer-state.js';
import type { Day } from '../../domain/dates.js';
import { MILLS_PER_UNIT, toMills } from '../../domain/money.js';
import { ByteKeyTable, type KeyTableParts } from './key-table.js';
import { groupPart, scratch, sortSegment, type GroupedLedger, type GroupedPart, type PartLedger } from './part-ledger.js';

/*
 * The streaming engine's builder of the CustomerTable (domain/customer-state.ts): customer keys
 * to indices, the day ledger gathered per customer, sorted and merged by day at the end.
 *
 * Money is held in integer thousandths of the currency's major unit (MILLS_PER_UNIT), from the
 * first amount booked to the finished table: every ISO 4217 minor unit (0, 2 or 3 decimals) and
 * the sub-cent unit prices real exports have (UCI's 0.001) are whole numbers of it, so sums are
 * exact integers (below 2^53, i.e. 9 billion major units per customer) and come out the same in
 * any order of addition, in any engine. The table's amounts are the exact sums divided by 1000
 * once: the double nearest the decimal total. Amounts with more than three decimals are
 * rounded to the nearest thousandth (half away from zero) as they are booked.
 */

export { MILLS_PER_UNIT, toMills };
export type { PartLedger };

function growInt32(a: Int32Array, min: number): Int32Array {
  const b = new Int32Array(Math.max(min, Math.ceil(a.length * 1.5) + 16));
  b.set(a);
  return b;
}

function growUint8(a: Uint8Array, min: number): Uint8Array {
  const b = new Uint8Array(Math.max(min, Math.ceil(a.length * 1.5) + 16));
  b.set(a);
  return b;
}


/** A later part's refund counts per customer. */
export interface LaterRefunds {
  rows: Int32Array;
  count: Int32Array;
}

/**
 * Builds a CustomerTable from a stream of orders and refunds in any order. Memory: one
 * 32-byte hash slot and a few words per customer, plus one 13-byte ledger entry per
 * customer-day (events of a customer on the day of its latest entry merge in place, which
 * for date-sorted exports merges all same-day orders). finalize() sorts each customer's
 * entries by day and merges same-day ones.
 *
 * Builders over consecutive parts of one input combine into what one builder over the whole
 * input gives (the parallel reader, engine/streaming/parallel-orders.ts): the first takes the
 * others' keys in file order (absorbKeys: the first part's customers keep their indices, each
 * later part's new ones follow in order of appearance, as one pass would number them) and their
 * ledgers grouped by customer on their own threads (takeGroupedPart, absorbLedger); group()
 * lays them out in customer order, each customer's entries part by part (part-ledger.ts). Amounts are
 * integers, so entries of one day merge to the same total whichever part they came from and in
 * whatever order.
 */
export class CustomerStateBuilder {
  private readonly keys: ByteKeyTable;
  /** Rows (not orders) of refunds per customer, to reclassify refunds of non-buyers. */
  private refundRows: Int32Array = new Int32Array(1024);
  /** Refunds (not rows, not days) per customer. */
  private refundCount: Int32Array = new Int32Array(1024);
  private entCust: Int32Array;
  private entDay: Int32Array;
  /** Counted orders of an entry, in a byte (it is 0 or 1 for almost all): past 255 see manyOrders. */
  private entOrders: Uint8Array;
  /** Orders of an entry beyond the 255 its byte holds: entry -> the rest. */
  private readonly manyOrders = new Map<number, number>();
  /**
   * Amounts in mills (see MILLS_PER_UNIT), in 32 bits: an entry's total beyond ±2,147,483,647
   * mills (2.1 million major units in one customer-day) lives in bigAmounts instead, and 0 here.
   * Four bytes less per entry than a double: 40 MB at 10M orders, at the pass's memory peak.
   */
  private entAmount: Int32Array;
  private readonly bigAmounts = new Map<number, number>();
  private entries = 0;
  /** The ledger in customer order once group() ran; the entry arrays above are then empty. */
  private grouped: GroupedLedger | undefined;
  /** Later parts absorbed, in file order: the customer here of each of their customers. */
  private later: Int32Array[] = [];

  /**
   * `release` asks the runtime to free dropped arrays of so many bytes now (io passes a full GC
   * when they are big); a typed array's memory otherwise lingers until its wrapper happens to be
   * collected.
   */
  constructor(
    expectedEntries = 1024,
    expectedCustomers = 1024,
    private readonly release: (bytes: number) => void = () => {},
  ) {
    this.keys = new ByteKeyTable(expectedCustomers);
    const n = Math.max(1024, Math.ceil(expectedEntries));
    this.entCust = new Int32Array(n);
    this.entDay = new Int32Array(n);
    this.entOrders = new Uint8Array(n);
    this.entAmount = new Int32Array(n);
  }

  /** Index of the customer whose (normalised) key is buf[s, e), created when new. */
  customerIndexBytes(buf: Buffer, s: number, e: number): number {
    this.keys.prepare(buf, s, e);
    return this.customerIndexPrepared(buf, s, e);
  }

  /** Hashes the key (see ByteKeyTable.prepare); customerIndexPrepared then looks it up. */
  prepareCustomer(buf: Buffer, s: number, e: number): void {
    this.keys.prepare(buf, s, e);
  }

  /** customerIndexBytes after prepareCustomer with the same bytes (and no other key looked up since). */
  customerIndexPrepared(buf: Buffer, s: number, e: number): number {
    return this.roomFor(this.keys.lookupPrepared(buf, s, e));
  }

  /** Makes room for customer i's per-customer counts; returns i. */
  private roomFor(i: number): number {
    if (i >= this.refundRows.length) {
      this.refundRows = growInt32(this.refundRows, i + 1);
      this.refundCount = growInt32(this.refundCount, i + 1);
    }
    return i;
  }

  /** The key of builder customer i (valid before and after finalize). */
  customerKey(i: number): string {
    return this.keys.key(i);
  }

  /** Index of a customer by its (normalised) key, created when new. */
  customerIndex(key: string): number {
    const b = Buffer.from(key, 'utf8');
    return this.customerIndexBytes(b, 0, b.length);
  }

  /** A counted order; amounts here and below are in major units (booked as whole mills). */
  addOrder(customer: number, day: Day, amount: number): void {
    this.addEntry(customer, day, 1, toMills(amount));
  }

  /** More lines of an order already counted (line-item exports with split orders). */
  addLines(customer: number, day: Day, amount: number): void {
    this.addEntry(customer, day, 0, toMills(amount));
  }

  addRefund(customer: number, day: Day, amount: number, rows: number): void {
    this.refundRows[customer] += rows;
    this.refundCount[customer]++;
    this.addEntry(customer, day, 0, toMills(amount));
  }

  private addEntry(customer: number, day: Day, orders: number, mills: number): void {
    const keys = this.keys;
    if (keys.lastIndex !== customer) keys.locate(customer);
    // the customer's two words in the key table (usually just looked up, so in cache): its
    // latest entry (-1 before its first) and that entry's day
    const st = keys.stateArr;
    const b = keys.stateAt;
    const last = st[b];
    const sameDay = st[b + 1] === day;
    if (last >= 0 && sameDay) {
      const o = this.entOrders[last] + orders;
      if (o <= 255) this.entOrders[last] = o;
      else this.manyOrders.set(last, (this.manyOrders.get(last) ?? 0) + orders);
      this.addMills(last, mills);
      return;
    }
    const e = this.entries++;
    if (e >= this.entCust.length) {
      const min = e + 1;
      this.entCust = growInt32(this.entCust, min);
      this.entDay = growInt32(this.entDay, min);
      this.entOrders = growUint8(this.entOrders, min);
      this.entAmount = growInt32(this.entAmount, min);
    }
    this.entCust[e] = customer;
    this.entDay[e] = day;
    this.entOrders[e] = orders;
    this.entAmount[e] = 0;
    this.addMills(e, mills);
    st[b] = e;
    st[b + 1] = day;
  }

  /** Adds whole mills to entry e's amount (32 bits, else bigAmounts). */
  private addMills(e: number, mills: number): void {
    const big = this.bigAmounts.size > 0 ? this.bigAmounts.get(e) : undefined;
    if (big !== undefined) return void this.bigAmounts.set(e, big + mills);
    const v = this.entAmount[e] + mills;
    if (v === (v | 0)) this.entAmount[e] = v;
    else {
      this.bigAmounts.set(e, v);
      this.entAmount[e] = 0;
    }
  }


  /**
   * Lays the ledger out in customer order, stable: each customer's entries stay in arrival
   * order. The pass is over after this. With later parts absorbed, the parallel reader lays
   * all parts out instead (setLaidOut).
   */
  group(): void {
    if (this.grouped) return;
    if (this.later.length > 0) throw new Error('internal error: the parts\' ledgers were not laid out');
    this.grouped = groupPart(this.takeLedger(), this.keys.size, this.release, true);
  }

  /** Customers so far (with those of absorbed later parts). */
  get customers(): number {
    return this.keys.size;
  }

  /** The ledger of this builder and its absorbed later parts in customer order (part-ledger.ts placeRuns), for finalize(). */
  setLaidOut(ledger: GroupedLedger): void {
    this.grouped = ledger;
  }

  /** This builder's entries grouped by its customers (compact types), to be laid out with other parts' (part-ledger.ts placeRuns). */
  takeGroupedPart(): GroupedPart {
    return groupPart(this.takeLedger(), this.keys.size, this.release, false);
  }

  /** This builder's ledger entries, handed over: the builder keeps none. */
  takeLedger(): PartLedger {
    const ledger: PartLedger = {
      entries: this.entries,
      cust: this.entCust,
      day: this.entDay,
      ord: this.entOrders,
      amt: this.entAmount,
      manyOrders: new Map(this.manyOrders),
      bigAmounts: new Map(this.bigAmounts),
    };
    this.entCust = EMPTY_INT32;
    this.entDay = EMPTY_INT32;
    this.entOrders = new Uint8Array(0);
    this.entAmount = EMPTY_INT32;
    this.manyOrders.clear();
    this.bigAmounts.clear();
    this.entries = 0;
    return ledger;
  }

  /** Frees the key index (and no key) once no more keys are looked up here: takeKeys() follows. */
  dropKeyIndex(): void {
    this.release(this.keys.dropIndex());
  }

  /** The keys after the pass, for the builder of the first part (absorbKeys); the index is dropped. */
  takeKeys(): KeyTableParts {
    return this.keys.parts();
  }

  /** Refund counts per customer after the pass. */
  takeRefunds(): LaterRefunds {
    const n = this.keys.size;
    return { rows: this.refundRows.subarray(0, n), count: this.refundCount.subarray(0, n) };
  }

  /**
   * Adds the customers and ledger of a builder over the next part of the input (see the class
   * comment), before group(): its customer j becomes customer remap[j] here, new ones after
   * those before. Then absorbRefunds(), and group() at finalize(). `known[j]`, when not -1, is
   * customer j's index here already: a later part's new keys are not indexed (below), so a
   * second later part must be told which of its keys an earlier one added (parallel-orders.ts).
   */
  absorbKeys(next: KeyTableParts, known?: Int32Array): Int32Array {
    const { arena, spans, size: nb } = next;
    // a later part's new keys are appended, not indexed: the index is not grown for them
    // (no rehash), and it is dropped at finalize unless a customers file looks keys up first
    const remap = new Int32Array(nb);
    for (let j = 0; j < nb; j++) {
      if (known && known[j] >= 0) {
        remap[j] = known[j];
        continue;
      }
      const s = spans[2 * j];
      const e = s + spans[2 * j + 1];
      // the later part's keys are distinct: a new one need not be indexed (see appendUnindexed)
      const i = this.keys.findIndexed(arena, s, e);
      remap[j] = i >= 0 ? i : this.roomFor(this.keys.appendUnindexed(arena, s, e));
    }
    this.later.push(remap);
    return remap;
  }

  /**
   * Where each of `keys` is among this builder's own (indexed) keys, or -1: a part cut from
   * the other half's tail matches the other half's keys with its own this way (parallel-orders.ts).
   */
  indexOf(keys: KeyTableParts): Int32Array {
    const { arena, spans, size } = keys;
    const at = new Int32Array(size);
    for (let j = 0; j < size; j++) at[j] = this.keys.findIndexed(arena, spans[2 * j], spans[2 * j] + spans[2 * j + 1]);
    return at;
  }

  /** Adds the refund counts of later part p. */
  absorbRefunds(next: LaterRefunds, p: number): void {
    const remap = this.later[p];
    for (let j = 0; j < remap.length; j++) {
      this.refundRows[remap[j]] += next.rows[j];
      this.refundCount[remap[j]] += next.count[j];
    }
  }

  /**
   * Sorts the ledger by customer and day, merges same-day entries and computes the summary
   * fields. `keep(i)` says whether a customer without counted orders stays (as a
   * prospect); refund rows of dropped customers are reported through `refundRowsDropped`.
   */
  finalize(
    keep: (i: number, key: string) => boolean,
    attributeNames: string[] = [],
    /** Value of attribute a for builder customer i (with key), asked row by row (every attribute of a customer in turn). */
    attributeOf: (a: number, i: number, key: string) => string | undefined = () => undefined,
  ): { table: CustomerTable; refundRowsDropped: number; refundsDropped: number } {
    // the index goes before the ledger is grouped: group()'s extra array and the index are
    // never held at once (48 MB of slots at 1M customers)
    this.release(this.keys.dropIndex());
    this.group();
    const nc = this.keys.size;
    const { start, day, ord, amt } = this.grouped!;
    this.grouped = undefined;
    this.later = [];
    // customers with ledger room (customers added after grouping, prospects, have none)
    const grouped = start.length - 1;
    // one customer's entries, gathered before they are sorted and merged back over the ledger
    // (a customer's merged entries only move down, so nothing unread is overwritten)
    let sd: Int32Array = new Int32Array(256);
    let so: Int32Array = new Int32Array(256);
    let sa: Float64Array = new Float64Array(256);

    let out = 0;
    let w = 0;
    let refundRowsDropped = 0;
    let refundsDropped = 0;
    const ids: string[] = [];
    const firstDay = new Int32Array(nc);
    const lastDay = new Int32Array(nc);
    const orders = new Int32Array(nc);
    const purchaseDays = new Int32Array(nc);
    const revenue = new Float64Array(nc);
    const ledgerStart = new Int32Array(nc + 1);
    const source = new Int32Array(nc);
    const keyOf = this.keys.keyReader();
    for (let i = 0; i < nc; i++) {
      const s = i < grouped ? start[i] : 0;
      const e = i < grouped ? start[i + 1] : 0;
      const n = e - s;
      if (n > sd.length) [sd, so, sa] = scratch(n);
      for (let k = 0; k < n; k++) {
        sd[k] = day[s + k];
        so[k] = ord[s + k];
        sa[k] = amt[s + k];
      }
      let o = 0;
      for (let k = 0; k < n; k++) o += so[k];
      const key = keyOf(i);
      if (o === 0) {
        // no counted order: refunds do not count; a customers-file customer stays a prospect
        refundRowsDropped += this.refundRows[i];
        refundsDropped += this.refundCount[i];
        if (!keep(i, key)) continue;
      }
      sortSegment(sd, so, sa, 0, n);
      const row = out++;
      ids.push(key);
      ledgerStart[row] = w;
      const from = w;
      if (o > 0) {
        for (let k = 0; k < n; k++) {
          if (w > from && day[w - 1] === sd[k]) {
            ord[w - 1] += so[k];
            amt[w - 1] += sa[k];
          } else {
            day[w] = sd[k];
            ord[w] = so[k];
            amt[w] = sa[k];
            w++;
          }
        }
      }
      let first = NO_DAY;
      let last = NO_DAY;
      let pd = 0;
      let mills = 0;
      for (let k = from; k < w; k++) {
        mills += amt[k];
        amt[k] /= MILLS_PER_UNIT;
        if (ord[k] > 0) {
          pd++;
          if (first === NO_DAY) first = day[k];
          last = day[k];
        }
      }
      firstDay[row] = first;
      lastDay[row] = last;
      orders[row] = o;
      purchaseDays[row] = pd;
      revenue[row] = mills / MILLS_PER_UNIT;
      source[row] = i;
    }
    ledgerStart[out] = w;
    const table: CustomerTable = {
      size: out,
      ids,
      firstDay: firstDay.subarray(0, out),
      lastDay: lastDay.subarray(0, out),
      orders: orders.subarray(0, out),
      purchaseDays: purchaseDays.subarray(0, out),
      revenue: revenue.subarray(0, out),
      ledgerStart: ledgerStart.subarray(0, out + 1),
      ledgerDay: day.subarray(0, w),
      ledgerOrders: ord.subarray(0, w),
      ledgerAmount: amt.subarray(0, w),
      attributeNames,
      attributes: attributeColumns(attributeNames.length, out, (a, r) => attributeOf(a, source[r], ids[r])),
    };
    return { table, refundRowsDropped, refundsDropped };
  }
}
const EMPTY_INT32 = new Int32Array(0);

/** The attribute columns, filled row by row, so that a caller can look a customer's record up once for all of them. */
function attributeColumns(names: number, rows: number, valueOf: (a: number, r: number) => string | undefined): (string | undefined)[][] {
  const cols: (string | undefined)[][] = Array.from({ length: names }, () => new Array(rows));
  for (let r = 0; r < rows; r++) for (let a = 0; a < names; a++) cols[a][r] = valueOf(a, r);
  return cols;
}
