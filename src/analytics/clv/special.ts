/**
 * Special functions for the CLV models. Log-gamma, digamma, log-beta and the Gauss hypergeometric
 * function come from stdlib (@stdlib/math-base-special-*, ports of Cephes / Boost, the same
 * algorithms SciPy uses, which is what lifetimes relies on). Only small compositions are
 * written here: log-sum-exp, and a plain power series for 2F1(1, b; c; z), which is both the
 * oracle the tests hold stdlib's 2F1 against and the fallback when it returns no finite value.
 */
import betalnLib from '@stdlib/math-base-special-betaln';
import digammaLib from '@stdlib/math-base-special-digamma';
import gammalnLib from '@stdlib/math-base-special-gammaln';
import hyp2f1Lib from '@stdlib/math-base-special-hyp2f1';

/** ln Γ(x) for x > 0 (stdlib, Cephes/Boost algorithm). */
export const gammaln: (x: number) => number = gammalnLib;

/** ψ(x) = d ln Γ(x)/dx for x > 0 (stdlib, Boost algorithm); used by the analytic gradients. */
export const digamma: (x: number) => number = digammaLib;

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), a, b > 0, without cancellation (stdlib). */
export const betaln: (a: number, b: number) => number = betalnLib;

/** Gauss hypergeometric 2F1(a, b; c; z) (stdlib, port of Cephes `hyp2f1`, as in SciPy). */
export const hyp2f1: (a: number, b: number, c: number, z: number) => number = hyp2f1Lib;

/**
 * 2F1(a, b; c; z) by its plain power series Σ (a)_n (b)_n / ((c)_n n!) z^n (DLMF 15.2.1), for
 * |z| < 1 and c not a non-positive integer; NaN when a million terms do not settle it.
 */
export function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  let sum = 1;
  let term = 1;
  for (let n = 0; n < 1_000_000; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (term === 0 || (Math.abs(term) <= 1e-16 * Math.abs(sum) && n > Math.abs(a * b))) return sum;
  }
  return NaN;
}

/**
 * stdlib's 2F1, falling back to the power series where it returns no finite value (Cephes'
 * branch for c − a − b close to an integer can return NaN, e.g. 2F1(1, 97.73; 147.73; 0.9)).
 */
export function hyp2f1Safe(a: number, b: number, c: number, z: number): number {
  const v = hyp2f1Lib(a, b, c, z);
  if (Number.isFinite(v)) return v;
  return Math.abs(z) < 1 ? hyp2f1Series(a, b, c, z) : v;
}

/** ln(e^x + e^y) without overflow; −∞ when both are −∞. */
export function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  return x > y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
}

/**
 * 2F1(1, b; c; z) by its power series Σ (b)_n/(c)_n z^n (DLMF 15.2.1), for b, c > 0, c > b
 * and 0 ≤ z < 1: every term is positive and each is at most z times the previous one, so the
 * sum converges geometrically and the tail after term t is below t·z/(1−z). Returns NaN when
 * 200,000 terms do not reach a relative 1e-16 (z within ~1e-4 of 1).
 */
export function hyp2f1OneSeries(b: number, c: number, z: number): number {
  if (z === 0) return 1;
  let sum = 1;
  let term = 1;
  for (let n = 0; n < 200_000; n++) {
    term *= ((b + n) / (c + n)) * z;
    sum += term;
    const ratio = (b + n + 1) / (c + n + 1);
    const q = ratio * z;
    if (term * (q < 1 ? q / (1 - q) : Infinity) <= 1e-17 * sum) return sum;
  }
  return NaN;
}

/**
 * ln 2F1(1, b; c; z) for 0 ≤ z < 1 and c > b > 0 (all terms positive, so the value is ≥ 1):
 * stdlib's 2F1 first, the series when that is not a finite value ≥ 1.
 */
export function logHyp2f1One(b: number, c: number, z: number): number {
  if (z === 0) return 0;
  const v = hyp2f1Lib(1, b, c, z);
  if (Number.isFinite(v) && v >= 1) return Math.log(v);
  return Math.log(hyp2f1OneSeries(b, c, z));
}
