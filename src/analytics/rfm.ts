import { InternalError } from '../domain/errors.js';

/**
 * RFM scores and segments (spec §4.1). Pure: no I/O, no clock; the whole method is here.
 *
 * Inputs, one entry per customer with at least one counted order (the caller filters):
 *   recencyDays  whole days from the last purchase day to the as-of date (lower is better)
 *   frequency    number of purchase days (higher is better)
 *   monetary     average net order value (revenue / orders) or total net revenue, as chosen
 *                by `--monetary mean|total` (monetaryValues builds either; higher is better)
 *
 * Scores are 1..5, 5 best.
 *
 * ## Quintiles with ties kept together
 *
 * Order the n customers from worst to best (recency: most days first; F and M: smallest
 * first) and number the positions 0..n-1. Equal values form a tie group that occupies the
 * positions [s, e). Every tie group gets ONE score:
 *
 *     score = 1 + floor(5 · (s + e) / (2n))
 *
 * that is, the quintile of the rank line [0, n) that holds the group's midpoint (s + e) / 2.
 * The score depends only on the worst-to-best order, so "lower is better" is exactly
 * "higher is better" on the negated values.
 *
 * Why this rule (proof):
 * 1. Range. 1 <= s + e <= 2n - 1, so 0 <= floor(5(s+e)/2n) <= 4: every score is in 1..5.
 * 2. Monotone. A better group lies later in the order, so its s + e is larger and its score
 *    is never lower. Equal values are one group, so they share a score.
 * 3. Cut points are the nearest possible ones. Let C_q (q = 0..5) be the number of customers
 *    scoring <= q (C_0 = 0, C_5 = n); the nominal cut is qn/5. A group scores <= q exactly when
 *    its midpoint is < qn/5. Groups are contiguous and ordered, so C_q is a group edge. If a
 *    group straddles the nominal cut (s < qn/5 < e) it goes up iff qn/5 - s <= e - qn/5, i.e. to
 *    the side that moves fewer customers off their nominal quintile (an exact half goes to the
 *    better score); if no group straddles it, qn/5 is itself an edge and C_q = qn/5. Hence C_q
 *    is the group edge nearest to qn/5: no rule that keeps ties together can place it closer,
 *    and |C_q - qn/5| <= t_q / 2, where t_q is the size of the group straddling qn/5 (0 if none;
 *    t_0 = t_5 = 0). Because rounding to the nearest edge is monotone, C_0 <= ... <= C_5.
 * 4. The bound. The number of customers with score q (1..5) is C_q - C_{q-1}, so
 *
 *        | count_q - n/5 |  <=  (t_{q-1} + t_q) / 2
 *
 *    Each quintile holds 20% ± half of the tie groups that straddle its two nominal edges,
 *    which is what keeping those groups whole forces. (A band can be empty when one large
 *    group straddles both of its nominal edges.)
 * 5. All values distinct. Every group has size 1, so the edges are all integers, and qn/5 is
 *    never a half-integer (2qn is even, 10k + 5 is odd), so C_q = round(qn/5) with a rounding
 *    error < 1/2. count_q = round(qn/5) - round((q-1)n/5) is an integer within (n/5 - 1,
 *    n/5 + 1): floor(n/5) or ceil(n/5). E.g. 10 values: 2 per score.
 * 6. Small or flat data. All values equal: one group with midpoint n/2, so everyone scores 3.
 *    n = 1: [3]; n = 2: [2, 4]; n = 3: [1, 3, 5]; n = 4: [1, 2, 4, 5] (worst to best).
 *
 * Cost: one native Float64Array sort (O(n log n), no comparator callback), one pass over the
 * tie groups that finds the (at most 5) values where the score steps, then at most 5
 * comparisons per customer against those steps; no index sort, no per-customer search.
 * NaN is a programming error (the caller passes customers with an order) and throws.
 *
 * ## F falls back to fixed breaks
 *
 * Most customers buy on one day only, so F usually has too few distinct values for
 * quintiles: the group F = 1 alone straddles several nominal cuts and some score stays
 * empty. Whenever quintile scoring of F would leave any score 1..5 empty, F uses the
 * fixed breaks 1 / 2 / 3 / 4–5 / 6+ purchase days -> scores 1..5 instead (method 'fixed', with
 * the reason). R and M always keep quintiles; an empty band is reported with count 0.
 *
 * ## Segments from the R × F grid
 *
 * SEGMENT_RULES below is the spec table verbatim; each of the 25 cells maps to exactly one
 * name (checked when this module loads). Rows R 5..1, columns F 1..5:
 *
 *          F1               F2                   F3                   F4               F5
 *   R5  New Customers    Potential Loyalists  Potential Loyalists  Champions        Champions
 *   R4  Promising        Potential Loyalists  Potential Loyalists  Loyal Customers  Loyal Customers
 *   R3  About To Sleep   About To Sleep       Need Attention       Loyal Customers  Loyal Customers
 *   R2  Hibernating      Hibernating          At Risk              At Risk          Can't Lose Them
 *   R1  Lost             Hibernating          At Risk              At Risk          Can't Lose Them
 *
 * M is scored and reported but does not choose the segment.
 */

export type RfmSegment =
  | 'Champions'
  | 'Loyal Customers'
  | 'Potential Loyalists'
  | 'New Customers'
  | 'Promising'
  | 'Need Attention'
  | 'About To Sleep'
  | 'At Risk'
  | "Can't Lose Them"
  | 'Hibernating'
  | 'Lost';

/** The segments in the order of the spec table; RfmResult.segment holds indexes into it. */
export const RFM_SEGMENTS: readonly RfmSegment[] = Object.freeze([
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
] as const);

/** The value range actually found in one score (min/max NaN and count 0 when empty). */
export interface ScoreBand {
  score: number;
  min: number;
  max: number;
  count: number;
}

export interface MetricScoring {
  method: 'quintile' | 'fixed';
  /** Scores 1..5 in order. */
  bands: ScoreBand[];
  /** Why fixed breaks were used (method 'fixed' only). */
  reason?: string;
}

export interface RfmResult {
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  /** Index into RFM_SEGMENTS. */
  segment: Uint8Array;
  recency: MetricScoring;
  frequency: MetricScoring;
  monetary: MetricScoring;
}

/** Scores R, F and M and names the segment of each customer (all arrays in input order). */
export function scoreRfm(input: {
  recencyDays: ArrayLike<number>;
  frequency: ArrayLike<number>;
  monetary: ArrayLike<number>;
}): RfmResult {
  const n = input.recencyDays.length;
  if (input.frequency.length !== n || input.monetary.length !== n) {
    throw new InternalError(
      `RFM inputs differ in length: recency ${n}, frequency ${input.frequency.length}, monetary ${input.monetary.length}`,
    );
  }
  const r = scoreByQuintiles(input.recencyDays, false, 'recency');
  const f = scoreFrequency(input.frequency);
  const m = scoreByQuintiles(input.monetary, true, 'monetary');
  const segment = new Uint8Array(n);
  for (let i = 0; i < n; i++) segment[i] = SEGMENT_GRID[(r.scores[i] - 1) * 5 + (f.scores[i] - 1)];
  return {
    r: r.scores,
    f: f.scores,
    m: m.scores,
    segment,
    recency: { method: 'quintile', bands: r.bands },
    frequency: f.scoring,
    monetary: { method: 'quintile', bands: m.bands },
  };
}

/** Quintile scores 1..5 (5 best) with tie groups kept whole; the rule and its proof are above. */
export function quintileScores(
  values: ArrayLike<number>,
  higherIsBetter: boolean,
): { scores: Uint8Array; bands: ScoreBand[] } {
  const { scores, bands } = scoreByQuintiles(values, higherIsBetter, 'value');
  return { scores, bands };
}

/** The segment of a cell of the R × F grid (r and f are scores 1..5). */
export function rfmSegment(r: number, f: number): RfmSegment {
  if (!isScore(r) || !isScore(f)) throw new InternalError(`RFM scores must be integers 1..5, got R ${r} F ${f}`);
  return RFM_SEGMENTS[SEGMENT_GRID[(r - 1) * 5 + (f - 1)]];
}

/**
 * The M input for the customers `idx`: net revenue / counted orders ('mean', the average net
 * order value) or net revenue ('total'). Every customer in `idx` must have an order.
 */
export function monetaryValues(
  revenue: Float64Array,
  orders: Int32Array,
  idx: Int32Array,
  kind: 'mean' | 'total',
): Float64Array {
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    if (!(i >= 0 && i < revenue.length && i < orders.length)) {
      throw new InternalError(`RFM monetary: customer index ${i} is out of range`);
    }
    const o = orders[i];
    if (o <= 0) throw new InternalError(`RFM monetary: customer ${i} has no counted order`);
    out[k] = kind === 'total' ? revenue[i] : revenue[i] / o;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Quintiles

interface Scored {
  scores: Uint8Array;
  bands: ScoreBand[];
  distinct: number;
}

function scoreByQuintiles(values: ArrayLike<number>, higherIsBetter: boolean, what: string): Scored {
  const n = values.length;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isNaN(v)) throw new InternalError(`RFM ${what} of customer ${i} is NaN`);
    sorted[i] = v;
  }
  sorted.sort(); // numeric, ascending; -0 before 0, but === groups them as one value

  // One pass over the tie groups [s, e) of the ascending order. In the worst-to-best order
  // the group occupies [s, e) (higher is better) or [n - e, n - s) (lower is better), so twice
  // its midpoint is s + e or 2n - s - e. Scores are monotone in the value, so they change at
  // most 4 times along the ascending values: record each step (first value, its score).
  const stepValue = new Float64Array(5);
  const stepScore = new Uint8Array(5);
  let steps = 0;
  const bands = emptyBands();
  const twoN = 2 * n;
  let distinct = 0;
  for (let s = 0; s < n; ) {
    const v = sorted[s];
    let e = s + 1;
    while (e < n && sorted[e] === v) e++;
    const twiceMid = higherIsBetter ? s + e : twoN - s - e;
    // Both operands are exact integers far below 2^53; a non-integer true quotient is at least
    // 1/(2n) away from an integer, far more than the division's rounding error.
    const score = 1 + Math.floor((5 * twiceMid) / twoN);
    if (steps === 0 || stepScore[steps - 1] !== score) {
      stepValue[steps] = v;
      stepScore[steps] = score;
      steps++;
    }
    addToBand(bands[score - 1], v, e - s); // ascending, so the first value added is the min
    distinct++;
    s = e;
  }

  // Each customer takes the score of the last step at or below its value: at most 5
  // comparisons, no search over the sorted values. (-0 >= 0 and 0 >= -0 both hold, as
  // they must for one tie group.)
  const scores = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = values[i];
    let k = steps - 1;
    while (k > 0 && x < stepValue[k]) k--;
    scores[i] = stepScore[k];
  }
  return { scores, bands, distinct };
}

// ---------------------------------------------------------------------------------------
// F: quintiles, or the fixed breaks 1 / 2 / 3 / 4–5 / 6+

const FIXED_F_LABEL = '1 / 2 / 3 / 4–5 / 6+ purchase days';

/** Fixed F score: 1, 2, 3, 4–5, 6+ purchase days -> 1..5 (values below 2 score 1). */
function fixedFrequencyScore(f: number): number {
  return f < 2 ? 1 : f < 3 ? 2 : f < 4 ? 3 : f < 6 ? 4 : 5;
}

function scoreFrequency(values: ArrayLike<number>): { scores: Uint8Array; scoring: MetricScoring } {
  const q = scoreByQuintiles(values, true, 'frequency');
  const empty = q.bands.filter((b) => b.count === 0).map((b) => b.score);
  if (empty.length === 0) return { scores: q.scores, scoring: { method: 'quintile', bands: q.bands } };

  const n = values.length;
  const scores = new Uint8Array(n);
  const bands = emptyBands();
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const score = fixedFrequencyScore(v);
    scores[i] = score;
    const b = bands[score - 1];
    if (b.count === 0 || v < b.min) b.min = v;
    if (b.count === 0 || v > b.max) b.max = v;
    b.count++;
  }
  const plural = empty.length === 1 ? 'score' : 'scores';
  const reason =
    `quintiles would leave ${plural} ${empty.join(', ')} empty ` +
    `(${q.distinct} distinct purchase-day counts among ${n} customers); ` +
    `fixed breaks ${FIXED_F_LABEL} used`;
  return { scores, scoring: { method: 'fixed', bands, reason } };
}

// ---------------------------------------------------------------------------------------
// Bands

function emptyBands(): ScoreBand[] {
  return [1, 2, 3, 4, 5].map((score) => ({ score, min: NaN, max: NaN, count: 0 }));
}

/** Adds `count` customers of value v to a band filled in ascending order of value. */
function addToBand(b: ScoreBand, v: number, count: number): void {
  const value = v === 0 ? 0 : v; // report -0 as 0
  if (b.count === 0) b.min = value;
  b.max = value;
  b.count += count;
}

// ---------------------------------------------------------------------------------------
// Segments: the spec §4.1 table, and the 25-cell grid built from it

interface GridRule {
  segment: RfmSegment;
  r: readonly [number, number];
  f: readonly [number, number];
  /** One cell [r, f] inside the ranges that belongs to another segment. */
  except?: readonly [number, number];
}

const SEGMENT_RULES: readonly GridRule[] = [
  { segment: 'Champions', r: [5, 5], f: [4, 5] },
  { segment: 'Loyal Customers', r: [3, 4], f: [4, 5] },
  { segment: 'Potential Loyalists', r: [4, 5], f: [2, 3] },
  { segment: 'New Customers', r: [5, 5], f: [1, 1] },
  { segment: 'Promising', r: [4, 4], f: [1, 1] },
  { segment: 'Need Attention', r: [3, 3], f: [3, 3] },
  { segment: 'About To Sleep', r: [3, 3], f: [1, 2] },
  { segment: 'At Risk', r: [1, 2], f: [3, 4] },
  { segment: "Can't Lose Them", r: [1, 2], f: [5, 5] },
  { segment: 'Hibernating', r: [1, 2], f: [1, 2], except: [1, 1] },
  { segment: 'Lost', r: [1, 1], f: [1, 1] },
];

/** Cell (r - 1) * 5 + (f - 1) -> index into RFM_SEGMENTS. */
const SEGMENT_GRID: Uint8Array = buildSegmentGrid();

function buildSegmentGrid(): Uint8Array {
  const UNSET = 255;
  const grid = new Uint8Array(25).fill(UNSET);
  for (const rule of SEGMENT_RULES) {
    const code = RFM_SEGMENTS.indexOf(rule.segment);
    for (let r = rule.r[0]; r <= rule.r[1]; r++) {
      for (let f = rule.f[0]; f <= rule.f[1]; f++) {
        if (rule.except && rule.except[0] === r && rule.except[1] === f) continue;
        const cell = (r - 1) * 5 + (f - 1);
        if (grid[cell] !== UNSET) throw new InternalError(`RFM grid cell R${r} F${f} has two segments`);
        grid[cell] = code;
      }
    }
  }
  const gap = grid.indexOf(UNSET);
  if (gap >= 0) throw new InternalError(`RFM grid cell R${Math.floor(gap / 5) + 1} F${(gap % 5) + 1} has no segment`);
  return grid;
}

function isScore(x: number): boolean {
  return Number.isInteger(x) && x >= 1 && x <= 5;
}
