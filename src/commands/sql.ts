import { UsageError } from '../domain/errors.js';
import type { CliIO } from '../io/cli-io.js';
import { getPreset, parseMapFlags } from '../io/mapping.js';
import { compileOrders, type CompileOptions } from '../engine/sql/compile.js';
import { compileSummaries } from '../engine/sql/summary-sql.js';
import { SUMMARY_FILES } from '../domain/summaries.js';
import { DIALECT_NAMES, DIALECTS, isDialect, tableName } from '../engine/sql/dialects.js';
import { columnsOfTable, sqlUnsupported } from '../engine/sql/support.js';
import { resolveAsOf } from '../app/inputs.js';

export interface SqlFlags {
  dialect?: string;
  table?: string;
  preset?: string;
  map?: string[];
  currency?: string;
  asOf?: string;
  grain?: string;
  countStatus?: string[];
  excludeStatus?: string[];
  /** Print the summary tables' SQL (rfm_counts, spend_counts, cohort_activity) instead. */
  summaries?: boolean;
  timeUnit?: string;
}

/**
 * `clm sql`: the SQL that turns an orders table into the per-customer-day ledger, one row per
 * customer and the count of rows per outcome, in one dialect (engine/sql). Prints text only.
 */
export function sqlText(flags: SqlFlags, io: CliIO): string {
  if (!flags.dialect || !isDialect(flags.dialect)) {
    throw new UsageError(`--dialect ${flags.dialect === undefined ? 'is required' : `${JSON.stringify(flags.dialect)} is not known`}`, `pass --dialect ${DIALECT_NAMES.join('|')}`);
  }
  if (!flags.table) throw new UsageError('--table NAME is required', 'name the orders table, e.g. --table shop.orders');
  const preset = getPreset(flags.preset);
  const grain = flags.grain === 'line' || flags.grain === 'order' ? flags.grain : undefined;
  if (flags.grain !== undefined && grain === undefined) throw new UsageError(`--grain must be order or line, not ${JSON.stringify(flags.grain)}`);
  const list = (v: string[] | undefined): string[] => (v ?? []).flatMap((x) => x.split(',')).map((s) => s.trim()).filter(Boolean);
  const why = sqlUnsupported({ orders: flags.table, preset: flags.preset, grain, countStatus: list(flags.countStatus), excludeStatus: list(flags.excludeStatus) });
  if (why) throw new UsageError(`clm sql cannot write this: ${why}`, 'use clm with --orders FILE instead');
  const d = DIALECTS[flags.dialect];
  let from: string;
  try {
    from = tableName(d, flags.table);
  } catch (e) {
    throw new UsageError(`--table ${JSON.stringify(flags.table)}: ${(e as Error).message}`, 'name the table as schema.table');
  }
  const map = parseMapFlags(flags.map ?? []).orders;
  if (preset && !preset.orders.amount && !map.has('amount')) {
    throw new UsageError(`clm sql cannot write this: the ${preset.name} orders have no amount column (it comes from --payments, joined only by the streaming engine, or from line items, gathered in file order, which clm sql cannot assume of a table: clm reads them from the file with any engine, or with --db from an ordinary Postgres table)`, 'name a column holding each order\'s amount with --map amount=COLUMN');
  }
  const columns = columnsOfTable(preset, map);
  const unit = flags.timeUnit ?? 'week';
  if (unit !== 'week' && unit !== 'day') throw new UsageError(`--time-unit must be week or day, not ${JSON.stringify(flags.timeUnit)}`);
  if (flags.timeUnit !== undefined && !flags.summaries) throw new UsageError('--time-unit sets the unit of t_x and T in rfm_counts', 'add --summaries');
  const options: CompileOptions = {
    dialect: d,
    from,
    columns,
    lowercaseIds: preset?.lowercaseIds,
    cancelPrefix: preset?.cancelPrefix,
    currency: flags.currency,
    asOf: resolveAsOf(flags.asOf, io).day,
    countStatus: list(flags.countStatus),
    excludeStatus: list(flags.excludeStatus),
  };
  if (flags.summaries) return summariesText(options, unit);
  const sql = compileOrders(options);
  // names from the user never go into a comment: a newline in one would end it
  return `-- clm sql --dialect ${d.name}: the orders -> customers step of clm, compiled from its rules.
-- Money is in mills (thousandths of the currency unit): divide amount_mills and revenue_mills by 1000.
-- Days are days since 1970-01-01. Rows with values this SQL does not read (outcome 'unread':
-- dates other than YYYY-MM-DD[ HH:MM[:SS]] in UTC or YYYYMMDD, amounts other than plain numbers)
-- are left out here and read by clm's streaming engine; a table has no file order, so among
-- rows with one order id the earliest-dated is kept (clm keeps the first in the file).

-- 1. ledger: one row per customer and day with a counted order or refund
${sql.ledger};

-- 2. customers: one row per customer with a counted order
${sql.customers};

-- 3. outcomes: rows per outcome (order, refund, exclusion and rejection reasons, unread)
${sql.outcomes};
`;
}

/** `clm sql --summaries`: one statement per summary file, each after a comment naming the file. */
function summariesText(o: CompileOptions, unit: 'week' | 'day'): string {
  const sql = compileSummaries(o, unit);
  const asOf = o.asOf === undefined ? 'the latest purchase day in the table (the default as-of of clm; pass --as-of for a fixed date)' : 'the --as-of date';
  return `-- clm sql --dialect ${o.dialect.name} --summaries: the summary tables clm reads with --summaries DIR,
-- compiled from the same rules as the orders -> customers step. Run each statement and write its
-- rows, with a header line, to the CSV file its comment names, all in one directory DIR; then
-- clm cltv --summaries DIR and clm cohorts --summaries DIR. The as-of date is ${asOf}.
-- t_x and T are in ${unit}s (clm cltv --time-unit ${unit}); spend in the currency unit.

-- ${SUMMARY_FILES.rfmCounts}: one row per distinct (x, t_x, T) with its customers (BG/NBD, MBG/NBD, Pareto/NBD)
${sql.rfmCounts};

-- ${SUMMARY_FILES.spendCounts}: one row per distinct (x, zbar) of repeat customers (Gamma-Gamma)
${sql.spendCounts};

-- ${SUMMARY_FILES.cohortActivity}: monthly acquisition cohorts, one row per cohort and month k up to the as-of month
${sql.cohortActivity};
`;
}
