import { classDigits, NUMBERED_CLASS, NUMBERED_MAX_BYTES, parseNumbered, sameClass, writeNumbered } from './numbered-key.js';

/**
 * The set of order ids seen by the orders pass (a repeated id is a duplicate, spec §1.3).
 *
 * Numbered ids, the common case (Shopify's `#1001`, WooCommerce and UCI invoice numbers,
 * `O00000001` and its refund `O00000001-R`; see engine/streaming/numbered-key.ts) with a number below
 * 2²⁶, are kept exactly, as one bit in a bitmap per id class. Consecutive numbers share a
 * cache line, so the check costs no random memory access, and the answer has no false
 * duplicates.
 * A set has at most 8 classes (the first 8 it meets); once they are taken, ids of other
 * classes go where every other id goes:
 *
 * Other ids are kept as 62-bit fingerprints (a 32-bit hash and 30 bits of a second,
 * independent one, of the id's bytes) in an open-addressing table: 8 bytes per order instead
 * of a string per order. Two different ids share a fingerprint with probability about
 * n²/2⁶³ (10⁻⁵ at 10M orders).
 *
 * Either way the place of an id depends only on its bytes and the set's class list, which
 * only grows and is never undone, so a repeat always meets the first copy.
 *
 * The two halves of the parallel reader (engine/streaming/parallel-orders.ts) share one `OrderIdShare`,
 * made by `OrderIdSet.shared`: a fingerprint table split into two regions, a class directory
 * and class bitmaps for each half, all in SharedArrayBuffers. Each half adds its ids to its
 * own part with plain stores (no compare-and-swap, whose locked instruction waits for the
 * slot's cache miss), so a half sees only its own duplicates. Once both halves are read,
 * `crossCheck` looks up the second region's fingerprints in the first (each thread a share of
 * the slots) and `crossCheckNumbered` compares the halves' bitmaps class by class: an id in
 * both halves is a cross-half duplicate, and the reader falls back to one sequential pass,
 * where file order decides which copy counts. A region cannot grow while the other half
 * reads, so `full` reports a half that filled its region; the reader falls back then too.
 */

/** Numbered ids have a number below this; a class's bitmap has one bit per number. */
const NUMBER_LIMIT = 1 << 26;
/** Id classes a set keeps bitmaps for. */
const MAX_CLASSES = 8;
/** Int32 words of one class's bitmap (8 MB; pages no number falls in are never touched). */
const CLASS_WORDS = NUMBER_LIMIT >>> 5;

/**
 * Directory of one set's classes, in Int32 words: a header [classes, saturated (an id of a
 * ninth class came), fingerprints added, unused], then per class its 5 words (see
 * NUMBERED_CLASS) and its largest number.
 */
const DIR_HEADER = 4;
const CLASS_INTS = 6;
const DIR_INTS = DIR_HEADER + MAX_CLASSES * CLASS_INTS;
/**
 * Words from one half's directory to the other's in a share: a cache line (16 words) of
 * padding between them, whatever the buffer's alignment, so the two threads, which write
 * their own directory on every numbered id, never write to one line.
 */
const DIR_STRIDE = Math.ceil(DIR_INTS / 16) * 16 + 16;

/** What the two halves of the parallel reader share (see OrderIdSet.shared). */
export interface OrderIdShare {
  /** Fingerprint pairs [h1, word] of both regions. */
  table: Int32Array;
  /** The class directory of each half, DIR_STRIDE words apart. */
  dir: Int32Array;
  /** The class bitmaps of each half, MAX_CLASSES * CLASS_WORDS words apiece. */
  bits: Int32Array;
}

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
  /** This set's class directory (see DIR_INTS) and its first word. */
  private readonly dir: Int32Array;
  private readonly d0: number;
  private readonly classBits: Int32Array[] = [];
  private numbered = 0;
  /** A shared region reached its limit; answers are unreliable after it. */
  full = false;
  /** The last prepare(): the id's class (-1: a fingerprint), number, hash and fingerprint. */
  private cls = -1;
  private num = 0;
  private h1 = 0;
  private f = 1;
  /** The class of the last numbered id, tried first. */
  private lastCls = 0;

  /** `expected` ids, or the part `half` (0 or 1) of a share made by `shared`. */
  constructor(expected = 1 << 16, share?: { ids: OrderIdShare; half: 0 | 1 }) {
    if (share) {
      this.table = share.ids.table;
      this.cap = regionSlots(share.ids.table);
      this.base = share.half * this.cap;
      this.limit = Math.floor(this.cap * 0.9);
      this.shared = share.ids;
      this.dir = share.ids.dir;
      this.d0 = share.half * DIR_STRIDE;
    } else {
      this.cap = Math.max(1024, Math.ceil(expected / 0.75));
      this.table = new Int32Array(this.cap * 2);
      this.base = 0;
      this.limit = Math.floor(this.cap * 0.8);
      this.dir = new Int32Array(DIR_INTS);
      this.d0 = 0;
    }
  }

  /** What two halves adding about `expected` ids in all share (each fingerprint region holds half the slots). */
  static shared(expected: number): OrderIdShare {
    const cap = Math.max(1024, Math.ceil(expected / 0.8 / 2)) * 2;
    return {
      table: new Int32Array(new SharedArrayBuffer(cap * 8)),
      dir: new Int32Array(new SharedArrayBuffer(2 * DIR_STRIDE * 4)),
      bits: new Int32Array(new SharedArrayBuffer(2 * MAX_CLASSES * CLASS_WORDS * 4)),
    };
  }

  /**
   * True when a fingerprint of the second region, among its slots [from, to)
   * (region-relative), is also in the first region. Both halves must be done adding.
   */
  static crossCheck(ids: OrderIdShare, from: number, to: number): boolean {
    // nothing to look up, or nothing to find: skip reading the untouched table
    if (ids.dir[2] === 0 || ids.dir[DIR_STRIDE + 2] === 0) return false;
    const cap = regionSlots(ids.table);
    const t = ids.table;
    for (let i = cap + from; i < cap + to; i++) {
      const w = t[2 * i + 1];
      if (w !== 0 && probe(t, 0, cap, t[2 * i], w) >= 0) return true;
    }
    return false;
  }

  /**
   * True when a numbered id is in both halves: bitmaps of a class both have are compared
   * word by word; a class only one half has can still meet the other half's fingerprints
   * when that half had all its classes taken (its ids of the class were fingerprinted), so
   * each such id is rebuilt and looked up there. Both halves must be done adding.
   */
  static crossCheckNumbered(ids: OrderIdShare): boolean {
    const dir = ids.dir;
    const cap = regionSlots(ids.table);
    for (let half = 0; half < 2; half++) {
      const mine = half * DIR_STRIDE;
      const other = (1 - half) * DIR_STRIDE;
      for (let k = 0; k < dir[mine]; k++) {
        const e = mine + DIR_HEADER + k * CLASS_INTS;
        NUMBERED_CLASS.set(dir.subarray(e, e + 5));
        const j = findClass(dir, other);
        const bits = classView(ids.bits, half, k);
        if (j >= 0) {
          // compared once, from the first half's side
          if (half === 1) continue;
          const theirs = classView(ids.bits, 1 - half, j);
          const words = (Math.min(dir[e + 5], dir[other + DIR_HEADER + j * CLASS_INTS + 5]) >>> 5) + 1;
          for (let w = 0; w < words; w++) if ((bits[w] & theirs[w]) !== 0) return true;
        } else if (dir[other + 1] !== 0 && dir[other + 2] !== 0) {
          const id = Buffer.alloc(NUMBERED_MAX_BYTES);
          const words = (dir[e + 5] >>> 5) + 1;
          for (let w = 0; w < words; w++) {
            for (let v = bits[w]; v !== 0; v &= v - 1) {
              const n = w * 32 + (31 - Math.clz32(v & -v));
              const len = writeNumbered(id, dir, e, n);
              hashId(id, 0, len);
              if (probe(ids.table, (1 - half) * cap, cap, H1, F) >= 0) return true;
            }
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
    return this.hashed + this.numbered;
  }

  /** Adds the id in buf[s, e); returns false when it was already there. */
  add(buf: Buffer, s: number, e: number): boolean {
    this.prepare(buf, s, e);
    return this.addPrepared();
  }

  /** Finds the id's place in buf[s, e); addPrepared() then adds it. */
  prepare(buf: Buffer, s: number, e: number): void {
    this.cls = this.classify(buf, s, e);
    if (this.cls < 0) {
      hashId(buf, s, e);
      this.h1 = H1;
      this.f = F;
    }
  }

  /** Adds the id of the last prepare(); returns false when it was already there. */
  addPrepared(): boolean {
    const cls = this.cls;
    if (cls >= 0) {
      const bits = this.classBits[cls];
      const n = this.num;
      const w = n >>> 5;
      const m = 1 << (n & 31);
      const v = bits[w];
      if ((v & m) !== 0) return false;
      bits[w] = v | m;
      const top = this.d0 + DIR_HEADER + cls * CLASS_INTS + 5;
      if (n > this.dir[top]) this.dir[top] = n;
      this.numbered++;
      return true;
    }
    // a full shared region adds nothing more (its pass is discarded), so it never overflows
    if (this.full) return true;
    const h1 = this.h1;
    const f = this.f;
    const at = probe(this.table, this.base, this.cap, h1, f);
    if (at >= 0) return false;
    const slot = this.base + ~at;
    this.table[2 * slot] = h1;
    this.table[2 * slot + 1] = f;
    this.dir[this.d0 + 2] = ++this.hashed;
    if (this.hashed > this.limit) {
      if (this.shared) this.full = true;
      else this.rehash();
    }
    return true;
  }

  /** The class of a numbered id in buf[s, e) (registered when new and there is room; this.num is its number), else -1. */
  private classify(buf: Buffer, s: number, e: number): number {
    const n = parseNumbered(buf, s, e, NUMBER_LIMIT);
    if (n < 0) return -1;
    const dir = this.dir;
    const d = this.d0;
    this.num = n;
    if (this.lastCls < dir[d] && sameClass(dir, d + DIR_HEADER + this.lastCls * CLASS_INTS)) return this.lastCls;
    let k = findClass(dir, d);
    if (k < 0) {
      k = dir[d];
      if (k === MAX_CLASSES) {
        dir[d + 1] = 1;
        return -1;
      }
      const e = d + DIR_HEADER + k * CLASS_INTS;
      dir.set(NUMBERED_CLASS, e);
      dir[e + 5] = 0;
      this.classBits.push(this.shared ? classView(this.shared.bits, this.d0 / DIR_STRIDE, k) : new Int32Array(classWords(dir[e])));
      dir[d] = k + 1;
    }
    this.lastCls = k;
    return k;
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

/** The class NUMBERED_CLASS in the directory at d, or -1. */
function findClass(dir: Int32Array, d: number): number {
  for (let k = 0; k < dir[d]; k++) if (sameClass(dir, d + DIR_HEADER + k * CLASS_INTS)) return k;
  return -1;
}

/** The bitmap of class k of a share's half. */
function classView(bits: Int32Array, half: number, k: number): Int32Array {
  const at = (half * MAX_CLASSES + k) * CLASS_WORDS;
  return bits.subarray(at, at + CLASS_WORDS);
}

/** Words of a class's own bitmap: 10^digits numbers when the digit count is fixed. */
function classWords(tag: number): number {
  const digits = classDigits(tag);
  return digits > 0 ? Math.min(CLASS_WORDS, Math.ceil(10 ** digits / 32)) : CLASS_WORDS;
}

function regionSlots(table: Int32Array): number {
  return table.length / 4;
}

function homeSlot(h1: number, cap: number): number {
  return Math.floor(((h1 >>> 0) / 4294967296) * cap);
}
