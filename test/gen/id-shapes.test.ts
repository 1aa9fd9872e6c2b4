import { describe, expect, it } from 'vitest';
import { generateShop, type GenerateOptions, type ShopFile } from '../../src/gen/generate.js';
import { ID_SHAPES, type IdShape } from '../../src/gen/ids.js';
import { UsageError } from '../../src/domain/errors.js';

interface Table {
  customers: string[][];
  orders: string[][];
  ordersText: string;
  customersText: string;
}

function generate(options: GenerateOptions): Table {
  const parts: Record<ShopFile, string[]> = { 'customers.csv': [], 'orders.csv': [] };
  generateShop(options, (file, chunk) => parts[file].push(chunk));
  const customersText = parts['customers.csv'].join('');
  const ordersText = parts['orders.csv'].join('');
  const rows = (text: string) => text.slice(0, -1).split('\n').slice(1).map((l) => l.split(','));
  return { customers: rows(customersText), orders: rows(ordersText), customersText, ordersText };
}

const SHOP: GenerateOptions = { customers: 3000, orders: 12_000, seed: 5 };
const byShape = Object.fromEntries(ID_SHAPES.map((s) => [s, generate({ ...SHOP, idShape: s })])) as Record<IdShape, Table>;
const base = byShape.default;
const isRefund = (row: string[]) => row[5] === 'refunded';

describe('generator id shapes', () => {
  it('leaves the default output as it was when no shape is asked for', () => {
    const plain = generate(SHOP);
    expect(plain.ordersText === base.ordersText).toBe(true);
    expect(plain.customersText === base.customersText).toBe(true);
    expect(base.orders[0][0]).toBe('O00000001');
    expect(base.customers[0][0]).toBe('C0000001');
    expect(base.orders[0][2]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it.each(ID_SHAPES)('writes the same shop with %s ids: same rows, amounts, statuses, channels and seconds', (shape) => {
    const t = byShape[shape];
    expect(t.orders).toHaveLength(base.orders.length);
    expect(t.customers).toHaveLength(base.customers.length);
    // the i-th customer of one shape is the i-th of another: map ids through customers.csv
    const index = new Map(t.customers.map((r, i) => [r[0], i]));
    expect(index.size).toBe(t.customers.length);
    const baseIndex = new Map(base.customers.map((r, i) => [r[0], i]));
    t.orders.forEach((row, k) => {
      const b = base.orders[k];
      expect(row.slice(3)).toEqual(b.slice(3));
      expect(row[2].replace('T', ' ').replace(/Z$/, '')).toBe(b[2]);
      expect(index.get(row[1])).toBe(baseIndex.get(b[1]));
    });
    t.customers.forEach((row, i) => expect(row.slice(2)).toEqual(base.customers[i].slice(2)));
  });

  it('numbered: O000000001 / C00000004 with ISO dates in UTC', () => {
    const t = byShape.numbered;
    for (const row of t.orders) {
      expect(row[0]).toMatch(isRefund(row) ? /^O\d{9}-R$/ : /^O\d{9}$/);
      expect(row[2]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
    expect(t.orders[0][0]).toBe('O000000001');
    t.customers.forEach((row, i) => expect(row[0]).toBe('C' + String(i + 1).padStart(8, '0')));
  });

  it('hex: distinct 32-hex order and customer ids', () => {
    const t = byShape.hex;
    for (const row of t.orders) for (const id of [row[0], row[1]]) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(t.orders.map((r) => r[0])).size).toBe(t.orders.length);
    expect(new Set(t.customers.map((r) => r[0])).size).toBe(t.customers.length);
  });

  it('email: real-looking, distinct e-mail keys and Stripe-style ch_/re_ ids of 24 base62 characters', () => {
    const t = byShape.email;
    for (const row of t.orders) expect(row[0]).toMatch(isRefund(row) ? /^re_[0-9A-Za-z]{24}$/ : /^ch_[0-9A-Za-z]{24}$/);
    expect(new Set(t.orders.map((r) => r[0])).size).toBe(t.orders.length);
    const emails = t.customers.map((r) => r[0]);
    expect(new Set(emails).size).toBe(emails.length);
    for (const [i, row] of t.customers.entries()) {
      expect(row[0]).toMatch(/^[a-z0-9._+]+@[a-z0-9.-]+\.[a-z]{2,}$/);
      expect(row[1]).toBe(row[0]); // the email column is the key
      expect(row[0]).not.toBe(`c${i + 1}@example.com`);
    }
    const domains = new Map<string, number>();
    for (const e of emails) domains.set(e.split('@')[1], (domains.get(e.split('@')[1]) ?? 0) + 1);
    expect(domains.size).toBeGreaterThanOrEqual(20);
    const gmail = domains.get('gmail.com')! / emails.length;
    expect(gmail).toBeGreaterThan(0.25);
    expect(gmail).toBeLessThan(0.45);
    // varied local parts: dotted names, plain names with digits, not one pattern
    const locals = emails.map((e) => e.split('@')[0]);
    expect(locals.filter((l) => /^[a-z]+\.[a-z]+$/.test(l)).length / locals.length).toBeGreaterThan(0.1);
    expect(locals.filter((l) => /\d/.test(l)).length / locals.length).toBeGreaterThan(0.1);
    expect(new Set(locals).size / locals.length).toBeGreaterThan(0.6);
  });

  it.each(ID_SHAPES)('is deterministic by seed with %s ids', (shape) => {
    const again = generate({ ...SHOP, idShape: shape });
    expect(again.ordersText === byShape[shape].ordersText).toBe(true);
    expect(again.customersText === byShape[shape].customersText).toBe(true);
    const other = generate({ ...SHOP, seed: 6, idShape: shape });
    expect(other.ordersText).not.toBe(byShape[shape].ordersText);
  });

  it('refuses an unknown shape with a UsageError that lists the shapes', () => {
    expect(() => generate({ ...SHOP, idShape: 'uuid' as IdShape })).toThrow(UsageError);
    expect(() => generate({ ...SHOP, idShape: 'uuid' as IdShape })).toThrow(/default, numbered, hex, email/);
  });
});
