import type { Day } from './dates.js';
import { ByteKeyTable, SLOT_INTS, SLOT_LAST_DAY, SLOT_LAST_ENTRY } from './key-table.js';

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
  readonly ledgerDay: Int32Array;
  readonly ledgerOrders: Int32Array;
  readonly ledgerAmount: Float64Array;
  /** Customer attributes (from the customers file and order-level attributes), snake_case names. */
  readonly attributeNames: string[];
  readonly attributes: (string | undefined)[][];
}

export const NO_DAY = -2147483648;

function growInt32(a: Int32Array, min: number): Int32Array {
  const b = new Int32Array(Math.max(min, Math.ceil(a.length * 1.5) + 16));
  b.set(a);
  return b;
}

function growFloat64(a: Float64Array, min: number): Float64Array {
  const b = new Float64Array(Math.max(min, Math.ceil(a.length * 1.5) + 16));
  b.set(a);
  return b;
}

/**
 * Builds a CustomerTable from a stream of orders and refunds in any order. Memory: one
 * 32-byte hash slot and a few words per customer, plus one 20-byte ledger entry per
 * customer-day (events of a customer on the day of its latest entry merge in place, which
 * for date-sorted exports merges all same-day orders). finalize() scatters the ledger into customer order.
 */
export class CustomerStateBuilder {
  private readonly keys: ByteKeyTable;
  /** Rows (not orders) of refunds per customer, to reclassify refunds of non-buyers. */
  private refundRows: Int32Array = new Int32Array(1024);
  /** Refunds (not rows, not days) per customer. */
  private refundCount: Int32Array = new Int32Array(1024);
  private entCust: Int32Array;
  private entDay: Int32Array;
  private entOrders: Int32Array;
  private entAmount: Float64Array;
  private entries = 0;

  /**
   * `release` asks the runtime to free dropped arrays now (io passes a full GC); a typed
   * array's memory otherwise lingers until its wrapper happens to be collected.
   */
  constructor(
    expectedEntries = 1024,
    expectedCustomers = 1024,
    private readonly release: () => void = () => {},
  ) {
    this.keys = new ByteKeyTable(expectedCustomers);
    const n = Math.max(1024, Math.ceil(expectedEntries));
    this.entCust = new Int32Array(n);
    this.entDay = new Int32Array(n);
    this.entOrders = new Int32Array(n);
    this.entAmount = new Float64Array(n);
  }

  /** Index of the customer whose (normalised) key is buf[s, e), created when new. */
  customerIndexBytes(buf: Buffer, s: number, e: number): number {
    const before = this.keys.size;
    const i = this.keys.lookupOrInsert(buf, s, e);
    if (i === before && i >= this.refundRows.length) {
      this.refundRows = growInt32(this.refundRows, i + 1);
      this.refundCount = growInt32(this.refundCount, i + 1);
    }
    return i;
  }

  /** Index of a customer by its (normalised) key, created when new. */
  customerIndex(key: string): number {
    const b = Buffer.from(key, 'utf8');
    return this.customerIndexBytes(b, 0, b.length);
  }

  addOrder(customer: number, day: Day, amount: number): void {
    this.addEntry(customer, day, 1, amount);
  }

  /** More lines of an order already counted (line-item exports with split orders). */
  addLines(customer: number, day: Day, amount: number): void {
    this.addEntry(customer, day, 0, amount);
  }

  addRefund(customer: number, day: Day, amount: number, rows: number): void {
    this.refundRows[customer] += rows;
    this.refundCount[customer]++;
    this.addEntry(customer, day, 0, amount);
  }

  private addEntry(customer: number, day: Day, orders: number, amount: number): void {
    const keys = this.keys;
    let slot = keys.lastSlot;
    const slots = keys.slots;
    if (slots[slot * SLOT_INTS + 1] !== customer + 1) slot = keys.slotOfIndex(customer);
    const b = slot * SLOT_INTS;
    const last = slots[b + SLOT_LAST_ENTRY];
    if (last >= 0 && slots[b + SLOT_LAST_DAY] === day) {
      this.entOrders[last] += orders;
      this.entAmount[last] += amount;
      return;
    }
    const e = this.entries++;
    if (e >= this.entCust.length) {
      const min = e + 1;
      this.entCust = growInt32(this.entCust, min);
      this.entDay = growInt32(this.entDay, min);
      this.entOrders = growInt32(this.entOrders, min);
      this.entAmount = growFloat64(this.entAmount, min);
    }
    this.entCust[e] = customer;
    this.entDay[e] = day;
    this.entOrders[e] = orders;
    this.entAmount[e] = amount;
    slots[b + SLOT_LAST_ENTRY] = e;
    slots[b + SLOT_LAST_DAY] = day;
  }

  /**
   * Sorts the ledger by customer (in place) and day, merges same-day entries and computes the
   * summary fields. `keep(i)` says whether a customer without counted orders stays (as a
   * prospect); refund rows of dropped customers are reported through `refundRowsDropped`.
   */
  finalize(
    keep: (i: number, key: string) => boolean,
    attributeNames: string[] = [],
    /** Value of attribute a for builder customer i (with key), filled column by column. */
    attributeOf: (a: number, i: number, key: string) => string | undefined = () => undefined,
  ): { table: CustomerTable; refundRowsDropped: number; refundsDropped: number } {
    const nc = this.keys.size;
    const ne = this.entries;
    this.keys.dropIndex();
    const cust = this.entCust;
    const start = new Int32Array(nc + 1);
    for (let e = 0; e < ne; e++) start[cust[e] + 1]++;
    for (let i = 0; i < nc; i++) start[i + 1] += start[i];
    // scatter into customer order: sequential reads, one write stream per array; the
    // append-order arrays are dropped right after (the order-id table is already gone)
    // one array at a time, releasing each old one before the next is allocated, so the
    // peak holds one extra array, not a second ledger (the order-id table is already gone)
    const next = start.slice(0, nc);
    const scatter = <T extends Int32Array | Float64Array>(from: T, to: T): T => {
      next.set(start.subarray(0, nc));
      for (let e = 0; e < ne; e++) to[next[cust[e]]++] = from[e];
      return to;
    };
    const amt = scatter(this.entAmount, new Float64Array(ne));
    this.entAmount = new Float64Array(0);
    this.release();
    const day = scatter(this.entDay, new Int32Array(ne));
    this.entDay = new Int32Array(0);
    this.release();
    const ord = scatter(this.entOrders, new Int32Array(ne));
    this.entOrders = new Int32Array(0);
    this.entCust = new Int32Array(0);
    this.release();

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
    for (let i = 0; i < nc; i++) {
      const s = start[i];
      const e = start[i + 1];
      let o = 0;
      for (let k = s; k < e; k++) o += ord[k];
      const key = this.keys.key(i);
      if (o === 0) {
        // no counted order: refunds do not count; a customers-file customer stays a prospect
        refundRowsDropped += this.refundRows[i];
        refundsDropped += this.refundCount[i];
        if (!keep(i, key)) continue;
      }
      sortSegment(day, ord, amt, s, e);
      const row = out++;
      ids.push(key);
      ledgerStart[row] = w;
      const from = w;
      if (o > 0) {
        // compact in place: w <= k always, so nothing unread is overwritten
        for (let k = s; k < e; k++) {
          if (w > from && day[w - 1] === day[k]) {
            ord[w - 1] += ord[k];
            amt[w - 1] += amt[k];
          } else {
            day[w] = day[k];
            ord[w] = ord[k];
            amt[w] = amt[k];
            w++;
          }
        }
      }
      let first = NO_DAY;
      let last = NO_DAY;
      let pd = 0;
      let rev = 0;
      for (let k = from; k < w; k++) {
        rev += amt[k];
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
      revenue[row] = rev;
      source[row] = i;
    }
    ledgerStart[out] = w;
    const table: CustomerTable = {
      size: out,
      ids,
      firstDay: firstDay.slice(0, out),
      lastDay: lastDay.slice(0, out),
      orders: orders.slice(0, out),
      purchaseDays: purchaseDays.slice(0, out),
      revenue: revenue.slice(0, out),
      ledgerStart: ledgerStart.slice(0, out + 1),
      ledgerDay: day.subarray(0, w),
      ledgerOrders: ord.subarray(0, w),
      ledgerAmount: amt.subarray(0, w),
      attributeNames,
      attributes: attributeNames.map((_, a) => {
        const col: (string | undefined)[] = new Array(out);
        for (let r = 0; r < out; r++) col[r] = attributeOf(a, source[r], ids[r]);
        return col;
      }),
    };
    return { table, refundRowsDropped, refundsDropped };
  }
}



/**
 * Sorts one customer's entries by day. Date-sorted exports give sorted segments, reverse-sorted
 * exports give reversed ones (reversed in place); anything else short is insertion-sorted and
 * anything else long goes through an index sort.
 */
function sortSegment(day: Int32Array, ord: Int32Array, amt: Float64Array, s: number, e: number): void {
  let asc = true;
  let desc = true;
  for (let k = s + 1; k < e && (asc || desc); k++) {
    if (day[k] < day[k - 1]) asc = false;
    if (day[k] > day[k - 1]) desc = false;
  }
  if (asc) return;
  if (desc) {
    for (let i = s, j = e - 1; i < j; i++, j--) {
      swap(day, i, j);
      swap(ord, i, j);
      swap(amt, i, j);
    }
    return;
  }
  if (e - s > 48) {
    const idx = Array.from({ length: e - s }, (_, k) => s + k);
    idx.sort((x, y) => day[x] - day[y] || x - y);
    const d2 = idx.map((k) => day[k]);
    const o2 = idx.map((k) => ord[k]);
    const a2 = idx.map((k) => amt[k]);
    for (let k = 0; k < idx.length; k++) {
      day[s + k] = d2[k];
      ord[s + k] = o2[k];
      amt[s + k] = a2[k];
    }
    return;
  }
  for (let k = s + 1; k < e; k++) {
    const d = day[k];
    if (d >= day[k - 1]) continue;
    const o = ord[k];
    const a = amt[k];
    let j = k - 1;
    while (j >= s && day[j] > d) {
      day[j + 1] = day[j];
      ord[j + 1] = ord[j];
      amt[j + 1] = amt[j];
      j--;
    }
    day[j + 1] = d;
    ord[j + 1] = o;
    amt[j + 1] = a;
  }
}

function swap(a: Int32Array | Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
