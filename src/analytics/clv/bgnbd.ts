/**
 * BG/NBD: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An Alternative to
 * the Pareto/NBD Model", Marketing Science 24(2), 275–284. Purchases while alive are Poisson
 * with rate λ ~ Gamma(r, α) across customers; after each purchase a customer drops out with
 * probability p ~ Beta(a, b). Parameter names as in the paper: r, alpha (α), a, b.
 */
import { groupRows } from './summary.js';
import { betaln, digamma, gammaln, hyp2f1Safe, logAddExp } from './special.js';
import { fitNamed, subsampleRows, sum, weightedRows, type FitOptions, type LogLikelihood, type ModelFit, type PurchaseData, type PurchasePredictor } from './model.js';

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
  const { r, alpha, a, b } = p;
  const head = gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + betaln(a, b + x) - betaln(a, b);
  const a3 = -(r + x) * Math.log(alpha + T);
  const a4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
  return head + logAddExp(a3, a4);
}

/** Total (weighted) log-likelihood; per distinct x the gamma and beta terms are computed once. */
export function bgnbdTotalLogLik(p: BgNbdParams, data: PurchaseData): number {
  return makeTotal(weightedRows(data)).value(p);
}

/** The total log-likelihood and its gradient (∂/∂r, ∂/∂α, ∂/∂a, ∂/∂b) in one pass. */
export function bgnbdTotalLogLikGradient(p: BgNbdParams, data: PurchaseData): { logLik: number; gradient: number[] } {
  const gradient = [0, 0, 0, 0];
  const logLik = makeTotal(weightedRows(data)).withGradient(p, gradient);
  return { logLik, gradient };
}

function makeTotal(rows: ReturnType<typeof weightedRows>): LogLikelihood<BgNbdParams> {
  const { frequency: X, recency: TX, T, weight: W, size: n } = rows;
  // gamma/beta terms per distinct x, logarithms per distinct T and t_x: a ledger in days has
  // few distinct values of each, so one evaluation costs about one exp and one log per row
  const gx = groupRows([X], n);
  const gT = groupRows([T], n);
  const gR = groupRows([TX], n);
  const xs = Array.from(gx.first, (r) => X[r]);
  const Ts = Array.from(gT.first, (r) => T[r]);
  const Rs = Array.from(gR.first, (r) => TX[r]);
  const head = new Float64Array(gx.groups);
  const lc = new Float64Array(gx.groups);
  const lT = new Float64Array(gT.groups);
  const lR = new Float64Array(gR.groups);
  const ix = gx.index;
  const iT = gT.index;
  const iR = gR.index;
  const value = (p: BgNbdParams): number => {
    const { r, alpha, a, b } = p;
    const common = -gammaln(r) + r * Math.log(alpha) - betaln(a, b);
    const la = Math.log(a);
    for (let g = 0; g < xs.length; g++) {
      const x = xs[g];
      head[g] = gammaln(r + x) + betaln(a, b + x) + common;
      lc[g] = x > 0 ? la - Math.log(b + x - 1) : -Infinity;
    }
    for (let g = 0; g < Ts.length; g++) lT[g] = Math.log(alpha + Ts[g]);
    for (let g = 0; g < Rs.length; g++) lR[g] = Math.log(alpha + Rs[g]);
    let ll = 0;
    for (let i = 0; i < n; i++) {
      const g = ix[i];
      const x = X[i];
      const a3 = -(r + x) * lT[iT[i]];
      let v = a3;
      if (x > 0) {
        const a4 = lc[g] - (r + x) * lR[iR[i]];
        v = a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4));
      }
      ll += W[i] * (head[g] + v);
    }
    return ll;
  };
  // the gradient: with ψ = digamma and π the share of the second term in the log-sum
  // ln(e^{a3} + e^{a4}), a3 = −(r+x) ln(α+T), a4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x):
  // ∂/∂r = ψ(r+x) − ψ(r) + ln α − (1−π) ln(α+T) − π ln(α+t_x)
  // ∂/∂α = r/α − (r+x) ((1−π)/(α+T) + π/(α+t_x))
  // ∂/∂a = ψ(a+b) − ψ(a+b+x) + π/a
  // ∂/∂b = ψ(b+x) − ψ(a+b+x) − ψ(b) + ψ(a+b) − π/(b+x−1)
  const wsum = new Float64Array(gx.groups);
  let wtotal = 0;
  for (let i = 0; i < n; i++) {
    wsum[ix[i]] += W[i];
    wtotal += W[i];
  }
  const iTv = new Float64Array(gT.groups);
  const iRv = new Float64Array(gR.groups);
  const wpi = new Float64Array(gx.groups);
  const withGradient = (p: BgNbdParams, grad: number[]): number => {
    const { r, alpha, a, b } = p;
    const common = -gammaln(r) + r * Math.log(alpha) - betaln(a, b);
    const la = Math.log(a);
    const psiR = digamma(r);
    const psiAB = digamma(a + b);
    const psiB = digamma(b);
    let dr = 0;
    let da = 0;
    let db = 0;
    for (let g = 0; g < xs.length; g++) {
      const x = xs[g];
      head[g] = gammaln(r + x) + betaln(a, b + x) + common;
      lc[g] = x > 0 ? la - Math.log(b + x - 1) : -Infinity;
      const w = wsum[g];
      if (x > 0) {
        const psiABX = digamma(a + b + x);
        dr += w * (digamma(r + x) - psiR);
        da += w * (psiAB - psiABX);
        db += w * (digamma(b + x) - psiABX - psiB + psiAB);
      }
      wpi[g] = 0;
    }
    for (let g = 0; g < Ts.length; g++) {
      lT[g] = Math.log(alpha + Ts[g]);
      iTv[g] = 1 / (alpha + Ts[g]);
    }
    for (let g = 0; g < Rs.length; g++) {
      lR[g] = Math.log(alpha + Rs[g]);
      iRv[g] = 1 / (alpha + Rs[g]);
    }
    let ll = 0;
    // Σ w ((1−π) ln(α+T) + π ln(α+t_x)) and Σ w (r+x) ((1−π)/(α+T) + π/(α+t_x))
    let sLog = 0;
    let sInv = 0;
    for (let i = 0; i < n; i++) {
      const g = ix[i];
      const x = X[i];
      const w = W[i];
      const t = iT[i];
      const a3 = -(r + x) * lT[t];
      if (x > 0) {
        const u = iR[i];
        const a4 = lc[g] - (r + x) * lR[u];
        let v: number;
        let pi: number;
        if (a3 > a4) {
          const e = Math.exp(a4 - a3);
          v = a3 + Math.log1p(e);
          pi = e / (1 + e);
        } else {
          const e = Math.exp(a3 - a4);
          v = a4 + Math.log1p(e);
          pi = 1 / (1 + e);
        }
        ll += w * (head[g] + v);
        const wp = w * pi;
        wpi[g] += wp;
        sLog += w * lT[t] + wp * (lR[u] - lT[t]);
        sInv += (r + x) * (w * iTv[t] + wp * (iRv[u] - iTv[t]));
      } else {
        ll += w * (head[g] + a3);
        sLog += w * lT[t];
        sInv += r * w * iTv[t];
      }
    }
    let dpa = 0;
    let dpb = 0;
    for (let g = 0; g < xs.length; g++) {
      if (xs[g] > 0) {
        dpa += wpi[g];
        dpb += wpi[g] / (b + xs[g] - 1);
      }
    }
    grad[0] = dr + wtotal * Math.log(alpha) - sLog;
    grad[1] = (wtotal * r) / alpha - sInv;
    grad[2] = da + dpa / a;
    grad[3] = db - dpb;
    return ll;
  };
  return { value, withGradient };
}

/**
 * Maximum likelihood fit (identical rows merged unless weights are given), by BFGS with the
 * analytic gradient; with many distinct rows, warmed up by a fit on a subsample of them.
 */
export function fitBgNbd(data: PurchaseData, opts: FitOptions<BgNbdParams> = {}): BgNbdFit {
  const rows = weightedRows(data);
  const customers = sum(rows.weight);
  let sx = 0;
  let sT = 0;
  for (let i = 0; i < rows.size; i++) {
    sx += rows.weight[i] * rows.frequency[i];
    sT += rows.weight[i] * rows.T[i];
  }
  const warnings: string[] = [];
  if (customers > 0 && sx === 0) warnings.push('no customer has a repeat purchase in the calibration period: BG/NBD cannot be identified; use a longer calibration period');
  const alpha0 = sx > 0 && sT > 0 ? Math.min(1e6, Math.max(1e-3, sT / sx)) : 1;
  // with many distinct rows, a fit on a subsample of them gives the start and the curvature
  const full = makeTotal(rows);
  const sub = subsampleRows(rows);
  const logLik = sub ? { ...full, coarse: { logLik: makeTotal(sub), customers: sum(sub.weight) } } : full;
  return fitNamed('bgnbd', ['r', 'alpha', 'a', 'b'], logLik, customers, rows.size, { r: 1, alpha: alpha0, a: 1, b: 1 }, opts, warnings, sx > 0);
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
 * (DLMF 15.8.1) so that no factor overflows: [1 − (1−z)^{a−1} 2F1(a+b−1−r, a−1; a+b+x−1; z)].
 * Exported for MBG/NBD, whose expectation if alive is this one with b + 1 in place of b.
 */
export function bgnbdExpectedIfAlive(p: BgNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = p;
  // a = 1 is a removable singularity; step off it
  const a = Math.abs(p.a - 1) < 1e-9 ? 1 + 1e-9 : p.a;
  const z = t / (alpha + T + t);
  const f = hyp2f1Safe(a + b - 1 - r, a - 1, a + b + x - 1, z);
  const bracket = -Math.expm1((a - 1) * Math.log1p(-z)) * f - (f - 1);
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
  const g = groupRows([X, T], n);
  return Object.freeze({
    size: n,
    pAlive,
    expected(t: number): Float64Array {
      const perGroup = new Float64Array(g.groups);
      for (let k = 0; k < g.groups; k++) perGroup[k] = bgnbdExpectedIfAlive(p, t, X[g.first[k]], T[g.first[k]]);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = perGroup[g.index[i]] * pAlive[i];
      return out;
    },
  });
}
