/**
 * Intervals for the fitted parameters and for the aggregate predictions of `clm cltv` (total and
 * per stage, segment and cohort: expected purchases and CLV).
 *
 * What they cover: parameter uncertainty. Each is a CONFIDENCE interval of the expected
 * aggregate (the sum of the customers' conditional expectations E[Y(t) | x, t_x, T] at the
 * true parameters), the figure the `expected_purchases` and `total_clv` columns estimate. They
 * do not include the chance variation of the purchases that will actually happen (Poisson
 * noise, who drops out): the realised total scatters around the expected one by more than this,
 * by about √(expected total) more for large bases. An analyst comparing "how many orders
 * will we get" with the realised count should read the interval as the uncertainty of the
 * forecast's centre, not as a range for the count.
 *
 * Method (parametric draws from the asymptotic distribution of the maximum likelihood
 * estimate): the fit's covariance of the log-parameters (ModelFit.logCovariance, the inverse
 * Hessian the standard errors come from) gives draws ln θ* ~ N(ln θ̂, Σ); draws in log space
 * stay positive, as the optimiser's parameters do. For each draw, the purchase model's and
 * Gamma-Gamma's (drawn independently: their likelihoods share no parameter) predictions are
 * recomputed on the customers merged by identical (x, t_x, T) and group, summed per group,
 * and the interval is the (1−level)/2 and (1+level)/2 percentiles of the draws' sums. A
 * parameter's own interval is the same normal on ln θ, in closed form: θ̂ · exp(±z σ), σ the
 * standard error of ln θ. A seeded generator (mulberry32) makes every run print the same figures.
 */
import { ggExpectedAverageValue, type GammaGammaParams } from './gamma-gamma.js';
import { purchasePredictor, type PurchaseFit, type PurchaseModelName } from './score.js';
import { groupRows, type TimeUnit } from './summary.js';
import { mergeIdentical } from './compress.js';
import { discountBuffers, discountedExpectedPurchases } from './value.js';

/** Default level of every interval: 90%. */
export const DEFAULT_INTERVAL_LEVEL = 0.9;
/** Parameter draws per interval: enough for the 5% and 95% percentiles to move by well under a standard error. */
export const DEFAULT_INTERVAL_DRAWS = 200;
/** Fixed seed: the same data gives the same intervals on every run. */
export const DEFAULT_INTERVAL_SEED = 20_051_115;

/** mulberry32: a seeded uniform generator on (0, 1). */
export function seededUniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
export function standardNormal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/**
 * The standard normal quantile Φ⁻¹(p), 0 < p < 1: Acklam's rational approximation (relative
 * error below 1.2e-9: ample for an interval's z).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number): number => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  let x: number;
  if (p < 0.02425) x = tail(Math.sqrt(-2 * Math.log(p)));
  else if (p > 1 - 0.02425) x = -tail(Math.sqrt(-2 * Math.log1p(-p)));
  else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  return x;
}

/**
 * Lower Cholesky factor of a symmetric positive semi-definite matrix; a zero pivot (a
 * parameter without variance) gives a zero column. Null when the matrix is not PSD.
 */
export function cholesky(m: readonly (readonly number[])[]): number[][] | null {
  const k = m.length;
  const L = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let j = 0; j < k; j++) {
    let s = m[j][j];
    for (let i = 0; i < j; i++) s -= L[j][i] * L[j][i];
    const tol = 1e-12 * Math.max(1, Math.abs(m[j][j]));
    if (!(s > -tol)) return null;
    if (s <= tol) continue;
    L[j][j] = Math.sqrt(s);
    for (let r = j + 1; r < k; r++) {
      let t = m[r][j];
      for (let i = 0; i < j; i++) t -= L[r][i] * L[j][i];
      L[r][j] = t / L[j][j];
    }
  }
  return L;
}

/**
 * `draws` parameter vectors θ* = θ̂ · exp(L z), z standard normal, L L' = the covariance of
 * ln θ: draws of the maximum likelihood estimate's asymptotic distribution on the log scale.
 * Null when the covariance is not positive semi-definite.
 */
export function drawLogNormal(center: readonly number[], logCovariance: readonly (readonly number[])[], draws: number, u: () => number): number[][] | null {
  const L = cholesky(logCovariance);
  if (!L) return null;
  const k = center.length;
  const out: number[][] = [];
  const z = new Array<number>(k);
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < k; i++) z[i] = standardNormal(u);
    const theta = new Array<number>(k);
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s += L[i][j] * z[j];
      theta[i] = center[i] * Math.exp(s);
    }
    out.push(theta);
  }
  return out;
}

/** The q-quantile (0 ≤ q ≤ 1) of the finite values, by linear interpolation between order statistics (type 7); NaN when none. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const v = Array.from(values).filter(Number.isFinite).sort((x, y) => x - y);
  if (v.length === 0) return NaN;
  const h = (v.length - 1) * q;
  const lo = Math.floor(h);
  return lo + 1 < v.length ? v[lo] + (h - lo) * (v[lo + 1] - v[lo]) : v[lo];
}

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** The central `level` interval of draws: their (1−level)/2 and (1+level)/2 quantiles. */
export function percentileInterval(values: ArrayLike<number>, level: number): Interval {
  return { low: quantile(values, (1 - level) / 2), high: quantile(values, (1 + level) / 2) };
}

/**
 * A parameter's interval from its estimate and standard error: the normal on ln θ the draws
 * use, θ̂ · exp(±z σ) with σ = se/θ̂ (the delta method's inverse), z = Φ⁻¹((1+level)/2). Null
 * without a standard error.
 */
export function parameterInterval(estimate: number, se: number | null, level: number): Interval | null {
  if (se === null || !(estimate > 0) || !Number.isFinite(se)) return null;
  const z = normalQuantile((1 + level) / 2);
  const s = se / estimate;
  return { low: estimate * Math.exp(-z * s), high: estimate * Math.exp(z * s) };
}

/**
 * Above this standard error of a log-parameter the interval is not computed: the parameter's
 * own 90% interval would span a factor of e^3.3 ≈ 27, the curvature at the optimum then says
 * little about the likelihood's shape, and draws that far out (MBG/NBD on Olist 2017 has
 * se(ln a) ≈ 89) leave the range where the predictions can be evaluated at all.
 */
export const MAX_LOG_SE = 1;

/**
 * Why the draws cannot give intervals for these fits, or null: a fit without a covariance, or
 * a log-parameter with a standard error above MAX_LOG_SE.
 */
export function intervalProblem(fits: readonly { readonly label: string; readonly params: object; readonly logCovariance: readonly (readonly number[])[] | null }[]): string | null {
  for (const f of fits) {
    if (!f.logCovariance) return `${f.label} has no standard errors (see the fit warnings), so its uncertainty cannot be drawn; try a --penalizer such as 0.001`;
    const names = Object.keys(f.params);
    for (let i = 0; i < names.length; i++) {
      const sd = Math.sqrt(f.logCovariance[i][i]);
      if (!(sd <= MAX_LOG_SE))
        return `the data pins ${f.label}'s ${names[i]} down too loosely for the normal approximation the intervals rest on (standard error of ln ${names[i]} ${sd.toPrecision(3)}, above ${MAX_LOG_SE}); more customers with repeat purchases, a longer history or a --penalizer such as 0.001 narrow it`;
    }
  }
  return null;
}

/** A grouping of the customers: the group of each (−1 = in none) and the number of groups. */
export interface CustomerGrouping {
  readonly of: ArrayLike<number>;
  readonly size: number;
}

/** The customers and what their values come from, as scoreClv (score.ts) computes them. */
export interface ClvIntervalInput {
  readonly model: PurchaseModelName;
  readonly purchase: Pick<PurchaseFit, 'params' | 'logCovariance'>;
  /**
   * The Gamma-Gamma fit whose expected spend is used; when absent, `avgValue` is the fixed
   * expected average value of each customer (the mean repeat spend).
   */
  readonly spend?: { readonly params: GammaGammaParams; readonly logCovariance: readonly (readonly number[])[] | null };
  readonly avgValue?: ArrayLike<number>;
  readonly frequency: ArrayLike<number>;
  readonly recency: ArrayLike<number>;
  readonly T: ArrayLike<number>;
  readonly monetary: ArrayLike<number>;
  /** Horizon in units. */
  readonly horizon: number;
  readonly unit: TimeUnit;
  readonly annualDiscount: number;
  readonly margin: number;
}

export interface IntervalOptions {
  readonly level?: number;
  readonly draws?: number;
  readonly seed?: number;
}

/** Per group of a grouping: the intervals of the summed expected purchases and CLV. */
export interface GroupIntervals {
  readonly purchasesLow: Float64Array;
  readonly purchasesHigh: Float64Array;
  readonly clvLow: Float64Array;
  readonly clvHigh: Float64Array;
}

/**
 * Intervals of the summed expected purchases over the horizon and summed CLV per group of each
 * grouping (see the file comment). Null when intervalProblem says why not (the purchase fit
 * without a covariance, a log-parameter too uncertain). Gamma-Gamma without a covariance is
 * held at its estimate.
 */
export function clvAggregateIntervals(input: ClvIntervalInput, groupings: readonly CustomerGrouping[], opts: IntervalOptions = {}): GroupIntervals[] | null {
  const prep = prepareDraws(input, groupings, opts);
  if (!prep) return null;
  const { D, level, cells, rows } = prep;
  const sums = groupings.map((g) => ({ purchases: new Float64Array(g.size * D), clv: new Float64Array(g.size * D) }));
  // one set of working arrays over the distinct rows for all the draws
  const eBuf = new Float64Array(rows.size);
  const discBufs = input.annualDiscount === 0 ? undefined : discountBuffers(rows.size);
  for (let d = 0; d < D; d++) {
    const { pred, spendA, spendB } = drawAt(prep, input, d);
    const e = pred.expected(input.horizon, eBuf);
    // without discounting the discounted sum telescopes to E[Y(H)]: one evaluation instead of one per month
    const disc = discBufs ? discountedExpectedPurchases(pred, input, discBufs) : e;
    for (let c = 0; c < cells.size; c++) {
      const r = cells.row[c];
      const purchases = cells.count[c] * e[r];
      const clv = input.margin * disc[r] * (cells.count[c] * spendA[r] + spendB[r] * cells.spendSum[c]);
      for (let k = 0; k < groupings.length; k++) {
        const g = cells.group[k][c];
        if (g < 0) continue;
        sums[k].purchases[g * D + d] += purchases;
        sums[k].clv[g * D + d] += clv;
      }
    }
  }
  return groupings.map((g, k) => {
    const out = { purchasesLow: new Float64Array(g.size), purchasesHigh: new Float64Array(g.size), clvLow: new Float64Array(g.size), clvHigh: new Float64Array(g.size) };
    for (let j = 0; j < g.size; j++) {
      const p = percentileInterval(sums[k].purchases.subarray(j * D, (j + 1) * D), level);
      const v = percentileInterval(sums[k].clv.subarray(j * D, (j + 1) * D), level);
      out.purchasesLow[j] = p.low;
      out.purchasesHigh[j] = p.high;
      out.clvLow[j] = v.low;
      out.clvHigh[j] = v.high;
    }
    return out;
  });
}

/** Per group and period (index group × periods + period): the intervals of expected purchases and revenue. */
export interface PeriodIntervals {
  readonly purchasesLow: Float64Array;
  readonly purchasesHigh: Float64Array;
  readonly revenueLow: Float64Array;
  readonly revenueHigh: Float64Array;
}

/**
 * Intervals of a per-period forecast (commands/forecast.ts): for each window (tStart, tEnd] in
 * model units after the fit date, the summed E[X(tEnd)] − E[X(tStart)] per group, and that times
 * each customer's expected spend per purchase (revenue, undiscounted, no margin), over the same
 * parameter draws as clvAggregateIntervals. Null when intervalProblem says why not.
 */
export function forecastIntervals(input: ClvIntervalInput, windows: readonly { readonly tStart: number; readonly tEnd: number }[], groupings: readonly CustomerGrouping[], opts: IntervalOptions = {}): PeriodIntervals[] | null {
  const prep = prepareDraws(input, groupings, opts);
  if (!prep) return null;
  const { D, level, cells, rows } = prep;
  const P = windows.length;
  const endBuf = new Float64Array(rows.size);
  const startBuf = new Float64Array(rows.size);
  const sums = groupings.map((g) => ({ purchases: new Float64Array(g.size * P * D), revenue: new Float64Array(g.size * P * D) }));
  for (let d = 0; d < D; d++) {
    const { pred, spendA, spendB } = drawAt(prep, input, d);
    for (let w = 0; w < P; w++) {
      const end = pred.expected(windows[w].tEnd, endBuf);
      const start = windows[w].tStart > 0 ? pred.expected(windows[w].tStart, startBuf) : null;
      for (let c = 0; c < cells.size; c++) {
        const r = cells.row[c];
        const e = end[r] - (start ? start[r] : 0);
        const purchases = cells.count[c] * e;
        const revenue = e * (cells.count[c] * spendA[r] + spendB[r] * cells.spendSum[c]);
        for (let k = 0; k < groupings.length; k++) {
          const g = cells.group[k][c];
          if (g < 0) continue;
          const at = (g * P + w) * D + d;
          sums[k].purchases[at] += purchases;
          sums[k].revenue[at] += revenue;
        }
      }
    }
  }
  return groupings.map((g, k) => {
    const n = g.size * P;
    const out = { purchasesLow: new Float64Array(n), purchasesHigh: new Float64Array(n), revenueLow: new Float64Array(n), revenueHigh: new Float64Array(n) };
    for (let j = 0; j < n; j++) {
      const p = percentileInterval(sums[k].purchases.subarray(j * D, (j + 1) * D), level);
      const v = percentileInterval(sums[k].revenue.subarray(j * D, (j + 1) * D), level);
      out.purchasesLow[j] = p.low;
      out.purchasesHigh[j] = p.high;
      out.revenueLow[j] = v.low;
      out.revenueHigh[j] = v.high;
    }
    return out;
  });
}

/** The parameter draws and the merged cells both interval functions run over; null when intervalProblem says why not. */
function prepareDraws(input: ClvIntervalInput, groupings: readonly CustomerGrouping[], opts: IntervalOptions) {
  const level = opts.level ?? DEFAULT_INTERVAL_LEVEL;
  const D = Math.max(1, Math.floor(opts.draws ?? DEFAULT_INTERVAL_DRAWS));
  const u = seededUniform(opts.seed ?? DEFAULT_INTERVAL_SEED);
  const names = Object.keys(input.purchase.params) as (keyof PurchaseFit['params'])[];
  const spend = input.spend;
  const fits: Parameters<typeof intervalProblem>[0][number][] = [{ label: 'the purchase model', params: input.purchase.params, logCovariance: input.purchase.logCovariance }];
  if (spend?.logCovariance) fits.push({ label: 'Gamma-Gamma', params: spend.params, logCovariance: spend.logCovariance });
  if (intervalProblem(fits) !== null || !input.purchase.logCovariance) return null;
  const pDraws = drawLogNormal(names.map((n) => input.purchase.params[n] as number), input.purchase.logCovariance, D, u);
  if (!pDraws) return null;
  const sDraws = spend?.logCovariance ? drawLogNormal([spend.params.p, spend.params.q, spend.params.v], spend.logCovariance, D, u) : null;
  const cells = mergeCells(input, groupings);
  return { level, D, names, pDraws, sDraws, cells, rows: cells.rows, spendA: new Float64Array(cells.rows.size), spendB: new Float64Array(cells.rows.size) };
}

/**
 * Draw d: the purchase predictor over the distinct rows, and per row the expected average
 * spend as A + B·z̄ (note 025 eq. 5 is linear in z̄), or the fixed value (A = 0, B = 1).
 */
function drawAt(prep: NonNullable<ReturnType<typeof prepareDraws>>, input: ClvIntervalInput, d: number) {
  const { names, pDraws, sDraws, rows, spendA, spendB } = prep;
  const theta = Object.fromEntries(names.map((n, i) => [n, pDraws[d][i]])) as unknown as PurchaseFit['params'];
  const pred = purchasePredictor(input.model, theta, rows);
  const spend = input.spend;
  const gg = spend ? (sDraws ? { p: sDraws[d][0], q: sDraws[d][1], v: sDraws[d][2] } : spend.params) : null;
  for (let r = 0; r < rows.size; r++) {
    if (!gg) {
      spendA[r] = 0;
      spendB[r] = 1;
      continue;
    }
    const a0 = ggExpectedAverageValue(gg, rows.frequency[r], 0);
    spendA[r] = a0;
    spendB[r] = ggExpectedAverageValue(gg, rows.frequency[r], 1) - a0;
  }
  return { pred, spendA, spendB };
}

/**
 * Customers merged by identical (x, t_x, T) and groups: `count` customers per cell and the sum
 * of their spend input (z̄ clamped at 0 as ggExpectedAverageValue does, or the fixed value);
 * `rows` the distinct (x, t_x, T) the predictions run over, `row` each cell's. The rows are
 * found first, so the cells are keyed by whole numbers (a row and the groups) and no copy of
 * the customers' (x, t_x, T) is made per cell.
 */
function mergeCells(input: ClvIntervalInput, groupings: readonly CustomerGrouping[]) {
  const n = input.frequency.length;
  const merged = mergeIdentical(input.frequency, input.recency, input.T);
  const g = groupRows([merged.index, ...groupings.map((x) => x.of)], n);
  const count = g.count;
  const spendSum = new Float64Array(g.groups);
  for (let i = 0; i < n; i++) {
    const z = input.spend ? input.monetary[i] : (input.avgValue?.[i] ?? 0);
    spendSum[g.index[i]] += z > 0 && Number.isFinite(z) ? z : 0;
  }
  const cellsOf = (a: ArrayLike<number>): Int32Array => {
    const out = new Int32Array(g.groups);
    for (let c = 0; c < g.groups; c++) out[c] = a[g.first[c]];
    return out;
  };
  // the rows without their per-customer index, which the draws do not need
  const rows = { size: merged.size, frequency: merged.frequency, recency: merged.recency, T: merged.T };
  return { size: g.groups, count, spendSum, row: cellsOf(merged.index), rows, group: groupings.map((x) => cellsOf(x.of)) };
}
