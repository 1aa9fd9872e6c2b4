import { describe, expect, it } from 'vitest';
import { parseMeasures } from '../../src/analytics/pivot-spec.js';
import { pivotTable, type PivotColumn } from '../../src/analytics/pivot.js';

/** The pure pivot over typed columns: numbers in a Float64Array (NaN empty), text in an array. */
const data: PivotColumn[] = [
  { name: 'channel', type: 'string', values: ['web', 'total', 'web', null, 'total'] },
  { name: 'tier', type: 'int', values: new Float64Array([1, 2, 2, 1, NaN]) },
  { name: 'clv', type: 'money', values: new Float64Array([10, 20, NaN, 40, 50]) },
];
const spec = (rows: string[], cols: string[], measure: string, totals = false) => ({ rows, cols, measures: parseMeasures(measure), totals, shares: false });

describe('pivotTable on typed columns', () => {
  it('a value named like the total column keeps its own column; empty keys are (blank) in names and null in cells', () => {
    const p = pivotTable(data, spec(['tier'], ['channel'], 'clv:sum', true));
    expect(p.columns.map((c) => c.name)).toEqual(['tier', 'total', 'web', '(blank)', 'total_2']);
    // with --totals a numeric first row column holds text (the Total label)
    expect(p.columns[0].type).toBe('string');
    expect(p.rows).toEqual([
      ['1', null, 10, 40, 50],
      ['2', 20, null, null, 20],
      [null, 50, null, null, 50],
      ['Total', 70, 10, 40, 120],
    ]);
  });

  it('NaN is an empty value: left out of mean, median and count, as SQL leaves out NULL', () => {
    const p = pivotTable(data, spec(['channel'], [], 'customers,clv:count,clv:mean,clv:median,clv:min'));
    expect(p.rows).toEqual([
      ['total', 2, 2, 35, 35, 20],
      ['web', 2, 1, 10, 10, 10],
      [null, 1, 1, 40, 40, 40],
    ]);
    expect(p.columns.map((c) => c.type)).toEqual(['string', 'int', 'int', 'money', 'money', 'money']);
  });
});
