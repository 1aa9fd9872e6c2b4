import { RFM_SEGMENTS, type MetricScoring } from '../analytics/rfm.js';
import { tableOf, type Cell, type ResultTable } from '../render/result.js';
import type { Lifecycle } from './lifecycle.js';
import { STAGE_VS_RFM } from '../domain/stage.js';

/** Accumulates the profile of one group of customers. */
class ProfileSums {
  customers = 0;
  buyers = 0;
  revenue = 0;
  recency = 0;
  frequency = 0;
  monetary = 0;
  r = 0;
  f = 0;
  m = 0;
  highM = 0;
}

const PROFILE_COLUMNS = [
  { name: 'segment', type: 'string' as const },
  { name: 'customers', type: 'int' as const },
  { name: 'share', type: 'percent' as const },
  { name: 'revenue', type: 'money' as const },
  { name: 'revenue_share', type: 'percent' as const },
  { name: 'mean_recency_days', type: 'number' as const, decimals: 1 },
  { name: 'mean_frequency', type: 'number' as const, decimals: 2 },
  { name: 'mean_monetary', type: 'money' as const },
  { name: 'mean_r', type: 'number' as const, decimals: 2 },
  { name: 'mean_f', type: 'number' as const, decimals: 2 },
  { name: 'mean_m', type: 'number' as const, decimals: 2 },
  { name: 'share_m_4_plus', type: 'percent' as const },
  { name: 'mean_historical_value', type: 'money' as const },
];

function profileRows(names: string[], groupOf: (i: number) => number, lc: Lifecycle, customers: ArrayLike<number>): Cell[][] {
  const sums = names.map(() => new ProfileSums());
  const s = lc.snapshot;
  const monetaryOf = (i: number): number => (lc.monetary === 'mean' ? s.revenue[i] / s.orders[i] : s.revenue[i]);
  let total = 0;
  let totalRevenue = 0;
  for (let k = 0; k < customers.length; k++) {
    const i = customers[k];
    const g = sums[groupOf(i)];
    g.customers++;
    g.revenue += s.revenue[i];
    total++;
    totalRevenue += s.revenue[i];
    if (s.orders[i] === 0) continue;
    g.buyers++;
    g.recency += lc.recencyDays[i];
    g.frequency += s.purchaseDays[i];
    g.monetary += monetaryOf(i);
    g.r += lc.rScore[i];
    g.f += lc.fScore[i];
    g.m += lc.mScore[i];
    if (lc.mScore[i] >= 4) g.highM++;
  }
  return names.map((name, k) => {
    const g = sums[k];
    const per = (v: number): number | null => (g.buyers > 0 ? v / g.buyers : null);
    return [
      name,
      g.customers,
      total > 0 ? g.customers / total : null,
      g.revenue,
      totalRevenue !== 0 ? g.revenue / totalRevenue : null,
      per(g.recency),
      per(g.frequency),
      per(g.monetary),
      per(g.r),
      per(g.f),
      per(g.m),
      per(g.highM),
      g.customers > 0 ? g.revenue / g.customers : null,
    ];
  });
}

/** The 11 named RFM segments over customers with an order, in the spec's order. */
export function rfmProfile(lc: Lifecycle): ResultTable {
  const rows = profileRows([...RFM_SEGMENTS], (i) => lc.rfmSegment[i], lc, lc.buyers);
  return tableOf('segments', 'RFM segments (customers with an order)', PROFILE_COLUMNS, rows);
}

/** Custom segments over every customer (prospects included), in the config's order. */
export function customProfile(lc: Lifecycle): ResultTable {
  const c = lc.custom!;
  const all = new Int32Array(lc.snapshot.size);
  for (let i = 0; i < all.length; i++) all[i] = i;
  const rows = profileRows(c.names, (i) => c.segment[i], lc, all);
  return tableOf('segments', 'Custom segments (config; first matching rule wins)', PROFILE_COLUMNS, rows);
}

/** Customers per R×F cell, R 5 (recent) at the top, F 1..5 across. */
export function rfmGrid(lc: Lifecycle): ResultTable {
  const grid = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
  for (let k = 0; k < lc.buyers.length; k++) grid[5 - lc.rfm.r[k]][lc.rfm.f[k] - 1]++;
  const rows: Cell[][] = grid.map((r, k) => [5 - k, ...r]);
  return tableOf('rfm_grid', 'R × F grid (customers; rows R 5 = most recent, columns F 5 = most frequent)', [
    { name: 'r', type: 'int' },
    ...[1, 2, 3, 4, 5].map((f) => ({ name: `f_${f}`, type: 'int' as const, heat: 'scaled' as const })),
  ], rows);
}

export function rfmMeta(lc: Lifecycle): Record<string, unknown> {
  const m = (x: MetricScoring): Record<string, unknown> => ({
    method: x.method,
    reason: x.reason ?? null,
    bands: x.bands.map((b) => ({ score: b.score, min: Number.isNaN(b.min) ? null : b.min, max: Number.isNaN(b.max) ? null : b.max, customers: b.count })),
  });
  return { customers: lc.buyers.length, monetary: lc.monetary, recency: m(lc.rfm.recency), frequency: m(lc.rfm.frequency), monetary_scoring: m(lc.rfm.monetary) };
}

/** `--explain`: the cut points of each score and how many customers each holds. */
export function explainRfm(lc: Lifecycle): string[] {
  const n = lc.buyers.length;
  const metric = (label: string, x: MetricScoring, unit: string, money = false): string[] => {
    const digits = money ? decimalsToSeparate(x.bands) : 0;
    const f = (v: number): string => (money ? v.toFixed(digits) : String(v));
    return [
      `  ${label}: ${x.method === 'quintile' ? 'quintiles, ties kept together' : `fixed breaks; ${x.reason ?? 'too few distinct values for quintiles'}`}`,
      ...x.bands.map((b) =>
        b.count === 0
          ? `    score ${b.score}: no customers`
          : `    score ${b.score}: ${b.max !== b.min ? `${f(b.min)} to ${f(b.max)}` : f(b.min)}${unit}, ${b.count.toLocaleString('en-US')} customers (${((100 * b.count) / n).toFixed(1)}%)`,
      ),
    ];
  };
  return [
    `RFM scores (spec §4.1; 5 is best) over ${n.toLocaleString('en-US')} customers with an order:`,
    ...metric('R = days since last order', lc.rfm.recency, ' days'),
    ...metric('F = purchase days', lc.rfm.frequency, ' purchase day(s)'),
    ...metric(`M = ${lc.monetary === 'mean' ? 'average net order value' : 'total net revenue'}`, lc.rfm.monetary, '', true),
    `  ${STAGE_VS_RFM}`,
  ];
}

/** Cents, or more decimals when a band's top and the next band's bottom would print alike. */
function decimalsToSeparate(bands: { min: number; max: number; count: number }[]): number {
  const filled = bands.filter((b) => b.count > 0);
  for (let d = 2; d < 8; d++) {
    let clash = false;
    for (let k = 1; k < filled.length; k++) {
      if (filled[k - 1].max.toFixed(d) === filled[k].min.toFixed(d)) clash = true;
    }
    if (!clash) return d;
  }
  return 8;
}
