/**
 * When will a customer buy next, and are they late? (issue 15, item 1.) Pure.
 *
 * Derivation. BG/NBD, MBG/NBD and Pareto/NBD share the purchase story while a customer is
 * alive: purchases are a Poisson process of rate λ, λ ~ Gamma(r, rate α) across customers.
 * Given the customer's history (x repeat purchases, the last at t_x, observed to T) and that
 * the customer is alive at T, the joint likelihood is
 *   λ^x e^(−λT) × (a factor of the dropout parameters only),
 * — BG/NBD: (1 − p)^x, no dropout at any repeat purchase; MBG/NBD: (1 − p)^(x+1); Pareto/NBD:
 * e^(−μT) — so λ's posterior given alive is Gamma(r + x, rate α + T), whatever t_x. The
 * time W from T to the next purchase of a Poisson process of rate λ is Exponential(λ)
 * (memoryless), and mixed over that posterior it is Lomax (Pareto II):
 *   P(W > w | x, T, alive) = ∫ e^(−λw) Gamma(λ; r + x, α + T) dλ = ((α + T) / (α + T + w))^(r + x)
 * with median ((α + T)(2^(1/(r+x)) − 1)). In BG/NBD and MBG/NBD a customer can only drop out
 * right after a purchase, so a customer alive at T makes that next purchase for certain: the
 * median is the median of the next purchase given alive, exactly. In Pareto/NBD the customer can
 * drop out before it (at rate μ): there it is the median time to the next purchase if the
 * customer stays alive. Either way it is conditional on alive only; how likely that is, is
 * p_alive, a separate column.
 *
 * By memorylessness the same Lomax median is also the customer's own expected gap between
 * purchases at the posterior rate, so one number g per customer gives:
 * - expected_next_order_date = as-of + g: if still active, half the customers with this
 *   history have ordered again by then (always after the as-of date);
 * - days_overdue = (days since the last order) − g when positive: how far past the date their
 *   own gap put the next order (last order + g) they are. A customer who buys every 30 days
 *   and last bought 60 days ago is about 30 days overdue;
 * - overdue_ratio = days since the last order ÷ g: above 1 exactly when days_overdue > 0.
 * The posterior counts the silence since the last order (T, not t_x): the longer the silence,
 * the slower the model thinks the customer buys, so the ratio grows with the silence but stays
 * below about (r + x)/ln 2. A customer without a repeat purchase (x = 0) gets the population's
 * shape r, usually well below 1: a median many times α + T away, and an overdue_ratio below
 * 1/(2^(1/r) − 1), so never overdue when r ≤ 1: there is no rhythm of their own to be late on.
 *
 * g is used in whole days (at least 1, the as-of day is already observed), so the date, the
 * days overdue and the ratio agree exactly.
 */
import type { Day } from '../../domain/dates.js';
import { dayFromCivil } from '../../domain/dates.js';
import { DAYS_PER_UNIT, type TimeUnit } from './summary.js';

/** The purchase-rate parameters every purchase model has: λ ~ Gamma(r, rate alpha). */
export interface PurchaseRatePrior {
  readonly r: number;
  readonly alpha: number;
}

/** P(W > w): the next purchase comes more than w units after T, given alive at T. */
export function nextPurchaseSurvival(p: PurchaseRatePrior, x: number, T: number, w: number): number {
  return Math.exp(-(p.r + x) * Math.log1p(w / (p.alpha + T)));
}

/** Median time (in model units) from T to the next purchase, given alive at T: (α + T)(2^(1/(r+x)) − 1). */
export function medianNextPurchase(p: PurchaseRatePrior, x: number, T: number): number {
  return (p.alpha + T) * Math.expm1(Math.LN2 / (p.r + x));
}

/** The last day a date column can hold (9999-12-31): later expected dates are left empty. */
export const LAST_DATE: Day = dayFromCivil(9999, 12, 31);

/** Days ahead of the as-of date in which a customer's due date (last order + gap) makes them "due now". */
export const DUE_WINDOW_DAYS = 7;

export interface NextOrderRow {
  /** g in whole days (≥ 1); Infinity when the median is beyond any date. */
  readonly gapDays: number;
  /** as-of + g, or null beyond 9999-12-31. */
  readonly expectedDate: Day | null;
  readonly daysOverdue: number;
  readonly overdueRatio: number;
}

/** The next-order figures of one customer from the median gap in model units and the days since the last order. */
export function nextOrderRow(medianUnits: number, unit: TimeUnit, asOf: Day, daysSinceLast: number): NextOrderRow {
  const raw = Math.round(medianUnits * DAYS_PER_UNIT[unit]);
  const gapDays = Number.isFinite(raw) ? Math.max(1, raw) : Infinity;
  const date = asOf + gapDays;
  return {
    gapDays,
    expectedDate: date <= LAST_DATE ? date : null,
    daysOverdue: Math.max(0, daysSinceLast - gapDays),
    overdueRatio: daysSinceLast / gapDays,
  };
}

/**
 * Per-customer next-order figures over a summary (arrays in the summary's order): the two
 * whole-day figures, from which expectedNextDate, daysOverdue and overdueRatio derive exactly
 * as nextOrderRow does (three arrays less: 200 MB at 8.5M customers). NaN for a customer
 * without a figure, and then every derived figure is NaN too.
 */
export interface NextOrders {
  readonly asOf: Day;
  /** Days from the last purchase day to the as-of date. */
  readonly daysSinceLast: Float64Array;
  /** g in whole days; Infinity when beyond any date. */
  readonly gapDays: Float64Array;
}

/** Day of customer i's expected next order (as-of + g); NaN beyond 9999-12-31 or without a figure. */
export function expectedNextDate(k: NextOrders, i: number): number {
  const date = k.asOf + k.gapDays[i];
  return date <= LAST_DATE ? date : NaN;
}

/** Days past customer i's due date (0 when not past it). */
export function daysOverdue(k: NextOrders, i: number): number {
  return Math.max(0, k.daysSinceLast[i] - k.gapDays[i]);
}

/** Days since customer i's last order ÷ their gap. */
export function overdueRatio(k: NextOrders, i: number): number {
  return k.daysSinceLast[i] / k.gapDays[i];
}

export interface NextOrderInput {
  readonly size: number;
  readonly unit: TimeUnit;
  readonly frequency: ArrayLike<number>;
  readonly recency: ArrayLike<number>;
  readonly T: ArrayLike<number>;
}

/** The figures above for every customer of a summary whose calibration ends on `asOf`. */
export function nextOrders(p: PurchaseRatePrior, s: NextOrderInput, asOf: Day): NextOrders {
  const n = s.size;
  const out: NextOrders = { asOf, daysSinceLast: new Float64Array(n), gapDays: new Float64Array(n) };
  const dpu = DAYS_PER_UNIT[s.unit];
  for (let i = 0; i < n; i++) {
    const since = Math.round((s.T[i] - s.recency[i]) * dpu);
    out.daysSinceLast[i] = since;
    out.gapDays[i] = nextOrderRow(medianNextPurchase(p, s.frequency[i], s.T[i]), s.unit, asOf, since).gapDays;
  }
  return out;
}

export type DueStatus = 'overdue' | 'due now' | 'not due';

/**
 * Overdue when the due date by the customer's own gap (last order + g) is before the as-of
 * date (days_overdue > 0); due now when it falls on the as-of date or in the DUE_WINDOW_DAYS − 1
 * days after; else not due.
 */
export function dueStatus(gapDays: number, daysSinceLast: number): DueStatus {
  const ahead = gapDays - daysSinceLast;
  if (ahead < 0) return 'overdue';
  return ahead < DUE_WINDOW_DAYS ? 'due now' : 'not due';
}
