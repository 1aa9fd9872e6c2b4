/**
 * What differs between the SQL dialects clm prints (issue 13): quoting of names and strings,
 * regular expressions, days since 1970-01-01 of a `YYYY-MM-DD` text, casts and approximate
 * quantiles. One small table per dialect; engine/sql/compile.ts writes everything else in the
 * SQL the six share. Not a general SQL builder.
 */

export const DIALECT_NAMES = ['duckdb', 'postgres', 'spark', 'trino', 'bigquery', 'snowflake'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

export interface Dialect {
  readonly name: DialectName;
  /** A name (one part of a table name, or a column) as a quoted identifier. */
  ident(name: string): string;
  /** A string literal holding exactly `text`. */
  lit(text: string): string;
  /** Type names for casts. */
  readonly text: string;
  readonly bigint: string;
  readonly double: string;
  /** True when `s` matches the regular expression `pattern` somewhere (patterns here are anchored). */
  matches(s: string, pattern: string): string;
  /** `s` with every match of `pattern` replaced by `replacement`. */
  replaceAll(s: string, pattern: string, replacement: string): string;
  /** `s` (a text) as a DATE, NULL when it is no calendar date (2023-02-30). */
  tryDate(s: string): string;
  /** Whole days from DATE `a` to DATE `b`. */
  daysBetween(a: string, b: string): string;
  /** The DATE `n` days after 1970-01-01 (`n` a whole number). */
  dateOfDay(n: string): string;
  /** The approximate q-quantile of `x` (an aggregate). */
  quantile(x: string, q: number): string;
  /** Written at the end of a step that must be computed once per row, not inlined into every use of its columns ('' when the planner does not inline). */
  readonly fence: string;
}

/** Characters no quoted name may hold: NUL ends a C string in some drivers, and none of the dialects allow it. */
function checkName(name: string): string {
  if (name.length === 0) throw new Error('an empty name cannot be quoted');
  if (name.includes('\0')) throw new Error(`the name ${JSON.stringify(name)} holds a NUL character`);
  return name;
}

/** Standard SQL: "name" with " doubled, 'text' with ' doubled; a backslash is an ordinary character. */
const doubleQuoted = (n: string): string => `"${checkName(n).replace(/"/g, '""')}"`;
const standardLit = (t: string): string => `'${checkName0(t).replace(/'/g, "''")}'`;
/** Dialects where a backslash escapes inside a string literal (Spark, BigQuery, Snowflake). */
const backslashLit = (t: string): string => `'${checkName0(t).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function checkName0(text: string): string {
  if (text.includes('\0')) throw new Error(`the text ${JSON.stringify(text)} holds a NUL character`);
  return text;
}

const EPOCH = "DATE '1970-01-01'";

export const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  duckdb: {
    name: 'duckdb',
    ident: doubleQuoted,
    lit: standardLit,
    text: 'VARCHAR',
    bigint: 'BIGINT',
    double: 'DOUBLE',
    matches: (s, p) => `regexp_matches(${s}, ${standardLit(p)})`,
    replaceAll: (s, p, r) => `regexp_replace(${s}, ${standardLit(p)}, ${standardLit(r)}, 'g')`,
    tryDate: (s) => `TRY_CAST(${s} AS DATE)`,
    daysBetween: (a, b) => `date_diff('day', ${a}, ${b})`,
    dateOfDay: (n) => `(${EPOCH} + CAST(${n} AS INTEGER))`,
    quantile: (x, q) => `approx_quantile(${x}, ${q})`,
    fence: '',
  },
  postgres: {
    name: 'postgres',
    ident: doubleQuoted,
    lit: standardLit,
    text: 'TEXT',
    bigint: 'BIGINT',
    double: 'DOUBLE PRECISION',
    matches: (s, p) => `(${s} ~ ${standardLit(p)})`,
    replaceAll: (s, p, r) => `regexp_replace(${s}, ${standardLit(p)}, ${standardLit(r)}, 'g')`,
    // Postgres has no TRY_CAST and a cast of 2023-02-30 stops the query: the text already matched
    // YYYY-MM-DD with month 01-12 and day 01-31 (compile.ts), so the date is the month's first day
    // plus the days after it, kept when it is still that day of the month (year 0000 is no date)
    tryDate: (s) => {
      const first = `CAST(concat(substr(${s}, 1, 8), '01') AS DATE)`;
      const day = `CAST(substr(${s}, 9, 2) AS INTEGER)`;
      return `CASE WHEN substr(${s}, 1, 4) <> '0000' AND EXTRACT(DAY FROM ${first} + (${day} - 1)) = ${day} THEN ${first} + (${day} - 1) END`;
    },
    daysBetween: (a, b) => `(${b} - ${a})`,
    dateOfDay: (n) => `(${EPOCH} + CAST(${n} AS INTEGER))`,
    quantile: (x, q) => `percentile_cont(${q}) WITHIN GROUP (ORDER BY ${x})`,
    // Postgres inlines a step used once, copying each long date or key expression to every use of
    // its column (30 s instead of 2 on CDNOW); OFFSET 0 keeps the step whole
    fence: ' OFFSET 0',
  },
  spark: {
    name: 'spark',
    ident: (n) => `\`${checkName(n).replace(/`/g, '``')}\``,
    lit: backslashLit,
    text: 'STRING',
    bigint: 'BIGINT',
    double: 'DOUBLE',
    matches: (s, p) => `(${s} RLIKE ${backslashLit(p)})`,
    replaceAll: (s, p, r) => `regexp_replace(${s}, ${backslashLit(p)}, ${backslashLit(r)})`,
    // try_to_timestamp (Spark 3.4+): NULL for 2023-02-30 whether or not ANSI mode is on
    tryDate: (s) => `CAST(try_to_timestamp(${s}, 'yyyy-MM-dd') AS DATE)`,
    daysBetween: (a, b) => `datediff(${b}, ${a})`,
    dateOfDay: (n) => `date_add(${EPOCH}, CAST(${n} AS INT))`,
    quantile: (x, q) => `percentile_approx(${x}, ${q})`,
    fence: '',
  },
  trino: {
    name: 'trino',
    ident: doubleQuoted,
    lit: standardLit,
    text: 'VARCHAR',
    bigint: 'BIGINT',
    double: 'DOUBLE',
    matches: (s, p) => `regexp_like(${s}, ${standardLit(p)})`,
    replaceAll: (s, p, r) => `regexp_replace(${s}, ${standardLit(p)}, ${standardLit(r)})`,
    tryDate: (s) => `try_cast(${s} AS DATE)`,
    daysBetween: (a, b) => `date_diff('day', ${a}, ${b})`,
    dateOfDay: (n) => `date_add('day', ${n}, ${EPOCH})`,
    quantile: (x, q) => `approx_percentile(${x}, ${q})`,
    fence: '',
  },
  bigquery: {
    name: 'bigquery',
    // BigQuery quoted names escape a backtick (and a backslash) with a backslash
    ident: (n) => `\`${checkName(n).replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``,
    lit: backslashLit,
    text: 'STRING',
    bigint: 'INT64',
    double: 'FLOAT64',
    matches: (s, p) => `REGEXP_CONTAINS(${s}, ${backslashLit(p)})`,
    replaceAll: (s, p, r) => `REGEXP_REPLACE(${s}, ${backslashLit(p)}, ${backslashLit(r)})`,
    tryDate: (s) => `SAFE_CAST(${s} AS DATE)`,
    daysBetween: (a, b) => `DATE_DIFF(${b}, ${a}, DAY)`,
    dateOfDay: (n) => `DATE_ADD(${EPOCH}, INTERVAL ${n} DAY)`,
    quantile: (x, q) => `APPROX_QUANTILES(${x}, 1000)[OFFSET(${Math.round(q * 1000)})]`,
    fence: '',
  },
  snowflake: {
    name: 'snowflake',
    ident: doubleQuoted,
    lit: backslashLit,
    text: 'VARCHAR',
    bigint: 'BIGINT',
    double: 'DOUBLE',
    // REGEXP_LIKE matches the whole text; the patterns here are anchored either way
    matches: (s, p) => `REGEXP_LIKE(${s}, ${backslashLit(p)})`,
    replaceAll: (s, p, r) => `REGEXP_REPLACE(${s}, ${backslashLit(p)}, ${backslashLit(r)})`,
    tryDate: (s) => `TRY_CAST(${s} AS DATE)`,
    daysBetween: (a, b) => `DATEDIFF(day, ${a}, ${b})`,
    dateOfDay: (n) => `DATEADD(day, ${n}, ${EPOCH})`,
    quantile: (x, q) => `APPROX_PERCENTILE(${x}, ${q})`,
    fence: '',
  },
};

/** Days since 1970-01-01 of a DATE expression. */
export function dayNumber(d: Dialect, date: string): string {
  return d.daysBetween(EPOCH, date);
}

/** A table name as written (`schema.table` or `project.dataset.table`): each dotted part quoted on its own. */
export function tableName(d: Dialect, name: string): string {
  const parts = name.split('.');
  if (parts.some((p) => p === '')) throw new Error(`the table name ${JSON.stringify(name)} has an empty part`);
  return parts.map((p) => d.ident(p)).join('.');
}

export function isDialect(name: string): name is DialectName {
  return (DIALECT_NAMES as readonly string[]).includes(name);
}
