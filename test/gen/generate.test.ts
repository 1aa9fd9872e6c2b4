import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CUSTOMERS_HEADER,
  ORDERS_HEADER,
  ORDER_LINES_HEADER,
  generateShop,
  type GenerateOptions,
  type GenerateSummary,
  type ShopFile,
} from '../../src/gen/generate.js';
import { UsageError } from '../../src/domain/errors.js';
import { readFileSync } from 'node:fs';

interface Shop {
  summary: GenerateSummary;
  customers: string;
  orders: string;
}

function generateInMemory(options: GenerateOptions): Shop {
  const parts: Record<ShopFile, string[]> = { 'customers.csv': [], 'orders.csv': [] };
  const summary = generateShop(options, (file, chunk) => parts[file].push(chunk));
  return { summary, customers: parts['customers.csv'].join(''), orders: parts['orders.csv'].join('') };
}

function parseRows(text: string): { header: string; rows: string[][] } {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  return { header: lines[0], rows: lines.slice(1).map((l) => l.split(',')) };
}

const SMALL: GenerateOptions = { customers: 600, orders: 2500, seed: 7, start: '2023-01-01', end: '2024-12-31' };

describe('generateShop', () => {
  it('writes the documented headers', () => {
    const shop = generateInMemory(SMALL);
    expect(parseRows(shop.customers).header).toBe(CUSTOMERS_HEADER);
    expect(parseRows(shop.orders).header).toBe(ORDERS_HEADER);
    expect(ORDERS_HEADER).toBe('order_id,customer_id,order_date,amount,currency,status,channel');
    expect(CUSTOMERS_HEADER).toBe('customer_id,email,signup_date,country,channel,referrals,review_score,nps');
  });

  it('is byte-identical for the same seed, in both grains', () => {
    const a = generateInMemory(SMALL);
    const b = generateInMemory(SMALL);
    expect(b.customers).toBe(a.customers);
    expect(b.orders).toBe(a.orders);
    const la = generateInMemory({ ...SMALL, lines: true, secondCurrency: 'EUR' });
    const lb = generateInMemory({ ...SMALL, lines: true, secondCurrency: 'EUR' });
    expect(lb.orders).toBe(la.orders);
  });

  it('differs for a different seed', () => {
    const a = generateInMemory(SMALL);
    const b = generateInMemory({ ...SMALL, seed: 8 });
    expect(b.customers).not.toBe(a.customers);
    expect(b.orders).not.toBe(a.orders);
  });

  it.each([
    [200, 700],
    [1000, 4000],
    [300, 6000],
    [5000, 5000],
  ])('lands within 2 percent of the requested order count (%i customers, %i orders)', (customers, orders) => {
    const shop = generateInMemory({ customers, orders, seed: 3 });
    expect(Math.abs(shop.summary.orders - orders)).toBeLessThanOrEqual(orders * 0.02);
    const { rows } = parseRows(shop.orders);
    const ids = new Set(rows.filter((r) => r[5] !== 'refunded').map((r) => r[0]));
    expect(ids.size).toBe(shop.summary.orders);
    expect(rows.length).toBe(shop.summary.rows);
    expect(rows.length).toBe(shop.summary.orders + shop.summary.refunds);
  });

  it('references only existing customers, ordering on or after signup', () => {
    const shop = generateInMemory(SMALL);
    const customers = parseRows(shop.customers).rows;
    expect(customers.length).toBe(SMALL.customers);
    const signup = new Map(customers.map((r) => [r[0], r[2]]));
    expect(signup.size).toBe(customers.length);
    const firstOrder = new Map<string, string>();
    for (const r of parseRows(shop.orders).rows) {
      expect(signup.has(r[1])).toBe(true);
      if (!firstOrder.has(r[1])) firstOrder.set(r[1], r[2].slice(0, 10));
    }
    for (const [customer, first] of firstOrder) expect(signup.get(customer)! <= first).toBe(true);
    // Prospects: in customers.csv but never ordering.
    const prospectShare = 1 - firstOrder.size / customers.length;
    expect(prospectShare).toBeGreaterThan(0.08);
    expect(prospectShare).toBeLessThan(0.25);
  });

  it('formats customers as documented', () => {
    const { rows } = parseRows(generateInMemory(SMALL).customers);
    rows.forEach((r, i) => {
      expect(r).toHaveLength(8);
      expect(r[0]).toBe('C' + String(i + 1).padStart(7, '0'));
      expect(r[1]).toBe(`c${i + 1}@example.com`);
      expect(r[2]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(r[3]).toMatch(/^[A-Z]{2}$/);
      expect(['web', 'app', 'marketplace', 'retail']).toContain(r[4]);
      expect(r[5]).toMatch(/^\d+$/);
      expect(r[6]).toMatch(/^([1-5])?$/);
      expect(r[7]).toMatch(/^(\d|10)?$/);
    });
    const zeroReferrals = rows.filter((r) => r[5] === '0').length / rows.length;
    expect(zeroReferrals).toBeGreaterThan(0.7);
  });

  it('sorts rows by order_date then order_id, inside the range', () => {
    const shop = generateInMemory(SMALL);
    const { rows } = parseRows(shop.orders);
    for (const r of rows) {
      expect(r).toHaveLength(7);
      expect(r[2]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(r[2] >= '2023-01-01 00:00:00' && r[2] <= '2024-12-31 23:59:59').toBe(true);
    }
    for (let i = 1; i < rows.length; i++) {
      const prev = rows[i - 1];
      const cur = rows[i];
      const ordered = prev[2] < cur[2] || (prev[2] === cur[2] && prev[0] < cur[0]);
      expect(ordered, `${prev.join(',')} then ${cur.join(',')}`).toBe(true);
    }
    expect(shop.summary.start).toBe('2023-01-01');
    expect(shop.summary.end).toBe('2024-12-31');
  });

  it('writes statuses, refunds and amounts like a real export', () => {
    const shop = generateInMemory({ customers: 3000, orders: 20000, seed: 11 });
    const { rows } = parseRows(shop.orders);
    const byId = new Map<string, string[]>();
    const statusCount: Record<string, number> = { paid: 0, cancelled: 0, pending: 0, refunded: 0 };
    const problems: string[] = [];
    const check = (ok: boolean, what: string, r: string[]): void => {
      if (!ok && problems.length < 10) problems.push(`${what}: ${r.join(',')}`);
    };
    let zeros = 0;
    for (const r of rows) {
      statusCount[r[5]]++;
      check(r[4] === 'USD', 'currency', r);
      check(/^(web|app|marketplace|retail)$/.test(r[6]), 'channel', r);
      check(/^-?\d+\.\d{2}$/.test(r[3]), 'amount format', r);
      if (r[5] === 'refunded') {
        const original = byId.get(r[0].slice(0, -2));
        check(r[0].endsWith('-R'), 'refund id', r);
        check(original !== undefined, 'refund before its order', r);
        if (!original) continue;
        check(original[1] === r[1], 'refund customer', r);
        check(original[5] === 'paid', 'refunded order status', r);
        check(r[2].slice(0, 10) > original[2].slice(0, 10), 'refund date', r);
        check(Number(r[3]) < 0 && -Number(r[3]) <= Number(original[3]), 'refund amount', r);
      } else {
        check(!byId.has(r[0]), 'duplicate order id', r);
        byId.set(r[0], r);
        check(Number(r[3]) >= 0, 'negative order amount', r);
        if (r[3] === '0.00') zeros++;
      }
    }
    expect(problems).toEqual([]);
    const orders = byId.size;
    expect(Object.values(statusCount).reduce((a, b) => a + b, 0)).toBe(rows.length);
    expect(statusCount.cancelled / orders).toBeGreaterThan(0.02);
    expect(statusCount.cancelled / orders).toBeLessThan(0.04);
    expect(statusCount.pending / orders).toBeGreaterThan(0.004);
    expect(statusCount.pending / orders).toBeLessThan(0.02);
    expect(statusCount.refunded / orders).toBeGreaterThan(0.01);
    expect(statusCount.refunded / orders).toBeLessThan(0.03);
    expect(zeros).toBeGreaterThan(0);
    expect(zeros / orders).toBeLessThan(0.01);

    // Heterogeneous buyers: many buy once, a few buy a lot.
    const perCustomer = new Map<string, number>();
    for (const r of byId.values()) perCustomer.set(r[1], (perCustomer.get(r[1]) ?? 0) + 1);
    const counts = [...perCustomer.values()].sort((a, b) => a - b);
    const once = counts.filter((c) => c === 1).length / counts.length;
    expect(once).toBeGreaterThan(0.25);
    expect(counts[counts.length - 1]).toBeGreaterThan(20 * (orders / counts.length));

    // Same-day repeat orders exist.
    const days = new Set<string>();
    let sameDay = 0;
    for (const r of byId.values()) {
      const key = r[1] + r[2].slice(0, 10);
      if (days.has(key)) sameDay++;
      days.add(key);
    }
    expect(sameDay).toBeGreaterThan(0);
  });

  it('keeps lines of one order consecutive and consistent', () => {
    const shop = generateInMemory({ ...SMALL, lines: true });
    const { header, rows } = parseRows(shop.orders);
    expect(header).toBe(ORDER_LINES_HEADER);
    const seen = new Set<string>();
    let previous: string[] | undefined;
    let multiLine = 0;
    for (const r of rows) {
      expect(r).toHaveLength(9);
      expect(r[4]).toMatch(/^\d+$/);
      expect(r[5]).toMatch(/^-?\d+\.\d{2}$/);
      if (previous && previous[0] === r[0]) {
        multiLine++;
        expect(r[1]).toBe(previous[1]);
        expect(r[2]).toBe(previous[2]);
        expect(r[6]).toBe(previous[6]);
        expect(r[7]).toBe(previous[7]);
        expect(r[8]).toBe(previous[8]);
      } else {
        expect(seen.has(r[0]), `order ${r[0]} is split`).toBe(false);
        seen.add(r[0]);
      }
      if (r[7] === 'refunded') expect(Number(r[4]) * Number(r[5])).toBeLessThan(0);
      previous = r;
    }
    expect(multiLine).toBeGreaterThan(0);
    const orderIds = [...seen].filter((id) => !id.endsWith('-R'));
    expect(orderIds.length).toBe(shop.summary.orders);
    // Same orders, ids and dates as the order grain.
    const orderGrain = parseRows(generateInMemory(SMALL).orders).rows;
    expect(orderGrain.filter((r) => r[5] !== 'refunded').map((r) => r[0] + r[2])).toEqual(
      rows.filter((r, i) => r[7] !== 'refunded' && (i === 0 || rows[i - 1][0] !== r[0])).map((r) => r[0] + r[2]),
    );
  });

  it('uses a second currency only when asked', () => {
    const usd = parseRows(generateInMemory({ customers: 1000, orders: 5000, seed: 5 }).orders).rows;
    expect(usd.every((r) => r[4] === 'USD')).toBe(true);
    const mixed = parseRows(generateInMemory({ customers: 1000, orders: 5000, seed: 5, secondCurrency: 'EUR' }).orders)
      .rows;
    const currencies = new Set(mixed.map((r) => r[4]));
    expect(currencies).toEqual(new Set(['USD', 'EUR']));
    const eurShare = mixed.filter((r) => r[4] === 'EUR').length / mixed.length;
    expect(eurShare).toBeGreaterThan(0.015);
    expect(eurShare).toBeLessThan(0.05);
    // A refund is in its order's currency.
    const currencyOf = new Map(mixed.map((r) => [r[0], r[4]]));
    for (const r of mixed) if (r[0].endsWith('-R')) expect(r[4]).toBe(currencyOf.get(r[0].slice(0, -2)));
  });

  it('reproduces fixtures/demo byte for byte (regenerate it when the generator changes)', () => {
    const shop = generateInMemory({ customers: 1500, orders: 6000, seed: 42, start: '2023-01-01', end: '2024-12-31' });
    const fixture = new URL('../../fixtures/demo/', import.meta.url);
    expect(shop.customers === readFileSync(new URL('customers.csv', fixture), 'latin1')).toBe(true);
    expect(shop.orders === readFileSync(new URL('orders.csv', fixture), 'latin1')).toBe(true);
  });

  it('rejects bad options with a UsageError', () => {
    const bad: GenerateOptions[] = [
      { ...SMALL, customers: 0 },
      { ...SMALL, orders: -1 },
      { ...SMALL, orders: 1.5 },
      { ...SMALL, seed: -1 },
      { ...SMALL, start: '2023-02-30' },
      { ...SMALL, start: '2024-01-01', end: '2023-01-01' },
      { ...SMALL, secondCurrency: 'usd' },
      { ...SMALL, prospects: 1 },
      { customers: 10, orders: 100_000, seed: 1 }, // out of reach
    ];
    for (const options of bad) expect(() => generateInMemory(options), JSON.stringify(options)).toThrow(UsageError);
  });

  it('refuses, as a usage error, a shop too small for the orders asked (3 customers, 12 orders)', () => {
    // with a handful of customers, prospects and early dropout can leave one buyer: the
    // generator says so instead of writing a different shop than asked for
    let refused = 0;
    for (let seed = 0; seed < 200; seed++) {
      try {
        generateInMemory({ customers: 3, orders: 12, seed, start: '2022-03-01', end: '2022-08-28', lines: false });
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        expect((e as UsageError).exitCode).toBe(2);
        expect((e as Error).message).toMatch(/cannot produce about 12 orders from 3 customers/);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('holds its invariants for arbitrary small shops', () => {
    fc.assert(
      fc.property(
        // from 10 customers up a shop can always reach its order count; smaller ones may be refused (above)
        fc.integer({ min: 10, max: 60 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 180, max: 900 }),
        fc.boolean(),
        (customers, perCustomer, seed, span, lines) => {
          const start = '2022-03-01';
          const end = new Date(Date.UTC(2022, 2, 1 + span)).toISOString().slice(0, 10);
          const orders = customers * perCustomer;
          const shop = generateInMemory({ customers, orders, seed, start, end, lines });
          const customerIds = new Set(parseRows(shop.customers).rows.map((r) => r[0]));
          expect(customerIds.size).toBe(customers);
          const { rows } = parseRows(shop.orders);
          const orderIds = new Set<string>();
          let previous = '';
          for (const r of rows) {
            if (r[0].endsWith('-R')) expect(orderIds.has(r[0].slice(0, -2))).toBe(true);
            else orderIds.add(r[0]);
            expect(customerIds.has(r[1])).toBe(true);
            expect(r[2] >= start && r[2].slice(0, 10) <= end).toBe(true);
            expect(r[2] >= previous).toBe(true);
            previous = r[2];
          }
          // Tiny shops land within 10 orders: one customer's count moves in steps.
          expect(Math.abs(shop.summary.orders - orders)).toBeLessThanOrEqual(Math.max(10, orders * 0.02));
          if (orders === 0) expect(rows).toHaveLength(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});
