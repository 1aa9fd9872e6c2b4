import { averageByK, cumulativeValues, isCompleteCell, revenueRetention, type Cohort, type CohortAverage, type CohortMatrix } from '../analytics/cohorts.js';
import { UsageError } from '../domain/errors.js';
import { formatPeriod, PERIOD_UNITS, type PeriodUnit } from '../domain/period.js';
import type { Cell, Column, ResultTable } from '../render/result.js';

export type CohortMetric = 'customers' | 'orders' | 'revenue' | 'ltv';
export function periodUnitFlag(text: string | undefined): PeriodUnit {
  const p = (text ?? 'month').toLowerCase();
  if (!(PERIOD_UNITS as readonly string[]).includes(p)) throw new UsageError(`--period must be month, week or quarter, not ${JSON.stringify(text)}`);
  return p as PeriodUnit;
}

export interface View {
  m: CohortMatrix;
  metric: CohortMetric;
  unit: PeriodUnit;
  byName: string | undefined;
  shown: Cohort[];
  markIncomplete: boolean;
}

/** The wide triangle and its averages for every cohort of a matrix (the report's cohort section). */
export function cohortTables(m: CohortMatrix, metric: CohortMetric, name: string): { triangle: ResultTable; average: ResultTable } {
  const view: View = { m, metric, unit: m.unit, byName: undefined, shown: m.cohorts, markIncomplete: false };
  const averages = averageTable(view, undefined);
  return { triangle: { ...wideTable(view, averages.overall), name }, average: { ...averages.table, name: `${name}_average` } };
}

function isIncomplete(v: View, c: Cohort, k: number): boolean {
  return !isCompleteCell(v.m, c, k);
}

function legendOf(v: View, withAverage: boolean): string[] {
  const lines = [`cells: ${CELL_WORDS[v.metric]}; k = ${v.unit}s since the cohort ${v.unit}; empty = after the as-of date`];
  if (!v.m.asOfPeriodComplete) lines.push(`* ${formatPeriod(v.unit, v.m.asOfPeriod)} is not over at the as-of date (incomplete)`);
  if (withAverage) {
    lines.push(
      v.metric === 'revenue'
        ? 'revenue retention: size-weighted average of the cohorts\' revenue in k / revenue in period 0; net revenue retention: their summed revenue in k / summed revenue in period 0 (cohorts whose period k is complete)'
        : v.metric === 'orders'
          ? 'per customer: orders in period k / cohort size, over the cohorts whose period k is complete'
          : 'average: size-weighted over the cohorts whose period k is complete',
    );
  }
  return lines;
}

/** One row per cohort, a column per k (k0, k1, ...). */
export function wideTable(v: View, overall: CohortAverage[]): ResultTable {
  const { shown, metric } = v;
  let maxK = -1;
  for (const c of shown) if (c.lastK > maxK) maxK = c.lastK;
  const kType: Column =
    metric === 'customers'
      ? { name: '', type: 'percent', heat: 'scaled' }
      : metric === 'orders'
        ? { name: '', type: 'int', heat: 'scaled' }
        : { name: '', type: 'money', heat: 'scaled' };
  const columns: Column[] = [
    ...(v.byName ? [{ name: v.byName, type: 'string' as const, fromInput: true }] : []),
    { name: 'cohort', type: 'string' },
    { name: 'cohort_size', type: 'int' },
    // k0 (100% retention, the first month's orders and revenue) would set the scale and leave
    // every later cell near-white: it is not shaded, k >= 1 share one scale (cumulative value
    // grows with k, so ltv shades every k)
    ...Array.from({ length: maxK + 1 }, (_, k) => ({ ...kType, name: `k${k}`, ...(k === 0 && metric !== 'ltv' ? { heat: undefined } : {}) })),
  ];
  const lead = v.byName ? 3 : 2;
  const rows: Cell[][] = shown.map((c) => {
    const row: Cell[] = new Array(lead + maxK + 1).fill(null);
    if (v.byName) row[0] = v.m.groups[c.group];
    row[lead - 2] = formatPeriod(v.unit, c.period);
    row[lead - 1] = c.size;
    const ltv = metric === 'ltv' ? cumulativeValues(c) : undefined;
    for (let k = 0; k <= c.lastK; k++) {
      row[lead + k] = metric === 'customers' ? c.active[k] / c.size : metric === 'orders' ? c.orders[k] : metric === 'revenue' ? c.revenue[k] : ltv![k];
    }
    return row;
  });
  const footerRow = (label: string, pick: (a: CohortAverage) => number | null): Cell[] => {
    const row: Cell[] = new Array(lead + maxK + 1).fill(null);
    if (v.byName) row[0] = '(all)';
    row[lead - 2] = label;
    for (let k = 0; k <= maxK && k < overall.length; k++) row[lead + k] = pick(overall[k]);
    return row;
  };
  const withType = (type: Column['type'], decimals?: number): Column[] => columns.map((c, i) => (i >= lead ? { ...c, type, decimals, heat: c.heat } : c));
  let footer: ResultTable['footer'];
  let footerColumns: Column[] | undefined;
  if (metric === 'customers') footer = [footerRow('average', (a) => a.retention)];
  else if (metric === 'ltv') footer = [footerRow('average', (a) => a.ltv)];
  else if (metric === 'orders') {
    footer = [footerRow('per customer', (a) => a.ordersPerCustomer)];
    footerColumns = withType('number', 2);
  } else {
    footer = [footerRow('revenue retention', (a) => a.revenueRetention), footerRow('net revenue retention', (a) => a.netRevenueRetention)];
    footerColumns = withType('percent');
  }
  return {
    name: 'cohorts',
    title: `Cohorts by first ${v.unit}: ${metric === 'customers' ? 'retention' : metric === 'ltv' ? 'cumulative value per customer' : metric} (rows: cohorts, columns: k)`,
    columns,
    rowCount: rows.length,
    rows: () => rows,
    footer: rows.length > 0 ? footer : undefined,
    footerColumns,
    marks: {
      symbol: '*',
      cell: (r, name) => {
        if (!/^k\d+$/.test(name)) return false;
        const c = shown[r];
        const k = Number(name.slice(1));
        return c !== undefined && k <= c.lastK && isIncomplete(v, c, k);
      },
    },
    legend: legendOf(v, rows.length > 0),
  };
}

/** One row per cohort and k, with exactly the columns (plus the --by field first). */
export function longTable(v: View): ResultTable {
  const { shown, metric } = v;
  const valueColumns: Column[] =
    metric === 'customers'
      ? [{ name: 'active', type: 'int' }, { name: 'retention', type: 'percent' }]
      : metric === 'orders'
        ? [{ name: 'orders', type: 'int' }]
        : metric === 'revenue'
          ? [{ name: 'revenue', type: 'money' }, { name: 'revenue_retention', type: 'percent' }]
          : [{ name: 'ltv', type: 'money' }];
  const columns: Column[] = [
    ...(v.byName ? [{ name: v.byName, type: 'string' as const, fromInput: true }] : []),
    { name: 'cohort', type: 'string' },
    { name: 'k', type: 'int' },
    { name: 'cohort_size', type: 'int' },
    ...valueColumns,
    ...(v.markIncomplete ? [{ name: 'incomplete', type: 'string' as const, only: 'machine' as const, boolean: true as const }] : []),
  ];
  const rows: Cell[][] = [];
  const cellCohort: Cohort[] = [];
  const cellK: number[] = [];
  for (const c of shown) {
    const label = formatPeriod(v.unit, c.period);
    const ltv = metric === 'ltv' ? cumulativeValues(c) : undefined;
    for (let k = 0; k <= c.lastK; k++) {
      const row: Cell[] = v.byName ? [v.m.groups[c.group]] : [];
      row.push(label, k, c.size);
      if (metric === 'customers') row.push(c.active[k], c.active[k] / c.size);
      else if (metric === 'orders') row.push(c.orders[k]);
      else if (metric === 'revenue') row.push(c.revenue[k], revenueRetention(c, k));
      else row.push(ltv![k]);
      if (v.markIncomplete) row.push(isIncomplete(v, c, k) ? 'true' : 'false');
      rows.push(row);
      cellCohort.push(c);
      cellK.push(k);
    }
  }
  const valueNames = new Set(valueColumns.map((c) => c.name));
  return {
    name: 'cohorts',
    title: `Cohorts by first ${v.unit}, one row per cohort and k: ${metric}`,
    columns,
    rowCount: rows.length,
    rows: () => rows,
    marks: { symbol: '*', cell: (r, name) => valueNames.has(name) && r < rows.length && isIncomplete(v, cellCohort[r], cellK[r]) },
    legend: legendOf(v, false),
  };
}

/** Per k: the average over the shown cohorts (per --by group, then over all of them). */
export function averageTable(v: View, split: { groups: string[] } | undefined): { table: ResultTable; overall: CohortAverage[] } {
  const overall = averageByK(v.m, v.shown);
  const sets: { group: string; avg: CohortAverage[] }[] = [];
  if (split) {
    split.groups.forEach((g, gi) => {
      const mine = v.shown.filter((c) => c.group === gi);
      if (mine.length) sets.push({ group: g, avg: averageByK(v.m, mine) });
    });
    sets.push({ group: '(all)', avg: overall });
  } else sets.push({ group: '', avg: overall });
  const metricColumns: Column[] =
    v.metric === 'customers'
      ? [{ name: 'active', type: 'int' }, { name: 'retention', type: 'percent' }]
      : v.metric === 'orders'
        ? [{ name: 'orders', type: 'int' }, { name: 'orders_per_customer', type: 'ratio', decimals: 2 }]
        : v.metric === 'revenue'
          ? [
              { name: 'revenue', type: 'money' },
              { name: 'revenue_retention', type: 'percent' },
              { name: 'net_revenue_retention', type: 'percent' },
            ]
          : [{ name: 'ltv', type: 'money' }];
  const columns: Column[] = [
    ...(v.byName ? [{ name: v.byName, type: 'string' as const, fromInput: true }] : []),
    { name: 'k', type: 'int' },
    { name: 'cohorts', type: 'int' },
    { name: 'cohort_size', type: 'int' },
    ...metricColumns,
  ];
  const rows: Cell[][] = [];
  for (const s of sets) {
    for (const a of s.avg) {
      if (a.cohorts === 0) continue; // no cohort has a complete period k yet
      const row: Cell[] = v.byName ? [s.group] : [];
      row.push(a.k, a.cohorts, a.size);
      if (v.metric === 'customers') row.push(a.active, a.retention);
      else if (v.metric === 'orders') row.push(a.orders, a.ordersPerCustomer);
      else if (v.metric === 'revenue') row.push(a.revenue, a.revenueRetention, a.netRevenueRetention);
      else row.push(a.ltv);
      rows.push(row);
    }
  }
  return {
    overall,
    table: {
      name: 'average',
      title: `Average per k over the cohorts whose period k is complete (cohort_size: their customers)`,
      columns,
      rowCount: rows.length,
      rows: () => rows,
    },
  };
}

export const CELL_WORDS: Record<CohortMetric, string> = {
  customers: 'active customers (a counted order in period k) as a share of the cohort size',
  orders: 'counted orders in period k',
  revenue: 'net revenue in period k (orders minus refunds, each refund in the period it happened)',
  ltv: 'cumulative net revenue per cohort customer over periods 0..k',
};

