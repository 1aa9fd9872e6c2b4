import { stageDistribution, transitionMatrix } from '../analytics/stages.js';
import { formatDay, type Day } from '../domain/dates.js';
import { ADVOCATE_DEFINITION, NOT_YET, STAGES } from '../domain/stage.js';
import { tableOf, type Cell, type Column, type ResultTable } from '../render/result.js';
import type { Inputs } from './inputs.js';
import { stagesAt, type Lifecycle } from './lifecycle.js';

export function thresholdsLine(lc: Lifecycle, hint: boolean): string {
  const th = lc.derivation.thresholds;
  return `thresholds: active ${th.activeDays} days · churn ${th.churnDays} days · loyal from ${th.loyalMinOrders} purchase days${hint ? ' (--explain says how)' : ''}`;
}

/** The distribution and, with a from date, the transition counts and row shares. */
export function stageTables(inputs: Inputs, lc: Lifecycle, from: Day | undefined): { tables: ResultTable[]; before?: Uint8Array; matrix?: number[][] } {
  const tables = [distributionTable(lc)];
  if (from === undefined) return { tables };
  const before = stagesAt(inputs, from, lc.derivation.thresholds);
  const matrix = transitionMatrix(before, lc.stages);
  tables.push(transitionCounts(matrix, from), transitionShares(matrix, from));
  return { tables, before, matrix };
}

export function thresholdsMeta(lc: Lifecycle): Record<string, unknown> {
  const d = lc.derivation;
  return {
    active_days: d.thresholds.activeDays,
    churn_days: d.thresholds.churnDays,
    loyal_min_orders: d.thresholds.loyalMinOrders,
    source: { active_days: d.source.activeDays, churn_days: d.source.churnDays, loyal_min_orders: d.source.loyalMinOrders },
    basis: {
      repeat_customers: d.basis.repeatCustomers,
      gaps: d.basis.gaps,
      gap_p80_days: d.basis.gapP80,
      purchase_days_p80: d.basis.purchaseDaysP80,
    },
    advocacy_signals: lc.advocacy.sources,
  };
}

/** `--explain`: how each threshold was set, in words. */
export function explainThresholds(lc: Lifecycle): string[] {
  const d = lc.derivation;
  const th = d.thresholds;
  const b = d.basis;
  const how = (src: string, derived: string): string => (src === 'flag' ? 'set by flag' : src === 'config' ? 'set in the config' : src === 'default' ? `default (${derived})` : derived);
  const lines = [
    'Stage thresholds (spec §3; rules in order, first match wins: prospect, churned, at_risk, reactivated, new, advocate, loyal, active):',
    `  active_days = ${th.activeDays}: ${how(d.source.activeDays, b.gapP80 === null ? 'no repeat customer to derive it from' : `80th percentile of ${b.gaps.toLocaleString('en-US')} gaps between consecutive purchase days of ${b.repeatCustomers.toLocaleString('en-US')} repeat customers is ${b.gapP80} days, clamped to [30, 365]`)}`,
    `  churn_days = ${th.churnDays}: ${how(d.source.churnDays, '2 × active_days, at most 730')}`,
    `  loyal_min_orders = ${th.loyalMinOrders}: ${how(d.source.loyalMinOrders, b.purchaseDaysP80 === null ? 'no repeat customer; 3' : `max(3, 80th percentile of purchase days among repeat customers = ${b.purchaseDaysP80})`)}`,
    `  advocacy signals: ${lc.advocacy.sources.length ? lc.advocacy.sources.join(', ') : 'none in the data (no advocates; map referrals, review_score, nps or advocate, or pass --reviews)'}`,
    `  ${ADVOCATE_DEFINITION}`,
  ];
  return lines;
}

function distributionTable(lc: Lifecycle): ResultTable {
  const rows: Cell[][] = stageDistribution(lc.snapshot, lc.stages).map((r) => [
    r.stage,
    r.customers,
    r.share,
    r.revenue,
    r.revenueShare,
    r.averageOrders,
    r.averageDaysSinceLastOrder,
    r.averageHistoricalValue,
  ]);
  return tableOf('stages', 'Lifecycle stages', [
    { name: 'stage', type: 'string' },
    { name: 'customers', type: 'int' },
    { name: 'share', type: 'percent' },
    { name: 'revenue', type: 'money' },
    { name: 'revenue_share', type: 'percent' },
    { name: 'average_orders', type: 'number', decimals: 2 },
    { name: 'average_days_since_last_order', type: 'number', decimals: 1 },
    { name: 'average_historical_value', type: 'money' },
  ], rows);
}

export const FROM_LABELS = [...STAGES, 'not_yet_customer'];

function matrixColumns(from: number, type: Column['type'], heat?: Column['heat']): Column[] {
  return [
    { name: 'stage_from', type: 'string' },
    ...STAGES.map((s) => ({ name: s, type, heat })),
  ];
}

function transitionCounts(m: number[][], from: number): ResultTable {
  const rows: Cell[][] = m.map((r, k) => [FROM_LABELS[k], ...r, r.reduce((a, b) => a + b, 0)]);
  return tableOf('transitions', `Transitions since ${formatDay(from)} (customers; rows: stage then, columns: stage now)`, [
    ...matrixColumns(from, 'int'),
    { name: 'total', type: 'int' },
  ], rows);
}

function transitionShares(m: number[][], from: number): ResultTable {
  const rows: Cell[][] = m.map((r, k) => {
    const total = r.reduce((a, b) => a + b, 0);
    return [FROM_LABELS[k], ...r.map((v) => (total > 0 ? v / total : null))];
  });
  return tableOf('transition_shares', `Transitions since ${formatDay(from)} (share of each row)`, matrixColumns(from, 'percent', 'fraction'), rows);
}

export function perCustomerTable(ids: string[], lc: Lifecycle, before: Uint8Array | undefined): ResultTable {
  // customers not known at the as-of date (signed up later) have no stage and no row
  let n = 0;
  for (let i = 0; i < ids.length; i++) if (lc.stages[i] !== NOT_YET) n++;
  const order = new Int32Array(n);
  for (let i = 0, k = 0; i < ids.length; i++) if (lc.stages[i] !== NOT_YET) order[k++] = i;
  order.sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  const s = lc.snapshot;
  const columns: Column[] = [
    { name: 'customer_id', type: 'string', fromInput: true },
    { name: 'stage', type: 'string' },
    ...(before ? [{ name: 'previous_stage', type: 'string' as const }] : []),
    { name: 'recency_days', type: 'int' },
    { name: 'orders', type: 'int' },
    { name: 'purchase_days', type: 'int' },
    { name: 'revenue', type: 'money' },
  ];
  return {
    name: 'customer_stages',
    title: 'Stage per customer',
    columns,
    rowCount: n,
    rows: function* () {
      for (const i of order) {
        const row: Cell[] = [ids[i], STAGES[lc.stages[i]]];
        if (before) row.push(before[i] === NOT_YET ? 'not_yet_customer' : STAGES[before[i]]);
        row.push(lc.recencyDays[i] >= 0 ? lc.recencyDays[i] : null, s.orders[i], s.purchaseDays[i], s.revenue[i]);
        yield row;
      }
    },
  };
}
