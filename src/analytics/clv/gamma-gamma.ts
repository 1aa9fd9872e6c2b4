/**
 * Gamma-Gamma spend model: Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves for
 * Customer Base Analysis", JMR 42(4), 415–430, and Fader & Hardie (2013), "The Gamma-Gamma
 * Model of Monetary Value" (note 025). A customer's transaction values are Gamma(p, ν), with
 * ν ~ Gamma(q, v) across customers; fitted on the mean value z̄ of each repeat customer's x
 * repeat transactions. Parameter names as in note 025: p, q, v (γ in the JMR paper).
 */
import { groupRows } from './summary.js';
import { gammaln } from './special.js';
import { fitNamed, type FitOptions, type ModelFit } from './model.js';

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
 */
export function ggLogLik(params: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, v } = params;
  const px = p * x;
  return (
    gammaln(px + q) - gammaln(px) - gammaln(q) + q * Math.log(v) + (px - 1) * Math.log(zbar) + px * Math.log(x) - (px + q) * Math.log(v + x * zbar)
  );
}

/** The customers the fit uses: x > 0 and z̄ > 0 (finite). */
export function ggEligible(x: number, zbar: number): boolean {
  return x > 0 && zbar > 0 && Number.isFinite(zbar);
}

/**
 * Maximum likelihood fit over repeat customers with a positive mean spend. Per distinct x the
 * gamma terms are computed once and Σ z̄-terms are sufficient statistics, so one evaluation
 * costs one logarithm per customer.
 */
export function fitGammaGamma(data: SpendData, opts: FitOptions<GammaGammaParams> = {}): GammaGammaFit {
  const n = data.frequency.length;
  const X: number[] = [];
  const Z: number[] = [];
  const W: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i];
    const z = data.monetary[i];
    if (!ggEligible(x, z)) continue;
    X.push(x);
    Z.push(z);
    W.push(data.weight ? data.weight[i] : 1);
  }
  const m = X.length;
  const g = groupRows([X], m);
  const xs = Array.from(g.first, (r) => X[r]);
  const wx = new Float64Array(g.groups);
  let customers = 0;
  let sumWLogZ = 0;
  let sumWXLogZ = 0;
  let sumWXLogX = 0;
  let sumWZ = 0;
  let sumW2 = 0;
  const xz = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    wx[g.index[i]] += W[i];
    customers += W[i];
    const lz = Math.log(Z[i]);
    sumWLogZ += W[i] * lz;
    sumWXLogZ += W[i] * X[i] * lz;
    sumWXLogX += W[i] * X[i] * Math.log(X[i]);
    sumWZ += W[i] * Z[i];
    sumW2 += W[i] * Z[i] * Z[i];
    xz[i] = X[i] * Z[i];
  }
  const total = (prm: GammaGammaParams): number => {
    const { p, q, v } = prm;
    let ll = q * Math.log(v) * customers - gammaln(q) * customers + p * sumWXLogZ - sumWLogZ + p * sumWXLogX;
    for (let k = 0; k < xs.length; k++) ll += wx[k] * (gammaln(p * xs[k] + q) - gammaln(p * xs[k]));
    for (let i = 0; i < m; i++) ll -= W[i] * (p * X[i] + q) * Math.log(v + xz[i]);
    return ll;
  };
  // method-of-moments-ish start: mean spend = p v/(q−1) with q = 3
  const mean = customers > 0 ? sumWZ / customers : 1;
  const variance = customers > 0 ? Math.max(1e-12, sumW2 / customers - mean * mean) : 1;
  const p0 = Math.min(100, Math.max(0.1, (mean * mean) / variance));
  const warnings: string[] = [];
  if (customers === 0) warnings.push('no repeat customer with a positive mean spend: Gamma-Gamma cannot be fitted');
  return fitNamed('gg', ['p', 'q', 'v'], total, customers, m, { p: p0, q: 3, v: (2 * mean) / p0 }, opts, warnings);
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
  threshold = 0.3,
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
