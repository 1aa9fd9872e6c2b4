import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topIndexes, withoutFitData, type CustomerValues } from '../../src/app/clv-values.js';
import { sortedCustomerOrder } from '../../src/app/customer-rows.js';
import { ledgerTable, order } from '../helpers/ledger-table.js';

describe('topIndexes (the top customers table)', () => {
  it('gives the first k of a full sort, ties broken by the comparator, skipping rows not kept', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }), { maxLength: 200 }), fc.integer({ min: 0, max: 30 }), (vals, k) => {
        const cmp = (a: number, b: number): number => vals[b]! - vals[a]! || a - b;
        const keep = (i: number): boolean => vals[i] !== undefined;
        const all = vals.map((_, i) => i).filter(keep).sort(cmp);
        expect(topIndexes(vals.length, k, keep, cmp)).toEqual(all.slice(0, k));
      }),
      { numRuns: 300 },
    );
  });
});

describe('sortedCustomerOrder (customers.csv and the audiences)', () => {
  it('sorts by id in code-unit order, once per table', () => {
    const t = ledgerTable([['b', [order('2024-01-01', 5)]], ['B', []], ['a', [order('2024-01-02', 7)]], ['é', []], ['a1', []]]);
    const sorted = sortedCustomerOrder(t);
    expect(Array.from(sorted, (i) => t.ids[i])).toEqual(['B', 'a', 'a1', 'b', 'é']);
    expect(sortedCustomerOrder(t)).toBe(sorted);
    expect(sortedCustomerOrder({ ...t })).not.toBe(sorted);
  });
});

describe('withoutFitData (the report lets go of the fit per customer)', () => {
  it('drops the summary and the predictor, keeps every per-customer value and the fit', () => {
    const clv = Float64Array.of(1, 2);
    const purchase = { model: 'bgnbd' };
    const v = { settings: { model: 'bgnbd' }, clv, pAlive: clv, summary: { size: 2 }, scores: { purchase, predictor: { size: 2 }, clv } } as unknown as CustomerValues;
    const kept = withoutFitData(v);
    expect(kept.summary).toBeUndefined();
    expect(kept.scores?.predictor).toBeUndefined();
    expect(kept.scores?.purchase).toBe(purchase);
    expect(kept.clv).toBe(clv);
    expect(kept.pAlive).toBe(clv);
    expect(v.summary).toBeDefined();
    expect(withoutFitData({ ...v, scores: undefined }).scores).toBeUndefined();
  });
});
