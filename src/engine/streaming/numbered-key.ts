/**
 * Numbered keys: ids that are a prefix of up to 8 non-digit bytes, a run of at most 8 digits
 * and a suffix of up to 8 non-digit bytes (`#1001`, `O00000001-R`, `C0000167`, `17850`).
 * Exports mostly number their orders and customers, and a number indexes an array directly,
 * without a hash table's random memory access (engine/streaming/order-keys.ts, engine/streaming/key-table.ts).
 *
 * A key's class is its prefix, its suffix and its digit count when the digits start with 0
 * (`007` and `7` are different keys; without a leading zero the value alone gives the digits
 * back), so (class, number) stands for exactly one key.
 */

/**
 * The class of the last key parseNumbered() accepted: [tag, prefix bytes 0-3, prefix bytes
 * 4-7, suffix bytes 0-3, suffix bytes 4-7], tag = prefix length | digit count (0 without a
 * leading zero) << 4 | suffix length << 8 | 1 << 12 (never 0).
 */
export const NUMBERED_CLASS = new Int32Array(5);

const AFFIX_MAX = 8;
const DIGITS_MAX = 8;
/** Bytes of the longest numbered key. */
export const NUMBERED_MAX_BYTES = 2 * AFFIX_MAX + DIGITS_MAX;

/**
 * The number of the key buf[s, e) when it is numbered and its number is below `limit`
 * (its class then in NUMBERED_CLASS), else -1.
 */
export function parseNumbered(buf: Uint8Array, s: number, e: number, limit: number): number {
  let i = s;
  let p0 = 0;
  let p1 = 0;
  for (; i < e; i++) {
    const c = buf[i];
    if (c >= 48 && c <= 57) break;
    const k = i - s;
    if (k >= AFFIX_MAX) return -1;
    if (k < 4) p0 |= c << (8 * k);
    else p1 |= c << (8 * (k - 4));
  }
  if (i === e) return -1;
  const ds = i;
  let n = 0;
  for (; i < e; i++) {
    const c = buf[i];
    if (c < 48 || c > 57) break;
    if (i - ds === DIGITS_MAX) return -1;
    n = n * 10 + (c - 48);
  }
  if (n >= limit || e - i > AFFIX_MAX) return -1;
  const digits = buf[ds] === 48 ? i - ds : 0;
  const suffixLen = e - i;
  let s0 = 0;
  let s1 = 0;
  for (let k = 0; i < e; i++, k++) {
    const c = buf[i];
    if (c >= 48 && c <= 57) return -1;
    if (k < 4) s0 |= c << (8 * k);
    else s1 |= c << (8 * (k - 4));
  }
  const cls = NUMBERED_CLASS;
  cls[0] = (ds - s) | (digits << 4) | (suffixLen << 8) | 4096;
  cls[1] = p0;
  cls[2] = p1;
  cls[3] = s0;
  cls[4] = s1;
  return n;
}

/** True when the class words at cls[at, at + 5) are NUMBERED_CLASS. */
export function sameClass(cls: Int32Array, at: number): boolean {
  const k = NUMBERED_CLASS;
  return cls[at] === k[0] && cls[at + 1] === k[1] && cls[at + 2] === k[2] && cls[at + 3] === k[3] && cls[at + 4] === k[4];
}

/** Writes the key of number n of the class at cls[at, at + 5) into out (NUMBERED_MAX_BYTES long); returns its length. */
export function writeNumbered(out: Uint8Array, cls: Int32Array, at: number, n: number): number {
  const tag = cls[at];
  const plen = tag & 15;
  const digits = (tag >>> 4) & 15;
  const slen = (tag >>> 8) & 15;
  let p = 0;
  for (let k = 0; k < plen; k++) out[p++] = (cls[at + 1 + (k >> 2)] >>> (8 * (k & 3))) & 255;
  const text = digits > 0 ? String(n).padStart(digits, '0') : String(n);
  for (let k = 0; k < text.length; k++) out[p++] = text.charCodeAt(k);
  for (let k = 0; k < slen; k++) out[p++] = (cls[at + 3 + (k >> 2)] >>> (8 * (k & 3))) & 255;
  return p;
}

/** The digit count of a class (0: no leading zero), from its tag. */
export function classDigits(tag: number): number {
  return (tag >>> 4) & 15;
}
