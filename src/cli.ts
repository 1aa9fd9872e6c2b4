import { Command, Option } from 'commander';
import type { CliIO } from './io/cli-io.js';
import { NO_PRESET, PRESETS } from './io/mapping.js';

export type CommandName = 'summary' | 'customers' | 'stages' | 'segments' | 'report' | 'diff' | 'init' | 'cltv' | 'backtest' | 'forecast' | 'playbook' | 'cohorts' | 'kpis' | 'retention' | 'doctor' | 'pivot' | 'sql';

/** What the parsed command line asks for; main() runs it. */
export interface Invocation {
  command: CommandName;
  flags: Record<string, unknown>;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const INPUT_HELP = `
Input:
  Orders can be one row per order or one row per line item (lines of an order are summed).
  Delimiters (, tab ; |) are detected from the header; a UTF-8 BOM is ignored; .gz is read
  directly; - reads stdin. Headers are matched to fields by name (Customer ID, CustomerID,
  Email, Created at, InvoiceDate, Total, Amount, payment_value, ...); the summary prints the
  mapping used. Presets: ${Object.keys(PRESETS).join(', ')}. An export whose header lines are
  recognised as one of these is read with its preset, and stderr says so; --preset none
  turns that off, --preset NAME chooses, --map overrides single fields.
  Counted: paid/completed/delivered/shipped orders. Excluded (and counted by reason):
  cancelled, failed, pending, test and fully refunded orders, duplicates, orders after --as-of.
  Negative amounts (and UCI C-invoices) are refunds. Unparseable rows are rejected and counted.

Exit codes: 0 ok, 2 usage error, 3 data error (or --strict rejection), 70 internal error.`;

function addInputOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'config file (default: clm.config.json in the working directory, when present); flags win over it')
    .option('--orders <file>', 'orders export (CSV/TSV/;/| delimited, .gz, or - for stdin); with --db, the orders table (TABLE or SCHEMA.TABLE)')
    .option('--summaries <dir>', 'read the summary tables in DIR (written by the SQL of clm sql --summaries) instead of the orders: clm cltv reads rfm_counts.csv and spend_counts.csv, clm cohorts cohort_activity.csv; the other commands need per-customer rows and say so')
    .option('--customers <file>', 'customers export: attributes, prospects, and the person key for Olist')
    .option('--payments <file>', 'amounts per order id, summed (Olist payments or order items)')
    .option('--reviews <file>', 'order-level reviews (order id, score out of 5, date; Olist style): a latest score >= 4 is an advocacy signal')
    .addOption(new Option('--preset <name>', 'column mapping of a known export').choices([...Object.keys(PRESETS), NO_PRESET]))
    .option('--map <field=Column>', 'map one field to a column, e.g. --map customer_id="Client No" (customers.FIELD=… for the customers file; repeatable)', collect, [])
    .option('--delimiter <char>', 'field delimiter instead of detection: , ; | tab whitespace')
    .option('--encoding <name>', 'text encoding of the inputs: utf8 (default; text that is not UTF-8 is warned about, or read as cp1252 when its bytes are letters there), latin1, cp1252, utf16le')
    .option('--date-format <order>', 'day/month order of text dates: DD/MM/YYYY or MM/DD/YYYY (needed when the data cannot tell)')
    .option('--decimal-comma', 'amounts use a decimal comma: 1.234,50')
    .option('--timezone <iana>', 'calendar days in this time zone instead of UTC (e.g. Europe/Berlin)')
    .option('--currency <code>', 'keep only orders in this currency (needed when the orders mix currencies)')
    .option('--as-of <date>', 'analyse as of YYYY-MM-DD or today (default: the latest order date in the data)')
    .option('--grain <grain>', 'order: one row per order (a repeated order id keeps its first row); line: every row is a line item, and the rows with one order id, wherever they are, add up to that order (default from the preset, or line when there is a quantity but no amount)')
    .option('--count-status <values>', 'count orders with these statuses (comma separated; repeatable)', collect, [])
    .option('--exclude-status <values>', 'exclude orders with these statuses (comma separated; repeatable)', collect, [])
    .option('--rejects <file>', 'write every rejected row, with line and reason, to this CSV file')
    .option('--strict', 'stop with exit 3 at the first row that cannot be parsed')
    .option('--threads <n>', 'threads for reading the orders: 1 or 2, which reads a large plain CSV about 1.8x faster and holds 20-50 MB more memory (env CLM_THREADS; default: 2 for a plain file of 128 MB or more on a machine with two cores, else 1)')
    .addOption(new Option('--engine <engine>', 'what reads the orders: auto (default: the streaming reader, on two threads for a plain file of 128 MB or more; DuckDB for Parquet), streaming, or duckdb (embedded DuckDB on a local CSV, .csv.gz or Parquet file, holding at most CLM_DUCKDB_MEMORY, default 2GB; refuses options and values it cannot read exactly)').choices(['auto', 'streaming', 'duckdb']))
    .option('--db <url>', 'read the orders from this Postgres database (postgres://user:password@host:port/db; env CLM_DB): --orders names the table (--customers and --payments theirs); runs the SQL there read-only; the password is never printed')
    .option('--db-timeout <seconds>', 'with --db, the longest each statement may run in the database before it is cancelled (default 300)');
}

const LIFECYCLE_HELP = `
Stages (spec §3), first match wins: prospect (listed, no order), churned (no order for more
than churn_days), at_risk (more than active_days), reactivated (the gap before the last
purchase was more than churn_days), new (one purchase day), advocate (loyal with a signal:
referrals > 0, review_score >= 4, nps >= 9, an advocate flag, or a latest --reviews score >= 4),
loyal (at least loyal_min_orders purchase days), active (otherwise).
Thresholds come from the data unless set: active_days = 80th percentile of the gaps between
purchase days of repeat customers, clamped to [30, 365]; churn_days = 2 x active_days (at most
730); loyal_min_orders = max(3, 80th percentile of purchase days of repeat customers).
RFM (spec §4.1): R = days since last order, F = purchase days, M = average (or total) net order
value; scores 1-5 by quintiles with ties kept together (F falls back to 1/2/3/4-5/6+).`;

function addLifecycleOptions(cmd: Command): Command {
  return cmd
    .option('--active-days <n>', 'days without an order after which a customer is at risk (default: from the data)')
    .option('--churn-days <n>', 'days without an order after which a customer has churned (default: 2 x active days, at most 730)')
    .option('--loyal-min-orders <n>', 'purchase days from which a customer is loyal (default: from the data, at least 3)')
    .addOption(new Option('--monetary <kind>', 'RFM M: mean (average net order value) or total (net revenue)').choices(['mean', 'total']))
    .option('--explain', 'print how the thresholds and score cut points were set');
}

const CLV_HELP = `
Models (spec §6): BG/NBD (Fader, Hardie & Lee 2005) or Pareto/NBD for the number of future
purchases, Gamma-Gamma for their value, fitted by maximum likelihood on x = repeat purchase
days, t_x = time of the last purchase since the first, T = time since the first purchase.
--model mbgnbd is MBG/NBD (Batislam, Denizel & Filiztekin 2007; lifetimes'
ModifiedBetaGeoFitter): BG/NBD where a customer can also drop out right after the first
purchase, so p_alive < 1 for customers without repeat purchases too.
--model auto (the default) fits all three on the orders before the default holdout (as clm
backtest), keeps the one whose total predicted holdout purchases come closest to the actual,
and refits it on all orders; with too short a history or too few holdout purchases, the lowest
AIC. Unusable or unconverged fits lose. meta.clv.model_choice gives each candidate's numbers.
BG/NBD gives p_alive = 1 to every customer without a repeat purchase; clm says so when it shows it.
Per customer: p_alive, churn_risk = 1 - p_alive, expected_purchases over --horizon,
expected_avg_value and clv = margin x expected value x purchases, discounted monthly at the
annual --discount.`;

const NEXT_ORDER_HELP = `
Next order (with --model bgnbd, pnbd or mbgnbd): g = the customer's median time to the next purchase
if still active, from the model's purchase rate given their history (Lomax: (alpha+T)(2^(1/(r+x)) - 1)).
  expected_next_order_date  as-of date + g: by then half the still-active customers like this one have ordered
  days_overdue              days since the last order - g, when positive (0 otherwise): how late by their own gap
  overdue_ratio             days since the last order / g: above 1 exactly when days_overdue > 0
Customers without a repeat purchase get the population's rate: a date far ahead and never overdue
(no rhythm of their own yet).`;

const FORECAST_HELP = `
Periods: calendar weeks, months or quarters after the as-of date. The first starts the day after
it and ends with its calendar period, so it is partial (fewer days) when the as-of date is
mid-period; in a backtest the last is cut at the as-of date. Customers who had not bought by the
fit date are not forecast (acquisition is not modelled).
Columns (per period; the by_* tables add the group and its customers):
  period, from, to, days       the calendar label and the days it covers (days < a full period: partial)
  expected_purchases           sum over customers of E[X(end)] - E[X(start)], the model's conditional expectation
  expected_active_customers    sum over customers of P(at least one purchase in the period | their history)
  expected_revenue             expected_purchases x each customer's expected spend per purchase (Gamma-Gamma), undiscounted
  cumulative_purchases         expected_purchases summed from the first period (the last = E[X] over all periods)
  cumulative_revenue           expected_revenue summed from the first period
  expected_purchases_low, expected_purchases_high  the interval (--interval, default 90%) of expected_purchases
                               (parameter uncertainty only, as clm cltv --help says under Intervals)
  expected_revenue_low, expected_revenue_high  the interval of expected_revenue
Backtest only (--holdout or --calibration-end), counted from the orders after the fit date:
  actual_purchases             repeat purchase days in the period (same-day orders are one purchase)
  actual_cumulative_purchases  actual_purchases summed from the first period
  actual_active_customers      customers with a purchase day in the period
  actual_revenue               net amount of those purchase days
Tables: forecast (all customers), forecast_by_stage, forecast_by_segment (not in a backtest),
forecast_by_cohort, model (--table picks one for CSV). In a backtest stages are those at the
calibration end.`;
const INTERVAL_HELP = `
Intervals (--interval, default 0.9; with --model bgnbd, pnbd or mbgnbd): confidence intervals of the
expected figures from the fit's parameter uncertainty (200 seeded draws from the estimates'
asymptotic normal on the log scale); they do not include the chance scatter of the purchases
that will actually happen, so a realised count can fall outside them.
  low, high                  model table: the parameter's interval (estimate x exp(+-z se/estimate))
  expected_purchases_low     value tables: lower end of the interval of the group's expected_purchases
  expected_purchases_high    value tables: upper end of that interval
  total_clv_low              value tables: lower end of the interval of the group's total_clv
  total_clv_high             value tables: upper end of that interval`;

const INTERVAL_OPTION_HELP = 'level of the intervals on the parameters and on expected purchases and CLV per stage, segment, cohort and in total: 0.9 (default), 0 = none';

function addClvOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--model <model>', 'auto (default: BG/NBD, MBG/NBD or Pareto/NBD, whichever predicts a holdout best), bgnbd, pnbd, mbgnbd, historical or formula').choices(['auto', 'bgnbd', 'pnbd', 'mbgnbd', 'historical', 'formula']))
    .addOption(new Option('--time-unit <unit>', 'time unit of the model: week (default) or day').choices(['week', 'day']))
    .option('--horizon <duration>', 'prediction horizon: 12m (default), 52w, 365d, 2y')
    .option('--discount <rate>', 'annual discount rate for CLV (default 0.1)')
    .option('--margin <share>', 'gross margin applied to value, 0-1 (default 1)')
    .option('--penalizer <l2>', 'L2 penalty on the model parameters (default 0), for small or odd data');
}

function addOutputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'auto (table on a terminal, CSV in a pipe), table, csv, tsv, json ({meta, rows}), ndjson, md, arrow (Arrow IPC: a file with --output x.arrow, a stream in a pipe)').default('auto'))
    .option('--table <name>', 'the table CSV, TSV and NDJSON write when a command has several (default: the first)')
    .option('-o, --output <file>', 'write to this file (written whole, then renamed into place)')
    .option('--no-color', 'no colours (also when NO_COLOR is set or stdout is not a terminal)')
    .option('-q, --quiet', 'no spinner or progress; warnings still go to stderr');
}

/** A description's lines joined into one paragraph, except the line that says what a command costs. */
export function reflow(text: string): string {
  return text.replace(/\n(?!Cost:)/g, ' ').replace(/ {2,}/g, ' ');
}

/** Every command and option, in one place. */
export function buildProgram(io: CliIO, onInvoke: (inv: Invocation) => void): Command {
  const program = new Command();
  program
    .name('clm')
    .description('Customer lifecycle analytics from CRM and shop exports: per-customer state, stages, RFM, cohorts, CLV.')
    .version('0.1.0', '-V, --version')
    .showHelpAfterError('(run clm --help or clm <command> --help for usage)')
    // commander wraps descriptions to the terminal itself: a line break written in the
    // source would break a sentence mid-line, so only a "Cost:" line starts a new line
    .configureHelp({ commandDescription: (cmd) => reflow(cmd.description()) })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .addHelpText('after', `
Examples:
  clm summary --orders fixtures/demo/orders.csv --customers fixtures/demo/customers.csv
  clm customers --orders orders_export.csv --preset shopify --format csv > customers.csv
  clm cohorts --orders fixtures/demo/orders.csv --period quarter --metric revenue
  zcat online_retail.csv.gz | clm summary --orders - --preset online-retail`);

  const summary = program
    .command('summary')
    .summary('headline figures, the column mapping and the reconciliation of every row')
    .description('Headline figures of the shop, the column mapping used and a reconciliation of every input row.\nCost: one pass over the orders; holds one record per customer (plus one entry per customer-day) in memory.');
  addOutputOptions(addInputOptions(summary))
    .addHelpText('after', `${INPUT_HELP}

Examples:
  clm summary --orders orders.csv
  clm summary --orders orders_export_1.csv --customers customers_export.csv --preset shopify
  clm summary --orders CDNOW_master.txt --preset cdnow --as-of 1998-06-30
  clm summary --orders olist_orders_dataset.csv --customers olist_customers_dataset.csv \\
      --payments olist_order_payments_dataset.csv --preset olist
  clm summary --orders data.csv --map customer_id="Client No" --date-format DD/MM/YYYY --rejects rejects.csv
  clm summary --orders orders.csv --format json | jq .meta.reconciliation`)
    .action((opts) => onInvoke({ command: 'summary', flags: opts }));

  const customers = program
    .command('customers')
    .summary('one enriched row per customer: orders, revenue, stage, RFM, cohort (and CLV with --model)')
    .description('One row per customer: customer_id, first_order_date, last_order_date, orders, purchase_days, revenue,\nstage, recency_days, r_score, f_score, m_score, rfm_segment (and segment when the config defines\ncustom segments), cohort (the period of the first order, --period), with --model p_alive,\nchurn_risk, expected_purchases, expected_avg_value, clv and the next order\n(expected_next_order_date, days_overdue, overdue_ratio), then the attributes of the customers file. Sorted by customer_id; --where keeps the customers a rule selects.\nCost: one pass over the orders; holds one record per customer in memory (plus a model fit with --model).');
  addOutputOptions(addClvOptions(addLifecycleOptions(addInputOptions(customers))))
    .option('--where <rule>', 'only customers for whom this rule holds, e.g. \'stage == "at_risk" and clv > 200\' (fields as for custom segments, plus segment, cohort and the model columns)')
    .addOption(new Option('--period <unit>', 'period of the cohort column: month (2024-01), week (ISO, Monday start: 2024-W03) or quarter (2024-Q1)').choices(['month', 'week', 'quarter']).default('month'))
    .addHelpText('after', `${NEXT_ORDER_HELP}
${INPUT_HELP}

Examples:
  clm customers --orders orders.csv --customers customers.csv > customers_enriched.csv
  clm customers --orders orders.csv --format tsv | pbcopy
  clm customers --orders Online_Retail.csv --preset online-retail --output customers.csv
  clm customers --orders orders.csv --format ndjson | head -3
  clm customers --orders orders.csv --model bgnbd --where 'stage == "at_risk" and clv > 200' > win_back.csv
  clm customers --orders orders.csv --period quarter --format csv > customers_with_cohort.csv`)
    .action((opts) => onInvoke({ command: 'customers', flags: opts }));

  const pivot = program
    .command('pivot')
    .summary('a measure of the customer table by rows x columns: revenue and CLV by country x stage')
    .description('Pivot table over the rows of clm customers (the same columns, --where, --model):\none row per --rows value, and per --cols value one column per --measure;\nwithout --cols, a GROUP BY.\nCost: one pass over the orders; holds one record per customer, plus one 8-byte\nnumber (or a text reference) per customer for each column named in --rows,\n--cols and --measure: memory grows with customers, not with orders. A model\ncolumn (clv, p_alive, ...) adds a model fit.');
  addOutputOptions(addClvOptions(addLifecycleOptions(addInputOptions(pivot))))
    .option('--rows <columns>', 'customer columns whose values make the rows, comma separated, e.g. country or stage,channel (required)')
    .option('--cols <columns>', 'customer columns whose values make the columns, comma separated (optional: without, one row per --rows value; at most 1,000 output columns)')
    .option('--measure <list>', 'comma separated: customers (count) or COLUMN:AGG with AGG sum, mean, median, min, max, count (non-empty values) or share (of the column\'s sum over all selected customers); default customers')
    .option('--where <rule>', 'only customers for whom this rule holds, as in clm customers, e.g. \'stage != "prospect"\'')
    .option('--totals', 'add a Total row and, with --cols, total_* columns (means and medians over all customers of the row or column, not of the cells)')
    .option('--shares', 'add NAME_share after each count and sum: the cell\'s share of its row\'s total with --cols (the total column and row: of the grand total); without --cols, of the grand total')
    .addOption(new Option('--period <unit>', 'period of the cohort column: month, week or quarter').choices(['month', 'week', 'quarter']).default('month'))
    .addHelpText('after', `
Columns: every column of clm customers (customer_id, orders, revenue, stage, recency_days,
r_score, f_score, m_score, rfm_segment, segment, cohort, the attributes such as country or channel;
p_alive, churn_risk, expected_purchases, expected_avg_value, clv with a model: naming one fits
the default model when --model is not given). Output columns: the --rows columns, then per
--cols value VALUE_MEASURE (just VALUE with one measure), MEASURE being customers or
COLUMN_AGG (revenue_sum); an empty value is (blank). Stages and RFM segments come in lifecycle
order, other values ascending. Empty cells: 0 for customers and count, empty otherwise.
${INPUT_HELP}

Examples:
  clm pivot --orders orders.csv --customers customers.csv --rows country --cols stage
  clm pivot --orders orders.csv --rows stage --measure customers,revenue:sum,revenue:median --totals --shares
  clm pivot --orders orders.csv --customers customers.csv --rows channel --cols cohort \\
      --measure clv:mean,p_alive:median --model bgnbd --where 'orders > 1' --format csv > clv.csv`)
    .action((opts) => onInvoke({ command: 'pivot', flags: opts }));

  const stages = program
    .command('stages')
    .summary('lifecycle stage distribution, and transitions since --from')
    .description('Lifecycle stage distribution: customers, share, revenue and averages per stage; with --from, the\ntransition matrix from the stages at that date to the stages now.\nCost: one pass over the orders; holds one record per customer (plus one entry per customer-day).');
  addOutputOptions(addLifecycleOptions(addInputOptions(stages)))
    .option('--from <date>', 'add the transitions from the stages at this date (YYYY-MM-DD) to the stages at the as-of date')
    .option('--per-customer', 'one row per customer (customer_id, stage, recency_days, ...) as the first table')
    .addHelpText('after', `${LIFECYCLE_HELP}
Tables: stages, and with --from transitions and transition_shares (pick one for CSV with
--table); --per-customer puts customer_stages first. Transitions use the as-of thresholds at
both dates; customers not known at --from are the row not_yet_customer.
${INPUT_HELP}

Examples:
  clm stages --orders orders.csv --customers customers.csv
  clm stages --orders orders.csv --from 2024-06-30 --explain
  clm stages --orders orders.csv --from 2024-06-30 --format csv --table transitions
  clm stages --orders orders.csv --active-days 60 --churn-days 180 --per-customer --format csv > stages.csv
  clm stages --orders olist_orders_dataset.csv --customers olist_customers_dataset.csv \\
      --payments olist_order_payments_dataset.csv --reviews olist_order_reviews_dataset.csv --preset olist`)
    .action((opts) => onInvoke({ command: 'stages', flags: opts }));

  const segments = program
    .command('segments')
    .summary('RFM (or custom) segment profile and the R x F grid')
    .description('Segment profile: customers, share, revenue share, mean R, F, M and historical value per segment,\nand the 5 x 5 R x F grid. --scheme custom profiles the segments defined in the config.\nCost: one pass over the orders, then a sort per RFM metric over customers.');
  addOutputOptions(addLifecycleOptions(addInputOptions(segments)))
    .addOption(new Option('--scheme <scheme>', 'rfm: the 11 named R x F segments; custom: the rules of segments in the config').choices(['rfm', 'custom']).default('rfm'))
    .addHelpText('after', `${LIFECYCLE_HELP}
Named segments (R x F): Champions 5/4-5, Loyal Customers 3-4/4-5, Potential Loyalists 4-5/2-3,
New Customers 5/1, Promising 4/1, Need Attention 3/3, About To Sleep 3/1-2, At Risk 1-2/3-4,
Can't Lose Them 1-2/5, Hibernating 1-2/1-2 (not 1/1), Lost 1/1.
Custom segments, in clm.config.json (first matching rule wins; fields: stage, orders,
purchase_days, revenue, average_order_value, recency_days, tenure_days, first_order_date,
last_order_date, r_score, f_score, m_score, rfm_segment and every customer attribute):
  "segments": {"rules": [{"name": "vip", "rule": "revenue > 1000 and stage in [\"loyal\", \"advocate\"]"}],
               "default": "other"}
${INPUT_HELP}

Examples:
  clm segments --orders orders.csv --explain
  clm segments --orders orders.csv --monetary total --format json | jq .meta.rfm
  clm segments --orders orders.csv --customers customers.csv --scheme custom --config clm.config.json
  clm segments --orders orders.csv --format csv --table rfm_grid`)
    .action((opts) => onInvoke({ command: 'segments', flags: opts }));

  const cohorts = program
    .command('cohorts')
    .summary('acquisition-cohort triangles: retention, orders, revenue, cumulative value')
    .description('Acquisition cohorts: customers grouped by the period of their first counted\norder and followed period by period (k = 0, 1, 2, ...): active customers and\nretention, orders, net revenue, or cumulative value per customer. A heatmap\ntriangle on a terminal; CSV (wide or long) in a pipe.\nCost: one pass over the orders, then one pass over the per-customer day ledger;\nholds one record per customer (plus one entry per customer-day).');
  addOutputOptions(addInputOptions(cohorts))
    .addOption(new Option('--period <unit>', 'cohort period: month (2024-01), week (ISO, Monday start: 2024-W03) or quarter (2024-Q1)').choices(['month', 'week', 'quarter']).default('month'))
    .addOption(new Option('--metric <metric>', 'customers: active customers and retention (share of the cohort size); orders: counted orders; revenue: net revenue, revenue retention and net revenue retention; ltv: cumulative net revenue per cohort customer').choices(['customers', 'orders', 'revenue', 'ltv']).default('customers'))
    .addOption(new Option('--layout <layout>', 'wide: one row per cohort, a column per k (k0, k1, ...); long: one row per cohort and k, for pivot tables').choices(['wide', 'long']).default('wide'))
    .option('--by <field>', 'split the cohorts by a customer attribute (channel, country, or any column of the customers file)')
    .option('--from <period>', 'show cohorts from this period on: 2024-01, 2024-W03, 2024-Q1 or a date')
    .option('--to <period>', 'show cohorts up to this period (inclusive): 2024-06, 2024-W26, 2024-Q2 or a date')
    .option('--min-size <n>', 'hide cohorts with fewer customers (still counted in meta)')
    .option('--mark-incomplete', 'long layout in CSV/TSV/JSON: add a column incomplete (true for cells of the period holding the as-of date, when it is not over)')
    .addHelpText('after', `
Definitions: the cohort is the period of a customer's first counted order; k is the number of
whole periods since. Active in k = at least one counted order in period k (refunds never make a
customer active). Revenue in k = orders minus refunds dated in period k. Revenue retention =
revenue in k / revenue in period 0 of the cohort; net revenue retention (average table) = the
cohorts' summed revenue in k / their summed revenue in period 0. ltv = cumulative revenue over
periods 0..k per cohort customer. Cells after the as-of date are empty, never zero; the period
holding the as-of date is marked * when it is not over (the as-of date is not its last day).
Tables: cohorts (the triangle; --layout wide or long, with exactly these columns in long:
customers cohort,k,cohort_size,active,retention; orders cohort,k,cohort_size,orders;
revenue cohort,k,cohort_size,revenue,revenue_retention; ltv cohort,k,cohort_size,ltv; --by adds
the field as the first column) and average (per k, over the cohorts whose period k is complete:
size-weighted retention and ltv, orders per customer, revenue and net revenue retention; pick it
for CSV with --table average). Retention is a fraction in CSV/JSON (0.3661..., not 36.6%), a percent on screen.
Summaries (--summaries DIR): the same tables from cohort_activity.csv (cohort,period,cohort_size,
active[,orders,revenue_mills,as_of]: what clm sql --summaries writes, monthly), without the
orders; --by, --as-of and --customers need the orders.
${INPUT_HELP}

Examples:
  clm cohorts --orders orders.csv
  clm cohorts --orders orders.csv --period week --from 2024-W01 --metric revenue
  clm cohorts --orders orders.csv --customers customers.csv --by channel --min-size 20
  clm cohorts --orders orders.csv --metric ltv --period quarter --format csv > ltv_by_quarter.csv
  clm cohorts --orders orders.csv --layout long --format csv > cohorts_long.csv
  clm cohorts --orders CDNOW_master.txt --preset cdnow --format csv --table average
  clm cohorts --summaries warehouse_out/ --metric revenue`)
    .action((opts) => onInvoke({ command: 'cohorts', flags: opts }));

  const cltv = program
    .command('cltv')
    .summary('customer lifetime value: BG/NBD, MBG/NBD or Pareto/NBD (auto) with Gamma-Gamma, by stage, segment, cohort, with intervals')
    .description('Customer lifetime value: fits the purchase model (by default the best of BG/NBD, MBG/NBD, Pareto/NBD on a holdout) and Gamma-Gamma\nfor spend on every customer\'s (x, t_x, T) at the as-of date, then prints the parameters with\nstandard errors, predicted value by stage, RFM segment and cohort, and the top customers.\n--model historical (net revenue to date) and formula (AOV x purchase rate x lifetime) need no fit.\nCost: one pass over the orders; the fit runs over distinct (x, t_x, T) rows, so 1M customers take seconds.');
  addOutputOptions(addClvOptions(addLifecycleOptions(addInputOptions(cltv))))
    .option('--summary <file>', 'fit a summary computed elsewhere: customer_id, frequency, recency, T[, monetary_value] in --time-unit')
    .option('--top <n>', 'how many top customers to list (default 20)')
    .option('--fail-if <expr>', 'exit 1 after printing when this holds, e.g. "not converged" or "unsafe" (repeatable)', collect, [])
    .option('--interval <level>', INTERVAL_OPTION_HELP)
    .addHelpText('after', `${CLV_HELP}
${INTERVAL_HELP}
Summaries (--summaries DIR): fits the model on rfm_counts.csv (x,t_x,T,count[,spend_sum,unit]) and
Gamma-Gamma on spend_counts.csv (x,zbar,count), each row weighted by its count; prints the model
and the base totals only (values per customer need per-customer rows).
Data checks: the checks of clm doctor run first; an analysis that is unsafe or to be read with
caution on this data is warned about on stderr (also with --quiet), with the numbers.
--fail-if fields: converged, usable, spend_converged (true/false; empty without a fit),
log_likelihood, customers_fitted, spend_frequency_correlation; from the data checks: unsafe,
caution (true when an analysis this run uses has that verdict or worse), customers,
repeat_buyers, history_days, one_time_share, nonpositive_spend_customers.
${INPUT_HELP}

Examples:
  clm cltv --orders orders.csv --customers customers.csv
  clm cltv --orders orders.csv --model pnbd --horizon 24m --discount 0.08 --margin 0.3
  clm cltv --summary cdnow_customers_summary.csv --time-unit week --format json | jq .meta.fit
  clm cltv --summaries warehouse_out/ --model pnbd
  clm cltv --config clm.config.json --quiet --fail-if 'not converged' --fail-if unsafe > clv.csv
  clm customers --orders orders.csv --model bgnbd --format csv > customers_with_clv.csv`)
    .action((opts) => onInvoke({ command: 'cltv', flags: opts }));

  const doctor = program
    .command('doctor')
    .summary('can the data support each analysis? checks with numbers, a verdict per analysis, exit 1 when unsafe')
    .description('Before modelling: checks the customers at the as-of date (customers, repeat buyers, history span,\nshare of one-time buyers, zero or negative spend, the frequency-spend correlation) against clm\'s\nlimits and says, with the numbers, which analyses and models are safe, to be read with caution, or\nunsafe. clm cltv and clm report run the same checks and warn (stderr, the report page, manifest.json).\nCost: one pass over the orders and two over the per-customer day ledger; no model is fitted.');
  addOutputOptions(addClvOptions(addLifecycleOptions(addInputOptions(doctor))))
    .addHelpText('after', `
Tables (--table picks one for CSV):
  checks    one row per figure:
    check      the figure: customers, repeat_buyers, history_days, history_weeks (not with --time-unit day),
               one_time_share, nonpositive_spend_customers, spend_repeat_buyers, spend_frequency_correlation
    value      its value at the as-of date (shares as fractions in CSV/JSON, percentages on screen)
    threshold  the limit it is held against (README: Data checks says why each)
    verdict    safe, caution or unsafe
    meaning    what the figure is and why it matters
  verdicts  one row per analysis (stages, rfm, cohorts, historical_clv, bgnbd, pnbd, mbgnbd,
            gamma_gamma, backtest):
    analysis   the analysis or model
    verdict    safe, caution (usable; read it knowing the reason) or unsafe (do not act on it)
    used       true when a default run with these options uses it (a report: stages, RFM, cohorts,
               historical CLV, the --model with Gamma-Gamma, and the backtest)
    reason     the numbers and the reason, in words
Limits: predictive models are unsafe under 100 repeat buyers or 90 days of history, to be read
with caution under 400 repeat buyers, 500 customers or 180 days (Klaviyo refuses predictions
below 500 buyers and 180 days); BG/NBD with more than 80% one-time buyers, Gamma-Gamma with
|r| > 0.3 between frequency and spend, 5% of customers with zero or negative spend: caution.
Exit codes: 0 nothing a default run uses is unsafe, 1 something is (for cron: the tables are still
printed), 2 usage error, 3 data error.
${INPUT_HELP}

Examples:
  clm doctor --orders orders.csv
  clm doctor --orders CDNOW_master.txt --preset cdnow --time-unit week
  clm doctor --config clm.config.json --quiet --format csv --table verdicts > verdicts.csv || echo "data not fit for the model"`)
    .action((opts) => onInvoke({ command: 'doctor', flags: opts }));

  const backtest = program
    .command('backtest')
    .summary('fit on older orders, compare with the holdout: error, lift, tracking')
    .description('How well the model predicts: fits it on the orders up to --calibration-end (or the as-of date minus\n--holdout; default 39 weeks, or a third of the order history when that is shorter, as in clm report) and compares its predictions with the holdout: total predicted vs actual\nrepeat purchases, per-customer MAE and RMSE, the table by calibration frequency (0..7+), decile\nlift and weekly cumulative tracking. --fail-if turns a metric into an exit code for scheduled checks.\nCost: one pass over the orders; holds one record per customer and one ledger entry per customer-day;\nthen one model fit on the calibration part (--model auto fits three, on a holdout, then the chosen one).');
  addOutputOptions(addClvOptions(addInputOptions(backtest)))
    .option('--calibration-end <date>', 'last day of the calibration period (YYYY-MM-DD)')
    .option('--holdout <duration>', 'holdout length before the as-of date: 39w, 6m, 180d (default: 39 weeks or a third of the history, whichever is shorter)')
    .option('--fail-if <expr>', 'exit 1 after printing when this holds, e.g. "mape > 0.3" or "abs_error > 0.2" (repeatable)', collect, [])
    .addHelpText('after', `
Metrics: customers, calibration_purchases, actual_purchases, predicted_purchases, error
(predicted / actual - 1), abs_error, mae, rmse, mape (mean absolute percentage error of the
cumulative tracking), lift_top_decile; also as backtest.NAME. Tables: backtest, by_frequency,
deciles, tracking (--table picks one for CSV).
${INPUT_HELP}

Examples:
  clm backtest --orders CDNOW_sample.txt --preset cdnow --calibration-end 1997-09-30
  clm backtest --orders orders.csv --holdout 26w --format csv --table tracking > tracking.csv
  clm backtest --config clm.config.json --fail-if 'mape > 0.3' --quiet`)
    .action((opts) => onInvoke({ command: 'backtest', flags: opts }));

  const forecast = program
    .command('forecast')
    .summary('expected purchases, active customers and revenue per future week, month or quarter')
    .description('Per-period forecast: fits the purchase model (BG/NBD by default) and Gamma-Gamma on the orders up to the as-of date and predicts each calendar period after it, for the whole base and by stage, RFM segment and cohort.\nWith --holdout or --calibration-end it is a backtest: fitted on the older orders, the periods up to the as-of date show predicted beside actual figures.\nCost: one pass over the orders (memory grows with customers and customer-days), a model fit, then\none evaluation per customer and period; intervals (--interval) add a few hundred draws per customer.');
  addOutputOptions(addLifecycleOptions(addInputOptions(forecast)))
    .addOption(new Option('--model <model>', 'purchase model: bgnbd (default), pnbd or mbgnbd').choices(['bgnbd', 'pnbd', 'mbgnbd']))
    .addOption(new Option('--time-unit <unit>', 'time unit of the model: week (default) or day').choices(['week', 'day']))
    .option('--penalizer <l2>', 'L2 penalty on the model parameters (default 0), for small or odd data')
    .addOption(new Option('--period <unit>', 'forecast period: week (ISO, Monday to Sunday), month (default) or quarter').choices(['week', 'month', 'quarter']))
    .option('--periods <n>', 'how many periods after the as-of date to forecast (default 12)')
    .option('--holdout <duration>', 'backtest: fit up to the as-of date minus this (39w, 6m, 180d) and set the periods up to the as-of date against what happened')
    .option('--calibration-end <date>', 'backtest: fit up to this day (YYYY-MM-DD) instead of --holdout')
    .option('--interval <level>', 'level of the intervals on expected purchases and revenue per period and group: 0.9 (default), 0 = none')
    .addHelpText('after', `${FORECAST_HELP}
${INPUT_HELP}

Examples:
  clm forecast --orders orders.csv --periods 12 --period month
  clm forecast --orders orders.csv --period quarter --periods 4 --format csv --table forecast_by_segment
  clm forecast --orders CDNOW_sample.txt --preset cdnow --calibration-end 1997-09-30 --period week`)
    .action((opts) => onInvoke({ command: 'forecast', flags: opts }));

  const kpis = program
    .command('kpis')
    .summary('lifecycle KPIs per period, goals, CAC and LTV:CAC, NPS')
    .description('Lifecycle KPIs per month, quarter or year: active, new and returning customers, retention and churn\nrate, repeat-purchase rate, orders, average order value, purchase frequency, net revenue and the\nshare from existing customers, average historical value, each with the change against the period\nbefore; the goals of the config with their status; CAC, LTV:CAC and months to recover CAC with\n--spend; NPS and review scores per stage (and per period with --reviews).\nCost: one pass over the orders, then one pass over the per-customer day ledger per period unit\n(plus a model fit with --model bgnbd|pnbd|mbgnbd).');
  addOutputOptions(addClvOptions(addLifecycleOptions(addInputOptions(kpis))))
    .addOption(new Option('--period <unit>', 'KPI period: month (2024-01), quarter (2024-Q1) or year (2024)').choices(['month', 'quarter', 'year']).default('month'))
    .option('--periods <n>', 'show the last N periods, the one holding the as-of date included (default: 13 months, 8 quarters, 5 years)')
    .option('--spend <file>', 'monthly marketing spend: CSV with period (2024-01), channel, amount; adds CAC per channel, LTV:CAC and months to recover CAC')
    .option('--fail-if <expr>', 'exit 1 after printing when this holds over the latest complete period, e.g. "churn_rate > 0.6" or "goal(retention_rate) == missed" (repeatable)', collect, [])
    .addHelpText('after', `
Definitions (--explain prints them in full): active = a counted order in the period; new = the
first counted order in the period; returning = active and not new; retention_rate = of the
customers active in the previous period, the share active again (churn_rate = 1 - retention_rate);
repeat_purchase_rate = active customers with 2+ purchase days in the period / active;
average_order_value = net revenue / orders; purchase_frequency = orders / active; revenue = net
of the refunds dated in the period; revenue_from_existing_share = revenue of customers whose first
order was before the period / revenue; average_historical_value = cumulative net revenue per
customer known by the period end. The period holding the as-of date is marked * until it is over.
Tables: kpis (one row per period; CSV adds NAME_change, relative, and NAME_change_pts for shares),
kpi_changes (the latest complete period against the one before), goals, acquisition, ltv_cac,
cac_payback (with --spend), feedback (with --reviews), feedback_by_stage (with nps, review_score
or --reviews); --table picks one for CSV.
Goals, in the config: "goals": {"retention_rate": {"target": 0.40, "by": "2025-12-31"},
"churn_rate": {"target": 0.55}, "clv": {"target": 250}, "nps": {"target": 30}} (also any KPI,
average_review_score; "period": "quarter" evaluates on quarters). Higher is better except churn_rate.
Status: met, on_track (the trend of the last 3 periods reaches the target by "by"), behind, missed
(the "by" date has passed without meeting it), no_data.
--fail-if fields: every KPI and its change, named as in the CSV (NAME_change, NAME_change_pts for
shares; latest complete period), clv, nps,
average_review_score; functions goal(NAME) (a status), goal_distance(NAME), goal_current(NAME).
${INPUT_HELP}

Examples:
  clm kpis --orders orders.csv --customers customers.csv
  clm kpis --orders orders.csv --period quarter --periods 8 --explain
  clm kpis --orders orders.csv --customers customers.csv --spend spend.csv --format csv --table ltv_cac
  clm kpis --orders orders.csv --spend spend.csv --model bgnbd --table acquisition --format csv > cac.csv
  clm kpis --config clm.config.json --fail-if 'goal(retention_rate) == missed' --fail-if 'churn_rate > 0.7' --quiet`)
    .action((opts) => onInvoke({ command: 'kpis', flags: opts }));

  const retention = program
    .command('retention')
    .summary('subscription retention: the sBG model fitted to survivors or renewals, projected forward')
    .description('Subscription retention with the shifted-beta-geometric model (sBG; Fader & Hardie 2007, "How to\nproject customer retention"): fits alpha and beta (each customer cancels at the end of a period with\nits own probability, Beta(alpha, beta) across customers) to survivor counts per period, prints them\nwith standard errors and the log-likelihood, the actual and fitted survivors and retention per\nperiod, projects them --periods ahead, and the discounted expected residual lifetime (DERL;\nFader & Hardie 2010) per tenure.\nCost: one pass over the input; the fit runs over the periods, not the customers.');
  addOutputOptions(retention)
    .addOption(new Option('--model <model>', 'sbg: the shifted-beta-geometric model (the only one)').choices(['sbg']).default('sbg'))
    .option('--survivors <file>', 'survivor counts of one cohort: columns period,survivors; period 0 = the start (the cohort size), then 1, 2, ... (whole numbers that never rise)')
    .option('--renewals <file>', 'renewal rows: customer_id,period_start, one per customer and paid period (a Stripe payments or invoices export works: Customer ID, Created, Status)')
    .addOption(new Option('--period <unit>', 'length of a period for --renewals: month (default), week, quarter or year').choices(['month', 'week', 'quarter', 'year']))
    .option('--as-of <date>', 'with --renewals: analyse as of YYYY-MM-DD or today (default: the latest renewal in the data)')
    .option('--periods <n>', 'periods to project past the last one observed (default 12)')
    .option('--discount <rate>', 'discount rate PER PERIOD for DERL (default 0.1: 10% a period; about 0.008 for 10% a year with monthly periods)')
    .option('--date-format <order>', 'with --renewals: day/month order of text dates, DD/MM/YYYY or MM/DD/YYYY')
    .option('--timezone <iana>', 'with --renewals: calendar days in this time zone instead of UTC')
    .option('--delimiter <char>', 'field delimiter instead of detection: , ; | tab whitespace')
    .option('--encoding <name>', 'text encoding of the input: utf8 (default), latin1, cp1252, utf16le')
    .addHelpText('after', `
Renewals: a customer's cohort is the period (--period) of its first renewal row; it survives period
t of its cohort (t = 0 is the start) when it has a renewal in period t or later, so a skipped
payment followed by another is not a churn. Rows with a Status that is not a payment (failed,
refunded, ...) are left out. Only complete periods are counted: the period holding the as-of date,
unless the as-of date is its last day, is left out, so renewals not yet due are never taken for
churn (a renewal in it still counts as survival of the periods before).
Tables (--table picks one for CSV):
  model     sbg alpha and beta with their standard errors (se), log_likelihood, customers_fitted,
            cohorts, periods_observed, converged (1/0), iterations
  survival  one row per cohort and period (period 0 = the start):
    cohort              the cohort: its start period for --renewals, "all" for --survivors
    period              periods since the cohort's start
    survivors           customers still subscribed after that many periods (empty: projected)
    expected_survivors  cohort size x S(t), S(t) = B(alpha, beta + t) / B(alpha, beta)
    survival            survivors / cohort size
    expected_survival   S(t), the fitted share still subscribed
    retention           survivors at t / survivors at t-1
    expected_retention  r(t) = (beta + t - 1) / (alpha + beta + t - 1)
  derl      one row per tenure:
    tenure               periods subscribed so far (n)
    renewals             renewals made so far (n - 1)
    active_customers     customers of the input at that tenure now (survivors at each cohort's last period)
    renewal_probability  the chance such a customer renews again, r(n)
    derl                 expected further payments per customer: the next one (due now) undiscounted,
                         each later one divided by (1 + discount) per period; times the payment
                         per period it is the customer's residual value (Fader & Hardie 2010)
    total_derl           active_customers x derl
Retention and survival are fractions in CSV/JSON, percentages on screen. A fit that did not
converge, or fewer than 3 observed periods, is warned about on stderr (also with --quiet).

Examples:
  clm retention --model sbg --survivors survivors.csv --periods 5
  clm retention --renewals invoices.csv --period month --format csv --table survival > survival.csv
  clm retention --renewals unified_payments.csv --period month --discount 0.008 --table derl`)
    .action((opts) => onInvoke({ command: 'retention', flags: opts }));

  const playbook = program
    .command('playbook')
    .summary('recommended actions per stage and segment, with customers and value at stake')
    .description('What to do with each lifecycle stage and RFM segment: the goal and recommended actions, with\nthe customers and the value at stake in each (revenue to date; predicted value with --model).\nThe text is clm\'s own; "playbook" in the config replaces any entry.\nCost: one pass over the orders (plus a model fit with --model).');
  addOutputOptions(addClvOptions(addLifecycleOptions(addInputOptions(playbook))))
    .addHelpText('after', `
Config: "playbook": {"stages": {"at_risk": {"actions": "Call them."}}, "segments": {"Champions": {"goal": "..."}}}
Tables: playbook (stages), playbook_segments (--table picks one for CSV).
${INPUT_HELP}

Examples:
  clm playbook --orders orders.csv --customers customers.csv
  clm playbook --config clm.config.json --model bgnbd --format md > playbook.md`)
    .action((opts) => onInvoke({ command: 'playbook', flags: opts }));

  const report = program
    .command('report')
    .summary('a report folder: HTML with charts, Markdown, CSVs, XLSX, manifest, audiences')
    .description('Every analysis as one folder: index.html (self-contained, charts as inline SVG), report.md, one CSV\nper table, customers.csv, report.xlsx and manifest.json (inputs with SHA-256, options, thresholds,\nrow counts, files). Written into a temporary folder and put in place at the end, so a failed or\nkilled run leaves the previous report as it was.\nCost: one pass over the orders, like clm customers.');
  addOutputOptions(addClvOptions(addLifecycleOptions(addInputOptions(report))))
    .option('--out <dir>', 'the report folder (created or replaced whole; an existing folder must be an earlier report)')
    .option('--interval <level>', INTERVAL_OPTION_HELP)
    .option('--holdout <duration>', 'backtest holdout before the as-of date (default: 39 weeks or a third of the history, whichever is shorter)')
    .option('--calibration-end <date>', 'backtest calibration end instead of --holdout')
    .option('--spend <file>', 'marketing spend per month and channel (month, channel, amount): adds CAC, LTV:CAC and payback')
    .option('--from <date>', 'start of the report window for transitions and churn rate (default: 90 days before the as-of date)')
    .option('--fail-if <expr>', 'exit 1 after writing when this holds, e.g. "share(at_risk) > 0.25" or "churn_rate > 0.05" (repeatable)', collect, [])
    .option('--state-dir <dir>', 'keep each customer\'s stage and segments here; the next run adds the changes since (changes.csv)')
    .addHelpText('after', `
Metrics for --fail-if: customers, prospects, known, net_revenue, repeat_rate, at_risk_rate
(at-risk share of customers with an order), window_churn_rate (of customers active at the
window start, the share churned now); the KPIs of the latest complete month (churn_rate,
retention_rate, active_customers, revenue, ... and NAME_change or NAME_change_pts; see clm kpis), clv, nps;
backtest.mape, backtest.abs_error, backtest.mae, backtest.rmse (see clm backtest); functions
share(stage), count(stage), segment_share("Champions"), goal(NAME) (met, on_track, behind,
missed, no_data). Operators: == != < <= > >= and or not, + - * /.
Data checks: those of clm doctor run first; each one that is not safe for what the report uses
is warned about on stderr, in the page's banner and in manifest.json (warnings, data_checks).
With --quiet a run prints nothing but its warnings; exit codes: 0 written, 1 a --fail-if condition held
(the report is still written), 2 usage error, 3 data error.
Audiences with a purchase model: audiences/next_order-due_now.csv (due date = last order + g within
the 7 days from the as-of date) and next_order-overdue.csv (days_overdue > 0), with p_alive and the
next-order columns; next_order.csv counts them by stage.
Forecast with a purchase model (see clm forecast): forecast_by_stage.csv for the next 12 months and
forecast_vs_actual.csv, the last 12 months then the next 12, per month:
  figures            actual (counted from the orders, all customers) or expected (customers so far)
  repeat_purchases   purchase days after each customer's first; expected: expected_purchases
  active_customers   customers with a repeat purchase day in the month; expected: expected_active_customers
  revenue            net amount of those days; expected: expected_revenue
${NEXT_ORDER_HELP}
${INTERVAL_HELP}
${INPUT_HELP}

Examples:
  clm report --orders orders.csv --customers customers.csv --out report
  clm report --config clm.config.json --out /srv/reports/latest --state-dir /srv/reports/state --quiet
  clm report --orders orders.csv --out report --fail-if 'share(at_risk) > 0.25' --fail-if 'churn_rate > 0.05'`)
    .action((opts) => onInvoke({ command: 'report', flags: opts }));

  const diff = program
    .command('diff')
    .summary('who changed stage or segment since the last report --state-dir run')
    .description('Customers whose stage or segment changed since the run that saved --state-dir (clm report\n--state-dir): one row per customer, ready for a CRM upload. Reads the state, never writes it.\nRefuses (exit 2, unless --force) a state as of a later date than this run, or one saved from other\ninputs (fewer than half of its customers in these); state.json lists the inputs it was saved from.\nCost: one pass over the orders plus the saved state (one row per customer); memory grows with customers.');
  addOutputOptions(addLifecycleOptions(addInputOptions(diff)))
    .option('--state-dir <dir>', 'the folder a clm report --state-dir run keeps its state in')
    .option('--force', 'compare even with a state saved from other inputs (few shared customers) or as of a later date')
    .addHelpText('after', `
Examples:
  clm diff --config clm.config.json --state-dir state --format csv > moved.csv
  clm diff --orders orders.csv --customers customers.csv --state-dir state`)
    .action((opts) => onInvoke({ command: 'diff', flags: opts }));

  const init = program
    .command('init')
    .summary('write a starter clm.config.json from the detected column mapping')
    .description('Write a starter clm.config.json from the column mapping detected in your files, so later runs\nneed no flags. Keeps an existing config unless --force.\nCost: reads the header and a sample of rows of each file, not the whole file.');
  addOutputOptions(init)
    .option('--orders <file>', 'orders export')
    .option('--customers <file>', 'customers export')
    .option('--payments <file>', 'payments per order (Olist)')
    .option('--reviews <file>', 'order-level reviews')
    .addOption(new Option('--preset <name>', 'column mapping of a known export').choices([...Object.keys(PRESETS), NO_PRESET]))
    .option('--map <field=Column>', 'map one field to a column (repeatable)', collect, [])
    .option('--delimiter <char>', 'field delimiter instead of detection')
    .option('--encoding <name>', 'text encoding of the inputs')
    .option('--config <file>', 'write this file instead of clm.config.json')
    .option('--force', 'replace an existing config file')
    .addHelpText('after', `
Examples:
  clm init --orders orders_export.csv --customers customers_export.csv --preset shopify
  clm init --orders olist_orders_dataset.csv --customers olist_customers_dataset.csv --payments olist_order_payments_dataset.csv --preset olist`)
    .action((opts) => onInvoke({ command: 'init', flags: opts }));

  program
    .command('sql')
    .summary('print the SQL of the orders -> customers step, or (--summaries) of the summary files, for a warehouse table')
    .description('Print the SQL that turns an orders table into what clm reads: one row per customer and day\n(orders, amount in mills), one row per customer, and the rows per outcome (counted, refund, excluded\nor rejected by reason), compiled from the same rules as the streaming engine. Prints only;\nnothing is run. Table and column names are quoted for the dialect, so no name can change the SQL.\nCost: none here (no data is read); in the warehouse, one scan of the orders table grouped by order\nid, then by customer and day.')
    .addOption(new Option('--dialect <name>', 'SQL dialect: duckdb, postgres, spark, trino, bigquery or snowflake').choices(['duckdb', 'postgres', 'spark', 'trino', 'bigquery', 'snowflake']))
    .option('--table <name>', 'the orders table (schema.table: each dotted part is quoted on its own)')
    .addOption(new Option('--preset <name>', 'column names of a known export (the first name the preset knows for each field)').choices([...Object.keys(PRESETS), NO_PRESET]))
    .option('--map <field=Column>', 'the column of one field (customer_id, order_date, amount; order_id, status, currency, refund, cancelled_at are read only when mapped or named by the preset; repeatable)', collect, [])
    .option('--currency <code>', 'keep only orders in this currency')
    .option('--as-of <date>', 'leave out orders dated after YYYY-MM-DD; with --summaries, also the date t_x, T and the cohort months are measured to')
    .option('--grain <grain>', 'order (the only grain clm sql writes: line items are gathered in file order, which a warehouse table lacks; clm reads them from a file with any engine, or with --db from an ordinary Postgres table)')
    .option('--count-status <values>', 'count orders with these statuses (comma separated; repeatable)', collect, [])
    .option('--exclude-status <values>', 'exclude orders with these statuses (comma separated; repeatable)', collect, [])
    .option('--summaries', 'print instead the SQL of the summary tables clm reads with --summaries DIR: rfm_counts.csv and spend_counts.csv (clm cltv), cohort_activity.csv (clm cohorts, monthly); as of --as-of, or without it the latest purchase day in the table, as clm does')
    .addOption(new Option('--time-unit <unit>', 'with --summaries, the unit of t_x and T in rfm_counts: week (default) or day, as clm cltv --time-unit').choices(['week', 'day']))
    .addHelpText('after', `
Executed here: duckdb (--engine duckdb) and postgres (--db); tests compare both with the streaming engine.
Only parsed: spark, trino, bigquery, snowflake (by node-sql-parser in the tests).

Examples:
  clm sql --dialect postgres --table shop.orders
  clm sql --dialect snowflake --table shop.orders --summaries --as-of 2024-12-31 > summaries.sql
  clm sql --dialect bigquery --table proj.sales.orders --map customer_id=email --map order_date=created_at --map amount=total`)
    .action((opts) => onInvoke({ command: 'sql', flags: opts }));

  return program;
}
