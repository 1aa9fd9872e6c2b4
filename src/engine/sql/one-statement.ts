/**
 * Every compiled query (engine/sql/compile.ts) as one statement (Postgres; DuckDB at line grain) over the steps they
 * share, so the table is read and the rules applied once, not once per query: a READ ONLY
 * transaction cannot keep the rows in a temporary table between statements. Each row carries
 * the number of its part; the rows are read back in the shapes of engine/sql/summaries.ts
 * partQuery.
 */
import type { CompiledParts, CompiledSql, ExtraPart } from '../sql/compile.js';

type Part = keyof CompiledSql | ExtraPart;

/** Each part's number and its row: text columns t1-t3, integer columns n1-n3, and o1, the first sort key. */
const ROWS: readonly [Part, string][] = [
  ['outcomes', 'outcome, NULL, NULL, row_count, NULL, NULL, NULL'],
  ['currencies', 'currency, NULL, NULL, row_count, NULL, NULL, NULL'],
  ['unknownStatuses', 'status, NULL, NULL, row_count, NULL, NULL, NULL'],
  ['amountDecimals', 'NULL, NULL, NULL, three, one_or_two, NULL, NULL'],
  ['customers', 'customer_id, NULL, NULL, first_row, NULL, NULL, first_row'],
  ['ledger', 'customer_id, NULL, NULL, day, orders, amount_mills, NULL'],
  ['attributes', 'customer_id, channel, country, NULL, NULL, NULL, NULL'],
  // the joined files' parts (engine/sql/joins.ts), when there are any
  ['records', 'customer_id, value, NULL, attr, NULL, NULL, NULL'],
  ['customersChecks', 'name, NULL, NULL, n, NULL, NULL, NULL'],
  ['paymentsChecks', 'name, NULL, NULL, n, NULL, NULL, NULL'],
];

/** `collate`: how text sorts as bytes (Postgres: COLLATE "C"; DuckDB's default already does). */
export function oneStatement(p: CompiledParts, collate = ' COLLATE "C"'): string {
  const ctes = [p.steps];
  const selects: string[] = [];
  ROWS.forEach(([name, cols], k) => {
    const part = name in p.parts ? p.parts[name as keyof CompiledSql] : p.extra?.[name as ExtraPart];
    if (!part) return;
    if (part.with) ctes.push(part.with);
    ctes.push(`clm_${name} AS (\n${part.select}\n)`);
    const [t1, t2, t3, n1, n2, n3, o1] = cols.split(', ');
    const t = (x: string): string => `CAST(${x} AS TEXT)`;
    const n = (x: string): string => `CAST(${x} AS BIGINT)`;
    selects.push(`SELECT ${k} AS part, ${t(t1)} AS t1, ${t(t2)} AS t2, ${t(t3)} AS t3, ${n(n1)} AS n1, ${n(n2)} AS n2, ${n(n3)} AS n3, ${n(o1)} AS o1 FROM clm_${name}`);
  });
  // customers by their first row, then id; the ledger by customer (bytes, as DuckDB sorts), then day
  return `WITH ${ctes.join(',\n')}\nSELECT part, t1, t2, t3, n1, n2, n3 FROM (\n${selects.join('\nUNION ALL\n')}\n) AS clm_all\nORDER BY part, o1, t1${collate}, n1`;
}

/** The parts of one statement's rows, filled row by row as they are fetched (one copy of the result, in columns). */
export class PartRows {
  readonly parts: Record<Part, unknown[][]> = {
    outcomes: [[], []],
    currencies: [[], []],
    unknownStatuses: [[], []],
    amountDecimals: [[], []],
    customers: [[], []],
    ledger: [[], [], [], []],
    attributes: [[], [], []],
    records: [[], [], []],
    customersChecks: [[], []],
    paymentsChecks: [[], []],
  };

  /** One row of oneStatement: part, t1, t2, t3, n1, n2, n3 (n as bigint). */
  add(row: unknown[]): void {
    const [k, t1, t2, t3, n1, n2, n3] = row as [number, string | null, string | null, string | null, bigint | null, bigint | null, bigint | null];
    const name = ROWS[k][0];
    const c = this.parts[name];
    switch (name) {
      case 'amountDecimals':
        c[0].push(Number(n1));
        c[1].push(Number(n2));
        break;
      case 'ledger':
        c[0].push(t1);
        c[1].push(Number(n1));
        c[2].push(Number(n2));
        c[3].push(n3);
        break;
      case 'records':
        c[0].push(t1);
        c[1].push(Number(n1));
        c[2].push(t2);
        break;
      case 'attributes':
        c[0].push(t1);
        c[1].push(t2);
        c[2].push(t3);
        break;
      default:
        c[0].push(t1);
        c[1].push(n1);
    }
  }
}
