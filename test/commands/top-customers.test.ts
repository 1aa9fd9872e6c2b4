import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topIndexes } from '../../src/app/clv-values.js';

describe('topIndexes (the top customers table)', () => {
  it('gives the first k of a full sort, ties broken by the comparator, skipping rows not kept', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }), { maxLength: 200 }), fc.integer({ min: 0, max: 30 }), (vals, k) => {
        const cmp = (a: number, b: number): number => vals[b]! - vals[a]! || a - b;
        const keep = (i: number): boolean => vals[i] !== undefined;
        const all = vals.map((_, i) => i).filter(keep).sort(cmp);
        expect(topIndexes(vals.length, k, keep, cmp)).toEqual(all.slice(0, k));
      }),
      { numRuns: 300 },
    );
  });
});
