import { describe, expect, it } from 'vitest';
import { runClm } from '../../helpers/run-clm.js';
import { DIALECT_NAMES, type DialectName } from '../../../src/engine/sql/dialects.js';
import { parseSql, PARSED_DIALECTS, statements } from './sql-parsers.js';
import { COHORT_ACTIVITY_COLUMNS, RFM_COUNTS_COLUMNS, SPEND_COUNTS_COLUMNS } from '../../../src/domain/summaries.js';

/**
 * A hostile table or column name can never change what the SQL means. Two checks:
 * - names with semicolons, comments, string quotes and newlines (but not the dialect's own
 *   identifier quote, which node-sql-parser cannot read escaped): the SQL parses to the same
 *   tree as with plain names, once each plain name stands for its hostile one;
 * - any name, its own quote character included: read by the dialect's rule for quoted
 *   names, every quoted name in the SQL is exactly one of the names given, and putting the
 *   plain names in their place gives the plain SQL, character for character (DuckDB runs
 *   such names too: test/engine/duckdb).
 */
const FIELDS = ['customer_id', 'order_date', 'amount', 'order_id', 'status'] as const;
type Names = Record<'table' | (typeof FIELDS)[number], string>;

/** Plain names, with a space: node-sql-parser reads a quoted one-word name as a string in some dialects, and one with a space as a name. */
const PLAIN: Names = { table: 't plain', customer_id: 'c plain', order_date: 'd plain', amount: 'a plain', order_id: 'o plain', status: 's plain' };
/** Hostile, without any identifier quote character. */
const NO_QUOTES: Names = {
  table: 'orders; DROP TABLE users; --',
  customer_id: "cust' OR '1'='1",
  order_date: 'day /* x',
  amount: "amt'; --\nDELETE FROM t",
  order_id: 'oid */ ;',
  status: 'st -- \\',
};
/** Hostile, with every identifier quote character and escape. */
const QUOTES: Names = {
  table: 'orders"; DROP TABLE users; --',
  customer_id: 'cust` OR 1=1 --',
  order_date: 'day\\` /* x',
  amount: 'amt""; --\nDELETE FROM t',
  order_id: 'oid\\"`]',
  status: "st'\\'",
};

/**
 * The parse tree without the parser's side lists of the names it met (tableList, columnList)
 * and its empty (null) fields, which it fills in for some names and not others; a quoted name
 * the parser took for a column reference and one it took for a double-quoted string are the
 * same node (Trino and Snowflake read "x" only as a name; the parser guesses per name).
 */
function tree(ast: unknown): unknown {
  const plain = JSON.parse(JSON.stringify(ast, (k, v) => (k === 'tableList' || k === 'columnList' || v === null ? undefined : v)));
  const fold = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(fold);
    if (n === null || typeof n !== 'object') return n;
    const o = n as Record<string, unknown>;
    const inner = (o.column as { expr?: { type?: string } } | undefined)?.expr;
    if (o.type === 'column_ref' && o.table === undefined && inner?.type === 'double_quote_string' && Object.keys(o).length === 2) return fold(inner);
    if (o.type === 'column_ref' && typeof o.column === 'string' && Object.keys(o).length === 2) return { type: 'double_quote_string', value: o.column };
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fold(v)]));
  };
  return fold(plain);
}

function args(n: Names): string[] {
  return ['--table', n.table, ...FIELDS.flatMap((f) => ['--map', `${f}=${n[f]}`])];
}

/** Quoted names as the dialect reads them: [the token as written, the name it stands for]. */
function quotedNames(dialect: DialectName, sql: string): [string, string][] {
  const out: [string, string][] = [];
  // string literals are skipped (none of clm's holds a quote character of a name)
  const re =
    dialect === 'spark'
      ? /'(?:[^'\\]|\\.)*'|`((?:[^`]|``)*)`/g
      : dialect === 'bigquery'
        ? /'(?:[^'\\]|\\.)*'|`((?:[^`\\]|\\.)*)`/g
        : dialect === 'snowflake'
          ? /'(?:[^'\\]|\\.|'')*'|"((?:[^"]|"")*)"/g
          : /'(?:[^']|'')*'|"((?:[^"]|"")*)"/g;
  for (const m of sql.matchAll(re)) {
    if (m[1] === undefined) continue;
    const name = dialect === 'spark' ? m[1].replace(/``/g, '`') : dialect === 'bigquery' ? m[1].replace(/\\(.)/gs, '$1') : m[1].replace(/""/g, '"');
    out.push([m[0], name]);
  }
  return out;
}

describe('clm sql: hostile names cannot inject SQL', () => {
  for (const [dialect, more] of PARSED_DIALECTS.flatMap((d) => [[d, []], [d, ['--summaries']]] as const)) {
    it(`${dialect}${more.join(' ')}: the same parse tree as with plain names`, async () => {
      const hostile = await runClm(['sql', '--dialect', dialect, ...more, ...args(NO_QUOTES)]);
      const plain = await runClm(['sql', '--dialect', dialect, ...more, ...args(PLAIN)]);
      expect(hostile.code).toBe(0);
      const h = statements(hostile.stdout);
      const p = statements(plain.stdout);
      expect(h).toHaveLength(3);
      for (let i = 0; i < 3; i++) {
        let json = JSON.stringify(parseSql(dialect, h[i]));
        for (const k of Object.keys(PLAIN) as (keyof Names)[]) {
          // the name as the parser gives it back: unescaped, or (BigQuery) as written
          for (const form of [NO_QUOTES[k].replace(/\\/g, '\\\\'), NO_QUOTES[k]]) json = json.split(JSON.stringify(form).slice(1, -1)).join(PLAIN[k]);
        }
        expect(tree(JSON.parse(json))).toEqual(tree(parseSql(dialect, p[i])));
      }
    });
  }

  for (const [dialect, more] of DIALECT_NAMES.flatMap((d) => [[d, []], [d, ['--summaries']]] as const)) {
    it(`${dialect}${more.join(' ')}: names with quote characters stay names`, async () => {
      const hostile = await runClm(['sql', '--dialect', dialect, ...more, ...args(QUOTES)]);
      const plain = await runClm(['sql', '--dialect', dialect, ...more, ...args(PLAIN)]);
      expect(hostile.code).toBe(0);
      const plainOf = new Map(Object.keys(PLAIN).map((k) => [QUOTES[k as keyof Names], PLAIN[k as keyof Names]]));
      const found = quotedNames(dialect, hostile.stdout);
      // besides the user's names, only the summary files' own column names (clm's, the same in both)
      const own = more.length > 0 ? [...new Set([...RFM_COUNTS_COLUMNS.filter((c) => c !== 'holdout_sum'), ...SPEND_COUNTS_COLUMNS, ...COHORT_ACTIVITY_COLUMNS])] : [];
      expect(new Set(found.map(([, n]) => n))).toEqual(new Set([...Object.values(QUOTES), ...own]));
      let text = hostile.stdout;
      for (const [token, name] of found.sort((a, b) => b[0].length - a[0].length)) {
        if (plainOf.has(name)) text = text.split(token).join(quotedNames(dialect, plain.stdout).find(([, n]) => n === plainOf.get(name))![0]);
      }
      expect(text).toBe(plain.stdout);
      // no name reaches a comment, where a newline would end it
      for (const line of hostile.stdout.split('\n').filter((l) => l.startsWith('--'))) expect(line).not.toMatch(/DROP|DELETE|cust[`']/);
    });
  }

  it('a NUL in a name, or an empty part of a table name, is refused', async () => {
    const nul = await runClm(['sql', '--dialect', 'postgres', '--table', 'a\0b']);
    expect(nul.code).toBe(2);
    expect(nul.stderr).toContain('NUL');
    const empty = await runClm(['sql', '--dialect', 'postgres', '--table', 'a..b']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('empty part');
  });
});
