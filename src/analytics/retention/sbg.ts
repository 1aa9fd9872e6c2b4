/**
 * The shifted-beta-geometric (sBG) model of contract duration: Fader, P. S. & Hardie, B. G. S.
 * (2007), "How to project customer retention", Journal of Interactive Marketing 21(1), 76–90.
 *
 * Each customer renews at the end of every period with a fixed probability 1 − θ (cancels with
 * probability θ); θ varies across customers as Beta(alpha, beta). With T the number of periods
 * a customer stays (T = 1: cancels at the end of the first period, never renews):
 *   P(T = t) = B(alpha + 1, beta + t − 1) / B(alpha, beta)            (paper eq. 1)
 *   S(t) = P(T > t) = B(alpha, beta + t) / B(alpha, beta)              (eq. 2)
 *   r(t) = S(t) / S(t − 1) = (beta + t − 1) / (alpha + beta + t − 1)   (eq. 8)
 * so survivors[t] of a cohort of survivors[0] customers are expected to be survivors[0] · S(t).
 *
 * The likelihood of one cohort's survivor counts n_0 ≥ n_1 ≥ … ≥ n_k (paper eq. 6): the
 * n_{t−1} − n_t customers lost in period t contribute P(T = t), the n_k still there after the
 * last period observed contribute S(k). Several cohorts share alpha and beta (each with its
 * own k). Parameters keep the paper's names. Pure: numbers in, numbers out.
 *
 * The discounted expected residual lifetime, Fader, P. S. & Hardie, B. G. S. (2010),
 * "Customer-Base Valuation in a Contractual Setting: The Perils of Ignoring Heterogeneity",
 * Marketing Science 29(1), 85–93, eq. 6: for a customer who has made n − 1 renewals (tenure n),
 * just before the decision to renew for the n-th time,
 *   DERL(d | alpha, beta, n − 1) = (beta + n − 1)/(alpha + beta + n − 1) · 2F1(1, beta + n; alpha + beta + n; 1/(1 + d)),
 * the expected number of further payments, the next (due now) undiscounted and each later one
 * discounted by 1/(1 + d) per period: Σ_{j≥0} S(n + j)/S(n − 1) · (1 + d)^−j.
 */
import { fitProblem } from '../clv/model.js';
import { isInterior, maximizeLogLik } from '../clv/optimize.js';
import { digammaRatio, hyp2f1Safe, lgammaRatio } from '../clv/special.js';

/** The sBG parameters, with the paper's names: θ ~ Beta(alpha, beta). */
export interface SbgParams {
  readonly alpha: number;
  readonly beta: number;
}

/** One cohort's survivors: survivors[0] customers at the start, survivors[t] still there after t periods. */
export interface SurvivorCurve {
  readonly cohort: string;
  readonly survivors: readonly number[];
}

/** ln S(t) = ln B(alpha, beta + t) − ln B(alpha, beta), t ≥ 0 (no cancellation for large parameters). */
export function logSurvival(p: SbgParams, t: number): number {
  return lgammaRatio(p.beta, t) - lgammaRatio(p.alpha + p.beta, t);
}

/** S(t) = P(T > t): the share of a cohort still subscribed after t periods. */
export function survival(p: SbgParams, t: number): number {
  return Math.exp(logSurvival(p, t));
}

/** P(T = t), t ≥ 1: the share of a cohort lost in period t (S(t − 1) · alpha/(alpha + beta + t − 1)). */
export function churnProbability(p: SbgParams, t: number): number {
  return Math.exp(logSurvival(p, t - 1)) * (p.alpha / (p.alpha + p.beta + t - 1));
}

/** r(t) = S(t)/S(t − 1), t ≥ 1: the share of those there after t − 1 periods who renew in period t. */
export function retentionRate(p: SbgParams, t: number): number {
  return (p.beta + t - 1) / (p.alpha + p.beta + t - 1);
}

/**
 * The log-likelihood of survivor curves (paper eq. 6, summed over cohorts); with `grad`, its
 * gradient [∂/∂alpha, ∂/∂beta] too. Curves must be non-increasing and non-negative.
 */
export function sbgLogLik(p: SbgParams, curves: readonly SurvivorCurve[], grad?: number[]): number {
  const { alpha: a, beta: b } = p;
  let ll = 0;
  let ga = 0;
  let gb = 0;
  for (const { survivors: n } of curves) {
    for (let t = 1; t < n.length; t++) {
      const lost = n[t - 1] - n[t];
      if (lost === 0) continue;
      // ln P(T = t) = ln S(t − 1) + ln alpha − ln(alpha + beta + t − 1)
      const s = a + b + t - 1;
      ll += lost * (logSurvival(p, t - 1) + Math.log(a) - Math.log(s));
      if (grad) {
        const dab = digammaRatio(a + b, t - 1);
        ga += lost * (-dab + 1 / a - 1 / s);
        gb += lost * (digammaRatio(b, t - 1) - dab - 1 / s);
      }
    }
    const k = n.length - 1;
    const last = n[k];
    if (k > 0 && last > 0) {
      ll += last * logSurvival(p, k);
      if (grad) {
        const dab = digammaRatio(a + b, k);
        ga -= last * dab;
        gb += last * (digammaRatio(b, k) - dab);
      }
    }
  }
  if (grad) {
    grad[0] = ga;
    grad[1] = gb;
  }
  return ll;
}

export interface SbgFit {
  readonly model: 'sbg';
  readonly params: SbgParams;
  /** Standard errors from the Hessian at the optimum (delta method); null when unavailable. */
  readonly se: { readonly alpha: number | null; readonly beta: number | null };
  readonly logLik: number;
  readonly converged: boolean;
  /** False when the log-likelihood is not a finite number ≤ 0: the values must not be used. */
  readonly usable: boolean;
  readonly warnings: readonly string[];
  /** Customers at the start of all cohorts, and the periods after the start observed (all cohorts). */
  readonly customers: number;
  readonly periods: number;
  readonly iterations: number;
  readonly evaluations: number;
}

/** Below this many observed periods (after the start, all cohorts) the fit gets a warning. */
export const FEW_PERIODS = 3;

/**
 * Fits alpha and beta by maximum likelihood (the CLV models' optimiser: BFGS with the analytic
 * gradient, standard errors from the Hessian over log-parameters). Never throws on a poor
 * fit: `converged` and `warnings` say so.
 */
export function fitSbg(curves: readonly SurvivorCurve[]): SbgFit {
  let customers = 0;
  let periods = 0;
  let lost = 0;
  for (const c of curves) {
    customers += c.survivors[0] ?? 0;
    periods += Math.max(0, c.survivors.length - 1);
    if (c.survivors.length > 1) lost += c.survivors[0] - c.survivors[c.survivors.length - 1];
  }
  const warnings: string[] = [];
  if (periods < FEW_PERIODS) {
    warnings.push(`only ${periods} period(s) after the cohort start observed: alpha and beta are poorly determined with fewer than ${FEW_PERIODS}; use a longer history (a later --as-of) or a shorter --period`);
  }
  const toP = (theta: readonly number[]): SbgParams => ({ alpha: theta[0], beta: theta[1] });
  if (customers <= 0 || periods === 0 || lost === 0) {
    const why = customers <= 0 ? 'there are no customers to fit the model on' : periods === 0 ? 'no period after the cohort start is observed, so there is no renewal to fit' : 'no customer was lost in the periods observed, so the churn probability cannot be estimated';
    return Object.freeze({ model: 'sbg', params: { alpha: NaN, beta: NaN }, se: { alpha: null, beta: null }, logLik: NaN, converged: false, usable: false, warnings: Object.freeze([...warnings, why]), customers, periods, iterations: 0, evaluations: 0 });
  }
  const res = maximizeLogLik((theta) => sbgLogLik(toP(theta), curves), customers, {
    start: [1, 1],
    gradient: (theta, g) => sbgLogLik(toP(theta), curves, g),
  });
  const params = toP(res.params);
  let se = { alpha: res.se[0], beta: res.se[1] };
  let converged = res.converged;
  if (!isInterior(res.params.map(Math.log))) {
    converged = false;
    if (params.alpha > 1 && params.beta > 1) {
      se = { alpha: null, beta: null };
      warnings.push(`alpha and beta ran to infinity together: customers do not differ in their churn probability, which is one rate alpha/(alpha+beta) = ${(params.alpha / (params.alpha + params.beta)).toPrecision(3)} per period for everyone (a geometric model); standard errors do not exist`);
    } else {
      warnings.push(`a parameter ran to a boundary (alpha ${params.alpha.toExponential(2)}, beta ${params.beta.toExponential(2)}): the survivor counts do not identify the model; use more periods or more customers`);
    }
  } else if (!res.settled) {
    warnings.push(`the sBG fit did not converge (after ${res.iterations} iterations): its alpha and beta are uncertain; use more periods or check the survivor counts`);
  } else if (!converged) {
    warnings.push('the sBG fit found no clear optimum (the Hessian is not positive definite), so standard errors are unavailable and the values are uncertain');
  }
  if (converged && ((se.alpha ?? 0) > params.alpha || (se.beta ?? 0) > params.beta)) {
    // a flat likelihood along alpha/(alpha + beta) = const: the optimiser stops on the ridge
    const near = params.alpha + params.beta > 100;
    warnings.push(
      `alpha and beta are poorly determined (standard errors ${se.alpha?.toPrecision(3)} and ${se.beta?.toPrecision(3)} exceed the estimates)` +
        (near
          ? `: customers barely differ in their churn probability, about alpha/(alpha+beta) = ${(params.alpha / (params.alpha + params.beta)).toPrecision(3)} per period for everyone (near the geometric model); the projections hold, the parameters themselves do not`
          : '; use more periods or more customers'),
    );
  }
  const problem = fitProblem(res.logLik, sbgLogLik(params, curves));
  if (problem) warnings.push(problem);
  return Object.freeze({
    model: 'sbg',
    params: Object.freeze(params),
    se: Object.freeze(se),
    logLik: res.logLik,
    converged,
    usable: problem === null,
    warnings: Object.freeze(warnings),
    customers,
    periods,
    iterations: res.iterations,
    evaluations: res.evaluations,
  });
}

/**
 * DERL(d | alpha, beta, n − 1 renewals) of Fader & Hardie (2010, eq. 6): the expected
 * discounted number of further payments of a customer at tenure n ≥ 1 (n − 1 renewals made),
 * the next one undiscounted; d > 0 is the discount rate per period (d = 0 diverges when
 * alpha ≤ 1, as the expected lifetime does).
 */
export function derl(p: SbgParams, n: number, d: number): number {
  const r = retentionRate(p, n);
  return r * hyp2f1Safe(1, p.beta + n, p.alpha + p.beta + n, 1 / (1 + d));
}
