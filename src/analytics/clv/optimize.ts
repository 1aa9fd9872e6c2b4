/**
 * Maximum likelihood over log-parameters. Without a gradient: Nelder–Mead to get near the
 * optimum from a rough start, then BFGS (central-difference gradients, Armijo backtracking) to
 * polish. With an analytic gradient (`gradient`, the log-likelihood and its gradient in one
 * pass): BFGS with that gradient straight from the start (scaled initial inverse Hessian,
 * Armijo backtracking with quadratic interpolation), and Nelder–Mead only as a fallback when
 * BFGS does not converge from a start. A numerical Hessian at the optimum (central differences
 * of the analytic gradient when there is one, of the objective otherwise) gives standard
 * errors, mapped back to the natural scale by the delta method (se(θ) = θ · se(ln θ)). When a
 * start does not converge, further starts are tried and the best fit is kept. Never throws on
 * a failed fit: the result says converged = false and carries warnings.
 *
 * The objective minimised is the mean negative log-likelihood plus an optional L2 penalty on
 * the natural parameters, penalizer · Σ θ², the same scaling as lifetimes' `penalizer_coef`.
 */

/**
 * Total (weighted) log-likelihood at natural parameters theta, also writing its gradient
 * ∂LL/∂θ_i (natural scale) into grad (length k); non-finite where undefined.
 */
export type LogLikWithGradient = (theta: readonly number[], grad: number[]) => number;

/**
 * |ln θ| at or past this is a parameter run off to 0 or infinity. A start that ends there has
 * found a ridge, not an optimum (the gradient flattens along it), so the next start is tried
 * and the best likelihood is kept: on Olist 2017 the default start of MBG/NBD runs r and α to
 * infinity at LL −467.02, while the start at all ones finds the interior optimum −465.54.
 */
export const EDGE_LOG_PARAM = 15;

/** |ln θ| at which BFGS stops following a parameter out (values there match the limit to ~1e-11). */
const RUNAWAY_LOG_PARAM = 25;

/** True when every log-parameter is inside (−EDGE_LOG_PARAM, EDGE_LOG_PARAM). */
export function isInterior(u: readonly number[]): boolean {
  return u.every((v) => Math.abs(v) < EDGE_LOG_PARAM);
}

/** Likelihood evaluations one fit may use (all starts): a bound, so no fit runs without end. */
export const DEFAULT_MAX_EVALUATIONS = 20_000;

class OutOfEvaluations extends Error {}

export const HESSIAN_WARNING =
  'the Hessian at the optimum is not positive definite, so standard errors are unavailable: a parameter may be at a boundary; try a --penalizer such as 0.001';

export interface OptimizeOptions {
  /** Starting natural-scale parameters (all > 0); further starts are derived from it. */
  start: readonly number[];
  /** L2 penalty coefficient on the natural parameters (lifetimes' penalizer_coef); 0 = none. */
  penalizer?: number;
  /** Maximum objective evaluations of one start's Nelder–Mead. */
  maxNelderMead?: number;
  /** Maximum BFGS iterations of one start. */
  maxBfgs?: number;
  /** Number of starts tried at most (1 = only `start`). */
  maxStarts?: number;
  /** Likelihood evaluations at most over all starts (default DEFAULT_MAX_EVALUATIONS). */
  maxEvaluations?: number;
  /** Gradient (of the mean objective over log-parameters) below which the fit converged. */
  gradientTolerance?: number;
  /** The log-likelihood with its analytic gradient; when given, BFGS and the Hessian use it. */
  gradient?: LogLikWithGradient;
  /**
   * Initial inverse Hessian of the mean objective over log-parameters for BFGS from `start`
   * (e.g. `inverseHessian` of a fit on a subsample); used only with `gradient`.
   */
  initialInverseHessian?: readonly (readonly number[])[];
}

export interface OptimizeResult {
  /** Natural-scale parameters at the optimum. */
  readonly params: readonly number[];
  /** Standard errors of the natural parameters; null where the Hessian is not usable. */
  readonly se: readonly (number | null)[];
  /** Total log-likelihood at the optimum (weights applied, penalty excluded). */
  readonly logLik: number;
  readonly iterations: number;
  /** Objective evaluations (with the gradient, each one pass computing both counts once). */
  readonly evaluations: number;
  readonly converged: boolean;
  /** The gradient reached the tolerance (converged also needs a usable Hessian). */
  readonly settled: boolean;
  readonly warnings: readonly string[];
  /** Inverse Hessian of the mean objective over log-parameters at the optimum; null when unusable. */
  readonly inverseHessian: readonly (readonly number[])[] | null;
}

/**
 * `logLik(theta)` returns the TOTAL (weighted) log-likelihood at natural parameters theta (or a
 * non-finite value where undefined); `n` is the total weight, used to scale to a mean.
 */
export function maximizeLogLik(
  logLik: (theta: readonly number[]) => number,
  n: number,
  opts: OptimizeOptions,
): OptimizeResult {
  const k = opts.start.length;
  const pen = opts.penalizer ?? 0;
  const scale = n > 0 ? n : 1;
  let evaluations = 0;
  // the evaluation budget: past it the search stops with the best point seen so far
  const budget = opts.maxEvaluations ?? DEFAULT_MAX_EVALUATIONS;
  let budgetOn = true;
  let seen: { u: number[]; f: number } | undefined;
  const spend = (u: readonly number[], f: number): void => {
    if (Number.isFinite(f) && (!seen || f < seen.f)) seen = { u: u.slice(), f };
    if (budgetOn && evaluations > budget) throw new OutOfEvaluations();
  };
  const objective = (u: readonly number[]): number => {
    const f = objectiveOnce(u);
    spend(u, f);
    return f;
  };
  const objectiveOnce = (u: readonly number[]): number => {
    evaluations++;
    const theta = u.map(Math.exp);
    for (const t of theta) if (!(t > 0) || !Number.isFinite(t)) return Infinity;
    const ll = logLik(theta);
    if (!Number.isFinite(ll)) return Infinity;
    let p = 0;
    for (const t of theta) p += t * t;
    return -ll / scale + pen * p;
  };
  const gtol = opts.gradientTolerance ?? 1e-6;
  const maxStarts = Math.max(1, opts.maxStarts ?? 4);
  const starts: number[][] = [opts.start.map(Math.log)];
  // later starts: all parameters 1, then the first start scaled down and up
  starts.push(new Array(k).fill(0));
  starts.push(starts[0].map((v) => v - 1));
  starts.push(starts[0].map((v) => v + 1));
  for (let i = 4; i < maxStarts; i++) starts.push(starts[0].map((v, j) => v + Math.sin(7 * i + 3 * j) * 1.5));

  // objective and its gradient over log-parameters in one pass (only with `gradient`)
  const gradFn = opts.gradient;
  const gl = new Array<number>(k).fill(0);
  const objectiveGrad = (u: readonly number[], g: number[]): number => {
    const f = objectiveGradOnce(u, g);
    spend(u, f);
    return f;
  };
  const objectiveGradOnce = (u: readonly number[], g: number[]): number => {
    evaluations++;
    const theta = u.map(Math.exp);
    for (const t of theta) if (!(t > 0) || !Number.isFinite(t)) return Infinity;
    gl.fill(0);
    const ll = gradFn!(theta, gl);
    if (!Number.isFinite(ll)) return Infinity;
    let p = 0;
    for (let i = 0; i < k; i++) {
      const t = theta[i];
      p += t * t;
      // d/du_i of (−LL/scale + pen Σθ²), θ_i = e^{u_i}
      g[i] = (-gl[i] * t) / scale + 2 * pen * t * t;
      if (!Number.isFinite(g[i])) return Infinity;
    }
    return -ll / scale + pen * p;
  };

  let best: { u: number[]; f: number; iterations: number; gnorm: number } | undefined;
  let iterations = 0;
  let tried = 0;
  const consider = (r: { x: number[]; f: number; iterations: number; gnorm: number }): void => {
    if (!best || r.f < best.f - 1e-12 || (Math.abs(r.f - best.f) <= 1e-12 && r.gnorm < best.gnorm))
      best = { u: r.x, f: r.f, iterations: r.iterations, gnorm: r.gnorm };
  };
  let outOfBudget = false;
  try {
    searchStarts();
  } catch (e) {
    if (!(e instanceof OutOfEvaluations)) throw e;
    outOfBudget = true;
    if (seen && (!best || seen.f < best.f)) best = { u: seen.u, f: seen.f, iterations: 0, gnorm: Infinity };
  }
  budgetOn = false;
  // every start in turn; a start that settles inside the parameter space ends the search
  function searchStarts(): void {
    for (const u0 of starts.slice(0, maxStarts)) {
      tried++;
      if (gradFn) {
        const H0 = tried === 1 ? opts.initialInverseHessian : undefined;
        const bf = bfgsWithGradient(objectiveGrad, u0, opts.maxBfgs ?? 200, gtol, H0);
        iterations += bf.iterations;
        if (Number.isFinite(bf.f)) consider(bf);
        if (bf.gnorm <= gtol && Number.isFinite(bf.f) && isInterior(bf.x)) break;
        // a start that ran off to a ridge: Nelder–Mead from it would only follow the ridge
        if (Number.isFinite(bf.f) && !isInterior(bf.x)) continue;
        // fallback from this start: Nelder–Mead to get near the optimum, then BFGS again
        if (!Number.isFinite(objective(u0))) continue;
        const nm = nelderMead(objective, u0, opts.maxNelderMead ?? 400 * k, 1e-7);
        const bf2 = bfgsWithGradient(objectiveGrad, nm.x, opts.maxBfgs ?? 200, gtol);
        iterations += nm.iterations + bf2.iterations;
        if (Number.isFinite(bf2.f)) consider(bf2);
        if (bf2.gnorm <= gtol && Number.isFinite(bf2.f) && isInterior(bf2.x)) break;
        continue;
      }
      if (!Number.isFinite(objective(u0))) continue;
      const nm = nelderMead(objective, u0, opts.maxNelderMead ?? 400 * k, 1e-7);
      const bf = bfgs(objective, nm.x, opts.maxBfgs ?? 200, gtol);
      iterations += nm.iterations + bf.iterations;
      if (!best || bf.f < best.f - 1e-12) best = { u: bf.x, f: bf.f, iterations: bf.iterations, gnorm: bf.gnorm };
      if (bf.gnorm <= gtol && Number.isFinite(bf.f) && isInterior(bf.x)) break;
    }
  }
  const warnings: string[] = [];
  if (outOfBudget) {
    warnings.push(
      `the fit stopped after ${budget.toLocaleString('en-US')} evaluations of the likelihood without settling (the bound on every fit): try --model bgnbd, a --penalizer such as 0.001, or a longer calibration period`,
    );
  }
  if (!best || !Number.isFinite(best.f)) {
    return Object.freeze({
      params: Object.freeze(opts.start.slice()),
      se: Object.freeze(new Array<number | null>(k).fill(null)),
      logLik: 0,
      iterations,
      evaluations,
      converged: false,
      settled: false,
      inverseHessian: null,
      warnings: Object.freeze([
        'the log-likelihood is not finite at any starting point: check that the data has customers with repeat purchases, or try a --penalizer such as 0.001',
      ]),
    });
  }
  if (gradFn && best.gnorm <= gtol && Number.isFinite(best.f) && isInterior(best.u)) {
    const polished = newtonPolish(objectiveGrad, best.u, best.f, gtol * 1e-8);
    best = { ...best, u: polished.u, f: polished.f, gnorm: Math.min(best.gnorm, polished.gnorm) };
  }
  const u = best.u;
  const params = u.map(Math.exp);
  const totalObjective = (v: readonly number[]): number => objective(v) * scale;
  const hess = gradFn
    ? hessianFromGradient((v, g) => {
        const f = objectiveGrad(v, g);
        for (let i = 0; i < k; i++) g[i] *= scale;
        return f * scale;
      }, u)
    : hessian(totalObjective, u);
  const cov = invertSymmetric(hess);
  const se: (number | null)[] = [];
  let seOk = cov !== undefined;
  for (let i = 0; i < k; i++) {
    const vii = cov ? cov[i][i] : NaN;
    if (vii > 0 && Number.isFinite(vii)) se.push(params[i] * Math.sqrt(vii));
    else {
      se.push(null);
      seOk = false;
    }
  }
  const settled = best.gnorm <= gtol;
  let converged = settled;
  if (!converged) {
    warnings.push(
      `the fit did not converge (gradient ${best.gnorm.toExponential(2)} after ${tried} start(s)): try a --penalizer such as 0.001, a longer calibration period, or another --time-unit (day, week or month)`,
    );
  }
  if (!seOk) {
    if (converged) converged = false;
    warnings.push(HESSIAN_WARNING);
  }
  let ll = -(best.f - pen * params.reduce((s, t) => s + t * t, 0)) * scale;
  if (!Number.isFinite(ll)) ll = 0;
  return Object.freeze({
    params: Object.freeze(params),
    se: Object.freeze(se),
    logLik: ll,
    iterations,
    evaluations,
    converged,
    settled,
    warnings: Object.freeze(warnings),
    inverseHessian: cov && seOk ? Object.freeze(cov.map((row) => Object.freeze(row.map((c) => c * scale)))) : null,
  });
}

/**
 * Newton steps from a settled optimum, with one Hessian from gradient differences, while they
 * shrink the gradient (at most 4, to `target`). BFGS stops once its gradient is below gtol,
 * where its own curvature estimate may be rough, so two fits of the same likelihood summed in a
 * different order (per customer, or merged into counts) could stop 1e-6 apart in a flat
 * direction; Newton steps take both to the optimum to about 1e-12, so a fit on compressed rows
 * is the per-customer fit to that precision. The Hessian (2k evaluations) is kept for every
 * step (one evaluation each): near the optimum its error of ~1e-6 only slows the steps' rate.
 * A step is taken when the gradient shrinks and f stays within rounding (1e-12 relative).
 */
function newtonPolish(fg: (x: readonly number[], g: number[]) => number, u0: readonly number[], f0: number, target: number): { u: number[]; f: number; gnorm: number } {
  const k = u0.length;
  const norm = (v: readonly number[]): number => v.reduce((m, e) => Math.max(m, Math.abs(e)), 0);
  let u = u0.slice();
  let f = f0;
  const g = new Array<number>(k).fill(0);
  const gn = new Array<number>(k).fill(0);
  const at = fg(u, g);
  if (!Number.isFinite(at)) return { u, f, gnorm: Infinity };
  let gnorm = norm(g);
  if (gnorm <= target) return { u, f, gnorm };
  const inv = invertSymmetric(hessianFromGradient(fg, u));
  if (!inv) return { u, f, gnorm };
  for (let step = 0; step < 4 && gnorm > target; step++) {
    const un = u.map((v, i) => v - inv[i].reduce((acc, h, j) => acc + h * g[j], 0));
    if (!isInterior(un)) break;
    const fn = fg(un, gn);
    const nn = norm(gn);
    if (!Number.isFinite(fn) || !(nn < gnorm) || fn > f + 1e-12 * Math.abs(f)) break;
    u = un;
    f = fn;
    gnorm = nn;
    for (let i = 0; i < k; i++) g[i] = gn[i];
  }
  return { u, f, gnorm };
}

/** Nelder–Mead (Lagarias et al. 1998 coefficients 1, 2, 0.5, 0.5) on an unconstrained vector. */
export function nelderMead(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  maxEvaluations: number,
  tolerance = 1e-10,
): { x: number[]; f: number; iterations: number } {
  const n = x0.length;
  const pts: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] += p[i] !== 0 ? 0.25 * Math.abs(p[i]) + 0.1 : 0.25;
    pts.push(p);
  }
  let vals = pts.map(f);
  let evals = n + 1;
  let it = 0;
  while (evals < maxEvaluations) {
    it++;
    const order = vals.map((_, i) => i).sort((a, b) => vals[a] - vals[b]);
    const P = order.map((i) => pts[i]);
    const V = order.map((i) => vals[i]);
    pts.splice(0, pts.length, ...P);
    vals = V;
    const spread = Math.abs(vals[n] - vals[0]);
    let size = 0;
    for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) size = Math.max(size, Math.abs(pts[i][j] - pts[0][j]));
    if (Number.isFinite(vals[n]) && spread <= tolerance * (Math.abs(vals[0]) + 1e-12) && size < Math.sqrt(tolerance) * 0.01) break;
    const c = new Array(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[j] += pts[i][j] / n;
    const at = (t: number): number[] => c.map((cj, j) => cj + t * (pts[n][j] - cj));
    const xr = at(-1);
    const fr = f(xr);
    evals++;
    if (fr < vals[0]) {
      const xe = at(-2);
      const fe = f(xe);
      evals++;
      if (fe < fr) {
        pts[n] = xe;
        vals[n] = fe;
      } else {
        pts[n] = xr;
        vals[n] = fr;
      }
      continue;
    }
    if (fr < vals[n - 1]) {
      pts[n] = xr;
      vals[n] = fr;
      continue;
    }
    const outside = fr < vals[n];
    const xc = at(outside ? -0.5 : 0.5);
    const fc = f(xc);
    evals++;
    if (outside ? fc <= fr : fc < vals[n]) {
      pts[n] = xc;
      vals[n] = fc;
      continue;
    }
    for (let i = 1; i <= n; i++) {
      pts[i] = pts[i].map((v, j) => pts[0][j] + 0.5 * (v - pts[0][j]));
      vals[i] = f(pts[i]);
      evals++;
    }
  }
  let bi = 0;
  for (let i = 1; i <= n; i++) if (vals[i] < vals[bi]) bi = i;
  return { x: pts[bi], f: vals[bi], iterations: it };
}

function gradient(f: (x: readonly number[]) => number, x: readonly number[], fx: number): number[] {
  const g: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const h = 1e-5 * Math.max(1, Math.abs(x[i]));
    const xp = x.slice();
    const xm = x.slice();
    xp[i] += h;
    xm[i] -= h;
    const fp = f(xp);
    const fm = f(xm);
    if (Number.isFinite(fp) && Number.isFinite(fm)) g.push((fp - fm) / (2 * h));
    else if (Number.isFinite(fp)) g.push((fp - fx) / h);
    else if (Number.isFinite(fm)) g.push((fx - fm) / h);
    else g.push(0);
  }
  return g;
}

/** BFGS with an inverse-Hessian update and Armijo backtracking. */
export function bfgs(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  maxIterations: number,
  gtol: number,
): { x: number[]; f: number; iterations: number; gnorm: number } {
  const n = x0.length;
  let x = x0.slice();
  let fx = f(x);
  let g = gradient(f, x, fx);
  let H: number[][] = identity(n);
  let it = 0;
  const norm = (v: number[]): number => Math.max(...v.map(Math.abs));
  while (it < maxIterations && norm(g) > gtol) {
    it++;
    let d = H.map((row) => -row.reduce((s, h, j) => s + h * g[j], 0));
    let slope = d.reduce((s, di, i) => s + di * g[i], 0);
    if (!(slope < 0)) {
      H = identity(n);
      d = g.map((v) => -v);
      slope = d.reduce((s, di, i) => s + di * g[i], 0);
    }
    let step = 1;
    let xn = x;
    let fn = fx;
    let ok = false;
    for (let k = 0; k < 60; k++) {
      xn = x.map((v, i) => v + step * d[i]);
      fn = f(xn);
      if (Number.isFinite(fn) && fn <= fx + 1e-4 * step * slope) {
        ok = true;
        break;
      }
      step *= 0.5;
    }
    if (!ok) {
      if (H.some((row, i) => row.some((v, j) => v !== (i === j ? 1 : 0)))) {
        H = identity(n);
        continue;
      }
      break;
    }
    const gn = gradient(f, xn, fn);
    const s = xn.map((v, i) => v - x[i]);
    const y = gn.map((v, i) => v - g[i]);
    const sy = s.reduce((a, v, i) => a + v * y[i], 0);
    if (sy > 1e-300) {
      bfgsUpdate(H, s, y, sy);
    }
    const improvement = fx - fn;
    x = xn;
    fx = fn;
    g = gn;
    if (improvement <= 1e-16 * Math.max(1, Math.abs(fx)) && norm(g) <= gtol * 100) break;
  }
  return { x, f: fx, iterations: it, gnorm: norm(g) };
}

/**
 * BFGS with an analytic gradient: `fg(x, g)` returns f(x) and writes ∇f(x) into g (non-finite
 * f where undefined). Inverse-Hessian update, the initial inverse Hessian scaled by s'y / y'y
 * after the first step (Nocedal & Wright 2006, eq. 6.20), steps in x capped at 3 per
 * coordinate (the variables are log-parameters), Armijo backtracking with a safeguarded
 * quadratic interpolation. `H0`, when given (finite), is the initial inverse Hessian instead.
 * Once the gradient is below gtol, a few more full steps polish the optimum towards gtol/1000
 * (cheap at the superlinear rate near the optimum); polishing stops at the first step that
 * does not shrink the gradient.
 */
export function bfgsWithGradient(
  fg: (x: readonly number[], g: number[]) => number,
  x0: readonly number[],
  maxIterations: number,
  gtol: number,
  H0?: readonly (readonly number[])[],
): { x: number[]; f: number; iterations: number; gnorm: number } {
  const n = x0.length;
  let x = x0.slice();
  let g = new Array<number>(n).fill(0);
  let fx = fg(x, g);
  const norm = (v: readonly number[]): number => {
    let m = 0;
    for (const e of v) m = Math.max(m, Math.abs(e));
    return m;
  };
  if (!Number.isFinite(fx)) return { x, f: Infinity, iterations: 0, gnorm: Infinity };
  const useH0 = H0 !== undefined && H0.length === n && H0.every((row) => row.length === n && row.every(Number.isFinite));
  let H: number[][] = useH0 ? H0.map((row) => row.slice()) : identity(n);
  let scaled = useH0;
  let it = 0;
  let gn = new Array<number>(n).fill(0);
  const polishTo = gtol * 1e-3;
  while (it < maxIterations && norm(g) > polishTo) {
    it++;
    const polishing = norm(g) <= gtol;
    let d = H.map((row) => -row.reduce((s, h, j) => s + h * g[j], 0));
    let slope = d.reduce((s, di, i) => s + di * g[i], 0);
    if (!(slope < 0) || !Number.isFinite(slope)) {
      H = identity(n);
      scaled = false;
      d = g.map((v) => -v);
      slope = d.reduce((s, di, i) => s + di * g[i], 0);
    }
    const dmax = norm(d);
    let step = dmax > 3 ? 3 / dmax : 1;
    let xn = x;
    let fn = fx;
    let ok = false;
    for (let k = 0; k < (polishing ? 1 : 60); k++) {
      xn = x.map((v, i) => v + step * d[i]);
      fn = fg(xn, gn);
      // polishing: differences of f are at the rounding level, so the full step is taken when
      // f does not rise beyond rounding (1e-13 relative: a sum over thousands of customers
      // rounds at that level, and the same data merged into counts rounds differently) and
      // the gradient shrinks, else polishing ends
      if (polishing ? Number.isFinite(fn) && fn <= fx + 1e-13 * Math.abs(fx) && norm(gn) < norm(g) : Number.isFinite(fn) && fn <= fx + 1e-4 * step * slope) {
        ok = true;
        break;
      }
      // minimiser of the quadratic through f(x), f'(x; d) and f(x + step d), kept in [0.1, 0.5]·step
      let next = 0.5 * step;
      if (Number.isFinite(fn)) {
        const q = (-slope * step * step) / (2 * (fn - fx - slope * step));
        if (q > 0 && Number.isFinite(q)) next = Math.min(0.5 * step, Math.max(0.1 * step, q));
      }
      step = next;
    }
    if (!ok) {
      if (!polishing && H.some((row, i) => row.some((v, j) => v !== (i === j ? 1 : 0)))) {
        H = identity(n);
        scaled = false;
        continue;
      }
      break;
    }
    const s = xn.map((v, i) => v - x[i]);
    const y = gn.map((v, i) => v - g[i]);
    const sy = s.reduce((a, v, i) => a + v * y[i], 0);
    const yy = y.reduce((a, v) => a + v * v, 0);
    if (sy > 1e-300 && yy > 0) {
      if (!scaled) {
        // the first curvature information fixes the scale of the initial inverse Hessian
        H = identity(n).map((row) => row.map((v) => (v * sy) / yy));
        scaled = true;
      }
      bfgsUpdate(H, s, y, sy);
    }
    const improvement = fx - fn;
    x = xn;
    fx = fn;
    [g, gn] = [gn, g];
    // a parameter run off far past the edge (θ beyond e^25 or below e^-25): a ridge or a limit
    // of the model, where more steps only walk further out
    if (!x.every((v) => Math.abs(v) < RUNAWAY_LOG_PARAM)) break;
    if (improvement <= 1e-16 * Math.max(1, Math.abs(fx)) && norm(g) <= gtol * (polishing ? 1 : 100)) break;
  }
  return { x, f: fx, iterations: it, gnorm: norm(g) };
}

/**
 * Hessian at x by central differences of an analytic gradient (2n gradient evaluations),
 * symmetrised; entries are NaN where a neighbouring gradient is not finite.
 */
export function hessianFromGradient(fg: (x: readonly number[], g: number[]) => number, x: readonly number[]): number[][] {
  const n = x.length;
  const cols: number[][] = [];
  const gp = new Array<number>(n).fill(0);
  const gm = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const h = 1e-5 * Math.max(1, Math.abs(x[i]));
    const xp = x.slice();
    const xm = x.slice();
    xp[i] += h;
    xm[i] -= h;
    const fp = fg(xp, gp);
    const fm = fg(xm, gm);
    cols.push(Number.isFinite(fp) && Number.isFinite(fm) ? gp.map((v, j) => (v - gm[j]) / (2 * h)) : new Array<number>(n).fill(NaN));
  }
  return cols.map((c, i) => c.map((v, j) => 0.5 * (v + cols[j][i])));
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** Central-difference Hessian of f at x. */
export function hessian(f: (x: readonly number[]) => number, x: readonly number[]): number[][] {
  const n = x.length;
  const h = x.map((v) => 1e-4 * Math.max(1, Math.abs(v)));
  const f0 = f(x);
  const at = (di: number, si: number, dj: number, sj: number): number => {
    const y = x.slice();
    y[di] += si * h[di];
    y[dj] += sj * h[dj];
    return f(y);
  };
  const H: number[][] = identity(n).map((r) => r.map(() => 0));
  for (let i = 0; i < n; i++) {
    const y1 = x.slice();
    const y2 = x.slice();
    y1[i] += h[i];
    y2[i] -= h[i];
    H[i][i] = (f(y1) - 2 * f0 + f(y2)) / (h[i] * h[i]);
    for (let j = 0; j < i; j++) {
      const v = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * h[i] * h[j]);
      H[i][j] = v;
      H[j][i] = v;
    }
  }
  return H;
}

/** Inverse of a symmetric positive-definite matrix by Cholesky; undefined when it is not one. */
export function invertSymmetric(A: number[][]): number[][] | undefined {
  const n = A.length;
  const L: number[][] = A.map((r) => r.map(() => 0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return undefined;
        L[i][i] = Math.sqrt(s);
      } else L[i][j] = s / L[j][j];
    }
  }
  // inverse of L, then L^-T L^-1
  const Li: number[][] = A.map((r) => r.map(() => 0));
  for (let i = 0; i < n; i++) {
    Li[i][i] = 1 / L[i][i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= L[i][k] * Li[k][j];
      Li[i][j] = s / L[i][i];
    }
  }
  const inv: number[][] = A.map((r) => r.map(() => 0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < n; k++) s += Li[k][i] * Li[k][j];
      inv[i][j] = s;
    }
  return inv;
}

/** The BFGS update of the inverse Hessian H (in place) from the step s and gradient change y, s·y = sy > 0. */
function bfgsUpdate(H: number[][], s: readonly number[], y: readonly number[], sy: number): void {
  const n = s.length;
  const Hy = H.map((row) => row.reduce((a, h, j) => a + h * y[j], 0));
  const yHy = y.reduce((a, v, i) => a + v * Hy[i], 0);
  const rho = 1 / sy;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) H[i][j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
}
