import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../../helpers/datasets.js';
import { generateShop, type ShopFile } from '../../../src/gen/generate.js';
import { ID_SHAPES } from '../../../src/gen/ids.js';
import { streamingEngine } from '../../../src/engine/engine.js';
import { duckdbEngine } from '../../../src/engine/duckdb/duckdb-engine.js';
import type { LoadedData, ReadSpec } from '../../../src/engine/spec.js';
import { expectAgreement, plainRec, plainTable } from './agree.js';
import { messyShop } from './messy-shop.js';
import { messyLines } from './messy-lines.js';

function spec(orders: string, more: Partial<ReadSpec> = {}): ReadSpec {
  return { orders, map: { orders: new Map(), customers: new Map(), payments: new Map() }, warn: () => {}, parallel: 'off', ...more };
}

async function both(s: ReadSpec): Promise<LoadedData> {
  const streaming = await streamingEngine.read(s);
  const duck = await duckdbEngine.read(s);
  expectAgreement(duck, streaming);
  return duck;
}

describe('the DuckDB engine and the streaming engine agree', () => {
  it('demo shop', async () => {
    const d = await both(spec('fixtures/demo/orders.csv'));
    expect(d.table.size).toBe(1253);
    expect(d.reconciliation.orders).toBe(5738);
    expect(d.table.attributeNames).toEqual(['channel']);
  });
});

describe('the DuckDB engine more', () => {
  it('CDNOW master (whitespace, no header line, preset cdnow)', async () => {
    const d = await both(spec(join(DATASETS, 'cdnow/CDNOW_master.txt'), { preset: 'cdnow' }));
    expect(d.table.size).toBe(23570);
  });

  it('UCI Online Retail (line grain: the lines of an invoice add up to one order, C invoices refund)', async () => {
    const d = await both(spec(join(DATASETS, 'online-retail/online_retail_2010-12_2011-12.csv.gz'), { preset: 'online-retail' }));
    expect(d.reconciliation.grain).toBe('line');
    expect(d.table.size).toBeGreaterThan(4000);
  });
});

describe('the DuckDB engine on a messy generated shop', () => {
  const shop = messyShop(11);
  const map = { orders: new Map([['refund', 'refunded_amount'], ['cancelled_at', 'cancelled_at']]), customers: new Map(), payments: new Map() };

  it('with --currency USD', async () => {
    const d = await both(spec(shop.csv, { map, currency: 'USD' }));
    expect(d.reconciliation.rowsRead).toBe(shop.rows);
    for (const reason of ['duplicate_order_id', 'refund_without_order', 'no_customer_id', 'placeholder_date', 'status_cancelled', 'status_refunded', 'status_pending', 'status_unknown', 'other_currency', 'empty_row', 'repeated_header']) {
      expect(d.reconciliation.excluded.get(reason) ?? 0, reason).toBeGreaterThan(0);
    }
    expect(d.reconciliation.rejected.get('bad_date')).toBe(3);
    expect(d.reconciliation.rejected.get('bad_amount')).toBe(1);
  });

  it('gzip, --currency EUR, --as-of, --count-status and --exclude-status', async () => {
    await both(spec(shop.gz, { map, currency: 'eur', asOf: 19000, asOfSource: 'flag', countStatus: ['bezahlt'], excludeStatus: ['shipped'] }));
  });

  it('mixed currencies without --currency: the same error', async () => {
    const s = spec(shop.csv, { map });
    const streaming = await streamingEngine.read(s).catch((e: Error) => e.message);
    const duck = await duckdbEngine.read(s).catch((e: Error) => e.message);
    expect(streaming).toMatch(/more than one currency: USD \(\d+ rows\), EUR/);
    expect(duck).toBe(streaming);
  });
});

describe('the DuckDB engine on generated line items', () => {
  const lines = messyLines(5);
  const map = { orders: new Map([['status', 'Status'], ['refund', 'Refund']]), customers: new Map(), payments: new Map() };

  it('line items, also with --as-of', async () => {
    for (const extra of [{}, { asOf: 18900, asOfSource: 'flag' as const }]) {
      const d = await both(spec(lines.csv, { preset: 'online-retail', map, ...extra }));
      expect(d.reconciliation.grain).toBe('line');
      expect(d.reconciliation.orders).toBeGreaterThan(0);
    }
  });

  it('--grain line over an amount column (a blank line amount is 0; a negative order is a refund)', async () => {
    const byName = new Map([['order_id', 'InvoiceNo'], ['customer_id', 'CustomerID'], ['order_date', 'InvoiceDate'], ['amount', 'Total'], ['status', 'Status'], ['refund', 'Refund']]);
    const d = await both(spec(lines.amounts, { grain: 'line', map: { orders: byName, customers: new Map(), payments: new Map() } }));
    expect(d.reconciliation.grain).toBe('line');
    expect(d.reconciliation.rowsRead).toBe(lines.rows);
  });

  it('--grain order over quantity x unit price is refused with the reason (the SQL reads those at line grain)', async () => {
    await expect(duckdbEngine.read(spec(lines.csv, { preset: 'online-retail', map, grain: 'order' }))).rejects.toThrow(
      /the DuckDB engine cannot read this exactly: quantity x unit price at order grain \(--grain order\) is read only by the streaming engine/,
    );
  });
});

describe('the DuckDB engine on Parquet', () => {
  it('the demo shop as Parquet with typed columns (timestamps, doubles) gives the table the streaming engine reads from the CSV', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const dir = mkdtempSync(join(tmpdir(), 'clm-parquet-'));
    const parquet = join(dir, 'orders.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`COPY (SELECT * FROM read_csv('fixtures/demo/orders.csv', types = {'order_date': 'TIMESTAMP', 'amount': 'DOUBLE'})) TO '${parquet}' (FORMAT parquet)`);
    const types = (await c.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${parquet}'))`)).getRowsJS();
    c.closeSync();
    db.closeSync();
    expect(types).toContainEqual(['order_date', 'TIMESTAMP']);
    expect(types).toContainEqual(['amount', 'DOUBLE']);
    const streaming = await streamingEngine.read(spec('fixtures/demo/orders.csv'));
    const duck = await duckdbEngine.read(spec(parquet));
    expect(plainTable(duck.table)).toEqual(plainTable(streaming.table));
    expect(plainRec(duck)).toEqual(plainRec(streaming));
  });
});

describe('the DuckDB engine on every id shape of the generator', () => {
  for (const idShape of ID_SHAPES) {
    it(idShape, async () => {
      const dir = mkdtempSync(join(tmpdir(), `clm-shape-${idShape}-`));
      let text = '';
      generateShop({ customers: 500, orders: 4000, seed: 5, idShape }, (f: ShopFile, c: string) => {
        if (f === 'orders.csv') text += c;
      });
      writeFileSync(join(dir, 'orders.csv'), text);
      const d = await both(spec(join(dir, 'orders.csv')));
      expect(d.reconciliation.refunds).toBeGreaterThan(0);
      expect(d.reconciliation.excluded.get('status_cancelled')).toBeGreaterThan(0);
    });
  }

  it('CDNOW sample (five columns: master and sample ids)', async () => {
    const d = await both(spec(join(DATASETS, 'cdnow/CDNOW_sample.txt'), { preset: 'cdnow' }));
    expect(d.table.size).toBe(2357);
  });
});

