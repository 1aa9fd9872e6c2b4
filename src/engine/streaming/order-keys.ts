import { mapped } from './mapped-array.js';

/**
 * The set of order ids seen by the orders pass (a repeated id is a duplicate, spec §1.3).
 *
 * Ids are kept as 62-bit fingerprints (a 32-bit hash and 30 bits of a second, independent
 * one, of the id's bytes) in an open-addressing table: 8 bytes per order instead of a string
 * per order, whatever the ids look like (numbered, 32-hex, `ch_…`, UUIDs). Two different ids
 * share a fingerprint with probability about n²/2⁶³ (10⁻⁵ at 10M orders). A fingerprint's
 * place depends only on the id's bytes, so a repeat always meets the first copy.
 *
 * (Numbered ids used to be kept as bits in per-class bitmaps: faster on our generator's
 * `O00000001` ids and on nothing else, so it went with issue 12.)
 *
 * The two halves of the parallel reader (engine/streaming/parallel-orders.ts) share one
 * `OrderIdShare`, made by `OrderIdSet.shared`: a table split into two regions in a
 * SharedArrayBuffer. Each half adds its ids to its own region with plain stores, so a half
 * sees only its own duplicates. Once both halves are read, `crossCheck` looks up the second
 * region's fingerprints in the first (each thread a share of the slots): an id in both halves
 * is a cross-half duplicate, and the reader falls back to one sequential pass, where file
 * order decides which copy counts. A region cannot grow while the other half reads, so
 * `full` reports a half that filled its region; the reader falls back then too.
 *
 * The two-thread reader first tries a log instead (`new OrderIdSet(n, 'log')`): each part
 * writes its fingerprints down in 256 runs by their top hash bits and takes every id as new;
 * once all parts are read, `repeatedIn` checks run by run, each with a table that stays in the
 * cache. Looking every id up in a table of 8 bytes an order missed the cache on almost every
 * row: a quarter of a 10M-order read. Exports in order grain rarely repeat an id; when one does,
 * the reader reads again with the shared set, which settles a repeat within a part in file order.
 */

/** What the two halves of the parallel reader share (see OrderIdSet.shared). */
export interface OrderIdShare {
  /** Fingerprint pairs [h1, word] of both regions. */
  table: Int32Array;
  /** Fingerprints added per half, at [0] and [COUNT_STRIDE] (a cache line apart). */
  dir: Int32Array;
}

/** Runs of a log (see OrderIdSet's log): by the top 8 bits of the id's hash. */
const LOG_RUNS = 256;

/** Words from one half's count to the other's: a cache line apart, so the threads never write to one line. */
const COUNT_STRIDE = 32;

export class OrderIdSet {
  /** Pairs [h1, word]; word 0 = empty slot, else the fingerprint (bit 0 set). */
  private table: Int32Array;
  /** Slots (of this region when shared); any size (the slot is h1 scaled into [0, cap)). */
  private cap: number;
  /** First slot of this set's region (0 unless shared). */
  private readonly base: number;
  private hashed = 0;
  /** Fingerprints this set may add: 0.8 of the slots alone, 0.9 of its region when shared. */
  private limit: number;
  private readonly shared?: OrderIdShare;
  /** Where this set's count lives in the share's dir (a private word when not shared). */
  private readonly dir: Int32Array;
  private readonly d0: number;
  /** A shared region reached its limit; answers are unreliable after it. */
  full = false;
  /** The last prepare(): the id's hash and fingerprint. */
  private h1 = 0;
  private f = 1;
  /**
   * A log instead of a set (`'log'`): fingerprints are written down, 256 runs by their top
   * hash bits, and never looked up while reading; `repeatedIn` looks for a repeat once every
   * part is read. Empty when this is a set.
   */
  private log: Int32Array[] = [];
  private logFill: Int32Array = new Int32Array(0);

  /**
   * `expected` ids, or the part `half` (0 or 1) of a share made by `shared`, or (`'log'`) a log
   * of about `expected` ids that answers every id as new (see repeatedIn).
   */
  constructor(expected = 1 << 16, share?: { ids: OrderIdShare; half: 0 | 1 } | 'log') {
    if (share === 'log') {
      this.cap = 0;
      this.table = new Int32Array(0);
      this.base = 0;
      this.limit = Infinity;
      this.dir = new Int32Array(1);
      this.d0 = 0;
      // a run's share of the ids and a tenth more (most runs never grow), all runs in one
      // mapped array, so that its memory goes back when the log is checked and dropped
      const run = 2 * Math.max(64, Math.ceil((expected / LOG_RUNS) * 1.1));
      const all = mapped(Int32Array, run * LOG_RUNS);
      this.log = Array.from({ length: LOG_RUNS }, (_, r) => all.subarray(r * run, (r + 1) * run));
      this.logFill = new Int32Array(LOG_RUNS);
    } else if (share) {
      this.table = share.ids.table;
      this.cap = regionSlots(share.ids.table);
      this.base = share.half * this.cap;
      this.limit = Math.floor(this.cap * 0.9);
      this.shared = share.ids;
      this.dir = share.ids.dir;
      this.d0 = share.half * COUNT_STRIDE;
    } else {
      this.cap = Math.max(1024, Math.ceil(expected / 0.75));
      this.table = new Int32Array(this.cap * 2);
      this.base = 0;
      this.limit = Math.floor(this.cap * 0.8);
      this.dir = new Int32Array(1);
      this.d0 = 0;
    }
  }

  /** What two halves adding about `expected` ids in all share (each region holds half the slots). */
  static shared(expected: number): OrderIdShare {
    const cap = Math.max(1024, Math.ceil(expected / 0.8 / 2)) * 2;
    return {
      table: new Int32Array(new SharedArrayBuffer(cap * 8)),
      dir: new Int32Array(new SharedArrayBuffer(2 * COUNT_STRIDE * 4)),
    };
  }

  /**
   * True when a fingerprint of the second region, among its slots [from, to)
   * (region-relative), is also in the first region. Both halves must be done adding.
   */
  static crossCheck(ids: OrderIdShare, from: number, to: number): boolean {
    // nothing to look up, or nothing to find: skip reading the untouched table
    if (ids.dir[0] === 0 || ids.dir[COUNT_STRIDE] === 0) return false;
    const cap = regionSlots(ids.table);
    const t = ids.table;
    for (let i = cap + from; i < cap + to; i++) {
      const w = t[2 * i + 1];
      if (w !== 0 && probe(t, 0, cap, t[2 * i], w) >= 0) return true;
    }
    return false;
  }

  /**
   * True when a fingerprint of this (unshared) set is in either region of `ids`: the set of a
   * part cut from one half's tail (range-claims.ts) against both halves, once all are read.
   */
  foundIn(ids: OrderIdShare): boolean {
    if (this.hashed === 0 || (ids.dir[0] === 0 && ids.dir[COUNT_STRIDE] === 0)) return false;
    const cap = regionSlots(ids.table);
    const t = this.table;
    for (let i = 0; i < this.cap; i++) {
      const w = t[2 * i + 1];
      if (w !== 0 && (probe(ids.table, 0, cap, t[2 * i], w) >= 0 || probe(ids.table, cap, cap, t[2 * i], w) >= 0)) return true;
    }
    return false;
  }

  /** A log's fingerprint of the last prepare(), in the run of its top hash bits. */
  private write(): true {
    const r = this.h1 >>> 24;
    const n = this.logFill[r];
    let run = this.log[r];
    if (n + 2 > run.length) {
      const bigger = mapped(Int32Array, run.length * 2);
      bigger.set(run);
      this.log[r] = run = bigger;
    }
    run[n] = this.h1;
    run[n + 1] = this.f;
    this.logFill[r] = n + 2;
    this.hashed++;
    return true;
  }

  /** A log's runs, handed over (to repeatedIn, maybe on another thread); the log is then empty. */
  takeLog(): Int32Array[] {
    const runs = this.log.map((run, r) => run.subarray(0, this.logFill[r]));
    this.log = Array.from({ length: LOG_RUNS }, () => new Int32Array(0));
    this.logFill = new Int32Array(LOG_RUNS);
    return runs;
  }

  /**
   * True when a fingerprint is in the logs twice (within one part's or across parts', in any
   * order): each run of the 256 is checked on its own with a table that stays in the cache,
   * where one set over all the ids misses it on almost every id.
   */
  static repeatedIn(logs: Int32Array[][]): boolean {
    let table = new Int32Array(0);
    for (let r = 0; r < LOG_RUNS; r++) {
      let n = 0;
      for (const log of logs) n += log[r].length >> 1;
      if (n < 2) continue;
      const cap = 1 << Math.ceil(Math.log2(n * 2));
      if (table.length < 2 * cap) table = new Int32Array(2 * cap);
      else table.fill(0, 0, 2 * cap);
      const mask = cap - 1;
      for (const log of logs) {
        const run = log[r];
        for (let k = 0; k < run.length; k += 2) {
          const h1 = run[k];
          const w = run[k + 1];
          // the top bits are the run's: the slot comes from the low ones
          let slot = h1 & mask;
          for (;;) {
            const v = table[2 * slot + 1];
            if (v === 0) {
              table[2 * slot] = h1;
              table[2 * slot + 1] = w;
              break;
            }
            if (v === w && table[2 * slot] === h1) return true;
            slot = (slot + 1) & mask;
          }
        }
      }
    }
    return false;
  }

  /** Slots in each region of a shared table. */
  static regionSlots(ids: OrderIdShare): number {
    return regionSlots(ids.table);
  }

  get size(): number {
    return this.hashed;
  }

  /** Bytes of the table this set reads (the whole shared table when shared). */
  get bytes(): number {
    return this.table.byteLength + this.log.reduce((n, run) => n + run.byteLength, 0);
  }

  /** Adds the id in buf[s, e); returns false when it was already there. */
  add(buf: Buffer, s: number, e: number): boolean {
    this.prepare(buf, s, e);
    return this.addPrepared();
  }

  /** Hashes the id in buf[s, e); addPrepared() then adds it. */
  prepare(buf: Buffer, s: number, e: number): void {
    hashId(buf, s, e);
    this.h1 = H1;
    this.f = F;
  }

  /** Adds the id of the last prepare(); returns false when it was already there (never, for a log). */
  addPrepared(): boolean {
    if (this.logFill.length > 0) return this.write();
    // a full shared region adds nothing more (its pass is discarded), so it never overflows
    if (this.full) return true;
    const h1 = this.h1;
    const f = this.f;
    const at = probe(this.table, this.base, this.cap, h1, f);
    if (at >= 0) return false;
    const slot = this.base + ~at;
    this.table[2 * slot] = h1;
    this.table[2 * slot + 1] = f;
    this.dir[this.d0] = ++this.hashed;
    if (this.hashed > this.limit) {
      if (this.shared) this.full = true;
      else this.rehash();
    }
    return true;
  }

  private rehash(): void {
    const old = this.table;
    const cap = this.cap * 2;
    const t = new Int32Array(cap * 2);
    for (let i = 0; i < old.length; i += 2) {
      const w = old[i + 1];
      if (w === 0) continue;
      let slot = homeSlot(old[i], cap);
      while (t[2 * slot + 1] !== 0) if (++slot === cap) slot = 0;
      t[2 * slot] = old[i];
      t[2 * slot + 1] = w;
    }
    this.table = t;
    this.cap = cap;
    this.limit = Math.floor(cap * 0.8);
  }
}

/** The last hashId()'s 32-bit hash and 31-bit fingerprint word (module state: no allocation per id). */
let H1 = 0;
let F = 1;

/** Two 32-bit hashes of buf[s, e) in one pass: FNV-1a and a multiply-add chain, each finalised. */
function hashId(buf: Buffer, s: number, e: number): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c ^ (e - s);
  for (let i = s; i < e; i++) {
    const c = buf[i];
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = (Math.imul(h2, 0x5bd1e995) + c) | 0;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h2 ^= h2 >>> 15;
  h2 = Math.imul(h2, 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  H1 = h1;
  // bit 0 set (0 is an empty slot); bit 1 clear, as before regions replaced tags
  F = (h2 | 1) & ~2;
}

/**
 * Looks for the fingerprint (h1, w) in the `cap` slots from slot `base` of t (linear
 * probing): its slot (relative to base) when there, else ~(the empty slot where it goes).
 */
function probe(t: Int32Array, base: number, cap: number, h1: number, w: number): number {
  let slot = homeSlot(h1, cap);
  for (;;) {
    const v = t[2 * (base + slot) + 1];
    if (v === 0) return ~slot;
    if (v === w && t[2 * (base + slot)] === h1) return slot;
    if (++slot === cap) slot = 0;
  }
}

function regionSlots(table: Int32Array): number {
  return table.length / 4;
}

function homeSlot(h1: number, cap: number): number {
  return Math.floor(((h1 >>> 0) / 4294967296) * cap);
}
