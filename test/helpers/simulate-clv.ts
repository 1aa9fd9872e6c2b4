/** Seeded simulations of customers for the CLV likelihood tests. */
import type { PurchaseData } from '../../src/analytics/clv/model.js';

/** A small deterministic generator (mulberry32) and the variates the simulations need. */
export function rng(seed: number): { u: () => number; gamma: (shape: number, rate: number) => number; beta: (a: number, b: number) => number } {
  let t = seed >>> 0;
  const u = (): number => {
    t = (t + 0x6d2b79f5) >>> 0;
    let z = t;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (((z ^ (z >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  // Marsaglia & Tsang (2000), with the shape < 1 boost
  const gamma = (shape: number, rate: number): number => {
    if (shape < 1) return gamma(shape + 1, rate) * Math.pow(u(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      const v = (1 + c * x) ** 3;
      if (v > 0 && Math.log(u()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
    }
  };
  const beta = (a: number, b: number): number => {
    const x = gamma(a, 1);
    return x / (x + gamma(b, 1));
  };
  return { u, gamma, beta };
}

/** (x, t_x, T) in weeks from a BG/NBD-like process; `sameRate` gives every customer one purchase rate and dropout. */
export function simulatePurchases(seed: number, n: number, sameRate: boolean): PurchaseData {
  const g = rng(seed);
  const X: number[] = [];
  const TX: number[] = [];
  const TT: number[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = sameRate ? 0.4 : g.gamma(0.5, 2);
    const p = sameRate ? 0.05 : g.beta(1, 3);
    const T = Math.round(10 + 60 * g.u());
    let t = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      t += -Math.log(g.u()) / lambda;
      if (t > T) break;
      x++;
      last = t;
      if (g.u() < p) break;
    }
    X.push(x);
    TX.push(Math.round(last * 7) / 7);
    TT.push(T);
  }
  return { frequency: X, recency: TX, T: TT };
}

/** Repeat customers' (x, z̄): per-order spends Gamma(p, ν), ν ~ Gamma(q, v), or one ν for all (`sameRate`). */
export function simulateSpend(seed: number, n: number, sameRate: boolean): { frequency: number[]; monetary: number[] } {
  const g = rng(seed);
  const frequency: number[] = [];
  const monetary: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = sameRate ? 20 + Math.floor(21 * g.u()) : 1 + Math.floor(10 * g.u());
    const nu = sameRate ? 6 / 65 : g.gamma(4, 30);
    const p = sameRate ? 6 : 3;
    let sum = 0;
    for (let k = 0; k < x; k++) sum += g.gamma(p, nu);
    frequency.push(x);
    monetary.push(Math.round((100 * sum) / x) / 100);
  }
  return { frequency, monetary };
}

