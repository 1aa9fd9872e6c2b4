#!/usr/bin/env node
// The DuckDB reference of the benchmark: the work behind `clm summary`, written as a DuckDB
// user writes it (issue 12, item 6). One scan of the file with typed columns; the counted
// orders (status paid) and the refunds (negative amounts, which clm subtracts from revenue);
// order ids de-duplicated with GROUP BY order_id; one row per customer; the summary over
// those rows. Every per-customer aggregate reaches the final SELECT, so DuckDB cannot prune
// one, and the bench compares each output with clm's.
//
// Usage: node bench/duckdb-honest.js ORDERS.csv [THREADS]   prints one JSON object
// THREADS defaults to the machine's (os.availableParallelism()).
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/** A SQL string literal. */
function lit(text) {
  return `'${String(text).replace(/'/g, "''")}'`;
}

/**
 * The query for a generated orders.csv (src/gen/generate.ts: order_id, customer_id,
 * order_date, amount, currency, status, channel). What it counts is what clm counts there:
 * status paid (cancelled and pending are excluded), zero amounts included; a row with a
 * negative amount is a refund and only reduces its customer's revenue; a customer is one with
 * a counted order; days are UTC calendar days.
 */
export function honestSql(file) {
  return `
with o as (
  select order_id, customer_id, order_date, amount
  from read_csv(${lit(file)}, header = true,
       types = {'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'order_date': 'TIMESTAMP', 'amount': 'DECIMAL(18,2)'})
  where status = 'paid' or amount < 0
),
u as (
  select order_id, any_value(customer_id) customer_id, any_value(order_date) order_date, any_value(amount) amount
  from o group by order_id
),
c as (
  select customer_id,
         min(order_date) filter (where amount >= 0) f,
         max(order_date) filter (where amount >= 0) l,
         count(*) filter (where amount >= 0) n,
         count(distinct order_date::date) filter (where amount >= 0) d,
         sum(amount) rev
  from u group by customer_id
)
select count(*) filter (where n > 0) customers,
       sum(n) orders,
       sum(rev) filter (where n > 0) revenue,
       strftime(min(f), '%Y-%m-%d') first_order_date,
       strftime(max(l), '%Y-%m-%d') last_order_date,
       count(*) filter (where d >= 2) / count(*) filter (where n > 0) repeat_customer_rate
from c`;
}

/** Loads @duckdb/node-api, a devDependency, with a message that says what to do if it is absent. */
export async function loadDuckDB() {
  try {
    return await import('@duckdb/node-api');
  } catch (err) {
    throw new Error(
      `the DuckDB reference needs @duckdb/node-api (a devDependency of clm): run \`npm install\` in the repository (${err.message})`,
    );
  }
}

/** Runs the query on `threads` threads: {customers, orders, revenue, first_order_date, last_order_date, repeat_customer_rate, threads}. */
export async function runHonest(file, threads = os.availableParallelism()) {
  const { DuckDBInstance } = await loadDuckDB();
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection = await instance.connect();
  try {
    const [row] = (await connection.runAndReadAll(honestSql(file))).getRowObjectsJson();
    const num = (v) => (v === null || v === undefined ? null : Number(v));
    return {
      customers: num(row.customers),
      orders: num(row.orders),
      revenue: num(row.revenue),
      first_order_date: row.first_order_date,
      last_order_date: row.last_order_date,
      repeat_customer_rate: num(row.repeat_customer_rate),
      threads,
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * What must agree between `clm summary --format json` (its meta.summary) and runHonest's
 * result: [name, clm value, DuckDB value, equal?]. Counts and days exactly, revenue to the
 * cent, the repeat rate to clm's printed precision.
 */
export function compareWithClm(clmSummary, duck) {
  const same = (a, b, tolerance) => typeof a === typeof b && (a === b || (typeof a === 'number' && Math.abs(a - b) <= tolerance));
  return [
    ['customers', clmSummary.customers, duck.customers, 0],
    ['orders', clmSummary.orders, duck.orders, 0],
    ['net revenue', clmSummary.net_revenue, duck.revenue, 0.005],
    ['first order date', clmSummary.first_order_date, duck.first_order_date, 0],
    ['last order date', clmSummary.last_order_date, duck.last_order_date, 0],
    ['repeat customer rate', clmSummary.repeat_customer_rate, duck.repeat_customer_rate, 1e-9],
  ].map(([name, a, b, tolerance]) => ({ name, clm: a, duckdb: b, equal: same(a, b, tolerance) }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, threadsText] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/duckdb-honest.js ORDERS.csv [THREADS]\n');
    process.exit(2);
  }
  try {
    const result = await runHonest(file, threadsText ? Number(threadsText) : undefined);
    process.stdout.write(JSON.stringify(result) + '\n');
  } catch (err) {
    process.stderr.write(`duckdb-honest: ${err.message}\n`);
    process.exit(1);
  }
}
