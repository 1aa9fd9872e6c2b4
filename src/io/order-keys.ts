/**
 * A set of order ids kept as 62-bit fingerprints (a 32-bit hash and 30 bits of a second,
 * independent one, of the id's bytes) in an open-addressing table: 8 bytes per order instead
 * of a string per order. Two different ids share a fingerprint with probability about
 * n²/2⁶³ (10⁻⁵ at 10M orders).
 *
 * The two halves of the parallel reader (io/parallel-orders.ts) share one table in a
 * SharedArrayBuffer, each half marking its entries with its tag (the slot word's second bit).
 * An id the other half already added is a cross-half duplicate: the set records it
 * (`crossDuplicate`) and the reader falls back to one sequential pass, where file order
 * decides which copy counts. A shared table cannot grow while both halves write it, so
 * `full` reports a half that filled its share; the reader falls back then too.
 */
export class OrderIdSet {
  /** Pairs [h1, word]; word 0 = empty slot, PENDING = being written, else fingerprint | tag. */
  private table: Int32Array;
  /** Slots; any size (the slot is h1 scaled into [0, cap)). */
  private cap: number;
  private count = 0;
  /** Entries this set may add: 0.8 of the slots alone, 0.45 when shared. */
  private limit: number;
  private readonly shared: boolean;
  private readonly tag: number;
  /** An id of this set was already in the table from the other half. */
  crossDuplicate = false;
  /** A shared table reached this half's share of entries; answers are unreliable after it. */
  full = false;

  /** `expected` ids, or a share of a table made by `sharedTable` with this half's tag (0 or 1). */
  constructor(expected = 1 << 16, share?: { table: Int32Array; tag: 0 | 1 }) {
    if (share) {
      this.table = share.table;
      this.cap = share.table.length / 2;
      this.limit = Math.floor(this.cap * 0.45);
      this.shared = true;
      this.tag = share.tag << 1;
    } else {
      this.cap = Math.max(1024, Math.ceil(expected / 0.75));
      this.table = new Int32Array(this.cap * 2);
      this.limit = Math.floor(this.cap * 0.8);
      this.shared = false;
      this.tag = 0;
    }
  }

  /** A table for two halves adding about `expected` ids in all (each may fill 0.45 of it). */
  static sharedTable(expected: number): Int32Array {
    const cap = Math.max(1024, Math.ceil(expected / 0.8));
    return new Int32Array(new SharedArrayBuffer(cap * 8));
  }

  get size(): number {
    return this.count;
  }

  /** Adds the id in buf[s, e); returns false when it was already there. */
  add(buf: Buffer, s: number, e: number): boolean {
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
    // bit 0 set (0 is an empty slot), bit 1 clear (the tag's place)
    const f = (h2 | 1) & ~2;
    const cap = this.cap;
    let slot = Math.floor(((h1 >>> 0) / 4294967296) * cap);
    const t = this.table;
    if (!this.shared) {
      for (;;) {
        const w = t[2 * slot + 1];
        if (w === 0) break;
        if (w === f && t[2 * slot] === h1) return false;
        if (++slot === cap) slot = 0;
      }
      t[2 * slot] = h1;
      t[2 * slot + 1] = f;
      if (++this.count > this.limit) this.rehash();
      return true;
    }
    // shared: claim an empty slot by compare-and-swap to PENDING, write h1, then publish the
    // word; a reader that meets PENDING waits for the word, so no id slips past its twin.
    // A full half adds nothing more (its pass is discarded), so the table never fills up.
    if (this.full) return true;
    for (;;) {
      let w = Atomics.load(t, 2 * slot + 1);
      if (w === 0) {
        w = Atomics.compareExchange(t, 2 * slot + 1, 0, PENDING);
        if (w === 0) {
          t[2 * slot] = h1;
          Atomics.store(t, 2 * slot + 1, f | this.tag);
          if (++this.count > this.limit) this.full = true;
          return true;
        }
      }
      while (w === PENDING) w = Atomics.load(t, 2 * slot + 1);
      if ((w & ~2) === f && t[2 * slot] === h1) {
        if ((w & 2) === this.tag) return false;
        this.crossDuplicate = true;
        return true;
      }
      if (++slot === cap) slot = 0;
    }
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

/** Slot word of a slot being claimed (bit 0 clear, so no fingerprint has it). */
const PENDING = 2;
