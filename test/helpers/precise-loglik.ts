/**
 * An independent evaluation of the CLV likelihoods for tests: the textbook formulas of the
 * papers, term by term, in decimal arithmetic (decimal.js) with 40 digits beyond the
 * parameters' scale (60 digits are not enough where a shape parameter near 1e154 makes ln Γ
 * about 1e156), so no rearrangement or
 * cancellation of the production code (src/analytics/clv) can hide in both. Slow; meant for a
 * few hundred distinct rows.
 */
import { Decimal } from 'decimal.js';

export const D = Decimal.clone({ precision: 200 });

/**
 * Sets the working precision for parameters up to this size: 40 digits beyond the largest
 * magnitude, since ln Γ(q) ≈ q ln q must keep 40 digits after its integer part. Clears the
 * memo of ln Γ when the precision changes.
 */
function precisionFor(...params: number[]): void {
  const big = Math.max(1, ...params.map((p) => Math.abs(p)));
  const digits = 40 + Math.ceil(Math.log10(big) + Math.log10(Math.log(big) + 1));
  if (D.precision !== digits) {
    D.set({ precision: digits });
    memo.clear();
  }
}
export type Dec = InstanceType<typeof D>;

/** B_2k for k = 1..20 (DLMF Table 24.2.1) as numerator/denominator. */
const BERNOULLI: readonly [string, string][] = [
  ['1', '6'],
  ['-1', '30'],
  ['1', '42'],
  ['-1', '30'],
  ['5', '66'],
  ['-691', '2730'],
  ['7', '6'],
  ['-3617', '510'],
  ['43867', '798'],
  ['-174611', '330'],
  ['854513', '138'],
  ['-236364091', '2730'],
  ['8553103', '6'],
  ['-23749461029', '870'],
  ['8615841276005', '14322'],
  ['-7709321041217', '510'],
  ['2577687858367', '6'],
  ['-26315271553053477373', '1919190'],
  ['2929993913841559', '6'],
  ['-261082718496449122051', '13530'],
];
let halfLn2PiAt: [number, Dec] | undefined;
const halfLn2Pi = (): Dec => {
  if (!halfLn2PiAt || halfLn2PiAt[0] !== D.precision) halfLn2PiAt = [D.precision, new D(2).times(D.acos(-1)).ln().div(2)];
  return halfLn2PiAt[1];
};

const memo = new Map<string, Dec>();

/**
 * ln Γ(z) for z > 0: the recurrence up to z ≥ 30 (one logarithm of the product), then
 * Stirling's series with 20 terms (truncation below 1e-46 at z = 30); memoised, as a fit's
 * rows share most arguments.
 */
export function lnGamma(z: Decimal.Value): Dec {
  const key = new D(z);
  const k = key.toString();
  const hit = memo.get(k);
  if (hit) return hit;
  let x = key;
  let prod = new D(1);
  while (x.lt(30)) {
    prod = prod.times(x);
    x = x.plus(1);
  }
  let s = x.minus(0.5).times(x.ln()).minus(x).plus(halfLn2Pi());
  const inv2 = new D(1).div(x.times(x));
  let pow = new D(1).div(x);
  for (let k = 1; k <= BERNOULLI.length; k++) {
    const [num, den] = BERNOULLI[k - 1];
    s = s.plus(new D(num).div(new D(den).times(2 * k * (2 * k - 1))).times(pow));
    pow = pow.times(inv2);
  }
  const out = s.minus(prod.ln());
  if (memo.size > 100_000) memo.clear();
  memo.set(k, out);
  return out;
}

function lnBeta(a: Dec, b: Dec): Dec {
  return lnGamma(a).plus(lnGamma(b)).minus(lnGamma(a.plus(b)));
}

function logAddExp(x: Dec, y: Dec): Dec {
  const m = D.max(x, y);
  return m.plus(x.minus(m).exp().plus(y.minus(m).exp()).ln());
}

/** Gamma-Gamma, note 025 eq. (4): Γ(px+q)/(Γ(px)Γ(q)) v^q z̄^{px−1} x^{px} / (v + x z̄)^{px+q}. */
export function ggLogLikPrecise(p: number, q: number, v: number, x: number, zbar: number): Dec {
  precisionFor(p, q, v, x, zbar);
  const P = new D(p);
  const Q = new D(q);
  const V = new D(v);
  const X = new D(x);
  const Z = new D(zbar);
  const px = P.times(X);
  return lnGamma(px.plus(Q))
    .minus(lnGamma(px))
    .minus(lnGamma(Q))
    .plus(Q.times(V.ln()))
    .plus(px.minus(1).times(Z.ln()))
    .plus(px.times(X.ln()))
    .minus(px.plus(Q).times(V.plus(X.times(Z)).ln()));
}

/**
 * BG/NBD (FHL 2005 eq. 6) or, with `dropoutAtFirst`, MBG/NBD (Batislam et al. 2007):
 * B(a, b+x+s)/B(a,b) Γ(r+x) α^r / (Γ(r)(α+T)^{r+x}) + c_x B(a+1, b+x−1+s)/B(a,b) Γ(r+x) α^r / (Γ(r)(α+t_x)^{r+x}).
 */
export function bgLogLikPrecise(prm: { r: number; alpha: number; a: number; b: number }, x: number, tx: number, T: number, dropoutAtFirst: boolean): Dec {
  precisionFor(prm.r, prm.alpha, prm.a, prm.b, x, T);
  const r = new D(prm.r);
  const al = new D(prm.alpha);
  const a = new D(prm.a);
  const b = new D(prm.b);
  const X = new D(x);
  const s = dropoutAtFirst ? 1 : 0;
  const common = lnGamma(r.plus(X)).minus(lnGamma(r)).plus(r.times(al.ln())).minus(lnBeta(a, b));
  const alive = common.plus(lnBeta(a, b.plus(X).plus(s))).minus(r.plus(X).times(al.plus(T).ln()));
  if (!dropoutAtFirst && x === 0) return alive;
  const dead = common.plus(lnBeta(a.plus(1), b.plus(X).minus(1).plus(s))).minus(r.plus(X).times(al.plus(tx).ln()));
  return logAddExp(alive, dead);
}

/**
 * Pareto/NBD, Fader & Hardie (2005) eq. (22) with A₀ as the integral it stands for:
 * Γ(r+x) α^r β^s / Γ(r) [ (α+T)^{−(r+x)} (β+T)^{−s} + s ∫_{t_x}^{T} (α+u)^{−(r+x)} (β+u)^{−(s+1)} du ].
 * The integral (of a smooth, decreasing function) by composite Simpson with 4,000 and 8,000
 * panels and Richardson's step, in v = ln((c+u)/(c+t_x)), c = min(α, β) (in u itself, a steep
 * power of a small β + u near t_x took a few panels only), of the integrand relative to its
 * value at t_x; everything else in decimal. Holds to ~1e-14 where the hypergeometric form has
 * z near 1 (α and β far apart).
 */
export function pnbdLogLikPrecise(prm: { r: number; alpha: number; s: number; beta: number }, x: number, tx: number, T: number): Dec {
  precisionFor(prm.r, prm.alpha, prm.s, prm.beta, x, T);
  const r = new D(prm.r);
  const al = new D(prm.alpha);
  const s = new D(prm.s);
  const be = new D(prm.beta);
  const X = new D(x);
  const head = lnGamma(r.plus(X)).minus(lnGamma(r)).plus(r.times(al.ln())).plus(s.times(be.ln()));
  const alive = r.plus(X).neg().times(al.plus(T).ln()).minus(s.times(be.plus(T).ln()));
  if (!(T > tx)) return head.plus(alive);
  const f0 = r.plus(X).neg().times(al.plus(tx).ln()).minus(s.plus(1).times(be.plus(tx).ln()));
  const rx = prm.r + x;
  const s1 = prm.s + 1;
  const c = Math.min(prm.alpha, prm.beta) + tx;
  // du = (c + u − t_x) dv, u − t_x = c (e^v − 1)
  const g = (v: number): number => {
    const d = c * Math.expm1(v);
    return Math.exp(v - rx * Math.log1p(d / (prm.alpha + tx)) - s1 * Math.log1p(d / (prm.beta + tx))) * c;
  };
  const V = Math.log1p((T - tx) / c);
  const simpson = (n: number): number => {
    const h = V / n;
    let sum = g(0) + g(V);
    for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * g(i * h);
    return (sum * h) / 3;
  };
  // Richardson's step on Simpson's h⁴ error (Romberg)
  const coarse = simpson(4000);
  const fine = simpson(8000);
  const integral = fine + (fine - coarse) / 15;
  const dead = s.ln().plus(f0).plus(new D(integral).ln());
  return head.plus(logAddExp(alive, dead));
}

/** Σ weight × per-row value, as a JS number. */
export function totalPrecise(rows: number, weight: (i: number) => number, one: (i: number) => Dec): number {
  let t = new D(0);
  for (let i = 0; i < rows; i++) t = t.plus(one(i).times(weight(i)));
  return t.toNumber();
}
