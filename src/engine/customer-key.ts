/**
 * The customer key rule every engine shares: how an id from a file becomes the key customers
 * are matched by. The bytes version runs in the streaming reader's hot loop; the string version
 * (the customers file, the SQL engines' checks) goes through the same bytes, so both agree.
 */

/**
 * Normalises a customer key in bytes, exactly as `normalizeCustomerKey` does for strings:
 * trims spaces and tabs, drops a `.0` suffix of a number (UCI writes 17850.0), lower-cases
 * ASCII letters of e-mail addresses (or of every key with `lowercase`). Returns the range
 * in `out.buf` (the input buffer, or `scratch` when bytes had to change).
 */
export class KeyNormalizer {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  private scratch = Buffer.allocUnsafe(256);

  constructor(private readonly lowercase: boolean) {}

  normalize(buf: Buffer, s: number, e: number): void {
    while (s < e && (buf[s] === 32 || buf[s] === 9)) s++;
    while (e > s && (buf[e - 1] === 32 || buf[e - 1] === 9)) e--;
    if (e - s > 2 && buf[e - 1] === 48) {
      let p = e - 1;
      while (p > s && buf[p] === 48) p--;
      if (buf[p] === 46 && p > s) {
        let digits = true;
        for (let i = s; i < p; i++) {
          if (buf[i] < 48 || buf[i] > 57) {
            digits = false;
            break;
          }
        }
        if (digits) e = p;
      }
    }
    // one pass for both questions: is it an e-mail (an @), has it an upper-case ASCII letter
    let at = false;
    let upper = false;
    for (let i = s; i < e; i++) {
      const c = buf[i];
      if (c === 64) at = true;
      else if (c >= 65 && c <= 90) upper = true;
    }
    if (this.lowercase || at) {
      if (upper) {
        const len = e - s;
        if (len > this.scratch.length) this.scratch = Buffer.allocUnsafe(len * 2);
        for (let i = 0; i < len; i++) {
          const c = buf[s + i];
          this.scratch[i] = c >= 65 && c <= 90 ? c + 32 : c;
        }
        this.buf = this.scratch;
        this.start = 0;
        this.end = len;
        return;
      }
    }
    this.buf = buf;
    this.start = s;
    this.end = e;
  }
}

/**
 * Normalises a customer key: trimmed; UCI's float ids (`17850.0`) lose `.0`; e-mails
 * lower-case. The same bytes rule as the hot path (KeyNormalizer), so both agree.
 */
export function normalizeCustomerKey(raw: string, lowercase = false): string {
  const b = Buffer.from(raw, 'utf8');
  const n = lowercase ? LOWER_NORMALIZER : NORMALIZER;
  n.normalize(b, 0, b.length);
  return n.buf.toString('utf8', n.start, n.end);
}
const NORMALIZER = new KeyNormalizer(false);
const LOWER_NORMALIZER = new KeyNormalizer(true);
