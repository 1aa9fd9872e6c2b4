import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderIdSet } from '../../src/io/order-keys.js';

describe('OrderIdSet', () => {
  it('finds every id it was given, and only those (property, through rehashes)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3000 }), (ids) => {
        const set = new OrderIdSet(16);
        for (const id of ids) {
          const b = Buffer.from(`x${id}y`);
          expect(set.add(b, 1, b.length - 1)).toBe(true);
        }
        for (const id of ids) {
          const b = Buffer.from(id);
          expect(set.add(b, 0, b.length)).toBe(false);
        }
        expect(set.size).toBe(ids.length);
      }),
      { numRuns: 30 },
    );
  });
});

describe('OrderIdSet shared by two halves', () => {
  it('tells a repeat within a half (duplicate) from an id the other half added (cross-half check)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 2, maxLength: 2000 }), fc.nat(), (ids, k) => {
        const table = OrderIdSet.sharedTable(ids.length);
        const first = new OrderIdSet(0, { table, half: 0 });
        const second = new OrderIdSet(0, { table, half: 1 });
        const cut = 1 + (k % (ids.length - 1));
        for (const id of ids.slice(0, cut)) expect(first.add(Buffer.from(id), 0, Buffer.byteLength(id))).toBe(true);
        for (const id of ids.slice(cut)) expect(second.add(Buffer.from(id), 0, Buffer.byteLength(id))).toBe(true);
        const again = Buffer.from(ids[ids.length - 1]);
        expect(second.add(again, 0, again.length)).toBe(false);
        const slots = OrderIdSet.regionSlots(table);
        const split = k % (slots + 1);
        const cross = (): boolean => OrderIdSet.crossCheck(table, 0, split) || OrderIdSet.crossCheck(table, split, slots);
        expect(cross()).toBe(false);
        const theirs = Buffer.from(ids[0]);
        // the other half's id is new in this region; the check finds it in both
        expect(second.add(theirs, 0, theirs.length)).toBe(true);
        expect(cross()).toBe(true);
        expect(first.full || second.full).toBe(false);
      }),
      { numRuns: 30 },
    );
  });

  it('reports a half that fills its share of the table', () => {
    const table = OrderIdSet.sharedTable(1000);
    const half = new OrderIdSet(0, { table, half: 0 });
    for (let i = 0; i < 2000 && !half.full; i++) half.add(Buffer.from(`o${i}`), 0, `o${i}`.length);
    expect(half.full).toBe(true);
  });
});
