/**
 * The compiled queries (engine/sql/compile.ts) as the DuckDB engine runs them: the shared steps
 * once, each into a temporary table holding only what the later steps read, then the small
 * queries of CompiledParts over those tables. A table created from a scan keeps the scan's order
 * (preserve_insertion_order), so the rowid of `clm_read` is the row's place in the file.
 *
 * - clm_read: per row read, its outcome if it is not data or rejected, and the values read
 *   (order id, customer key, day, mills, status class, ...), only of the fields mapped;
 * - clm_decimals: how many amounts have three, and one or two, digits after the point;
 * - clm_rejects: the outcome of each row not read (few);
 * - clm_repeats: the rows read that repeat an earlier row's order id;
 * - clm_classified: per row read, the outcome under the rules, the duplicate flag, and what the
 *   queries read (clm_read is dropped then: the order ids go);
 * - clm_numbers: each customer with a counted order and its number, the order of the first row naming it;
 * - clm_ledger: one row per customer-day, by customer number.
 */
import { NUMBERED_CUSTOMERS } from '../sql/joins.js';
import { BOOK_STEPS, FEW_DECIMALS, THREE_DECIMALS, compileParts, factSteps, readSteps, type CompileOptions, type CompiledSql } from '../sql/compile.js';

/** A column of a stage: stored when its field is mapped, else the value it always has. */
interface Col {
  name: string;
  stored: boolean;
  absent: string;
}

export interface Stages {
  /** Statements creating the temporary tables, in order, and what to drop after each (to hold less). */
  steps: { sql: string; drop?: string; readsFile?: boolean }[];
  /** The small queries, in the shapes of engine/sql/summaries.ts partQuery. */
  outcomes: string;
  currencies: string;
  unknownStatuses: string;
  amountDecimals: string;
  /** idx, channel, country per customer with an order (with numbers). */
  attributes: string;
  /** customer_id in number order. */
  ids: string;
  /** idx and its number of customer-days. */
  ledgerCounts: string;
  /** idx, day, orders, mills as a double, in no order (clm places each row by its idx: no sort of the whole ledger). */
  ledger: string;
  /** Tables left to drop after reading, one statement per `; `. */
  cleanup: string;
}

function view(cols: Col[], from: string, extra = ''): string {
  return `SELECT ${extra}${cols.map((c) => (c.stored ? c.name : `${c.absent} AS ${c.name}`)).join(', ')} FROM ${from}`;
}

function stored(cols: Col[]): string {
  return cols.filter((c) => c.stored).map((c) => c.name).join(', ');
}

/** The stages of the compiled queries over `o.from` (a table or table function in file order). */
export function compileStages(o: CompileOptions): Stages {
  const d = o.dialect;
  const c = o.columns;
  const ordered: CompileOptions = { ...o, rowOrder: 'row_no' };
  const { parts } = compileParts(ordered);
  const has = (f: keyof typeof c): boolean => c[f] !== undefined;
  const common: Col[] = [
    { name: 'customer_id', stored: true, absent: '' },
    { name: 'day', stored: true, absent: '' },
    { name: 'amount_mills', stored: true, absent: '' },
    { name: 'refund_mills', stored: has('refund'), absent: `CAST(0 AS ${d.bigint})` },
    { name: 'status_class', stored: has('status'), absent: "'counted'" },
    // the status text is read only where no list knows it
    { name: 'status_raw', stored: has('status'), absent: `CAST(NULL AS ${d.text})` },
    { name: 'currency', stored: has('currency'), absent: "''" },
    { name: 'channel', stored: has('channel'), absent: `CAST(NULL AS ${d.text})` },
    { name: 'country', stored: has('country'), absent: `CAST(NULL AS ${d.text})` },
  ];
  const readCols: Col[] = [
    { name: 'read_outcome', stored: true, absent: '' },
    { name: 'order_id', stored: has('order_id'), absent: `CAST(NULL AS ${d.text})` },
    { name: 'cancelled', stored: has('cancelled_at'), absent: 'FALSE' },
    ...common,
  ];
  const decimals = (text: string, value: string): string =>
    `CASE WHEN ${value} IS NOT NULL THEN CASE WHEN ${d.matches(text, THREE_DECIMALS)} THEN 3 WHEN ${d.matches(text, FEW_DECIMALS)} THEN 1 ELSE 0 END END`;
  const readSelect = readCols
    .filter((x) => x.stored)
    .map((x) => (x.name === 'status_raw' ? "CASE WHEN status_class = 'unknown' THEN status_raw END AS status_raw" : x.name))
    .join(', ');
  const dp = [`${decimals('amount_text', 'amount_value')} AS amount_dp`, ...(has('refund') ? [`${decimals('refund_text', 'refund_value')} AS refund_dp`] : [])];
  const classCols: Col[] = [
    { name: 'row_no', stored: true, absent: '' },
    ...common,
    { name: 'outcome', stored: true, absent: '' },
    { name: 'has_customer', stored: true, absent: '' },
    { name: 'duplicate', stored: true, absent: '' },
    // with --payments: whether the order has a payment row (an unpaid order's status is not an unknown status to warn of)
    { name: 'paid', stored: o.joins?.paid !== undefined, absent: 'TRUE' },
  ];
  const classified = view(classCols, 'clm_classified');
  const env = `read_rows AS (SELECT read_outcome FROM clm_rejects),
facts AS (${classified}),
classified AS (${classified}),
buyers AS (SELECT customer_id FROM clm_numbers WHERE buyer)`;
  const part = (name: keyof CompiledSql, wrap: (q: string) => string): string => {
    const p = parts[name];
    return `WITH ${env}${p.with ? `,\n${p.with}` : ''}\n${wrap(p.select)}`;
  };
  const amountDp = has('refund') ? ['amount_dp', 'refund_dp'] : ['amount_dp'];
  const count = (k: number): string => amountDp.map((x) => `count(CASE WHEN ${x} = ${k} THEN 1 END)`).join(' + ');
  return {
    steps: [
      { sql: `CREATE TEMP TABLE clm_read AS WITH ${readSteps({ ...o, rowOrder: undefined })}\nSELECT ${readSelect}, ${dp.join(', ')} FROM read_rows`, readsFile: true },
      { sql: `CREATE TEMP TABLE clm_decimals AS SELECT CAST(${count(3)} AS INTEGER) AS three, CAST(${count(1)} AS INTEGER) AS one_or_two FROM clm_read` },
      { sql: 'CREATE TEMP TABLE clm_rejects AS SELECT read_outcome FROM clm_read WHERE read_outcome IS NOT NULL' },
      // the rows read that repeat the order id of an earlier row read (few): the window of factSteps over two columns, not all
      ...(has('order_id')
        ? [
            {
              sql: `CREATE TEMP TABLE clm_repeats AS SELECT row_no FROM (
  SELECT rowid AS row_no, row_number() OVER (PARTITION BY order_id ORDER BY rowid) AS k
  FROM clm_read WHERE read_outcome IS NULL AND order_id IS NOT NULL AND order_id <> ''
) AS q WHERE k > 1`,
            },
          ]
        : []),
      {
        sql: `CREATE TEMP TABLE clm_classified AS WITH read_rows AS (${view(readCols, 'clm_read', 'rowid AS row_no, ')}),\n${factSteps(ordered, has('order_id') ? 'row_no IN (SELECT row_no FROM clm_repeats)' : 'FALSE')}\nSELECT ${stored(classCols)} FROM classified`,
        drop: 'DROP TABLE clm_read',
      },
      {
        // the customers with a counted order (buyers), numbered by the first row naming each, as the streaming engine numbers them
        // with a customers file, its records too (prospects: no ledger), placed as the streaming engine places them (joins.ts)
        sql: `CREATE TEMP TABLE clm_numbers AS WITH facts AS (${classified}),\nclassified AS (${classified}),\n${BOOK_STEPS},\n${parts.customers.with}${o.joins?.records ? `,\nrecords AS (SELECT * FROM ${o.joins.records})` : ''}
SELECT f.customer_id, CAST(row_number() OVER (ORDER BY f.first_row) - 1 AS INTEGER) AS idx, f.customer_id IN (SELECT customer_id FROM buyers) AS buyer
FROM ${o.joins?.records ? `(${NUMBERED_CUSTOMERS}) AS f` : 'first_seen f WHERE f.customer_id IN (SELECT customer_id FROM buyers)'}`,
      },
      {
        // the ledger step of BOOK_STEPS (booked rows of the buyers, per customer-day) with the buyers by number:
        // one join on the customer id, then integers only
        sql: `CREATE TEMP TABLE clm_ledger AS WITH classified AS (${classified}),\n${BOOK_STEPS}
SELECT n.idx, CAST(b.day AS INTEGER) AS day, CAST(sum(b.orders) AS INTEGER) AS orders, CAST(sum(b.amount_mills) AS ${d.bigint}) AS amount_mills
FROM booked b JOIN clm_numbers n ON n.customer_id = b.customer_id AND n.buyer
GROUP BY n.idx, b.day`,
      },
    ],
    outcomes: part('outcomes', (q) => `SELECT outcome, row_count::BIGINT FROM (${q}) q`),
    currencies: part('currencies', (q) => `SELECT currency, row_count::BIGINT FROM (${q}) q`),
    unknownStatuses: part('unknownStatuses', (q) => `SELECT status, row_count::BIGINT FROM (${q}) q`),
    amountDecimals: 'SELECT three, one_or_two FROM clm_decimals',
    attributes: part('attributes', (q) => `SELECT n.idx, a.channel, a.country FROM (${q}) a JOIN clm_numbers n ON n.customer_id = a.customer_id`),
    ids: 'SELECT customer_id FROM clm_numbers ORDER BY idx',
    ledgerCounts: 'SELECT idx, CAST(count(*) AS INTEGER) FROM clm_ledger GROUP BY idx',
    ledger: 'SELECT idx, day, orders, CAST(amount_mills AS DOUBLE) FROM clm_ledger',
    cleanup: 'DROP TABLE IF EXISTS clm_classified; DROP TABLE IF EXISTS clm_ledger; DROP TABLE IF EXISTS clm_numbers; DROP TABLE IF EXISTS clm_rejects; DROP TABLE IF EXISTS clm_repeats; DROP TABLE IF EXISTS clm_decimals',
  };
}
