-- clm sql --dialect bigquery --summaries: the summary tables clm reads with --summaries DIR,
-- compiled from the same rules as the orders -> customers step. Run each statement and write its
-- rows, with a header line, to the CSV file its comment names, all in one directory DIR; then
-- clm cltv --summaries DIR and clm cohorts --summaries DIR. The as-of date is the --as-of date.
-- t_x and T are in weeks (clm cltv --time-unit week); spend in the currency unit.

-- rfm_counts.csv: one row per distinct (x, t_x, T) with its customers (BG/NBD, MBG/NBD, Pareto/NBD)
WITH src AS (
  SELECT CAST(NULL AS INT64) AS row_no,
    CAST(`order_id` AS STRING) AS order_id,
    CAST(`customer_id` AS STRING) AS customer_raw,
    REGEXP_REPLACE(CAST(`order_date` AS STRING), '^[ \\t]+|[ \\t]+$', '') AS date_text,
    REGEXP_REPLACE(CAST(`amount` AS STRING), '^[ \\t]+|[ \\t]+$', '') AS amount_text,
    REGEXP_REPLACE(CAST(`refunded` AS STRING), '^[ \\t]+|[ \\t]+$', '') AS refund_text,
    CAST(`status` AS STRING) AS status_raw,
    CAST(`currency` AS STRING) AS currency_raw,
    NULL AS cancelled_raw,
    REGEXP_REPLACE(NULL, '^[ \\t]+|[ \\t]+$', '') AS channel,
    REGEXP_REPLACE(NULL, '^[ \\t]+|[ \\t]+$', '') AS country,
    NULL AS not_data
  FROM `shop`.`orders`
),
vals AS (
  SELECT row_no, order_id, not_data, date_text, amount_text, refund_text, status_raw, channel, country,
    CASE WHEN (REGEXP_CONTAINS(date_text, '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-]00(:?00)?)?)?$') OR REGEXP_CONTAINS(date_text, '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$')) THEN DATE_DIFF(SAFE_CAST(CASE WHEN REGEXP_CONTAINS(date_text, '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END AS DATE), DATE '1970-01-01', DAY) END AS day,
    CASE WHEN REGEXP_CONTAINS(amount_text, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN CAST(amount_text AS FLOAT64) END AS amount_value,
    CASE WHEN REGEXP_CONTAINS(refund_text, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN CAST(refund_text AS FLOAT64) END AS refund_value,
    CASE WHEN REGEXP_CONTAINS(REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', ''), '@') THEN translate(CASE WHEN REGEXP_CONTAINS(REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', ''), '^[0-9]+[.]0+$') THEN REGEXP_REPLACE(REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', ''), '[.]0+$', '') ELSE REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', '') END, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') ELSE CASE WHEN REGEXP_CONTAINS(REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', ''), '^[0-9]+[.]0+$') THEN REGEXP_REPLACE(REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', ''), '[.]0+$', '') ELSE REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', '') END END AS customer_id,
    CASE WHEN status_raw IS NULL OR REGEXP_CONTAINS(status_raw, '^[ \\t\\r\\n]*$') THEN 'counted'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('paid', 'completed', 'complete', 'delivered', 'fulfilled', 'succeeded', 'success', 'successful', 'shipped', 'invoiced', 'approved', 'processing', 'inprocess', 'inprogress', 'partiallyrefunded', 'partiallypaid', 'partiallyfulfilled', 'unfulfilled', 'closedwon', 'won', 'settled', 'captured', 'done', 'finished', 'active') THEN 'counted'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('cancelled', 'canceled', 'cancel', 'voided', 'void', 'unavailable', 'reversed', 'rejected') THEN 'cancelled'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('failed', 'failure', 'declined', 'error', 'blocked') THEN 'failed'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('pending', 'created', 'onhold', 'draft', 'awaitingpayment', 'unpaid', 'authorized', 'open', 'new', 'checkoutdraft', 'incomplete', 'requirespaymentmethod', 'requiresaction', 'expired', 'abandoned', 'partiallyauthorized') THEN 'pending'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('refunded', 'fullyrefunded', 'chargeback', 'chargedback') THEN 'refunded'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('test', 'testorder') THEN 'test'
        ELSE 'unknown' END AS status_class,
    CASE WHEN currency_raw IS NULL THEN '' ELSE upper(REGEXP_REPLACE(currency_raw, '^[ \\t]+|[ \\t]+$', '')) END AS currency,
    NOT (cancelled_raw IS NULL OR cancelled_raw = '') AS cancelled
  FROM src
),
checked AS (
  SELECT vals.*,
    CASE WHEN (amount_text IS NULL OR amount_text = '') THEN 'bad_amount'
      WHEN NOT REGEXP_CONTAINS(amount_text, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN 'unread'
      WHEN abs(amount_value) > 1000000000000 THEN 'bad_amount'
      WHEN NOT (refund_text IS NULL OR refund_text = '') AND (NOT REGEXP_CONTAINS(refund_text, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') OR abs(refund_value) > 1000000000000000) THEN 'unread'
      WHEN (date_text IS NULL OR date_text = '') THEN 'bad_date'
      WHEN NOT (REGEXP_CONTAINS(date_text, '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-]00(:?00)?)?)?$') OR REGEXP_CONTAINS(date_text, '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$')) THEN 'unread'
      WHEN day IS NULL THEN 'bad_date'
      WHEN day IN (-719162, -25567, 2932896) THEN 'placeholder_date'
      WHEN day < -25566 OR day > 47846 THEN 'bad_date'
      END AS reject_reason
  FROM vals
),
valued AS (
  SELECT checked.*,
    CASE WHEN reject_reason IS NULL THEN CAST(ROUND(amount_value * 1000) AS INT64) END AS amount_mills,
    CASE WHEN reject_reason IS NULL AND refund_value IS NOT NULL THEN abs(CAST(ROUND(refund_value * 1000) AS INT64)) ELSE 0 END AS refund_mills
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
purchase_days AS (
  SELECT customer_id, day, amount_mills, min(day) OVER (PARTITION BY customer_id) AS first_purchase
  FROM ledger
  WHERE orders > 0
),
calibration AS (
  -- E: the --as-of date (later orders are excluded above)
  SELECT 20088 AS end_day
),
clv_customers AS (
  SELECT customer_id, count(*) - 1 AS x, min(day) AS first_day, max(day) AS last_day,
    sum(CASE WHEN day > first_purchase THEN amount_mills ELSE 0 END) AS repeat_mills
  FROM purchase_days
  GROUP BY customer_id
)
SELECT g.x AS `x`, CAST(g.span_days AS FLOAT64) / 7 AS `t_x`, CAST(g.age_days AS FLOAT64) / 7 AS `T`,
  g.customers AS `count`, CAST(g.repeat_mills AS FLOAT64) / 1000 AS `spend_sum`, 'week' AS `unit`
FROM (
  SELECT c.x, c.last_day - c.first_day AS span_days, e.end_day - c.first_day AS age_days, count(*) AS customers, sum(c.repeat_mills) AS repeat_mills
  FROM clv_customers c CROSS JOIN calibration e
  GROUP BY c.x, c.last_day - c.first_day, e.end_day - c.first_day
) g
ORDER BY g.x, g.span_days, g.age_days;

-- spend_counts.csv: one row per distinct (x, zbar) of repeat customers (Gamma-Gamma)
WITH src AS (
  SELECT CAST(NULL AS INT64) AS row_no,
    CAST(`order_id` AS STRING) AS order_id,
    CAST(`customer_id` AS STRING) AS customer_raw,
    REGEXP_REPLACE(CAST(`order_date` AS STRING), '^[ \\t]+|[ \\t]+$', '') AS date_text,
    REGEXP_REPLACE(CAST(`amount` AS STRING), '^[ \\t]+|[ \\t]+$', '') AS amount_text,
    REGEXP_REPLACE(CAST(`refunded` AS STRING), '^[ \\t]+|[ \\t]+$', '') AS refund_text,
    CAST(`status` AS STRING) AS status_raw,
    CAST(`currency` AS STRING) AS currency_raw,
    NULL AS cancelled_raw,
    REGEXP_REPLACE(NULL, '^[ \\t]+|[ \\t]+$', '') AS channel,
    REGEXP_REPLACE(NULL, '^[ \\t]+|[ \\t]+$', '') AS country,
    NULL AS not_data
  FROM `shop`.`orders`
),
vals AS (
  SELECT row_no, order_id, not_data, date_text, amount_text, refund_text, status_raw, channel, country,
    CASE WHEN (REGEXP_CONTAINS(date_text, '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-]00(:?00)?)?)?$') OR REGEXP_CONTAINS(date_text, '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$')) THEN DATE_DIFF(SAFE_CAST(CASE WHEN REGEXP_CONTAINS(date_text, '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END AS DATE), DATE '1970-01-01', DAY) END AS day,
    CASE WHEN REGEXP_CONTAINS(amount_text, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN CAST(amount_text AS FLOAT64) END AS amount_value,
    CASE WHEN REGEXP_CONTAINS(refund_text, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN CAST(refund_text AS FLOAT64) END AS refund_value,
    CASE WHEN REGEXP_CONTAINS(REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', ''), '@') THEN translate(CASE WHEN REGEXP_CONTAINS(REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', ''), '^[0-9]+[.]0+$') THEN REGEXP_REPLACE(REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', ''), '[.]0+$', '') ELSE REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', '') END, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') ELSE CASE WHEN REGEXP_CONTAINS(REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', ''), '^[0-9]+[.]0+$') THEN REGEXP_REPLACE(REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', ''), '[.]0+$', '') ELSE REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', '') END END AS customer_id,
    CASE WHEN status_raw IS NULL OR REGEXP_CONTAINS(status_raw, '^[ \\t\\r\\n]*$') THEN 'counted'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('paid', 'completed', 'complete', 'delivered', 'fulfilled', 'succeeded', 'success', 'successful', 'shipped', 'invoiced', 'approved', 'processing', 'inprocess', 'inprogress', 'partiallyrefunded', 'partiallypaid', 'partiallyfulfilled', 'unfulfilled', 'closedwon', 'won', 'settled', 'captured', 'done', 'finished', 'active') THEN 'counted'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('cancelled', 'canceled', 'cancel', 'voided', 'void', 'unavailable', 'reversed', 'rejected') THEN 'cancelled'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('failed', 'failure', 'declined', 'error', 'blocked') THEN 'failed'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('pending', 'created', 'onhold', 'draft', 'awaitingpayment', 'unpaid', 'authorized', 'open', 'new', 'checkoutdraft', 'incomplete', 'requirespaymentmethod', 'requiresaction', 'expired', 'abandoned', 'partiallyauthorized') THEN 'pending'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('refunded', 'fullyrefunded', 'chargeback', 'chargedback') THEN 'refunded'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('test', 'testorder') THEN 'test'
        ELSE 'unknown' END AS status_class,
    CASE WHEN currency_raw IS NULL THEN '' ELSE upper(REGEXP_REPLACE(currency_raw, '^[ \\t]+|[ \\t]+$', '')) END AS currency,
    NOT (cancelled_raw IS NULL OR cancelled_raw = '') AS cancelled
  FROM src
),
checked AS (
  SELECT vals.*,
    CASE WHEN (amount_text IS NULL OR amount_text = '') THEN 'bad_amount'
      WHEN NOT REGEXP_CONTAINS(amount_text, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN 'unread'
      WHEN abs(amount_value) > 1000000000000 THEN 'bad_amount'
      WHEN NOT (refund_text IS NULL OR refund_text = '') AND (NOT REGEXP_CONTAINS(refund_text, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') OR abs(refund_value) > 1000000000000000) THEN 'unread'
      WHEN (date_text IS NULL OR date_text = '') THEN 'bad_date'
      WHEN NOT (REGEXP_CONTAINS(date_text, '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-]00(:?00)?)?)?$') OR REGEXP_CONTAINS(date_text, '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$')) THEN 'unread'
      WHEN day IS NULL THEN 'bad_date'
      WHEN day IN (-719162, -25567, 2932896) THEN 'placeholder_date'
      WHEN day < -25566 OR day > 47846 THEN 'bad_date'
      END AS reject_reason
  FROM vals
),
valued AS (
  SELECT checked.*,
    CASE WHEN reject_reason IS NULL THEN CAST(ROUND(amount_value * 1000) AS INT64) END AS amount_mills,
    CASE WHEN reject_reason IS NULL AND refund_value IS NOT NULL THEN abs(CAST(ROUND(refund_value * 1000) AS INT64)) ELSE 0 END AS refund_mills
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
purchase_days AS (
  SELECT customer_id, day, amount_mills, min(day) OVER (PARTITION BY customer_id) AS first_purchase
  FROM ledger
  WHERE orders > 0
),
calibration AS (
  -- E: the --as-of date (later orders are excluded above)
  SELECT 20088 AS end_day
),
clv_customers AS (
  SELECT customer_id, count(*) - 1 AS x, min(day) AS first_day, max(day) AS last_day,
    sum(CASE WHEN day > first_purchase THEN amount_mills ELSE 0 END) AS repeat_mills
  FROM purchase_days
  GROUP BY customer_id
)
SELECT g.x AS `x`, CAST(g.repeat_mills AS FLOAT64) / 1000 / g.x AS `zbar`, g.customers AS `count`
FROM (
  SELECT x, repeat_mills, count(*) AS customers
  FROM clv_customers
  WHERE x > 0 AND repeat_mills > 0
  GROUP BY x, repeat_mills
) g
ORDER BY g.x, g.repeat_mills;

-- cohort_activity.csv: monthly acquisition cohorts, one row per cohort and month k up to the as-of month
WITH src AS (
  SELECT CAST(NULL AS INT64) AS row_no,
    CAST(`order_id` AS STRING) AS order_id,
    CAST(`customer_id` AS STRING) AS customer_raw,
    REGEXP_REPLACE(CAST(`order_date` AS STRING), '^[ \\t]+|[ \\t]+$', '') AS date_text,
    REGEXP_REPLACE(CAST(`amount` AS STRING), '^[ \\t]+|[ \\t]+$', '') AS amount_text,
    REGEXP_REPLACE(CAST(`refunded` AS STRING), '^[ \\t]+|[ \\t]+$', '') AS refund_text,
    CAST(`status` AS STRING) AS status_raw,
    CAST(`currency` AS STRING) AS currency_raw,
    NULL AS cancelled_raw,
    REGEXP_REPLACE(NULL, '^[ \\t]+|[ \\t]+$', '') AS channel,
    REGEXP_REPLACE(NULL, '^[ \\t]+|[ \\t]+$', '') AS country,
    NULL AS not_data
  FROM `shop`.`orders`
),
vals AS (
  SELECT row_no, order_id, not_data, date_text, amount_text, refund_text, status_raw, channel, country,
    CASE WHEN (REGEXP_CONTAINS(date_text, '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-]00(:?00)?)?)?$') OR REGEXP_CONTAINS(date_text, '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$')) THEN DATE_DIFF(SAFE_CAST(CASE WHEN REGEXP_CONTAINS(date_text, '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$') THEN concat(substr(date_text, 1, 4), '-', substr(date_text, 5, 2), '-', substr(date_text, 7, 2)) ELSE substr(date_text, 1, 10) END AS DATE), DATE '1970-01-01', DAY) END AS day,
    CASE WHEN REGEXP_CONTAINS(amount_text, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN CAST(amount_text AS FLOAT64) END AS amount_value,
    CASE WHEN REGEXP_CONTAINS(refund_text, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN CAST(refund_text AS FLOAT64) END AS refund_value,
    CASE WHEN REGEXP_CONTAINS(REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', ''), '@') THEN translate(CASE WHEN REGEXP_CONTAINS(REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', ''), '^[0-9]+[.]0+$') THEN REGEXP_REPLACE(REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', ''), '[.]0+$', '') ELSE REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', '') END, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') ELSE CASE WHEN REGEXP_CONTAINS(REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', ''), '^[0-9]+[.]0+$') THEN REGEXP_REPLACE(REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', ''), '[.]0+$', '') ELSE REGEXP_REPLACE(customer_raw, '^[ \\t]+|[ \\t]+$', '') END END AS customer_id,
    CASE WHEN status_raw IS NULL OR REGEXP_CONTAINS(status_raw, '^[ \\t\\r\\n]*$') THEN 'counted'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('paid', 'completed', 'complete', 'delivered', 'fulfilled', 'succeeded', 'success', 'successful', 'shipped', 'invoiced', 'approved', 'processing', 'inprocess', 'inprogress', 'partiallyrefunded', 'partiallypaid', 'partiallyfulfilled', 'unfulfilled', 'closedwon', 'won', 'settled', 'captured', 'done', 'finished', 'active') THEN 'counted'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('cancelled', 'canceled', 'cancel', 'voided', 'void', 'unavailable', 'reversed', 'rejected') THEN 'cancelled'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('failed', 'failure', 'declined', 'error', 'blocked') THEN 'failed'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('pending', 'created', 'onhold', 'draft', 'awaitingpayment', 'unpaid', 'authorized', 'open', 'new', 'checkoutdraft', 'incomplete', 'requirespaymentmethod', 'requiresaction', 'expired', 'abandoned', 'partiallyauthorized') THEN 'pending'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('refunded', 'fullyrefunded', 'chargeback', 'chargedback') THEN 'refunded'
        WHEN REGEXP_REPLACE(lower(status_raw), '[^\\p{L}\\p{N}]', '') IN ('test', 'testorder') THEN 'test'
        ELSE 'unknown' END AS status_class,
    CASE WHEN currency_raw IS NULL THEN '' ELSE upper(REGEXP_REPLACE(currency_raw, '^[ \\t]+|[ \\t]+$', '')) END AS currency,
    NOT (cancelled_raw IS NULL OR cancelled_raw = '') AS cancelled
  FROM src
),
checked AS (
  SELECT vals.*,
    CASE WHEN (amount_text IS NULL OR amount_text = '') THEN 'bad_amount'
      WHEN NOT REGEXP_CONTAINS(amount_text, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') THEN 'unread'
      WHEN abs(amount_value) > 1000000000000 THEN 'bad_amount'
      WHEN NOT (refund_text IS NULL OR refund_text = '') AND (NOT REGEXP_CONTAINS(refund_text, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$') OR abs(refund_value) > 1000000000000000) THEN 'unread'
      WHEN (date_text IS NULL OR date_text = '') THEN 'bad_date'
      WHEN NOT (REGEXP_CONTAINS(date_text, '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-]00(:?00)?)?)?$') OR REGEXP_CONTAINS(date_text, '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$')) THEN 'unread'
      WHEN day IS NULL THEN 'bad_date'
      WHEN day IN (-719162, -25567, 2932896) THEN 'placeholder_date'
      WHEN day < -25566 OR day > 47846 THEN 'bad_date'
      END AS reject_reason
  FROM vals
),
valued AS (
  SELECT checked.*,
    CASE WHEN reject_reason IS NULL THEN CAST(ROUND(amount_value * 1000) AS INT64) END AS amount_mills,
    CASE WHEN reject_reason IS NULL AND refund_value IS NOT NULL THEN abs(CAST(ROUND(refund_value * 1000) AS INT64)) ELSE 0 END AS refund_mills
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
purchase_days AS (
  SELECT customer_id, day, amount_mills, min(day) OVER (PARTITION BY customer_id) AS first_purchase
  FROM ledger
  WHERE orders > 0
),
calibration AS (
  -- E: the --as-of date (later orders are excluded above)
  SELECT 20088 AS end_day
),
clv_customers AS (
  SELECT customer_id, count(*) - 1 AS x, min(day) AS first_day, max(day) AS last_day,
    sum(CASE WHEN day > first_purchase THEN amount_mills ELSE 0 END) AS repeat_mills
  FROM purchase_days
  GROUP BY customer_id
),
cohort_customers AS (
  -- the cohort of a customer: the month of the first purchase day, as YYYY-MM and as year * 12 + month - 1
  SELECT customer_id, first_day, CAST(substr(first_date, 1, 4) AS INT64) * 12 + CAST(substr(first_date, 6, 2) AS INT64) - 1 AS cohort_month, substr(first_date, 1, 7) AS cohort
  FROM (SELECT customer_id, first_day, CAST(DATE_ADD(DATE '1970-01-01', INTERVAL first_day DAY) AS STRING) AS first_date FROM clv_customers) f
),
cohort_sizes AS (
  SELECT cohort_month, cohort, count(*) AS cohort_size FROM cohort_customers GROUP BY cohort_month, cohort
),
cohort_entries AS (
  -- every ledger entry in its month; one dated before the first purchase counts in the month of
  -- the first purchase. Every customer of the ledger has a purchase day on or before E, so the
  -- first purchase comes from a window over the ledger, not a join (no plan to misjudge)
  SELECT customer_id, orders, amount_mills, CAST(substr(first_date, 1, 4) AS INT64) * 12 + CAST(substr(first_date, 6, 2) AS INT64) - 1 AS cohort_month, CAST(substr(entry_date, 1, 4) AS INT64) * 12 + CAST(substr(entry_date, 6, 2) AS INT64) - 1 - (CAST(substr(first_date, 1, 4) AS INT64) * 12 + CAST(substr(first_date, 6, 2) AS INT64) - 1) AS k
  FROM (
    SELECT customer_id, orders, amount_mills, CAST(DATE_ADD(DATE '1970-01-01', INTERVAL first_day DAY) AS STRING) AS first_date, CAST(DATE_ADD(DATE '1970-01-01', INTERVAL greatest(day, first_day) DAY) AS STRING) AS entry_date
    FROM (SELECT customer_id, day, orders, amount_mills, min(CASE WHEN orders > 0 THEN day END) OVER (PARTITION BY customer_id) AS first_day FROM ledger) l
  ) e
),
cohort_cells AS (
  SELECT cohort_month, k, count(DISTINCT CASE WHEN orders > 0 THEN customer_id END) AS active, sum(orders) AS orders, sum(amount_mills) AS revenue_mills
  FROM cohort_entries
  GROUP BY cohort_month, k
),
digits AS (
  SELECT 0 AS n UNION ALL SELECT 1 AS n UNION ALL SELECT 2 AS n UNION ALL SELECT 3 AS n UNION ALL SELECT 4 AS n UNION ALL SELECT 5 AS n UNION ALL SELECT 6 AS n UNION ALL SELECT 7 AS n UNION ALL SELECT 8 AS n UNION ALL SELECT 9 AS n
),
months AS (
  -- k = 0 .. 9999: every month a cohort can reach by the as-of date
  SELECT d1.n + 10 * d2.n + 100 * d3.n + 1000 * d4.n AS k
  FROM digits d1 CROSS JOIN digits d2 CROSS JOIN digits d3 CROSS JOIN digits d4
),
as_of_month AS (
  SELECT end_day, CAST(substr(end_date, 1, 4) AS INT64) * 12 + CAST(substr(end_date, 6, 2) AS INT64) - 1 AS month
  FROM (SELECT end_day, CAST(DATE_ADD(DATE '1970-01-01', INTERVAL end_day DAY) AS STRING) AS end_date FROM calibration) e
)
SELECT s.cohort AS `cohort`, m.k AS `period`, s.cohort_size AS `cohort_size`,
  coalesce(c.active, 0) AS `active`, coalesce(c.orders, 0) AS `orders`, coalesce(c.revenue_mills, 0) AS `revenue_mills`,
  CAST(DATE_ADD(DATE '1970-01-01', INTERVAL a.end_day DAY) AS STRING) AS `as_of`
FROM cohort_sizes s
CROSS JOIN as_of_month a
JOIN months m ON m.k <= a.month - s.cohort_month
LEFT JOIN cohort_cells c ON c.cohort_month = s.cohort_month AND c.k = m.k
ORDER BY s.cohort_month, m.k;
