/**
 * Pareto/NBD: Schmittlein, Morrison & Colombo (1987), "Counting Your Customers: Who Are They
 * and What Will They Do Next?", Management Science 33(1), 1–24; likelihood as in Fader &
 * Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions". Purchases
 * while alive are Poisson with rate λ ~ Gamma(r, α); lifetimes are exponential with rate
 * μ ~ Gamma(s, β). Parameter names as in the papers: r, alpha (α), s, beta (β).
 */
import { fitNamed, PURCHASE_RATE_LIMIT, repeatPurchaseStart, weightedRows, type FitOptions, type ModelFit, type PurchaseData, type PurchasePredictor } from './model.js';
import { pnbdLikelihood, pnbdLogLikRow, pnbdLogTerms, type ParetoNbdParams } from './pnbd-likelihood.js';
import { groupsByXT } from './summary.js';

export type { ParetoNbdParams } from './pnbd-likelihood.js';

export type ParetoNbdFit = ModelFit<'pnbd', ParetoNbdParams>;

/**
 * Log-likelihood of one customer, Fader & Hardie (2005) eq. (22):
 * L = Γ(r+x) α^r β^s / Γ(r) · [ 1/((α+T)^{r+x} (β+T)^s) + s/(r+s+x) · A₀ ]
 * (src/analytics/clv/pnbd-likelihood.ts).
 */
export function pnbdLogLik(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  return pnbdLogLikRow(p, x, tx, T);
}

export function pnbdTotalLogLik(p: ParetoNbdParams, data: PurchaseData): number {
  return pnbdLikelihood(weightedRows(data)).value(p);
}

/** The total log-likelihood and its gradient (∂/∂r, ∂/∂α, ∂/∂s, ∂/∂β) in one pass. */
export function pnbdTotalLogLikGradient(p: ParetoNbdParams, data: PurchaseData): { logLik: number; gradient: number[] } {
  const gradient = [0, 0, 0, 0];
  const logLik = pnbdLikelihood(weightedRows(data)).withGradient(p, gradient);
  return { logLik, gradient };
}

/** Maximum likelihood fit over the distinct (x, t_x, T) rows with their counts as weights, with the analytic gradient. */
export function fitParetoNbd(data: PurchaseData, opts: FitOptions<ParetoNbdParams> = {}): ParetoNbdFit {
  const rows = weightedRows(data);
  const { customers, scale, identified, warnings } = repeatPurchaseStart(rows, 'Pareto/NBD');
  return fitNamed('pnbd', ['r', 'alpha', 's', 'beta'], pnbdLikelihood(rows), {
    customers,
    rows: rows.size,
    start: { r: 1, alpha: scale, s: 1, beta: scale },
    warnings,
    identified,
    limits: [PURCHASE_RATE_LIMIT, { pair: ['s', 'beta'], meaning: (p) => `s and beta ran to infinity together: customers do not differ in their dropout rate, which is one rate s/beta = ${(p.s / p.beta).toPrecision(3)} per unit for everyone (the model's limit; its values hold, standard errors do not exist)` }],
  }, { maxEvaluations: PNBD_MAX_EVALUATIONS, ...opts });
}

/**
 * Each Pareto/NBD evaluation may sum hypergeometric series or integrate numerically: its fits
 * are bounded at this many evaluations (each computing the log-likelihood and its gradient;
 * CDNOW takes 36, Olist 2017 about 60) and then report that they did not settle, with what to
 * try, instead of running long.
 */
export const PNBD_MAX_EVALUATIONS = 3_000;

const gAlive = [0, 0, 0, 0];
const gDead = [0, 0, 0, 0];
function logTerms(p: ParetoNbdParams, x: number, tx: number, T: number): { alive: number; dead: number } {
  return pnbdLogTerms(p, x, tx, T, gAlive, gDead);
}

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
  // the expectation if alive depends on (x, T) only: one log1p and expm1 per distinct pair
  // (the value intervals ask for it 13 times per parameter draw)
  const g = groupsByXT(data);
  return Object.freeze({
    size: n,
    pAlive,
    expected(t: number, out = new Float64Array(n)): Float64Array {
      const perGroup = new Float64Array(g.groups);
      for (let k = 0; k < g.groups; k++) perGroup[k] = pnbdExpectedIfAlive(p, t, X[g.first[k]], T[g.first[k]]);
      for (let i = 0; i < n; i++) out[i] = perGroup[g.index[i]] * pAlive[i];
      return out;
    },
  });
}
