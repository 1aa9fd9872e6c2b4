import type { CustomerTable } from '../domain/customer-state.js';
import type { Day } from '../domain/dates.js';
import { LedgerCursor } from '../domain/ledger.js';
import { formatPeriod, periodEndDay, periodOfDay, periodStartDay } from '../domain/period.js';
import type { KpiUnit } from './kpis.js';

/**
 * Acquisition cost (issue 7) from monthly marketing spend per channel.
 *
 * - A customer is acquired in the period of their first counted order, through their `channel`
 *   attribute (customers file, else the channel of their first order); customers without one
 *   are acquired through no channel.
 * - CAC of a channel in a period = its spend in the period (the spend months the period holds) /
 *   the customers acquired through it in the period; null when it acquired nobody. The blended
 *   CAC of a period (channel `(all)`) = all spend / all customers acquired, with or without a
 *   channel.
 * - LTV:CAC of a channel, over the months the spend file covers (months with at least one row,
 *   up to the as-of month): CAC = the channel's spend in those months / the customers it acquired
 *   in them; LTV = the mean value of those customers (historical value to date, plus the
 *   model's predicted value when a model is given; the caller passes the per-customer value).
 * - Months to recover CAC, per monthly cohort of the covered months: the cohort's CAC = the
 *   month's spend (all channels) / its new customers; the cohort recovers it in month k (0 = the
 *   acquisition month itself) when the cumulative net revenue per cohort customer over months
 *   0..k, times the margin, first reaches the CAC. Not yet recovered: null, with the share
 *   recovered so far.
 */

/** Spend of one channel in one month (summed over repeated rows). */
export interface SpendEntry {
  /** Month period index (domain/period.ts): year * 12 + month - 1. */
  month: number;
  channel: string;
  amount: number;
}

/** Channel index per customer (-1 = no channel, or no counted order) and the channel names. */
export interface ChannelAssignment {
  channelOf: Int32Array;
  channels: string[];
}

export type AcquisitionLedger = Pick<CustomerTable, 'size' | 'orders' | 'firstDay' | 'ledgerStart' | 'ledgerDay' | 'ledgerDayBase' | 'ledgerOrders' | 'ledgerAmount' | 'ledgerAmountScale'>;

export interface CacRow {
  label: string;
  period: number;
  complete: boolean;
  /** A spend channel, or ALL_CHANNELS for the blended row. */
  channel: string;
  /** null in a period the spend file does not cover (unknown, not zero). */
  spend: number | null;
  newCustomers: number;
  cac: number | null;
}

export const ALL_CHANNELS = '(all)';

/** The first purchase day on or before asOf of customer i, or undefined. */
function firstPurchaseDay(t: AcquisitionLedger, i: number, asOf: Day): Day | undefined {
  if (t.orders[i] <= 0) return undefined;
  if (t.firstDay[i] <= asOf) return t.firstDay[i];
  return undefined;
}

/**
 * CAC per period of `unit` and spend channel, for the periods from..to (period indices), and
 * the blended row of each period. Spend months after the as-of month are left out.
 */
export function cacByPeriod(
  t: AcquisitionLedger,
  spend: readonly SpendEntry[],
  ch: ChannelAssignment,
  opts: { unit: KpiUnit; asOf: Day; from: number; to: number },
): CacRow[] {
  const { unit, asOf, from, to } = opts;
  const asOfMonth = periodOfDay('month', asOf);
  const spendChannels = [...new Set(spend.map((s) => s.channel))].sort();
  const n = to - from + 1;
  if (n <= 0) return [];
  const spendBy = new Map<string, Float64Array>();
  for (const c of [...spendChannels, ALL_CHANNELS]) spendBy.set(c, new Float64Array(n));
  // periods with at least one month in the spend file; the others have no spend to divide
  const covered = new Uint8Array(n);
  for (const s of spend) {
    if (s.month > asOfMonth) continue;
    const p = periodOfDay(unit, periodStartDay('month', s.month)) - from;
    if (p < 0 || p >= n) continue;
    covered[p] = 1;
    spendBy.get(s.channel)![p] += s.amount;
    spendBy.get(ALL_CHANNELS)![p] += s.amount;
  }
  // new customers per period and channel (channel index into ch.channels; the last slot: all)
  const nc = ch.channels.length;
  const fresh = new Int32Array(n * (nc + 1));
  for (let i = 0; i < t.size; i++) {
    const d = firstPurchaseDay(t, i, asOf);
    if (d === undefined) continue;
    const p = periodOfDay(unit, d) - from;
    if (p < 0 || p >= n) continue;
    const c = ch.channelOf[i];
    if (c >= 0) fresh[p * (nc + 1) + c]++;
    fresh[p * (nc + 1) + nc]++;
  }
  const channelIndex = new Map(ch.channels.map((c, k) => [c, k]));
  const rows: CacRow[] = [];
  for (let p = 0; p < n; p++) {
    const period = from + p;
    const complete = periodEndDay(unit, period) <= asOf;
    for (const c of [...spendChannels, ALL_CHANNELS]) {
      const k = c === ALL_CHANNELS ? nc : channelIndex.get(c);
      const customers = k === undefined ? 0 : fresh[p * (nc + 1) + k];
      const s = covered[p] ? spendBy.get(c)![p] : null;
      rows.push({ label: formatPeriod(unit, period), period, complete, channel: c, spend: s, newCustomers: customers, cac: s !== null && customers > 0 ? s / customers : null });
    }
  }
  return rows;
}

/** The months the spend file covers, up to the as-of month, sorted. */
export function coveredMonths(spend: readonly SpendEntry[], asOf: Day): number[] {
  const asOfMonth = periodOfDay('month', asOf);
  return [...new Set(spend.map((s) => s.month))].filter((m) => m <= asOfMonth).sort((a, b) => a - b);
}

export interface LtvCacRow {
  channel: string;
  spend: number;
  newCustomers: number;
  cac: number | null;
  /** Mean historical value (net revenue to date x margin) of the channel's acquired customers. */
  historicalValue: number | null;
  /** Mean predicted value (null without a model). */
  predictedValue: number | null;
  ltv: number | null;
  ltvToCac: number | null;
}

/**
 * LTV:CAC per spend channel (and blended) over the covered months. `historical[i]` and
 * `predicted[i]` are per-customer values (NaN = none; predicted undefined = no model).
 */
export function ltvToCac(
  t: AcquisitionLedger,
  spend: readonly SpendEntry[],
  ch: ChannelAssignment,
  values: { historical: Float64Array; predicted?: Float64Array },
  asOf: Day,
): LtvCacRow[] {
  const months = new Set(coveredMonths(spend, asOf));
  const spendChannels = [...new Set(spend.map((s) => s.channel))].sort();
  const total = new Map<string, number>();
  for (const c of [...spendChannels, ALL_CHANNELS]) total.set(c, 0);
  for (const s of spend) {
    if (!months.has(s.month)) continue;
    total.set(s.channel, total.get(s.channel)! + s.amount);
    total.set(ALL_CHANNELS, total.get(ALL_CHANNELS)! + s.amount);
  }
  const nc = ch.channels.length;
  const count = new Int32Array(nc + 1);
  const hist = new Float64Array(nc + 1);
  const pred = new Float64Array(nc + 1);
  const predCount = new Int32Array(nc + 1);
  for (let i = 0; i < t.size; i++) {
    const d = firstPurchaseDay(t, i, asOf);
    if (d === undefined || !months.has(periodOfDay('month', d))) continue;
    const c = ch.channelOf[i];
    for (const k of c >= 0 ? [c, nc] : [nc]) {
      count[k]++;
      hist[k] += Number.isNaN(values.historical[i]) ? 0 : values.historical[i];
      const v = values.predicted?.[i];
      if (v !== undefined && !Number.isNaN(v)) {
        pred[k] += v;
        predCount[k]++;
      }
    }
  }
  const channelIndex = new Map(ch.channels.map((c, k) => [c, k]));
  return [...spendChannels, ALL_CHANNELS].map((c) => {
    const k = c === ALL_CHANNELS ? nc : channelIndex.get(c);
    const customers = k === undefined ? 0 : count[k];
    const s = total.get(c)!;
    const cac = customers > 0 ? s / customers : null;
    const historicalValue = customers > 0 ? hist[k!] / customers : null;
    const predictedValue = values.predicted && customers > 0 ? pred[k!] / customers : null;
    const ltv = historicalValue === null ? null : historicalValue + (predictedValue ?? 0);
    return { channel: c, spend: s, newCustomers: customers, cac, historicalValue, predictedValue, ltv, ltvToCac: ltv !== null && cac !== null && cac > 0 ? ltv / cac : null };
  });
}

export interface PaybackRow {
  /** Month period index and label of the cohort. */
  month: number;
  label: string;
  spend: number;
  newCustomers: number;
  cac: number | null;
  /** Cumulative net revenue per cohort customer (x margin) up to the as-of date. */
  valueToDate: number | null;
  /** 0 = recovered within the acquisition month; null = not (yet) recovered. */
  monthsToRecover: number | null;
  /** valueToDate / cac. */
  recoveredShare: number | null;
}

/** Months to recover CAC per monthly cohort of the covered months (see the module comment). */
export function cacPayback(t: AcquisitionLedger, spend: readonly SpendEntry[], asOf: Day, margin = 1): PaybackRow[] {
  const months = coveredMonths(spend, asOf);
  if (months.length === 0) return [];
  const index = new Map(months.map((m, k) => [m, k]));
  const asOfMonth = periodOfDay('month', asOf);
  const spendOf = new Float64Array(months.length);
  for (const s of spend) {
    const k = index.get(s.month);
    if (k !== undefined) spendOf[k] += s.amount;
  }
  const size = new Int32Array(months.length);
  // revenue by cohort and months since, up to the as-of month
  const byK: Float64Array[] = months.map((m) => new Float64Array(asOfMonth - m + 1));
  const cursor = new LedgerCursor(t);
  for (let i = 0; i < t.size; i++) {
    const d = firstPurchaseDay(t, i, asOf);
    if (d === undefined) continue;
    const m0 = periodOfDay('month', d);
    const c = index.get(m0);
    if (c === undefined) continue;
    size[c]++;
    const row = byK[c];
    cursor.open(i);
    while (cursor.next()) {
      const day = cursor.day;
      if (day > asOf) break;
      row[periodOfDay('month', day) - m0] += cursor.amount;
    }
  }
  return months.map((m, c) => {
    const n = size[c];
    const cac = n > 0 ? spendOf[c] / n : null;
    let cum = 0;
    let recover: number | null = null;
    const row = byK[c];
    for (let k = 0; k < row.length; k++) {
      cum += row[k];
      if (recover === null && cac !== null && (cum * margin) / n >= cac - 1e-9) recover = k;
    }
    const valueToDate = n > 0 ? (cum * margin) / n : null;
    return {
      month: m,
      label: formatPeriod('month', m),
      spend: spendOf[c],
      newCustomers: n,
      cac,
      valueToDate,
      monthsToRecover: recover,
      recoveredShare: cac !== null && cac > 0 && valueToDate !== null ? valueToDate / cac : null,
    };
  });
}

/** Channel per customer from an attribute column (blank = none). Channels sorted. */
export function assignChannels(values: readonly (string | undefined)[] | undefined, size: number): ChannelAssignment {
  const channelOf = new Int32Array(size).fill(-1);
  if (!values) return { channelOf, channels: [] };
  const names = [...new Set(values.filter((v): v is string => v !== undefined && v.trim() !== '').map((v) => v.trim()))].sort();
  const index = new Map(names.map((c, k) => [c, k]));
  for (let i = 0; i < size; i++) {
    const v = values[i]?.trim();
    if (v) channelOf[i] = index.get(v)!;
  }
  return { channelOf, channels: names };
}
