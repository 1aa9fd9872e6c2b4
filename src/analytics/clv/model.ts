/**
 * What the CLV model files share: the data a purchase model is fitted on, fit options, the
 * immutable fit result, and the predictor a fitted purchase model hands to scoring, CLV and
 * backtests.
 */
import { maximizeLogLik } from './optimize.js';
import { mergeIdentical } from './summary.js';

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
}

export interface ModelFit<M extends string, P> {
  readonly model: M;
  /** Parameters with the papers' names. */
  readonly params: Readonly<P>;
  /** Standard errors (delta method from the Hessian over log-parameters); null when unavailable. */
  readonly se: Readonly<{ [K in keyof P]: number | null }>;
  /** Total log-likelihood at the optimum (without the penalty). */
  readonly logLik: number;
  readonly iterations: number;
  /** Log-likelihood evaluations used (all starts, gradients and the Hessian). */
  readonly evaluations: number;
  readonly converged: boolean;
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
  /** Conditional expected repeat purchases in (T, T + t], t in units, per customer. */
  expected(t: number): Float64Array;
}

export interface WeightedRows {
  readonly size: number;
  readonly frequency: Float64Array;
  readonly recency: Float64Array;
  readonly T: Float64Array;
  readonly weight: Float64Array;
}

/** The data as weighted rows: merged when it has no weights, copied otherwise. */
export function weightedRows(data: PurchaseData): WeightedRows {
  if (!data.weight) return mergeIdentical(data.frequency, data.recency, data.T);
  return {
    size: data.frequency.length,
    frequency: Float64Array.from(data.frequency),
    recency: Float64Array.from(data.recency),
    T: Float64Array.from(data.T),
    weight: Float64Array.from(data.weight),
  };
}

/** Runs the optimiser over named parameters and builds the frozen result. */
export function fitNamed<M extends string, P extends { readonly [K in keyof P]: number }>(
  model: M,
  names: readonly (keyof P & string)[],
  logLik: (p: P) => number,
  customers: number,
  rows: number,
  start: P,
  opts: FitOptions<P>,
  extraWarnings: string[] = [],
  /** False when the data cannot identify the model (the fit is then never "converged"). */
  identified = true,
): ModelFit<M, P> {
  const toP = (theta: readonly number[]): P => Object.fromEntries(names.map((n, i) => [n, theta[i]])) as unknown as P;
  const s = names.map((n) => (opts.start?.[n] as number | undefined) ?? (start[n] as number));
  const penalizer = opts.penalizer ?? 0;
  const res =
    customers > 0
      ? maximizeLogLik((theta) => logLik(toP(theta)), customers, { start: s, penalizer, maxStarts: opts.maxStarts })
      : undefined;
  const params = toP(res ? res.params : s);
  const se = Object.fromEntries(names.map((n, i) => [n, res ? res.se[i] : null])) as unknown as { [K in keyof P]: number | null };
  const warnings = [...extraWarnings, ...(res ? res.warnings : ['there are no customers to fit the model on'])];
  let converged = res ? res.converged && identified : false;
  // a parameter run off to 0 or infinity: the likelihood has no interior optimum
  const edge = names.filter((n) => !(Math.abs(Math.log(params[n] as number)) < 15));
  if (res && edge.length > 0) {
    converged = false;
    warnings.push(
      `parameter ${edge.join(', ')} ran to a boundary (${edge.map((n) => (params[n] as number).toExponential(2)).join(', ')}): the data does not identify the model; try a --penalizer such as 0.001 or a longer calibration period`,
    );
  }
  return Object.freeze({
    model,
    params: Object.freeze(params),
    se: Object.freeze(se),
    logLik: res ? res.logLik : 0,
    iterations: res ? res.iterations : 0,
    evaluations: res ? res.evaluations : 0,
    converged,
    warnings: Object.freeze(warnings),
    customers,
    rows,
    penalizer,
  });
}

export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}
