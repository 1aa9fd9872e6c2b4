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

  it('UCI Online Retail (line grain) is refused with the reason: its compiled SQL runs in Postgres (test/engine/postgres/agreement.test.ts), not in the staged DuckDB tables', async () => {
    await expect(duckdbEngine.read(spec(join(DATASETS, 'online-retail/online_retail_2010-12_2011-12.csv.gz'), { preset: 'online-retail' }))).rejects.toThrow(
      /the DuckDB engine cannot read this exactly: line-item grain \(rows with one order id add up to one order\) is read by the streaming engine, and by Postgres with --db/,
    );
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

  it('line items are refused with the reason, also with --as-of', async () => {
    for (const extra of [{}, { asOf: 18900, asOfSource: 'flag' as const }]) {
      await expect(duckdbEngine.read(spec(lines.csv, { preset: 'online-retail', map, ...extra }))).rejects.toThrow(/line-item grain .* by Postgres with --db/);
    }
  });

  it('--grain other than the preset\'s, and line items over an amount column, are refused: the engine compiles the grain the columns give', async () => {
    expect(duckdbEngine.unsupported(spec(lines.csv, { preset: 'online-retail', grain: 'order' }))).toMatch(/--grain order .*not the online-retail preset's/);
    expect(duckdbEngine.unsupported(spec(lines.amounts, { grain: 'line' }))).toMatch(/--grain line \(line-item grain/);
    expect(duckdbEngine.unsupported(spec(lines.csv, { preset: 'shopify' }))).toMatch(/line-item grain with an amount column \(preset shopify\)/);
    expect(duckdbEngine.unsupported(spec(lines.csv, { preset: 'online-retail' }))).toBeNull();
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

