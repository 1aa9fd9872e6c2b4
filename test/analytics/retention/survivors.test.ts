import { describe, expect, it } from 'vitest';
import { survivorCurves } from '../../../src/analytics/retention/survivors.js';

describe('survivor curves from renewal rows', () => {
  it('a cohort per first period; surviving period t = a renewal in period t or later (a skipped payment is not a churn)', () => {
    // customers 0-3 start in period 10, customer 4 in period 11
    const rows: [number, number][] = [
      [0, 10], [0, 11], [0, 12], [0, 13], // stays to the end
      [1, 10], [1, 12], // skips 11, pays 12: survives 0, 1, 2
      [2, 10], // lost after its first period
      [3, 10], [3, 11], // lost after two
      [4, 11], [4, 12],
    ];
    const r = survivorCurves(rows.map((x) => x[0]), rows.map((x) => x[1]), 5, 13);
    expect(r.cohorts).toEqual([
      { start: 10, survivors: [4, 3, 2, 1] },
      { start: 11, survivors: [1, 1, 0] },
    ]);
    expect(r.customersNotYetObservable).toBe(0);
  });

  it('periods after the last complete one are not observations: a renewal there still proves survival before it', () => {
    const rows: [number, number][] = [
      [0, 10], [0, 11], [0, 12], // pays in 12, which is not over
      [1, 10], [1, 11], // has not paid in 12 yet: still a survivor of 11
      [2, 12], // starts in the incomplete period: not observable yet
    ];
    const r = survivorCurves(rows.map((x) => x[0]), rows.map((x) => x[1]), 3, 11);
    expect(r.cohorts).toEqual([{ start: 10, survivors: [2, 2] }]);
    expect(r.customersNotYetObservable).toBe(1);
  });
});
