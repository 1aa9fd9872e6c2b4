import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../helpers/datasets.js';
import { runClm } from '../helpers/run-clm.js';

// issue 14, items 2, 5 and 10: the customers file against the orders and against itself, and
// which column an attribute name reads

const ORDERS = 'fixtures/demo/orders.csv';
const CUSTOMERS = 'fixtures/demo/customers.csv';
const HEADERS = join(DATASETS, 'export-headers');
const haveData = existsSync(HEADERS) && existsSync(join(DATASETS, 'olist-4k'));

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'clm-custcheck-')), name);
  writeFileSync(path, text);
  return path;
}

function csvLines(path: string): string[] {
  return readFileSync(path, 'utf8').trim().split('\n');
}

function header(f: string): string[] {
  return (parse(readFileSync(join(HEADERS, f), 'utf8').split(/\r?\n/)[0]) as string[][])[0];
}

describe('a customers file keyed differently from the orders (item 2)', () => {
  it('keyed by e-mail while the orders use ids: both shapes, and the --map that fixes it', async () => {
    // the demo customers without their customer_id column: the key is the e-mail
    const byEmail = file('customers.csv', csvLines(CUSTOMERS).map((l) => l.slice(l.indexOf(',') + 1)).join('\n') + '\n');
    const r = await runClm(['summary', '--orders', ORDERS, '--customers', byEmail]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/none of the 1,500 customer ids in \S+customers\.csv is the customer id of a counted order/);
    expect(r.stderr).toMatch(/orders look like "C\d{7}", customers like "c\d+@example\.com"/);
    expect(r.stderr).toContain('--map customers.customer_id=COLUMN');
    expect(r.stderr).toContain('--map customer_id=COLUMN');
  });

  it('when a column of the customers file holds the orders ids, the warning names it', async () => {
    const r = await runClm(['summary', '--orders', ORDERS, '--customers', CUSTOMERS, '--map', 'customers.customer_id=email']);
    expect(r.stderr).toContain('none of the 1,500 customer ids');
    // 1,253 customers of the demo have a counted order, all listed under customer_id
    expect(r.stderr).toContain('pass --map customers.customer_id="customer_id" (that column holds 1,253 of the buyers\' ids)');
  });

  it('a small share matching both ways is said with the counts', async () => {
    // the first 100 customers keep their id, the other 1,400 are keyed by e-mail
    const lines = csvLines(CUSTOMERS);
    const mixed = [lines[0], ...lines.slice(1, 101), ...lines.slice(101).map((l) => l.split(',')[1] + l.slice(l.indexOf(',')))];
    const r = await runClm(['summary', '--orders', ORDERS, '--customers', file('mixed.csv', mixed.join('\n') + '\n')]);
    const buyersListed = (await runClm(['customers', '--orders', ORDERS, '--format', 'json'])).stdout;
    const buyerIds = new Set((JSON.parse(buyersListed).rows as { customer_id: string }[]).map((c) => c.customer_id));
    const matched = lines.slice(1, 101).filter((l) => buyerIds.has(l.split(',')[0])).length;
    expect(r.stderr).toContain(`only ${matched} of the 1,500 customer ids`);
    expect(r.stderr).toContain(`${((100 * matched) / 1500).toFixed(1)}%`);
    expect(r.stderr).toContain(`only ${((100 * matched) / buyerIds.size).toFixed(1)}% of the 1,253 buyers are in it (under half both ways`);
    expect(r.stderr).toMatch(/customers like "c\d+@example\.com"/);
  });

  it('no warning when the ids join, nor for a CRM list with more prospects than buyers', async () => {
    const ok = await runClm(['summary', '--orders', ORDERS, '--customers', CUSTOMERS]);
    expect(ok.stderr).toBe('');
    const lines = csvLines(CUSTOMERS);
    const extra = Array.from({ length: 3000 }, (_, i) => `P${String(i).padStart(7, '0')},p${i}@example.com,2023-05-01,US,web,0,,`);
    const crm = await runClm(['summary', '--orders', ORDERS, '--customers', file('crm.csv', [...lines, ...extra].join('\n') + '\n')]);
    expect(crm.code).toBe(0);
    expect(crm.stderr).toBe('');
  });
});

describe('ids of one shape on both sides (item 2)', () => {
  const orders = (ids: string[]): string => file('orders.csv', ['order_id,customer_id,order_date,amount', ...ids.map((id, i) => `o${i},${id},2024-01-${String(1 + (i % 28)).padStart(2, '0')},10`)].join('\n') + '\n');
  const customers = (ids: string[]): string => file('customers.csv', ['customer_id,country', ...ids.map((id) => `${id},US`)].join('\n') + '\n');

  it('a few prospects and buyers of one shop (c1 listed, c0 bought) are not a mismatch', async () => {
    const r = await runClm(['summary', '--orders', orders(['c0', 'c2']), '--customers', customers(['c1'])]);
    expect(r.stderr).toBe('');
  });

  it('30 ids written with leading zeros against the same ids without: not one joins, a warning', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => String(i + 1));
    const r = await runClm(['summary', '--orders', orders(ids), '--customers', customers(ids.map((id) => id.padStart(5, '0')))]);
    expect(r.stderr).toContain('none of the 30 customer ids');
    expect(r.stderr).toMatch(/orders look like "\d{1,2}", customers like "000\d\d"/);
  });
});

describe('repeated customer ids in the customers file (item 5)', () => {
  it('an orders file passed as --customers: the count, the row kept, and "is this an orders file?"', async () => {
    const rows = csvLines(ORDERS).slice(1).map((l) => l.split(',')[1]);
    const distinct = new Set(rows).size;
    const r = await runClm(['summary', '--orders', ORDERS, '--customers', ORDERS]);
    expect(r.code).toBe(0);
    const n = (x: number): string => x.toLocaleString('en-US');
    expect(r.stderr).toContain(`${n(rows.length - distinct)} of ${n(rows.length)} rows repeat a customer id seen earlier`);
    const repeatedIds = [...rows.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>()).values()].filter((c) => c > 1).length;
    expect(r.stderr).toContain(`(${n(repeatedIds)} ids appear more than once in column "customer_id")`);
    expect(r.stderr).toContain('the first row of each id is kept');
    expect(r.stderr).toContain('Is this an orders file? It has order columns ("order_id", "order_date", "amount")');
  });

  it('the first row is the one kept, and a customer list with one repeat gets no orders-file question', async () => {
    const lines = csvLines(CUSTOMERS);
    // C0000001 again, as a later row with another country
    const dup = [...lines, lines[1].replace(',US,', ',FR,')];
    const r = await runClm(['customers', '--orders', ORDERS, '--customers', file('dup.csv', dup.join('\n') + '\n'), '--where', 'customer_id == "C0000001"', '--format', 'json']);
    expect(r.stderr).toContain('1 of 1,501 rows repeat a customer id seen earlier (1 id appears more than once in column "customer_id")');
    expect(r.stderr).not.toContain('orders file');
    expect(r.stderr).toContain('--map customers.customer_id=COLUMN');
    expect(JSON.parse(r.stdout).rows[0].country).toBe('US');
  });

  it.skipIf(!haveData)('Olist: several customer_ids of one person are not repeats', async () => {
    const d = join(DATASETS, 'olist-4k');
    const r = await runClm(['summary', '--orders', join(d, 'olist_orders_dataset.csv'), '--customers', join(d, 'olist_customers_dataset.csv'), '--payments', join(d, 'olist_order_payments_dataset.csv'), '--preset', 'olist']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('repeat a customer id');
  });
});

describe.skipIf(!haveData)('attributes read the mapped column (item 10)', () => {
  /** A Shopify customers export on the real 2022 header: "Country" (name) before "Country Code". */
  function shopifyCustomers(): string {
    const cols = header('shopify_customers_export_2022.header.csv');
    const people = [
      ['a@example.com', 'Germany', 'DE'],
      ['b@example.com', 'France', 'FR'],
      ['c@example.com', 'Germany', 'DE'],
    ];
    return file('customers_export.csv', [cols.join(','), ...people.map(([e, c, cc]) => cols.map((k) => ({ Email: e, Country: c, 'Country Code': cc })[k] ?? '').join(','))].join('\n') + '\n');
  }
  const orders = file('orders.csv', 'Name,Email,Financial Status,Total,Created at\n#1,a@example.com,paid,10,2024-01-02\n#2,b@example.com,paid,20,2024-01-03\n#3,c@example.com,paid,30,2024-02-03\n');

  it('Shopify: `country` is the mapped "Country Code", for the table, --where and --by', async () => {
    const customers = shopifyCustomers();
    const all = await runClm(['customers', '--orders', orders, '--customers', customers, '--preset', 'shopify', '--format', 'json']);
    expect(all.code).toBe(0);
    const a = JSON.parse(all.stdout).rows.find((x: { customer_id: string }) => x.customer_id === 'a@example.com');
    expect(a.country).toBe('DE');
    expect(a.attr_country).toBe('Germany');
    const de = await runClm(['customers', '--orders', orders, '--customers', customers, '--preset', 'shopify', '--where', 'country == "DE"', '--format', 'json']);
    expect(JSON.parse(de.stdout).rows.map((x: { customer_id: string }) => x.customer_id)).toEqual(['a@example.com', 'c@example.com']);
    const by = await runClm(['cohorts', '--orders', orders, '--customers', customers, '--preset', 'shopify', '--by', 'country', '--format', 'json']);
    expect(by.code).toBe(0);
    expect(by.stdout).toContain('"DE"');
    expect(by.stdout).not.toContain('Germany');
  });

  it('Olist: customer_state is a state, not a country', async () => {
    const d = join(DATASETS, 'olist-4k');
    const r = await runClm(['customers', '--orders', join(d, 'olist_orders_dataset.csv'), '--customers', join(d, 'olist_customers_dataset.csv'), '--payments', join(d, 'olist_order_payments_dataset.csv'), '--preset', 'olist', '--format', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).rows as Record<string, unknown>[];
    expect(rows[0]).not.toHaveProperty('country');
    const states = new Set(rows.map((x) => x.state));
    expect(states.has('SP')).toBe(true);
    expect([...states].every((s) => s === null || s === undefined || /^[A-Z]{2}$/.test(String(s)))).toBe(true);
  });

  it('WooCommerce keyed by the customer name warns that two people with one name become one', async () => {
    const cols = header('woocommerce_analytics_orders_export_2026src.header.csv');
    const rows = [
      { Date: '2024-01-05', 'Order #': '1001', 'N. Revenue (formatted)': '$25.00', Status: 'Completed', Customer: 'Jane Doe' },
      { Date: '2024-02-05', 'Order #': '1002', 'N. Revenue (formatted)': '$30.00', Status: 'Completed', Customer: 'John Smith' },
      { Date: '2024-03-05', 'Order #': '1003', 'N. Revenue (formatted)': '$15.00', Status: 'Completed', Customer: 'Jane Doe' },
    ];
    const path = file('orders.csv', [cols.join(','), ...rows.map((r) => cols.map((c) => (r as Record<string, string>)[c] ?? '').join(','))].join('\n') + '\n');
    const r = await runClm(['summary', '--orders', path, '--preset', 'woocommerce', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('the customer ids in column "Customer" look like people\'s names ("Jane Doe", "John Smith", 2 of the first 2)');
    expect(r.stderr).toContain('two people with one name become one customer');
    // ids are not names: no warning
    const ids = await runClm(['summary', '--orders', ORDERS]);
    expect(ids.stderr).toBe('');
  });
});
