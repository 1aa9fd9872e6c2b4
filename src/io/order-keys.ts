/**
 * A set of order ids kept as 62-bit fingerprints (a 32-bit hash and 30 bits of a second,
 * independent one, of the id's bytes) in an open-addressing table: 8 bytes per order instead
 * of a string per order. Two different ids share a fingerprint with probability about
 * n²/2⁶³ (10⁻⁵ at 10M orders).
 *
 * The two halves of the parallel reader (io/parallel-orders.ts) share one table in a
 * SharedArrayBuffer, made by `sharedTable`, split into two regions: each half adds its ids
 * to its own region with plain stores (no compare-and-swap, whose locked instruction waits
 * for the slot's cache miss), so a half sees only its own duplicates. Once both halves are
 * read, `crossCheck` looks up the second region's ids in the first (each thread a share of
 * the slots): an id in both is a cross-half duplicate, and the reader falls back to one
 * sequential pass, where file order decides which copy counts. A region cannot grow while
 * the other half reads, so `full` reports a half that filled its region; the reader falls
 * back then too.
 */
export class OrderIdSet {
  /** Pairs [h1, word]; word 0 = empty slot, else the fingerprint (bit 0 set). */
  private table: Int32Array;
  /** Slots (of this region when shared); any size (the slot is h1 scaled into [0, cap)). */
  private cap: number;
  /** First slot of this set's region (0 unless shared). */
  private readonly base: number;
  private count = 0;
  /** Entries this set may add: 0.8 of the slots alone, 0.9 of its region when shared. */
  private limit: number;
  private readonly shared: boolean;
  /** A shared region reached its limit; answers are unreliable after it. */
  full = false;
  /** The last prepare()'s hash and fingerprint. */
  private h1 = 0;
  private f = 1;

  /** `expected` ids, or region `half` (0 or 1) of a table made by `sharedTable`. */
  constructor(expected = 1 << 16, share?: { table: Int32Array; half: 0 | 1 }) {
    if (share) {
      this.table = share.table;
      this.cap = regionSlots(share.table);
      this.base = share.half * this.cap;
      this.limit = Math.floor(this.cap * 0.9);
      this.shared = true;
    } else {
      this.cap = Math.max(1024, Math.ceil(expected / 0.75));
      this.table = new Int32Array(this.cap * 2);
      this.base = 0;
      this.limit = Math.floor(this.cap * 0.8);
      this.shared = false;
    }
  }

  /** A table for two halves adding about `expected` ids in all (each region holds half the slots). */
  static sharedTable(expected: number): Int32Array {
    const cap = Math.max(1024, Math.ceil(expected / 0.8 / 2)) * 2;
    return new Int32Array(new SharedArrayBuffer(cap * 8));
  }

  /**
   * True when an id of the second region, among its slots [from, to) (region-relative), is
   * also in the first region. Both halves must be done adding.
   */
  static crossCheck(table: Int32Array, from: number, to: number): boolean {
    const cap = regionSlots(table);
    const t = table;
    for (let i = cap + from; i < cap + to; i++) {
      const w = t[2 * i + 1];
      if (w === 0) continue;
      const h1 = t[2 * i];
      let slot = Math.floor(((h1 >>> 0) / 4294967296) * cap);
      for (;;) {
        const v = t[2 * slot + 1];
        if (v === 0) break;
        if (v === w && t[2 * slot] === h1) return true;
        if (++slot === cap) slot = 0;
      }
    }
    return false;
  }

  /** Slots in each region of a shared table. */
  static regionSlots(table: Int32Array): number {
    return regionSlots(table);
  }

  get size(): number {
    return this.count;
  }

  /** Adds the id in buf[s, e); returns false when it was already there. */
  add(buf: Buffer, s: number, e: number): boolean {
    this.prepare(buf, s, e);
    return this.addPrepared();
  }

  /** Hashes the id in buf[s, e); addPrepared() then adds it. */
  prepare(buf: Buffer, s: number, e: number): void {
    // two 32-bit hashes from one pass: FNV-1a and a multiply-add chain, each finalised
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
    this.h1 = h1;
    // bit 0 set (0 is an empty slot); bit 1 clear, as before regions replaced tags
    this.f = (h2 | 1) & ~2;
  }

  /** Adds the id of the last prepare(); returns false when it was already there. */
  addPrepared(): boolean {
    // a full shared region adds nothing more (its pass is discarded), so it never overflows
    if (this.full) return true;
    const h1 = this.h1;
    const f = this.f;
    const cap = this.cap;
    const base = this.base;
    let slot = Math.floor(((h1 >>> 0) / 4294967296) * cap);
    const t = this.table;
    for (;;) {
      const w = t[2 * (base + slot) + 1];
      if (w === 0) break;
      if (w === f && t[2 * (base + slot)] === h1) return false;
      if (++slot === cap) slot = 0;
    }
    t[2 * (base + slot)] = h1;
    t[2 * (base + slot) + 1] = f;
    if (++this.count > this.limit) {
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
      let slot = Math.floor(((old[i] >>> 0) / 4294967296) * cap);
      while (t[2 * slot + 1] !== 0) if (++slot === cap) slot = 0;
      t[2 * slot] = old[i];
      t[2 * slot + 1] = w;
    }
    this.table = t;
    this.cap = cap;
    this.limit = Math.floor(cap * 0.8);
  }
}

function regionSlots(table: Int32Array): number {
  return table.length / 4;
}
