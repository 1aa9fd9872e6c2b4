/**
 * Gauss–Legendre quadrature for the CLV likelihoods: nodes and weights on [−1, 1] (Newton's
 * method on the Legendre polynomial from the Tricomi start, Numerical Recipes §4.6), computed
 * once per order.
 */

export interface GaussLegendreRule {
  /** Nodes in (−1, 1), ascending. */
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

/** P_n(z) and P'_n(z) by the three-term recurrence. */
function legendre(n: number, z: number): [number, number] {
  let p0 = 1;
  let p1 = z;
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return [p1, (n * (z * p1 - p0)) / (z * z - 1)];
}

const rules = new Map<number, GaussLegendreRule>();

/** The n-point Gauss–Legendre rule (exact for polynomials of degree 2n − 1). */
export function gaussLegendre(n: number): GaussLegendreRule {
  const hit = rules.get(n);
  if (hit) return hit;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    for (let it = 0; it < 100; it++) {
      const [p, dp] = legendre(n, z);
      const dz = p / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    const dp = legendre(n, z)[1];
    nodes[n - 1 - i] = z;
    weights[n - 1 - i] = 2 / ((1 - z * z) * dp * dp);
  }
  const rule = Object.freeze({ nodes, weights });
  rules.set(n, rule);
  return rule;
}
