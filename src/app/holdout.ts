/**
 * The default holdout before an as-of date, one rule for `clm backtest`, `clm report` and
 * `--model auto` (which compares the models on it).
 */
import type { CustomerTable } from '../domain/customer-state.js';
import type { Day } from '../domain/dates.js';

/** The longest default holdout, and the shortest a default may be. */
export const DEFAULT_HOLDOUT_WEEKS = 39;
export const MIN_HOLDOUT_WEEKS = 4;

/**
 * The default holdout of `clm backtest` and `clm report` (one rule for both): 39 weeks, or a
 * third of the order history when that is shorter, so the model always has two thirds to fit
 * on; undefined when that third is under 4 weeks. `history` says how long the history was.
 */
export function defaultHoldout(t: CustomerTable, asOf: Day): { weeks: number; basis: string } | undefined {
  const historyWeeks = Math.floor((asOf - firstOrderDay(t, asOf)) / 7);
  const weeks = Math.min(DEFAULT_HOLDOUT_WEEKS, Math.floor(historyWeeks / 3));
  if (weeks < MIN_HOLDOUT_WEEKS) return undefined;
  const basis = weeks === DEFAULT_HOLDOUT_WEEKS
    ? `the default holdout of ${weeks} weeks`
    : `the default holdout: a third of the ${historyWeeks}-week order history, as that is under ${DEFAULT_HOLDOUT_WEEKS} weeks`;
  return { weeks, basis };
}

/** The earliest first order of the table (the as-of date when nobody has ordered). */
export function firstOrderDay(t: CustomerTable, asOf: Day): Day {
  let first = asOf;
  for (let i = 0; i < t.size; i++) if (t.orders[i] > 0 && t.firstDay[i] < first) first = t.firstDay[i];
  return first;
}

