#!/usr/bin/env node
// DuckDB reference for the benchmark: the per-customer aggregation behind `clm summary`,
// then the summary over it, printed as one JSON object.
// Usage: node bench/duckdb-agg.js path/to/orders.csv
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node bench/duckdb-agg.js ORDERS.csv\n');
  process.exit(2);
}

const source = `read_csv('${file.replace(/'/g, "''")}', header = true, all_varchar = true)`;
const amount = 'CAST(amount AS DECIMAL(18, 2))';
// Orders: paid rows with a non-negative amount, aggregated per customer, then summarized.
// Refunds (negative amounts, status refunded) only reduce revenue; a second scan sums them,
// which is cheaper than one query that filters every aggregate.
const ordersSql = `
WITH per_customer AS (
  SELECT
    customer_id,
    min(order_date) AS first_order,
    max(order_date) AS last_order,
    count(DISTINCT order_id) AS orders,
    count(DISTINCT substr(order_date, 1, 10)) AS order_days,
    sum(${amount}) AS gross
  FROM ${source}
  WHERE status = 'paid' AND ${amount} >= 0
  GROUP BY customer_id
)
SELECT
  count(*) AS customers,
  sum(orders) AS orders,
  sum(gross) AS gross_revenue,
  count(*) FILTER (WHERE orders >= 2) / count(*) AS repeat_rate,
  count(*) FILTER (WHERE order_days >= 2) / count(*) AS repeat_rate_days,
  min(first_order) AS first_order,
  max(last_order) AS last_order
FROM per_customer
`;
const refundsSql = `SELECT coalesce(sum(${amount}), 0) AS refunds FROM ${source} WHERE ${amount} < 0`;

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const [totals] = (await connection.runAndReadAll(ordersSql)).getRowObjectsJson();
const [{ refunds }] = (await connection.runAndReadAll(refundsSql)).getRowObjectsJson();
const toNumber = (v) => (v === null || v === undefined ? 0 : Number(v));
const round6 = (x) => Math.round(x * 1e6) / 1e6;
const revenue = Math.round((toNumber(totals.gross_revenue) + toNumber(refunds)) * 100) / 100;
const result = {
  customers: toNumber(totals.customers),
  orders: toNumber(totals.orders),
  gross_revenue: toNumber(totals.gross_revenue),
  refunds: toNumber(refunds),
  revenue,
  aov: totals.orders ? round6(revenue / toNumber(totals.orders)) : null,
  repeat_rate: totals.customers ? round6(toNumber(totals.repeat_rate)) : null,
  repeat_rate_days: totals.customers ? round6(toNumber(totals.repeat_rate_days)) : null,
  first_order: totals.first_order,
  last_order: totals.last_order,
};
process.stdout.write(JSON.stringify(result) + '\n');
connection.closeSync();
instance.closeSync();
