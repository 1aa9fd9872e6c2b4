/**
 * BG/NBD: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An Alternative to
 * the Pareto/NBD Model", Marketing Science 24(2), 275–284. Purchases while alive are Poisson
 * with rate λ ~ Gamma(r, α) across customers; after each purchase a customer drops out with
 * probability p ~ Beta(a, b). Parameter names as in the paper: r, alpha (α), a, b.
 */
import { bgFamilyLogLik, bgFamilyLogLikOne, fitBgFamily } from './bg-likelihood.js';
import { groupsByXT } from './summary.js';
import { betaln, gammaln, hyp2f1Safe } from './special.js';
import { type FitOptions, type ModelFit, type PurchaseData, type PurchasePredictor } from './model.js';

export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export type BgNbdFit = ModelFit<'bgnbd', BgNbdParams>;

/**
 * Log-likelihood of one customer, FHL (2005) eq. (6):
 * L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^{r+x})
 *   + δ_{x>0} B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^{r+x}),
 * evaluated in logs as ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
 * + ln( (α+T)^{−(r+x)} + δ_{x>0} a/(b+x−1) (α+t_x)^{−(r+x)} ).
 */
export function bgnbdLogLik(p: BgNbdParams, x: number, tx: number, T: number): number {
  return bgFamilyLogLikOne(p, x, tx, T, false);
}

/** Total (weighted) log-likelihood; per distinct x the gamma and beta terms are computed once. */
export function bgnbdTotalLogLik(p: BgNbdParams, data: PurchaseData): number {
  return bgFamilyLogLik(p, data, false);
}

/** The total log-likelihood and its gradient (∂/∂r, ∂/∂α, ∂/∂a, ∂/∂b) in one pass. */
export function bgnbdTotalLogLikGradient(p: BgNbdParams, data: PurchaseData): { logLik: number; gradient: number[] } {
  const gradient = [0, 0, 0, 0];
  const logLik = bgFamilyLogLik(p, data, false, gradient);
  return { logLik, gradient };
}

/** Maximum likelihood fit (src/analytics/clv/bg-likelihood.ts: fitBgFamily). */
export function fitBgNbd(data: PurchaseData, opts: FitOptions<BgNbdParams> = {}): BgNbdFit {
  return fitBgFamily('bgnbd', 'BG/NBD', false, data, opts);
}

/**
 * P(alive | x, t_x, T), Fader, Hardie & Lee (2008 note "Computing P(alive) using the BG/NBD
 * model", eq. 2): 1 / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^{r+x}).
 */
export function bgnbdPAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x <= 0) return 1;
  const { r, alpha, a, b } = p;
  const lz = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return lz > 0 ? Math.exp(-lz) / (1 + Math.exp(-lz)) : 1 / (1 + Math.exp(lz));
}

/**
 * The part of FHL (2005) eq. (10) that depends on (x, T, t) only:
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))],
 * evaluated through Euler's transformation 2F1(A, B; C; z) = (1−z)^{C−A−B} 2F1(C−A, C−B; C; z)
 * (DLMF 15.8.1) so that no factor overflows: [1 − (1−z)^{a−1} 2F1(a+b−1−r, a−1; a+b+x−1; z)],
 * unless a − 1 > b + x, where the plain form is the one whose series shrinks.
 * Exported for MBG/NBD, whose expectation if alive is this one with b + 1 in place of b.
 */
export function bgnbdExpectedIfAlive(p: BgNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = p;
  // a = 1 is a removable singularity; step off it
  const a = Math.abs(p.a - 1) < 1e-9 ? 1 + 1e-9 : p.a;
  const z = t / (alpha + T + t);
  let bracket: number;
  if (b + x < a - 1) {
    // a large against b (an MBG/NBD fit on rare repeat buyers gives a near 2e5): the Euler form's
    // series grows like e^{(a−1)z} and overflows, the plain one shrinks at once
    const F = hyp2f1Safe(r + x, b + x, a + b + x - 1, z);
    bracket = -Math.expm1((r + x) * Math.log1p(-z) + Math.log(F));
  } else {
    const f = hyp2f1Safe(a + b - 1 - r, a - 1, a + b + x - 1, z);
    bracket = -Math.expm1((a - 1) * Math.log1p(-z)) * f - (f - 1);
  }
  const v = ((a + b + x - 1) / (a - 1)) * bracket;
  return Number.isFinite(v) && v > 0 ? v : 0;
}

/**
 * E[Y(t) | x, t_x, T]: expected repeat purchases in (T, T+t], FHL (2005) eq. (10) — the
 * expectation if alive times P(alive).
 */
export function bgnbdExpectedPurchases(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  return bgnbdExpectedIfAlive(p, t, x, T) * bgnbdPAlive(p, x, tx, T);
}

/**
 * E[X(t)] for a new customer over (0, t], FHL (2005) eq. (7):
 * (a+b−1)/(a−1) · [1 − (α/(α+t))^r 2F1(r, b; a+b−1; t/(α+t))].
 */
export function bgnbdExpectedPurchasesNew(p: BgNbdParams, t: number): number {
  // the same bracket as eq. (10) with x = 0 and T = 0
  return bgnbdExpectedIfAlive(p, t, 0, 0);
}

/**
 * P(X(t) = n) for a new customer over (0, t], FHL (2005) eq. (8):
 * B(a, b+n)/B(a, b) · Γ(r+n)/(Γ(r) n!) (α/(α+t))^r (t/(α+t))^n
 * + δ_{n>0} B(a+1, b+n−1)/B(a, b) · [1 − (α/(α+t))^r Σ_{j<n} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j].
 */
export function bgnbdProbabilityOfPurchases(p: BgNbdParams, t: number, n: number): number {
  const { r, alpha, a, b } = p;
  const lq = Math.log(alpha / (alpha + t));
  const lz = t > 0 ? Math.log(t / (alpha + t)) : -Infinity;
  const nbd = (j: number): number => Math.exp(gammaln(r + j) - gammaln(r) - gammaln(j + 1) + r * lq + (j > 0 ? j * lz : 0));
  let v = Math.exp(betaln(a, b + n) - betaln(a, b)) * nbd(n);
  if (n > 0) {
    let s = 0;
    for (let j = 0; j < n; j++) s += nbd(j);
    v += Math.exp(betaln(a + 1, b + n - 1) - betaln(a, b)) * Math.max(0, 1 - s);
  }
  return Math.min(1, Math.max(0, v));
}

/**
 * The fitted model applied to customers: P(alive) once, and expected(t) with the
 * hypergeometric part computed once per distinct (x, T).
 */
export function bgnbdPredictor(p: BgNbdParams, data: PurchaseData): PurchasePredictor {
  const n = data.frequency.length;
  const { frequency: X, recency: TX, T } = data;
  const pAlive = new Float64Array(n);
  for (let i = 0; i < n; i++) pAlive[i] = bgnbdPAlive(p, X[i], TX[i], T[i]);
  const g = groupsByXT(data);
  return Object.freeze({
    size: n,
    pAlive,
    expected(t: number, out = new Float64Array(n)): Float64Array {
      const perGroup = new Float64Array(g.groups);
      for (let k = 0; k < g.groups; k++) perGroup[k] = bgnbdExpectedIfAlive(p, t, X[g.first[k]], T[g.first[k]]);
      for (let i = 0; i < n; i++) out[i] = perGroup[g.index[i]] * pAlive[i];
      return out;
    },
  });
}
