/**
 * An independent reference for `clm summary` / `clm customers`: the same definitions written
 * in DuckDB SQL over the raw files. Written from the definitions in the test brief, not from
 * clm's code, so that the two can disagree.
 *
 * Each dataset's SQL defines three views:
 *   events(customer_id VARCHAR, day DATE, amount DECIMAL, is_order BOOLEAN)
 *       one row per counted order (is_order) or refund (NOT is_order) of a customer;
 *   persons(customer_id VARCHAR)
 *       every person of the customers file (prospects are those with no counted order);
 *   recon(rows_read, ...)
 *       one row of counts used to check the reconciliation.
 * The per-customer table and the summary are then computed by shared SQL below.
 */
import { DuckDBInstance } from '@duckdb/node-api';

export interface RefCustomer {
  customer_id: string;
  first_order_date: string | null;
  last_order_date: string | null;
  orders: number;
  purchase_days: number;
  revenue: number;
}

export interface RefSummary {
  customers: number;
  prospects: number;
  orders: number;
  first_order_date: string | null;
  last_order_date: string | null;
  net_revenue: number;
  average_order_value: number | null;
  orders_per_customer: number | null;
  repeat_customer_rate: number | null;
  median_days_between_purchases: number | null;
}

export interface Reference {
  summary: RefSummary;
  customers: RefCustomer[];
  /** rows_read plus dataset-specific counts (see each dataset's recon view). */
  recon: Record<string, number>;
}

/** A string literal for SQL. */
function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

const NO_PERSONS = `CREATE TEMP VIEW persons AS SELECT NULL::VARCHAR AS customer_id WHERE false;`;

/** A whitespace-separated text file as arrays of fields, one per non-blank line. */
function whitespaceLines(file: string, skipHeader: boolean): string {
  return `
    CREATE TEMP TABLE raw AS
    SELECT regexp_split_to_array(trim(line, E' \\t\\r'), '\\s+') AS f
    FROM read_csv(${lit(file)}, columns = {'line': 'VARCHAR'}, delim = '|', quote = '', escape = '',
                  header = false, skip = ${skipHeader ? 1 : 0}, auto_detect = false)
    WHERE trim(coalesce(line, ''), E' \\t\\r') <> '';`;
}

/** CDNOW master: `customer_id date number_of_cds dollar_value`, header line; every row an order. */
export function cdnowMasterSql(file: string): string {
  return `
    ${whitespaceLines(file, true)}
    CREATE TEMP VIEW events AS
    SELECT f[1] AS customer_id, strptime(f[2], '%Y%m%d')::DATE AS day,
           f[4]::DECIMAL(18, 4) AS amount, true AS is_order
    FROM raw;
    ${NO_PERSONS}
    CREATE TEMP VIEW recon AS SELECT count(*) AS rows_read, count(*) AS order_rows FROM raw;`;
}

/** CDNOW sample: no header, `master_id sample_id date cds dollars`; customer = master_id. */
export function cdnowSampleSql(file: string): string {
  return `
    ${whitespaceLines(file, false)}
    CREATE TEMP VIEW events AS
    SELECT f[1] AS customer_id, strptime(f[3], '%Y%m%d')::DATE AS day,
           f[5]::DECIMAL(18, 4) AS amount, true AS is_order
    FROM raw;
    ${NO_PERSONS}
    CREATE TEMP VIEW recon AS SELECT count(*) AS rows_read, count(*) AS order_rows FROM raw;`;
}

/**
 * UCI Online Retail, one row per invoice line. Lines without CustomerID are excluded; the
 * lines of one InvoiceNo form one invoice; C-invoices and invoices with a negative total are
 * refunds; the day is the date of the invoice's first line. Refunds of customers with no
 * counted order are dropped (by the shared HAVING below) and counted in recon.
 */
export function onlineRetailSql(file: string): string {
  return `
    CREATE TEMP TABLE lines AS
    SELECT row_number() OVER () AS rn, *
    FROM read_csv(${lit(file)}, all_varchar = true, header = true);
    CREATE TEMP TABLE invoices AS
    SELECT InvoiceNo,
           CAST(CAST(CustomerID AS DOUBLE) AS BIGINT)::VARCHAR AS customer_id,
           CAST(arg_min(left(InvoiceDate, 10), rn) AS DATE) AS day,
           sum(CAST(Quantity AS INTEGER) * CAST(UnitPrice AS DECIMAL(18, 3))) AS total,
           count(*) AS n_lines,
           NOT (InvoiceNo LIKE 'C%' OR sum(CAST(Quantity AS INTEGER) * CAST(UnitPrice AS DECIMAL(18, 3))) < 0) AS is_order
    FROM lines
    WHERE coalesce(trim(CustomerID), '') <> ''
    GROUP BY InvoiceNo, customer_id;
    CREATE TEMP VIEW events AS SELECT customer_id, day, total AS amount, is_order FROM invoices;
    ${NO_PERSONS}
    CREATE TEMP VIEW recon AS
    WITH buyers AS (SELECT DISTINCT customer_id FROM invoices WHERE is_order)
    SELECT
      (SELECT count(*) FROM lines) AS rows_read,
      (SELECT count(*) FROM lines WHERE coalesce(trim(CustomerID), '') = '') AS no_customer_id,
      (SELECT sum(n_lines) FROM invoices WHERE is_order) AS order_rows,
      (SELECT sum(n_lines) FROM invoices WHERE NOT is_order AND customer_id IN (SELECT customer_id FROM buyers)) AS refund_rows,
      (SELECT count(*) FROM invoices WHERE NOT is_order AND customer_id IN (SELECT customer_id FROM buyers)) AS refunds,
      (SELECT sum(n_lines) FROM invoices WHERE NOT is_order AND customer_id NOT IN (SELECT customer_id FROM buyers)) AS refund_without_order;`;
}

const OLIST_COUNTED = `('delivered', 'shipped', 'invoiced', 'approved', 'processing')`;

/**
 * Olist: the person is customer_unique_id (orders.customer_id -> customers.customer_id);
 * counted statuses as above; canceled/unavailable are "cancelled", created is "pending";
 * the amount of an order is `amountSql` summed over the rows of `amountsFile` with its
 * order_id; a counted order with no such rows is excluded (no_payment).
 */
function olistSql(orders: string, customers: string, amountsFile: string, amountSql: string): string {
  return `
    CREATE TEMP TABLE o AS SELECT * FROM read_csv(${lit(orders)}, all_varchar = true, header = true);
    CREATE TEMP TABLE c AS SELECT * FROM read_csv(${lit(customers)}, all_varchar = true, header = true);
    CREATE TEMP TABLE amounts AS
    SELECT order_id, sum(${amountSql}) AS amount
    FROM read_csv(${lit(amountsFile)}, all_varchar = true, header = true)
    GROUP BY order_id;
    CREATE TEMP VIEW counted AS
    SELECT o.order_id, c.customer_unique_id AS customer_id,
           CAST(left(o.order_purchase_timestamp, 10) AS DATE) AS day, a.amount
    FROM o
    JOIN c ON c.customer_id = o.customer_id
    LEFT JOIN amounts a ON a.order_id = o.order_id
    WHERE lower(trim(o.order_status)) IN ${OLIST_COUNTED};
    CREATE TEMP VIEW events AS
    SELECT customer_id, day, amount, amount >= 0 AS is_order FROM counted WHERE amount IS NOT NULL;
    CREATE TEMP VIEW persons AS SELECT DISTINCT customer_unique_id AS customer_id FROM c;
    CREATE TEMP VIEW recon AS SELECT
      (SELECT count(*) FROM o) AS rows_read,
      (SELECT count(*) FROM o WHERE lower(trim(order_status)) IN ('canceled', 'unavailable')) AS cancelled,
      (SELECT count(*) FROM o WHERE lower(trim(order_status)) = 'created') AS pending,
      (SELECT count(*) FROM counted WHERE amount IS NULL) AS no_payment,
      (SELECT count(*) FROM counted WHERE amount >= 0) AS order_rows;`;
}

export function olistPaymentsSql(orders: string, customers: string, payments: string): string {
  return olistSql(orders, customers, payments, `CAST(payment_value AS DECIMAL(18, 2))`);
}

export function olistItemsSql(orders: string, customers: string, items: string): string {
  return olistSql(orders, customers, items, `CAST(price AS DECIMAL(18, 2)) + CAST(freight_value AS DECIMAL(18, 2))`);
}

/** Per-customer table and summary from the events/persons views (the summary definitions). */
const SHARED = `
  CREATE TEMP TABLE cust AS
  WITH buyers AS (
    SELECT customer_id,
           min(day) FILTER (WHERE is_order) AS first_day,
           max(day) FILTER (WHERE is_order) AS last_day,
           count(*) FILTER (WHERE is_order) AS orders,
           count(DISTINCT day) FILTER (WHERE is_order) AS purchase_days,
           sum(amount) AS revenue            -- orders plus (negative) refunds
    FROM events
    GROUP BY customer_id
    HAVING count(*) FILTER (WHERE is_order) >= 1
  )
  SELECT * FROM buyers
  UNION ALL
  SELECT p.customer_id, NULL, NULL, 0, 0, 0
  FROM (SELECT DISTINCT customer_id FROM persons) p
  WHERE NOT EXISTS (SELECT 1 FROM buyers b WHERE b.customer_id = p.customer_id);

  CREATE TEMP VIEW gaps AS
  WITH d AS (
    SELECT DISTINCT e.customer_id, e.day FROM events e
    WHERE e.is_order AND EXISTS (SELECT 1 FROM cust c WHERE c.customer_id = e.customer_id AND c.orders > 0)
  )
  SELECT date_diff('day', lag(day) OVER (PARTITION BY customer_id ORDER BY day), day) AS gap FROM d;
`;

const SUMMARY_SQL = `
  WITH b AS (SELECT * FROM cust WHERE orders > 0)
  SELECT
    CAST((SELECT count(*) FROM b) AS INTEGER) AS customers,
    CAST((SELECT count(*) FROM cust WHERE orders = 0) AS INTEGER) AS prospects,
    CAST((SELECT coalesce(sum(orders), 0) FROM b) AS INTEGER) AS orders,
    strftime((SELECT min(first_day) FROM b), '%Y-%m-%d') AS first_order_date,
    strftime((SELECT max(last_day) FROM b), '%Y-%m-%d') AS last_order_date,
    CAST((SELECT coalesce(sum(revenue), 0) FROM b) AS DOUBLE) AS net_revenue,
    CAST((SELECT sum(revenue) FROM b) AS DOUBLE) / nullif((SELECT sum(orders) FROM b), 0) AS average_order_value,
    CAST((SELECT sum(orders) FROM b) AS DOUBLE) / nullif((SELECT count(*) FROM b), 0) AS orders_per_customer,
    CAST((SELECT count(*) FROM b WHERE purchase_days >= 2) AS DOUBLE) / nullif((SELECT count(*) FROM b), 0) AS repeat_customer_rate,
    CAST((SELECT quantile_cont(gap, 0.5) FROM gaps WHERE gap IS NOT NULL) AS DOUBLE) AS median_days_between_purchases
`;

const CUSTOMERS_SQL = `
  SELECT customer_id,
         strftime(first_day, '%Y-%m-%d') AS first_order_date,
         strftime(last_day, '%Y-%m-%d') AS last_order_date,
         CAST(orders AS INTEGER) AS orders,
         CAST(purchase_days AS INTEGER) AS purchase_days,
         CAST(revenue AS DOUBLE) AS revenue
  FROM cust
  ORDER BY customer_id
`;

function toNumberRecord(row: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(row)) out[k] = v === null ? 0 : Number(v);
  return out;
}

/** Runs one dataset's SQL (see the header) in a fresh in-memory DuckDB and returns the reference. */
export async function computeReference(datasetSql: string): Promise<Reference> {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    await con.run(datasetSql);
    await con.run(SHARED);
    const summary = (await con.runAndReadAll(SUMMARY_SQL)).getRowObjectsJS()[0] as unknown as RefSummary;
    const customers = (await con.runAndReadAll(CUSTOMERS_SQL)).getRowObjectsJS() as unknown as RefCustomer[];
    const recon = toNumberRecord((await con.runAndReadAll('SELECT * FROM recon')).getRowObjectsJS()[0] as Record<string, unknown>);
    return { summary, customers, recon };
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
