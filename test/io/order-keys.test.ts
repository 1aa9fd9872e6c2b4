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
