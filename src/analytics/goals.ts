import type { Day } from '../domain/dates.js';
import type { GoalDirection, GoalMetric, GoalStatus } from '../domain/goals.js';

/**
 * Goals (issue 7): a target for a metric, optionally a date to reach it by.
 *
 * - current: the metric's value in the latest complete period of the goal's period unit (month
 *   unless the goal says otherwise); for `nps` and a model's `clv`, which have no periods, the
 *   value at the as-of date.
 * - distance: how far the value still has to move to reach the target, in the goal's direction:
 *   target - current when higher is better, current - target when lower is better (churn_rate);
 *   0 or less means the target is met.
 * - trend: the change per period over the last up to 3 complete periods
 *   ((latest - value k periods before) / k, k = 3 or as many as there are).
 * - projected: current + trend x the periods left until the `by` date (the periods after the
 *   latest complete one, up to the one holding `by`).
 * - status (first that applies):
 *   no_data: there is no current value;
 *   met: current reaches the target (>= when higher is better, <= when lower is better);
 *   missed: not met and the as-of date is on or after the `by` date;
 *   on_track: not met, `by` still ahead, and the projection reaches the target (without a `by`
 *     date: the trend moves towards the target);
 *   behind: otherwise (the trend does not reach the target in time, or there is no trend).
 */

export interface GoalSpec {
  metric: GoalMetric;
  target: number;
  by?: Day;
  direction: GoalDirection;
}

export interface GoalObservation {
  /** The current value, or null when the data has none. */
  current: number | null;
  /** Values of the complete periods up to and including the current one, oldest first (may be empty). */
  history: readonly (number | null)[];
  /** Periods after the current one up to the one holding `by` (undefined without `by` or a period basis). */
  periodsLeft?: number;
}

export interface GoalResult extends GoalSpec {
  current: number | null;
  distance: number | null;
  trendPerPeriod: number | null;
  projected: number | null;
  status: GoalStatus;
}

/** Reaches the target, in the goal's direction (with a little slack for floating point). */
function reaches(v: number, g: GoalSpec): boolean {
  const eps = 1e-9 * Math.max(1, Math.abs(g.target));
  return g.direction === 'higher' ? v >= g.target - eps : v <= g.target + eps;
}

/** Change per period over the last up to `span` periods of history; null without two values. */
export function trendOf(history: readonly (number | null)[], span = 3): number | null {
  const n = history.length;
  if (n < 2) return null;
  const last = history[n - 1];
  if (last === null) return null;
  for (let k = Math.min(span, n - 1); k >= 1; k--) {
    const before = history[n - 1 - k];
    if (before !== null) return (last - before) / k;
  }
  return null;
}

export function evaluateGoal(g: GoalSpec, obs: GoalObservation, asOf: Day): GoalResult {
  const current = obs.current;
  const trend = trendOf(obs.history);
  const base = { ...g, current, trendPerPeriod: trend };
  if (current === null) return { ...base, distance: null, projected: null, status: 'no_data' };
  const distance = g.direction === 'higher' ? g.target - current : current - g.target;
  const projected = trend !== null && obs.periodsLeft !== undefined ? current + trend * Math.max(0, obs.periodsLeft) : null;
  let status: GoalStatus;
  if (reaches(current, g)) status = 'met';
  else if (g.by !== undefined && asOf >= g.by) status = 'missed';
  else if (g.by !== undefined) status = projected !== null && reaches(projected, g) ? 'on_track' : 'behind';
  else status = trend !== null && (g.direction === 'higher' ? trend > 0 : trend < 0) ? 'on_track' : 'behind';
  return { ...base, distance, projected, status };
}
