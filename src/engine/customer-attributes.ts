/**
 * The attribute columns of a customers file and their names, as every engine names them: every
 * column but the id and the person key; a mapped field owns its name (Shopify's "Country" column
 * must not take `country` from the mapped "Country Code": --by country and --where country read
 * the mapped column); others are snake_case; a name taken, or one of the leading output columns,
 * becomes attr_NAME.
 */
import type { FileMapping } from '../io/mapping.js';

/** Output columns of `clm customers` that attributes must not shadow. */
export const LEADING_COLUMNS = new Set(['customer_id', 'first_order_date', 'last_order_date', 'orders', 'purchase_days', 'revenue']);

function snakeCase(header: string): string {
  const s = header
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return s || 'column';
}

/** The attributes of a customers file with this header and mapping: their names and column indexes, in header order. */
export function customerAttributes(headers: string[], mapping: FileMapping): { names: string[]; indexes: number[] } {
  const id = mapping.fields.get('customer_id');
  const person = mapping.fields.get('person_key');
  const skip = new Set([id?.index ?? -1, person?.index ?? -1]);
  const canonicalAt = new Map<number, string>();
  for (const f of mapping.fields.values()) {
    if (f.field !== 'customer_id' && f.field !== 'person_key') canonicalAt.set(f.index, f.field);
  }
  const seen = new Set<string>();
  const mappedNames = new Set(canonicalAt.values());
  const names: string[] = [];
  const indexes: number[] = [];
  headers.forEach((col, i) => {
    if (skip.has(i)) return;
    let name = canonicalAt.get(i) ?? snakeCase(col);
    const taken = !canonicalAt.has(i) && mappedNames.has(name);
    if (name === 'customer_id' || seen.has(name) || taken || LEADING_COLUMNS.has(name)) name = `attr_${name}`;
    while (seen.has(name)) name += '_';
    seen.add(name);
    names.push(name);
    indexes.push(i);
  });
  return { names, indexes };
}
