import { Command, Option } from 'commander';
import type { CliIO } from './io/cli-io.js';
import { PRESETS } from './io/mapping.js';

export type CommandName = 'summary' | 'customers';

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
    .option('--orders <file>', 'orders export (CSV/TSV/;/| delimited, .gz, or - for stdin)')
    .option('--customers <file>', 'customers export: attributes, prospects, and the person key for Olist')
    .option('--payments <file>', 'amounts per order id, summed (Olist payments or order items)')
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

function addOutputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'auto (table on a terminal, CSV in a pipe), table, csv, tsv, json ({meta, rows}), ndjson, md').default('auto'))
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
    .description('One row per customer: customer_id, first_order_date, last_order_date, orders, purchase_days, revenue,\nthen the attributes of the customers file. Sorted by customer_id.\nCost: one pass over the orders; holds one record per customer in memory.');
  addOutputOptions(addInputOptions(customers))
    .addHelpText('after', `${INPUT_HELP}

Examples:
  clm customers --orders orders.csv --customers customers.csv > customers_enriched.csv
  clm customers --orders orders.csv --format tsv | pbcopy
  clm customers --orders Online_Retail.csv --preset online-retail --output customers.csv
  clm customers --orders orders.csv --format ndjson | head -3`)
    .action((opts) => onInvoke({ command: 'customers', flags: opts }));

  return program;
}
