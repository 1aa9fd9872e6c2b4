import { daysOverdue, expectedNextDate, overdueRatio } from '../analytics/clv/next-order.js';
import { cohortPeriods } from '../analytics/cohorts.js';
import { closedSet, periodLabels } from '../analytics/rule-values.js';
import { formatPeriod, type PeriodUnit } from '../domain/period.js';
import { formatDay } from '../domain/dates.js';
import type { CliIO } from '../io/cli-io.js';
import type { CommandResult } from '../render/result.js';
import { dataContext, dataMeta, loadInputs, type InputFlags } from './inputs.js';
import { compileCustomerRule, computeLifecycle, customerRuleRow, ruleFieldsFor, warnSmallSamples, type ExtraRuleFields, type Lifecycle, type LifecycleFlags } from './lifecycle.js';
import { periodUnitFlag } from './cohort-tables.js';
import { thresholdsMeta } from './stage-tables.js';
import { clvSettings, customerValues, fitMeta, settingsMeta, type ClvFlags, type CustomerValues } from './clv-values.js';
import { customerRowsTable } from './customer-rows.js';

export interface CustomersFlags extends InputFlags, LifecycleFlags, ClvFlags {
  period?: string;
  where?: string;
}

/**
 * The enriched per-customer table (`clm customers`, and the rows `clm pivot` groups): stage,
 * RFM, cohort, attributes, and the model columns when a model is asked for or `--where` reads one.
 */
export async function customersResult(flags: CustomersFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
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
  const nanToNull = (v: number): number | null => (Number.isNaN(v) ? null : v);
  const num = (a: Float64Array | undefined, i: number): number | null => (a === undefined ? null : nanToNull(a[i]));
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
          const d = v?.nextOrder ? expectedNextDate(v.nextOrder, i) : NaN;
          return Number.isNaN(d) ? null : formatDay(d);
        }
        case 8: return v?.nextOrder ? nanToNull(daysOverdue(v.nextOrder, i)) : null;
        default: return v?.nextOrder ? nanToNull(overdueRatio(v.nextOrder, i)) : null;
      }
    },
  };
}
