import { cohortMatrix, type Cohort, type CohortMatrix } from '../analytics/cohorts.js';
import type { CustomerTable } from '../domain/customer-state.js';
import { formatDay } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';
import { formatPeriod, parsePeriodText, periodEndDay, periodOfDay, periodStartDay, type PeriodUnit } from '../domain/period.js';
import type { CliIO } from '../io/cli-io.js';
import type { CommandResult } from '../render/result.js';
import { dataContext, dataMeta, loadInputs, type InputFlags } from '../app/inputs.js';
import { CELL_WORDS, CohortMetric, periodUnitFlag, View, wideTable, longTable, averageTable } from '../app/cohort-tables.js';

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

interface CohortSource {
  m: CohortMatrix;
  split?: { name: string; groups: string[]; groupOf: Int32Array };
  meta: Record<string, unknown>;
  context: string[];
}

/** The cohort matrix from the orders, or (--summaries DIR) from the cohort_activity.csv a warehouse wrote. */
async function cohortSource(flags: CohortsFlags, unit: PeriodUnit, metric: CohortMetric, io: CliIO, warn: (m: string) => void): Promise<CohortSource> {
  if (flags.summaries !== undefined) {
    for (const [given, flag] of [[flags.orders, '--orders'], [flags.customers, '--customers'], [flags.by, '--by'], [flags.asOf, '--as-of']] as const) {
      if (given !== undefined) {
        throw new UsageError(
          `${flag} does not go with --summaries: ${flag === '--by' ? 'splitting cohorts by an attribute needs per-customer rows' : flag === '--as-of' ? 'the summaries are as of the date they were written (their as_of column)' : 'the cohorts come from cohort_activity.csv'}`,
          flag === '--as-of' ? 'write the summaries again with clm sql --summaries --as-of DATE' : `pass either --summaries DIR or ${flag === '--by' ? '--orders FILE with --by' : '--orders FILE'}`,
        );
      }
    }
    const { cohortsFromSummaries } = await import('../app/cohort-summaries.js');
    return cohortsFromSummaries(flags.summaries, unit, metric, warn);
  }
  const { data } = await loadInputs(flags, io, warn);
  const t = data.table;
  const split = flags.by !== undefined ? groupsBy(t, flags.by) : undefined;
  const m = cohortMatrix(t, { unit, asOf: data.asOf, groupOf: split?.groupOf, groups: split?.groups });
  return { m, split, meta: dataMeta(data, 'cohorts'), context: dataContext(data) };
}

/** `clm cohorts`: acquisition-cohort triangles of customers, orders, revenue or cumulative value. */
export async function runCohorts(flags: CohortsFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const unit = periodUnitFlag(flags.period);
  const metric = choice(flags.metric, 'customers', METRICS, '--metric');
  const layout = choice(flags.layout, 'wide', ['wide', 'long'] as const, '--layout');
  const minSize = minSizeFlag(flags.minSize);
  const from = boundFlag(flags.from, '--from', unit);
  const to = boundFlag(flags.to, '--to', unit);
  if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from ${flags.from} is after --to ${flags.to}`);

  const { m, split, meta, context } = await cohortSource(flags, unit, metric, io, warn);

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
