import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteKeyTable } from '../../../src/engine/streaming/key-table.js';
import { NUMBERED_CLASS, parseNumbered, writeNumbered } from '../../../src/engine/streaming/numbered-key.js';

/** Customer keys as exports write them: numbered ones of a few classes (one gets the dense index), e-mails, anything. */
const key = fc.oneof(
  fc.tuple(fc.constantFrom('C', '', 'cus_', 'C'), fc.nat({ max: 5000 }), fc.boolean()).map(([p, n, pad]) => p + (pad ? String(n).padStart(7, '0') : String(n))),
  fc.nat({ max: 300 }).map((n) => `buyer${n}@shop.example`),
  fc.string({ minLength: 1, maxLength: 20 }),
);

describe('ByteKeyTable', () => {
  it('numbers keys in order of first appearance, finds them again and keeps each customer its own two words (property, through rehashes and dense growth)', () => {
    fc.assert(
      fc.property(fc.array(key, { minLength: 1, maxLength: 3000, size: 'large' }), (keys) => {
        const t = new ByteKeyTable(4);
        const index = new Map<string, number>();
        const words = new Map<number, [number, number]>();
        for (const k of keys) {
          const b = Buffer.from(`[${k}]`);
          const want = index.get(k) ?? index.size;
          index.set(k, want);
          expect(t.lookupOrInsert(b, 1, b.length - 1)).toBe(want);
          expect(t.lastIndex).toBe(want);
          // the builder's words: new customers start at [-1, 0]; what it wrote is still there
          expect([t.stateArr[t.stateAt], t.stateArr[t.stateAt + 1]]).toEqual(words.get(want) ?? [-1, 0]);
          const w: [number, number] = [want * 7 + 1, want - 3];
          t.stateArr[t.stateAt] = w[0];
          t.stateArr[t.stateAt + 1] = w[1];
          words.set(want, w);
        }
        expect(t.size).toBe(index.size);
        for (const [k, i] of index) {
          expect(t.key(i)).toBe(k);
          t.locate(i);
          expect([t.stateArr[t.stateAt], t.stateArr[t.stateAt + 1]]).toEqual(words.get(i));
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('numbered keys', () => {
  it('parse into (class, number) and write back to the same bytes; other keys are not numbered', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        const b = Buffer.from(text);
        const n = parseNumbered(b, 0, b.length, 1 << 26);
        if (n < 0) return;
        const out = Buffer.alloc(24);
        const len = writeNumbered(out, NUMBERED_CLASS, 0, n);
        expect(out.subarray(0, len).toString()).toBe(text);
      }),
      { numRuns: 2000 },
    );
    const numbered = (s: string): number => parseNumbered(Buffer.from(s), 0, Buffer.byteLength(s), 1 << 26);
    expect(numbered('O00000001-R')).toBe(1);
    expect(numbered('#1001')).toBe(1001);
    expect(numbered('17850')).toBe(17850);
    for (const s of ['', 'abc', 'a1b2', '123456789', 'longprefix1', '1suffixtoolong', '99999999']) expect(numbered(s)).toBe(-1);
  });
});
