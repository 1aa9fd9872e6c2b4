import { describe, expect, it } from 'vitest';
import { binCounts, histogram, renderSvg } from '../../src/render/charts.js';

describe('histogram binning', () => {
  it('uses vega\'s nice steps: 0..99 in 20 bins of 5', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => i);
    const b = binCounts(values);
    expect(b).toEqual({ start: 0, step: 5, counts: new Array(20).fill(5) });
  });

  it('puts the top of the extent in the last bin, as vega does, and loses no value', () => {
    const b = binCounts([0, 0.4, 50, 100]);
    expect(b.step).toBe(5);
    expect(b.counts.length).toBe(20);
    expect(b.counts[0]).toBe(2);
    expect(b.counts[10]).toBe(1);
    expect(b.counts[19]).toBe(1);
    expect(b.counts.reduce((a, c) => a + c, 0)).toBe(4);
  });

  it('starts below a negative minimum on a step boundary', () => {
    const b = binCounts([-12.5, 3, 7.5]);
    expect(b.start % b.step).toBeCloseTo(0, 12);
    expect(b.start).toBeLessThanOrEqual(-12.5);
    expect(b.counts.reduce((a, c) => a + c, 0)).toBe(3);
  });

  it('has no bins for no values and one for a single value', () => {
    expect(binCounts([]).counts).toEqual([]);
    expect(binCounts([7]).counts.reduce((a, c) => a + c, 0)).toBe(1);
  });

  it('draws only the non-empty bins, and the spec holds bins, not one object per value', async () => {
    const values = Float64Array.from({ length: 100_000 }, (_, i) => (i % 10 === 0 ? 500 : i % 50));
    const spec = histogram('value', values, 'value per customer') as unknown as { data: { values: { lo: number; hi: number; n: number }[] } };
    const bins = spec.data.values;
    expect(bins.length).toBeLessThanOrEqual(40);
    expect(bins.reduce((a, b) => a + b.n, 0)).toBe(100_000);
    expect(bins[bins.length - 1]).toMatchObject({ n: 10_000 });
    const svg = await renderSvg(spec as never);
    expect((svg.match(/aria-roledescription="bar"/g) ?? []).length).toBe(bins.length);
  });
});
