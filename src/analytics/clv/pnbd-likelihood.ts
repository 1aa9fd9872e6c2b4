/**
 * The Pareto/NBD log-likelihood and its analytic gradient (Fader & Hardie 2005, "A Note on
 * Deriving the Pareto/NBD Model and Related Expressions", eq. 22):
 * L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^{−(r+x)} (β+T)^{−s} + s ∫_{t_x}^{T} (α+u)^{−(r+x)} (β+u)^{−(s+1)} du ],
 * the first term "alive at T", the second "died at some u in (t_x, T]". The integral is the
 * difference of two hypergeometric terms (the bracket A₀ of the note) where their series
 * settles fast, and Gauss–Legendre quadrature of the integral itself where it does not (α and
 * β far apart, z near 1), so the likelihood has a value at every parameter point.
 */
import { digammaRatio, hyp2f1OneSeriesParts, lgammaRatio } from './special.js';
import { gaussLegendre } from './quadrature.js';
import type { LogLikelihood, WeightedRows } from './model.js';

export interface ParetoNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly s: number;
  readonly beta: number;
}

/** z of the hypergeometric terms above which the dead term is integrated numerically (the series needs ≥ ~4,000 terms past it). */
const SERIES_MAX_Z = 0.99;

const hypParts = [0, 0, 0];

/**
 * ln G(τ) + r ln α + s ln β, where G(τ) − G(T) = (r+s+x) ∫_τ^T (α+u)^{−(r+x)} (β+u)^{−(s+1)} du
 * is the bracket A₀ of the note (with α ≥ β: 2F1(r+s+x, s+1; r+s+x+1; (α−β)/(α+τ)) / (α+τ)^{r+s+x};
 * with α < β the roles swap). Euler's transformation (DLMF 15.8.1) turns that 2F1 into
 * (1−z)^{−s} 2F1(1, r+x; r+s+x+1; z), a series of positive terms, so for α ≥ β:
 * G(τ) = (α+τ)^{−(r+x)} (β+τ)^{−s} 2F1(1, r+x; r+s+x+1; (α−β)/(α+τ)); and for α < β:
 * G(τ) = (α+τ)^{1−(r+x)} (β+τ)^{−(s+1)} 2F1(1, s+1; r+s+x+1; (β−α)/(β+τ)). The head's
 * r ln α + s ln β is folded in as −r ln(1+τ/α) − s ln(1+τ/β), so no two large numbers are
 * subtracted when r, α (or s, β) run to infinity together. Writes ∂/∂(r, α, s, β) into g;
 * NaN where the series does not settle.
 */
function logG(p: ParetoNbdParams, x: number, tau: number, g: number[]): number {
  const { r, alpha, s, beta } = p;
  const c = r + s + x + 1;
  const scaled = -r * Math.log1p(tau / alpha) - s * Math.log1p(tau / beta);
  const at = alpha + tau;
  const bt = beta + tau;
  g[0] = -Math.log1p(tau / alpha);
  g[1] = (r * tau) / (alpha * at);
  g[2] = -Math.log1p(tau / beta);
  g[3] = (s * tau) / (beta * bt);
  const d = hypParts;
  if (alpha >= beta) {
    const F = hyp2f1OneSeriesParts(r + x, c, (alpha - beta) / at, d);
    const [fb, fc, fz] = [d[0] / F, d[1] / F, d[2] / F];
    g[0] += fb + fc;
    g[1] += -x / at + (fz * bt) / (at * at);
    g[2] += fc;
    g[3] -= fz / at;
    return scaled - x * Math.log(at) + Math.log(F);
  }
  const F = hyp2f1OneSeriesParts(s + 1, c, (beta - alpha) / bt, d);
  const [fb, fc, fz] = [d[0] / F, d[1] / F, d[2] / F];
  g[0] += fc;
  g[1] += (1 - x) / at - fz / bt;
  g[2] += fb + fc;
  g[3] += -1 / bt + (fz * at) / (bt * bt);
  return scaled + (1 - x) * Math.log(at) - Math.log(bt) + Math.log(F);
}

const g1 = [0, 0, 0, 0];
const g2 = [0, 0, 0, 0];

/**
 * The dead term ln[α^r β^s s/(r+s+x) · A₀] from the two hypergeometric terms, A₀ = G(t_x) − G(T) ≥ 0
 * (an integral of a positive function); its gradient into g. NaN where a series does not settle.
 */
function logDeadSeries(p: ParetoNbdParams, x: number, tx: number, T: number, g: number[]): number {
  const { r, s } = p;
  const l1 = logG(p, x, tx, g1);
  const l2 = logG(p, x, T, g2);
  if (Number.isNaN(l1) || Number.isNaN(l2)) return NaN;
  if (!(l2 < l1)) {
    g.fill(0);
    return -Infinity;
  }
  // ln(G1 − G2) = l1 + ln(1 − q), q = G2/G1; its derivative (dl1 − q dl2)/(1 − q)
  const q = Math.exp(l2 - l1);
  const k = 1 / (1 - q);
  for (let i = 0; i < 4; i++) g[i] = k * (g1[i] - q * g2[i]);
  const rsx = r + s + x;
  g[0] -= 1 / rsx;
  g[2] += 1 / s - 1 / rsx;
  return Math.log(s / rsx) + l1 + Math.log(-Math.expm1(l2 - l1));
}

/** Gauss–Legendre order of one panel, and the most the log-integrand may change over a panel (error then below 1e-15). */
const RULE = gaussLegendre(12);
const PANEL_LOG_CHANGE = 6;
const MAX_PANELS = 500;

/**
 * The dead term ln[s ∫_{t_x}^{T} α^r β^s (α+u)^{−(r+x)} (β+u)^{−(s+1)} du] by quadrature, its
 * gradient into g (∫ of the integrand's derivatives over the integral). With κ = min(α, β) the
 * substitution w = ln((κ+u)/(κ+t_x)) takes the power-law factor of the smaller scale out of
 * the integrand: in w its logarithm is concave (its slope σ falls), so the log-change over a
 * panel is at most max|σ| at its ends × its width. Panels are laid left to right with that
 * change ≤ 6, each with 12 Gauss–Legendre nodes, and the sum stops where the integrand is
 * falling and its tail (at most h/|σ| past the panel, by concavity) is below 1e-17 of the sum.
 * NaN when 500 panels do not cover it.
 */
function logDeadQuadrature(p: ParetoNbdParams, x: number, tx: number, T: number, g: number[]): number {
  const { r, alpha, s, beta } = p;
  const kappa = Math.min(alpha, beta);
  const c0 = kappa + tx;
  const at = alpha + tx;
  const bt = beta + tx;
  const rx = r + x;
  const s1 = s + 1;
  const W = Math.log1p((T - tx) / c0);
  // ln of the integrand in w relative to its value at w = 0, and its slope
  const rel = (w: number, d: number): number => w - rx * Math.log1p(d / at) - s1 * Math.log1p(d / bt);
  const slope = (d: number): number => 1 - (c0 + d) * (rx / (at + d) + s1 / (bt + d));
  let sum = 0;
  let dr = 0;
  let da = 0;
  let ds = 0;
  let db = 0;
  let a = 0;
  let sa = slope(0);
  for (let panels = 0; a < W; panels++) {
    if (panels >= MAX_PANELS) return NaN;
    let b = Math.min(W, a + PANEL_LOG_CHANGE / Math.max(Math.abs(sa), PANEL_LOG_CHANGE / W));
    let sb = slope(c0 * Math.expm1(b));
    for (let k = 0; k < 60 && Math.abs(sb) * (b - a) > PANEL_LOG_CHANGE; k++) {
      b = a + PANEL_LOG_CHANGE / Math.abs(sb);
      sb = slope(c0 * Math.expm1(b));
    }
    const half = (b - a) / 2;
    for (let i = 0; i < RULE.nodes.length; i++) {
      const w = a + half * (RULE.nodes[i] + 1);
      const d = c0 * Math.expm1(w);
      const u = tx + d;
      const v = RULE.weights[i] * half * Math.exp(rel(w, d));
      sum += v;
      dr -= v * Math.log1p(u / alpha);
      da += (v * (r * u - x * alpha)) / (alpha * (alpha + u));
      ds -= v * Math.log1p(u / beta);
      db += (v * (s * u - beta)) / (beta * (beta + u));
    }
    a = b;
    sa = sb;
    if (sb < 0 && a < W && Math.exp(rel(a, c0 * Math.expm1(a))) / -sb <= 1e-17 * sum) break;
  }
  if (!(sum > 0)) {
    g.fill(0);
    return -Infinity;
  }
  g[0] = dr / sum;
  g[1] = da / sum;
  g[2] = 1 / s + ds / sum;
  g[3] = db / sum;
  // ln of the integrand at u = t_x (in u, with the head folded in) plus ln(κ + t_x) from du = (κ+u) dw
  const at0 = -r * Math.log1p(tx / alpha) - x * Math.log(at) - s * Math.log1p(tx / beta) - Math.log(bt) + Math.log(c0);
  return Math.log(s) + at0 + Math.log(sum);
}

/**
 * The two terms of eq. (22) in logs, each with the head's r ln α + s ln β folded in: alive at T,
 * ln[α^r β^s (α+T)^{−(r+x)} (β+T)^{−s}], and died in (t_x, T], ln[α^r β^s s ∫…]; their gradients
 * into gAlive and gDead. The series where both hypergeometric terms settle fast, quadrature
 * otherwise.
 */
export function pnbdLogTerms(p: ParetoNbdParams, x: number, tx: number, T: number, gAlive: number[], gDead: number[]): { alive: number; dead: number } {
  const { r, alpha, s, beta } = p;
  const alive = -r * Math.log1p(T / alpha) - x * Math.log(alpha + T) - s * Math.log1p(T / beta);
  gAlive[0] = -Math.log1p(T / alpha);
  gAlive[1] = (r * T - x * alpha) / (alpha * (alpha + T));
  gAlive[2] = -Math.log1p(T / beta);
  gAlive[3] = (s * T) / (beta * (beta + T));
  if (!(T > tx)) {
    gDead.fill(0);
    return { alive, dead: -Infinity };
  }
  const z = Math.abs(alpha - beta) / (Math.max(alpha, beta) + tx);
  let dead = z <= SERIES_MAX_Z ? logDeadSeries(p, x, tx, T, gDead) : NaN;
  if (Number.isNaN(dead)) dead = logDeadQuadrature(p, x, tx, T, gDead);
  return { alive, dead };
}

const ga = [0, 0, 0, 0];
const gd = [0, 0, 0, 0];

/**
 * One customer's log-likelihood, ln Γ(r+x) − ln Γ(r) + ln(e^alive + e^dead); adds weight × its
 * gradient ∂/∂(r, α, s, β) into grad when given.
 */
export function pnbdLogLikRow(p: ParetoNbdParams, x: number, tx: number, T: number, weight = 1, grad?: number[]): number {
  const { alive, dead } = pnbdLogTerms(p, x, tx, T, ga, gd);
  let v: number;
  let pi: number;
  if (dead === -Infinity) {
    v = alive;
    pi = 0;
  } else if (alive > dead) {
    const e = Math.exp(dead - alive);
    v = alive + Math.log1p(e);
    pi = e / (1 + e);
  } else {
    const e = Math.exp(alive - dead);
    v = dead + Math.log1p(e);
    pi = 1 / (1 + e);
  }
  if (grad) {
    for (let i = 0; i < 4; i++) grad[i] += weight * (ga[i] + pi * (pi > 0 ? gd[i] - ga[i] : 0));
    grad[0] += weight * digammaRatio(p.r, x);
  }
  return lgammaRatio(p.r, x) + v;
}

/** The total log-likelihood over weighted rows, with its gradient in one pass. */
export function pnbdLikelihood(rows: WeightedRows): LogLikelihood<ParetoNbdParams> {
  const { size, frequency: X, recency: TX, T, weight: W } = rows;
  const value = (p: ParetoNbdParams): number => {
    let ll = 0;
    for (let i = 0; i < size; i++) ll += W[i] * pnbdLogLikRow(p, X[i], TX[i], T[i]);
    return ll;
  };
  const withGradient = (p: ParetoNbdParams, grad: number[]): number => {
    grad.fill(0, 0, 4);
    let ll = 0;
    for (let i = 0; i < size; i++) ll += W[i] * pnbdLogLikRow(p, X[i], TX[i], T[i], W[i], grad);
    return ll;
  };
  return { value, withGradient };
}
