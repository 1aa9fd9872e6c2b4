import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { getPreset, mapColumns } from '../../src/io/mapping.js';
import { runClm, stderrBeyondSmallSamples } from '../helpers/run-clm.js';

import { DATASETS } from '../helpers/datasets.js';
const DIR = join(DATASETS, 'export-headers');
const have = existsSync(DIR);
if (!have) console.warn(`skipping export-header tests: ${DIR} is not here`);

function header(file: string): string[] {
  const text = readFileSync(join(DIR, file), 'latin1').split(/\r?\n/)[0];
  return (parse(text, { relax_quotes: true }) as string[][])[0];
}

function mapped(kind: 'orders' | 'customers', preset: string, file: string): Record<string, string> {
  const m = mapColumns(kind, header(file), getPreset(preset), new Map(), file);
  return Object.fromEntries([...m.fields.values()].map((f) => [f.field, f.column]));
}

const ORDER_FILES: [string, string, Record<string, string>][] = [
  ['shopify', 'shopify_orders_export_2022.header.csv', { order_id: 'Name', customer_id: 'Email', order_date: 'Created at', amount: 'Total', status: 'Financial Status', currency: 'Currency', refund: 'Refunded Amount', cancelled_at: 'Cancelled at' }],
  ['shopify', 'shopify_orders_export_2025.header.csv', { order_id: 'Name', customer_id: 'Email', order_date: 'Created at', amount: 'Total', status: 'Financial Status' }],
  ['shopify', 'more/shopify_orders_export.header.csv', { order_id: 'Name', customer_id: 'Email', order_date: 'Created at', amount: 'Total' }],
  ['shopify', 'more/shopify_orders_export.header_2021ish.csv', { order_id: 'Name', customer_id: 'Email', order_date: 'Created at', amount: 'Total' }],
  ['stripe', 'stripe_payments_unified_payments_2024.header.csv', { order_id: 'id', customer_id: 'Customer ID', order_date: 'Created date (UTC)', amount: 'Amount', refund: 'Amount Refunded', currency: 'Currency', status: 'Status' }],
  ['stripe', 'more/stripe_payments_export.header.csv', { order_id: 'id', customer_id: 'Customer ID', order_date: 'Created (UTC)', amount: 'Amount' }],
  ['stripe', 'more/stripe_payments_export.header_legacy.csv', { order_id: 'id', customer_id: 'Customer ID', order_date: 'Created', amount: 'Amount' }],
  ['stripe', 'more/stripe_payments_export.header_older_with_metadata.csv', { order_id: 'id', customer_id: 'Customer ID', order_date: 'Created (UTC)', amount: 'Amount' }],
  ['woocommerce', 'woocommerce_analytics_orders_export_2026src.header.csv', { order_id: 'Order #', customer_id: 'Customer', order_date: 'Date', amount: 'N. Revenue (formatted)', status: 'Status' }],
  ['woocommerce', 'more/woocommerce_analytics_orders_export.header.csv', { order_id: 'Order #', customer_id: 'Customer', order_date: 'Date', amount: 'N. Revenue (formatted)' }],
  ['woocommerce', 'more/woocommerce_customer_order_csv_export_plugin_default.header.csv', { order_id: 'order_id', customer_id: 'billing_email', order_date: 'date', amount: 'order_total', status: 'status' }],
];

const CUSTOMER_FILES: [string, string, Record<string, string>][] = [
  ['shopify', 'shopify_customers_export_2018.header.csv', { customer_id: 'Email', accepts_marketing: 'Accepts Marketing', country: 'Country Code' }],
  ['shopify', 'shopify_customers_export_2022.header.csv', { customer_id: 'Email', accepts_marketing: 'Accepts Email Marketing' }],
  ['shopify', 'shopify_customers_export_2024plus_FROM_CODE.header.csv', { customer_id: 'Email', country: 'Default Address Country Code' }],
  ['shopify', 'more/shopify_customers_export.header_legacy_2019.csv', { customer_id: 'Email' }],
  ['shopify', 'more/shopify_customers_export.header_with_metafields.csv', { customer_id: 'Email' }],
  ['stripe', 'more/stripe_customers_export.header_subset.csv', { customer_id: 'id', email: 'Email', signup_date: 'Created (UTC)' }],
  ['woocommerce', 'woocommerce_analytics_customers_export_2026src.header.csv', { customer_id: 'Email', signup_date: 'Sign Up', country: 'Country / Region' }],
  ['woocommerce', 'more/woocommerce_analytics_customers_export.header.csv', { customer_id: 'Email', signup_date: 'Sign Up' }],
];

describe.skipIf(!have)('real export headers map without --map', () => {
  for (const [preset, file, expected] of ORDER_FILES) {
    it(`${preset} orders: ${file}`, () => {
      expect(mapped('orders', preset, file)).toMatchObject(expected);
    });
  }
  for (const [preset, file, expected] of CUSTOMER_FILES) {
    it(`${preset} customers: ${file}`, () => {
      expect(mapped('customers', preset, file)).toMatchObject(expected);
    });
  }
  it('Shopify and Stripe payments headers map by synonyms alone, without a preset', () => {
    for (const file of ['shopify_orders_export_2022.header.csv', 'stripe_payments_unified_payments_2024.header.csv']) {
      const m = mapColumns('orders', header(file), undefined, new Map(), file);
      for (const f of ['customer_id', 'order_date', 'amount']) expect(m.fields.has(f), `${file} ${f}`).toBe(true);
    }
  });
});

/** A real header with the real value-format rows, plus a made-up e-mail per order. */
function realisticFile(headerFile: string, valuesFile: string, extra: (row: Record<string, string>, i: number) => Record<string, string>): string {
  const cols = header(headerFile);
  const rows = parse(readFileSync(join(DIR, valuesFile), 'utf8'), { columns: true }) as Record<string, string>[];
  const lines = [cols.map((c) => (c.includes(',') || c.includes('"') ? `"${c.replace(/"/g, '""')}"` : c)).join(',')];
  rows.forEach((r, i) => {
    const full = { ...r, ...extra(r, i) };
    lines.push(cols.map((c) => full[c] ?? '').join(','));
  });
  const dir = mkdtempSync(join(tmpdir(), 'clm-hdr-'));
  const path = join(dir, 'orders.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe.skipIf(!have)('real value formats read correctly', () => {
  it('Shopify 2022: continuation rows are lines of #1410, offsets become UTC days', async () => {
    const path = realisticFile('shopify_orders_export_2022.header.csv', 'shopify_orders_export_2022.value_formats.csv', (r) => ({
      Email: r.Name === '#1411' ? 'a@example.com' : r['Financial Status'] ? 'b@example.com' : '',
    }));
    const res = await runClm(['customers', '--orders', path, '--preset', 'shopify', '--format', 'json']);
    expect(stderrBeyondSmallSamples(res.stderr)).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.rows).toMatchObject([
      { customer_id: 'a@example.com', first_order_date: '2022-01-11', last_order_date: '2022-01-11', orders: 1, purchase_days: 1, revenue: 125.4 },
      { customer_id: 'b@example.com', first_order_date: '2022-01-04', last_order_date: '2022-01-04', orders: 1, purchase_days: 1, revenue: 509 },
    ]);
    expect(out.meta.reconciliation.order_rows).toBe(5);
  });

  it('Shopify 2025: the refunded and cancelled order #1057 is excluded, GBP is the currency', async () => {
    const path = realisticFile('shopify_orders_export_2025.header.csv', 'shopify_orders_export_2025.value_formats.csv', (_r, i) => ({ Email: `c${i}@example.com` }));
    const res = await runClm(['summary', '--orders', path, '--preset', 'shopify', '--format', 'json']);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.meta.summary.orders).toBe(4);
    expect(out.meta.currency).toBe('GBP');
    expect(out.meta.reconciliation.excluded).toEqual({ status_cancelled: 1 });
    expect(out.meta.summary.net_revenue).toBeCloseTo(42.11 + 42.12 + 53.01 + 42.12, 2);
  });

  it('Stripe 2024: a Paid payment in lower-case usd', async () => {
    const path = realisticFile('stripe_payments_unified_payments_2024.header.csv', 'stripe_payments_unified_payments_2024.value_formats.csv', () => ({ id: 'ch_1', 'Customer ID': 'cus_1' }));
    const res = await runClm(['customers', '--orders', path, '--preset', 'stripe', '--format', 'json']);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.meta.currency).toBe('USD');
    expect(out.rows).toMatchObject([{ customer_id: 'cus_1', first_order_date: '2024-06-07', last_order_date: '2024-06-07', orders: 1, purchase_days: 1, revenue: 15 }]);
  });
});
