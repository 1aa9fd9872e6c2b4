/**
 * MBG/NBD: Batislam, Denizel & Filiztekin (2007), "Empirical validation and comparison of
 * models for customer base analysis", International Journal of Research in Marketing 24(3),
 * 201–209 (the model of lifetimes' ModifiedBetaGeoFitter). As BG/NBD, purchases while alive
 * are Poisson with rate λ ~ Gamma(r, α) and a customer drops out with probability
 * p ~ Beta(a, b) after a purchase, but the first purchase counts too: a customer can drop out
 * right after it, so P(alive) < 1 even without repeat purchases. Parameter names as in BG/NBD:
 * r, alpha (α), a, b.
 */
import { bgnbdExpectedIfAlive } from './bgnbd.js';
import { bgFamilyLogLik, bgFamilyLogLikOne, fitBgFamily } from './bg-likelihood.js';
import { groupsByXT } from './summary.js';
import { betaln, gammaln, logAddExp } from './special.js';
import { type FitOptions, type ModelFit, type PurchaseData, type PurchasePredictor } from './model.js';

export interface MbgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export type MbgNbdFit = ModelFit<'mbgnbd', MbgNbdParams>;

/**
 * Log-likelihood of one customer (Batislam et al. 2007; lifetimes' ModifiedBetaGeoFitter):
 * L = B(a, b+x+1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^{r+x})
 *   + B(a+1, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^{r+x}),
 * the second term (dropout right after the last purchase, the first one included) present for
 * x = 0 too, where it is a/(a+b). In logs: ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x+1)
 * − ln B(a, b) + ln( (α+T)^{−(r+x)} + a/(b+x) (α+t_x)^{−(r+x)} ), as B(a+1, b+x)/B(a, b+x+1) = a/(b+x).
 */
export function mbgnbdLogLik(p: MbgNbdParams, x: number, tx: number, T: number): number {
  return bgFamilyLogLikOne(p, x, tx, T, true);
}

/** Total (weighted) log-likelihood; per distinct x the gamma and beta terms are computed once. */
export function mbgnbdTotalLogLik(p: MbgNbdParams, data: PurchaseData): number {
  return bgFamilyLogLik(p, data, true);
}

/** The total log-likelihood and its gradient (∂/∂r, ∂/∂α, ∂/∂a, ∂/∂b) in one pass. */
export function mbgnbdTotalLogLikGradient(p: MbgNbdParams, data: PurchaseData): { logLik: number; gradient: number[] } {
  const gradient = [0, 0, 0, 0];
  const logLik = bgFamilyLogLik(p, data, true, gradient);
  return { logLik, gradient };
}

/** Maximum likelihood fit (src/analytics/clv/bg-likelihood.ts: fitBgFamily). */
export function fitMbgNbd(data: PurchaseData, opts: FitOptions<MbgNbdParams> = {}): MbgNbdFit {
  return fitBgFamily('mbgnbd', 'MBG/NBD', true, data, opts);
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + a/(b+x) ((α+T)/(α+t_x))^{r+x}), for every x including 0
 * (Batislam et al. 2007; lifetimes' conditional_probability_alive). At x = 0, T = 0 it is the
 * prior share that survives the first purchase, b/(a+b).
 */
export function mbgnbdPAlive(p: MbgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const lz = Math.log(a) - Math.log(b + x) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return lz > 0 ? Math.exp(-lz) / (1 + Math.exp(-lz)) : 1 / (1 + Math.exp(lz));
}

/**
 * Expected repeat purchases in (T, T+t] of a customer alive at T:
 * (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} 2F1(r+x, b+x+1; a+b+x; t/(α+T+t))],
 * which is BG/NBD's FHL (2005) eq. (10) bracket with b + 1 in place of b (given survival of
 * the first purchase, p is Beta(a, b+1)).
 */
function mbgnbdExpectedIfAlive(p: MbgNbdParams, t: number, x: number, T: number): number {
  return bgnbdExpectedIfAlive({ r: p.r, alpha: p.alpha, a: p.a, b: p.b + 1 }, t, x, T);
}

/**
 * E[Y(t) | x, t_x, T]: expected repeat purchases in (T, T+t] (Batislam et al. 2007; lifetimes'
 * conditional_expected_number_of_purchases_up_to_time) — the expectation if alive times P(alive).
 */
export function mbgnbdExpectedPurchases(p: MbgNbdParams, t: number, x: number, tx: number, T: number): number {
  return mbgnbdExpectedIfAlive(p, t, x, T) * mbgnbdPAlive(p, x, tx, T);
}

/**
 * E[X(t)] for a new customer over (0, t] (Batislam et al. 2007; lifetimes'
 * expected_number_of_purchases_up_to_time):
 * b/(a−1) · [1 − (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))], i.e. the expectation if alive at 0
 * times P(alive at 0) = b/(a+b).
 */
export function mbgnbdExpectedPurchasesNew(p: MbgNbdParams, t: number): number {
  return mbgnbdExpectedIfAlive(p, t, 0, 0) * (p.b / (p.a + p.b));
}

/**
 * The fitted model applied to customers: P(alive) once, and expected(t) with the
 * hypergeometric part computed once per distinct (x, T).
 */
export function mbgnbdPredictor(p: MbgNbdParams, data: PurchaseData): PurchasePredictor {
  const n = data.frequency.length;
  const { frequency: X, recency: TX, T } = data;
  const pAlive = new Float64Array(n);
  for (let i = 0; i < n; i++) pAlive[i] = mbgnbdPAlive(p, X[i], TX[i], T[i]);
  const g = groupsByXT(data);
  return Object.freeze({
    size: n,
    pAlive,
    expected(t: number, out = new Float64Array(n)): Float64Array {
      const perGroup = new Float64Array(g.groups);
      for (let k = 0; k < g.groups; k++) perGroup[k] = mbgnbdExpectedIfAlive(p, t, X[g.first[k]], T[g.first[k]]);
      for (let i = 0; i < n; i++) out[i] = perGroup[g.index[i]] * pAlive[i];
      return out;
    },
  });
}
