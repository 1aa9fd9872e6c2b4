/**
 * Pareto/NBD: Schmittlein, Morrison & Colombo (1987), "Counting Your Customers: Who Are They
 * and What Will They Do Next?", Management Science 33(1), 1–24; likelihood as in Fader &
 * Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions". Purchases
 * while alive are Poisson with rate λ ~ Gamma(r, α); lifetimes are exponential with rate
 * μ ~ Gamma(s, β). Parameter names as in the papers: r, alpha (α), s, beta (β).
 */
import { fitNamed, PURCHASE_RATE_LIMIT, repeatPurchaseStart, weightedRows, type FitOptions, type ModelFit, type PurchaseData, type PurchasePredictor } from './model.js';
import { lgammaRatio, logHyp2f1One } from './special.js';

export interface ParetoNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly s: number;
  readonly beta: number;
}

export type ParetoNbdFit = ModelFit<'pnbd', ParetoNbdParams>;

/**
 * ln G(τ) + r ln α + s ln β, where G(τ) − G(T) = (r+s+x) ∫_τ^T (α+u)^{−(r+x)} (β+u)^{−(s+1)} du
 * is the bracket A₀ of Fader & Hardie (2005) eq. (22) (with α ≥ β: 2F1(r+s+x, s+1; r+s+x+1;
 * (α−β)/(α+τ)) / (α+τ)^{r+s+x}; with α < β the roles swap). Euler's transformation (DLMF
 * 15.8.1) turns that 2F1 into (1−z)^{−s} 2F1(1, r+x; r+s+x+1; z), a series of positive terms
 * bounded by 1/(1−z), so for α ≥ β: G(τ) = (α+τ)^{−(r+x)} (β+τ)^{−s} 2F1(1, r+x; r+s+x+1;
 * (α−β)/(α+τ)); and for α < β: G(τ) = (α+τ)^{1−(r+x)} (β+τ)^{−(s+1)} 2F1(1, s+1; r+s+x+1;
 * (β−α)/(β+τ)). The head's r ln α + s ln β is folded in as −r ln(1+τ/α) − s ln(1+τ/β), so
 * no two large numbers are subtracted when r, α (or s, β) run to infinity together.
 */
function logG(p: ParetoNbdParams, x: number, tau: number): number {
  const { r, alpha, s, beta } = p;
  const rsx = r + s + x;
  const scaled = -r * Math.log1p(tau / alpha) - s * Math.log1p(tau / beta);
  if (alpha >= beta) {
    const z = (alpha - beta) / (alpha + tau);
    return scaled - x * Math.log(alpha + tau) + logHyp2f1One(r + x, rsx + 1, z);
  }
  const z = (beta - alpha) / (beta + tau);
  return scaled + (1 - x) * Math.log(alpha + tau) - Math.log(beta + tau) + logHyp2f1One(s + 1, rsx + 1, z);
}

/**
 * The two terms of Fader & Hardie (2005) eq. (22) in logs, each with the head's r ln α + s ln β
 * folded in: alive at T, ln[α^r β^s (α+T)^{−(r+x)} (β+T)^{−s}], and died in (t_x, T],
 * ln[α^r β^s s/(r+s+x) · A₀].
 */
function logTerms(p: ParetoNbdParams, x: number, tx: number, T: number): { alive: number; dead: number } {
  const { r, alpha, s, beta } = p;
  const alive = -r * Math.log1p(T / alpha) - x * Math.log(alpha + T) - s * Math.log1p(T / beta);
  if (T <= tx) return { alive, dead: -Infinity };
  const g1 = logG(p, x, tx);
  const g2 = logG(p, x, T);
  // where the hypergeometric function has no value (z within ~1e-4 of 1: α and β far apart
  // and both huge), the likelihood has none either: NaN keeps the optimiser away, and a fit
  // that ends there is not usable, instead of a finite value without the dropout term
  if (Number.isNaN(g1) || Number.isNaN(g2)) return { alive, dead: NaN };
  // A₀ = G(t_x) − G(T) ≥ 0 (an integral of a positive function)
  const diff = g2 < g1 ? g1 + Math.log(-Math.expm1(g2 - g1)) : -Infinity;
  return { alive, dead: Math.log(s / (r + s + x)) + diff };
}

/**
 * Log-likelihood of one customer, Fader & Hardie (2005) eq. (22):
 * L = Γ(r+x) α^r β^s / Γ(r) · [ 1/((α+T)^{r+x} (β+T)^s) + s/(r+s+x) · A₀ ].
 */
export function pnbdLogLik(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const t = logTerms(p, x, tx, T);
  return lgammaRatio(p.r, x) + logAddExp2(t.alive, t.dead);
}

function logAddExp2(a: number, b: number): number {
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

export function pnbdTotalLogLik(p: ParetoNbdParams, data: PurchaseData): number {
  const rows = weightedRows(data);
  let ll = 0;
  for (let i = 0; i < rows.size; i++) ll += rows.weight[i] * pnbdLogLik(p, rows.frequency[i], rows.recency[i], rows.T[i]);
  return ll;
}

/** Maximum likelihood fit (identical rows merged unless weights are given). */
export function fitParetoNbd(data: PurchaseData, opts: FitOptions<ParetoNbdParams> = {}): ParetoNbdFit {
  const rows = weightedRows(data);
  const { customers, scale, identified, warnings } = repeatPurchaseStart(rows, 'Pareto/NBD');
  // over the merged rows directly (pnbdTotalLogLik would copy them on every evaluation)
  const total = (p: ParetoNbdParams): number => {
    let ll = 0;
    for (let i = 0; i < rows.size; i++) ll += rows.weight[i] * pnbdLogLik(p, rows.frequency[i], rows.recency[i], rows.T[i]);
    return ll;
  };
  return fitNamed('pnbd', ['r', 'alpha', 's', 'beta'], total, {
    customers,
    rows: rows.size,
    start: { r: 1, alpha: scale, s: 1, beta: scale },
    warnings,
    identified,
    limits: [PURCHASE_RATE_LIMIT, { pair: ['s', 'beta'], meaning: (p) => `s and beta ran to infinity together: customers do not differ in their dropout rate, which is one rate s/beta = ${(p.s / p.beta).toPrecision(3)} per unit for everyone (the model's limit; its values hold, standard errors do not exist)` }],
  }, { maxEvaluations: PNBD_MAX_EVALUATIONS, ...opts });
}

/**
 * Pareto/NBD has no analytic gradient here, and each evaluation may sum hypergeometric series:
 * its fits are bounded at this many evaluations (CDNOW takes about 380) and then report that
 * they did not settle, instead of running for tens of minutes.
 */
export const PNBD_MAX_EVALUATIONS = 3_000;

/**
 * P(alive | x, t_x, T), Fader & Hardie (2005) eq. (18): the share of the likelihood in the
 * "alive at T" term, 1 / (1 + s/(r+s+x) (α+T)^{r+x} (β+T)^s A₀).
 */
export function pnbdPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const t = logTerms(p, x, tx, T);
  if (t.dead === -Infinity) return 1;
  const d = t.dead - t.alive;
  return d > 0 ? Math.exp(-d) / (1 + Math.exp(-d)) : 1 / (1 + Math.exp(d));
}

/**
 * Expected purchases in (T, T+t] if alive at T, Schmittlein et al. (1987) eq. (22) / Fader &
 * Hardie (2005) eq. (20) without P(alive): (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^{s−1}]
 * (the limit (r+x)(β+T)/(α+T) · ln((β+T+t)/(β+T)) at s = 1).
 */
function pnbdExpectedIfAlive(p: ParetoNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = p;
  const l = Math.log1p(t / (beta + T));
  const sm1 = s - 1;
  const f = Math.abs(sm1 * l) < 1e-12 ? l : -Math.expm1(-sm1 * l) / sm1;
  return ((r + x) * (beta + T) * f) / (alpha + T);
}

/** E[Y(t) | x, t_x, T], Fader & Hardie (2005) eq. (20). */
export function pnbdExpectedPurchases(p: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  return pnbdExpectedIfAlive(p, t, x, T) * pnbdPAlive(p, x, tx, T);
}

/** E[X(t)] for a new customer, Schmittlein et al. (1987) eq. (17): r β / (α (s−1)) · [1 − (β/(β+t))^{s−1}]. */
export function pnbdExpectedPurchasesNew(p: ParetoNbdParams, t: number): number {
  return pnbdExpectedIfAlive(p, t, 0, 0);
}

export function pnbdPredictor(p: ParetoNbdParams, data: PurchaseData): PurchasePredictor {
  const n = data.frequency.length;
  const { frequency: X, recency: TX, T } = data;
  const pAlive = new Float64Array(n);
  for (let i = 0; i < n; i++) pAlive[i] = pnbdPAlive(p, X[i], TX[i], T[i]);
  return Object.freeze({
    size: n,
    pAlive,
    expected(t: number): Float64Array {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = pnbdExpectedIfAlive(p, t, X[i], T[i]) * pAlive[i];
      return out;
    },
  });
}
