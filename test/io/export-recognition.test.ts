import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { recogniseHeader, sniffHeader } from '../../src/io/recognise-export.js';
import { DATASETS } from '../helpers/datasets.js';
import { runClm } from '../helpers/run-clm.js';

// issue 14, item 3: the exports we have presets for are recognised from their header lines;
// read without the preset they gave silent wrong answers (Shopify's order id mapped to
// "Payment ID" and line rows rejected; Olist orders counted as customers)

const HEADERS = join(DATASETS, 'export-headers');
const have = existsSync(HEADERS) && existsSync(join(DATASETS, 'olist-2017'));
if (!have) console.warn(`skipping export-recognition tests: ${DATASETS} is not here`);

function header(file: string): string[] {
  const text = readFileSync(join(HEADERS, file), 'latin1').split(/\r?\n/)[0];
  return (parse(text, { relax_quotes: true }) as string[][])[0];
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'clm-recog-'));
}

/**
 * A Shopify orders export on the real 2025 header (with its "Payment ID" column): four orders,
 * two of them with a second line row that leaves the order fields blank, as Shopify writes it.
 */
function shopifyOrders(dir: string): string {
  const cols = header('shopify_orders_export_2025.header.csv');
  const orders: [string, string, string, [string, string][], string][] = [
    ['#1001', 'a@example.com', '2025-01-05 10:00:00 +0000', [['2', '10.00'], ['1', '5.00']], '25.00'],
    ['#1002', 'b@example.com', '2025-02-05 10:00:00 +0000', [['1', '30.00']], '30.00'],
    ['#1003', 'a@example.com', '2025-03-05 10:00:00 +0000', [['1', '12.00'], ['3', '1.00']], '15.00'],
    ['#1004', 'c@example.com', '2025-04-05 10:00:00 +0000', [['1', '40.00']], '40.00'],
  ];
  const lines = [cols.join(',')];
  for (const [name, email, at, items, total] of orders) {
    items.forEach(([q, p], k) => {
      const r: Record<string, string> = { Name: name, Email: email, 'Lineitem quantity': q, 'Lineitem price': p, 'Lineitem name': 'Mug' };
      if (k === 0) Object.assign(r, { 'Financial Status': 'paid', 'Created at': at, Total: total, Currency: 'EUR', 'Payment ID': `pay_${name.slice(1)}`, 'Refunded Amount': '0.00' });
      lines.push(cols.map((c) => r[c] ?? '').join(','));
    });
  }
  const path = join(dir, 'orders_export_1.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe.skipIf(!have)('recognising an export from its header line', () => {
  const cases: [string, 'orders' | 'customers', string | undefined][] = [
    ['shopify_orders_export_2022.header.csv', 'orders', 'shopify'],
    ['shopify_orders_export_2025.header.csv', 'orders', 'shopify'],
    ['more/shopify_orders_export.header_2021ish.csv', 'orders', 'shopify'],
    ['shopify_customers_export_2018.header.csv', 'customers', 'shopify'],
    ['shopify_customers_export_2022.header.csv', 'customers', 'shopify'],
    ['more/shopify_customers_export.header_with_metafields.csv', 'customers', 'shopify'],
    ['stripe_payments_unified_payments_2024.header.csv', 'orders', 'stripe'],
    ['more/stripe_payments_export.header_legacy.csv', 'orders', 'stripe'],
    ['more/stripe_payments_export.header_older_with_metadata.csv', 'orders', 'stripe'],
    ['more/stripe_customers_export.header_subset.csv', 'customers', 'stripe'],
    ['woocommerce_analytics_orders_export_2026src.header.csv', 'orders', 'woocommerce'],
    ['more/woocommerce_customer_order_csv_export_plugin_default.header.csv', 'orders', 'woocommerce'],
    ['woocommerce_analytics_customers_export_2026src.header.csv', 'customers', 'woocommerce'],
    // exports we have no preset for are left to the generic mapping
    ['hubspot_contacts_all_properties_2026.header.csv', 'customers', undefined],
    ['salesforce_data_export_Order.header.csv', 'orders', undefined],
    ['salesforce_data_export_Contact.header.csv', 'customers', undefined],
    ['more/hubspot_deals_export.header_real_example.csv', 'orders', undefined],
  ];
  for (const [file, kind, preset] of cases) {
    it(`${kind} ${file} -> ${preset ?? 'no preset'}`, () => {
      expect(recogniseHeader(kind, header(file))?.preset).toBe(preset);
    });
  }

  it('the dataset files: Olist, UCI (gzipped), CDNOW with and without a header line; the demo is generic', async () => {
    const sniffed = async (p: string, kind: 'orders' | 'customers'): Promise<string | undefined> => {
      const h = await sniffHeader(p, undefined, undefined);
      return h && recogniseHeader(kind, h)?.preset;
    };
    expect(await sniffed(join(DATASETS, 'olist-2017/orders.csv'), 'orders')).toBe('olist');
    expect(await sniffed(join(DATASETS, 'olist-4k/olist_customers_dataset.csv'), 'customers')).toBe('olist');
    expect(await sniffed(join(DATASETS, 'online-retail/online_retail_2010-12_2011-12.csv.gz'), 'orders')).toBe('online-retail');
    expect(await sniffed(join(DATASETS, 'cdnow/CDNOW_master.txt'), 'orders')).toBe('cdnow');
    expect(await sniffed(join(DATASETS, 'cdnow/CDNOW_sample.txt'), 'orders')).toBe('cdnow');
    expect(await sniffed('fixtures/demo/orders.csv', 'orders')).toBeUndefined();
    expect(await sniffed('fixtures/demo/customers.csv', 'customers')).toBeUndefined();
  });
});

describe.skipIf(!have)('a recognised export is read with its preset, and stderr says so', () => {
  it('Shopify orders without --preset: order id "Name", line rows added up, nothing rejected', async () => {
    const path = shopifyOrders(tmp());
    const r = await runClm(['summary', '--orders', path, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('this looks like a Shopify orders export');
    expect(r.stderr).toContain('using --preset shopify');
    expect(r.stderr).not.toContain('unparseable amount');
    const meta = JSON.parse(r.stdout).meta;
    expect(meta.preset).toBe('shopify');
    expect(meta.inputs[0].mapping.order_id).toBe('Name');
    expect(meta.reconciliation.rejected).toEqual({});
    expect(meta.summary).toMatchObject({ customers: 3, orders: 4, net_revenue: 110 });
  });

  it('--preset none keeps the generic mapping; an explicit --map still wins over the recognised preset', async () => {
    const path = shopifyOrders(tmp());
    const none = await runClm(['summary', '--orders', path, '--preset', 'none', '--format', 'json']);
    expect(none.stderr).not.toContain('this looks like');
    expect(JSON.parse(none.stdout).meta.inputs[0].mapping.order_id).toBe('Payment ID');
    const mapped = await runClm(['summary', '--orders', path, '--map', 'order_id=Payment ID', '--format', 'json']);
    expect(JSON.parse(mapped.stdout).meta.inputs[0].mapping.order_id).toBe('Payment ID');
    expect(JSON.parse(mapped.stdout).meta.preset).toBe('shopify');
  });

  it("a recognised customers file beside a shop's own orders only gets a note: the orders decide the grain and mapping", async () => {
    const dir = tmp();
    const cols = header('shopify_customers_export_2022.header.csv');
    const customers = join(dir, 'customers_export.csv');
    writeFileSync(customers, [cols.join(','), ...['a@example.com', 'b@example.com'].map((e) => cols.map((c) => (c === 'Email' ? e : '')).join(','))].join('\n') + '\n');
    // two rows of one order id: in order grain (no preset) the second is a duplicate, not a line
    const orders = join(dir, 'orders.csv');
    writeFileSync(orders, 'order_id,customer_id,order_date,amount\n1,a@example.com,2024-01-02,10\n1,a@example.com,2024-01-02,10\n2,b@example.com,2024-02-03,20\n');
    const r = await runClm(['summary', '--orders', orders, '--customers', customers, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('this looks like a Shopify customers export');
    expect(r.stderr).toContain('if the orders come from the same export, pass --preset shopify');
    const meta = JSON.parse(r.stdout).meta;
    expect(meta.preset).toBeNull();
    expect(meta.summary).toMatchObject({ customers: 2, orders: 2, net_revenue: 30 });
  });

  it('Shopify on stdin (cannot be read twice): exit 3 naming --preset shopify', async () => {
    const path = shopifyOrders(tmp());
    const r = await runClm(['summary', '--orders', '-'], { stdin: readFileSync(path, 'utf8') });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('this looks like a Shopify orders export');
    expect(r.stderr).toContain('pass --preset shopify');
  });

  it('Olist without --preset counts persons (customer_unique_id), as --preset olist does', async () => {
    const d = join(DATASETS, 'olist-2017');
    const args = ['summary', '--orders', join(d, 'orders.csv'), '--customers', join(d, 'customers.csv'), '--payments', join(d, 'order_items.csv'), '--format', 'json'];
    const auto = await runClm(args);
    const preset = await runClm([...args, '--preset', 'olist']);
    expect(auto.code).toBe(0);
    expect(auto.stderr).toContain('this looks like an Olist orders file');
    const a = JSON.parse(auto.stdout).meta.summary;
    expect(a).toEqual(JSON.parse(preset.stdout).meta.summary);
    // persons, not orders: 9,843 counted orders of 9,766 persons
    expect(a.orders).toBe(9843);
    expect(a.customers).toBe(9766);
    expect(a.repeat_customer_rate).toBeGreaterThan(0.004);
  });

  it('CDNOW sample without --preset (no header, whitespace) reads as --preset cdnow does', async () => {
    const f = join(DATASETS, 'cdnow/CDNOW_sample.txt');
    const auto = await runClm(['summary', '--orders', f, '--format', 'json']);
    const preset = await runClm(['summary', '--orders', f, '--preset', 'cdnow', '--format', 'json']);
    expect(auto.code).toBe(0);
    expect(auto.stderr).toContain('CDNOW');
    expect(JSON.parse(auto.stdout).meta.summary).toEqual(JSON.parse(preset.stdout).meta.summary);
    expect(JSON.parse(auto.stdout).meta.summary.customers).toBe(2357);
  });

  it('clm init writes the recognised preset and its mapping, not "Payment ID"', async () => {
    const dir = tmp();
    const path = shopifyOrders(dir);
    const r = await runClm(['init', '--orders', path], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('using --preset shopify');
    const config = JSON.parse(readFileSync(join(dir, 'clm.config.json'), 'utf8'));
    expect(config.preset).toBe('shopify');
    expect(config.mapping.orders.order_id).toBe('Name');
    // the config reads the export right
    const s = await runClm(['summary', '--format', 'json'], { cwd: dir });
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).meta.summary).toMatchObject({ customers: 3, orders: 4, net_revenue: 110 });
  });

  it('clm init with --preset none writes no preset', async () => {
    const dir = tmp();
    const path = shopifyOrders(dir);
    const r = await runClm(['init', '--orders', path, '--preset', 'none'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('this looks like');
    expect(JSON.parse(readFileSync(join(dir, 'clm.config.json'), 'utf8')).mapping.orders.order_id).toBe('Payment ID');
  });
});
