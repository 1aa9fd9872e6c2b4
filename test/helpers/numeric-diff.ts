/** Central difference of f in coordinate i with a relative step, Richardson-extrapolated (checks analytic gradients). */
export function centralDiff(f: (t: number[]) => number, theta: number[], i: number): number {
  const d = (h: number): number => {
    const p = theta.slice();
    const m = theta.slice();
    p[i] += h;
    m[i] -= h;
    return (f(p) - f(m)) / (2 * h);
  };
  const h = 1e-4 * theta[i];
  return (4 * d(h / 2) - d(h)) / 3;
}
