/**
 * The total log-likelihood and its gradient shared by BG/NBD (Fader, Hardie & Lee 2005) and
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007). Both are, per customer,
 *
 *   ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x+s) − ln B(a, b)
 *   + ln( (α+T)^{−(r+x)} + c_x a/(b+x−1+s) (α+t_x)^{−(r+x)} )
 *
 * with s = 0, c_x = δ_{x>0} for BG/NBD (a customer can drop out only after a repeat purchase)
 * and s = 1, c_x = 1 for MBG/NBD (also right after the first purchase). With ψ = digamma and
 * π the share of the second term in the log-sum:
 *   ∂/∂r = ψ(r+x) − ψ(r) + ln α − (1−π) ln(α+T) − π ln(α+t_x)
 *   ∂/∂α = r/α − (r+x) ((1−π)/(α+T) + π/(α+t_x))
 *   ∂/∂a = ψ(a+b) − ψ(a+b+x+s) + π/a
 *   ∂/∂b = ψ(b+x+s) − ψ(a+b+x+s) − ψ(b) + ψ(a+b) − π/(b+x−1+s)
 * (for BG/NBD and x = 0 the a and b terms vanish and π = 0).
 */
import { fitNamed, repeatPurchaseStart, subsampleRows, sum, weightedRows, type FitOptions, type LogLikelihood, type ModelFit, type PurchaseData, type WeightedRows } from './model.js';
import { betaln, digamma, gammaln } from './special.js';
import { groupRows } from './summary.js';

export interface BgParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/** `dropoutAtFirst`: MBG/NBD (s = 1, c_x = 1) instead of BG/NBD (s = 0, c_x = δ_{x>0}). */
export function bgFamilyTotal<P extends BgParams>(rows: WeightedRows, dropoutAtFirst: boolean): LogLikelihood<P> {
  const { frequency: X, recency: TX, T, weight: W, size: n } = rows;
  const s = dropoutAtFirst ? 1 : 0;
  const second = (x: number): boolean => dropoutAtFirst || x > 0;
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
  const prepare = (p: P): void => {
    const { r, alpha, a, b } = p;
    const common = -gammaln(r) + r * Math.log(alpha) - betaln(a, b);
    const la = Math.log(a);
    for (let g = 0; g < xs.length; g++) {
      const x = xs[g];
      head[g] = gammaln(r + x) + betaln(a, b + x + s) + common;
      lc[g] = second(x) ? la - Math.log(b + x - 1 + s) : -Infinity;
    }
    for (let g = 0; g < Ts.length; g++) lT[g] = Math.log(alpha + Ts[g]);
    for (let g = 0; g < Rs.length; g++) lR[g] = Math.log(alpha + Rs[g]);
  };
  const value = (p: P): number => {
    prepare(p);
    const r = p.r;
    let ll = 0;
    for (let i = 0; i < n; i++) {
      const g = ix[i];
      const rx = r + X[i];
      const a3 = -rx * lT[iT[i]];
      let v = a3;
      if (second(X[i])) {
        const a4 = lc[g] - rx * lR[iR[i]];
        v = a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4));
      }
      ll += W[i] * (head[g] + v);
    }
    return ll;
  };
  const wsum = new Float64Array(gx.groups);
  let wtotal = 0;
  for (let i = 0; i < n; i++) {
    wsum[ix[i]] += W[i];
    wtotal += W[i];
  }
  const iTv = new Float64Array(gT.groups);
  const iRv = new Float64Array(gR.groups);
  const wpi = new Float64Array(gx.groups);
  const withGradient = (p: P, grad: number[]): number => {
    prepare(p);
    const { r, alpha, a, b } = p;
    const psiR = digamma(r);
    const psiAB = digamma(a + b);
    const psiB = digamma(b);
    let dr = 0;
    let da = 0;
    let db = 0;
    for (let g = 0; g < xs.length; g++) {
      const x = xs[g];
      const w = wsum[g];
      if (x > 0) dr += w * (digamma(r + x) - psiR);
      if (second(x)) {
        const psiABX = digamma(a + b + x + s);
        da += w * (psiAB - psiABX);
        db += w * (digamma(b + x + s) - psiABX - psiB + psiAB);
      }
      wpi[g] = 0;
    }
    for (let g = 0; g < Ts.length; g++) iTv[g] = 1 / (alpha + Ts[g]);
    for (let g = 0; g < Rs.length; g++) iRv[g] = 1 / (alpha + Rs[g]);
    let ll = 0;
    // Σ w ((1−π) ln(α+T) + π ln(α+t_x)) and Σ w (r+x) ((1−π)/(α+T) + π/(α+t_x))
    let sLog = 0;
    let sInv = 0;
    for (let i = 0; i < n; i++) {
      const g = ix[i];
      const x = X[i];
      const w = W[i];
      const t = iT[i];
      const rx = r + x;
      const a3 = -rx * lT[t];
      if (second(x)) {
        const u = iR[i];
        const a4 = lc[g] - rx * lR[u];
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
        sInv += rx * (w * iTv[t] + wp * (iRv[u] - iTv[t]));
      } else {
        ll += w * (head[g] + a3);
        sLog += w * lT[t];
        sInv += r * w * iTv[t];
      }
    }
    let dpa = 0;
    let dpb = 0;
    for (let g = 0; g < xs.length; g++) {
      if (!second(xs[g])) continue;
      dpa += wpi[g];
      dpb += wpi[g] / (b + xs[g] - 1 + s);
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
 * Maximum likelihood fit of BG/NBD or MBG/NBD (identical rows merged unless weights are
 * given), by BFGS with the analytic gradient; with many distinct rows, warmed up by a fit on
 * a subsample of them, which gives the start and the curvature.
 */
export function fitBgFamily<M extends string>(model: M, label: string, dropoutAtFirst: boolean, data: PurchaseData, opts: FitOptions<BgParams>): ModelFit<M, BgParams> {
  const rows = weightedRows(data);
  const start = repeatPurchaseStart(rows, label);
  const full = bgFamilyTotal<BgParams>(rows, dropoutAtFirst);
  const sub = subsampleRows(rows);
  const logLik = sub ? { ...full, coarse: { logLik: bgFamilyTotal<BgParams>(sub, dropoutAtFirst), customers: sum(sub.weight) } } : full;
  return fitNamed<M, BgParams>(model, ['r', 'alpha', 'a', 'b'], logLik, start.customers, rows.size, { r: 1, alpha: start.scale, a: 1, b: 1 }, opts, start.warnings, start.identified);
}

/** The total log-likelihood, and with its gradient (∂/∂r, ∂/∂α, ∂/∂a, ∂/∂b), in one pass. */
export function bgFamilyLogLik<P extends BgParams>(p: P, data: PurchaseData, dropoutAtFirst: boolean, gradient?: number[]): number {
  const total = bgFamilyTotal<P>(weightedRows(data), dropoutAtFirst);
  return gradient ? total.withGradient(p, gradient) : total.value(p);
}
