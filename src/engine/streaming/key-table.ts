import { isAscii } from 'node:buffer';

/**
 * Customer keys as bytes with an open-addressing index. Each slot is 32 bytes and holds the
 * hash, the customer index, the key length, the first 12 key bytes and two words the
 * customer-state builder keeps there (its latest ledger entry and that entry's day), so the
 * common lookup-and-update touches one cache line. Full keys live in an arena; a string is
 * made once per customer, at the end. Every key shape (numbered, 32-hex, e-mail) takes this
 * one path: a direct-indexed array for numbered keys paid only on our generator's ids and went
 * with issue 12.
 */
export const SLOT_INTS = 8;
/** Slot words the builder owns: its latest ledger entry, then that entry's day (see stateAt). */
const SLOT_STATE = 3;

/** The keys of a table without its index: key i is arena[spans[2i], spans[2i] + spans[2i+1]). */
export interface KeyTableParts {
  arena: Buffer;
  spans: Int32Array;
  size: number;
}

export class ByteKeyTable {
  private arena: Buffer = Buffer.allocUnsafe(1 << 16);
  private arenaLen = 0;
  /** SLOT_INTS words per slot: hash, index + 1 (0 = empty), length, lastEntry, lastDay, prefix x3. */
  slots: Int32Array;
  /** Slots; any size (the home slot is the hash scaled into [0, cap)), at most 3/4 full. */
  private cap: number;
  /** Pairs [offset, length] per key. */
  private spans: Int32Array = new Int32Array(2048);
  /** Slot of each customer (kept current through rehashes). */
  private slotOf: Int32Array = new Int32Array(1024);
  private n = 0;
  /** Keys [0, indexed) are in the index; later ones were appended unindexed (see appendUnindexed). */
  private indexed = 0;
  /**
   * The builder's two words of the last key looked up (or located): stateArr[stateAt] and
   * stateArr[stateAt + 1], in its slot; lastIndex is that customer.
   */
  stateArr: Int32Array = new Int32Array(0);
  stateAt = 0;
  lastIndex = -1;
  /** The last prepare()'s hash and first 12 key bytes. */
  private ph = 0;
  private p0 = 0;
  private p1 = 0;
  private p2 = 0;

  constructor(expected = 1024) {
    this.cap = capacityFor(expected);
    this.slots = new Int32Array(this.cap * SLOT_INTS);
  }

  get size(): number {
    return this.n;
  }

  /** Points stateArr/stateAt at customer i's builder words. */
  locate(i: number): void {
    if (i >= this.indexed) this.reindex();
    this.stateArr = this.slots;
    this.stateAt = this.slotOf[i] * SLOT_INTS + SLOT_STATE;
    this.lastIndex = i;
  }

  /** Index of the key buf[s, e), inserted when new (check `size` to tell). Sets the state (locate). */
  lookupOrInsert(buf: Buffer, s: number, e: number): number {
    this.prepare(buf, s, e);
    return this.lookupPrepared(buf, s, e);
  }

  /** Hashes the key buf[s, e); lookupPrepared with the same bytes then finds it. */
  prepare(buf: Buffer, s: number, e: number): void {
    const len = e - s;
    let h = 0x811c9dc5 ^ len;
    let p0 = 0;
    let p1 = 0;
    let p2 = 0;
    for (let i = s; i < e; i++) {
      const c = buf[i];
      h = Math.imul(h ^ c, 0x01000193);
      const k = i - s;
      if (k < 4) p0 |= c << (8 * k);
      else if (k < 8) p1 |= c << (8 * (k - 4));
      else if (k < 12) p2 |= c << (8 * (k - 8));
    }
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    this.ph = h;
    this.p0 = p0;
    this.p1 = p1;
    this.p2 = p2;
  }

  /**
   * Index of the key buf[s, e) among the indexed keys, else -1 (nothing inserted, no state
   * set): with appendUnindexed, to add another table's keys, each once, without indexing the
   * new ones (so a key appended since is not found: the caller's keys are distinct).
   */
  findIndexed(buf: Buffer, s: number, e: number): number {
    this.prepare(buf, s, e);
    const at = this.probe(buf, s, e - s);
    return at >= 0 ? (this.slots[at * SLOT_INTS + 1] - 1) : -1;
  }

  /**
   * Adds the key buf[s, e), which findIndexed() just did not find, without indexing it; returns its
   * index. Absorbing the other half's keys (customer-builder.ts absorbKeys) needs no index for
   * its new ones: nothing looks them up again unless a customers file follows, and then the
   * next lookup indexes them first (reindex). Inserting them would grow the index (a rehash,
   * 0.2 s at 600K keys) only to drop it at finalize.
   */
  appendUnindexed(buf: Buffer, s: number, e: number): number {
    return this.newKey(buf, s, e);
  }

  /** Index of the key of the last prepare() (the same bytes, buf[s, e)), inserted when new. Sets the state (locate). */
  lookupPrepared(buf: Buffer, s: number, e: number): number {
    if (this.indexed < this.n) this.reindexKeeping();
    const at = this.probe(buf, s, e - s);
    if (at >= 0) {
      const b = at * SLOT_INTS;
      this.stateArr = this.slots;
      this.stateAt = b + SLOT_STATE;
      this.lastIndex = this.slots[b + 1] - 1;
      return this.lastIndex;
    }
    const c = this.newKey(buf, s, e);
    this.writeSlot(~at, c, e - s);
    this.indexed = this.n;
    if (this.n * 4 > this.cap * 3) this.rehash(capacityFor(2 * this.n));
    this.locate(c);
    return c;
  }

  /**
   * The slot of the prepared key (the bytes buf[s, s + len)) when the index has it, else
   * ~(the empty slot where it goes).
   */
  private probe(buf: Buffer, s: number, len: number): number {
    const h = this.ph;
    const p0 = this.p0;
    const p1 = this.p1;
    const p2 = this.p2;
    const cap = this.cap;
    const slots = this.slots;
    let slot = homeSlot(h, cap);
    for (;;) {
      const b = slot * SLOT_INTS;
      const v = slots[b + 1];
      if (v === 0) return ~slot;
      if (slots[b] === h && slots[b + 2] === len && slots[b + 5] === p0 && slots[b + 6] === p1 && slots[b + 7] === p2) {
        if (len <= 12 || this.equal(this.spans[2 * (v - 1)], buf, s, len)) return slot;
      }
      if (++slot === cap) slot = 0;
    }
  }

  /** Puts key c (len bytes, the last prepare()'s hash and prefix) in the empty slot; its builder words start at [-1, 0]. */
  private writeSlot(slot: number, c: number, len: number): void {
    const b = slot * SLOT_INTS;
    const slots = this.slots;
    slots[b] = this.ph;
    slots[b + 1] = c + 1;
    slots[b + 2] = len;
    slots[b + 3] = -1;
    slots[b + 4] = 0;
    slots[b + 5] = this.p0;
    slots[b + 6] = this.p1;
    slots[b + 7] = this.p2;
    this.slotOf[c] = slot;
  }

  /** Adds the bytes of a new key; returns its index. */
  private newKey(buf: Buffer, s: number, e: number): number {
    const len = e - s;
    const c = this.n++;
    if (c >= this.slotOf.length) this.growKeys();
    if (this.arenaLen + len > this.arena.length) this.growArena(len);
    // a byte loop: Buffer.copy's call costs ~0.4 us, 0.25 s of the pass at 600K 32-hex keys
    if (len <= 256) {
      const a = this.arena;
      const at = this.arenaLen - s;
      for (let i = s; i < e; i++) a[at + i] = buf[i];
    } else buf.copy(this.arena, this.arenaLen, s, e);
    this.spans[2 * c] = this.arenaLen;
    this.spans[2 * c + 1] = len;
    this.arenaLen += len;
    return c;
  }

  key(i: number): string {
    const off = this.spans[2 * i];
    return this.arena.toString('utf8', off, off + this.spans[2 * i + 1]);
  }

  /**
   * key(), for reading every key in turn (finalize): when the keys are ASCII (numbered, hex,
   * e-mail keys almost always are) the arena is decoded once and each key is a slice of that
   * string, a third of the time of decoding a million keys one by one. The table must not
   * change while the reader is used.
   */
  keyReader(): (i: number) => string {
    const arena = this.arena.subarray(0, this.arenaLen);
    if (!isAscii(arena)) return (i) => this.key(i);
    const all = arena.toString('latin1');
    const spans = this.spans;
    return (i) => all.slice(spans[2 * i], spans[2 * i] + spans[2 * i + 1]);
  }

  /** The keys, for another thread or table; the index is dropped. */
  parts(): KeyTableParts {
    this.dropIndex();
    return { arena: this.arena.subarray(0, this.arenaLen), spans: this.spans.subarray(0, 2 * this.n), size: this.n };
  }

  /** Frees the index; keys stay readable. Returns the bytes the index held. */
  dropIndex(): number {
    const bytes = this.slots.byteLength + this.slotOf.byteLength;
    this.slots = new Int32Array(0);
    this.slotOf = new Int32Array(0);
    this.stateArr = this.slots;
    this.lastIndex = -1;
    return bytes;
  }

  /** lookupPrepared's reindex: keeps the prepared key (reindex prepares every key it adds). */
  private reindexKeeping(): void {
    const [ph, p0, p1, p2] = [this.ph, this.p0, this.p1, this.p2];
    this.reindex();
    [this.ph, this.p0, this.p1, this.p2] = [ph, p0, p1, p2];
  }

  /** Indexes the keys appended unindexed (their builder words start at [-1, 0], as new keys' do). */
  private reindex(): void {
    const n = this.n;
    if (n * 4 > this.cap * 3) this.rehash(capacityFor(2 * n));
    const cap = this.cap;
    const slots = this.slots;
    const arena = this.arena;
    for (let c = this.indexed; c < n; c++) {
      const off = this.spans[2 * c];
      const len = this.spans[2 * c + 1];
      this.prepare(arena, off, off + len);
      let slot = homeSlot(this.ph, cap);
      while (slots[slot * SLOT_INTS + 1] !== 0) if (++slot === cap) slot = 0;
      this.writeSlot(slot, c, len);
    }
    this.indexed = n;
  }

  private equal(off: number, buf: Buffer, s: number, len: number): boolean {
    const a = this.arena;
    for (let i = 12; i < len; i++) if (a[off + i] !== buf[s + i]) return false;
    return true;
  }

  private growKeys(): void {
    const n = this.slotOf.length * 2;
    const so = new Int32Array(n);
    so.set(this.slotOf);
    const sp = new Int32Array(2 * n);
    sp.set(this.spans);
    this.slotOf = so;
    this.spans = sp;
  }

  private growArena(need: number): void {
    const b = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaLen + need + 1024));
    this.arena.copy(b, 0, 0, this.arenaLen);
    this.arena = b;
  }

  private rehash(cap: number): void {
    // the builder's words of the last key move: addEntry must locate() again
    this.lastIndex = -1;
    const old = this.slots;
    this.slots = new Int32Array(0);
    const slots = new Int32Array(cap * SLOT_INTS);
    for (let o = 0; o < old.length; o += SLOT_INTS) {
      if (old[o + 1] === 0) continue;
      let slot = homeSlot(old[o], cap);
      while (slots[slot * SLOT_INTS + 1] !== 0) if (++slot === cap) slot = 0;
      const b = slot * SLOT_INTS;
      for (let k = 0; k < SLOT_INTS; k++) slots[b + k] = old[o + k];
      this.slotOf[old[o + 1] - 1] = slot;
    }
    this.slots = slots;
    this.cap = cap;
  }
}

/** Slots for n keys at a load of 2/3 (rehashing at 3/4). */
function capacityFor(n: number): number {
  return Math.max(1024, Math.ceil(n * 1.5));
}

function homeSlot(h: number, cap: number): number {
  return Math.floor(((h >>> 0) / 4294967296) * cap);
}

/**
 * Interns low-cardinality text fields (status, currency, channel) by their bytes so each
 * distinct value becomes a string once. Past `limit` distinct values it stops caching.
 */
export class ByteInterner<T> {
  private keys: Buffer[] = [];
  private values: T[] = [];
  constructor(
    private readonly make: (text: string) => T,
    private readonly limit = 64,
  ) {}

  get(buf: Buffer, s: number, e: number): T {
    const len = e - s;
    const keys = this.keys;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      if (key.length !== len) continue;
      let same = true;
      for (let i = 0; i < len; i++) {
        if (key[i] !== buf[s + i]) {
          same = false;
          break;
        }
      }
      if (same) return this.values[k];
    }
    const v = this.make(buf.toString('utf8', s, e));
    if (keys.length < this.limit) {
      keys.push(Buffer.from(buf.subarray(s, e)));
      this.values.push(v);
    }
    return v;
  }
}
