import { describe, expect, it } from 'vitest';
import { advocacySignals, latestReviewScores } from '../../src/analytics/advocacy.js';

const table = (attrs: Record<string, (string | undefined)[]>, size: number) => ({
  size,
  attributeNames: Object.keys(attrs),
  attributes: Object.values(attrs),
});

describe('advocacy signals', () => {
  it('referrals > 0, review_score >= 4, nps >= 9 and a true advocate flag each count; others do not', () => {
    const t = table(
      {
        referrals: ['0', '2', undefined, 'x', undefined, undefined, undefined],
        review_score: [undefined, undefined, '4', '3.9', undefined, undefined, '4,5'],
        nps: [undefined, undefined, undefined, undefined, '9', '8', undefined],
        advocate: ['no', undefined, undefined, undefined, undefined, 'Yes', undefined],
      },
      7,
    );
    const r = advocacySignals(t, 0);
    expect([...r.flags]).toEqual([0, 1, 1, 0, 1, 1, 1]);
    expect(r.counts).toEqual({ referrals: 1, review_score: 2, nps: 1, advocate: 1, reviews: 0 });
    expect(r.sources).toEqual(['referrals', 'review_score', 'nps', 'advocate']);
  });

  it("a customer's latest review up to the day counts; a later line wins a same-day tie", () => {
    const log = {
      customer: Int32Array.from([0, 0, 1, 1, 2]),
      day: Int32Array.from([10, 20, 10, 10, 30]),
      score: Float64Array.from([5, 2, 1, 4, 5]),
    };
    expect([...latestReviewScores(3, log, 25)]).toEqual([2, 4, NaN]);
    expect([...latestReviewScores(3, log, 15)]).toEqual([5, 4, NaN]);
    const r = advocacySignals(table({}, 3), 25, log);
    expect([...r.flags]).toEqual([0, 1, 0]);
    expect([...advocacySignals(table({}, 3), 40, log).flags]).toEqual([0, 1, 1]);
  });
});
