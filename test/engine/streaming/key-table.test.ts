import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteKeyTable } from '../../../src/engine/streaming/key-table.js';

/** Customer keys as exports write them: numbered ones of a few classes, e-mails, anything. */
const key = fc.oneof(
  fc.tuple(fc.constantFrom('C', '', 'cus_', 'C'), fc.nat({ max: 5000 }), fc.boolean()).map(([p, n, pad]) => p + (pad ? String(n).padStart(7, '0') : String(n))),
  fc.nat({ max: 300 }).map((n) => `buyer${n}@shop.example`),
  fc.string({ minLength: 1, maxLength: 20 }),
);

describe('ByteKeyTable', () => {
  it('numbers keys in order of first appearance, finds them again and keeps each customer its own two words (property, through rehashes)', () => {
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
        // the reader finalize uses: one decode when the keys are ASCII, else key() (fc.string may give neither)
        const keyOf = t.keyReader();
        for (const [k, i] of index) {
          expect(t.key(i)).toBe(k);
          expect(keyOf(i)).toBe(k);
          t.locate(i);
          expect([t.stateArr[t.stateAt], t.stateArr[t.stateAt + 1]]).toEqual(words.get(i));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keyReader gives every key as key() does, for ASCII keys (one decode) and any others (property)', () => {
    const anyKey = fc.oneof(key, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }));
    fc.assert(
      fc.property(fc.oneof(fc.array(key, { maxLength: 300 }), fc.array(anyKey, { maxLength: 300 })), (keys) => {
        const t = new ByteKeyTable(4);
        for (const k of keys) {
          const b = Buffer.from(k);
          t.lookupOrInsert(b, 0, b.length);
        }
        const keyOf = t.keyReader();
        for (let i = 0; i < t.size; i++) expect(keyOf(i)).toBe(t.key(i));
        expect(new Set(Array.from({ length: t.size }, (_, i) => keyOf(i)))).toEqual(new Set(keys));
      }),
      { numRuns: 100 },
    );
  });

  it('absorbs another table\'s keys with findIndexed and appendUnindexed: numbers as lookupOrInsert would, and finds the appended keys again (property)', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 800 }), fc.uniqueArray(key, { maxLength: 800 }), fc.array(key, { maxLength: 200 }), (own, later, after) => {
        const t = new ByteKeyTable(4);
        const index = new Map<string, number>();
        const see = (k: string): number => {
          const want = index.get(k) ?? index.size;
          index.set(k, want);
          return want;
        };
        for (const k of own) {
          const b = Buffer.from(k);
          expect(t.lookupOrInsert(b, 0, b.length)).toBe(see(k));
        }
        for (const k of later) {
          const b = Buffer.from(`<${k}>`);
          const found = t.findIndexed(b, 1, b.length - 1);
          expect(found).toBe(index.get(k) ?? -1);
          const i = found >= 0 ? found : t.appendUnindexed(b, 1, b.length - 1);
          expect(i).toBe(see(k));
        }
        expect(t.size).toBe(index.size);
        // lookups after: the appended keys are indexed first, each keeps its number, new ones follow
        for (const k of after) {
          const b = Buffer.from(k);
          const i = t.lookupOrInsert(b, 0, b.length);
          expect(i).toBe(see(k));
        }
        for (const [k, i] of index) expect(t.key(i)).toBe(k);
        // an appended key's builder words start as a new key's do
        const appended = later.filter((k) => !own.includes(k) && !after.includes(k));
        if (appended.length) {
          t.locate(index.get(appended[0])!);
          expect([t.stateArr[t.stateAt], t.stateArr[t.stateAt + 1]]).toEqual([-1, 0]);
        }
      }),
      { numRuns: 80 },
    );
  });
});
