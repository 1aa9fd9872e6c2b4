import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { betaln, gammaln, hyp2f1, hyp2f1OneSeries, hyp2f1Safe, hyp2f1Series, logAddExp, logHyp2f1One } from '../../../src/analytics/clv/special.js';

describe('special functions', () => {
  it('log-gamma and log-beta at known values', () => {
    expect(gammaln(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(gammaln(10)).toBeCloseTo(Math.log(362880), 12);
    expect(gammaln(1)).toBe(0);
    expect(betaln(2, 3)).toBeCloseTo(Math.log(1 / 12), 14);
    expect(betaln(0.5, 0.5)).toBeCloseTo(Math.log(Math.PI), 14);
  });

  it('2F1 at closed forms (DLMF 15.4.1, 15.4.3)', () => {
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 12);
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(hyp2f1OneSeries(1, 2, z), 12);
      // 2F1(a, b; b; z) = (1 − z)^{−a}
      expect(hyp2f1(2.5, 1.3, 1.3, z)).toBeCloseTo(Math.pow(1 - z, -2.5), 8);
    }
  });

  it('the series of 2F1(1, b; c; z) agrees with stdlib', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 200, noNaN: true }),
        fc.double({ min: 0.01, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 0.98, noNaN: true }),
        (b, extra, z) => {
          const c = b + extra;
          const s = hyp2f1OneSeries(b, c, z);
          const l = hyp2f1(1, b, c, z);
          // stdlib returns NaN where c − a − b is within rounding of an integer; logHyp2f1One
          // and hyp2f1Safe fall back to the series there
          if (Number.isFinite(l)) expect(Math.abs(s - l) / s).toBeLessThan(1e-9);
          expect(Math.abs(hyp2f1Safe(1, b, c, z) - s) / s).toBeLessThan(1e-9);
          expect(Math.abs(hyp2f1Series(1, b, c, z) - s) / s).toBeLessThan(1e-9);
          expect(logHyp2f1One(b, c, z)).toBeCloseTo(Math.log(s), 9);
        },
      ),
    );
  });

  it('stdlib NaN case is caught by the fallback', () => {
    const b = 97.72744996084391;
    const c = b + 49.99999999999989;
    expect(hyp2f1Safe(1, b, c, 0.9000000000000001)).toBeCloseTo(2.4901279117759563, 12);
    expect(Math.exp(logHyp2f1One(b, c, 0.9000000000000001))).toBeCloseTo(2.4901279117759563, 12);
  });

  it('logAddExp', () => {
    expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 14);
    expect(logAddExp(-Infinity, 1)).toBe(1);
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 10);
  });
});
