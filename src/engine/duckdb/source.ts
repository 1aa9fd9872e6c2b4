/**
 * The DuckDB engine's view of an orders file: its header as clm reads it (io/read-table.ts,
 * the same delimiter detection, BOM and headerless layouts as the streaming reader) and the
 * DuckDB SQL that reads its rows as text, in file order, under positional names (c0, c1, ...),
 * so no header text ever becomes an identifier.
 */
import { DataError } from '../../domain/errors.js';
import { scanTable, type HeaderInfo } from '../../io/read-table.js';
import type { Preset } from '../../io/mapping.js';
import { DIALECTS } from '../sql/dialects.js';

const duck = DIALECTS.duckdb;

export type FileKind = 'csv' | 'parquet';

export function fileKind(path: string): FileKind {
  return /\.(parquet|pq)$/i.test(path) ? 'parquet' : 'csv';
}

class HeaderRead extends Error {
  constructor(readonly header: HeaderInfo) {
    super('header read');
  }
}

/** The header of a delimited file as the streaming reader sees it (stops after the first record). */
export async function readHeader(path: string, preset: Preset | undefined, delimiter: HeaderInfo['delimiter'] | undefined, encoding: string | undefined): Promise<HeaderInfo> {
  try {
    await scanTable(
      { path, encoding, delimiter: delimiter ?? (preset?.whitespace ? 'whitespace' : undefined), headerless: preset?.headerless, what: 'orders' },
      (h) => {
        throw new HeaderRead(h);
      },
    );
  } catch (e) {
    if (e instanceof HeaderRead) return e.header;
    throw e;
  }
  throw new DataError('the orders file has no header line', { file: path, line: 1 });
}

/** Positional column names for n columns. */
export function positional(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `c${i}`);
}

/** What a delimited file is read from: statements to run first (none but for whitespace) and the source as it goes after FROM, in file order. */
export interface CsvSource {
  load: string;
  from: string;
  /** Whether each row's field count must be checked in clm_orders (whitespace files: DuckDB does not split them). */
  checkFields: boolean;
}

/**
 * The rows of a delimited file, .gz included, every column text under positional names. A
 * delimited file is read straight from read_csv (no copy); a record DuckDB cannot split into
 * exactly the header's fields stops the statement (the streaming engine rejects such rows one
 * by one, with their lines). A whitespace-separated file is split into the temporary table
 * `clm_orders` first (with clm_fields, each row's field count).
 */
export function csvSource(path: string, header: HeaderInfo): CsvSource {
  const n = header.headers.length;
  const names = positional(n);
  if (header.delimiter === 'whitespace') {
    // whitespace-separated (CDNOW): one text column per line, split on runs of blanks
    const parts = `regexp_split_to_array(trim(line, ' ' || chr(9)), '[ \\t]+')`;
    const cols = names.map((c, i) => `parts[${i + 1}] AS ${duck.ident(c)}`).join(', ');
    return {
      load: `CREATE TEMP TABLE clm_split AS SELECT ${parts} AS parts FROM read_csv(${duck.lit(path)}, header = false, auto_detect = false, columns = {'line': 'VARCHAR'}, delim = chr(31), quote = '', escape = '', skip = ${header.headerless ? 0 : 1}) WHERE trim(line, ' ' || chr(9)) <> '';
CREATE TEMP TABLE clm_orders AS SELECT len(parts) AS clm_fields, ${cols} FROM clm_split;
DROP TABLE clm_split`,
      from: 'clm_orders',
      checkFields: true,
    };
  }
  const delim = String.fromCharCode(header.delimiter);
  const columns = `{${names.map((c) => `${duck.lit(c)}: 'VARCHAR'`).join(', ')}}`;
  return {
    load: '',
    from: `read_csv(${duck.lit(path)}, header = false, auto_detect = false, columns = ${columns}, delim = ${duck.lit(delim)}, quote = '"', escape = '"', skip = ${header.headerless ? 0 : 1}, strict_mode = true, null_padding = false, ignore_errors = false)`,
    checkFields: false,
  };
}

/** A Parquet file as the source: its own column names become positional, every value text; read in file order. */
export function parquetSource(path: string, columns: string[]): string {
  const cols = columns.map((c, i) => `CAST(${duck.ident(c)} AS VARCHAR) AS ${duck.ident(`c${i}`)}`).join(', ');
  return `(SELECT ${cols} FROM read_parquet(${duck.lit(path)})) AS clm_parquet`;
}
