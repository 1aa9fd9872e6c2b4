/**
 * Compression of model inputs into distinct rows with counts (spec §6.1, §11; issue 13 item 2),
 * as lifetimes' `weights` and CLVTools' compressed CBS do: the purchase models' likelihoods
 * (BG/NBD, MBG/NBD, Pareto/NBD) depend on a customer only through (x, t_x, T), Gamma-Gamma's
 * only through (x, z̄), so customers with equal values are one row weighted by their count and
 * the fit is the same. Rows are equal when their values are equal doubles (no rounding), so the
 * compressed likelihood is the per-customer one with its terms regrouped.
 *
 * Weights are counts of customers: whole numbers ≥ 0. A row of weight 0 is dropped (it adds
 * nothing to a likelihood, and kept it would still change which rows a warm-up subsample holds).
 */
import { DataError } from '../../domain/errors.js';
import { groupRows } from './summary.js';

/** Distinct rows of the given columns with their total weight, in order of first appearance. */
export interface Compressed {
  readonly size: number;
  /** The distinct values, one array per input column. */
  readonly columns: readonly Float64Array[];
  /** Customers per distinct row (sum of the input weights). */
  readonly weight: Float64Array;
  /** Distinct row of each input row; −1 for a row of weight 0. */
  readonly index: Int32Array;
}

/**
 * Throws a DataError, naming the row (1-based, of the arrays; a file reader names its own
 * lines) and the value, unless every weight is a whole
 * number ≥ 0 (a count of customers). `what` names the input in the message.
 */
export function validateWeights(weight: ArrayLike<number>, what = 'weight'): void {
  for (let i = 0; i < weight.length; i++) {
    const w = weight[i];
    if (!(w >= 0) || !Number.isInteger(w)) {
      throw new DataError(`the ${what} of row ${i + 1} must be a whole number ≥ 0 (a count of customers), not ${String(w)}`, { column: what, value: String(w) }, 'give each distinct row the number of customers it stands for');
    }
  }
}

/**
 * Merges rows with equal values in every column, summing their weights (1 each when `weight`
 * is absent); rows of weight 0 are left out. Weights are validated (validateWeights).
 * Linear in the rows.
 */
export function compressRows(cols: readonly ArrayLike<number>[], weight?: ArrayLike<number>): Compressed {
  const n = cols.length > 0 ? cols[0].length : 0;
  for (const c of cols) if (c.length !== n) throw new DataError(`columns of ${n} and ${c.length} values cannot be compressed together`);
  if (weight) {
    if (weight.length !== n) throw new DataError(`${n} rows but ${weight.length} weights`);
    validateWeights(weight);
  }
  const g = groupRows(cols, n);
  const w = new Float64Array(g.groups);
  if (weight) for (let i = 0; i < n; i++) w[g.index[i]] += weight[i];
  else w.set(g.count);
  // distinct rows whose weight is 0 go; the others keep their order
  const keep = new Int32Array(g.groups);
  let size = 0;
  for (let k = 0; k < g.groups; k++) keep[k] = w[k] > 0 ? size++ : -1;
  const columns = cols.map((c) => {
    const out = new Float64Array(size);
    for (let k = 0; k < g.groups; k++) if (keep[k] >= 0) out[keep[k]] = c[g.first[k]];
    return out;
  });
  const weights = new Float64Array(size);
  for (let k = 0; k < g.groups; k++) if (keep[k] >= 0) weights[keep[k]] = w[k];
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = keep[g.index[i]];
  return Object.freeze({ size, columns: Object.freeze(columns), weight: weights, index });
}

/** Per-customer (or already weighted) (x, t_x, T) as distinct rows with counts: the RfmCounts of a summary. */
export function compressPurchases(data: {
  readonly frequency: ArrayLike<number>;
  readonly recency: ArrayLike<number>;
  readonly T: ArrayLike<number>;
  readonly weight?: ArrayLike<number>;
}): { readonly size: number; readonly frequency: Float64Array; readonly recency: Float64Array; readonly T: Float64Array; readonly weight: Float64Array; readonly index: Int32Array } {
  const c = compressRows([data.frequency, data.recency, data.T], data.weight);
  return Object.freeze({ size: c.size, frequency: c.columns[0], recency: c.columns[1], T: c.columns[2], weight: c.weight, index: c.index });
}

/** Identical (x, t_x, T) rows merged, with their weights (number of customers). */
export type MergedRows = ReturnType<typeof compressPurchases>;

/** Per-customer (x, t_x, T) with identical rows merged: what every purchase-model fit runs on. */
export function mergeIdentical(frequency: ArrayLike<number>, recency: ArrayLike<number>, T: ArrayLike<number>): MergedRows {
  return compressPurchases({ frequency, recency, T });
}

/** Per-customer (or already weighted) (x, z̄) as distinct rows with counts, for Gamma-Gamma. */
export function compressSpend(data: { readonly frequency: ArrayLike<number>; readonly monetary: ArrayLike<number>; readonly weight?: ArrayLike<number> }): {
  readonly size: number;
  readonly frequency: Float64Array;
  readonly monetary: Float64Array;
  readonly weight: Float64Array;
  readonly index: Int32Array;
} {
  const c = compressRows([data.frequency, data.monetary], data.weight);
  return Object.freeze({ size: c.size, frequency: c.columns[0], monetary: c.columns[1], weight: c.weight, index: c.index });
}
