import { Command, Option } from 'commander';
import type { CliIO } from './io/cli-io.js';
import { PRESETS } from './io/mapping.js';

export type CommandName = 'summary' | 'customers' | 'stages' | 'segments';

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
  mapping used. Presets: ${Object.keys(PRESETS).join(', ')}.
  Counted: paid/completed/delivered/shipped orders. Excluded (and counted by reason):
  cancelled, failed, pending, test and fully refunded orders, duplicates, orders after --as-of.
  Negative amounts (and UCI C-invoices) are refunds. Unparseable rows are rejected and counted.

Exit codes: 0 ok, 2 usage error, 3 data error (or --strict rejection), 70 internal error.`;

function addInputOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'config file (default: clm.config.json in the working directory, when present); flags win over it')
    .option('--orders <file>', 'orders export (CSV/TSV/;/| delimited, .gz, or - for stdin)')
    .option('--customers <file>', 'customers export: attributes, prospects, and the person key for Olist')
    .option('--payments <file>', 'amounts per order id, summed (Olist payments or order items)')
    .option('--reviews <file>', 'order-level reviews (order id, score out of 5, date; Olist style): a latest score >= 4 is an advocacy signal')
    .addOption(new Option('--preset <name>', 'column mapping of a known export').choices(Object.keys(PRESETS)))
    .option('--map <field=Column>', 'map one field to a column, e.g. --map customer_id="Client No" (customers.FIELD=… for the customers file; repeatable)', collect, [])
    .option('--delimiter <char>', 'field delimiter instead of detection: , ; | tab whitespace')
    .option('--encoding <name>', 'text encoding of the inputs: utf8 (default), latin1, cp1252, utf16le')
    .option('--date-format <order>', 'day/month order of text dates: DD/MM/YYYY or MM/DD/YYYY (needed when the data cannot tell)')
    .option('--decimal-comma', 'amounts use a decimal comma: 1.234,50')
    .option('--timezone <iana>', 'calendar days in this time zone instead of UTC (e.g. Europe/Berlin)')
    .option('--currency <code>', 'keep only orders in this currency (needed when the orders mix currencies)')
    .option('--as-of <date>', 'analyse as of YYYY-MM-DD or today (default: the latest order date in the data)')
    .option('--grain <grain>', 'order: one row per order; line: consecutive rows with one order id are lines of it (default from preset/columns)')
    .option('--count-status <values>', 'count orders with these statuses (comma separated; repeatable)', collect, [])
    .option('--exclude-status <values>', 'exclude orders with these statuses (comma separated; repeatable)', collect, [])
    .option('--rejects <file>', 'write every rejected row, with line and reason, to this CSV file')
    .option('--strict', 'stop with exit 3 at the first row that cannot be parsed');
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

function addOutputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'auto (table on a terminal, CSV in a pipe), table, csv, tsv, json ({meta, rows}), ndjson, md').default('auto'))
    .option('--table <name>', 'the table CSV, TSV and NDJSON write when a command has several (default: the first)')
    .option('-o, --output <file>', 'write to this file (written whole, then renamed into place)')
    .option('--no-color', 'no colours (also when NO_COLOR is set or stdout is not a terminal)')
    .option('-q, --quiet', 'no spinner and no warnings on stderr');
}

/** Every command and option, in one place. */
export function buildProgram(io: CliIO, onInvoke: (inv: Invocation) => void): Command {
  const program = new Command();
  program
    .name('clm')
    .description('Customer lifecycle analytics from CRM and shop exports: per-customer state, stages, RFM, cohorts, CLV.')
    .version('0.1.0', '-V, --version')
    .showHelpAfterError('(run clm --help or clm <command> --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .addHelpText('after', `
Examples:
  clm summary --orders fixtures/demo/orders.csv --customers fixtures/demo/customers.csv
  clm customers --orders orders_export.csv --preset shopify --format csv > customers.csv
  zcat online_retail.csv.gz | clm summary --orders - --preset online-retail`);

  const summary = program
    .command('summary')
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
    .description('One row per customer: customer_id, first_order_date, last_order_date, orders, purchase_days, revenue,\nstage, recency_days, r_score, f_score, m_score, rfm_segment (and segment when the config defines\ncustom segments), then the attributes of the customers file. Sorted by customer_id.\nCost: one pass over the orders; holds one record per customer in memory.');
  addOutputOptions(addLifecycleOptions(addInputOptions(customers)))
    .addHelpText('after', `${INPUT_HELP}

Examples:
  clm customers --orders orders.csv --customers customers.csv > customers_enriched.csv
  clm customers --orders orders.csv --format tsv | pbcopy
  clm customers --orders Online_Retail.csv --preset online-retail --output customers.csv
  clm customers --orders orders.csv --format ndjson | head -3`)
    .action((opts) => onInvoke({ command: 'customers', flags: opts }));

  const stages = program
    .command('stages')
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

  return program;
}
