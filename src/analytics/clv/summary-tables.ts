/**
 * The summary tables of domain/summaries.ts from a per-customer summary (what `clm` would write
 * for a warehouse to compare with), and the model inputs from them: rows weighted by counts.
 */
import type { RfmCounts, SpendCounts } from '../../domain/summaries.js';
import { compressPurchases, compressSpend } from './compress.js';
import { ggEligible, type SpendData } from './gamma-gamma.js';
import type { PurchaseData } from './model.js';
import type { ClvSummary } from './summary.js';

/**
 * The rfm_counts table (domain/summaries.ts) of a per-customer summary: its distinct (x, t_x, T)
 * with counts, and per row the repeat purchases' net value summed over its customers (x · z̄).
 */
export function rfmCountsOf(summary: Pick<ClvSummary, 'frequency' | 'recency' | 'T' | 'monetary' | 'unit'>): RfmCounts {
  const c = compressPurchases(summary);
  const spend = new Float64Array(c.size);
  for (let i = 0; i < c.index.length; i++) spend[c.index[i]] += summary.frequency[i] * summary.monetary[i];
  return Object.freeze({ size: c.size, unit: summary.unit, x: c.frequency, t_x: c.recency, T: c.T, count: c.weight, spend_sum: spend });
}

/** The spend_counts table of a per-customer summary: distinct (x, z̄) of the customers Gamma-Gamma fits (x > 0, z̄ > 0). */
export function spendCountsOf(summary: Pick<ClvSummary, 'frequency' | 'monetary'>): SpendCounts {
  const keep: number[] = [];
  for (let i = 0; i < summary.frequency.length; i++) if (ggEligible(summary.frequency[i], summary.monetary[i])) keep.push(i);
  const c = compressSpend({ frequency: Float64Array.from(keep, (i) => summary.frequency[i]), monetary: Float64Array.from(keep, (i) => summary.monetary[i]) });
  return Object.freeze({ size: c.size, x: c.frequency, zbar: c.monetary, count: c.weight });
}

/** What the purchase models fit on, from an rfm_counts table: its rows weighted by their counts. */
export function purchaseDataOf(t: RfmCounts): PurchaseData {
  return { frequency: t.x, recency: t.t_x, T: t.T, weight: t.count };
}

/** What Gamma-Gamma fits on, from a spend_counts table. */
export function spendDataOf(t: SpendCounts): SpendData {
  return { frequency: t.x, monetary: t.zbar, weight: t.count };
}
