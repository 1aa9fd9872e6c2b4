import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, Type } from '@uwdata/flechette';
import { parse } from 'csv-parse/sync';
import { expectedDir } from './golden-helpers.js';

const TYPE_NAMES: Record<number, string> = { [Type.Utf8]: 'utf8', [Type.Int]: 'int', [Type.Float]: 'float', [Type.Date]: 'date', [Type.Bool]: 'bool' };
const DAY = 86_400_000;

/**
 * `--format arrow` bytes as reviewable text, read back with flechette rather than kept as bytes
 * (a binary golden would show no readable diff): the schema (name: type), one JSON line per row
 * with dates as YYYY-MM-DD, and then every cell that disagrees with the same table's CSV (or TSV)
 * golden file `csvGolden` (compared as text, as numbers or as dates by the Arrow type), so a column that
 * loses its values or its type in Arrow shows in the golden, and its fix shows as a diff.
 */
export function arrowDump(bytes: Uint8Array, csvGolden: string): string {
  const t = tableFromIPC(bytes);
  const fields = t.schema.fields.map((f) => ({ name: f.name, type: TYPE_NAMES[f.type.typeId] ?? `type ${f.type.typeId}` }));
  const rows = (t.toArray() as Record<string, unknown>[]).map((r) => Object.fromEntries(fields.map((f) => [f.name, cell(r[f.name], f.type)])));
  const csv = parse(readFileSync(join(expectedDir, csvGolden), 'utf8'), { columns: false, delimiter: csvGolden.endsWith('.tsv') ? '\t' : ',' }) as string[][];
  const disagreements: string[] = [];
  if (csv[0].join(',') !== fields.map((f) => f.name).join(',')) disagreements.push(`columns: CSV ${csv[0].join(',')}`);
  if (csv.length - 1 !== rows.length) disagreements.push(`rows: CSV ${csv.length - 1}, Arrow ${rows.length}`);
  rows.forEach((r, i) =>
    fields.forEach((f, k) => {
      const text = csv[i + 1]?.[k] ?? '';
      const v = r[f.name];
      const same = v === null ? text === '' : f.type === 'int' || f.type === 'float' ? Number(text) === v && text !== '' : String(v) === text;
      if (!same) disagreements.push(`row ${i + 1} ${f.name}: CSV ${JSON.stringify(text)}, Arrow ${JSON.stringify(v)}`);
    }),
  );
  return [
    `schema (${rows.length} rows):`,
    ...fields.map((f) => `  ${f.name}: ${f.type}`),
    'rows:',
    ...rows.map((r) => JSON.stringify(r)),
    `cells that differ from ${csvGolden}: ${disagreements.length === 0 ? 'none' : ''}`,
    ...disagreements.map((d) => `  ${d}`),
    '',
  ].join('\n');
}

function cell(v: unknown, type: string): unknown {
  if (v === null || v === undefined) return null;
  if (type === 'date') return new Date(v as number).toISOString().slice(0, 10) + ((v as number) % DAY === 0 ? '' : ' (not a whole day)');
  if (typeof v === 'bigint') return Number(v);
  return v;
}
