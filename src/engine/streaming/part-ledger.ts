/*
 * The streaming builder's ledger between the pass and finalize: one part's entries as the pass
 * made them (PartLedger), grouped by customer (groupPart), several parts' groups laid out
 * together in the first part's customer order (placeRuns, layField: each thread copies the
 * runs of the parts it grouped into one shared ledger), and one customer's entries sorted by
 * day (sortSegment, for finalize's same-day merge). The parallel reader groups each part on
 * its own thread, so the main thread's share of the random-access work is its own half. The
 * result is what grouping all parts at once gave: each customer's entries part by part in file
 * order, each part's in arrival order.
 */

import { mapped, plain } from './mapped-array.js';

/**
 * The ledger entries of one part of the input as the pass made them (arrival order, one per
 * customer-day run): customer, day, orders (a byte; the rest in manyOrders) and whole mills
 * (32 bits; totals beyond them in bigAmounts), `entries` of each used.
 */
export interface PartLedger {
  entries: number;
  cust: Int32Array;
  day: Int32Array;
  ord: Uint8Array;
  amt: Int32Array;
  manyOrders: Map<number, number>;
  bigAmounts: Map<number, number>;
}

/**
 * A ledger grouped by customer (CSR: entries of customer i are start[i] .. start[i+1]-1), each
 * customer's entries still in arrival order, not yet sorted by day nor merged. Amounts in mills.
 */
export interface GroupedLedger {
  start: Int32Array;
  day: Int32Array;
  ord: Int32Array;
  amt: Float64Array;
}

/**
 * A part's ledger grouped by customer, for placeRuns and layField: orders in a byte and mills in 32 bits
 * when the part's values fit (as PartLedger keeps them), wider only when they do not. Its arrays
 * move between threads without a copy.
 */
export interface GroupedPart {
  start: Int32Array;
  day: Int32Array;
  ord: Uint8Array | Int32Array;
  amt: Int32Array | Float64Array;
}

type Release = (bytes: number) => void;
type Numbers = Int32Array | Uint8Array | Float64Array;

/**
 * Groups a part's entries by customer (`customers` of them; stable), one array at a time,
 * releasing each source array before the next is allocated, so the peak holds one extra array,
 * never a second ledger. `wide`: the finished ledger's types (Int32 orders, Float64 mills), for
 * the only part; otherwise the part's own compact types.
 */
export function groupPart(ledger: PartLedger, customers: number, release: Release, wide: true): GroupedLedger;
export function groupPart(ledger: PartLedger, customers: number, release: Release, wide: boolean): GroupedPart;
export function groupPart(ledger: PartLedger, customers: number, release: Release, wide: boolean): GroupedPart {
  const start = runsOf(ledger, customers);
  const at = start.subarray(0, customers);
  const n = ledger.entries;
  // a part's arrays live until layField: mapped, so that their pages go back when it frees them
  const make = wide ? plain : mapped;
  // each array is allocated once the one before has been scattered and its source freed
  const amt = wide || ledger.bigAmounts.size > 0 ? make(Float64Array, n) : make(Int32Array, n);
  scatterField(ledger, at, 'amt', amt, release);
  const day = make(Int32Array, n);
  scatterField(ledger, at, 'day', day, release);
  const ord = wide || ledger.manyOrders.size > 0 ? make(Int32Array, n) : make(Uint8Array, n);
  scatterField(ledger, at, 'ord', ord, release);
  return { start, day, ord, amt };
}

/**
 * Where the runs of several parts' groups go when laid out together in customer order (parts
 * in file order; part p's customer j is remaps[p][j] of `customers`, the first part's customers
 * their own): `start` (CSR) and, per part, where its run of each of its customers begins, after
 * those of the parts before it. Each part's runs can then be copied to their places on the
 * thread that grouped it (layField), into one shared ledger.
 */
export function placeRuns(runs: Int32Array[], remaps: (Int32Array | undefined)[], customers: number): { start: Int32Array; at: Int32Array[] } {
  const start = new Int32Array(customers + 1);
  runs.forEach((r, p) => {
    const remap = remaps[p];
    for (let j = 0; j < r.length - 1; j++) start[(remap ? remap[j] : j) + 1] += r[j + 1] - r[j];
  });
  for (let i = 0; i < customers; i++) start[i + 1] += start[i];
  const fill = start.slice(0, customers);
  const at = runs.map((r, p) => {
    const remap = remaps[p];
    const to = new Int32Array(r.length - 1);
    for (let j = 0; j < to.length; j++) {
      const i = remap ? remap[j] : j;
      to[j] = fill[i];
      fill[i] += r[j + 1] - r[j];
    }
    return to;
  });
  return { start, at };
}

/** The laid out ledger's fields, in the order they are laid out. */
export type LedgerField = 'amt' | 'day' | 'ord';
export const LEDGER_FIELDS: readonly LedgerField[] = ['amt', 'day', 'ord'];

/** Where each of a part's `customers` begins in the part grouped by customer (the runs placeRuns needs), without grouping it. */
export function runsOf(ledger: PartLedger, customers: number): Int32Array {
  const start = new Int32Array(customers + 1);
  const { cust, entries } = ledger;
  for (let e = 0; e < entries; e++) start[cust[e] + 1]++;
  for (let i = 0; i < customers; i++) start[i + 1] += start[i];
  return start;
}

/**
 * Writes one field of an ungrouped part's entries to their places (at[j]: where its customer
 * j's run begins; placeRuns) in `into`, each customer's in arrival order, then frees the part's
 * array of that field (the customer column goes with the last, `ord`): the part need not be
 * grouped first.
 */
export function scatterField(ledger: PartLedger, at: Int32Array, field: LedgerField, into: Numbers, release: Release): void {
  const { cust, entries } = ledger;
  const next = at.slice();
  const from = field === 'amt' ? amountsOf(ledger) : field === 'day' ? ledger.day : orderCountsOf(ledger);
  for (let e = 0; e < entries; e++) into[next[cust[e]]++] = from[e];
  release(ledger[field].byteLength + (field === 'ord' ? cust.byteLength : 0));
  if (field === 'ord') {
    ledger.ord = new Uint8Array(0);
    ledger.cust = EMPTY_INT32;
    ledger.entries = 0;
  } else ledger[field] = EMPTY_INT32;
}

/** Copies one field of a part's runs to their places (placeRuns) in `into`, then frees the part's array of it. */
export function layField(part: GroupedPart, at: Int32Array, field: LedgerField, into: Int32Array | Float64Array, release: Release): void {
  layRuns(part.start, at, part[field], into);
  release(part[field].byteLength);
  part[field] = EMPTY_INT32;
}

/** An array of the finished ledger for `entries`, in memory both threads write (each its own parts' places). */
export function sharedField(field: LedgerField, entries: number): Int32Array | Float64Array {
  const bytes = Math.max(1, entries) * (field === 'amt' ? 8 : 4);
  return field === 'amt' ? new Float64Array(new SharedArrayBuffer(bytes), 0, entries) : new Int32Array(new SharedArrayBuffer(bytes), 0, entries);
}

/** Copies run r of `from` (runs[r] .. runs[r+1]-1) to `into` from at[r], for every run. */
function layRuns(runs: Int32Array, at: Int32Array, from: Numbers, into: Numbers): void {
  for (let r = 0; r < runs.length - 1; r++) {
    let w = at[r];
    for (let k = runs[r], end = runs[r + 1]; k < end; k++) into[w++] = from[k];
  }
}

const EMPTY_INT32 = new Int32Array(0);

/** Mills per entry of a part's ledger, with the totals beyond 32 bits. */
function amountsOf(l: PartLedger): ArrayLike<number> {
  if (l.bigAmounts.size === 0) return l.amt;
  const full = Float64Array.from(l.amt.subarray(0, l.entries));
  for (const [e, v] of l.bigAmounts) full[e] = v;
  return full;
}

/** Orders per entry of a part's ledger, with the counts beyond a byte. */
function orderCountsOf(l: PartLedger): ArrayLike<number> {
  if (l.manyOrders.size === 0) return l.ord;
  const full = Int32Array.from(l.ord.subarray(0, l.entries));
  for (const [e, n] of l.manyOrders) full[e] += n;
  return full;
}

/** Scratch arrays for one customer's entries. */
export function scratch(n: number): [Int32Array, Int32Array, Float64Array] {
  const size = Math.max(256, 2 * n);
  return [new Int32Array(size), new Int32Array(size), new Float64Array(size)];
}

/**
 * Sorts one customer's entries by day. Date-sorted exports give sorted segments, reverse-sorted
 * exports give reversed ones (reversed in place); anything else short is insertion-sorted and
 * anything else long goes through an index sort.
 */
export function sortSegment(day: Int32Array, ord: Int32Array, amt: Float64Array, s: number, e: number): void {
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
