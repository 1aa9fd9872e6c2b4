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
 * |z| < 1 and c not a non-positive integer; NaN when `maxTerms` terms do not settle it.
 */
export function hyp2f1Series(a: number, b: number, c: number, z: number, maxTerms = 1_000_000): number {
  let sum = 1;
  let term = 1;
  for (let n = 0; n < maxTerms; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (term === 0 || (Math.abs(term) <= 1e-16 * Math.abs(sum) && n > Math.abs(a * b))) return sum;
  }
  return NaN;
}

/**
 * 2F1 for the CLV predictions: with a, b, c > 0 and 0 ≤ z ≤ 0.9 every term of the power series
 * is positive (no cancellation) and the terms shrink geometrically, so the series is exact and
 * fast (stdlib takes milliseconds a call, and returns NaN, for c near 1e5, which an MBG/NBD
 * fit with b near 1e5 gives); stdlib's 2F1 otherwise, and the series where that returns no
 * finite value (Cephes' branch for c − a − b close to an integer can return NaN, e.g.
 * 2F1(1, 97.73; 147.73; 0.9)).
 */
export function hyp2f1Safe(a: number, b: number, c: number, z: number): number {
  if (a > 0 && b > 0 && c > 0 && z >= 0 && z <= 0.9) {
    const s = hyp2f1Series(a, b, c, z, 20_000);
    if (Number.isFinite(s)) return s;
  }
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
 * 20,000 terms do not reach a relative 1e-16 (z within ~2e-3 of 1), at once when the rate of
 * the terms says so.
 */
export function hyp2f1OneSeries(b: number, c: number, z: number): number {
  if (z === 0) return 1;
  // the terms shrink by about (b+n)/(c+n)·z each: when that is still within 2e-3 of 1
  // halfway through the budget, 20,000 terms cannot settle it, so do not spend them (a
  // likelihood evaluates this for every row on every step of a fit)
  if (1 - ((b + 1e4) / (c + 1e4)) * z < 2e-3) return NaN;
  let sum = 1;
  let term = 1;
  for (let n = 0; n < 20_000; n++) {
    term *= ((b + n) / (c + n)) * z;
    sum += term;
    const ratio = (b + n + 1) / (c + n + 1);
    const q = ratio * z;
    if (term * (q < 1 ? q / (1 - q) : Infinity) <= 1e-17 * sum) return sum;
  }
  return NaN;
}

/**
 * 2F1(1, b; c; z) by the series of hyp2f1OneSeries, with its partial derivatives: writes
 * [∂/∂b, ∂/∂c, ∂/∂z] into `d`. Term n is Π_{k<n} (b+k)/(c+k) z, so its derivatives are the term
 * times Σ_{k<n} 1/(b+k), −Σ_{k<n} 1/(c+k) and n/z, summed in the same pass (all terms of one
 * sign, no cancellation). Goes on until the tails of the derivative sums (terms growing like
 * n) are also below 1e-16 of their sums; NaN where hyp2f1OneSeries gives NaN.
 */
export function hyp2f1OneSeriesParts(b: number, c: number, z: number, d: number[]): number {
  d[0] = 0;
  d[1] = 0;
  d[2] = b / c;
  if (z === 0) return 1;
  if (1 - ((b + 1e4) / (c + 1e4)) * z < 2e-3) return NaN;
  let sum = 1;
  let term = 1;
  let hb = 0;
  let hc = 0;
  let sb = 0;
  let sc = 0;
  let sn = 0;
  for (let n = 0; n < 20_000; n++) {
    hb += 1 / (b + n);
    hc += 1 / (c + n);
    term *= ((b + n) / (c + n)) * z;
    sum += term;
    sb += term * hb;
    sc += term * hc;
    sn += (n + 1) * term;
    const q = ((b + n + 1) / (c + n + 1)) * z;
    if (q >= 1) continue;
    const tail = (term * q) / (1 - q);
    if (tail <= 1e-17 * sum && tail * (n + 2 + 1 / (1 - q)) <= 1e-16 * sn) {
      d[0] = sb;
      d[1] = -sc;
      d[2] = sn / z;
      return sum;
    }
  }
  return NaN;
}

/**
 * ln 2F1(1, b; c; z) for 0 ≤ z < 1 and c > b > 0 (all terms positive, so the value is ≥ 1):
 * the series first while z ≤ 0.99 (at most ~4,000 terms, and exact where stdlib's 2F1 takes
 * milliseconds and returns NaN for b and c near 1e6), stdlib's 2F1 closer to 1, the series
 * again when that is not a finite value ≥ 1.
 */
export function logHyp2f1One(b: number, c: number, z: number): number {
  if (z === 0) return 0;
  if (z <= 0.99) {
    const s = hyp2f1OneSeries(b, c, z);
    if (Number.isFinite(s) && s >= 1) return Math.log(s);
  }
  const v = hyp2f1Lib(1, b, c, z);
  if (Number.isFinite(v) && v >= 1) return Math.log(v);
  return Math.log(hyp2f1OneSeries(b, c, z));
}

/** A whole increment up to this is summed term by term (exact to rounding, however large x is). */
const SMALL_STEPS = 64;

/** The Stirling correction ln Γ(z) − [(z − ½) ln z − z + ½ ln 2π] for z ≥ 40 (DLMF 5.11.1, five terms; the next is below 1e-21). */
function stirlingCorrection(z: number): number {
  const i = 1 / z;
  const i2 = i * i;
  return i * (1 / 12 - i2 * (1 / 360 - i2 * (1 / 1260 - i2 * (1 / 1680 - i2 / 1188))));
}

/**
 * ln Γ(x + d) − ln Γ(x) for x > 0, d ≥ 0, without the cancellation of the plain difference
 * when x is large (a likelihood whose shape parameter runs to 1e8 or 1e150 loses every digit
 * in gammaln(x + d) − gammaln(x)): a sum of logarithms for a small whole d, the difference of
 * the Stirling series for x ≥ 40, the plain difference otherwise (where it is accurate).
 */
export function lgammaRatio(x: number, d: number): number {
  if (d === 0) return 0;
  if (Number.isInteger(d) && d > 0 && d <= SMALL_STEPS) {
    let s = 0;
    for (let j = 0; j < d; j++) s += Math.log(x + j);
    return s;
  }
  if (x >= 40) {
    // (x+d−½) ln(x+d) − (x−½) ln x − d = d ln x + (x+d−½) ln(1+d/x) − d
    return d * Math.log(x) + (x + d - 0.5) * Math.log1p(d / x) - d + stirlingCorrection(x + d) - stirlingCorrection(x);
  }
  return gammaln(x + d) - gammaln(x);
}

/** The asymptotic ψ(z) − ln z (DLMF 5.11.2) for z ≥ 40. */
function digammaTail(z: number): number {
  const i = 1 / z;
  const i2 = i * i;
  return -0.5 * i - i2 * (1 / 12 - i2 * (1 / 120 - i2 * (1 / 252 - i2 / 240)));
}

/** ψ(x + d) − ψ(x) for x > 0, d ≥ 0, without cancellation when x is large (as lgammaRatio). */
export function digammaRatio(x: number, d: number): number {
  if (d === 0) return 0;
  if (Number.isInteger(d) && d > 0 && d <= SMALL_STEPS) {
    let s = 0;
    for (let j = 0; j < d; j++) s += 1 / (x + j);
    return s;
  }
  if (x >= 40) return Math.log1p(d / x) + digammaTail(x + d) - digammaTail(x);
  return digamma(x + d) - digamma(x);
}

/** −ln B(a, b) = ln Γ(a+b) − ln Γ(a) − ln Γ(b), as a ratio in the larger argument (no cancellation when one is huge). */
export function negLogBeta(a: number, b: number): number {
  return a >= b ? lgammaRatio(a, b) - gammaln(b) : lgammaRatio(b, a) - gammaln(a);
}

/** ln B(a, b + d) − ln B(a, b) = [ln Γ(b+d) − ln Γ(b)] − [ln Γ(a+b+d) − ln Γ(a+b)], without cancellation. */
export function lbetaRatio(a: number, b: number, d: number): number {
  return lgammaRatio(b, d) - lgammaRatio(a + b, d);
}
