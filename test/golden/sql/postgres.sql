-- clm sql --dialect postgres: the orders -> customers step of clm, compiled from its rules.
-- Money is in mills (thousandths of the currency unit): divide amount_mills and revenue_mills by 1000.
-- Days are days since 1970-01-01. Rows with values this SQL does not read (outcome 'unread':
-- dates other than YYYY-MM-DD[ HH:MM[:SS]] in UTC or YYYYMMDD, amounts other than plain numbers)
-- are left out here and read by clm's streaming engine; a table has no file order, so among
-- rows with one order id the earliest-dated is kept (clm keeps the first in the file).

-- 1. ledger: one row per customer and day with a counted order or refund
WITH src AS (
  SELECT CAST(NULL AS BIGINT) AS row_no,
    CAST("order_id" AS TEXT) AS order_id,
    CAST("customer_id" AS TEXT) AS customer_raw,
    regexp_replace(CAST("order_date" AS TEXT), '^[ \t]+|[ \t]+$', '', 'g') AS date_text,
    regexp_replace(CAST("amount" AS TEXT), '^[ \t]+|[ \t]+$', '', 'g') AS amount_text,
    regexp_replace(CAST("refunded" AS TEXT), '^[ \t]+|[ \t]+$', '', 'g') AS refund_text,
    CAST("status" AS TEXT) AS status_raw,
    CAST("currency" AS TEXT) AS currency_raw,
    NULL AS cancelled_raw,
    regexp_replace(NULL, '^[ \t]+|[ \t]+$', '', 'g') AS channel,
    regexp_replace(NULL, '^[ \t]+|[ \t]+$', '', 'g') AS country,
    NULL AS not_data
  FROM "shop"."orders"
),
vals AS (
  SELECT row_no, order_id, not_data, date_text, amount_text, refund_text, status_raw, channel, country,
    CASE WHEN ((date_text ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-]00(:?00)?)?)?$') OR (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$')) THEN (CASE WHEN substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 1, 4) <> '0000' AND EXTRACT(DAY FROM CAST(concat(substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 1, 8), '01') AS DATE) + (CAST(substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 9, 2) AS INTEGER) - 1)) = CAST(substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 9, 2) AS INTEGER) THEN CAST(concat(substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 1, 8), '01') AS DATE) + (CAST(substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 9, 2) AS INTEGER) - 1) END - DATE '1970-01-01') END AS day,
    CASE WHEN (amount_text ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN CAST(amount_text AS DOUBLE PRECISION) END AS amount_value,
    CASE WHEN (refund_text ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN CAST(refund_text AS DOUBLE PRECISION) END AS refund_value,
    CASE WHEN (regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g') ~ '@') THEN translate(CASE WHEN (regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g') ~ '^[0-9]+[.]0+$') THEN regexp_replace(regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g'), '[.]0+$', '', 'g') ELSE regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g') END, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') ELSE CASE WHEN (regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g') ~ '^[0-9]+[.]0+$') THEN regexp_replace(regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g'), '[.]0+$', '', 'g') ELSE regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g') END END AS customer_id,
    CASE WHEN status_raw IS NULL OR (status_raw ~ '^[ \t\r\n]*$') THEN 'counted'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('paid', 'completed', 'complete', 'delivered', 'fulfilled', 'succeeded', 'success', 'successful', 'shipped', 'invoiced', 'approved', 'processing', 'inprocess', 'inprogress', 'partiallyrefunded', 'partiallypaid', 'partiallyfulfilled', 'unfulfilled', 'closedwon', 'won', 'settled', 'captured', 'done', 'finished', 'active') THEN 'counted'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('cancelled', 'canceled', 'cancel', 'voided', 'void', 'unavailable', 'reversed', 'rejected') THEN 'cancelled'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('failed', 'failure', 'declined', 'error', 'blocked') THEN 'failed'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('pending', 'created', 'onhold', 'draft', 'awaitingpayment', 'unpaid', 'authorized', 'open', 'new', 'checkoutdraft', 'incomplete', 'requirespaymentmethod', 'requiresaction', 'expired', 'abandoned', 'partiallyauthorized') THEN 'pending'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('refunded', 'fullyrefunded', 'chargeback', 'chargedback') THEN 'refunded'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('test', 'testorder') THEN 'test'
        ELSE 'unknown' END AS status_class,
    CASE WHEN currency_raw IS NULL THEN '' ELSE upper(regexp_replace(currency_raw, '^[ \t]+|[ \t]+$', '', 'g')) END AS currency,
    NOT (cancelled_raw IS NULL OR cancelled_raw = '') AS cancelled
  FROM src OFFSET 0
),
checked AS (
  SELECT vals.*,
    CASE WHEN (amount_text IS NULL OR amount_text = '') THEN 'bad_amount'
      WHEN NOT (amount_text ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN 'unread'
      WHEN abs(amount_value) > 1000000000000 THEN 'bad_amount'
      WHEN NOT (refund_text IS NULL OR refund_text = '') AND (NOT (refund_text ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') OR abs(refund_value) > 1000000000000000) THEN 'unread'
      WHEN (date_text IS NULL OR date_text = '') THEN 'bad_date'
      WHEN NOT ((date_text ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-]00(:?00)?)?)?$') OR (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$')) THEN 'unread'
      WHEN day IS NULL THEN 'bad_date'
      WHEN day IN (-719162, -25567, 2932896) THEN 'placeholder_date'
      WHEN day < -25566 OR day > 47846 THEN 'bad_date'
      END AS reject_reason
  FROM vals
),
valued AS (
  SELECT checked.*,
    CASE WHEN reject_reason IS NULL THEN CAST(ROUND(amount_value * 1000) AS BIGINT) END AS amount_mills,
    CASE WHEN reject_reason IS NULL AND refund_value IS NOT NULL THEN abs(CAST(ROUND(refund_value * 1000) AS BIGINT)) ELSE 0 END AS refund_mills
  FROM checked
),
read_rows AS (
  -- a row that cannot be read is not data when it is empty or the header again
  SELECT valued.*,
    CASE WHEN reject_reason IS NULL OR reject_reason = 'placeholder_date' THEN reject_reason ELSE coalesce(not_data, reject_reason) END AS read_outcome
  FROM valued
),
facts AS (
  -- a repeated order id: a table has no file order, so the earliest-dated (then smallest amount, then customer id) is kept; the streaming engine keeps the first in the file
  SELECT row_no, customer_id, day, amount_mills, refund_mills, status_class, currency, cancelled, status_raw, channel, country,
    customer_id IS NOT NULL AND customer_id <> '' AS has_customer,
    amount_mills - refund_mills < 0 AS is_refund,
    order_id IS NOT NULL AND order_id <> ''
      AND row_number() OVER (PARTITION BY order_id ORDER BY day, amount_mills, customer_id) > 1 AS duplicate
  FROM read_rows
  WHERE read_outcome IS NULL
),
classified AS (
  SELECT facts.*,
    CASE WHEN duplicate THEN 'duplicate_order_id' ELSE CASE WHEN NOT has_customer THEN 'no_customer_id'
      WHEN cancelled THEN 'status_cancelled'
      WHEN status_class <> 'counted' AND NOT (status_class = 'refunded' AND is_refund) THEN CASE status_class WHEN 'cancelled' THEN 'status_cancelled' WHEN 'failed' THEN 'status_failed' WHEN 'pending' THEN 'status_pending' WHEN 'refunded' THEN 'status_refunded' WHEN 'test' THEN 'status_test' WHEN 'unknown' THEN 'status_unknown' WHEN 'excluded' THEN 'status_excluded' END
      WHEN currency <> '' AND currency <> 'USD' THEN 'other_currency'
      WHEN day > 20088 THEN 'after_as_of'
      WHEN NOT is_refund AND refund_mills > 0 AND refund_mills >= amount_mills AND amount_mills > 0 THEN 'status_refunded'
      WHEN is_refund THEN 'refund' ELSE 'order' END END AS outcome
  FROM facts
),
booked AS (
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
)
SELECT customer_id, day, orders, amount_mills FROM ledger ORDER BY customer_id, day;

-- 2. customers: one row per customer with a counted order
WITH src AS (
  SELECT CAST(NULL AS BIGINT) AS row_no,
    CAST("order_id" AS TEXT) AS order_id,
    CAST("customer_id" AS TEXT) AS customer_raw,
    regexp_replace(CAST("order_date" AS TEXT), '^[ \t]+|[ \t]+$', '', 'g') AS date_text,
    regexp_replace(CAST("amount" AS TEXT), '^[ \t]+|[ \t]+$', '', 'g') AS amount_text,
    regexp_replace(CAST("refunded" AS TEXT), '^[ \t]+|[ \t]+$', '', 'g') AS refund_text,
    CAST("status" AS TEXT) AS status_raw,
    CAST("currency" AS TEXT) AS currency_raw,
    NULL AS cancelled_raw,
    regexp_replace(NULL, '^[ \t]+|[ \t]+$', '', 'g') AS channel,
    regexp_replace(NULL, '^[ \t]+|[ \t]+$', '', 'g') AS country,
    NULL AS not_data
  FROM "shop"."orders"
),
vals AS (
  SELECT row_no, order_id, not_data, date_text, amount_text, refund_text, status_raw, channel, country,
    CASE WHEN ((date_text ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-]00(:?00)?)?)?$') OR (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$')) THEN (CASE WHEN substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 1, 4) <> '0000' AND EXTRACT(DAY FROM CAST(concat(substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 1, 8), '01') AS DATE) + (CAST(substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 9, 2) AS INTEGER) - 1)) = CAST(substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 9, 2) AS INTEGER) THEN CAST(concat(substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 1, 8), '01') AS DATE) + (CAST(substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 9, 2) AS INTEGER) - 1) END - DATE '1970-01-01') END AS day,
    CASE WHEN (amount_text ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN CAST(amount_text AS DOUBLE PRECISION) END AS amount_value,
    CASE WHEN (refund_text ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN CAST(refund_text AS DOUBLE PRECISION) END AS refund_value,
    CASE WHEN (regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g') ~ '@') THEN translate(CASE WHEN (regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g') ~ '^[0-9]+[.]0+$') THEN regexp_replace(regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g'), '[.]0+$', '', 'g') ELSE regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g') END, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') ELSE CASE WHEN (regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g') ~ '^[0-9]+[.]0+$') THEN regexp_replace(regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g'), '[.]0+$', '', 'g') ELSE regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g') END END AS customer_id,
    CASE WHEN status_raw IS NULL OR (status_raw ~ '^[ \t\r\n]*$') THEN 'counted'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('paid', 'completed', 'complete', 'delivered', 'fulfilled', 'succeeded', 'success', 'successful', 'shipped', 'invoiced', 'approved', 'processing', 'inprocess', 'inprogress', 'partiallyrefunded', 'partiallypaid', 'partiallyfulfilled', 'unfulfilled', 'closedwon', 'won', 'settled', 'captured', 'done', 'finished', 'active') THEN 'counted'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('cancelled', 'canceled', 'cancel', 'voided', 'void', 'unavailable', 'reversed', 'rejected') THEN 'cancelled'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('failed', 'failure', 'declined', 'error', 'blocked') THEN 'failed'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('pending', 'created', 'onhold', 'draft', 'awaitingpayment', 'unpaid', 'authorized', 'open', 'new', 'checkoutdraft', 'incomplete', 'requirespaymentmethod', 'requiresaction', 'expired', 'abandoned', 'partiallyauthorized') THEN 'pending'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('refunded', 'fullyrefunded', 'chargeback', 'chargedback') THEN 'refunded'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('test', 'testorder') THEN 'test'
        ELSE 'unknown' END AS status_class,
    CASE WHEN currency_raw IS NULL THEN '' ELSE upper(regexp_replace(currency_raw, '^[ \t]+|[ \t]+$', '', 'g')) END AS currency,
    NOT (cancelled_raw IS NULL OR cancelled_raw = '') AS cancelled
  FROM src OFFSET 0
),
checked AS (
  SELECT vals.*,
    CASE WHEN (amount_text IS NULL OR amount_text = '') THEN 'bad_amount'
      WHEN NOT (amount_text ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN 'unread'
      WHEN abs(amount_value) > 1000000000000 THEN 'bad_amount'
      WHEN NOT (refund_text IS NULL OR refund_text = '') AND (NOT (refund_text ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') OR abs(refund_value) > 1000000000000000) THEN 'unread'
      WHEN (date_text IS NULL OR date_text = '') THEN 'bad_date'
      WHEN NOT ((date_text ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-]00(:?00)?)?)?$') OR (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$')) THEN 'unread'
      WHEN day IS NULL THEN 'bad_date'
      WHEN day IN (-719162, -25567, 2932896) THEN 'placeholder_date'
      WHEN day < -25566 OR day > 47846 THEN 'bad_date'
      END AS reject_reason
  FROM vals
),
valued AS (
  SELECT checked.*,
    CASE WHEN reject_reason IS NULL THEN CAST(ROUND(amount_value * 1000) AS BIGINT) END AS amount_mills,
    CASE WHEN reject_reason IS NULL AND refund_value IS NOT NULL THEN abs(CAST(ROUND(refund_value * 1000) AS BIGINT)) ELSE 0 END AS refund_mills
  FROM checked
),
read_rows AS (
  -- a row that cannot be read is not data when it is empty or the header again
  SELECT valued.*,
    CASE WHEN reject_reason IS NULL OR reject_reason = 'placeholder_date' THEN reject_reason ELSE coalesce(not_data, reject_reason) END AS read_outcome
  FROM valued
),
facts AS (
  -- a repeated order id: a table has no file order, so the earliest-dated (then smallest amount, then customer id) is kept; the streaming engine keeps the first in the file
  SELECT row_no, customer_id, day, amount_mills, refund_mills, status_class, currency, cancelled, status_raw, channel, country,
    customer_id IS NOT NULL AND customer_id <> '' AS has_customer,
    amount_mills - refund_mills < 0 AS is_refund,
    order_id IS NOT NULL AND order_id <> ''
      AND row_number() OVER (PARTITION BY order_id ORDER BY day, amount_mills, customer_id) > 1 AS duplicate
  FROM read_rows
  WHERE read_outcome IS NULL
),
classified AS (
  SELECT facts.*,
    CASE WHEN duplicate THEN 'duplicate_order_id' ELSE CASE WHEN NOT has_customer THEN 'no_customer_id'
      WHEN cancelled THEN 'status_cancelled'
      WHEN status_class <> 'counted' AND NOT (status_class = 'refunded' AND is_refund) THEN CASE status_class WHEN 'cancelled' THEN 'status_cancelled' WHEN 'failed' THEN 'status_failed' WHEN 'pending' THEN 'status_pending' WHEN 'refunded' THEN 'status_refunded' WHEN 'test' THEN 'status_test' WHEN 'unknown' THEN 'status_unknown' WHEN 'excluded' THEN 'status_excluded' END
      WHEN currency <> '' AND currency <> 'USD' THEN 'other_currency'
      WHEN day > 20088 THEN 'after_as_of'
      WHEN NOT is_refund AND refund_mills > 0 AND refund_mills >= amount_mills AND amount_mills > 0 THEN 'status_refunded'
      WHEN is_refund THEN 'refund' ELSE 'order' END END AS outcome
  FROM facts
),
booked AS (
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
),
first_seen AS (
  -- a customer's place in the table: the first row that named it (file order), as the streaming engine numbers customers
  SELECT customer_id, min(row_no) AS first_row FROM facts WHERE has_customer AND NOT duplicate GROUP BY customer_id
)
SELECT l.customer_id, f.first_row,
  min(CASE WHEN l.orders > 0 THEN l.day END) AS first_day,
  max(CASE WHEN l.orders > 0 THEN l.day END) AS last_day,
  sum(l.orders) AS orders,
  sum(CASE WHEN l.orders > 0 THEN 1 ELSE 0 END) AS purchase_days,
  sum(l.amount_mills) AS revenue_mills
FROM ledger l JOIN first_seen f ON f.customer_id = l.customer_id
GROUP BY l.customer_id, f.first_row
ORDER BY l.customer_id;

-- 3. outcomes: rows per outcome (order, refund, exclusion and rejection reasons, unread)
WITH src AS (
  SELECT CAST(NULL AS BIGINT) AS row_no,
    CAST("order_id" AS TEXT) AS order_id,
    CAST("customer_id" AS TEXT) AS customer_raw,
    regexp_replace(CAST("order_date" AS TEXT), '^[ \t]+|[ \t]+$', '', 'g') AS date_text,
    regexp_replace(CAST("amount" AS TEXT), '^[ \t]+|[ \t]+$', '', 'g') AS amount_text,
    regexp_replace(CAST("refunded" AS TEXT), '^[ \t]+|[ \t]+$', '', 'g') AS refund_text,
    CAST("status" AS TEXT) AS status_raw,
    CAST("currency" AS TEXT) AS currency_raw,
    NULL AS cancelled_raw,
    regexp_replace(NULL, '^[ \t]+|[ \t]+$', '', 'g') AS channel,
    regexp_replace(NULL, '^[ \t]+|[ \t]+$', '', 'g') AS country,
    NULL AS not_data
  FROM "shop"."orders"
),
vals AS (
  SELECT row_no, order_id, not_data, date_text, amount_text, refund_text, status_raw, channel, country,
    CASE WHEN ((date_text ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-]00(:?00)?)?)?$') OR (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$')) THEN (CASE WHEN substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 1, 4) <> '0000' AND EXTRACT(DAY FROM CAST(concat(substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 1, 8), '01') AS DATE) + (CAST(substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 9, 2) AS INTEGER) - 1)) = CAST(substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 9, 2) AS INTEGER) THEN CAST(concat(substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 1, 8), '01') AS DATE) + (CAST(substr(CASE WHEN (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END, 9, 2) AS INTEGER) - 1) END - DATE '1970-01-01') END AS day,
    CASE WHEN (amount_text ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN CAST(amount_text AS DOUBLE PRECISION) END AS amount_value,
    CASE WHEN (refund_text ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN CAST(refund_text AS DOUBLE PRECISION) END AS refund_value,
    CASE WHEN (regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g') ~ '@') THEN translate(CASE WHEN (regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g') ~ '^[0-9]+[.]0+$') THEN regexp_replace(regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g'), '[.]0+$', '', 'g') ELSE regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g') END, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') ELSE CASE WHEN (regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g') ~ '^[0-9]+[.]0+$') THEN regexp_replace(regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g'), '[.]0+$', '', 'g') ELSE regexp_replace(customer_raw, '^[ \t]+|[ \t]+$', '', 'g') END END AS customer_id,
    CASE WHEN status_raw IS NULL OR (status_raw ~ '^[ \t\r\n]*$') THEN 'counted'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('paid', 'completed', 'complete', 'delivered', 'fulfilled', 'succeeded', 'success', 'successful', 'shipped', 'invoiced', 'approved', 'processing', 'inprocess', 'inprogress', 'partiallyrefunded', 'partiallypaid', 'partiallyfulfilled', 'unfulfilled', 'closedwon', 'won', 'settled', 'captured', 'done', 'finished', 'active') THEN 'counted'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('cancelled', 'canceled', 'cancel', 'voided', 'void', 'unavailable', 'reversed', 'rejected') THEN 'cancelled'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('failed', 'failure', 'declined', 'error', 'blocked') THEN 'failed'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('pending', 'created', 'onhold', 'draft', 'awaitingpayment', 'unpaid', 'authorized', 'open', 'new', 'checkoutdraft', 'incomplete', 'requirespaymentmethod', 'requiresaction', 'expired', 'abandoned', 'partiallyauthorized') THEN 'pending'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('refunded', 'fullyrefunded', 'chargeback', 'chargedback') THEN 'refunded'
        WHEN regexp_replace(lower(status_raw), '[^[:alnum:]]', '', 'g') IN ('test', 'testorder') THEN 'test'
        ELSE 'unknown' END AS status_class,
    CASE WHEN currency_raw IS NULL THEN '' ELSE upper(regexp_replace(currency_raw, '^[ \t]+|[ \t]+$', '', 'g')) END AS currency,
    NOT (cancelled_raw IS NULL OR cancelled_raw = '') AS cancelled
  FROM src OFFSET 0
),
checked AS (
  SELECT vals.*,
    CASE WHEN (amount_text IS NULL OR amount_text = '') THEN 'bad_amount'
      WHEN NOT (amount_text ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN 'unread'
      WHEN abs(amount_value) > 1000000000000 THEN 'bad_amount'
      WHEN NOT (refund_text IS NULL OR refund_text = '') AND (NOT (refund_text ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') OR abs(refund_value) > 1000000000000000) THEN 'unread'
      WHEN (date_text IS NULL OR date_text = '') THEN 'bad_date'
      WHEN NOT ((date_text ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-]00(:?00)?)?)?$') OR (date_text ~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$')) THEN 'unread'
      WHEN day IS NULL THEN 'bad_date'
      WHEN day IN (-719162, -25567, 2932896) THEN 'placeholder_date'
      WHEN day < -25566 OR day > 47846 THEN 'bad_date'
      END AS reject_reason
  FROM vals
),
valued AS (
  SELECT checked.*,
    CASE WHEN reject_reason IS NULL THEN CAST(ROUND(amount_value * 1000) AS BIGINT) END AS amount_mills,
    CASE WHEN reject_reason IS NULL AND refund_value IS NOT NULL THEN abs(CAST(ROUND(refund_value * 1000) AS BIGINT)) ELSE 0 END AS refund_mills
  FROM checked
),
read_rows AS (
  -- a row that cannot be read is not data when it is empty or the header again
  SELECT valued.*,
    CASE WHEN reject_reason IS NULL OR reject_reason = 'placeholder_date' THEN reject_reason ELSE coalesce(not_data, reject_reason) END AS read_outcome
  FROM valued
),
facts AS (
  -- a repeated order id: a table has no file order, so the earliest-dated (then smallest amount, then customer id) is kept; the streaming engine keeps the first in the file
  SELECT row_no, customer_id, day, amount_mills, refund_mills, status_class, currency, cancelled, status_raw, channel, country,
    customer_id IS NOT NULL AND customer_id <> '' AS has_customer,
    amount_mills - refund_mills < 0 AS is_refund,
    order_id IS NOT NULL AND order_id <> ''
      AND row_number() OVER (PARTITION BY order_id ORDER BY day, amount_mills, customer_id) > 1 AS duplicate
  FROM read_rows
  WHERE read_outcome IS NULL
),
classified AS (
  SELECT facts.*,
    CASE WHEN duplicate THEN 'duplicate_order_id' ELSE CASE WHEN NOT has_customer THEN 'no_customer_id'
      WHEN cancelled THEN 'status_cancelled'
      WHEN status_class <> 'counted' AND NOT (status_class = 'refunded' AND is_refund) THEN CASE status_class WHEN 'cancelled' THEN 'status_cancelled' WHEN 'failed' THEN 'status_failed' WHEN 'pending' THEN 'status_pending' WHEN 'refunded' THEN 'status_refunded' WHEN 'test' THEN 'status_test' WHEN 'unknown' THEN 'status_unknown' WHEN 'excluded' THEN 'status_excluded' END
      WHEN currency <> '' AND currency <> 'USD' THEN 'other_currency'
      WHEN day > 20088 THEN 'after_as_of'
      WHEN NOT is_refund AND refund_mills > 0 AND refund_mills >= amount_mills AND amount_mills > 0 THEN 'status_refunded'
      WHEN is_refund THEN 'refund' ELSE 'order' END END AS outcome
  FROM facts
),
booked AS (
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
)
SELECT outcome, count(*) AS row_count FROM (
  SELECT read_outcome AS outcome FROM read_rows WHERE read_outcome IS NOT NULL
  UNION ALL
  SELECT CASE WHEN c.outcome = 'refund' AND b.customer_id IS NULL THEN 'refund_without_order' ELSE c.outcome END AS outcome
  FROM classified c LEFT JOIN buyers b ON b.customer_id = c.customer_id
) AS o
GROUP BY outcome
ORDER BY outcome;
