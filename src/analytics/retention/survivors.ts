/**
 * Survivor curves from renewal rows (one row per customer and paid period), for the sBG.
 *
 * A customer's cohort is the period of its first renewal row (its start). It survives period
 * t of its cohort (t = 0 is the start) when it has a renewal in period start + t or later, so
 * a missed month followed by a payment is not a churn. Only complete periods are observations:
 * a cohort's periods run from its start to `lastComplete` (the last period whose end is on or
 * before the as-of date). The period holding the as-of date, when not over, is left out,
 * because renewals still due in it would otherwise count as churn; a renewal in it still
 * proves survival of the periods before. Cohorts starting after `lastComplete` are left out.
 */

export interface CohortCurve {
  /** The cohort's start period (a calendar period index). */
  readonly start: number;
  /** survivors[t]: cohort customers with a renewal in period start + t or later, t = 0..lastComplete − start. */
  readonly survivors: readonly number[];
}

export interface RenewalCurves {
  /** By start period, ascending. */
  readonly cohorts: readonly CohortCurve[];
  /** Customers whose first renewal is after the last complete period (not yet observable). */
  readonly customersNotYetObservable: number;
}

/**
 * Survivor curves per cohort: `customer[i]` is the customer (an index 0..customers−1) and
 * `period[i]` the calendar period index of renewal row i.
 */
export function survivorCurves(customer: ArrayLike<number>, period: ArrayLike<number>, customers: number, lastComplete: number): RenewalCurves {
  const first = new Float64Array(customers).fill(Infinity);
  const last = new Float64Array(customers).fill(-Infinity);
  for (let i = 0; i < customer.length; i++) {
    const c = customer[i];
    const p = period[i];
    if (p < first[c]) first[c] = p;
    if (p > last[c]) last[c] = p;
  }
  // per cohort: how many customers reached each number of periods after the start
  const reached = new Map<number, number[]>();
  let notYet = 0;
  for (let c = 0; c < customers; c++) {
    if (!Number.isFinite(first[c])) continue;
    const start = first[c];
    if (start > lastComplete) {
      notYet++;
      continue;
    }
    const k = lastComplete - start;
    let counts = reached.get(start);
    if (!counts) reached.set(start, (counts = new Array<number>(k + 1).fill(0)));
    counts[Math.min(k, last[c] - start)]++;
  }
  const cohorts: CohortCurve[] = [...reached.keys()]
    .sort((a, b) => a - b)
    .map((start) => {
      const counts = reached.get(start)!;
      // survivors[t] = customers who reached t or more periods after the start
      const survivors = new Array<number>(counts.length);
      let s = 0;
      for (let t = counts.length - 1; t >= 0; t--) {
        s += counts[t];
        survivors[t] = s;
      }
      return { start, survivors };
    });
  return { cohorts, customersNotYetObservable: notYet };
}
