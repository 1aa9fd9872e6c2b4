import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/domain/errors.js';
import {
  holdoutActuals,
  holdoutPeriodCounts,
  summarizeLedger,
  summaryFromArrays,
} from '../../../src/analytics/clv/summary.js';
import { mergeIdentical } from '../../../src/analytics/clv/compress.js';
import { tableOf } from './table.js';

const table = tableOf({
  // first day 0 (two orders merged), repeats on days 7 and 21 (with a same-day refund),
  // a refund-only day 24, holdout purchases on days 30 and 40
  a: [
    [0, 2, 50],
    [7, 1, 20],
    [21, 1, 30 - 10],
    [24, 0, -5],
    [30, 1, 15],
    [40, 1, 25],
  ],
  // one purchase only
  b: [[14, 1, 10]],
  // first purchase after the calibration end: not in the summary
  c: [[29, 1, 99]],
  // a prospect with a refund only
  d: [[3, 0, -4]],
});

describe('summarizeLedger', () => {
  it('computes x, t_x, T and monetary by hand (weeks)', () => {
    const s = summarizeLedger(table, { calibrationEnd: 28, unit: 'week' });
    expect(s.ids).toEqual(['a', 'b']);
    expect(Array.from(s.rows)).toEqual([0, 1]);
    expect(Array.from(s.frequency)).toEqual([2, 0]);
    expect(Array.from(s.recency)).toEqual([3, 0]);
    expect(Array.from(s.T)).toEqual([4, 2]);
    // mean net value of the repeat days: (20 + 20) / 2; the refund-only day is left out
    expect(Array.from(s.monetary)).toEqual([20, 0]);
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('works in days, and the calibration end is inclusive', () => {
    const s = summarizeLedger(table, { calibrationEnd: 21, unit: 'day' });
    expect(Array.from(s.frequency)).toEqual([2, 0]);
    expect(Array.from(s.recency)).toEqual([21, 0]);
    expect(Array.from(s.T)).toEqual([21, 7]);
  });

  it('counts holdout purchase days and their value, per period', () => {
    const s = summarizeLedger(table, { calibrationEnd: 28, unit: 'week' });
    const h = holdoutActuals(table, s, 28 + 14);
    expect(h.duration).toBe(2);
    expect(Array.from(h.frequency)).toEqual([2, 0]);
    expect(Array.from(h.value)).toEqual([40, 0]);
    // days 29..35 and 36..42
    expect(Array.from(holdoutPeriodCounts(table, s, 2))).toEqual([1, 1]);
    expect(Array.from(holdoutPeriodCounts(table, s, 1))).toEqual([1]);
  });
});

describe('summaryFromArrays', () => {
  it('accepts a valid summary and rejects bad rows with their line', () => {
    const s = summaryFromArrays({ ids: ['1', '2'], frequency: [2, 0], recency: [30.43, 0], T: [38.86, 38.86], unit: 'week' });
    expect(s.size).toBe(2);
    expect(Array.from(s.monetary)).toEqual([0, 0]);
    const bad = (): unknown => summaryFromArrays({ ids: ['1', '2'], frequency: [2, 1.5], recency: [1, 1], T: [2, 2], unit: 'week', file: 's.csv' });
    expect(bad).toThrow(DataError);
    try {
      bad();
    } catch (e) {
      expect((e as DataError).location).toMatchObject({ file: 's.csv', line: 3, column: 'frequency' });
    }
    expect(() => summaryFromArrays({ ids: ['1'], frequency: [1], recency: [5], T: [4], unit: 'week' })).toThrow(/after T/);
    expect(() => summaryFromArrays({ ids: ['1'], frequency: [0], recency: [1], T: [4], unit: 'week' })).toThrow(DataError);
  });

  it('holdout figures need a ledger', () => {
    const s = summaryFromArrays({ ids: ['1'], frequency: [1], recency: [1], T: [2], unit: 'week' });
    expect(() => holdoutActuals(table, s, 100)).toThrow(/summary built from orders/);
  });
});

describe('mergeIdentical', () => {
  it('merges identical rows with weights and maps every row to its group', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 3, max: 4 })), { maxLength: 200 }),
        (rows) => {
          const m = mergeIdentical(
            rows.map((r) => r[0]),
            rows.map((r) => r[1]),
            rows.map((r) => r[2]),
          );
          expect(new Set(rows.map((r) => r.join(','))).size).toBe(m.size);
          expect(m.weight.reduce((s, v) => s + v, 0)).toBe(rows.length);
          rows.forEach((r, i) => {
            const g = m.index[i];
            expect([m.frequency[g], m.recency[g], m.T[g]]).toEqual(r);
          });
        },
      ),
    );
  });
});
