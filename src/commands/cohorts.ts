import { averageByK, cohortMatrix, cumulativeValues, isCompleteCell, revenueRetention, type Cohort, type CohortAverage, type CohortMatrix } from '../analytics/cohorts.js';
import type { CustomerTable } from '../domain/customer-state.js';
import { formatDay } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';
import { formatPeriod, parsePeriodText, PERIOD_UNITS, periodEndDay, periodOfDay, periodStartDay, type PeriodUnit } from '../domain/period.js';
import type { CliIO } from '../io/cli-io.js';
import type { Cell, Column, CommandResult, ResultTable } from '../render/result.js';
import { dataContext, dataMeta, loadInputs, type InputFlags } from './common.js';

export type CohortMetric = 'customers' | 'orders' | 'revenue' | 'ltv';
const METRICS: readonly CohortMetric[] = ['customers', 'orders', 'revenue', 'ltv'];

export interface CohortsFlags extends InputFlags {
  period?: string;
  metric?: string;
  layout?: string;
  by?: string;
  from?: string;
  to?: string;
  minSize?: string;
  markIncomplete?: boolean;
}

/** The most groups `--by` may make: a triangle per value is for a handful of channels or countries. */
const MAX_GROUPS = 1000;
/** The value of `--by` for customers without the attribute. */
const NO_VALUE = '(none)';

export function periodUnitFlag(text: string | undefined): PeriodUnit {
  const p = (text ?? 'month').toLowerCase();
  if (!(PERIOD_UNITS as readonly string[]).includes(p)) throw new UsageError(`--period must be month, week or quarter, not ${JSON.stringify(text)}`);
  return p as PeriodUnit;
}

function choice<T extends string>(text: string | undefined, fallback: T, values: readonly T[], flag: string): T {
  const v = (text ?? fallback).toLowerCase();
  if (!(values as readonly string[]).includes(v)) throw new UsageError(`${flag} must be ${values.join(', ')}, not ${JSON.stringify(text)}`);
  return v as T;
}

/** `--from/--to`: a date or a period label of any unit; the bound is the period holding its first (last) day. */
function boundFlag(text: string | undefined, flag: '--from' | '--to', unit: PeriodUnit): number | undefined {
  if (text === undefined) return undefined;
  const r = parsePeriodText(text);
  if (r === undefined) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a date or a period`, `use a date (2024-03-15) or a period: 2024-03, 2024-W11 or 2024-Q1`);
  return periodOfDay(unit, flag === '--from' ? r.first : r.last);
}

function minSizeFlag(text: string | undefined): number {
  if (text === undefined) return 1;
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) throw new UsageError(`--min-size ${JSON.stringify(text)} is not a whole number of at least 1`, 'for example --min-size 20');
  return v;
}

function normalName(s: string): string {
  return s.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/** Group index per customer from a customer attribute; groups sorted, customers without it last. */
function groupsBy(t: CustomerTable, field: string): { name: string; groups: string[]; groupOf: Int32Array } {
  const a = t.attributeNames.findIndex((n) => normalName(n) === normalName(field));
  if (a < 0) {
    throw new UsageError(
      `--by ${JSON.stringify(field)} is not a customer attribute`,
      t.attributeNames.length ? `attributes: ${t.attributeNames.join(', ')}` : 'the data has no customer attributes; pass --customers FILE (country, channel, ...) or map an order-level channel column',
    );
  }
  const values = t.attributes[a];
  const seen = new Map<string, number>();
  for (let i = 0; i < t.size; i++) {
    if (t.orders[i] <= 0) continue;
    const v = values[i];
    const key = v === undefined || v.trim() === '' ? NO_VALUE : v;
    if (!seen.has(key)) {
      seen.set(key, 0);
      if (seen.size > MAX_GROUPS) throw new UsageError(`--by ${t.attributeNames[a]} has more than ${MAX_GROUPS} distinct values`, 'split by a field with few values, such as channel or country');
    }
  }
  const groups = [...seen.keys()].sort((x, y) => (x === NO_VALUE ? 1 : y === NO_VALUE ? -1 : x < y ? -1 : x > y ? 1 : 0));
  groups.forEach((g, k) => seen.set(g, k));
  const groupOf = new Int32Array(t.size);
  for (let i = 0; i < t.size; i++) {
    if (t.orders[i] <= 0) continue;
    const v = values[i];
    groupOf[i] = seen.get(v === undefined || v.trim() === '' ? NO_VALUE : v)!;
  }
  return { name: t.attributeNames[a], groups, groupOf };
}

const CELL_WORDS: Record<CohortMetric, string> = {
  customers: 'active customers (a counted order in period k) as a share of the cohort size',
  orders: 'counted orders in period k',
  revenue: 'net revenue in period k (orders minus refunds, each refund in the period it happened)',
  ltv: 'cumulative net revenue per cohort customer over periods 0..k',
};

/** `clm cohorts`: acquisition-cohort triangles of customers, orders, revenue or cumulative value. */
export async function runCohorts(flags: CohortsFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const unit = periodUnitFlag(flags.period);
  const metric = choice(flags.metric, 'customers', METRICS, '--metric');
  const layout = choice(flags.layout, 'wide', ['wide', 'long'] as const, '--layout');
  const minSize = minSizeFlag(flags.minSize);
  const from = boundFlag(flags.from, '--from', unit);
  const to = boundFlag(flags.to, '--to', unit);
  if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from ${flags.from} is after --to ${flags.to}`);

  const inputs = await loadInputs(flags, io, warn);
  const { data } = inputs;
  const t = data.table;
  const split = flags.by !== undefined ? groupsBy(t, flags.by) : undefined;
  const m = cohortMatrix(t, { unit, asOf: data.asOf, groupOf: split?.groupOf, groups: split?.groups });

  let outside = 0;
  let outsideCustomers = 0;
  let small = 0;
  let smallCustomers = 0;
  const shown: Cohort[] = [];
  for (const c of m.cohorts) {
    if ((from !== undefined && c.period < from) || (to !== undefined && c.period > to)) {
      outside++;
      outsideCustomers += c.size;
    } else if (c.size < minSize) {
      small++;
      smallCustomers += c.size;
    } else shown.push(c);
  }

  const view: View = { m, metric, unit, byName: split?.name, shown, markIncomplete: flags.markIncomplete === true };
  const averages = averageTable(view, split);
  const main = layout === 'wide' ? wideTable(view, averages.overall) : longTable(view);

  const asOfLabel = formatPeriod(unit, m.asOfPeriod);
  const incomplete = m.asOfPeriodComplete
    ? null
    : { period: asOfLabel, start: formatDay(periodStartDay(unit, m.asOfPeriod)), end: formatDay(periodEndDay(unit, m.asOfPeriod)) };
  const customersShown = shown.reduce((s, c) => s + c.size, 0);
  const meta = dataMeta(data, 'cohorts');
  meta.cohorts = {
    period: unit,
    metric,
    layout,
    by: split?.name ?? null,
    from: from !== undefined ? formatPeriod(unit, from) : null,
    to: to !== undefined ? formatPeriod(unit, to) : null,
    min_size: minSize,
    customers: m.customers,
    cohorts: m.cohorts.length,
    cohorts_shown: shown.length,
    customers_shown: customersShown,
    hidden_below_min_size: { cohorts: small, customers: smallCustomers },
    outside_from_to: { cohorts: outside, customers: outsideCustomers },
    as_of_period: asOfLabel,
    incomplete_period: incomplete,
    refunds_before_first_order: m.refundsBeforeFirstOrder,
    definitions: {
      cohort: `${unit} of the customer's first counted order`,
      k: `whole ${unit}s since the cohort ${unit}`,
      cell: CELL_WORDS[metric],
      empty_cells: 'after the as-of date (no data yet), never zero',
      average: 'per k over the shown cohorts whose period k is complete at the as-of date; retention and ltv size-weighted',
      revenue_retention: 'net revenue in period k / net revenue in period 0 of the cohort (null when period-0 revenue is not positive)',
      net_revenue_retention: 'sum over cohorts of net revenue in period k / sum of their net revenue in period 0 (same cohorts as the average)',
    },
  };

  const context = dataContext(data);
  const unitWord = unit === 'week' ? 'ISO week (Monday start)' : unit;
  context.push(
    `cohorts by ${unitWord} of the first counted order · ${shown.length.toLocaleString('en-US')} cohorts, ${customersShown.toLocaleString('en-US')} of ${m.customers.toLocaleString('en-US')} customers with an order · metric ${metric}${split ? ` · by ${split.name}` : ''}`,
  );
  if (small > 0) context.push(`hidden by --min-size ${minSize}: ${small} cohorts (${smallCustomers.toLocaleString('en-US')} customers)`);
  if (outside > 0) context.push(`outside --from/--to: ${outside} cohorts (${outsideCustomers.toLocaleString('en-US')} customers)`);
  if (incomplete) context.push(`${asOfLabel} is not over at the as-of date (it ends ${incomplete.end}): its cells are marked * and left out of the averages`);
  if (m.refundsBeforeFirstOrder > 0) context.push(`${m.refundsBeforeFirstOrder} refund(s) dated before their customer's first order are counted in k = 0`);

  return { meta, context, tables: [main, averages.table] };
}

interface View {
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
function wideTable(v: View, overall: CohortAverage[]): ResultTable {
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

/** One row per cohort and k, with exactly the issue's columns (plus the --by field first). */
function longTable(v: View): ResultTable {
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
function averageTable(v: View, split: { groups: string[] } | undefined): { table: ResultTable; overall: CohortAverage[] } {
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
