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
 *   ∂/∂r = ψ(r+x) − ψ(r) − (1−π) ln(1+T/α) − π ln(1+t_x/α)
 *   ∂/∂α = (1−π) (r T/(α(α+T)) − x/(α+T)) + π (r t_x/(α(α+t_x)) − x/(α+t_x))
 *   ∂/∂a = ψ(a+b) − ψ(a+b+x+s) + π/a
 *   ∂/∂b = ψ(b+x+s) − ψ(a+b+x+s) − ψ(b) + ψ(a+b) − π/(b+x−1+s)
 * (for BG/NBD and x = 0 the a and b terms vanish and π = 0).
 */
import { fitNamed, PURCHASE_RATE_LIMIT, repeatPurchaseStart, subsampleRows, sum, weightedRows, type FitOptions, type LogLikelihood, type ModelFit, type PurchaseData, type WeightedRows } from './model.js';
import { digammaRatio, lbetaRatio, lgammaRatio, logAddExp } from './special.js';
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
  // per distinct time t: ln(α+t), ln(1+t/α), 1/(α+t) and t/(α(α+t))
  const lT = new Float64Array(gT.groups);
  const mT = new Float64Array(gT.groups);
  const lR = new Float64Array(gR.groups);
  const mR = new Float64Array(gR.groups);
  const ix = gx.index;
  const iT = gT.index;
  const iR = gR.index;
  // ln Γ(r+x) − ln Γ(r) and ln B(a, b+x+s) − ln B(a, b) as ratios, and r ln α − (r+x) ln(α+t)
  // as −r ln(1+t/α) − x ln(α+t): when the data has no heterogeneity left, the fit runs r, α
  // (and a, b) to infinity together, where the textbook differences lose every digit
  const prepare = (p: P): void => {
    const { r, alpha, a, b } = p;
    const la = Math.log(a);
    for (let g = 0; g < xs.length; g++) {
      const x = xs[g];
      head[g] = lgammaRatio(r, x) + lbetaRatio(a, b, x + s);
      lc[g] = second(x) ? la - Math.log(b + x - 1 + s) : -Infinity;
    }
    for (let g = 0; g < Ts.length; g++) {
      lT[g] = Math.log(alpha + Ts[g]);
      mT[g] = Math.log1p(Ts[g] / alpha);
    }
    for (let g = 0; g < Rs.length; g++) {
      lR[g] = Math.log(alpha + Rs[g]);
      mR[g] = Math.log1p(Rs[g] / alpha);
    }
  };
  const value = (p: P): number => {
    prepare(p);
    const r = p.r;
    let ll = 0;
    for (let i = 0; i < n; i++) {
      const g = ix[i];
      const x = X[i];
      const a3 = -r * mT[iT[i]] - x * lT[iT[i]];
      let v = a3;
      if (second(x)) {
        const a4 = lc[g] - r * mR[iR[i]] - x * lR[iR[i]];
        v = a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4));
      }
      ll += W[i] * (head[g] + v);
    }
    return ll;
  };
  const wsum = new Float64Array(gx.groups);
  for (let i = 0; i < n; i++) wsum[ix[i]] += W[i];
  const wpi = new Float64Array(gx.groups);
  const kT = new Float64Array(gT.groups);
  const jT = new Float64Array(gT.groups);
  const kR = new Float64Array(gR.groups);
  const jR = new Float64Array(gR.groups);
  const withGradient = (p: P, grad: number[]): number => {
    prepare(p);
    const { r, alpha, a, b } = p;
    let dr = 0;
    let da = 0;
    let db = 0;
    for (let g = 0; g < xs.length; g++) {
      const x = xs[g];
      const w = wsum[g];
      if (x > 0) dr += w * digammaRatio(r, x);
      if (second(x)) {
        const ab = digammaRatio(a + b, x + s);
        da -= w * ab;
        db += w * (digammaRatio(b, x + s) - ab);
      }
      wpi[g] = 0;
    }
    for (let g = 0; g < Ts.length; g++) {
      jT[g] = 1 / (alpha + Ts[g]);
      kT[g] = (Ts[g] / alpha) * jT[g];
    }
    for (let g = 0; g < Rs.length; g++) {
      jR[g] = 1 / (alpha + Rs[g]);
      kR[g] = (Rs[g] / alpha) * jR[g];
    }
    let ll = 0;
    // per row, with π the share of the second term: ∂/∂r −= (1−π) ln(1+T/α) + π ln(1+t_x/α);
    // ∂/∂α += (1−π) (r T/(α(α+T)) − x/(α+T)) + π (r t_x/(α(α+t_x)) − x/(α+t_x))
    let dalpha = 0;
    for (let i = 0; i < n; i++) {
      const g = ix[i];
      const x = X[i];
      const w = W[i];
      const t = iT[i];
      const a3 = -r * mT[t] - x * lT[t];
      const dAliveR = mT[t];
      const dAliveA = r * kT[t] - x * jT[t];
      if (second(x)) {
        const u = iR[i];
        const a4 = lc[g] - r * mR[u] - x * lR[u];
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
        wpi[g] += w * pi;
        dr -= w * (dAliveR + pi * (mR[u] - dAliveR));
        dalpha += w * (dAliveA + pi * (r * kR[u] - x * jR[u] - dAliveA));
      } else {
        ll += w * (head[g] + a3);
        dr -= w * dAliveR;
        dalpha += w * dAliveA;
      }
    }
    let dpa = 0;
    let dpb = 0;
    for (let g = 0; g < xs.length; g++) {
      if (!second(xs[g])) continue;
      dpa += wpi[g];
      dpb += wpi[g] / (b + xs[g] - 1 + s);
    }
    grad[0] = dr;
    grad[1] = dalpha;
    grad[2] = da + dpa / a;
    grad[3] = db - dpb;
    return ll;
  };
  return { value, withGradient };
}

/** One customer's log-likelihood, in the cancellation-free form of bgFamilyTotal. */
export function bgFamilyLogLikOne(p: BgParams, x: number, tx: number, T: number, dropoutAtFirst: boolean): number {
  const { r, alpha, a, b } = p;
  const s = dropoutAtFirst ? 1 : 0;
  const head = lgammaRatio(r, x) + lbetaRatio(a, b, x + s);
  const a3 = -r * Math.log1p(T / alpha) - x * Math.log(alpha + T);
  if (!dropoutAtFirst && x === 0) return head + a3;
  const a4 = Math.log(a) - Math.log(b + x - 1 + s) - r * Math.log1p(tx / alpha) - x * Math.log(alpha + tx);
  return head + logAddExp(a3, a4);
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
  return fitNamed<M, BgParams>(model, ['r', 'alpha', 'a', 'b'], logLik, {
    customers: start.customers,
    rows: rows.size,
    start: { r: 1, alpha: start.scale, a: 1, b: 1 },
    warnings: start.warnings,
    identified: start.identified,
    limits: [PURCHASE_RATE_LIMIT, { pair: ['a', 'b'], meaning: (p) => `a and b ran to infinity together: customers do not differ in their chance of dropping out after a purchase, which is one probability a/(a+b) = ${(p.a / (p.a + p.b)).toPrecision(3)} for everyone (the model's limit; its values hold, standard errors do not exist)` }],
  }, opts);
}

/** The total log-likelihood, and with its gradient (∂/∂r, ∂/∂α, ∂/∂a, ∂/∂b), in one pass. */
export function bgFamilyLogLik<P extends BgParams>(p: P, data: PurchaseData, dropoutAtFirst: boolean, gradient?: number[]): number {
  const total = bgFamilyTotal<P>(weightedRows(data), dropoutAtFirst);
  return gradient ? total.withGradient(p, gradient) : total.value(p);
}
