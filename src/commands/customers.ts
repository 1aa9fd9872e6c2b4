import { cohortPeriods } from '../analytics/cohorts.js';
import { RFM_SEGMENTS } from '../analytics/rfm.js';
import { closedSet, periodLabels } from '../analytics/rule-values.js';
import type { CustomerTable } from '../domain/customer-state.js';
import { formatPeriod, type PeriodUnit } from '../domain/period.js';
import { formatDay } from '../domain/dates.js';
import { STAGES } from '../domain/stage.js';
import type { CliIO } from '../io/cli-io.js';
import type { Cell, Column, CommandResult, ResultTable } from '../render/result.js';
import { dataContext, dataMeta, loadInputs, type InputFlags } from './common.js';
import { compileCustomerRule, computeLifecycle, customerRuleRow, ruleFieldsFor, type ExtraRuleFields, type Lifecycle, type LifecycleFlags, warnSmallSamples } from './lifecycle.js';
import { periodUnitFlag } from './cohorts.js';
import { thresholdsMeta } from './stages.js';
import { clvSettings, customerValues, fitMeta, settingsMeta, type ClvFlags, type CustomerValues } from './cltv.js';

export const CUSTOMER_COLUMNS: Column[] = [
  { name: 'customer_id', type: 'string', fromInput: true },
  { name: 'first_order_date', type: 'date' },
  { name: 'last_order_date', type: 'date' },
  { name: 'orders', type: 'int' },
  { name: 'purchase_days', type: 'int' },
  { name: 'revenue', type: 'money' },
];

/** Stage and RFM columns, after the leading ones (prospects have no recency or scores). */
export const LIFECYCLE_COLUMNS: Column[] = [
  { name: 'stage', type: 'string' },
  { name: 'recency_days', type: 'int' },
  { name: 'r_score', type: 'int' },
  { name: 'f_score', type: 'int' },
  { name: 'm_score', type: 'int' },
  { name: 'rfm_segment', type: 'string' },
];

/** Customer indices sorted by id (plain code-unit order, so output is stable across locales). */
export function sortedCustomerOrder(t: CustomerTable): Int32Array {
  const idx = new Int32Array(t.size);
  for (let i = 0; i < t.size; i++) idx[i] = i;
  const ids = t.ids;
  return idx.sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
}

/**
 * One row per customer: the leading columns, then stage, recency and RFM (and the custom
 * segment when the config defines segments), the cohort (label of the period of the first
 * order), then the attributes.
 */
export function customerRowsTable(
  t: CustomerTable,
  lc: Lifecycle,
  unit: PeriodUnit = 'month',
  values?: CustomerValues,
  keep?: (i: number) => boolean,
  /** The cohort period of each customer, when the caller has computed it already. */
  periods: Int32Array = cohortPeriods(t, unit),
): ResultTable {
  const custom = lc.custom;
  const next = values?.nextOrder;
  const columns: Column[] = [
    ...CUSTOMER_COLUMNS,
    ...LIFECYCLE_COLUMNS,
    ...(custom ? [{ name: 'segment', type: 'string' as const, fromInput: true }] : []),
    { name: 'cohort', type: 'string' },
    ...(values ? CLV_COLUMNS : []),
    ...(next ? NEXT_ORDER_COLUMNS : []),
    ...t.attributeNames.map((name) => ({ name, type: 'string' as const, fromInput: true })),
  ];
  // a customer who signed up after the as-of date is not a customer yet: no row (as in stages)
  const known = lc.snapshot.known;
  const sorted = sortedCustomerOrder(t);
  const order = sorted.filter((i) => known[i] === 1 && (keep === undefined || keep(i)));
  const nAttr = t.attributeNames.length;
  const cohortAt = CUSTOMER_COLUMNS.length + LIFECYCLE_COLUMNS.length + (custom ? 1 : 0);
  const clvAt = cohortAt + 1;
  const nextAt = clvAt + (values ? CLV_COLUMNS.length : 0);
  const lead = nextAt + (next ? NEXT_ORDER_COLUMNS.length : 0);
  const labels = new Map<number, string>();
  const labelOf = (p: number): string => {
    let s = labels.get(p);
    if (s === undefined) labels.set(p, (s = formatPeriod(unit, p)));
    return s;
  };
  return {
    name: 'customers',
    title: 'Customers',
    columns,
    rowCount: order.length,
    rows: function* () {
      for (let k = 0; k < order.length; k++) {
        const i = order[k];
        const has = t.orders[i] > 0;
        const row: Cell[] = new Array(lead + nAttr);
        row[0] = t.ids[i];
        row[1] = has ? t.firstDay[i] : null;
        row[2] = has ? t.lastDay[i] : null;
        row[3] = t.orders[i];
        row[4] = t.purchaseDays[i];
        row[5] = t.revenue[i];
        row[6] = STAGES[lc.stages[i]];
        row[7] = has ? lc.recencyDays[i] : null;
        row[8] = has ? lc.rScore[i] : null;
        row[9] = has ? lc.fScore[i] : null;
        row[10] = has ? lc.mScore[i] : null;
        row[11] = has ? RFM_SEGMENTS[lc.rfmSegment[i]] : null;
        if (custom) row[12] = custom.names[custom.segment[i]];
        row[cohortAt] = has ? labelOf(periods[i]) : null;
        if (values) {
          const nan = (v: number): number | null => (Number.isNaN(v) ? null : v);
          row[clvAt] = nan(values.pAlive[i]);
          row[clvAt + 1] = Number.isNaN(values.pAlive[i]) ? null : 1 - values.pAlive[i];
          row[clvAt + 2] = nan(values.expectedPurchases[i]);
          row[clvAt + 3] = nan(values.expectedAvgValue[i]);
          row[clvAt + 4] = nan(values.clv[i]);
        }
        if (next) {
          row[nextAt] = Number.isNaN(next.expectedDate[i]) ? null : next.expectedDate[i];
          row[nextAt + 1] = Number.isNaN(next.daysOverdue[i]) ? null : next.daysOverdue[i];
          row[nextAt + 2] = Number.isNaN(next.overdueRatio[i]) ? null : next.overdueRatio[i];
        }
        for (let a = 0; a < nAttr; a++) row[lead + a] = t.attributes[a][i] ?? null;
        yield row;
      }
    },
  };
}

export interface CustomersFlags extends InputFlags, LifecycleFlags, ClvFlags {
  period?: string;
  where?: string;
}

/** Model columns of `clm customers --model` (spec §6.1); empty for customers without a value. */
export const CLV_COLUMNS: Column[] = [
  { name: 'p_alive', type: 'ratio', decimals: 3 },
  { name: 'churn_risk', type: 'ratio', decimals: 3 },
  { name: 'expected_purchases', type: 'number', decimals: 3 },
  { name: 'expected_avg_value', type: 'money' },
  { name: 'clv', type: 'money' },
];

/**
 * Next-order columns after the model columns, with a purchase model (bgnbd, pnbd, mbgnbd):
 * g = the median time to the next purchase given alive (analytics/clv/next-order.ts).
 */
export const NEXT_ORDER_COLUMNS: Column[] = [
  { name: 'expected_next_order_date', type: 'date' },
  { name: 'days_overdue', type: 'int' },
  { name: 'overdue_ratio', type: 'number', decimals: 2 },
];

/** `clm customers`: the enriched per-customer file an analyst uploads back into the CRM. */
export async function runCustomers(flags: CustomersFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const unit = periodUnitFlag(flags.period);
  const inputs = await loadInputs(flags, io, warn);
  const { data } = inputs;
  const lc = computeLifecycle(inputs, flags);
  warnSmallSamples(lc, warn);
  const meta = dataMeta(data, 'customers');
  meta.thresholds = thresholdsMeta(lc);
  meta.cohort_period = unit;
  const periods = cohortPeriods(data.table, unit);
  // --where: compiled before any model is fitted, so a bad rule costs nothing; a rule that
  // reads a model column fits the default model when --model is not given
  let values: CustomerValues | undefined;
  const valuesRef: { v?: CustomerValues } = {};
  const extra = whereFields(lc, unit, periods, valuesRef);
  const where = flags.where !== undefined ? compileCustomerRule(flags.where, '--where', ruleFieldsFor(data, extra)) : undefined;
  const needsModel = where !== undefined && where.fieldsUsed.some((f) => MODEL_FIELDS.has(f));
  // model columns only when a model is asked for: a fit costs seconds on millions of customers
  if (flags.model !== undefined || needsModel) {
    const settings = clvSettings(flags);
    values = customerValues(inputs, settings);
    valuesRef.v = values;
    values.warnings.forEach(warn);
    // p_alive is in every row: BG/NBD's 1 for one-time buyers must not pass silently
    if (values.caveat) warn(values.caveat);
    meta.clv = settingsMeta(values.settings, values.choice);
    if (values.scores) meta.fit = fitMeta(values.scores);
  }
  let keep: ((i: number) => boolean) | undefined;
  if (where) {
    const rowOf = customerRuleRow(data, lc, extra);
    keep = (i) => where.test(rowOf(i));
    meta.where = flags.where;
  }
  const table = customerRowsTable(data.table, lc, unit, values, keep, periods);
  const context = dataContext(data);
  if (where) {
    let known = 0;
    for (let i = 0; i < data.table.size; i++) known += lc.snapshot.known[i];
    context.push(`--where ${flags.where}: ${table.rowCount.toLocaleString('en-US')} of ${known.toLocaleString('en-US')} customers`);
    // an empty selection in a pipe shows only a header: say so (text comparisons are exact)
    if (table.rowCount === 0) warn(`--where ${flags.where} selects none of the ${known.toLocaleString('en-US')} customers; text comparisons are exact (case and spaces count)`);
  }
  return { meta, context, tables: [table] };
}

const MODEL_FIELDS = new Set(['p_alive', 'churn_risk', 'expected_purchases', 'expected_avg_value', 'clv', 'expected_next_order_date', 'days_overdue', 'overdue_ratio']);

/** Rule fields beyond the fixed ones: the custom segment, the cohort and the model columns. */
function whereFields(lc: Lifecycle, unit: PeriodUnit, periods: Int32Array, values: { v?: CustomerValues }): ExtraRuleFields {
  const num = (a: Float64Array | undefined, i: number): number | null => (a === undefined || Number.isNaN(a[i]) ? null : a[i]);
  return {
    fields: [
      { name: 'segment', type: 'string', values: closedSet('a custom segment', 'custom segments (the config\'s "segments")', lc.custom?.names ?? []) },
      { name: 'cohort', type: 'string', values: periodLabels(unit, '--period') },
      { name: 'p_alive', type: 'number' },
      { name: 'churn_risk', type: 'number' },
      { name: 'expected_purchases', type: 'number' },
      { name: 'expected_avg_value', type: 'number' },
      { name: 'clv', type: 'number' },
      { name: 'expected_next_order_date', type: 'string' },
      { name: 'days_overdue', type: 'number' },
      { name: 'overdue_ratio', type: 'number' },
    ],
    get(i, k) {
      const v = values.v;
      switch (k) {
        case 0: return lc.custom ? lc.custom.names[lc.custom.segment[i]] : null;
        case 1: return lc.snapshot.orders[i] > 0 ? formatPeriod(unit, periods[i]) : null;
        case 2: return num(v?.pAlive, i);
        case 3: return v === undefined || Number.isNaN(v.pAlive[i]) ? null : 1 - v.pAlive[i];
        case 4: return num(v?.expectedPurchases, i);
        case 5: return num(v?.expectedAvgValue, i);
        case 6: return num(v?.clv, i);
        case 7: {
          const d = v?.nextOrder?.expectedDate[i];
          return d === undefined || Number.isNaN(d) ? null : formatDay(d);
        }
        case 8: return num(v?.nextOrder?.daysOverdue, i);
        default: return num(v?.nextOrder?.overdueRatio, i);
      }
    },
  };
}
