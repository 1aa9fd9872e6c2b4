import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyNormalizer, normalizeCustomerKey } from '../../src/engine/customer-key.js';

/** The rule in words (spec: customer keys), written independently of the byte loop. */
function reference(raw: string, lowercase: boolean): string {
  let k = raw.replace(/^[ \t]+|[ \t]+$/g, '');
  const float = /^([0-9]+)\.0+$/.exec(k);
  if (float) k = float[1];
  if (lowercase || k.includes('@')) k = k.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return k;
}

const keyText = fc.oneof(
  fc.emailAddress().map((e) => e.replace(/[a-z]/g, (c) => (c.charCodeAt(0) % 3 === 0 ? c.toUpperCase() : c))),
  fc.tuple(fc.nat(99_999), fc.constantFrom('', '.0', '.00', '.5', '.05')).map(([n, f]) => `${n}${f}`),
  fc.stringMatching(/^[ \t]{0,2}[A-Za-z0-9_@.ÄÉ-]{0,30}[ \t]{0,2}$/),
  fc.string({ maxLength: 20 }),
);

describe('customer keys', () => {
  it('KeyNormalizer on bytes gives the rule: trimmed, `.0` of a number dropped, e-mails (or everything with lowercase) lower-cased in ASCII (property)', () => {
    fc.assert(
      fc.property(keyText, fc.boolean(), (raw, lowercase) => {
        const want = reference(raw, lowercase);
        expect(normalizeCustomerKey(raw, lowercase)).toBe(want);
        // inside a bigger buffer, as the scanner hands fields over
        const b = Buffer.from(`x,${raw},y`, 'utf8');
        const n = new KeyNormalizer(lowercase);
        n.normalize(b, 2, b.length - 2);
        expect(n.buf.toString('utf8', n.start, n.end)).toBe(want);
      }),
      { numRuns: 500 },
    );
  });

  it('examples', () => {
    expect(normalizeCustomerKey(' Ana.Silva@Example.COM\t')).toBe('ana.silva@example.com');
    expect(normalizeCustomerKey('17850.0')).toBe('17850');
    expect(normalizeCustomerKey('C0000167')).toBe('C0000167');
    expect(normalizeCustomerKey('C0000167', true)).toBe('c0000167');
    expect(normalizeCustomerKey('Émile@Shop.example')).toBe('Émile@shop.example');
    expect(normalizeCustomerKey('.0')).toBe('.0');
  });
});
