import { statSync } from 'node:fs';
import { DataError } from '../domain/errors.js';
import { normalizeHeader, type FileKind } from './mapping.js';
import { scanTable } from './read-table.js';
import type { Delimiter } from './scanner.js';

/**
 * Recognises the exports clm has presets for from their header lines (the real header lines
 * are in ../shared/datasets/export-headers/). Read without its preset, a Shopify orders export
 * maps order_id to "Payment ID" and rejects its line rows, and Olist counts orders as
 * customers: a silent wrong answer. So a recognised export is read with its preset and stderr
 * says so; `--preset NAME` or `--preset none` chooses otherwise, and `--map` still overrides
 * single fields of the preset.
 */

export interface Recognition {
  preset: string;
  /** "a Shopify orders export" */
  what: string;
  /** The header columns that gave it away, as the file spells them. */
  columns: string[];
}

interface Signature {
  preset: string;
  what: string;
  kind: 'orders' | 'customers';
  /** Every entry must be present; an entry lists alternative spellings of one column. */
  all: string[][];
}

const SIGNATURES: Signature[] = [
  { preset: 'shopify', what: 'a Shopify orders export', kind: 'orders', all: [['Lineitem quantity'], ['Financial Status'], ['Name'], ['Created at']] },
  { preset: 'shopify', what: 'a Shopify customers export', kind: 'customers', all: [['Total Spent'], ['Total Orders'], ['Accepts Email Marketing', 'Accepts Marketing'], ['Email']] },
  { preset: 'olist', what: 'an Olist orders file', kind: 'orders', all: [['order_purchase_timestamp'], ['order_id'], ['customer_id']] },
  { preset: 'olist', what: 'an Olist customers file', kind: 'customers', all: [['customer_unique_id'], ['customer_id']] },
  { preset: 'stripe', what: 'a Stripe payments export', kind: 'orders', all: [['Amount Refunded'], ['Captured'], ['Customer ID'], ['id'], ['Amount']] },
  { preset: 'stripe', what: 'a Stripe customers export', kind: 'customers', all: [['Delinquent'], ['id'], ['Email']] },
  { preset: 'woocommerce', what: 'a WooCommerce Analytics orders download', kind: 'orders', all: [['Order #'], ['N. Revenue (formatted)'], ['Customer type']] },
  { preset: 'woocommerce', what: 'a WooCommerce Customer/Order CSV Export', kind: 'orders', all: [['order_number_formatted'], ['billing_email'], ['order_total']] },
  { preset: 'woocommerce', what: 'a WooCommerce Analytics customers download', kind: 'customers', all: [['Username'], ['Last Active'], ['Sign Up', 'Date registered'], ['Total Spend'], ['AOV']] },
  { preset: 'online-retail', what: 'a UCI Online Retail file', kind: 'orders', all: [['StockCode'], ['InvoiceNo', 'Invoice'], ['InvoiceDate'], ['UnitPrice', 'Price'], ['CustomerID', 'Customer ID']] },
  { preset: 'cdnow', what: 'a CDNOW transaction log', kind: 'orders', all: [['number_of_cds', 'cds'], ['customer_id', 'master_id'], ['date'], ['dollar_value', 'dollars']] },
];

/** The export a header line belongs to, or undefined. */
export function recogniseHeader(kind: 'orders' | 'customers', headers: string[]): Recognition | undefined {
  const norm = headers.map(normalizeHeader);
  for (const sig of SIGNATURES) {
    if (sig.kind !== kind) continue;
    const found: number[] = [];
    for (const names of sig.all) {
      const at = norm.findIndex((h) => names.some((n) => normalizeHeader(n) === h));
      if (at < 0) break;
      found.push(at);
    }
    if (found.length === sig.all.length) return { preset: sig.preset, what: sig.what, columns: found.sort((a, b) => a - b).map((i) => headers[i]) };
  }
  if (kind === 'orders' && looksLikeHeaderlessCdnow(headers)) return { preset: 'cdnow', what: 'a CDNOW transaction log (no header line)', columns: [] };
  return undefined;
}

/** CDNOW without a header: 4 or 5 numeric fields with a YYYYMMDD date in the 2nd or 3rd. */
function looksLikeHeaderlessCdnow(fields: string[]): boolean {
  if (fields.length !== 4 && fields.length !== 5) return false;
  if (!fields.every((f) => /^-?\d+(\.\d+)?$/.test(f))) return false;
  return /^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(fields[fields.length === 4 ? 1 : 2]);
}

/**
 * The first line of a file, split into fields, or undefined when it cannot be read (the read
 * that follows reports why). A line with no , tab ; or | is split at whitespace (CDNOW).
 */
export async function sniffHeader(path: string, encoding: string | undefined, delimiter: Delimiter | undefined): Promise<string[] | undefined> {
  const read = async (d: Delimiter | undefined): Promise<string[] | undefined> => {
    let headers: string[] | undefined;
    await scanTable({ path, encoding, delimiter: d, what: 'header' }, (h) => {
      headers = h.headers;
      return () => false;
    });
    return headers;
  };
  try {
    return await read(delimiter);
  } catch (e) {
    if (!(e instanceof DataError) || delimiter !== undefined) return undefined;
  }
  try {
    return await read('whitespace');
  } catch {
    return undefined;
  }
}

export interface PresetChoice {
  /** The recognised preset, undefined when none was recognised. */
  preset: string | undefined;
  /** What stderr says about it (empty when nothing was recognised). */
  notes: string[];
}

/**
 * The preset of the given files when no --preset was passed. The orders file decides: a
 * preset also sets the grain and the order mapping, so a customers file alone (Shopify
 * customers beside a shop's own order export) only gets a note. stdin is not sniffed (it
 * cannot be read twice): see unsniffedPresetError.
 */
export async function recognisePreset(
  files: Partial<Record<FileKind, string>>,
  encoding: string | undefined,
  delimiter: Delimiter | undefined,
): Promise<PresetChoice> {
  const seen = async (kind: 'orders' | 'customers'): Promise<Recognition | undefined> => {
    const path = files[kind];
    if (path === undefined || !canSniff(path)) return undefined;
    const headers = await sniffHeader(path, encoding, delimiter);
    return headers && recogniseHeader(kind, headers);
  };
  const orders = await seen('orders');
  const customers = await seen('customers');
  const notes: string[] = [];
  if (orders) {
    notes.push(`${files.orders}: this looks like ${orders.what}${columnList(orders)}; using --preset ${orders.preset} (pass --preset NAME, or --preset none for the generic mapping, to choose otherwise)`);
  }
  if (customers && customers.preset !== orders?.preset) {
    const personKey = customers.preset === 'olist' ? ' (or --map customers.person_key=customer_unique_id to count persons)' : '';
    notes.push(
      orders
        ? `${files.customers}: this looks like ${customers.what} (--preset ${customers.preset}), but the orders file decides the preset: ${orders.preset}`
        : `${files.customers}: this looks like ${customers.what}${columnList(customers)}, but the orders file is not recognised; if the orders come from the same export, pass --preset ${customers.preset}${personKey}`,
    );
  }
  return { preset: orders?.preset, notes };
}

function columnList(r: Recognition): string {
  return r.columns.length > 0 ? ` (columns ${r.columns.map((c) => JSON.stringify(c)).join(', ')})` : '';
}

/**
 * Only a regular file can be read for its header and then again: stdin, a named pipe,
 * /dev/stdin or a process substitution (`<(gunzip -c ...)`) is read once.
 */
export function canSniff(path: string): boolean {
  if (path === '-') return false;
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Orders read from a stream (stdin, a pipe) cannot be sniffed first: when their header turns
 * out to be a recognised export and no preset was chosen, the run stops and names the preset.
 */
export function unsniffedPresetError(headers: string[], file: string): DataError | undefined {
  const r = recogniseHeader('orders', headers);
  if (!r) return undefined;
  return new DataError(
    `this looks like ${r.what}${columnList(r)}, read without its preset`,
    { file, line: 1 },
    `pass --preset ${r.preset} (or --preset none to read it with the generic mapping)`,
  );
}
