import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderIdSet, type OrderIdShare } from '../../../src/engine/streaming/order-keys.js';

/**
 * Ids of the shapes exports use: numbered ones of many classes (prefixes, suffixes, leading
 * zeros, long digit runs) and arbitrary strings.
 */
const numbered = fc
  .tuple(
    fc.constantFrom('', 'O', '#', 'INV-', 'C', 'ORD', 'x', 'y', 'z', 'ab', 'Q-', 'longprefix', 'é'),
    fc.oneof(fc.nat({ max: 40 }).map(String), fc.nat({ max: 40 }).map((n) => String(n).padStart(4, '0')), fc.nat().map(String), fc.nat({ max: 99_999_999 }).map(String), fc.constant('0'), fc.constant('123456789012')),
    fc.constantFrom('', '', '', '-R', 'b', '/x', '-R2', ' ', 'suffixtoolong'),
  )
  .map(([p, d, s]) => p + d + s);
const anyId = fc.oneof(numbered, fc.string({ minLength: 1, maxLength: 12 }));

function add(set: OrderIdSet, id: string): boolean {
  const b = Buffer.from(`x${id}y`);
  return set.add(b, 1, b.length - 1);
}

function crossHalves(ids: OrderIdShare, split: number): boolean {
  const slots = OrderIdSet.regionSlots(ids);
  const at = split % (slots + 1);
  return OrderIdSet.crossCheck(ids, 0, at) || OrderIdSet.crossCheck(ids, at, slots);
}

describe('OrderIdSet', () => {
  it('answers as a set of strings would: a repeat is found, a new id is not (property, through rehashes)', () => {
    fc.assert(
      fc.property(fc.array(anyId, { minLength: 1, maxLength: 3000, size: 'large' }), (ids) => {
        const set = new OrderIdSet(16);
        const seen = new Set<string>();
        for (const id of ids) {
          expect(add(set, id)).toBe(!seen.has(id));
          seen.add(id);
        }
        expect(set.size).toBe(seen.size);
      }),
      { numRuns: 60 },
    );
  });

  it('tells numbered ids apart by their bytes: 007, 07 and 7 are three ids; O1 and O1-R two', () => {
    const set = new OrderIdSet(16);
    for (const id of ['007', '07', '7', 'O1', 'O1-R', '#1001', '#1002', '0']) expect(add(set, id)).toBe(true);
    for (const id of ['007', '07', '7', 'O1', 'O1-R', '#1001', '0']) expect(add(set, id)).toBe(false);
    expect(add(set, '00')).toBe(true);
  });

  it('finds 200,000 consecutive numbered ids and their repeats', () => {
    const set = new OrderIdSet(16);
    let added = 0;
    for (let i = 1; i <= 200_000; i++) if (add(set, `O${String(i).padStart(8, '0')}`)) added++;
    expect(added).toBe(200_000);
    for (let i = 1; i <= 200_000; i += 997) expect(add(set, `O${String(i).padStart(8, '0')}`)).toBe(false);
    expect(add(set, 'O00200001')).toBe(true);
    expect(set.size).toBe(200_001);
  });
});

describe('OrderIdSet shared by two halves', () => {
  it('tells a repeat within a half (duplicate) from an id the other half added (cross-half check)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(anyId, { minLength: 2, maxLength: 2000, size: 'large' }), fc.nat(), fc.nat(), (ids, k, split) => {
        // room for all ids in either half (the reader sizes for halves of about equal rows)
        const share = OrderIdSet.shared(2 * ids.length);
        const first = new OrderIdSet(0, { ids: share, half: 0 });
        const second = new OrderIdSet(0, { ids: share, half: 1 });
        const cut = 1 + (k % (ids.length - 1));
        for (const id of ids.slice(0, cut)) expect(add(first, id)).toBe(true);
        for (const id of ids.slice(cut)) expect(add(second, id)).toBe(true);
        expect(add(second, ids[ids.length - 1])).toBe(false);
        expect(crossHalves(share, split)).toBe(false);
        // the other half's id is new in this half; the check finds it in both
        expect(add(second, ids[k % cut])).toBe(true);
        expect(crossHalves(share, split)).toBe(true);
        expect(first.full || second.full).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('a log takes every id as new, and repeatedIn finds a repeat within or across the logged parts, in any order (property, through grown runs)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(anyId, { maxLength: 400 }), { minLength: 1, maxLength: 3 }), fc.nat({ max: 3000 }), (parts, expected) => {
        const logs = parts.map((ids) => {
          // a small expectation makes runs grow
          const log = new OrderIdSet(expected, 'log');
          for (const id of ids) expect(add(log, id)).toBe(true);
          expect(log.size).toBe(ids.length);
          return log.takeLog();
        });
        const all = parts.flat();
        expect(OrderIdSet.repeatedIn(logs)).toBe(new Set(all).size < all.length);
        expect(OrderIdSet.repeatedIn([...logs].reverse())).toBe(new Set(all).size < all.length);
      }),
      { numRuns: 150 },
    );
  });

  it('reports a half that fills its share of the table', () => {
    const share = OrderIdSet.shared(1000);
    const half = new OrderIdSet(0, { ids: share, half: 0 });
    for (let i = 0; i < 2000 && !half.full; i++) add(half, `o${i}x${i}`);
    expect(half.full).toBe(true);
  });
});
