/**
 * Seeded simulation of the CLV models' generative stories, for recovery tests and the bench.
 * RNG: mulberry32 (32-bit state); gamma by Marsaglia & Tsang (2000), with the α < 1 boost.
 */
import { seededUniform } from '../../../src/analytics/clv/intervals.js';
/** mulberry32, the one the interval draws use (analytics/clv/intervals.ts). */
export const rng = seededUniform;

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** Gamma(shape k, rate 1). */
export function gamma(u: () => number, k: number): number {
  if (k < 1) return gamma(u, k + 1) * Math.pow(u(), 1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(u);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (w < 1 - 0.0331 * x * x * x * x || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export interface Simulated {
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  monetary: Float64Array;
  /** Purchase times (first at 0) of each customer, when kept. */
  times?: number[][];
}

/**
 * BG/NBD customers (Fader, Hardie & Lee 2005): λ ~ Gamma(r, rate α), p ~ Beta(a, b); Poisson
 * purchases at rate λ from time 0 (the first purchase) to T; after each repeat purchase the
 * customer drops out with probability p. Spend per repeat purchase: Gamma(p_gg, rate ν) with
 * ν ~ Gamma(q, rate v) (Gamma-Gamma). T drawn uniformly in [Tmin, Tmax]; `days` rounds all
 * times to whole days (in weeks: multiples of 1/7) as a ledger would, merging same-day purchases.
 */
export function simulateBgNbd(
  n: number,
  prm: { r: number; alpha: number; a: number; b: number },
  gg: { p: number; q: number; v: number },
  opts: { seed: number; Tmin: number; Tmax: number; days?: boolean; keepTimes?: boolean },
): Simulated {
  const u = rng(opts.seed);
  const frequency = new Float64Array(n);
  const recency = new Float64Array(n);
  const T = new Float64Array(n);
  const monetary = new Float64Array(n);
  const times: number[][] | undefined = opts.keepTimes ? [] : undefined;
  const round = (t: number): number => (opts.days ? Math.floor(t * 7) / 7 : t);
  for (let i = 0; i < n; i++) {
    const lambda = gamma(u, prm.r) / prm.alpha;
    const ga = gamma(u, prm.a);
    const p = ga / (ga + gamma(u, prm.b));
    const nu = gamma(u, gg.q) / gg.v;
    const Ti = round(opts.Tmin + (opts.Tmax - opts.Tmin) * u());
    let t = 0;
    let x = 0;
    let last = 0;
    let spend = 0;
    const ts = times ? [0] : undefined;
    for (;;) {
      t += -Math.log(u()) / lambda;
      const tr = round(t);
      if (tr > Ti) break;
      if (tr !== last) {
        x++;
        last = tr;
        ts?.push(tr);
      }
      spend += gamma(u, gg.p) / nu;
      if (u() < p) break;
    }
    frequency[i] = x;
    recency[i] = last;
    T[i] = Ti;
    monetary[i] = x > 0 ? spend / x : 0;
    if (times && ts) times.push(ts);
  }
  return { frequency, recency, T, monetary, times };
}

/**
 * (x, t_x, T) in weeks from a BG/NBD-like process for the likelihood checks; `sameRate` gives
 * every customer one purchase rate and one dropout probability (no heterogeneity: the fit
 * runs its shape parameters to infinity).
 */
export function simulatePurchases(seed: number, n: number, sameRate: boolean): { frequency: number[]; recency: number[]; T: number[] } {
  const u = rng(seed);
  const frequency: number[] = [];
  const recency: number[] = [];
  const T: number[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = sameRate ? 0.4 : gamma(u, 0.5) / 2;
    const g = gamma(u, 1);
    const p = sameRate ? 0.05 : g / (g + gamma(u, 3));
    const end = Math.round(10 + 60 * u());
    let t = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      t += -Math.log(u()) / lambda;
      if (t > end) break;
      x++;
      last = t;
      if (u() < p) break;
    }
    frequency.push(x);
    recency.push(Math.round(last * 7) / 7);
    T.push(end);
  }
  return { frequency, recency, T };
}

/**
 * Repeat customers' (x, z̄) for the Gamma-Gamma checks: per-order spends Gamma(p, ν) with
 * ν ~ Gamma(q, v), or one ν for every customer (`sameRate`: the fit runs q and v to infinity).
 */
export function simulateSpend(seed: number, n: number, sameRate: boolean): { frequency: number[]; monetary: number[] } {
  const u = rng(seed);
  const frequency: number[] = [];
  const monetary: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = sameRate ? 20 + Math.floor(21 * u()) : 1 + Math.floor(10 * u());
    const nu = sameRate ? 6 / 65 : gamma(u, 4) / 30;
    const p = sameRate ? 6 : 3;
    let sum = 0;
    for (let k = 0; k < x; k++) sum += gamma(u, p) / nu;
    frequency.push(x);
    monetary.push(Math.round((100 * sum) / x) / 100);
  }
  return { frequency, monetary };
}
