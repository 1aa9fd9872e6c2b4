import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import pg from 'pg';

/** A quoted Postgres name. */
export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A delimited file's header and rows as the tests load them into Postgres: every value text, an empty field NULL (as a warehouse holds it). */
export function csvRows(path: string): { headers: string[]; rows: (string | null)[][] } {
  const records = parse(readFileSync(path, 'utf8'), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  const [headers, ...rest] = records;
  return { headers, rows: rest.map((r) => headers.map((_, i) => (r[i] === undefined || r[i] === '' ? null : r[i]))) };
}

/** A CDNOW log (whitespace-separated; its header line, when it has one, gives the column names). */
export function cdnowRows(path: string): { headers: string[]; rows: string[][] } {
  const rows = readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => l.split(/\s+/));
  if (/^[0-9]/.test(rows[0][0])) return { headers: ['customer_id', 'date', 'number_of_cds', 'dollar_value'], rows };
  return { headers: rows[0], rows: rows.slice(1) };
}

/**
 * Creates `table` (a quoted name) with these columns (text unless a type is given) and inserts
 * the rows in their order, in one statement per 50,000 rows (unnest of one text array per
 * column, cast to the column's type): a fresh table's physical order is then the file's.
 */
export async function loadTable(client: pg.Client, table: string, columns: { name: string; type?: string }[], rows: (string | null)[][]): Promise<void> {
  await client.query(`CREATE TABLE ${table} (${columns.map((c) => `${q(c.name)} ${c.type ?? 'text'}`).join(', ')})`);
  const casts = columns.map((c, i) => `CAST(u.c${i} AS ${c.type ?? 'text'})`).join(', ');
  const arrays = columns.map((_, i) => `$${i + 1}::text[]`).join(', ');
  const aliases = columns.map((_, i) => `c${i}`).join(', ');
  for (let at = 0; at < rows.length; at += 50_000) {
    const chunk = rows.slice(at, at + 50_000);
    await client.query(`INSERT INTO ${table} SELECT ${casts} FROM unnest(${arrays}) WITH ORDINALITY AS u(${aliases}, n) ORDER BY n`, columns.map((_, i) => chunk.map((r) => r[i])));
  }
}

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}
