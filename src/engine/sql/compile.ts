/**
 * The orders → customers step as SQL (issue 13), compiled from the rules of engine/rules.ts:
 * the status words, their exclusion reasons and ORDER_RULES are read from there, never copied.
 * What the SQL produces, per customer-day and per customer, is what the streaming engine builds
 * (engine/streaming), for the rows whose values the SQL reads exactly:
 *
 * - text values as they are in the file (every column is cast to text first), read with a
 *   strict grammar: dates `YYYY-MM-DD` (optionally ` HH:MM[:SS[.fff]]` or `T…`, optionally
 *   `Z` or a zero offset, as a warehouse writes a UTC timestamp as text) and `YYYYMMDD`; amounts `-12`, `12.5`, `.5`. Anything else that is not empty is
 *   flagged `unread`: the streaming reader may read it (`$1,234.50`, `03/04/2024`, an offset),
 *   so an engine running this SQL must refuse a file with such rows rather than differ;
 * - money in integer thousandths of the major unit (mills): CAST(ROUND(amount * 1000) AS
 *   BIGINT) per row, summed as integers; only the CustomerTable divides by 1000;
 * - duplicate order ids keep the first occurrence in file order, which SQL knows only from a
 *   row-number column (`rowOrder`, the DuckDB engine has one). A warehouse table has no file
 *   order: there the row kept is the earliest-dated, then the smallest amount, then the
 *   smallest customer id, and may differ from the one the streaming engine keeps.
 */
import { MAX_AMOUNT, MAX_ORDER_DAY, MIN_ORDER_DAY, PLACEHOLDER_DAYS } from '../../io/values.js';
import type { Day } from '../../domain/dates.js';
import { ORDER_RULES, STATUS_REASON, STATUS_WORDS, excludedStatusClass, normalizeStatus, type StatusClass } from '../rules.js';
import { dayNumber, type Dialect } from './dialects.js';
import { LINE_CURRENCIES, lineAmountDecimals, lineOutcomes, lineSteps } from './line-grain.js';
import { joinedFacts, type JoinNames } from './joins.js';

/** The orders fields the SQL reads, each a column name of the source (quoted by the compiler). */
export interface SqlColumns {
  customer_id: string;
  order_date: string;
  /** The amount column; unmapped when a line's amount is quantity x unit price. */
  amount?: string;
  /** Line items without an amount column: the amount is quantity x unit price. */
  quantity?: string;
  unit_price?: string;
  order_id?: string;
  status?: string;
  currency?: string;
  refund?: string;
  cancelled_at?: string;
  /** Order-level attributes: each customer gets the value on its earliest counted order. */
  channel?: string;
  country?: string;
}

export interface CompileOptions {
  dialect: Dialect;
  /** The source as it goes after FROM: a quoted table name or (DuckDB) a table function. */
  from: string;
  columns: SqlColumns;
  /** A column of the source holding the row's position in the file; undefined: no file order. */
  rowOrder?: string;
  /** Every column of the source in file order with its header text, to tell empty rows and repeated header lines. */
  header?: { column: string; text: string }[];
  /** Customer ids are lower-cased (a preset says so); ids with an @ always are. */
  lowercaseIds?: boolean;
  /** An order id starting with this letter is a cancellation invoice (UCI's C). */
  cancelPrefix?: string;
  currency?: string;
  asOf?: Day;
  countStatus?: readonly string[];
  excludeStatus?: readonly string[];
  /**
   * Order grain (one row, one order) or line grain (engine/sql/line-grain.ts: rows with one
   * order id are lines of one order); default: line grain when there is no amount column but a
   * quantity, as the streaming engine decides without --grain or a preset.
   */
  grain?: 'order' | 'line';
  /** The files joined (engine/sql/joins.ts), by the names of their relations: people (person keys), paid (amounts from --payments). */
  joins?: JoinNames;
}

/** The grain the compiled SQL reads at (CompileOptions.grain). */
export function compiledGrain(o: Pick<CompileOptions, 'grain' | 'columns'>): 'order' | 'line' {
  return o.grain ?? (o.columns.amount === undefined && o.columns.quantity !== undefined ? 'line' : 'order');
}

export interface CompiledSql {
  /** One row per customer-day: customer_id, day, orders, amount_mills. */
  ledger: string;
  /** One row per customer: customer_id, first_row, first_day, last_day, orders, purchase_days, revenue_mills. */
  customers: string;
  /** Rows per outcome: outcome (order, refund, an exclusion or rejection reason, or `unread`), rows. */
  outcomes: string;
  /** Booked rows (orders and refunds) per currency named: currency, row_count. */
  currencies: string;
  /** Orders with a status no list knows: status (trimmed), row_count. */
  unknownStatuses: string;
  /** Per customer, the channel and country of its earliest counted order (ties: the first row). */
  attributes: string;
  /** Amounts read, by digits after the point: three (like 1.234), and one or two (for the thousands-separator check). */
  amountDecimals: string;
}

export const TEXT_DATE = '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-]00(:?00)?)?)?$';
export const DIGIT_DATE = '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$';
export const PLAIN_AMOUNT = '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$';
export const BLANK = '^[ \\t\\r\\n]*$';
export const EDGE_BLANKS = '^[ \\t]+|[ \\t]+$';

/**
 * SQL for each rule of ORDER_RULES, by the rule's words: a rule added to rules.ts without its
 * SQL here stops the compiler (and the test that compiles every rule), so the engines cannot
 * drift apart silently. Each reads the columns of the `facts` step.
 */
const RULE_SQL: Readonly<Record<string, (c: Ctx) => { test: string; reason: string }>> = {
  "a row without a customer id is nobody's order": () => ({ test: 'NOT has_customer', reason: "'no_customer_id'" }),
  'an order with a cancellation date is cancelled, whatever its status': () => ({ test: 'cancelled', reason: "'status_cancelled'" }),
  'cancelled, voided, failed, pending, test and unrecognised statuses are excluded by status (a refund row may say refunded)': (c) => ({
    test: `status_class <> 'counted' AND NOT (status_class = 'refunded' AND is_refund)`,
    reason: statusReason(c.d, 'NULL'),
  }),
  'with --currency, an order in another currency is excluded (one currency per run)': (c) => ({
    test: c.currency === undefined ? 'FALSE' : `currency <> '' AND currency <> ${c.d.lit(c.currency)}`,
    reason: "'other_currency'",
  }),
  'an order dated after --as-of is excluded': (c) => ({ test: c.asOf === undefined ? 'FALSE' : `day > ${c.asOf}`, reason: "'after_as_of'" }),
  'an order whose refund column covers its whole (positive) amount is fully refunded': () => ({
    test: 'NOT is_refund AND refund_mills > 0 AND refund_mills >= amount_mills AND amount_mills > 0',
    reason: "'status_refunded'",
  }),
};

interface Ctx {
  d: Dialect;
  currency?: string;
  asOf?: Day;
  /** Line grain: a gathered order whose id was booked earlier is more lines of it (`more_lines`). */
  lines?: boolean;
}

/** The exclusion reason of each status class (STATUS_REASON); `counted` for a counted status. */
function statusReason(d: Dialect, counted: string): string {
  const whens = (Object.entries(STATUS_REASON) as [StatusClass, string][]).filter(([, r]) => r !== '').map(([cls, r]) => `WHEN ${d.lit(cls)} THEN ${d.lit(r)}`);
  return `CASE status_class ${whens.join(' ')}${counted === 'NULL' ? '' : ` ELSE ${counted}`} END`;
}

/** The rules of ORDER_RULES in their order, as one CASE (first that holds decides); throws on a rule with no SQL. */
export function rulesCase(c: Ctx): string {
  const whens = ORDER_RULES.map((r) => {
    const sql = RULE_SQL[r.rule];
    if (!sql) throw new Error(`engine/sql/compile.ts has no SQL for the order rule "${r.rule}"`);
    const { test, reason } = sql(c);
    return `WHEN ${test} THEN ${reason}`;
  });
  const more = c.lines ? `\n      WHEN more_lines AND is_refund THEN 'refund_lines' WHEN more_lines THEN 'lines'` : '';
  return `CASE ${whens.join('\n      ')}${more}\n      WHEN is_refund THEN 'refund' ELSE 'order' END`;
}

/** The status class of a status text: blank counts; --count/--exclude-status first; then the word lists; else unknown. */
export function statusCase(d: Dialect, col: string, countStatus: readonly string[], excludeStatus: readonly string[]): string {
  const key = `${d.replaceAll(`lower(${col})`, d.name === 'postgres' || d.name === 'snowflake' ? '[^[:alnum:]]' : '[^\\p{L}\\p{N}]', '')}`;
  const overrides = new Map<string, StatusClass>();
  for (const s of excludeStatus) overrides.set(normalizeStatus(s), excludedStatusClass(s));
  for (const s of countStatus) overrides.set(normalizeStatus(s), 'counted');
  const byClass = new Map<StatusClass, string[]>();
  for (const [k, cls] of overrides) byClass.set(cls, [...(byClass.get(cls) ?? []), k]);
  const whens: string[] = [`WHEN ${col} IS NULL OR ${d.matches(col, BLANK)} THEN 'counted'`];
  const inList = (words: readonly string[]): string => words.map((w) => d.lit(w)).join(', ');
  for (const [cls, words] of byClass) whens.push(`WHEN ${key} IN (${inList(words)}) THEN ${d.lit(cls)}`);
  for (const [cls, words] of Object.entries(STATUS_WORDS)) whens.push(`WHEN ${key} IN (${inList(words)}) THEN ${d.lit(cls)}`);
  return `CASE ${whens.join('\n        ')}\n        ELSE 'unknown' END`;
}

/** Trimmed text of a column; NULL stays NULL. */
export function trimmed(d: Dialect, col: string): string {
  return d.replaceAll(col, EDGE_BLANKS, '');
}

/** The customer key as the streaming engine normalises it (engine/streaming/key-table.ts KeyNormalizer). */
export function customerKey(d: Dialect, raw: string, lowercase: boolean): string {
  const t = trimmed(d, raw);
  const noFloat = `CASE WHEN ${d.matches(t, '^[0-9]+[.]0+$')} THEN ${d.replaceAll(t, '[.]0+$', '')} ELSE ${t} END`;
  // ASCII letters only, as the streaming engine lowers them (translate: no locale, no Unicode case rules)
  const lower = `translate(${noFloat}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;
  return lowercase ? lower : `CASE WHEN ${d.matches(t, '@')} THEN ${lower} ELSE ${noFloat} END`;
}

/** Mills of an amount (a double within MAX_AMOUNT): rounded per row, as the streaming engine does. */
export function mills(d: Dialect, value: string): string {
  return `CAST(ROUND(${value} * 1000) AS ${d.bigint})`;
}

export function yearMonthDay(d: Dialect, t: string): string {
  return `CASE WHEN ${d.matches(t, DIGIT_DATE)} THEN concat(substr(${t}, 1, 4), '-', substr(${t}, 5, 2), '-', substr(${t}, 7, 2)) ELSE substr(${t}, 1, 10) END`;
}

/** The steps that read each row's values, from the source to `read_rows` (a rejection, a placeholder date or NULL per row). */
export function readSteps(o: CompileOptions): string {
  const d = o.dialect;
  const col = (name: string | undefined): string => (name === undefined ? 'NULL' : `CAST(${d.ident(name)} AS ${d.text})`);
  const c = o.columns;
  const rowNo = o.rowOrder !== undefined ? d.ident(o.rowOrder) : `CAST(NULL AS ${d.bigint})`;
  const srcCols = [
    `${rowNo} AS row_no`,
    `${col(c.order_id)} AS order_id`,
    `${col(c.customer_id)} AS customer_raw`,
    `${trimmed(d, col(c.order_date))} AS date_text`,
    `${trimmed(d, col(c.amount))} AS amount_text`,
    `${trimmed(d, col(c.refund))} AS refund_text`,
    `${col(c.status)} AS status_raw`,
    `${col(c.currency)} AS currency_raw`,
    `${col(c.cancelled_at)} AS cancelled_raw`,
    `${trimmed(d, col(c.channel))} AS channel`,
    `${trimmed(d, col(c.country))} AS country`,
  ];
  let notData = 'NULL';
  if (o.header && o.header.length > 0) {
    const all = o.header.map((h) => `CAST(${d.ident(h.column)} AS ${d.text})`);
    const empty = all.map((x) => `(${x} IS NULL OR ${d.matches(x, '^[ \\t]*$')})`).join(' AND ');
    // the header line again: every field, trimmed and without a BOM, is its header text
    const header = o.header.map((h, i) => `${d.replaceAll(trimmed(d, all[i]), '^\uFEFF', '')} = ${d.lit(h.text)}`).join(' AND ');
    notData = `CASE WHEN ${empty} THEN 'empty_row' WHEN ${header} THEN 'repeated_header' END`;
  }
  srcCols.push(`${notData} AS not_data`);
  const placeholders = [...PLACEHOLDER_DAYS].sort((a, b) => a - b).join(', ');
  const plain = (t: string): string => d.matches(t, PLAIN_AMOUNT);
  const blank = (t: string): string => `(${t} IS NULL OR ${t} = '')`;
  const dateOk = `(${d.matches('date_text', TEXT_DATE)} OR ${d.matches('date_text', DIGIT_DATE)})`;
  // amounts from --payments are joined later (factSteps); the row's own amount is not read
  const amountChecks = o.joins?.paid ? [] : [`WHEN ${blank('amount_text')} THEN 'bad_amount'`, `WHEN NOT ${plain('amount_text')} THEN 'unread'`, `WHEN abs(amount_value) > ${MAX_AMOUNT} THEN 'bad_amount'`];
  const rejected = [
    // the order the streaming engine checks a row in (engine/streaming/order-pass.ts)
    ...amountChecks,
    // the streaming engine reads any refund; a refund this large would overflow the sums here
    `WHEN NOT ${blank('refund_text')} AND (NOT ${plain('refund_text')} OR abs(refund_value) > ${MAX_AMOUNT * 1000}) THEN 'unread'`,
    `WHEN ${blank('date_text')} THEN 'bad_date'`,
    `WHEN NOT ${dateOk} THEN 'unread'`,
    `WHEN day IS NULL THEN 'bad_date'`,
    `WHEN day IN (${placeholders}) THEN 'placeholder_date'`,
    `WHEN day < ${MIN_ORDER_DAY} OR day > ${MAX_ORDER_DAY} THEN 'bad_date'`,
  ];
  const dayExpr = `CASE WHEN ${dateOk} THEN ${dayNumber(d, d.tryDate(yearMonthDay(d, 'date_text')))} END`;
  return `src AS (
  SELECT ${srcCols.join(',\n    ')}
  FROM ${o.from}
),
vals AS (
  SELECT row_no, order_id, not_data, date_text, amount_text, refund_text, status_raw, channel, country,
    ${dayExpr} AS day,
    CASE WHEN ${plain('amount_text')} THEN CAST(amount_text AS ${d.double}) END AS amount_value,
    CASE WHEN ${plain('refund_text')} THEN CAST(refund_text AS ${d.double}) END AS refund_value,
    ${customerKey(d, 'customer_raw', o.lowercaseIds ?? false)} AS customer_id,
    ${statusCase(d, 'status_raw', o.countStatus ?? [], o.excludeStatus ?? [])} AS status_class,
    CASE WHEN currency_raw IS NULL THEN '' ELSE upper(${trimmed(d, 'currency_raw')}) END AS currency,
    NOT ${blank('cancelled_raw')} AS cancelled
  FROM src${d.fence}
),
checked AS (
  SELECT vals.*,
    CASE ${rejected.join('\n      ')}
      END AS reject_reason
  FROM vals
),
valued AS (
  SELECT checked.*,
    CASE WHEN reject_reason IS NULL THEN ${mills(d, 'amount_value')} END AS amount_mills,
    CASE WHEN reject_reason IS NULL AND refund_value IS NOT NULL THEN abs(${mills(d, 'refund_value')}) ELSE 0 END AS refund_mills
  FROM checked
),
read_rows AS (
  -- a row that cannot be read is not data when it is empty or the header again
  SELECT valued.*,
    CASE WHEN reject_reason IS NULL OR reject_reason = 'placeholder_date' THEN reject_reason ELSE coalesce(not_data, reject_reason) END AS read_outcome
  FROM valued
)`;
}

/** The steps that apply the rules, from the rows read to the ledger: duplicates, ORDER_RULES, refunds of non-buyers. */
function ruleSteps(o: CompileOptions): string {
  return `${factSteps(o)},\n${BOOK_STEPS}`;
}

/**
 * The steps from `read_rows` to one outcome per row read (`facts`, then `classified`): duplicates and ORDER_RULES.
 * `repeated`: an engine's own test that a row repeats an order id of an earlier row read (the same rule, from a table it made); default the window here.
 */
export function factSteps(o: CompileOptions, repeated?: string): string {
  const d = o.dialect;
  const dupOrder = o.rowOrder !== undefined ? 'row_no' : 'day, amount_mills, customer_id';
  const cancelInvoice = o.cancelPrefix ? `coalesce(substr(order_id, 1, 1) = ${d.lit(o.cancelPrefix)}, FALSE) OR ` : '';
  const currency = o.currency?.trim().toUpperCase();
  const j = joinedFacts(o.joins ?? {}, d);
  // an order with no payment row: excluded before every rule but the repeated order id
  const unpaid = o.joins?.paid ? `WHEN NOT paid THEN ${statusReason(d, "'no_payment'")} ` : '';
  return `facts AS (
  -- ${o.rowOrder !== undefined ? 'a repeated order id: the first in file order is kept' : 'a repeated order id: a table has no file order, so the earliest-dated (then smallest amount, then customer id) is kept; the streaming engine keeps the first in the file'}
  SELECT row_no, ${j.customer}, day, ${j.amount}, refund_mills, status_class, currency, cancelled, status_raw, channel, country,
    ${j.key} IS NOT NULL AND ${j.key} <> '' AS has_customer,
    ${cancelInvoice}${j.amountValue} - refund_mills < 0 AS is_refund,
    ${repeated ?? `order_id IS NOT NULL AND order_id <> ''
      AND row_number() OVER (PARTITION BY order_id ORDER BY ${dupOrder}) > 1`} AS duplicate${j.paid}
  FROM ${j.from}
  WHERE read_outcome IS NULL
),
classified AS (
  SELECT facts.*,
    CASE WHEN duplicate THEN 'duplicate_order_id' ${unpaid}ELSE ${rulesCase({ d, currency, asOf: o.asOf })} END AS outcome
  FROM facts
)`;
}

/** The steps from `classified` to the ledger: booked rows, the customers with a counted order (`buyers`), one row per customer-day. */
export const BOOK_STEPS = `booked AS (
  SELECT customer_id, day,
    CASE WHEN outcome = 'order' THEN 1 ELSE 0 END AS orders,
    CASE WHEN outcome = 'refund' THEN -abs(amount_mills - refund_mills) ELSE amount_mills - refund_mills END AS amount_mills
  FROM classified
  WHERE outcome IN ('order', 'refund')
),
buyers AS (
  -- refunds of a customer with no counted order are excluded; a refund dated before the first order stays in the ledger
  SELECT customer_id FROM booked GROUP BY customer_id HAVING sum(orders) > 0
),
ledger AS (
  SELECT b.customer_id, b.day, sum(b.orders) AS orders, sum(b.amount_mills) AS amount_mills
  FROM booked b JOIN buyers USING (customer_id)
  GROUP BY b.customer_id, b.day
)`;

/** The steps every query shares, from the source rows to one outcome per row (`classified`) and the ledger. */
function commonSteps(o: CompileOptions): string {
  return `${readSteps(o)},\n${ruleSteps(o)}`;
}

/** An amount read with three digits after the point (like 1.234), and with one or two (amountDecimals). */
export const THREE_DECIMALS = '[.][0-9]{3}$';
export const FEW_DECIMALS = '[.][0-9]{1,2}$';

/** Each query of CompiledSql as the steps every query shares, the steps of its own (`with`) and its final SELECT. */
export interface CompiledParts {
  steps: string;
  parts: Record<keyof CompiledSql, { with?: string; select: string }>;
  /** With joined files (joins.ts withJoins): the customers file's records and counts, the payments' checks. */
  extra?: Partial<Record<ExtraPart, { with?: string; select: string }>>;
}

/** The parts of joined files: records (customer_id, attr, value), customersChecks and paymentsChecks (name, n). */
export type ExtraPart = 'records' | 'customersChecks' | 'paymentsChecks';

/** The queries in parts (see CompiledParts), so an engine may run them as one statement over the shared steps. */
export function compileParts(o: CompileOptions): CompiledParts {
  const d = o.dialect;
  const lines = compiledGrain(o) === 'line';
  if (!lines && o.columns.amount === undefined && !o.joins?.paid) throw new Error('order grain needs an amount column (quantity x unit price is read at line grain)');
  const steps = lines ? lineSteps(o) : commonSteps(o);
  const parts: CompiledParts['parts'] = {
    ledger: { select: 'SELECT customer_id, day, orders, amount_mills FROM ledger ORDER BY customer_id, day' },
    customers: {
      with: `first_seen AS (
  -- a customer's place in the table: the first row that named it (file order), as the streaming engine numbers customers
  SELECT customer_id, min(row_no) AS first_row FROM facts WHERE has_customer AND NOT duplicate GROUP BY customer_id
)`,
      select: `SELECT l.customer_id, f.first_row,
  min(CASE WHEN l.orders > 0 THEN l.day END) AS first_day,
  max(CASE WHEN l.orders > 0 THEN l.day END) AS last_day,
  sum(l.orders) AS orders,
  sum(CASE WHEN l.orders > 0 THEN 1 ELSE 0 END) AS purchase_days,
  sum(l.amount_mills) AS revenue_mills
FROM ledger l JOIN first_seen f ON f.customer_id = l.customer_id
GROUP BY l.customer_id, f.first_row
ORDER BY ${o.rowOrder !== undefined ? 'f.first_row' : 'l.customer_id'}`,
    },
    outcomes: {
      select: `SELECT outcome, count(*) AS row_count FROM (
  SELECT read_outcome AS outcome FROM read_rows WHERE read_outcome IS NOT NULL
  UNION ALL
  SELECT CASE WHEN c.outcome = 'refund' AND b.customer_id IS NULL THEN 'refund_without_order' ELSE c.outcome END AS outcome
  FROM classified c LEFT JOIN buyers b ON b.customer_id = c.customer_id
) AS o
GROUP BY outcome
ORDER BY outcome`,
    },
    currencies: { select: "SELECT currency, count(*) AS row_count FROM classified WHERE outcome IN ('order', 'refund') AND currency <> '' GROUP BY currency ORDER BY currency" },
    unknownStatuses: {
      select: `SELECT ${trimmed(d, 'status_raw')} AS status, count(*) AS row_count FROM facts WHERE status_class = 'unknown' AND NOT duplicate${o.joins?.paid ? ' AND paid' : ''} GROUP BY ${trimmed(d, 'status_raw')} ORDER BY status`,
    },
    attributes: {
      with: `firsts AS (
  SELECT customer_id, channel, country,
    row_number() OVER (PARTITION BY customer_id ORDER BY day, ${o.rowOrder !== undefined ? 'row_no' : 'channel, country'}) AS pick
  FROM classified WHERE outcome = 'order'
)`,
      select: 'SELECT customer_id, channel, country FROM firsts WHERE pick = 1 ORDER BY customer_id',
    },
    amountDecimals: {
      select: `SELECT count(CASE WHEN ${d.matches('t', THREE_DECIMALS)} THEN 1 END) AS three, count(CASE WHEN ${d.matches('t', FEW_DECIMALS)} THEN 1 END) AS one_or_two
FROM (SELECT amount_text AS t FROM read_rows WHERE amount_value IS NOT NULL UNION ALL SELECT refund_text AS t FROM read_rows WHERE refund_value IS NOT NULL) AS a`,
    },
  };
  if (lines) {
    parts.outcomes = { select: lineOutcomes() };
    parts.currencies = { select: LINE_CURRENCIES };
    parts.amountDecimals = { select: lineAmountDecimals(d) };
  }
  return { steps, parts };
}

/** The queries: ledger, customers, outcomes and the checks (see CompiledSql), each one statement. */
export function compileOrders(o: CompileOptions): CompiledSql {
  const { steps, parts } = compileParts(o);
  const one = (p: { with?: string; select: string }): string => `WITH ${steps}${p.with ? `,\n${p.with}` : ''}\n${p.select}`;
  return {
    ledger: one(parts.ledger),
    customers: one(parts.customers),
    outcomes: one(parts.outcomes),
    currencies: one(parts.currencies),
    unknownStatuses: one(parts.unknownStatuses),
    attributes: one(parts.attributes),
    amountDecimals: one(parts.amountDecimals),
  };
}
