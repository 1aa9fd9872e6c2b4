/**
 * The files joined to the orders (a customers file, --payments), compiled to SQL as the
 * streaming engine joins them (engine/streaming/read-orders.ts readCustomersFile and
 * readPaymentsFile, order-pass.ts):
 *
 * - customers: a row with a blank id (JavaScript's trim), an empty row or the header line again
 *   is left out and counted; each row's key is its normalised id, or its person key
 *   (`customer_unique_id`) when it has one; the first row of a key is its record (attributes:
 *   every other column, trimmed, blank = none), later ones are duplicate rows; an id maps to the
 *   person of the LAST row naming it with one (`people`). An order's customer is its id's person,
 *   else its id. Every record is a customer of the table: with no counted order, a prospect,
 *   placed after the customers of the orders in the file's order (`numberedCustomers`).
 * - payments: amounts (or price + freight) summed per order id (trimmed as JavaScript trims),
 *   in mills; an order with no payment row is excluded as `no_payment` (or by its status), before
 *   every rule but the repeated order id; payment rows of unknown orders add nothing.
 *
 * What the SQL cannot give exactly it reports through `checks` rows, and the engine refuses:
 * payment amounts in a form only the streaming engine reads (or rejects: it stops the run), with
 * more than three decimals (the streaming engine sums the doubles in file order and rounds once),
 * or sums so large that the doubles it adds lose a mill.
 */
import { customerKey, PLAIN_AMOUNT, mills, type CompiledParts } from './compile.js';
import type { Dialect } from './dialects.js';

/** What JavaScript's String.prototype.trim takes off both ends (the streaming engine trims ids and attributes so). */
const JS_SPACE = '[\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]';

/** `s` trimmed as JavaScript trims; NULL stays NULL. */
export function jsTrim(d: Dialect, s: string): string {
  return d.replaceAll(s, `^${JS_SPACE}+|${JS_SPACE}+$`, '');
}

/** Far beyond any row number: prospects not named by an order are placed after every customer of the orders. */
export const PROSPECT_ROWS = '72057594037927936';

export interface CustomersSource {
  /** The source after FROM, its columns text or castable to text. */
  from: string;
  /** The column holding the row's place in the file (or table). */
  rowOrder: string;
  /** Every column with its header text, in order (to tell empty rows and the header line again). */
  header: { column: string; text: string }[];
  id: string;
  person?: string;
  /** The attribute columns, in the order of their names (engine/customer-attributes.ts). */
  attributes: string[];
  lowercaseIds: boolean;
}

export interface PaymentsSource {
  from: string;
  orderId: string;
  /** The amount column; else price (plus freight, when mapped and not empty). */
  amount?: string;
  price?: string;
  freight?: string;
}

export interface Joins {
  customers?: CustomersSource;
  payments?: PaymentsSource;
}

/** The relations the order steps join (compile.ts factSteps): CTE or table names. */
export interface JoinNames {
  /** person_of (an id key), person. */
  people?: string;
  /** paid_order (a trimmed order id), paid_mills. */
  paid?: string;
  /** The customers file's records (DuckDB's stages number the customers with them). */
  records?: string;
}

/** The CTEs of the customers file: cust_read (every row), cust_rows (rows kept), people, records (rec_key, listed_row, a0...). */
export function customersSteps(d: Dialect, c: CustomersSource): string {
  const text = (col: string): string => `CAST(${d.ident(col)} AS ${d.text})`;
  const blank = (x: string): string => `(${x} IS NULL OR ${x} = '')`;
  const all = c.header.map((h) => text(h.column));
  const empty = all.map((x) => `(${x} IS NULL OR ${d.matches(x, '^[ \\t]*$')})`).join(' AND ');
  const header = c.header.map((h, i) => `coalesce(${d.replaceAll(jsTrim(d, all[i]), '^\uFEFF', '')} = ${d.lit(h.text)}, FALSE)`).join(' AND ');
  const idText = c.header.find((h) => h.column === c.id)!.text;
  const id = text(c.id);
  const person = c.person ? `coalesce(${customerKey(d, text(c.person), c.lowercaseIds)}, '')` : "''";
  const attrs = c.attributes.map((a, i) => `nullif(${jsTrim(d, text(a))}, '') AS a${i}`);
  const attrNames = c.attributes.map((_, i) => `, a${i}`).join('');
  return `cust_read AS (
  SELECT ${d.ident(c.rowOrder)} AS row_no,
    CASE WHEN ${blank(jsTrim(d, id))} THEN CASE WHEN ${empty} THEN 'blank_rows' ELSE 'blank_id_rows' END
      WHEN ${jsTrim(d, id)} = ${d.lit(idText)} AND ${header} THEN 'repeated_header_rows' END AS left_out,
    ${customerKey(d, id, c.lowercaseIds)} AS id_key,
    ${person} AS person_key${attrs.map((a) => `,\n    ${a}`).join('')}
  FROM ${c.from}
),
cust_rows AS (
  SELECT cust_read.*, CASE WHEN person_key <> '' THEN person_key ELSE id_key END AS rec_key FROM cust_read WHERE left_out IS NULL
),
people AS (
  -- an id's person: the last row naming the id with a person key
  SELECT id_key AS person_of, person_key AS person FROM (
    SELECT id_key, person_key, row_number() OVER (PARTITION BY id_key ORDER BY row_no DESC) AS k FROM cust_rows WHERE person_key <> ''
  ) AS p WHERE k = 1
),
records AS (
  -- a key's first row is its record; later rows are duplicate rows
  SELECT rec_key, row_no AS listed_row${attrNames} FROM (
    SELECT cust_rows.*, row_number() OVER (PARTITION BY rec_key ORDER BY row_no) AS k FROM cust_rows
  ) AS r WHERE k = 1
)`;
}

/** The counts of the customers file (name, n): rows, customers, each kind of row left out, and rows repeating an id seen earlier. */
export function customersChecks(): string {
  return `SELECT 'rows' AS name, count(*) AS n FROM cust_read
UNION ALL SELECT left_out, count(*) FROM cust_read WHERE left_out IS NOT NULL GROUP BY left_out
UNION ALL SELECT 'customers', count(*) FROM records
UNION ALL SELECT 'kept_rows', count(*) FROM cust_rows
UNION ALL SELECT 'repeated_rows', count(*) FROM cust_repeated
UNION ALL SELECT 'repeated_ids', count(DISTINCT id_key) FROM cust_repeated`;
}

/** The rows of the customers file whose id was seen earlier, as an id with a person or as a record's key (the streaming engine's warning). */
export const CUSTOMERS_REPEATED = `cust_repeated AS (
  SELECT r.id_key FROM cust_rows r
  LEFT JOIN (SELECT id_key AS k, min(CASE WHEN person_key <> '' THEN row_no END) AS person_row FROM cust_rows GROUP BY id_key) a ON a.k = r.id_key
  LEFT JOIN (SELECT rec_key AS k, min(row_no) AS rec_row FROM cust_rows GROUP BY rec_key) b ON b.k = r.id_key
  WHERE a.person_row < r.row_no OR b.rec_row < r.row_no
)`;

/** The CTEs of the payments file: pay_vals (every row, in mills or NULL when the SQL does not read it) and paid (paid_order, paid_mills). */
export function paymentsSteps(d: Dialect, p: PaymentsSource): string {
  const text = (col: string): string => `CAST(${d.ident(col)} AS ${d.text})`;
  const trimmed = (x: string): string => d.replaceAll(x, '^[ \\t]+|[ \\t]+$', '');
  const value = (t: string): string => `CASE WHEN ${d.matches(t, PLAIN_AMOUNT)} THEN ${mills(d, `CAST(${t} AS ${d.double})`)} END`;
  const amount = trimmed(text((p.amount ?? p.price)!));
  const freight = p.amount === undefined && p.freight !== undefined ? text(p.freight) : `CAST(NULL AS ${d.text})`;
  // an empty freight adds nothing; any other value is read as an amount
  const freightMills = `CASE WHEN freight_raw IS NULL OR freight_raw = '' THEN CAST(0 AS ${d.bigint}) ELSE ${value('freight_text')} END`;
  return `pay_src AS (
  SELECT coalesce(${jsTrim(d, text(p.orderId))}, '') AS pay_order, ${amount} AS amount_text, ${freight} AS freight_raw, ${trimmed(freight)} AS freight_text
  FROM ${p.from}
),
pay_vals AS (
  SELECT pay_order, amount_text, freight_text, ${value('amount_text')} AS amount_m, ${freightMills} AS freight_m FROM pay_src${d.fence}
),
paid AS (
  SELECT pay_order AS paid_order, sum(amount_m + freight_m) AS paid_mills FROM pay_vals GROUP BY pay_order
)`;
}

/** The checks of the payments file (name, n): rows, rows the SQL does not read, amounts with more than three decimals, orders whose sum a double may round. */
export function paymentsChecks(d: Dialect): string {
  const many = (t: string): string => `coalesce(${d.matches(t, '[.][0-9]{4,}$')}, FALSE)`;
  return `SELECT 'rows' AS name, count(*) AS n FROM pay_vals
UNION ALL SELECT 'unread', count(*) FROM pay_vals WHERE amount_m IS NULL OR freight_m IS NULL
UNION ALL SELECT 'many_decimals', count(*) FROM pay_vals WHERE ${many('amount_text')} OR ${many('freight_text')}
UNION ALL SELECT 'large', count(*) FROM (
  SELECT pay_order FROM pay_vals GROUP BY pay_order
  HAVING CAST(count(*) AS ${d.double}) * CAST(sum(abs(amount_m) + abs(freight_m)) AS ${d.double}) > 1e14
) AS l`;
}

/** The order steps' joins (compile.ts factSteps): the customer as its person, the amount as the payments' sum. */
export function joinedFacts(j: JoinNames, d: Dialect): { from: string; key: string; customer: string; amount: string; amountValue: string; paid: string } {
  const orderKey = `coalesce(${jsTrim(d, 'read_rows.order_id')}, '')`;
  return {
    from: `read_rows${j.people ? ` LEFT JOIN ${j.people} ON person_of = read_rows.customer_id` : ''}${j.paid ? ` LEFT JOIN ${j.paid} ON paid_order = ${orderKey}` : ''}`,
    key: j.people || j.paid ? 'read_rows.customer_id' : 'customer_id',
    customer: j.people ? 'coalesce(person, read_rows.customer_id) AS customer_id' : 'customer_id',
    amount: j.paid ? 'paid_mills AS amount_mills' : 'amount_mills',
    amountValue: j.paid ? 'paid_mills' : 'amount_mills',
    // the column `paid` of facts, only with payments (the SQL without joins stays as it was)
    paid: j.paid ? ',\n    paid_order IS NOT NULL AS paid' : '',
  };
}

/**
 * The customers of the table and their place: those of the orders (`first_seen`: the first row
 * naming each) with a counted order or a record, then the records no row named, in the file's
 * order. Columns customer_id, first_row (the sort key), listed.
 */
export const NUMBERED_CUSTOMERS = `SELECT f.customer_id, f.first_row, CASE WHEN r.rec_key IS NULL THEN 0 ELSE 1 END AS listed
FROM first_seen f LEFT JOIN records r ON r.rec_key = f.customer_id
WHERE r.rec_key IS NOT NULL OR f.customer_id IN (SELECT customer_id FROM buyers)
UNION ALL
SELECT r.rec_key, ${PROSPECT_ROWS} + r.listed_row, 1 FROM records r
WHERE r.rec_key NOT IN (SELECT customer_id FROM first_seen)`;

/** The records' attributes, one row per value: customer_id, attr (its index), value; and one row with attr -1 per record. */
export function recordValues(n: number): string {
  const rows = ['SELECT rec_key AS customer_id, -1 AS attr, NULL AS value FROM records'];
  for (let i = 0; i < n; i++) rows.push(`SELECT rec_key, ${i}, a${i} FROM records WHERE a${i} IS NOT NULL`);
  return rows.join('\nUNION ALL ');
}

/** The compiled parts with the joined files: their steps first, the customers with the prospects, and the parts that read them back. */
export function withJoins(p: CompiledParts, d: Dialect, joins: Joins): CompiledParts {
  const steps: string[] = [];
  const parts = { ...p.parts } as CompiledParts['parts'];
  const extra: NonNullable<CompiledParts['extra']> = {};
  if (joins.payments) {
    steps.push(paymentsSteps(d, joins.payments));
    extra.paymentsChecks = { select: paymentsChecks(d) };
  }
  if (joins.customers) {
    steps.push(customersSteps(d, joins.customers));
    parts.customers = { with: p.parts.customers.with, select: `SELECT customer_id, first_row, listed FROM (\n${NUMBERED_CUSTOMERS}\n) AS n ORDER BY first_row` };
    extra.customersChecks = { with: CUSTOMERS_REPEATED, select: customersChecks() };
    extra.records = { select: recordValues(joins.customers.attributes.length) };
  }
  return { steps: [...steps, p.steps].join(',\n'), parts, extra };
}
