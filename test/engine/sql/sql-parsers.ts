import { createRequire } from 'node:module';
import type { DialectName } from '../../../src/engine/sql/dialects.js';

/** node-sql-parser's build for each dialect clm prints but does not run (Spark: the hive grammar). */
const BUILDS: Partial<Record<DialectName, string>> = { postgres: 'postgresql', spark: 'hive', trino: 'trino', bigquery: 'bigquery', snowflake: 'snowflake' };
export const PARSED_DIALECTS = Object.keys(BUILDS) as DialectName[];

const require = createRequire(import.meta.url);

/** The AST of one statement in `dialect`, or a thrown parse error. */
export function parseSql(dialect: DialectName, sql: string): unknown {
  const build = BUILDS[dialect]!;
  const { Parser } = require(`node-sql-parser/build/${build}.js`) as { Parser: new () => { astify(sql: string, opt: { database: string }): unknown } };
  return new Parser().astify(sql, { database: build });
}

/** The statements of `clm sql` output (split on the `;` that ends each; names inside are quoted, and a `;` in one is not at a line end followed by a newline and comment). */
export function statements(text: string): string[] {
  return text
    .split(/;\n/)
    .map((s) => s.replace(/^(--[^\n]*\n|\n)*/g, '').trim())
    .filter((s) => s.length > 0);
}
