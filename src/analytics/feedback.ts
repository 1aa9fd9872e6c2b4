import type { Day } from '../domain/dates.js';
import { formatPeriod, periodOfDay } from '../domain/period.js';
import type { ReviewLog } from '../domain/reviews.js';
import type { KpiUnit } from './kpis.js';

/**
 * Feedback metrics (issue 7).
 *
 * - NPS (Net Promoter Score) = % promoters (9-10) - % detractors (0-6) among the answers on
 *   the 0-10 scale, a number from -100 to 100; passives (7-8) count in the base only. Answers
 *   come from the customers file's `nps` column, which has no date: they describe the customers
 *   as they are now, so NPS is reported per stage and overall, not per period.
 * - Average review score: the mean of the scores out of 5, from the customers file's
 *   `review_score` column (per stage), and from an order-level reviews file (--reviews) by
 *   review date (per period) and by the stage of the reviewing customer.
 * Values that are not numbers on the scale (blank, text, 11, -1) are not answers.
 */

export interface NpsSummary {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** -100..100; null without answers. */
  nps: number | null;
}

function numberOf(text: string | undefined): number {
  if (text === undefined) return NaN;
  const t = text.trim();
  if (t === '') return NaN;
  return Number(t.replace(',', '.'));
}

/** A 0-10 answer, or NaN. */
export function npsAnswer(text: string | undefined): number {
  const v = numberOf(text);
  return v >= 0 && v <= 10 ? v : NaN;
}

/** A score out of 5, or NaN. */
export function reviewAnswer(text: string | undefined): number {
  const v = numberOf(text);
  return v >= 0 && v <= 5 ? v : NaN;
}

/** NPS of the answers in `scores` (NaN = no answer) of the rows `rows` (all rows when omitted). */
export function npsOf(scores: ArrayLike<number>, rows?: ArrayLike<number>): NpsSummary {
  let responses = 0;
  let promoters = 0;
  let detractors = 0;
  const n = rows ? rows.length : scores.length;
  for (let k = 0; k < n; k++) {
    const v = scores[rows ? rows[k] : k];
    if (Number.isNaN(v)) continue;
    responses++;
    if (v >= 9) promoters++;
    else if (v <= 6) detractors++;
  }
  return {
    responses,
    promoters,
    passives: responses - promoters - detractors,
    detractors,
    nps: responses > 0 ? (100 * (promoters - detractors)) / responses : null,
  };
}

/** Mean of the non-NaN values (of `rows` when given); null when there are none. */
export function meanScore(scores: ArrayLike<number>, rows?: ArrayLike<number>): { responses: number; mean: number | null } {
  let count = 0;
  let sum = 0;
  const n = rows ? rows.length : scores.length;
  for (let k = 0; k < n; k++) {
    const v = scores[rows ? rows[k] : k];
    if (Number.isNaN(v)) continue;
    count++;
    sum += v;
  }
  return { responses: count, mean: count > 0 ? sum / count : null };
}

export interface ReviewPeriod {
  period: number;
  label: string;
  complete: boolean;
  reviews: number;
  /** Distinct customers who reviewed in the period. */
  reviewers: number;
  averageScore: number | null;
  /** Share of reviews scored 4 or 5. */
  positiveShare: number | null;
  /** Share of reviews scored 1 or 2. */
  negativeShare: number | null;
}

/** Reviews per period by review date, up to the as-of date, for the periods from..to. */
export function reviewsByPeriod(log: ReviewLog, opts: { unit: KpiUnit; asOf: Day; from: number; to: number; isComplete: (period: number) => boolean }): ReviewPeriod[] {
  const { unit, asOf, from, to } = opts;
  const n = to - from + 1;
  if (n <= 0) return [];
  const count = new Int32Array(n);
  const sum = new Float64Array(n);
  const pos = new Int32Array(n);
  const neg = new Int32Array(n);
  const who: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (let r = 0; r < log.customer.length; r++) {
    const d = log.day[r];
    if (d > asOf) continue;
    const p = periodOfDay(unit, d) - from;
    if (p < 0 || p >= n) continue;
    const s = log.score[r];
    count[p]++;
    sum[p] += s;
    if (s >= 4) pos[p]++;
    else if (s <= 2) neg[p]++;
    who[p].add(log.customer[r]);
  }
  const out: ReviewPeriod[] = [];
  for (let p = 0; p < n; p++) {
    const c = count[p];
    out.push({
      period: from + p,
      label: formatPeriod(unit, from + p),
      complete: opts.isComplete(from + p),
      reviews: c,
      reviewers: who[p].size,
      averageScore: c > 0 ? sum[p] / c : null,
      positiveShare: c > 0 ? pos[p] / c : null,
      negativeShare: c > 0 ? neg[p] / c : null,
    });
  }
  return out;
}

/** Per customer: the number of reviews and their score sum up to the as-of date. */
export function reviewTotals(size: number, log: ReviewLog, asOf: Day): { count: Int32Array; sum: Float64Array } {
  const count = new Int32Array(size);
  const sum = new Float64Array(size);
  for (let r = 0; r < log.customer.length; r++) {
    if (log.day[r] > asOf) continue;
    count[log.customer[r]]++;
    sum[log.customer[r]] += log.score[r];
  }
  return { count, sum };
}
