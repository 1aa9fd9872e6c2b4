import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanScore, npsAnswer, npsOf, reviewAnswer, reviewsByPeriod, reviewTotals } from '../../src/analytics/feedback.js';
import { periodOfDay } from '../../src/domain/period.js';
import { day } from '../helpers/ledger-table.js';

describe('NPS, worked by hand', () => {
  it('% promoters (9-10) - % detractors (0-6); passives (7-8) only in the base', () => {
    // 10, 9, 9 promoters; 8, 7 passives; 6, 0, 3 detractors; 8 answers
    const scores = ['10', '9', ' 9 ', '8', '7', '6', '0', '3', '', 'n/a', '11', '-1', undefined].map(npsAnswer);
    const r = npsOf(scores);
    expect(r).toEqual({ responses: 8, promoters: 3, passives: 2, detractors: 3, nps: 0 });
    expect(npsOf(scores, [0, 1, 3]).nps).toBeCloseTo((100 * 2) / 3, 12);
    expect(npsOf(scores, [5]).nps).toBe(-100);
    expect(npsOf(scores, [8, 9]).nps).toBeNull();
  });

  it('average review score out of 5; text and out-of-scale values are no answer', () => {
    const scores = ['5', '4', '1', '6', 'x', '', '4,5'].map(reviewAnswer);
    expect(meanScore(scores)).toEqual({ responses: 4, mean: 14.5 / 4 });
    expect(meanScore(scores, [4, 5])).toEqual({ responses: 0, mean: null });
  });

  it('NPS stays in [-100, 100] and the groups add up to the answers', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -2, max: 12 }).map(String), fc.constant(''), fc.constant(undefined))), (texts) => {
        const r = npsOf(texts.map(npsAnswer));
        expect(r.promoters + r.passives + r.detractors).toBe(r.responses);
        if (r.nps !== null) {
          expect(r.nps).toBeGreaterThanOrEqual(-100);
          expect(r.nps).toBeLessThanOrEqual(100);
        } else expect(r.responses).toBe(0);
      }),
    );
  });
});

describe('reviews per period', () => {
  // reviews of customers 0, 1, 0 in January, 1 in March, one after the as-of date
  const log = {
    customer: Int32Array.from([0, 1, 0, 1, 2]),
    day: Int32Array.from([day('2024-01-03'), day('2024-01-10'), day('2024-01-31'), day('2024-03-01'), day('2024-04-02')]),
    score: Float64Array.from([5, 2, 4, 1, 5]),
  };
  const asOf = day('2024-03-15');

  it('counts reviews, reviewers and scores by review date, up to the as-of date', () => {
    const m = (iso: string) => periodOfDay('month', day(iso));
    const rows = reviewsByPeriod(log, { unit: 'month', asOf, from: m('2024-01-01'), to: m('2024-03-01'), isComplete: (p) => p < m('2024-03-01') });
    expect(rows.map((r) => [r.label, r.complete, r.reviews, r.reviewers, r.averageScore, r.positiveShare, r.negativeShare])).toEqual([
      ['2024-01', true, 3, 2, 11 / 3, 2 / 3, 1 / 3],
      ['2024-02', true, 0, 0, null, null, null],
      ['2024-03', false, 1, 1, 1, 0, 1],
    ]);
    const totals = reviewTotals(3, log, asOf);
    expect([...totals.count]).toEqual([2, 2, 0]);
    expect([...totals.sum]).toEqual([9, 3, 0]);
  });
});
