/**
 * `--customers TABLE` and `--payments TABLE` with --db: the joined files of engine/sql/joins.ts
 * as tables in the same database, mapped as a file's header is (--map customers.FIELD=COLUMN,
 * the preset), read under positional names (no column name becomes SQL text but quoted), the
 * table names quoted part by part as --orders is. The customers table's physical row order
 * (ctid) stands for the file's order, so it must be an ordinary table; the payments are summed,
 * so a view will do. The joins' steps go into the one read-only statement.
 */
import { DataError, type ClmError } from '../../domain/errors.js';
import { getPreset, mapColumns } from '../../io/mapping.js';
import type { ReadSpec } from '../spec.js';
import type { CompiledParts } from '../sql/compile.js';
import { DIALECTS } from '../sql/dialects.js';
import type { JoinedFiles } from '../sql/joined-read.js';
import { withJoins, type Joins, type JoinNames } from '../sql/joins.js';
import { customerAttributes } from '../customer-attributes.js';
import { ROW_ORDER } from './postgres-engine.js';

const pgd = DIALECTS.postgres;

/** A table described: its columns (the header), its kind (r: an ordinary table) and its quoted name. */
type Describe = (name: string, flag: string) => Promise<{ headers: string[]; relkind: string; table: string }>;

/** The source of a table's rows under positional names c0, c1, ... (and clm_row, its physical order, when `ordered`). */
function positionalFrom(table: string, headers: string[], alias: string, ordered: boolean): string {
  const cols = headers.map((h, i) => `${pgd.ident(h)} AS ${pgd.ident(`c${i}`)}`).join(', ');
  return `(SELECT ${ordered ? `${ROW_ORDER} AS clm_row, ` : ''}${cols} FROM ${table}) AS ${alias}`;
}

export async function joinedTables(
  spec: ReadSpec,
  describe: Describe,
  where: string,
  refuse: (why: string) => ClmError,
): Promise<{ files: JoinedFiles; names: JoinNames; compile: (p: CompiledParts) => CompiledParts }> {
  const preset = getPreset(spec.preset);
  const files: JoinedFiles = {};
  const joins: Joins = {};
  const names: JoinNames = {};
  const c = (i: number): string => `c${i}`;
  if (spec.customers !== undefined) {
    const { headers, relkind, table } = await describe(spec.customers, '--customers');
    if (relkind !== 'r') throw refuse(`the customers table ${spec.customers} is a view or partitioned table: the first row of a repeated id and the order of the prospects need the rows' order (load it into a table)`);
    const mapping = mapColumns('customers', headers, preset, spec.map.customers, spec.customers);
    const id = mapping.fields.get('customer_id');
    if (!id) throw new DataError(`no customer id column in the customers table ${spec.customers} (its columns: ${headers.join(', ')})`, {}, 'pass --map customers.customer_id=COLUMN');
    const attrs = customerAttributes(headers, mapping);
    const person = mapping.fields.get('person_key');
    joins.customers = {
      from: positionalFrom(table, headers, 'clm_cust_src', true),
      rowOrder: 'clm_row',
      header: headers.map((text, i) => ({ column: c(i), text })),
      id: c(id.index),
      person: person ? c(person.index) : undefined,
      attributes: attrs.indexes.map(c),
      lowercaseIds: preset?.lowercaseIds ?? false,
    };
    names.people = 'people';
    files.customers = {
      path: spec.customers,
      headers,
      idColumn: id.column,
      attributeNames: attrs.names,
      attributeColumns: attrs.indexes.map((i) => headers[i]),
      report: { role: 'customers', source: { path: `${where} table ${spec.customers}`, bytes: undefined }, mapping, delimiter: 44 },
    };
  }
  if (spec.payments !== undefined) {
    const { headers, table } = await describe(spec.payments, '--payments');
    const mapping = mapColumns('payments', headers, preset ?? getPreset('olist'), spec.map.payments, spec.payments);
    const f = mapping.fields;
    if (!f.has('order_id') || (!f.has('amount') && !f.has('price'))) {
      throw new DataError(`the payments table ${spec.payments} needs an order id and an amount (or price) column (its columns: ${headers.join(', ')})`, {}, 'pass --map payments.order_id=COLUMN --map payments.amount=COLUMN');
    }
    const col = (field: string): string | undefined => (f.has(field) ? c(f.get(field)!.index) : undefined);
    joins.payments = { from: positionalFrom(table, headers, 'clm_pay_src', false), orderId: col('order_id')!, amount: col('amount'), price: col('price'), freight: col('freight') };
    names.paid = 'paid';
    files.payments = { path: spec.payments, report: { role: 'payments', source: { path: `${where} table ${spec.payments}`, bytes: undefined }, mapping, delimiter: 44 } };
  }
  return { files, names, compile: (p) => (joins.customers || joins.payments ? withJoins(p, pgd, joins) : p) };
}
