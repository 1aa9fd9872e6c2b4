/**
 * Line grain in SQL (spec §1.3 line items), exactly as the streaming engine gathers lines
 * (engine/streaming/order-pass.ts), in file order (`row_no`; line grain has no meaning
 * without it):
 *
 * - every row's amount is read first: the amount column (blank: 0), or quantity x unit price
 *   (blank or unreadable quantity: bad_quantity; price: bad_amount); a row rejected here changes
 *   nothing (the order being gathered goes on past it);
 * - a row with the order id of the order being gathered is one more of its lines: its date,
 *   customer and status are not read. The order being gathered is that of the last row whose
 *   date was read (a good date starts an order; a placeholder date ends the gathering);
 * - any other row starts an order with its date, customer, status, currency and cancellation
 *   date; an order id that started an order earlier in the file makes it `more_lines` (booked
 *   on this row's customer and day without a new order; a cancellation invoice's: a refund);
 * - the rules of engine/rules.ts then apply to each gathered order (its lines summed), and an
 *   outcome counts all of its rows.
 *
 * In the candidates (rows whose amount and date are read, in file order), a run of one order
 * id is: placeholder-dated rows (each excluded), then the row that starts the order, then its
 * lines. A row with an unreadable date is a line when the candidate before it has its id and
 * its run has started; else it is rejected.
 */
import { MAX_AMOUNT, MAX_ORDER_DAY, MIN_ORDER_DAY, PLACEHOLDER_DAYS } from '../../io/values.js';
import { dayNumber, type Dialect } from './dialects.js';
import {
  BLANK, DIGIT_DATE, PLAIN_AMOUNT, TEXT_DATE,
  customerKey, mills, rulesCase, statusCase, trimmed, yearMonthDay,
  type CompileOptions,
} from './compile.js';

/** The shared steps at line grain, with the names (and the columns the parts read) of the order-grain steps. */
export function lineSteps(o: CompileOptions): string {
  if (o.rowOrder === undefined) throw new Error('line grain needs the rows in file order (CompileOptions.rowOrder)');
  return `${lineReadSteps(o)},\n${lineOrderSteps(o)}`;
}

function lineReadSteps(o: CompileOptions): string {
  const d = o.dialect;
  const col = (name: string | undefined): string => (name === undefined ? 'NULL' : `CAST(${d.ident(name)} AS ${d.text})`);
  const c = o.columns;
  const plain = (t: string): string => d.matches(t, PLAIN_AMOUNT);
  const blank = (t: string): string => `(${t} IS NULL OR ${t} = '')`;
  const num = (t: string): string => `CASE WHEN ${plain(t)} THEN CAST(${t} AS ${d.double}) END`;
  let notData = 'NULL';
  if (o.header && o.header.length > 0) {
    const all = o.header.map((h) => `CAST(${d.ident(h.column)} AS ${d.text})`);
    const empty = all.map((x) => `(${x} IS NULL OR ${d.matches(x, '^[ \\t]*$')})`).join(' AND ');
    const header = o.header.map((h, i) => `${d.replaceAll(trimmed(d, all[i]), '^\uFEFF', '')} = ${d.lit(h.text)}`).join(' AND ');
    notData = `CASE WHEN ${empty} THEN 'empty_row' WHEN ${header} THEN 'repeated_header' END`;
  }
  // the key rows of one order share: the order id as it is written (an empty id too); none without the column
  const key = c.order_id === undefined ? `CAST(NULL AS ${d.text})` : `coalesce(${col(c.order_id)}, '')`;
  const byQuantity = c.amount === undefined;
  const valueRejects = byQuantity
    ? [
        `WHEN ${blank('quantity_text')} THEN 'bad_quantity'`,
        `WHEN NOT ${plain('quantity_text')} THEN 'unread'`,
        `WHEN ${blank('price_text')} THEN 'bad_amount'`,
        `WHEN NOT ${plain('price_text')} THEN 'unread'`,
      ]
    : [`WHEN NOT ${blank('amount_text')} AND NOT ${plain('amount_text')} THEN 'unread'`];
  valueRejects.push(
    `WHEN abs(line_value) > ${MAX_AMOUNT} THEN 'bad_amount'`,
    `WHEN NOT ${blank('refund_text')} AND (NOT ${plain('refund_text')} OR abs(refund_value) > ${MAX_AMOUNT * 1000}) THEN 'unread'`,
  );
  const placeholders = [...PLACEHOLDER_DAYS].sort((a, b) => a - b).join(', ');
  const dateOk = `(${d.matches('date_text', TEXT_DATE)} OR ${d.matches('date_text', DIGIT_DATE)})`;
  const lineValue = byQuantity ? 'quantity_value * price_value' : `CASE WHEN ${blank('amount_text')} THEN 0 ELSE amount_value END`;
  return `src AS (
  SELECT ${d.ident(o.rowOrder!)} AS row_no,
    ${col(c.order_id)} AS order_id,
    ${key} AS line_key,
    ${col(c.customer_id)} AS customer_raw,
    ${trimmed(d, col(c.order_date))} AS date_text,
    ${trimmed(d, col(c.amount))} AS amount_text,
    ${trimmed(d, col(c.quantity))} AS quantity_text,
    ${trimmed(d, col(c.unit_price))} AS price_text,
    ${trimmed(d, col(c.refund))} AS refund_text,
    ${col(c.status)} AS status_raw,
    ${col(c.currency)} AS currency_raw,
    ${col(c.cancelled_at)} AS cancelled_raw,
    ${trimmed(d, col(c.channel))} AS channel,
    ${trimmed(d, col(c.country))} AS country,
    ${notData} AS not_data
  FROM ${o.from}
),
vals AS (
  SELECT row_no, order_id, line_key, not_data, date_text, amount_text, quantity_text, price_text, refund_text, status_raw, channel, country,
    CASE WHEN ${dateOk} THEN ${dayNumber(d, d.tryDate(yearMonthDay(d, 'date_text')))} END AS day,
    ${num('amount_text')} AS amount_value,
    ${num('quantity_text')} AS quantity_value,
    ${num('price_text')} AS price_value,
    ${num('refund_text')} AS refund_value,
    ${customerKey(d, 'customer_raw', o.lowercaseIds ?? false)} AS customer_id,
    ${statusCase(d, 'status_raw', o.countStatus ?? [], o.excludeStatus ?? [])} AS status_class,
    CASE WHEN currency_raw IS NULL THEN '' ELSE upper(${trimmed(d, 'currency_raw')}) END AS currency,
    NOT ${blank('cancelled_raw')} AS cancelled
  FROM src${d.fence}
),
lined AS (
  SELECT vals.*, ${lineValue} AS line_value,
    CASE WHEN refund_value IS NULL THEN 0 ELSE abs(refund_value) END AS line_refund
  FROM vals
),
checked AS (
  -- the amount of every row is read (a line or not); the date only of a row that starts an order
  SELECT lined.*,
    CASE ${valueRejects.join('\n      ')}
      END AS value_reject,
    CASE WHEN ${blank('date_text')} THEN 'bad_date'
      WHEN NOT ${dateOk} THEN 'unread'
      WHEN day IS NULL THEN 'bad_date'
      WHEN day IN (${placeholders}) THEN 'placeholder_date'
      WHEN day < ${MIN_ORDER_DAY} OR day > ${MAX_ORDER_DAY} THEN 'bad_date'
      END AS date_reject
  FROM lined
),
valued AS (
  SELECT checked.*,
    date_reject IS NULL OR date_reject = 'placeholder_date' AS candidate,
    max(CASE WHEN date_reject IS NULL OR date_reject = 'placeholder_date' THEN row_no END) OVER (ORDER BY row_no ROWS UNBOUNDED PRECEDING) AS prev_candidate
  FROM checked
  WHERE value_reject IS NULL
),
runs AS (
  -- runs of one order id among the rows whose date is read
  SELECT row_no, line_key, date_reject IS NULL AS starts_ok,
    sum(new_run) OVER (ORDER BY row_no ROWS UNBOUNDED PRECEDING) AS run_no
  FROM (SELECT row_no, line_key, date_reject,
      CASE WHEN lag(line_key) OVER (ORDER BY row_no) = line_key THEN 0 ELSE 1 END AS new_run
    FROM valued WHERE candidate) AS r
),
roles AS (
  SELECT runs.*,
    coalesce(max(CASE WHEN starts_ok THEN 1 ELSE 0 END) OVER (PARTITION BY run_no ORDER BY row_no ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) = 1 AS started_before
  FROM runs
),
placed AS (
  SELECT v.*,
    CASE WHEN v.candidate THEN r.run_no WHEN p.line_key = v.line_key AND (p.started_before OR p.starts_ok) THEN p.run_no END AS run_no,
    CASE WHEN v.candidate AND r.started_before THEN 'line'
      WHEN v.candidate AND r.starts_ok THEN 'start'
      WHEN v.candidate THEN 'placeholder_date'
      WHEN p.line_key = v.line_key AND (p.started_before OR p.starts_ok) THEN 'line'
      ELSE v.date_reject END AS line_role
  FROM valued v LEFT JOIN roles r ON r.row_no = v.row_no LEFT JOIN roles p ON p.row_no = v.prev_candidate
),
read_rows AS (
  -- a row that cannot be read is not data when it is empty or the header again
  SELECT coalesce(not_data, value_reject) AS read_outcome FROM checked WHERE value_reject IS NOT NULL
  UNION ALL
  SELECT CASE WHEN line_role = 'placeholder_date' THEN line_role ELSE coalesce(not_data, line_role) END FROM placed WHERE line_role NOT IN ('start', 'line')
)`;
}

function lineOrderSteps(o: CompileOptions): string {
  const d = o.dialect;
  const cancelInvoice = o.cancelPrefix ? `coalesce(substr(order_id, 1, 1) = ${d.lit(o.cancelPrefix)}, FALSE)` : 'FALSE';
  const currency = o.currency?.trim().toUpperCase();
  return `gathered AS (
  -- each order: its lines summed, as the streaming engine adds them up
  SELECT run_no, count(*) AS line_rows, sum(line_value) AS amount_value, sum(line_refund) AS refund_value
  FROM placed WHERE line_role IN ('start', 'line')
  GROUP BY run_no
),
starts AS (
  SELECT s.row_no, s.order_id, s.customer_id, s.day, s.status_class, s.currency, s.cancelled, s.status_raw, s.channel, s.country,
    g.line_rows, g.amount_value - g.refund_value AS net_value,
    ${mills(d, 'g.amount_value')} AS amount_mills,
    ${mills(d, 'g.refund_value')} AS refund_mills,
    s.order_id IS NOT NULL AND s.order_id <> '' AND row_number() OVER (PARTITION BY s.order_id ORDER BY s.row_no) > 1 AS more_lines
  FROM placed s JOIN gathered g ON g.run_no = s.run_no
  WHERE s.line_role = 'start'
),
facts AS (
  SELECT starts.*,
    customer_id IS NOT NULL AND customer_id <> '' AS has_customer,
    ${cancelInvoice} OR (NOT more_lines AND amount_mills - refund_mills < 0) AS is_refund,
    FALSE AS duplicate
  FROM starts
),
classified AS (
  SELECT facts.*, ${rulesCase({ d, currency, asOf: o.asOf, lines: true })} AS outcome
  FROM facts
),
booked AS (
  SELECT customer_id, day,
    CASE WHEN outcome = 'order' THEN 1 ELSE 0 END AS orders,
    CASE WHEN outcome IN ('refund', 'refund_lines') THEN -abs(${mills(d, 'net_value')}) ELSE ${mills(d, 'net_value')} END AS amount_mills
  FROM classified
  WHERE outcome IN ('order', 'refund', 'lines', 'refund_lines')
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
}

/**
 * The rows per outcome at line grain: an order (a refund) is one row under `order` (`refund`)
 * and its other rows under `lines` (`refund_lines`), so the reconciliation counts both orders
 * and rows; every row of an excluded order under its reason.
 */
export function lineOutcomes(): string {
  return `SELECT outcome, sum(n) AS row_count FROM (
  SELECT read_outcome AS outcome, 1 AS n FROM read_rows
  UNION ALL
  SELECT CASE WHEN c.outcome = 'refund' AND b.customer_id IS NULL THEN 'refund_without_order' ELSE c.outcome END AS outcome,
    CASE WHEN c.outcome = 'order' OR (c.outcome = 'refund' AND b.customer_id IS NOT NULL) THEN 1 ELSE c.line_rows END AS n
  FROM classified c LEFT JOIN buyers b ON b.customer_id = c.customer_id
  UNION ALL
  SELECT CASE WHEN c.outcome = 'order' THEN 'lines' ELSE 'refund_lines' END AS outcome, c.line_rows - 1 AS n
  FROM classified c LEFT JOIN buyers b ON b.customer_id = c.customer_id
  WHERE c.line_rows > 1 AND (c.outcome = 'order' OR (c.outcome = 'refund' AND b.customer_id IS NOT NULL))
) AS o
GROUP BY outcome
ORDER BY outcome`;
}

/** Booked rows per currency at line grain: every row of a booked order. */
export const LINE_CURRENCIES =
  "SELECT currency, sum(line_rows) AS row_count FROM classified WHERE outcome IN ('order', 'refund', 'lines', 'refund_lines') AND currency <> '' GROUP BY currency ORDER BY currency";

/** The amounts read at line grain (amount, quantity, unit price and refund texts), by digits after the point. */
export function lineAmountDecimals(d: Dialect): string {
  return `SELECT count(CASE WHEN ${d.matches('t', '[.][0-9]{3}$')} THEN 1 END) AS three, count(CASE WHEN ${d.matches('t', '[.][0-9]{1,2}$')} THEN 1 END) AS one_or_two
FROM (SELECT amount_text AS t FROM checked WHERE amount_value IS NOT NULL
  UNION ALL SELECT quantity_text AS t FROM checked WHERE quantity_value IS NOT NULL
  UNION ALL SELECT price_text AS t FROM checked WHERE price_value IS NOT NULL
  UNION ALL SELECT refund_text AS t FROM checked WHERE refund_value IS NOT NULL) AS a`;
}
