import type { CustomerTable } from '../domain/customer-state.js';
import { DataError } from '../domain/errors.js';
import { getPreset, mapColumns, normalizeHeader, type FileMapping } from '../io/mapping.js';
import { recogniseHeader } from '../io/recognise-export.js';
import { normalizeCustomerKey } from './customer-key.js';
import type { ReadSpec } from './spec.js';

/**
 * Checks of the input every engine makes alike: the grain of the orders, repeated order ids,
 * and the customers file against itself and against the orders. Each returns (or warns) the
 * warning for people (file, counts, the flag that fixes it), or says nothing when all is well.
 */

/**
 * The header of an orders file rather than a customer list: an order id (not a bare `id`), an
 * order date and an amount (or quantity), or a recognised orders export.
 */
export function orderColumnsOf(headers: string[], file: string): string[] | undefined {
  const known = recogniseHeader('orders', headers);
  if (known && known.columns.length > 0) return known.columns;
  const m = mapColumns('orders', headers, undefined, new Map(), file).fields;
  const id = m.get('order_id');
  const date = m.get('order_date');
  const amount = m.get('amount') ?? m.get('quantity');
  if (!id || normalizeHeader(id.column) === 'id' || !date || !amount) return undefined;
  return [id.column, date.column, amount.column];
}

/**
 * Repeated customer ids in the customers file: the first row of each id is kept (the reader
 * skips later rows). An orders file passed as --customers is the usual cause.
 */
export function repeatedIdsWarning(file: string, headers: string[], idColumn: string, repeatedRows: number, repeatedIds: number, rows: number): string | undefined {
  if (repeatedRows === 0) return undefined;
  const n = (x: number): string => x.toLocaleString('en-US');
  const what = `${n(repeatedRows)} of ${n(rows)} rows repeat a customer id seen earlier (${n(repeatedIds)} id${repeatedIds === 1 ? '' : 's'} appear${repeatedIds === 1 ? 's' : ''} more than once in column ${JSON.stringify(idColumn)}); the first row of each id is kept, the later ones are left out`;
  const orderColumns = orderColumnsOf(headers, file);
  if (orderColumns) {
    return `${file}: ${what}. Is this an orders file? It has order columns (${orderColumns.map((c) => JSON.stringify(c)).join(', ')}): pass it as --orders, and the customer list (one row per customer) as --customers`;
  }
  return `${file}: ${what}. A customers file has one row per customer: check the export, or key it by another column with --map customers.customer_id=COLUMN`;
}

/** Below this share both ways, the customers file and the orders are taken to be keyed differently. */
export const MATCH_WARN_SHARE = 0.5;
/** With ids of one shape on both sides, only a file and orders of this many ids that join not once warn. */
export const SAME_SHAPE_MIN = 20;

export interface JoinCheck {
  customersFile: string;
  /** Rows of the customers file by key (normalised as the orders' keys are): the values of its attribute columns. */
  listed: ReadonlyMap<string, { values: (string | undefined)[] }>;
  /** Keys of the customers with a counted order. */
  buyers: ReadonlySet<string>;
  /** The attribute columns, to find the one that holds the orders' ids. */
  columns: string[];
  lowercase: boolean;
}

/**
 * The customers file joins the orders by customer id. When the two are keyed differently (an
 * e-mail against C0000001) no order finds its customer: every listed customer looks like a
 * prospect and every buyer has no attributes. Warns when fewer than half of the file's ids
 * are buyers AND fewer than half of the buyers are in the file (a CRM list with many
 * prospects, or a short list of VIPs, is normal), with both shapes and the --map that fixes it.
 */
export function customerJoinWarning(c: JoinCheck): string | undefined {
  const listedCount = c.listed.size;
  if (listedCount === 0 || c.buyers.size === 0) return undefined;
  let matched = 0;
  const listedShapes = new ShapeCount();
  for (const key of c.listed.keys()) {
    if (c.buyers.has(key)) matched++;
    else listedShapes.add(key);
  }
  const fileShare = matched / listedCount;
  const buyerShare = matched / c.buyers.size;
  if (fileShare >= MATCH_WARN_SHARE || buyerShare >= MATCH_WARN_SHARE) return undefined;
  const buyerShapes = new ShapeCount();
  for (const key of c.buyers) if (!c.listed.has(key)) buyerShapes.add(key);
  // ids of one shape on both sides (c1 against c0) are prospects and buyers of one shop, unless
  // not one of 20 or more joins (00001 against 1)
  const sameShape = buyerShapes.top()?.shape === listedShapes.top()?.shape;
  if (sameShape && (matched > 0 || listedCount < SAME_SHAPE_MIN || c.buyers.size < SAME_SHAPE_MIN)) return undefined;
  const buyerExample = buyerShapes.top()?.example;
  const listedExample = listedShapes.top()?.example;
  const n = (x: number): string => x.toLocaleString('en-US');
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const shapes = `orders look like ${JSON.stringify(buyerExample)}, customers like ${JSON.stringify(listedExample)}`;
  const head =
    matched === 0
      ? `none of the ${n(listedCount)} customer ids in ${c.customersFile} is the customer id of a counted order (${shapes}): every listed customer counts as a prospect and no buyer gets its attributes`
      : `only ${n(matched)} of the ${n(listedCount)} customer ids in ${c.customersFile} (${pct(fileShare)}) are customers of counted orders, and only ${pct(buyerShare)} of the ${n(c.buyers.size)} buyers are in it (under half both ways; ${shapes})`;
  const column = columnHoldingBuyers(c, listedCount);
  const fix = column
    ? `pass --map customers.customer_id=${JSON.stringify(column.name)} (that column holds ${n(column.hits)} of the buyers' ids)`
    : `pass --map customers.customer_id=COLUMN naming the customers column with ids like ${JSON.stringify(buyerExample)}, or --map customer_id=COLUMN naming the orders column with ids like ${JSON.stringify(listedExample)}`;
  return `${head}; ${fix}`;
}

/** The shape of a key (letters a, digits 9: "a9@a.a", "A9"), to show a typical one of each side. */
class ShapeCount {
  private readonly counts = new Map<string, { n: number; example: string }>();

  add(key: string): void {
    const shape = key.replace(/\p{Lu}+/gu, 'A').replace(/\p{L}+/gu, 'a').replace(/\d+/g, '9');
    const c = this.counts.get(shape);
    if (c) c.n++;
    else if (this.counts.size < 1000) this.counts.set(shape, { n: 1, example: key });
  }

  /** The most common shape and an example of it. */
  top(): { shape: string; example: string } | undefined {
    let best: [string, { n: number; example: string }] | undefined;
    for (const e of this.counts) if (!best || e[1].n > best[1].n) best = e;
    return best && { shape: best[0], example: best[1].example };
  }
}

/** The attribute column of the customers file whose values match the most buyers, if it beats the id column. */
function columnHoldingBuyers(c: JoinCheck, listedCount: number): { name: string; hits: number } | undefined {
  const hits = new Array<number>(c.columns.length).fill(0);
  for (const { values } of c.listed.values()) {
    for (let a = 0; a < values.length; a++) {
      const v = values[a];
      if (v !== undefined && c.buyers.has(normalizeCustomerKey(v, c.lowercase))) hits[a]++;
    }
  }
  let best = -1;
  for (let a = 0; a < hits.length; a++) if (hits[a] > 0 && (best < 0 || hits[a] > hits[best])) best = a;
  if (best < 0 || hits[best] < MATCH_WARN_SHARE * Math.min(listedCount, c.buyers.size)) return undefined;
  return { name: c.columns[best], hits: hits[best] };
}

/** Two or more words of letters: "Jane Doe", "María José Pérez". */
const DISPLAY_NAME = /^\p{L}[\p{L}\p{M}'’.-]*(?:\s+\p{L}[\p{L}\p{M}'’.-]*)+$/u;

/**
 * Customer keys that are display names (WooCommerce's Analytics orders download has only a
 * "Customer" name column): two people with one name become one customer. Warns when most of
 * the first 1,000 keys look like names.
 */
export function displayNameKeysWarning(file: string, idColumn: string | undefined, keys: string[]): string | undefined {
  const sample = keys.slice(0, 1000);
  if (sample.length === 0) return undefined;
  const names = sample.filter((k) => DISPLAY_NAME.test(k));
  if (names.length < 2 || names.length < MATCH_WARN_SHARE * sample.length) return undefined;
  return `${file}: the customer ids${idColumn ? ` in column ${JSON.stringify(idColumn)}` : ''} look like people's names (${names
    .slice(0, 2)
    .map((k) => JSON.stringify(k))
    .join(', ')}, ${names.length.toLocaleString('en-US')} of the first ${sample.length.toLocaleString('en-US')}): two people with one name become one customer. Key the orders by an e-mail or customer id with --map customer_id=COLUMN if the export has one`;
}

/**
 * The warnings about the customer keys once the orders are read: keys that are people's
 * names, and a customers file that joins (almost) none of the buyers.
 */
export function customerKeyWarnings(
  table: Pick<CustomerTable, 'size' | 'ids' | 'orders'>,
  ordersFile: string,
  idColumn: string | undefined,
  customersFile: { path: string; records: JoinCheck['listed']; columns: string[] } | undefined,
  lowercase: boolean,
): string[] {
  const out: string[] = [];
  const sample: string[] = [];
  for (let i = 0; i < table.size && sample.length < 1000; i++) if (table.orders[i] > 0) sample.push(table.ids[i]);
  const names = displayNameKeysWarning(ordersFile, idColumn, sample);
  if (names) out.push(names);
  if (!customersFile) return out;
  const buyers = new Set<string>();
  for (let i = 0; i < table.size; i++) if (table.orders[i] > 0) buyers.add(table.ids[i]);
  const join = customerJoinWarning({ customersFile: customersFile.path, listed: customersFile.records, buyers, columns: customersFile.columns, lowercase });
  if (join) out.push(join);
  return out;
}

/** Order or line grain: --grain, the preset, or line grain when rows have quantity but no amount. */
export function passGrain(opts: { grain?: 'order' | 'line'; preset?: string }, mapping: FileMapping): 'order' | 'line' {
  const preset = getPreset(opts.preset);
  const f = mapping.fields;
  if (opts.grain !== undefined) return opts.grain;
  if (preset !== undefined) return preset.grain ?? 'order';
  return !f.has('amount') && f.has('quantity') ? 'line' : 'order';
}

/** A share of rows repeating an earlier order id above this always warns (order grain). */
export const DUPLICATE_WARN_SHARE = 0.02;
/**
 * Above this share and count, with no grain chosen (no --grain, no preset), the file is taken
 * for a line-item export: exit 3 (a handful of repeats in a tiny file only warns).
 */
export const DUPLICATE_STOP_SHARE = 0.05;
export const DUPLICATE_STOP_ROWS = 10;

/**
 * In order grain every row after an order id's first is dropped as a duplicate. A file where
 * many order ids repeat is almost always one row per line item (a grocery export: basket id
 * and line value; a sales file: order number and line sales) whose lines would be lost: with
 * no grain chosen that is a data error naming --grain line; with one chosen, a warning.
 */
export function checkDuplicateShare(
  opts: ReadSpec,
  duplicates: number,
  rows: number,
  grain: 'order' | 'line',
  presetGrain: 'order' | 'line' | undefined,
  idColumn: string | undefined,
): void {
  if (grain !== 'order' || duplicates === 0 || rows === 0) return;
  const share = duplicates / rows;
  if (share <= DUPLICATE_WARN_SHARE) return;
  const what = `${duplicates.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} rows (${(100 * share).toFixed(1)}%) repeat an order id seen earlier${idColumn ? ` (column ${JSON.stringify(idColumn)})` : ''}`;
  if (share > DUPLICATE_STOP_SHARE && duplicates >= DUPLICATE_STOP_ROWS && opts.grain === undefined && presetGrain === undefined) {
    throw new DataError(
      `${what}: this looks like one row per line item, and reading it as one row per order would drop those lines and their amounts`,
      { file: opts.orders, column: idColumn },
      'pass --grain line to add up the lines of each order, or --grain order if the file really repeats whole orders (the first row of each is kept)',
    );
  }
  opts.warn(`${opts.orders}: ${what}; only the first row of each is kept (--grain order). If these are line items, pass --grain line to add them up`);
}
