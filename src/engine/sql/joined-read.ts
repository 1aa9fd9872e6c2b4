/**
 * Reading back what the joined files (joins.ts) give, for any engine that runs the SQL: the
 * payments' checks (a value the SQL does not sum exactly refuses the input), the customers
 * file's counts and warnings, and its records as the table's attributes, prospects and `listed`,
 * as engine/streaming/read-orders.ts gives them.
 */
import type { CustomerTable } from '../../domain/customer-state.js';
import { DataError, type ClmError } from '../../domain/errors.js';
import type { InputReport, LoadedData } from '../spec.js';
import { repeatedIdsWarning } from '../input-checks.js';
import type { ExtraPart } from './compile.js';

/** What an engine knows of the joined files before the SQL runs. */
export interface JoinedFiles {
  customers?: {
    /** The file (or table) as named in messages. */
    path: string;
    headers: string[];
    idColumn: string;
    attributeNames: string[];
    /** The customers file's column of each attribute. */
    attributeColumns: string[];
    /** Its input report but the rows (counted by the SQL). */
    report: Omit<InputReport, 'rows'>;
  };
  payments?: { path: string; report: Omit<InputReport, 'rows'> };
}

/** The records of the customers file: key to attribute values (the streaming engine's CustomerRecord). */
export type Records = Map<string, { values: (string | undefined)[] }>;

type Part = (name: ExtraPart) => Promise<unknown[][]>;

function counts(rows: unknown[][]): Map<string, number> {
  const [names, n] = rows as [string[], bigint[]];
  return new Map(names.map((k, i) => [k, Number(n[i])]));
}

/** The payments' checks: a value the SQL does not read, or does not sum to the streaming engine's mill, refuses; else the rows. */
export async function checkPayments(part: Part, refuse: (why: string) => ClmError): Promise<number> {
  const c = counts(await part('paymentsChecks'));
  const n = (k: string): number => c.get(k) ?? 0;
  if (n('unread') > 0) throw refuse(`${n('unread')} rows of the payments file hold an amount in a form only the streaming engine reads (or rejects, naming the line); the SQL reads plain numbers`);
  if (n('many_decimals') > 0) throw refuse(`${n('many_decimals')} payment amounts have more than three decimals: the streaming engine sums them as doubles in file order and rounds once, which only it reproduces`);
  if (n('large') > 0) throw refuse(`${n('large')} orders have payments so large (or so many) that summing them as doubles may lose a mill: only the streaming engine sums them as it does`);
  return n('rows');
}

/** The customers file's counts (LoadedData.customersFile) and its warnings, as the streaming engine gives them. */
export async function checkCustomers(part: Part, files: JoinedFiles, warn: (m: string) => void): Promise<NonNullable<LoadedData['customersFile']>> {
  const f = files.customers!;
  const c = counts(await part('customersChecks'));
  const n = (k: string): number => c.get(k) ?? 0;
  const rows = n('rows');
  if (rows === 0) throw new DataError('the customers file has a header but no rows', { file: f.path, line: 1 }, 'export it again, or leave out --customers');
  if (n('blank_id_rows') > 0) warn(`${f.path}: rows left out of the customers file: ${n('blank_id_rows')} with a blank customer id`);
  const repeated = repeatedIdsWarning(f.path, f.headers, f.idColumn, n('repeated_rows'), n('repeated_ids'), rows);
  if (repeated) warn(repeated);
  return {
    rows,
    customers: n('customers'),
    duplicateRows: n('kept_rows') - n('customers'),
    blankIdRows: n('blank_id_rows'),
    brokenRows: 0,
    blankRows: n('blank_rows'),
    repeatedHeaderRows: n('repeated_header_rows'),
  };
}

/** The records from their part: customer_id, attr (-1: the record itself), value. */
export async function readRecords(part: Part, attributes: number): Promise<Records> {
  const [keys, attrs, values] = (await part('records')) as [string[], (number | bigint)[], (string | null)[]];
  const out: Records = new Map();
  for (let i = 0; i < keys.length; i++) {
    let r = out.get(keys[i]);
    if (!r) out.set(keys[i], (r = { values: new Array<string | undefined>(attributes).fill(undefined) }));
    const a = Number(attrs[i]);
    if (a >= 0) r.values[a] = values[i] ?? undefined;
  }
  return out;
}

/**
 * The table with the customers file's attributes first, then the orders' channel and country
 * where the file has no such name (read-orders.ts), and which customers the file lists.
 */
export function withRecords(table: CustomerTable, records: Records, names: string[]): { table: CustomerTable; listed: Uint8Array } {
  const rows = table.ids.map((id) => records.get(id));
  const attributeNames = [...names];
  const attributes = names.map((_, a) => rows.map((r) => r?.values[a]));
  table.attributeNames.forEach((name, k) => {
    if (attributeNames.includes(name)) return;
    attributeNames.push(name);
    attributes.push(table.attributes[k]);
  });
  return { table: { ...table, attributeNames, attributes }, listed: Uint8Array.from(rows, (r) => (r ? 1 : 0)) };
}
