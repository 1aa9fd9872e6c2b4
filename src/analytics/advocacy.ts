import { NO_DAY, type CustomerTable } from '../domain/customer-state.js';
import type { Day } from '../domain/dates.js';
import type { ReviewLog } from '../domain/reviews.js';

/**
 * Advocacy signals (spec §3, stage 6): a customer is a potential advocate when any of
 * - `referrals` > 0,
 * - `review_score` >= 4 (out of 5),
 * - `nps` >= 9 (a promoter on the 0–10 scale),
 * - the mapped `advocate` flag column is true (true/yes/y/1/x),
 * - the latest review in an order-level reviews file, up to the day, scored >= 4.
 * Attribute values come from the customers file as text; unparseable numbers are no signal.
 */


export interface AdvocacyResult {
  /** 1 = has a signal. */
  readonly flags: Uint8Array;
  /** Customers with each kind of signal (one customer can have several). */
  readonly counts: Readonly<Record<'referrals' | 'review_score' | 'nps' | 'advocate' | 'reviews', number>>;
  /** Which signal sources the data has at all. */
  readonly sources: readonly string[];
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'x', 't']);

function numberOf(text: string | undefined): number {
  if (text === undefined) return NaN;
  const t = text.trim();
  if (t === '') return NaN;
  return Number(t.replace(',', '.'));
}

/** The latest review per customer up to `day` (a later line wins a same-day tie); NaN = none. */
export function latestReviewScores(size: number, log: ReviewLog, day: Day): Float64Array {
  const score = new Float64Array(size).fill(NaN);
  const at = new Int32Array(size).fill(NO_DAY);
  for (let k = 0; k < log.customer.length; k++) {
    const d = log.day[k];
    if (d > day) continue;
    const i = log.customer[k];
    if (d >= at[i]) {
      at[i] = d;
      score[i] = log.score[k];
    }
  }
  return score;
}

export function advocacySignals(t: Pick<CustomerTable, 'size' | 'attributeNames' | 'attributes'>, day: Day, reviews?: ReviewLog): AdvocacyResult {
  const flags = new Uint8Array(t.size);
  const counts = { referrals: 0, review_score: 0, nps: 0, advocate: 0, reviews: 0 };
  const sources: string[] = [];
  const column = (name: string): (string | undefined)[] | undefined => {
    const a = t.attributeNames.indexOf(name);
    if (a < 0) return undefined;
    sources.push(name);
    return t.attributes[a];
  };
  const mark = (kind: keyof typeof counts, values: (string | undefined)[] | undefined, test: (v: string | undefined) => boolean): void => {
    if (!values) return;
    for (let i = 0; i < t.size; i++) {
      if (test(values[i])) {
        flags[i] = 1;
        counts[kind]++;
      }
    }
  };
  mark('referrals', column('referrals'), (v) => numberOf(v) > 0);
  mark('review_score', column('review_score'), (v) => numberOf(v) >= 4);
  mark('nps', column('nps'), (v) => numberOf(v) >= 9);
  mark('advocate', column('advocate'), (v) => v !== undefined && TRUE_WORDS.has(v.trim().toLowerCase()));
  if (reviews) {
    sources.push('reviews');
    const latest = latestReviewScores(t.size, reviews, day);
    for (let i = 0; i < t.size; i++) {
      if (latest[i] >= 4) {
        flags[i] = 1;
        counts.reviews++;
      }
    }
  }
  return { flags, counts, sources };
}
