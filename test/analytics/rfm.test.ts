import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RFM_SEGMENTS,
  monetaryValues,
  quintileScores,
  rfmSegment,
  scoreRfm,
  type RfmSegment,
  type ScoreBand,
} from '../../src/analytics/rfm.js';
import { InternalError } from '../../src/domain/errors.js';

// ---------------------------------------------------------------------------------------
// helpers

const list = (a: ArrayLike<number>): number[] => Array.from(a);
/** Numeric order that stays consistent for ±Infinity (a - b would give NaN). */
const byValue = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

function countsOf(scores: Uint8Array): number[] {
  const c = [0, 0, 0, 0, 0];
  for (const s of scores) c[s - 1]++;
  return c;
}

function band(score: number, min: number, max: number, count: number): ScoreBand {
  return { score, min, max, count };
}
const emptyBand = (score: number): ScoreBand => band(score, NaN, NaN, 0);

/**
 * Checks the tie rule's guarantees against an independent computation (rfm.ts, proof 3–5):
 * with the customers ordered worst to best and tie groups [s, e), the cut C_q (customers
 * scoring <= q) is a group edge, it is the edge nearest to the nominal cut qn/5 (an exact
 * half goes to the lower edge, i.e. the group goes to the better score), and
 *   |count_q − n/5| <= (t_{q−1} + t_q) / 2,
 * t_k being the size of the tie group that straddles kn/5 (s < kn/5 < e), 0 if none.
 * With all values distinct, count_q is floor(n/5) or ceil(n/5).
 * All comparisons are in integers (everything multiplied by 5, or by 10).
 */
function checkQuintileGuarantees(values: number[], higherIsBetter: boolean, scores: Uint8Array): void {
  const n = values.length;
  const key = values.map((v) => (higherIsBetter ? v : -v)).sort(byValue); // worst -> best
  const edges: number[] = [0];
  for (let i = 1; i < n; i++) if (key[i] !== key[i - 1]) edges.push(i);
  if (n > 0) edges.push(n);
  const groups: Array<[number, number]> = [];
  for (let g = 0; g + 1 < edges.length; g++) groups.push([edges[g], edges[g + 1]]);

  const counts = countsOf(scores);
  const cut = [0];
  for (let q = 1; q <= 5; q++) cut.push(cut[q - 1] + counts[q - 1]);
  expect(cut[5]).toBe(n);

  const straddle = (k: number): number => {
    const g = groups.find(([s, e]) => 5 * s < k * n && k * n < 5 * e);
    return g ? g[1] - g[0] : 0;
  };
  const t = [0, 1, 2, 3, 4, 5].map((k) => (k === 0 || k === 5 ? 0 : straddle(k)));

  for (let q = 1; q <= 4; q++) {
    if (n === 0) break;
    expect(edges).toContain(cut[q]);
    const dist = Math.abs(5 * cut[q] - q * n);
    for (const e of edges) {
      const other = Math.abs(5 * e - q * n);
      expect(dist).toBeLessThanOrEqual(other);
      if (other === dist) expect(cut[q]).toBeLessThanOrEqual(e);
    }
    expect(2 * dist).toBeLessThanOrEqual(5 * t[q]);
  }
  for (let q = 1; q <= 5; q++) {
    expect(2 * Math.abs(5 * counts[q - 1] - n)).toBeLessThanOrEqual(5 * (t[q - 1] + t[q]));
  }
  if (groups.length === n) {
    for (const c of counts) expect([Math.floor(n / 5), Math.ceil(n / 5)]).toContain(c);
  }
}

/** Equal values share a score; a better value never has a worse score. */
function checkMonotone(values: number[], higherIsBetter: boolean, scores: Uint8Array): void {
  const order = values.map((_, i) => i).sort((a, b) => byValue(values[a], values[b]));
  for (let k = 1; k < order.length; k++) {
    const a = order[k - 1];
    const b = order[k];
    if (values[a] === values[b]) expect(scores[a]).toBe(scores[b]);
    else if (higherIsBetter) expect(scores[a]).toBeLessThanOrEqual(scores[b]);
    else expect(scores[a]).toBeGreaterThanOrEqual(scores[b]);
  }
}

function checkBands(values: number[], scores: Uint8Array, bands: ScoreBand[]): void {
  expect(bands.map((b) => b.score)).toEqual([1, 2, 3, 4, 5]);
  for (const b of bands) {
    const inBand = values.filter((_, i) => scores[i] === b.score);
    expect(b.count).toBe(inBand.length);
    if (inBand.length === 0) {
      expect(b.min).toBeNaN();
      expect(b.max).toBeNaN();
    } else {
      expect(b.min).toBe(Math.min(...inBand) + 0); // + 0: a band reports -0 as 0
      expect(b.max).toBe(Math.max(...inBand) + 0);
    }
  }
}

// Value generators with heavy ties: tiny ranges, skewed mixtures, awkward doubles.
const tinyInts = fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 60 });
const smallInts = fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 250 });
const skewed = fc.array(
  fc.oneof(
    { arbitrary: fc.constant(1), weight: 20 },
    { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 5 },
    { arbitrary: fc.integer({ min: 1, max: 1000 }), weight: 1 },
  ),
  { maxLength: 300 },
);
const exponential = fc.array(
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map((u) => Math.floor(-Math.log1p(-u) * 3)),
  { maxLength: 300 },
);
const awkward = fc.array(fc.constantFrom(-0, 0, 1, -1, 2.5, Infinity, -Infinity), { maxLength: 80 });
const distinct = fc.uniqueArray(fc.integer({ min: -1e6, max: 1e6 }), { maxLength: 120 });
const anyDoubles = fc.array(fc.double({ noNaN: true }), { maxLength: 120 });
const valueArrays = fc.oneof(tinyInts, smallInts, skewed, exponential, awkward, distinct, anyDoubles);

const recencyDay = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 60 }), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 3650 }), weight: 1 },
);
const purchaseDays = fc.oneof(
  { arbitrary: fc.constant(1), weight: 12 },
  { arbitrary: fc.integer({ min: 1, max: 7 }), weight: 4 },
  { arbitrary: fc.integer({ min: 1, max: 200 }), weight: 1 },
);
const spend = fc.oneof(
  { arbitrary: fc.constantFrom(0, 9.99, 19.99, 49.5), weight: 3 },
  { arbitrary: fc.integer({ min: -50, max: 500 }), weight: 2 },
  { arbitrary: fc.double({ min: -1e4, max: 1e6, noNaN: true }), weight: 1 },
);
const customers = fc.array(fc.tuple(recencyDay, purchaseDays, spend), { maxLength: 300 });
const unzip = (rows: Array<[number, number, number]>) => ({
  recencyDays: rows.map((r) => r[0]),
  frequency: rows.map((r) => r[1]),
  monetary: rows.map((r) => r[2]),
});

// ---------------------------------------------------------------------------------------
// quintiles, by hand

describe('quintileScores (hand-worked)', () => {
  it('10 distinct values: 2 customers per score, in any input order', () => {
    const values = [70, 10, 100, 40, 20, 90, 30, 60, 80, 50];
    const { scores, bands } = quintileScores(values, true);
    expect(list(scores)).toEqual([4, 1, 5, 2, 1, 5, 2, 3, 4, 3]);
    expect(bands).toEqual([band(1, 10, 20, 2), band(2, 30, 40, 2), band(3, 50, 60, 2), band(4, 70, 80, 2), band(5, 90, 100, 2)]);
  });

  it('7 distinct values: sizes are floor/ceil of 7/5 (cuts round(7q/5) = 1, 3, 4, 6)', () => {
    const { scores } = quintileScores([1, 2, 3, 4, 5, 6, 7], true);
    expect(list(scores)).toEqual([1, 2, 2, 3, 4, 4, 5]);
  });

  it('a tie group straddling a cut goes to the side it mostly lies on', () => {
    // Ranks 0..9; the 3s occupy [2, 5) and straddle the nominal cut at 4. Midpoint 3.5 < 4,
    // so they score 2 and cut 2 moves to 5 (1 away from 4, the nearest group edge).
    const values = [1, 2, 3, 3, 3, 4, 5, 6, 7, 8];
    const { scores, bands } = quintileScores(values, true);
    expect(list(scores)).toEqual([1, 1, 2, 2, 2, 3, 4, 4, 5, 5]);
    expect(bands).toEqual([band(1, 1, 2, 2), band(2, 3, 3, 3), band(3, 4, 4, 1), band(4, 5, 6, 2), band(5, 7, 8, 2)]);
  });

  it('a tie group centred exactly on a cut goes to the better score; a band can be left empty', () => {
    // The 3s occupy [2, 6), midpoint 4 = the nominal cut 2n/5: they score 3, score 2 is empty.
    const values = [1, 2, 3, 3, 3, 3, 4, 5, 6, 7];
    const higher = quintileScores(values, true);
    expect(list(higher.scores)).toEqual([1, 1, 3, 3, 3, 3, 4, 4, 5, 5]);
    expect(higher.bands).toEqual([band(1, 1, 2, 2), emptyBand(2), band(3, 3, 3, 4), band(4, 4, 5, 2), band(5, 6, 7, 2)]);
    // Lower is better: worst to best is 7 6 5 4 3333 2 1; the 3s occupy [4, 8), midpoint 6 =
    // the nominal cut 3n/5, so again they go to the better score (4) and score 3 is empty.
    const lower = quintileScores(values, false);
    expect(list(lower.scores)).toEqual([5, 5, 4, 4, 4, 4, 2, 2, 1, 1]);
    expect(lower.bands).toEqual([band(1, 6, 7, 2), band(2, 4, 5, 2), emptyBand(3), band(4, 3, 3, 4), band(5, 1, 2, 2)]);
  });

  it('all values equal: everyone scores 3', () => {
    for (const n of [1, 2, 5, 6, 1000]) {
      const { scores, bands } = quintileScores(new Array<number>(n).fill(42), true);
      expect(list(scores)).toEqual(new Array<number>(n).fill(3));
      expect(bands).toEqual([emptyBand(1), emptyBand(2), band(3, 42, 42, n), emptyBand(4), emptyBand(5)]);
    }
  });

  it('fewer than 5 customers spread symmetrically around 3', () => {
    expect(list(quintileScores([], true).scores)).toEqual([]);
    expect(quintileScores([], true).bands).toEqual([1, 2, 3, 4, 5].map(emptyBand));
    expect(list(quintileScores([7], true).scores)).toEqual([3]);
    expect(list(quintileScores([7, 9], true).scores)).toEqual([2, 4]);
    expect(list(quintileScores([9, 7, 8], true).scores)).toEqual([5, 1, 3]);
    expect(list(quintileScores([1, 2, 3, 4], true).scores)).toEqual([1, 2, 4, 5]);
    expect(list(quintileScores([1, 2, 3, 4], false).scores)).toEqual([5, 4, 2, 1]);
  });

  it('lower is better reverses the direction (recency: fewer days = 5)', () => {
    const days = [0, 5, 10, 15, 20, 25, 30, 35, 40, 45];
    expect(list(quintileScores(days, false).scores)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
  });

  it('-0 and 0 are one value; infinities are ordinary extremes', () => {
    const { scores, bands } = quintileScores([-0, 0, -Infinity, Infinity, 1], true);
    expect(scores[0]).toBe(scores[1]);
    expect(list(scores)).toEqual([3, 3, 1, 5, 4]);
    expect(Object.is(bands[2].min, 0)).toBe(true);
  });

  it('NaN is a programming error', () => {
    expect(() => quintileScores([1, NaN, 2], true)).toThrow(InternalError);
    expect(() => scoreRfm({ recencyDays: [1], frequency: [NaN], monetary: [1] })).toThrow(InternalError);
    expect(() => scoreRfm({ recencyDays: [1], frequency: [1], monetary: [NaN] })).toThrow(/monetary of customer 0 is NaN/);
  });
});

// ---------------------------------------------------------------------------------------
// F fallback, scoreRfm, monetaryValues

describe('scoreRfm (hand-worked)', () => {
  it('F falls back to the fixed breaks 1 / 2 / 3 / 4–5 / 6+ when quintiles leave a score empty', () => {
    // Quintiles: the six 1s occupy [0, 6) with midpoint 3 >= 13/5, so they would score 2 and
    // score 1 would stay empty.
    const frequency = [1, 1, 1, 1, 1, 1, 2, 2, 3, 4, 5, 6, 9];
    const n = frequency.length;
    const res = scoreRfm({ recencyDays: new Array<number>(n).fill(0), frequency, monetary: new Array<number>(n).fill(1) });
    expect(list(res.f)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 3, 4, 4, 5, 5]);
    expect(res.frequency).toEqual({
      method: 'fixed',
      bands: [band(1, 1, 1, 6), band(2, 2, 2, 2), band(3, 3, 3, 1), band(4, 4, 5, 2), band(5, 6, 9, 2)],
      reason:
        'quintiles would leave score 1 empty (7 distinct purchase-day counts among 13 customers); ' +
        'fixed breaks 1 / 2 / 3 / 4–5 / 6+ purchase days used',
    });
  });

  it('fixed F breaks, each boundary', () => {
    const frequency = [1, 2, 3, 4, 5, 6, 7, 100];
    const res = scoreRfm({ recencyDays: [0, 0, 0, 0, 0, 0, 0, 0], frequency, monetary: [0, 0, 0, 0, 0, 0, 0, 0] });
    // 8 customers, 8 distinct values: quintiles would fill every score, so force the
    // fallback with a repeat-heavy population instead and check the same values there.
    expect(res.frequency.method).toBe('quintile');
    const heavy = [...frequency, 1, 1, 1, 1, 1, 1, 1, 1];
    const res2 = scoreRfm({ recencyDays: heavy.map(() => 0), frequency: heavy, monetary: heavy.map(() => 0) });
    expect(res2.frequency.method).toBe('fixed');
    expect(list(res2.f).slice(0, 8)).toEqual([1, 2, 3, 4, 4, 5, 5, 5]);
    expect(res2.frequency.reason).toMatch(/^quintiles would leave score 1 empty \(8 distinct purchase-day counts among 16 customers\)/);
  });

  it('F keeps quintiles when they fill every score', () => {
    const frequency = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const res = scoreRfm({ recencyDays: frequency.map(() => 1), frequency, monetary: frequency });
    expect(res.frequency.method).toBe('quintile');
    expect(res.frequency.reason).toBeUndefined();
    expect(list(res.f)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('R and M keep quintiles even with an empty band', () => {
    const res = scoreRfm({ recencyDays: [4, 4, 4], frequency: [1, 2, 3], monetary: [5, 5, 5] });
    expect(res.recency.method).toBe('quintile');
    expect(res.monetary.method).toBe('quintile');
    expect(res.recency.bands.map((b) => b.count)).toEqual([0, 0, 3, 0, 0]);
    expect(list(res.r)).toEqual([3, 3, 3]);
    expect(list(res.m)).toEqual([3, 3, 3]);
  });

  it('ten customers, scored and named', () => {
    const res = scoreRfm({
      recencyDays: [1, 3, 5, 8, 13, 21, 34, 55, 89, 144],
      frequency: [7, 1, 2, 4, 3, 1, 5, 2, 1, 1],
      monetary: [100, 20, 30, 50, 40, 10, 90, 60, 80, 70],
    });
    expect(list(res.r)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect(res.frequency.method).toBe('fixed'); // the four 1s would score 2: score 1 empty
    expect(list(res.f)).toEqual([5, 1, 2, 4, 3, 1, 4, 2, 1, 1]);
    expect(list(res.m)).toEqual([5, 1, 2, 3, 2, 1, 5, 3, 4, 4]);
    expect(Array.from(res.segment, (s) => RFM_SEGMENTS[s])).toEqual([
      'Champions',
      'New Customers',
      'Potential Loyalists',
      'Loyal Customers',
      'Need Attention',
      'About To Sleep',
      'At Risk',
      'Hibernating',
      'Lost',
      'Lost',
    ]);
    expect(res.recency.bands[4]).toEqual(band(5, 1, 3, 2));
    expect(res.recency.bands[0]).toEqual(band(1, 89, 144, 2));
  });

  it('no customers', () => {
    const res = scoreRfm({ recencyDays: [], frequency: [], monetary: [] });
    expect(res.r.length + res.f.length + res.m.length + res.segment.length).toBe(0);
    expect(res.recency.bands.every((b) => b.count === 0)).toBe(true);
  });

  it('inputs of different lengths are a programming error', () => {
    expect(() => scoreRfm({ recencyDays: [1, 2], frequency: [1], monetary: [1, 2] })).toThrow(InternalError);
  });
});

describe('monetaryValues', () => {
  const revenue = Float64Array.from([100, 50, 0, -10]);
  const orders = Int32Array.from([4, 1, 0, 2]);
  it('mean = net revenue / orders; total = net revenue; only the customers in idx', () => {
    const idx = Int32Array.from([3, 0, 1]);
    expect(list(monetaryValues(revenue, orders, idx, 'mean'))).toEqual([-5, 25, 50]);
    expect(list(monetaryValues(revenue, orders, idx, 'total'))).toEqual([-10, 100, 50]);
  });
  it('a customer without an order, or out of range, is a programming error', () => {
    expect(() => monetaryValues(revenue, orders, Int32Array.from([2]), 'mean')).toThrow(InternalError);
    expect(() => monetaryValues(revenue, orders, Int32Array.from([2]), 'total')).toThrow(InternalError);
    expect(() => monetaryValues(revenue, orders, Int32Array.from([4]), 'mean')).toThrow(InternalError);
  });
});

// ---------------------------------------------------------------------------------------
// segments

describe('segments', () => {
  it('RFM_SEGMENTS is the spec table order', () => {
    expect(RFM_SEGMENTS).toEqual([
      'Champions',
      'Loyal Customers',
      'Potential Loyalists',
      'New Customers',
      'Promising',
      'Need Attention',
      'About To Sleep',
      'At Risk',
      "Can't Lose Them",
      'Hibernating',
      'Lost',
    ]);
  });

  it('the 25-cell R × F grid, literally', () => {
    const grid: Record<number, RfmSegment[]> = {
      //   F1                F2                     F3                     F4                 F5
      5: ['New Customers', 'Potential Loyalists', 'Potential Loyalists', 'Champions', 'Champions'],
      4: ['Promising', 'Potential Loyalists', 'Potential Loyalists', 'Loyal Customers', 'Loyal Customers'],
      3: ['About To Sleep', 'About To Sleep', 'Need Attention', 'Loyal Customers', 'Loyal Customers'],
      2: ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
      1: ['Lost', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
    };
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) expect(rfmSegment(r, f), `R${r} F${f}`).toBe(grid[r][f - 1]);
    }
  });

  it('every cell matches exactly one row of the spec table', () => {
    const inRange = (x: number, lo: number, hi: number) => x >= lo && x <= hi;
    const table: Array<[RfmSegment, (r: number, f: number) => boolean]> = [
      ['Champions', (r, f) => r === 5 && inRange(f, 4, 5)],
      ['Loyal Customers', (r, f) => inRange(r, 3, 4) && inRange(f, 4, 5)],
      ['Potential Loyalists', (r, f) => inRange(r, 4, 5) && inRange(f, 2, 3)],
      ['New Customers', (r, f) => r === 5 && f === 1],
      ['Promising', (r, f) => r === 4 && f === 1],
      ['Need Attention', (r, f) => r === 3 && f === 3],
      ['About To Sleep', (r, f) => r === 3 && inRange(f, 1, 2)],
      ['At Risk', (r, f) => inRange(r, 1, 2) && inRange(f, 3, 4)],
      ["Can't Lose Them", (r, f) => inRange(r, 1, 2) && f === 5],
      ['Hibernating', (r, f) => inRange(r, 1, 2) && inRange(f, 1, 2) && !(r === 1 && f === 1)],
      ['Lost', (r, f) => r === 1 && f === 1],
    ];
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        const names = table.filter(([, rule]) => rule(r, f)).map(([name]) => name);
        expect(names, `R${r} F${f}`).toEqual([rfmSegment(r, f)]);
      }
    }
  });

  it('scores outside 1..5 are a programming error', () => {
    for (const [r, f] of [[0, 1], [6, 1], [1, 0], [1, 6], [2.5, 1], [NaN, 3]]) {
      expect(() => rfmSegment(r, f)).toThrow(InternalError);
    }
  });
});

// ---------------------------------------------------------------------------------------
// properties

describe('quintileScores (properties, heavy ties)', () => {
  it('scores in 1..5; equal values equal scores; monotone; bands describe the scores', () => {
    fc.assert(
      fc.property(valueArrays, fc.boolean(), (values, higherIsBetter) => {
        const { scores, bands } = quintileScores(values, higherIsBetter);
        expect(scores.length).toBe(values.length);
        for (const s of scores) expect(s >= 1 && s <= 5).toBe(true);
        checkMonotone(values, higherIsBetter, scores);
        checkBands(values, scores, bands);
      }),
      { numRuns: 300 },
    );
  });

  it('each cut is the nearest tie-group edge; |count_q − n/5| <= (t_{q−1} + t_q)/2; distinct: floor/ceil(n/5)', () => {
    fc.assert(
      fc.property(valueArrays, fc.boolean(), (values, higherIsBetter) => {
        checkQuintileGuarantees(values, higherIsBetter, quintileScores(values, higherIsBetter).scores);
      }),
      { numRuns: 300 },
    );
  });

  it('lower-is-better equals higher-is-better on the negated values', () => {
    fc.assert(
      fc.property(valueArrays, (values) => {
        expect(list(quintileScores(values, false).scores)).toEqual(list(quintileScores(values.map((v) => -v), true).scores));
      }),
      { numRuns: 200 },
    );
  });
});

describe('scoreRfm (properties, heavy ties)', () => {
  it('R, F, M in range and monotone; quintile bounds hold; every customer in exactly one segment', () => {
    fc.assert(
      fc.property(customers, (rows) => {
        const input = unzip(rows);
        const res = scoreRfm(input);
        const n = rows.length;
        for (const a of [res.r, res.f, res.m, res.segment]) expect(a.length).toBe(n);
        for (let i = 0; i < n; i++) {
          for (const s of [res.r[i], res.f[i], res.m[i]]) expect(s >= 1 && s <= 5).toBe(true);
          expect(res.segment[i]).toBeLessThan(RFM_SEGMENTS.length);
          expect(RFM_SEGMENTS[res.segment[i]]).toBe(rfmSegment(res.r[i], res.f[i]));
        }
        const perSegment = new Array<number>(RFM_SEGMENTS.length).fill(0);
        for (const s of res.segment) perSegment[s]++;
        expect(perSegment.reduce((a, b) => a + b, 0)).toBe(n);

        checkMonotone(input.recencyDays, false, res.r); // fewer days never a lower R
        checkMonotone(input.frequency, true, res.f);
        checkMonotone(input.monetary, true, res.m); // more spend never a lower M
        checkQuintileGuarantees(input.recencyDays, false, res.r);
        checkQuintileGuarantees(input.monetary, true, res.m);
        checkBands(input.recencyDays, res.r, res.recency.bands);
        checkBands(input.frequency, res.f, res.frequency.bands);
        checkBands(input.monetary, res.m, res.monetary.bands);

        if (res.frequency.method === 'quintile') {
          expect(res.frequency.bands.every((b) => b.count > 0)).toBe(true);
          checkQuintileGuarantees(input.frequency, true, res.f);
        } else {
          expect(res.frequency.reason).toMatch(/fixed breaks 1 \/ 2 \/ 3 \/ 4–5 \/ 6\+/);
          const fixed = (f: number) => (f <= 1 ? 1 : f === 2 ? 2 : f === 3 ? 3 : f <= 5 ? 4 : 5);
          for (let i = 0; i < n; i++) expect(res.f[i]).toBe(fixed(input.frequency[i]));
          // the fallback is taken only when quintiles would leave a score empty
          expect(countsOf(quintileScores(input.frequency, true).scores)).toContain(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('shuffling the input permutes the output identically', () => {
    const shuffled = customers.chain((rows) =>
      fc.tuple(
        fc.constant(rows),
        fc.shuffledSubarray(
          rows.map((_, i) => i),
          { minLength: rows.length, maxLength: rows.length },
        ),
      ),
    );
    fc.assert(
      fc.property(shuffled, ([rows, perm]) => {
        const a = scoreRfm(unzip(rows));
        const b = scoreRfm(unzip(perm.map((i) => rows[i])));
        perm.forEach((from, to) => {
          expect([b.r[to], b.f[to], b.m[to], b.segment[to]]).toEqual([a.r[from], a.f[from], a.m[from], a.segment[from]]);
        });
        expect([b.recency, b.frequency, b.monetary]).toEqual([a.recency, a.frequency, a.monetary]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('scale', () => {
  it('scores 1M customers without error (not timed)', () => {
    const n = 1_000_000;
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const recencyDays = new Int32Array(n);
    const frequency = new Int32Array(n);
    const monetary = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      recencyDays[i] = Math.floor(rand() * 730);
      frequency[i] = 1 + Math.floor(-Math.log(1 - rand()) * 0.8);
      monetary[i] = Math.round(rand() * 50000) / 100;
    }
    const res = scoreRfm({ recencyDays, frequency, monetary });
    for (const s of [res.recency, res.frequency, res.monetary]) {
      expect(s.bands.reduce((a, b) => a + b.count, 0)).toBe(n);
    }
    expect(res.frequency.method).toBe('fixed');
    expect(res.segment.length).toBe(n);
    // 730 distinct recency days over 1M customers: every quintile within 1% of 200k
    for (const b of res.recency.bands) expect(Math.abs(b.count - n / 5)).toBeLessThan(n / 100);
  });
});
