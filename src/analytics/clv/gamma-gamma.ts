/**
 * Gamma-Gamma spend model: Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves for
 * Customer Base Analysis", JMR 42(4), 415–430, and Fader & Hardie (2013), "The Gamma-Gamma
 * Model of Monetary Value" (note 025). A customer's transaction values are Gamma(p, ν), with
 * ν ~ Gamma(q, v) across customers; fitted on the mean value z̄ of each repeat customer's x
 * repeat transactions. Parameter names as in note 025: p, q, v (γ in the JMR paper).
 */
import { CAUTION_SPEND_FREQUENCY_CORRELATION } from '../sample-size.js';
import { validateWeights } from './compress.js';
import { groupRows } from './summary.js';
import { digammaRatio, negLogBeta } from './special.js';
import { fitNamed, subsampleStride, type FitOptions, type LogLikelihood, type ModelFit, type ParameterLimit } from './model.js';

export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly v: number;
}

export type GammaGammaFit = ModelFit<'gg', GammaGammaParams>;

/** Repeat customers' x and z̄ (customers with x = 0 or z̄ ≤ 0 are left out of the fit). */
export interface SpendData {
  readonly frequency: ArrayLike<number>;
  readonly monetary: ArrayLike<number>;
  readonly weight?: ArrayLike<number>;
}

/**
 * Log-likelihood of one customer's mean spend z̄ over x transactions, note 025 eq. (4) /
 * FHL (2005, JMR) eq. (3):
 * f(z̄ | p, q, v, x) = Γ(px+q) / (Γ(px) Γ(q)) · v^q z̄^{px−1} x^{px} / (v + x z̄)^{px+q}.
 * Evaluated as −ln B(px, q) − ln z̄ − px ln(1 + v/(x z̄)) − q ln(1 + x z̄/v), which is the
 * same sum regrouped: the fit runs q and v to infinity together when customers barely differ
 * in spend, or p to infinity and v to 0 when a customer's orders barely differ from each
 * other, and the textbook form then subtracts numbers near 1e150 (ln Γ(q) against q ln v)
 * and reports a "log-likelihood" of +1e48; this form subtracts nothing large.
 */
export function ggLogLik(params: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, v } = params;
  const xz = x * zbar;
  return negLogBeta(p * x, q) - Math.log(zbar) - p * x * Math.log1p(v / xz) - q * Math.log1p(xz / v);
}

/** The customers the fit uses: x > 0 and z̄ > 0 (finite). */
export function ggEligible(x: number, zbar: number): boolean {
  return x > 0 && zbar > 0 && Number.isFinite(zbar);
}

/**
 * The total log-likelihood over customers (x, z̄, weight), and with its gradient in one pass,
 * in the cancellation-free form of ggLogLik. Per distinct x the gamma terms are computed once
 * and Σ w ln z̄ is a sufficient statistic, so one evaluation costs two logarithms per customer.
 */
function ggLikelihood(X: Float64Array, Z: Float64Array, W: Float64Array): LogLikelihood<GammaGammaParams> & { readonly customers: number } {
  const m = X.length;
  const g = groupRows([X], m);
  const xs = Array.from(g.first, (r) => X[r]);
  const wx = new Float64Array(g.groups);
  let customers = 0;
  let sumWLogZ = 0;
  const xz = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const w = W[i];
    wx[g.index[i]] += w;
    customers += w;
    sumWLogZ += w * Math.log(Z[i]);
    xz[i] = X[i] * Z[i];
  }
  const head = (p: number, q: number): number => {
    let ll = -sumWLogZ;
    for (let k = 0; k < xs.length; k++) ll += wx[k] * negLogBeta(p * xs[k], q);
    return ll;
  };
  const value = (prm: GammaGammaParams): number => {
    const { p, q, v } = prm;
    let ll = head(p, q);
    for (let i = 0; i < m; i++) ll -= W[i] * (p * X[i] * Math.log1p(v / xz[i]) + q * Math.log1p(xz[i] / v));
    return ll;
  };
  // the same sum and its gradient (ψ = digamma):
  // ∂/∂p = Σ w x (ψ(px+q) − ψ(px) − ln(1 + v/(x z̄))),
  // ∂/∂q = Σ w (ψ(px+q) − ψ(q) − ln(1 + x z̄/v)), ∂/∂v = Σ w (q x z̄/(v (v + x z̄)) − px/(v + x z̄))
  const withGradient = (prm: GammaGammaParams, grad: number[]): number => {
    const { p, q, v } = prm;
    let ll = head(p, q);
    let dp = 0;
    let dq = 0;
    for (let k = 0; k < xs.length; k++) {
      const px = p * xs[k];
      dp += wx[k] * xs[k] * digammaRatio(px, q);
      dq += wx[k] * digammaRatio(q, px);
    }
    let dv = 0;
    for (let i = 0; i < m; i++) {
      const w = W[i];
      const lp = Math.log1p(v / xz[i]);
      const lq = Math.log1p(xz[i] / v);
      ll -= w * (p * X[i] * lp + q * lq);
      dp -= w * X[i] * lp;
      dq -= w * lq;
      dv += (w * (q * (xz[i] / v) - p * X[i])) / (v + xz[i]);
    }
    grad[0] = dp;
    grad[1] = dq;
    grad[2] = dv;
    return ll;
  };
  return { value, withGradient, customers };
}

/** Total log-likelihood and its gradient (∂/∂p, ∂/∂q, ∂/∂v) over the eligible customers. */
export function ggTotalLogLikGradient(params: GammaGammaParams, data: SpendData): { logLik: number; gradient: number[] } {
  const { X, Z, W } = eligible(data);
  const gradient = [0, 0, 0];
  const logLik = ggLikelihood(X, Z, W).withGradient(params, gradient);
  return { logLik, gradient };
}

/**
 * The rows the fit runs over: eligible customers (x > 0, z̄ > 0) with their weights; weights
 * are checked to be whole numbers ≥ 0 and rows of weight 0 left out. Per-customer data is not
 * merged: mean spends are mostly distinct (a generated shop of 490k repeat customers has 335k
 * distinct (x, z̄)), and one evaluation costs two logarithms a row, so merging costs more than
 * it saves (bench/compress.js); a spend_counts table (compress.ts) is fitted as given.
 */
function eligible(data: SpendData): { X: Float64Array; Z: Float64Array; W: Float64Array } {
  const n = data.frequency.length;
  const given = data.weight;
  if (given) validateWeights(given);
  let m = 0;
  for (let i = 0; i < n; i++) if (ggEligible(data.frequency[i], data.monetary[i]) && (!given || given[i] > 0)) m++;
  const X = new Float64Array(m);
  const Z = new Float64Array(m);
  const W = new Float64Array(m);
  for (let i = 0, j = 0; i < n; i++) {
    const x = data.frequency[i];
    const z = data.monetary[i];
    if (!ggEligible(x, z) || (given && !(given[i] > 0))) continue;
    X[j] = x;
    Z[j] = z;
    W[j] = given ? given[i] : 1;
    j++;
  }
  return { X, Z, W };
}

/** p to infinity and v to 0: each customer's orders all cost their own average. */
const FIXED_SPEND_LIMIT: ParameterLimit<GammaGammaParams> = {
  pair: ['p', 'v'],
  opposite: true,
  meaning: () =>
    "p ran to infinity and v to 0: each customer's orders differ from one another no more than rounding, so every repeat customer's expected spend is their own average (the model's limit; its values hold, standard errors do not exist)",
};

/** q and v to infinity together: one spend rate ν = q/v for every customer. */
const SPEND_RATE_LIMIT: ParameterLimit<GammaGammaParams> = {
  pair: ['q', 'v'],
  meaning: (p) =>
    `q and v ran to infinity together: customers' average spends differ no more than chance makes them, so every customer's expected spend is the population mean ${ggPopulationMean(p).toFixed(2)} (the model's limit; its values hold, standard errors do not exist)`,
};

/**
 * Maximum likelihood fit over repeat customers with a positive mean spend, by BFGS with the
 * analytic gradient from a method-of-moments start; with many customers, warmed up by a fit
 * on every k-th customer.
 */
export function fitGammaGamma(data: SpendData, opts: FitOptions<GammaGammaParams> = {}): GammaGammaFit {
  const { X, Z, W } = eligible(data);
  const m = X.length;
  const full = ggLikelihood(X, Z, W);
  const customers = full.customers;
  let logLik: LogLikelihood<GammaGammaParams> = full;
  const k = subsampleStride(m);
  if (k > 1) {
    const size = Math.ceil(m / k);
    const sx = new Float64Array(size);
    const sz = new Float64Array(size);
    const sw = new Float64Array(size);
    for (let i = 0, j = 0; i < m; i += k, j++) {
      sx[j] = X[i];
      sz[j] = Z[i];
      sw[j] = W[i] * k;
    }
    const sub = ggLikelihood(sx, sz, sw);
    logLik = { value: full.value, withGradient: full.withGradient, coarse: { logLik: sub, customers: sub.customers } };
  }
  const warnings: string[] = [];
  if (customers === 0) warnings.push('no repeat customer with a positive mean spend: Gamma-Gamma cannot be fitted');
  return fitNamed('gg', ['p', 'q', 'v'], logLik, { customers, rows: m, start: ggMomentStart(X, Z, W), warnings, limits: [SPEND_RATE_LIMIT, FIXED_SPEND_LIMIT] }, opts);
}

/**
 * Method-of-moments start. Given ν, z̄ ~ Gamma(px, xν), and ν ~ Gamma(q, v), so
 * E[z̄] = p v/(q−1) and E[z̄² | x] = A/x + B with A = p v²/((q−1)(q−2)), B = p A: a weighted
 * least-squares line of z̄² on 1/x gives p = B/A, then B/E[z̄]² = (q−1)/(q−2) gives q and the
 * mean gives v. When that is not usable (one x only, q ≤ 2), a rough start: p from the
 * spend's coefficient of variation, q = 3, v from the mean.
 */
function ggMomentStart(X: Float64Array, Z: Float64Array, W: Float64Array): GammaGammaParams {
  let n = 0;
  let sZ = 0;
  let sZZ = 0;
  let sU = 0;
  let sUU = 0;
  let sUZZ = 0;
  for (let i = 0; i < X.length; i++) {
    const w = W[i];
    const u = 1 / X[i];
    const zz = Z[i] * Z[i];
    n += w;
    sZ += w * Z[i];
    sZZ += w * zz;
    sU += w * u;
    sUU += w * u * u;
    sUZZ += w * u * zz;
  }
  const mean = n > 0 ? sZ / n : 1;
  const variance = n > 0 ? Math.max(1e-12, sZZ / n - mean * mean) : 1;
  const p0 = Math.min(100, Math.max(0.1, (mean * mean) / variance));
  const rough = { p: p0, q: 3, v: (2 * mean) / p0 };
  if (!(n > 0)) return rough;
  const mu = sU / n;
  const varU = sUU / n - mu * mu;
  if (!(varU > 1e-12 * mu * mu)) return rough;
  const A = (sUZZ / n - mu * (sZZ / n)) / varU;
  const B = sZZ / n - A * mu;
  const R = B / (mean * mean);
  if (!(A > 0 && B > 0 && R > 1 + 1e-6)) return rough;
  const p = B / A;
  const q = (2 * R - 1) / (R - 1);
  const v = (mean * (q - 1)) / p;
  return [p, q, v].every((t) => Number.isFinite(t) && t > 1e-4 && t < 1e6) ? { p, q, v } : rough;
}

/**
 * E[M | p, q, v, x, z̄], note 025 eq. (5): (p v + p x z̄) / (p x + q − 1), a weighted mean of
 * the population mean p v/(q−1) and the customer's own z̄. Customers without repeats (x = 0)
 * get the population mean; a non-positive z̄ (net refunds) counts as 0. Needs q > 1 (else
 * the population mean is infinite): returns z̄ then, or 0.
 */
export function ggExpectedAverageValue(params: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, v } = params;
  const z = zbar > 0 && Number.isFinite(zbar) ? zbar : 0;
  if (!(q > 1)) return x > 0 ? z : 0;
  return (p * v + p * x * z) / (p * x + q - 1);
}

/** ggExpectedAverageValue for every customer. */
export function ggExpectedAverageValues(params: GammaGammaParams, frequency: ArrayLike<number>, monetary: ArrayLike<number>): Float64Array {
  const out = new Float64Array(frequency.length);
  for (let i = 0; i < out.length; i++) out[i] = ggExpectedAverageValue(params, frequency[i], monetary[i]);
  return out;
}

/** Population mean spend p v / (q − 1) (infinite when q ≤ 1). */
export function ggPopulationMean(params: GammaGammaParams): number {
  return params.q > 1 ? (params.p * params.v) / (params.q - 1) : Infinity;
}

/**
 * Pearson correlation of x and z̄ over the fit's customers: Gamma-Gamma assumes spend is
 * independent of frequency. Returns the correlation (0 when undefined) and a warning when
 * |ρ| > threshold (default 0.3).
 */
export function spendFrequencyCorrelation(
  data: SpendData,
  threshold = CAUTION_SPEND_FREQUENCY_CORRELATION,
): { readonly correlation: number; readonly customers: number; readonly warning?: string } {
  let n = 0;
  let sx = 0;
  let sz = 0;
  let sxx = 0;
  let szz = 0;
  let sxz = 0;
  for (let i = 0; i < data.frequency.length; i++) {
    const x = data.frequency[i];
    const z = data.monetary[i];
    if (!ggEligible(x, z)) continue;
    const w = data.weight ? data.weight[i] : 1;
    n += w;
    sx += w * x;
    sz += w * z;
    sxx += w * x * x;
    szz += w * z * z;
    sxz += w * x * z;
  }
  const cov = n > 0 ? sxz / n - (sx / n) * (sz / n) : 0;
  const vx = n > 0 ? sxx / n - (sx / n) ** 2 : 0;
  const vz = n > 0 ? szz / n - (sz / n) ** 2 : 0;
  const rho = vx > 0 && vz > 0 ? Math.max(-1, Math.min(1, cov / Math.sqrt(vx * vz))) : 0;
  const result = { correlation: rho, customers: n };
  if (Math.abs(rho) > threshold) {
    return Object.freeze({
      ...result,
      warning: `spend and purchase frequency are correlated (ρ = ${rho.toFixed(2)} over ${n} repeat customers); Gamma-Gamma assumes they are independent, so expected values may be biased`,
    });
  }
  return Object.freeze(result);
}
