/**
 * The summary tables of domain/summaries.ts as SQL (issue 13 items 2 and 3): rfm_counts,
 * spend_counts and cohort_activity, each one statement over the shared steps of compile.ts
 * (compileParts: the same rules, the same `ledger`), so a warehouse writes the small files that
 * `clm cltv --summaries` and `clm cohorts --summaries` read. Definitions, as the analytics make
 * them from a CustomerTable:
 *
 * - the calibration end E is --as-of (orders after it are already excluded by the rules), or
 *   without it the latest purchase day in the ledger: clm's own default as-of;
 * - per customer, over the ledger's purchase days (orders > 0) on or before E
 *   (analytics/clv/summary.ts summarizeLedger): x = purchase days − 1, t_x = (last − first) /
 *   days per unit, T = (E − first) / days per unit; the repeat value is the net amount of the
 *   purchase days after the first;
 * - rfm_counts groups customers by (x, t_x, T) (compress.ts), with spend_sum = the repeat
 *   value summed over them (summary-tables.ts rfmCountsOf);
 * - spend_counts groups the customers Gamma-Gamma fits (gamma-gamma.ts ggEligible: x > 0 and
 *   z̄ > 0) by (x, z̄), z̄ = repeat value / x;
 * - cohort_activity (analytics/cohorts.ts, monthly): a customer's cohort is the month of the
 *   first purchase day; k = months since; every ledger entry counts in its month (a refund
 *   dated before the first purchase in the first purchase's month, as domain/ledger.ts books
 *   it); cells run from k = 0 to the month of E, empty ones included.
 *
 * Grouping is by whole numbers (day differences, mills), never by a double: BigQuery cannot
 * group by FLOAT64, and equal whole numbers are equal doubles after the same division.
 */
import type { Day } from '../../domain/dates.js';
import { compileParts, type CompileOptions } from './compile.js';
import type { Dialect } from './dialects.js';

export type SummarySqlUnit = 'week' | 'day';

export interface SummarySql {
  rfmCounts: string;
  spendCounts: string;
  cohortActivity: string;
}

/** The steps after `ledger` that every summary reads: E, and one row per customer with a purchase day. */
function customerSteps(d: Dialect, asOf: Day | undefined): string {
  const end = asOf === undefined ? 'SELECT max(day) AS end_day FROM purchase_days' : `SELECT ${asOf} AS end_day`;
  return `purchase_days AS (
  SELECT customer_id, day, amount_mills, min(day) OVER (PARTITION BY customer_id) AS first_purchase
  FROM ledger
  WHERE orders > 0
),
calibration AS (
  -- E: ${asOf === undefined ? 'the latest purchase day (the default as-of of clm)' : 'the --as-of date (later orders are excluded above)'}
  ${end}
),
clv_customers AS (
  SELECT customer_id, count(*) - 1 AS x, min(day) AS first_day, max(day) AS last_day,
    sum(CASE WHEN day > first_purchase THEN amount_mills ELSE 0 END) AS repeat_mills
  FROM purchase_days
  GROUP BY customer_id
)`;
}

/** `n` (a whole number) as a double in the time unit. */
function inUnit(d: Dialect, n: string, unit: SummarySqlUnit): string {
  return unit === 'week' ? `CAST(${n} AS ${d.double}) / 7` : `CAST(${n} AS ${d.double})`;
}

/** A DATE as YYYY-MM-DD text (every dialect casts a DATE to ISO text). */
function dateText(d: Dialect, day: string): string {
  return `CAST(${d.dateOfDay(day)} AS ${d.text})`;
}

/** year × 12 + month − 1 of a date's ISO text (domain/period.ts periodOfDay). */
function monthOfText(d: Dialect, t: string): string {
  return `CAST(substr(${t}, 1, 4) AS ${d.bigint}) * 12 + CAST(substr(${t}, 6, 2) AS ${d.bigint}) - 1`;
}

function cohortSteps(d: Dialect): string {
  const digits = Array.from({ length: 10 }, (_, i) => `SELECT ${i} AS n`).join(' UNION ALL ');
  return `cohort_customers AS (
  -- the cohort of a customer: the month of the first purchase day, as YYYY-MM and as year * 12 + month - 1
  SELECT customer_id, first_day, ${monthOfText(d, 'first_date')} AS cohort_month, substr(first_date, 1, 7) AS cohort
  FROM (SELECT customer_id, first_day, ${dateText(d, 'first_day')} AS first_date FROM clv_customers) f
),
cohort_sizes AS (
  SELECT cohort_month, cohort, count(*) AS cohort_size FROM cohort_customers GROUP BY cohort_month, cohort
),
cohort_entries AS (
  -- every ledger entry in its month; one dated before the first purchase counts in the month of
  -- the first purchase. Every customer of the ledger has a purchase day on or before E, so the
  -- first purchase comes from a window over the ledger, not a join (no plan to misjudge)
  SELECT customer_id, orders, amount_mills, ${monthOfText(d, 'first_date')} AS cohort_month, ${monthOfText(d, 'entry_date')} - (${monthOfText(d, 'first_date')}) AS k
  FROM (
    SELECT customer_id, orders, amount_mills, ${dateText(d, 'first_day')} AS first_date, ${dateText(d, 'greatest(day, first_day)')} AS entry_date
    FROM (SELECT customer_id, day, orders, amount_mills, min(CASE WHEN orders > 0 THEN day END) OVER (PARTITION BY customer_id) AS first_day FROM ledger) l
  ) e
),
cohort_cells AS (
  SELECT cohort_month, k, count(DISTINCT CASE WHEN orders > 0 THEN customer_id END) AS active, sum(orders) AS orders, sum(amount_mills) AS revenue_mills
  FROM cohort_entries
  GROUP BY cohort_month, k
),
digits AS (
  ${digits}
),
months AS (
  -- k = 0 .. 9999: every month a cohort can reach by the as-of date
  SELECT d1.n + 10 * d2.n + 100 * d3.n + 1000 * d4.n AS k
  FROM digits d1 CROSS JOIN digits d2 CROSS JOIN digits d3 CROSS JOIN digits d4
),
as_of_month AS (
  SELECT end_day, ${monthOfText(d, 'end_date')} AS month
  FROM (SELECT end_day, ${dateText(d, 'end_day')} AS end_date FROM calibration) e
)`;
}

/** The three summary statements over the shared steps of compile.ts (no apostrophe in their comments: a naive SQL splitter would take it for a string). */
export function compileSummaries(o: CompileOptions, unit: SummarySqlUnit): SummarySql {
  const d = o.dialect;
  const { steps } = compileParts(o);
  const head = `WITH ${steps},\n${customerSteps(d, o.asOf)}`;
  const q = (name: string): string => d.ident(name);
  const rfmCounts = `${head}
SELECT g.x AS ${q('x')}, ${inUnit(d, 'g.span_days', unit)} AS ${q('t_x')}, ${inUnit(d, 'g.age_days', unit)} AS ${q('T')},
  g.customers AS ${q('count')}, CAST(g.repeat_mills AS ${d.double}) / 1000 AS ${q('spend_sum')}, ${d.lit(unit)} AS ${q('unit')}
FROM (
  SELECT c.x, c.last_day - c.first_day AS span_days, e.end_day - c.first_day AS age_days, count(*) AS customers, sum(c.repeat_mills) AS repeat_mills
  FROM clv_customers c CROSS JOIN calibration e
  GROUP BY c.x, c.last_day - c.first_day, e.end_day - c.first_day
) g
ORDER BY g.x, g.span_days, g.age_days`;
  const spendCounts = `${head}
SELECT g.x AS ${q('x')}, CAST(g.repeat_mills AS ${d.double}) / 1000 / g.x AS ${q('zbar')}, g.customers AS ${q('count')}
FROM (
  SELECT x, repeat_mills, count(*) AS customers
  FROM clv_customers
  WHERE x > 0 AND repeat_mills > 0
  GROUP BY x, repeat_mills
) g
ORDER BY g.x, g.repeat_mills`;
  const cohortActivity = `${head},
${cohortSteps(d)}
SELECT s.cohort AS ${q('cohort')}, m.k AS ${q('period')}, s.cohort_size AS ${q('cohort_size')},
  coalesce(c.active, 0) AS ${q('active')}, coalesce(c.orders, 0) AS ${q('orders')}, coalesce(c.revenue_mills, 0) AS ${q('revenue_mills')},
  ${dateText(d, 'a.end_day')} AS ${q('as_of')}
FROM cohort_sizes s
CROSS JOIN as_of_month a
JOIN months m ON m.k <= a.month - s.cohort_month
LEFT JOIN cohort_cells c ON c.cohort_month = s.cohort_month AND c.k = m.k
ORDER BY s.cohort_month, m.k`;
  return { rfmCounts, spendCounts, cohortActivity };
}
