import type { CustomerTable } from './customer-state.js';
import type { Day } from './dates.js';

/**
 * The per-customer day ledger, read. This is the only code that indexes the ledger arrays of a
 * CustomerTable; every analysis folds a customer's entries through it, so every analysis sees
 * the same entries on the same days.
 *
 * One rule lives here, for everyone: **a customer's money starts with their first counted
 * order.** The reader already excludes refunds of customers who have no counted order at all
 * (spec §1.3). A refund dated *before* the first counted order (the return of a purchase made
 * before the export starts, or an export's date slip) is booked on the first order's day. So:
 * - up to a day before the first order, a customer has no net revenue and no refund;
 * - from the first order's day on, net revenue includes every refund dated up to the day;
 * - a period fold (cohorts, KPIs, CAC payback) counts such a refund in the first order's
 *   period, never in a period before the customer existed.
 * The cursor reports these entries with `early = true` so a caller can count them.
 */
export type Ledger = Pick<CustomerTable, 'size' | 'ledgerStart' | 'ledgerDay' | 'ledgerDayBase' | 'ledgerOrders' | 'ledgerAmount' | 'ledgerAmountScale'>;

/**
 * Walks one customer's entries in day order: `open(i)`, then `while (c.next())` reads `day`
 * (the booked day, see above), `orders` (counted orders that day, 0 for refunds only) and
 * `amount` (the day's net amount). One cursor is reused across customers, so a fold over
 * millions of entries allocates nothing.
 */
export class LedgerCursor {
  /** The booked day of the current entry: its own day, or the first order's day when earlier. */
  day: Day = 0;
  /** Counted orders on the current entry (0: refunds only). */
  orders = 0;
  /** Net amount of the current entry (orders minus refunds). */
  amount = 0;
  /** The current entry is dated before the customer's first counted order. */
  early = false;
  /** The customer's first counted order day; meaningful after open() when the customer has one. */
  firstOrderDay: Day = 0;
  private e = 0;
  private end = 0;
  private readonly start: Int32Array;
  private readonly days: Int32Array | Uint16Array;
  private readonly base: number;
  private readonly ords: Int32Array | Uint8Array;
  private readonly amts: Float64Array | Int32Array;
  private readonly scale: number;

  constructor(t: Ledger) {
    this.start = t.ledgerStart;
    this.days = t.ledgerDay;
    this.base = t.ledgerDayBase ?? 0;
    this.ords = t.ledgerOrders;
    this.amts = t.ledgerAmount;
    this.scale = t.ledgerAmountScale ?? 1;
  }

  /**
   * Positions the cursor before customer i's first entry and returns whether the customer has
   * a counted order. A customer without one has no entries to visit.
   */
  open(i: number): boolean {
    let e = this.start[i];
    const end = this.start[i + 1];
    this.e = e;
    while (e < end && this.ords[e] <= 0) e++;
    if (e === end) {
      this.end = this.e;
      return false;
    }
    this.end = end;
    this.firstOrderDay = this.days[e] + this.base;
    return true;
  }

  /** Moves to the next entry; false at the end of the customer's entries. */
  next(): boolean {
    const e = this.e;
    if (e >= this.end) return false;
    const d = this.days[e] + this.base;
    this.early = d < this.firstOrderDay;
    this.day = this.early ? this.firstOrderDay : d;
    this.orders = this.ords[e];
    // whole minor units over 100 (or 1000) give the very double the amount was (compactLedger checks it)
    this.amount = this.amts[e] / this.scale;
    this.e = e + 1;
    return true;
  }
}

/** The first counted order day of customer i, or undefined without one. */
export function firstOrderDay(t: Ledger, i: number): Day | undefined {
  for (let e = t.ledgerStart[i], end = t.ledgerStart[i + 1]; e < end; e++) if (t.ledgerOrders[e] > 0) return t.ledgerDay[e] + (t.ledgerDayBase ?? 0);
  return undefined;
}

/** Net revenue of customer i up to and including `day` (the rule above: 0 before the first order). */
export function netRevenueUpTo(t: Ledger, i: number, day: Day, cursor = new LedgerCursor(t)): number {
  if (!cursor.open(i)) return 0;
  let v = 0;
  while (cursor.next() && cursor.day <= day) v += cursor.amount;
  return v;
}

/** The day of ledger entry k, as booked in the input (for checks and tests; folds use the cursor). */
export function entryDay(t: Ledger, k: number): Day {
  return t.ledgerDay[k] + (t.ledgerDayBase ?? 0);
}

/** The net amount of ledger entry k (for checks and tests; folds use the cursor). */
export function entryAmount(t: Ledger, k: number): number {
  return t.ledgerAmount[k] / (t.ledgerAmountScale ?? 1);
}

/**
 * The same table with a smaller ledger, when its values allow: days as 16-bit offsets from the
 * first entry's day when they span under 65,536 days (179 years), counted orders as bytes when
 * no entry has more than 255, and amounts as whole cents (or mills) in 32 bits when every
 * amount is exactly such a number of them, that is, when units / scale gives back the very
 * same double. 16 bytes an entry become 7: at 100M orders, 1.6 GB become 0.7 GB. A ledger
 * whose values do not fit stays as it is, so the answer never changes. A ledger of fewer than
 * `minEntries` entries is left as it is (the passes cost more than they save there).
 */
export function compactLedger<T extends CustomerTable>(t: T, minEntries = 0): T {
  if (t.ledgerDay.length < minEntries) return t;
  const days = t.ledgerDay instanceof Int32Array && (t.ledgerDayBase ?? 0) === 0 ? dayOffsets(t.ledgerDay) : undefined;
  const orders = t.ledgerOrders instanceof Int32Array && fitsByte(t.ledgerOrders) ? bytesOf(t.ledgerOrders) : t.ledgerOrders;
  const amounts = t.ledgerAmount instanceof Float64Array && (t.ledgerAmountScale ?? 1) === 1 ? wholeUnits(t.ledgerAmount) : undefined;
  if (!days && orders === t.ledgerOrders && !amounts) return t;
  return {
    ...t,
    ...(days ? { ledgerDay: days.offsets, ledgerDayBase: days.base } : {}),
    ledgerOrders: orders,
    ...(amounts ? { ledgerAmount: amounts.units, ledgerAmountScale: amounts.scale } : {}),
  };
}

/** The days as offsets from the earliest, when they span fewer than 65,536 days; undefined otherwise (or without entries). */
function dayOffsets(a: Int32Array): { offsets: Uint16Array; base: number } | undefined {
  if (a.length === 0) return undefined;
  let lo = a[0];
  let hi = a[0];
  for (let k = 1; k < a.length; k++) {
    const d = a[k];
    if (d < lo) lo = d;
    else if (d > hi) hi = d;
  }
  if (hi - lo > 0xffff) return undefined;
  const offsets = new Uint16Array(a.length);
  for (let k = 0; k < a.length; k++) offsets[k] = a[k] - lo;
  return { offsets, base: lo };
}

function bytesOf(a: Int32Array): Uint8Array {
  const b = new Uint8Array(a.length);
  b.set(a);
  return b;
}

function fitsByte(a: Int32Array): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] < 0 || a[k] > 255) return false;
  return true;
}

/** The amounts as whole cents, else mills, when every one is exactly that; undefined otherwise. */
function wholeUnits(a: Float64Array): { units: Int32Array; scale: number } | undefined {
  for (const scale of [100, 1000]) {
    const units = new Int32Array(a.length);
    let k = 0;
    for (; k < a.length; k++) {
      const u = Math.round(a[k] * scale);
      // -0 stays a double: it would come back as +0
      if (!(Math.abs(u) <= 0x7fffffff) || u / scale !== a[k] || Object.is(a[k], -0)) break;
      units[k] = u;
    }
    if (k === a.length) return { units, scale };
  }
  return undefined;
}
