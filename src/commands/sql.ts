import { UsageError } from '../domain/errors.js';
import type { CliIO } from '../io/cli-io.js';
import { getPreset, parseMapFlags } from '../io/mapping.js';
import { compileOrders } from '../engine/sql/compile.js';
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
    throw new UsageError(`clm sql cannot write this: the ${preset.name} orders have no amount column (it comes from --payments or line items, joined only by the streaming engine)`, 'name a column holding each order\'s amount with --map amount=COLUMN');
  }
  const columns = columnsOfTable(preset, map);
  const sql = compileOrders({
    dialect: d,
    from,
    columns,
    lowercaseIds: preset?.lowercaseIds,
    cancelPrefix: preset?.cancelPrefix,
    currency: flags.currency,
    asOf: resolveAsOf(flags.asOf, io).day,
    countStatus: list(flags.countStatus),
    excludeStatus: list(flags.excludeStatus),
  });
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
