/**
 * A set of order ids kept as 64-bit fingerprints (two independent 32-bit hashes of the id's
 * bytes) in an open-addressing table: 8 bytes per order instead of a string per order.
 * Two different ids share a fingerprint with probability about n²/2⁶⁵ (3·10⁻⁶ at 10M orders).
 */
export class OrderIdSet {
  /** Pairs [h1, h2]; h2 = 0 marks an empty slot. One cache line per probe. */
  private table: Uint32Array;
  /** Slots; any size (the slot is h1 scaled into [0, cap)), sized for a load of at most 0.8. */
  private cap: number;
  private count = 0;

  constructor(expected = 1 << 16) {
    this.cap = Math.max(1024, Math.ceil(expected / 0.75));
    this.table = new Uint32Array(this.cap * 2);
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
    h1 >>>= 0;
    h2 ^= h2 >>> 15;
    h2 = Math.imul(h2, 0xc2b2ae35);
    h2 ^= h2 >>> 16;
    h2 = (h2 | 1) >>> 0; // 0 marks an empty slot; unsigned like the Uint32Array it is stored in
    const cap = this.cap;
    let slot = Math.floor((h1 / 4294967296) * cap);
    const t = this.table;
    for (;;) {
      const l = t[2 * slot + 1];
      if (l === 0) break;
      if (l === h2 && t[2 * slot] === h1) return false;
      if (++slot === cap) slot = 0;
    }
    t[2 * slot] = h1;
    t[2 * slot + 1] = h2;
    this.count++;
    if (this.count * 5 > cap * 4) this.rehash();
    return true;
  }

  private rehash(): void {
    const old = this.table;
    const cap = this.cap * 2;
    const t = new Uint32Array(cap * 2);
    for (let i = 0; i < old.length; i += 2) {
      const l = old[i + 1];
      if (l === 0) continue;
      let slot = Math.floor((old[i] / 4294967296) * cap);
      while (t[2 * slot + 1] !== 0) if (++slot === cap) slot = 0;
      t[2 * slot] = old[i];
      t[2 * slot + 1] = l;
    }
    this.table = t;
    this.cap = cap;
  }
}
