/**
 * What the CLV model files share: the data a purchase model is fitted on, fit options, the
 * immutable fit result, and the predictor a fitted purchase model hands to scoring, CLV and
 * backtests.
 */
import { HESSIAN_WARNING, isInterior, maximizeLogLik, type OptimizeResult } from './optimize.js';
import { DataError } from '../../domain/errors.js';
import { validateWeights } from './compress.js';
import { mergeIdentical } from './compress.js';

/** Per-customer (x, t_x, T), optionally already merged with weights (a ClvSummary fits as is). */
export interface PurchaseData {
  readonly frequency: ArrayLike<number>;
  readonly recency: ArrayLike<number>;
  readonly T: ArrayLike<number>;
  /** Customers per row; when absent, identical rows are merged first. */
  readonly weight?: ArrayLike<number>;
}

export interface FitOptions<P> {
  /** L2 penalty on the natural parameters (lifetimes' penalizer_coef); default 0. */
  readonly penalizer?: number;
  /** Starting values; defaults are derived from the data. */
  readonly start?: Partial<P>;
  /** Starts tried at most when a start does not converge (default 4). */
  readonly maxStarts?: number;
  /** Likelihood evaluations at most over the whole fit (the optimiser's default bound otherwise). */
  readonly maxEvaluations?: number;
}

export interface ModelFit<M extends string, P> {
  readonly model: M;
  /** Parameters with the papers' names. */
  readonly params: Readonly<P>;
  /** Standard errors (delta method from the Hessian over log-parameters); null when unavailable. */
  readonly se: Readonly<{ [K in keyof P]: number | null }>;
  /**
   * Asymptotic covariance of the log-parameters (inverse of the Hessian of the negative
   * log-likelihood over ln θ, penalty included), in the order of the parameter names; null
   * when any standard error is unavailable. What interval draws (intervals.ts) sample from.
   */
  readonly logCovariance: readonly (readonly number[])[] | null;
  /** Total log-likelihood at the optimum (without the penalty). */
  readonly logLik: number;
  /** Optimiser iterations (Nelder–Mead and BFGS, all starts and the warm-up fit). */
  readonly iterations: number;
  /**
   * Log-likelihood evaluations used (all starts, gradients, the Hessian, and the warm-up fit on
   * a subsample where there is one); with an analytic gradient one pass computing the
   * log-likelihood and its gradient counts once.
   */
  readonly evaluations: number;
  readonly converged: boolean;
  /**
   * False when the values must not be written (the log-likelihood is not a finite number ≤ 0,
   * or does not re-evaluate to the same figure); `problem` says why.
   */
  readonly usable: boolean;
  readonly problem: string | null;
  readonly warnings: readonly string[];
  /** Customers fitted (sum of weights) and distinct rows the likelihood ran over. */
  readonly customers: number;
  readonly rows: number;
  readonly penalizer: number;
}

/** A fitted purchase model applied to a fixed set of customers (x, t_x, T). */
export interface PurchasePredictor {
  readonly size: number;
  /** P(alive) at T, per customer, in [0, 1]. */
  readonly pAlive: Float64Array;
  /**
   * Conditional expected repeat purchases in (T, T + t], t in units, per customer; written into
   * `out` when given (a loop over periods reuses two arrays instead of one new one a period).
   */
  expected(t: number, out?: Float64Array): Float64Array;
}

export interface WeightedRows {
  readonly size: number;
  readonly frequency: Float64Array;
  readonly recency: Float64Array;
  readonly T: Float64Array;
  readonly weight: Float64Array;
}

/**
 * The data as weighted rows: per-customer data has its identical rows merged (compress.ts; the
 * fit is the same, on ~1,000 rows for CDNOW's 2,357 customers); weighted rows (a summary's
 * counts) are taken as given, their weights checked to be whole numbers ≥ 0 and rows of
 * weight 0 left out.
 */
export function weightedRows(data: PurchaseData): WeightedRows {
  if (!data.weight) return mergeIdentical(data.frequency, data.recency, data.T);
  const n = data.frequency.length;
  if (data.recency.length !== n || data.T.length !== n || data.weight.length !== n)
    throw new DataError(`the weighted rows have ${n} values of x but ${data.recency.length} of t_x, ${data.T.length} of T and ${data.weight.length} weights`);
  validateWeights(data.weight);
  const W = data.weight;
  let size = 0;
  for (let i = 0; i < n; i++) if (W[i] > 0) size++;
  const out = { size, frequency: new Float64Array(size), recency: new Float64Array(size), T: new Float64Array(size), weight: new Float64Array(size) };
  for (let i = 0, j = 0; i < n; i++) {
    if (!(W[i] > 0)) continue;
    out.frequency[j] = data.frequency[i];
    out.recency[j] = data.recency[i];
    out.T[j] = data.T[i];
    out.weight[j] = W[i];
    j++;
  }
  return out;
}

/**
 * A total log-likelihood with its analytic gradient in one pass: `withGradient(p, grad)` returns
 * the log-likelihood and writes ∂LL/∂p into grad, in the order of the parameter names.
 */
export interface LogLikelihood<P> {
  readonly value: (p: P) => number;
  readonly withGradient: (p: P, grad: number[]) => number;
  /**
   * The same likelihood over a subsample of the rows (weights summing to `customers`): when
   * given and no start is set, a fit on it gives the start and the initial inverse Hessian of
   * the full fit, which then needs a few BFGS iterations only.
   */
  readonly coarse?: { readonly logLik: LogLikelihood<P>; readonly customers: number };
}

/** Rows a warm-up fit on a subsample aims at; data up to 4× that is fitted directly. */
export const SUBSAMPLE_ROWS = 10_000;

/** Stride k of the warm-up subsample (every k-th row); 1 = no subsample. */
export function subsampleStride(rows: number): number {
  return rows > 4 * SUBSAMPLE_ROWS ? Math.floor(rows / SUBSAMPLE_ROWS) : 1;
}

/**
 * A subsample of weighted rows for a warm-up fit, or undefined when the data is small: rows
 * with weight ≥ k are all kept, every k-th of the others is kept with its weight times k, so
 * the weights still sum to about the number of customers.
 */
export function subsampleRows(rows: WeightedRows): WeightedRows | undefined {
  const k = subsampleStride(rows.size);
  if (k <= 1) return undefined;
  const keep: number[] = [];
  const w: number[] = [];
  let light = 0;
  for (let i = 0; i < rows.size; i++) {
    if (rows.weight[i] >= k) {
      keep.push(i);
      w.push(rows.weight[i]);
    } else if (light++ % k === 0) {
      keep.push(i);
      w.push(rows.weight[i] * k);
    }
  }
  const pick = (a: Float64Array): Float64Array => Float64Array.from(keep, (i) => a[i]);
  return { size: keep.length, frequency: pick(rows.frequency), recency: pick(rows.recency), T: pick(rows.T), weight: Float64Array.from(w) };
}

/**
 * What the purchase models need before a fit: the customers (sum of weights), a scale for
 * the time parameter (mean T per repeat purchase, clamped), and whether the data identify
 * the model at all (some repeat purchase), with the warning to give when not.
 */
export function repeatPurchaseStart(rows: WeightedRows, modelLabel: string): { customers: number; scale: number; identified: boolean; warnings: string[] } {
  const customers = sum(rows.weight);
  let sx = 0;
  let sT = 0;
  for (let i = 0; i < rows.size; i++) {
    sx += rows.weight[i] * rows.frequency[i];
    sT += rows.weight[i] * rows.T[i];
  }
  const warnings: string[] = [];
  if (customers > 0 && sx === 0) warnings.push(`no customer has a repeat purchase in the calibration period: ${modelLabel} cannot be identified; use a longer calibration period`);
  const scale = sx > 0 && sT > 0 ? Math.min(1e6, Math.max(1e-3, sT / sx)) : 1;
  return { customers, scale, identified: sx > 0, warnings };
}

/**
 * Two parameters that may run to infinity together with a finite ratio: the model's limit
 * without heterogeneity in one respect (Gamma-Gamma's q and v: one spend rate for everyone),
 * which predicts well-defined values. `meaning(params)` says so in words.
 */
export interface ParameterLimit<P> {
  readonly pair: readonly [keyof P & string, keyof P & string];
  /** The second parameter runs to 0 while the first runs to infinity (their product stays finite). */
  readonly opposite?: boolean;
  readonly meaning: (params: P) => string;
}

/** r and α to infinity together (BG/NBD, MBG/NBD, Pareto/NBD): one purchase rate λ = r/α for every customer. */
export const PURCHASE_RATE_LIMIT: ParameterLimit<{ readonly r: number; readonly alpha: number }> = {
  pair: ['r', 'alpha'],
  meaning: (p) =>
    `r and alpha ran to infinity together: customers do not differ in purchase rate while alive, which is one rate r/alpha = ${(p.r / p.alpha).toPrecision(3)} per unit for everyone (the model's limit; its values hold, standard errors do not exist)`,
};

/** What a model file knows about its fit beyond the likelihood. */
export interface FitContext<P> {
  /** Customers fitted (sum of weights) and distinct rows. */
  readonly customers: number;
  readonly rows: number;
  /** Default start (overridden by FitOptions.start). */
  readonly start: P;
  readonly warnings?: readonly string[];
  /** False when the data cannot identify the model (the fit is then never "converged"). */
  readonly identified?: boolean;
  readonly limits?: readonly ParameterLimit<P>[];
}

/** Runs the optimiser over named parameters and builds the frozen result. */
export function fitNamed<M extends string, P extends { readonly [K in keyof P]: number }>(
  model: M,
  names: readonly (keyof P & string)[],
  logLik: ((p: P) => number) | LogLikelihood<P>,
  ctx: FitContext<P>,
  opts: FitOptions<P>,
): ModelFit<M, P> {
  const { customers, rows, start } = ctx;
  const identified = ctx.identified ?? true;
  const toP = (theta: readonly number[]): P => Object.fromEntries(names.map((n, i) => [n, theta[i]])) as unknown as P;
  const s = names.map((n) => (opts.start?.[n] as number | undefined) ?? (start[n] as number));
  const penalizer = opts.penalizer ?? 0;
  const value = typeof logLik === 'function' ? logLik : logLik.value;
  const withGradient = typeof logLik === 'function' ? undefined : logLik.withGradient;
  const coarse = typeof logLik === 'function' ? undefined : logLik.coarse;
  const run = (
    ll: (p: P) => number,
    grad: ((p: P, g: number[]) => number) | undefined,
    n: number,
    start: readonly number[],
    initialInverseHessian?: readonly (readonly number[])[],
  ): OptimizeResult =>
    maximizeLogLik((theta) => ll(toP(theta)), n, {
      start,
      penalizer,
      maxStarts: opts.maxStarts,
      maxEvaluations: opts.maxEvaluations,
      gradient: grad && ((theta, g) => grad(toP(theta), g)),
      initialInverseHessian,
    });
  let res: OptimizeResult | undefined;
  let extraEvaluations = 0;
  let extraIterations = 0;
  if (customers > 0 && coarse && coarse.customers > 0 && !opts.start) {
    // warm start: the fit on the subsample, then the full fit from there with its curvature
    const c = run(coarse.logLik.value, coarse.logLik.withGradient, coarse.customers, s);
    extraEvaluations += c.evaluations;
    extraIterations += c.iterations;
    if (c.converged && c.inverseHessian && isInterior(c.params.map(Math.log))) {
      const warm = run(value, withGradient, customers, c.params, c.inverseHessian);
      if (warm.converged) res = warm;
      else {
        extraEvaluations += warm.evaluations;
        extraIterations += warm.iterations;
      }
    }
  }
  if (customers > 0 && !res) res = run(value, withGradient, customers, s);
  if (res && (extraEvaluations > 0 || extraIterations > 0))
    res = { ...res, evaluations: res.evaluations + extraEvaluations, iterations: res.iterations + extraIterations };
  const params = toP(res ? res.params : s);
  const seOf = Object.fromEntries(names.map((n, i) => [n, res ? res.se[i] : null])) as Record<string, number | null>;
  let warnings = [...(ctx.warnings ?? []), ...(res ? res.warnings : ['there are no customers to fit the model on'])];
  let converged = res ? res.converged && identified : false;
  // a parameter run off to 0 or infinity: a limit of the model when it is a known pair gone to
  // infinity together, else the likelihood has no interior optimum
  const edge = names.filter((n) => !isInterior([Math.log(params[n] as number)]));
  const limits = (ctx.limits ?? []).filter(
    ({ pair: [u, v], opposite }) => edge.includes(u) && edge.includes(v) && (params[u] as number) > 1 && (opposite ? (params[v] as number) < 1 : (params[v] as number) > 1),
  );
  const unexplained = edge.filter((n) => !limits.some((l) => l.pair.includes(n)));
  if (res && edge.length > 0 && unexplained.length === 0) {
    // the optimum is the limit model: its values are well defined, its standard errors are not
    converged = res.settled && identified;
    warnings = warnings.filter((w) => w !== HESSIAN_WARNING);
    for (const l of limits) {
      warnings.push(l.meaning(params));
      for (const n of l.pair) seOf[n] = null;
    }
  } else if (res && edge.length > 0) {
    converged = false;
    warnings.push(
      `parameter ${edge.join(', ')} ran to a boundary (${edge.map((n) => (params[n] as number).toExponential(2)).join(', ')}): the data does not identify the model; try a --penalizer such as 0.001 or a longer calibration period`,
    );
  }
  // a fit that is not converged says so in words, whatever the reason (a Hessian that is not
  // positive definite only said that standard errors are missing)
  if (res && !converged && !warnings.some((w) => /converge|ran to a boundary|cannot be identified/.test(w))) {
    warnings.push('the fit did not converge to a clear optimum (the likelihood is flat or bends the wrong way there), so its values are uncertain: try a --penalizer such as 0.001 or a longer calibration period');
  }
  // the optimiser's inverse Hessian is of the mean objective (total / customers)
  const logCovariance =
    res && res.inverseHessian && names.every((n) => seOf[n] !== null) && customers > 0
      ? Object.freeze(res.inverseHessian.map((row) => Object.freeze(row.map((c) => c / customers))))
      : null;
  const logLikAt = res ? value(params) : NaN;
  const problem = !res ? 'there are no customers to fit the model on' : fitProblem(res.logLik, logLikAt);
  if (problem && res) warnings.push(problem);
  return Object.freeze({
    model,
    params: Object.freeze(params),
    se: Object.freeze(seOf as { [K in keyof P]: number | null }),
    logCovariance,
    logLik: res ? res.logLik : 0,
    iterations: res ? res.iterations : 0,
    evaluations: res ? res.evaluations : 0,
    converged,
    usable: problem === null,
    problem,
    warnings: Object.freeze(warnings),
    customers,
    rows,
    penalizer,
  });
}

/**
 * Why a fit's values must not be used, or null: its log-likelihood is not a finite number
 * ≤ 0 (a probability above 1 is a failed evaluation, not a fit), or the optimiser's figure
 * disagrees with a fresh evaluation at the reported parameters.
 */
export function fitProblem(reported: number, evaluated: number): string | null {
  if (!Number.isFinite(reported) || !Number.isFinite(evaluated))
    return `the log-likelihood at the fitted parameters is ${Number.isFinite(reported) ? evaluated : reported}, not a finite number: the model is not usable on this data`;
  if (reported > 0)
    return `the log-likelihood at the fitted parameters is ${reported.toExponential(3)}, above 0 (a probability above 1): the model is not usable on this data`;
  if (Math.abs(reported - evaluated) > 1e-6 * Math.max(1, Math.abs(evaluated)))
    return `the optimiser's log-likelihood (${reported}) differs from its evaluation at the fitted parameters (${evaluated}): the model is not usable on this data`;
  return null;
}

export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}
