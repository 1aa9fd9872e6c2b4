/**
 * Customer lifetime value from a fitted purchase model and a spend model, and the two simple
 * models of spec §6.1: `historical` and `formula`.
 *
 * Discounting (clvValues): the horizon H (in units) is cut into steps of one month
 * (365.25/12 days) by default, the last step ending at H. Purchases expected in step k,
 * E[Y(t_k)] − E[Y(t_{k−1})] (conditional expectations of the purchase model), are discounted
 * from the end of the step t_k with the annual rate d: factor (1 + d)^{−t_k·u/365.25}, u =
 * days per unit (the annual rate converted to the time unit). Then
 * CLV = margin × expected average value × Σ_k (E[Y(t_k)] − E[Y(t_{k−1})]) × factor_k.
 * With d = 0 and margin = 1 it is expected value × E[Y(H)].
 */
import type { CustomerTable } from '../../domain/customer-state.js';
import type { Day } from '../../domain/dates.js';
import { LedgerCursor, netRevenueUpTo } from '../../domain/ledger.js';
import type { PurchasePredictor } from './model.js';
import { DAYS_PER_UNIT, type TimeUnit } from './summary.js';

export interface DiscountOptions {
  /** Horizon in units of `unit`. */
  readonly horizon: number;
  readonly unit: TimeUnit;
  /** Annual discount rate, e.g. 0.1. */
  readonly annualDiscount: number;
  /** Discounting steps per year (default 12: monthly). */
  readonly stepsPerYear?: number;
}

/** Working arrays of discountedExpectedPurchases, for a caller that calls it many times over the same rows. */
export interface DiscountBuffers {
  readonly out: Float64Array;
  readonly prev: Float64Array;
  readonly cur: Float64Array;
}

export function discountBuffers(size: number): DiscountBuffers {
  return { out: new Float64Array(size), prev: new Float64Array(size), cur: new Float64Array(size) };
}

/**
 * Σ_k (E[Y(t_k)] − E[Y(t_{k−1})]) (1+d)^{−t_k u/365.25} per customer (see the file comment).
 * With `into`, the result is written into into.out (the other two are overwritten).
 */
export function discountedExpectedPurchases(pred: PurchasePredictor, opts: DiscountOptions, into?: DiscountBuffers): Float64Array {
  const dpu = DAYS_PER_UNIT[opts.unit];
  const H = Math.max(0, opts.horizon);
  const L = 365.25 / (opts.stepsPerYear ?? 12) / dpu;
  const out = into ? into.out.fill(0) : new Float64Array(pred.size);
  let prev: Float64Array = into ? into.prev.fill(0) : new Float64Array(pred.size);
  let cur: Float64Array = into ? into.cur : new Float64Array(pred.size);
  const lr = Math.log1p(Math.max(-0.999999, opts.annualDiscount));
  for (let t0 = 0; t0 < H - 1e-9; ) {
    const t = Math.min(H, t0 + L);
    cur = pred.expected(t, cur);
    const f = Math.exp((-lr * t * dpu) / 365.25);
    for (let i = 0; i < pred.size; i++) out[i] += Math.max(0, cur[i] - prev[i]) * f;
    [prev, cur] = [cur, prev];
    t0 = t;
  }
  return out;
}

export interface ClvOptions extends DiscountOptions {
  /** Gross margin applied to value (default 1). */
  readonly margin?: number;
}

/** CLV per customer: margin × expected average value × discounted expected purchases. */
export function clvValues(pred: PurchasePredictor, expectedValue: ArrayLike<number> | number, opts: ClvOptions): Float64Array {
  const d = discountedExpectedPurchases(pred, opts);
  const margin = opts.margin ?? 1;
  for (let i = 0; i < d.length; i++) d[i] *= margin * (typeof expectedValue === 'number' ? expectedValue : expectedValue[i]);
  return d;
}

/** `historical`: net revenue (orders minus refunds) up to asOf (inclusive) × margin, per table row. */
export function historicalClv(table: CustomerTable, asOf: Day, margin = 1): Float64Array {
  const out = new Float64Array(table.size);
  const cursor = new LedgerCursor(table);
  for (let i = 0; i < table.size; i++) out[i] = netRevenueUpTo(table, i, asOf, cursor) * margin;
  return out;
}

export interface FormulaOptions {
  readonly asOf: Day;
  readonly margin?: number;
  /** Churn window W in days (default 365). */
  readonly churnWindowDays?: number;
  /** Cap of the expected lifetime in years (default 10), used when nobody churned. */
  readonly maxLifetimeYears?: number;
}

export interface FormulaClv {
  /** Customers with a purchase on or before asOf. */
  readonly customers: number;
  /** Average order value: net revenue / orders, up to asOf. */
  readonly averageOrderValue: number;
  /** Orders per customer-year: orders / Σ years from first purchase to asOf (at least one day each). */
  readonly purchasesPerYear: number;
  /** Customers who bought in the window before the last: how many did not buy in the last one. */
  readonly churnBase: number;
  readonly churned: number;
  /** Annual churn rate: 1 − (1 − churned/churnBase)^{365.25/W}. */
  readonly annualChurnRate: number;
  /** 1 / annual churn rate, capped. */
  readonly expectedLifetimeYears: number;
  /** averageOrderValue × purchasesPerYear × expectedLifetimeYears × margin. */
  readonly clv: number;
  readonly warnings: readonly string[];
}

/**
 * `formula` CLV of a group of customers (table rows; all rows when omitted): average order
 * value × purchase rate × expected lifetime, with the lifetime 1/churn from the observed churn
 * rate: of the customers who bought in (asOf − 2W, asOf − W], the share that did not buy in
 * (asOf − W, asOf], made annual.
 */
export function formulaClv(table: CustomerTable, opts: FormulaOptions, rows?: ArrayLike<number>): FormulaClv {
  const asOf = opts.asOf;
  const W = opts.churnWindowDays ?? 365;
  const cap = opts.maxLifetimeYears ?? 10;
  let customers = 0;
  let orders = 0;
  let revenue = 0;
  let years = 0;
  let base = 0;
  let churned = 0;
  const n = rows ? rows.length : table.size;
  const cursor = new LedgerCursor(table);
  for (let k = 0; k < n; k++) {
    const i = rows ? rows[k] : k;
    let first = -1;
    let inPrev = false;
    let inLast = false;
    if (!cursor.open(i) || cursor.firstOrderDay > asOf) continue;
    while (cursor.next()) {
      const d = cursor.day;
      if (d > asOf) break;
      revenue += cursor.amount;
      const o = cursor.orders;
      if (o <= 0) continue;
      orders += o;
      if (first < 0) first = d;
      if (d > asOf - 2 * W && d <= asOf - W) inPrev = true;
      if (d > asOf - W) inLast = true;
    }
    if (first < 0) continue;
    customers++;
    years += Math.max(1, asOf - first) / 365.25;
    if (inPrev) {
      base++;
      if (!inLast) churned++;
    }
  }
  const warnings: string[] = [];
  const aov = orders > 0 ? revenue / orders : 0;
  const rate = years > 0 ? orders / years : 0;
  let annual = base > 0 ? 1 - Math.pow(1 - churned / base, 365.25 / W) : 0;
  if (!(annual >= 0)) annual = 0;
  let life = annual > 0 ? 1 / annual : cap;
  if (base === 0) warnings.push(`no customer bought in the churn window before the last ${W} days: the expected lifetime is the cap of ${cap} years`);
  else if (churned === 0) warnings.push(`no customer churned in the last ${W} days: the expected lifetime is the cap of ${cap} years`);
  if (life > cap) life = cap;
  return Object.freeze({
    customers,
    averageOrderValue: aov,
    purchasesPerYear: rate,
    churnBase: base,
    churned,
    annualChurnRate: annual,
    expectedLifetimeYears: life,
    clv: aov * rate * life * (opts.margin ?? 1),
    warnings: Object.freeze(warnings),
  });
}
