import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../../helpers/datasets.js';
import { runClm } from '../../helpers/run-clm.js';
import { streamingEngine } from '../../../src/engine/engine.js';
import { postgresEngine } from '../../../src/engine/postgres/postgres-engine.js';
import type { LoadedData, ReadSpec } from '../../../src/engine/spec.js';
import { expectAgreement, plainRec } from '../duckdb/agree.js';
import { messyShop } from '../duckdb/messy-shop.js';
import { messyLines } from '../duckdb/messy-lines.js';
import { cdnowRows, csvRows, loadTable, useSchema } from './load.js';

/**
 * The Postgres engine against the streaming engine (issue 13): each dataset loaded once into a
 * real Postgres table (test/helpers/pg-cluster.ts), read by the Postgres engine and compared
 * with the streaming engine on the file: same customers in the same order, same days, orders,
 * money to the mill, ledger and reconciliation.
 */
const SCHEMA = 'clm_agree';
let url = '';
let client: pg.Client;
const messy = messyShop(11);
const lines = messyLines(5);
const CDNOW = join(DATASETS, 'cdnow/CDNOW_master.txt');
const UCI = join(DATASETS, 'online-retail/online_retail_2010-12_2011-12.csv.gz');
const present = existsSync(CDNOW) && existsSync(UCI);
if (!present) console.warn(`postgres agreement: the CDNOW and UCI tests skipped, the datasets (${CDNOW}, ${UCI}) are absent`);

// no server (CI without CLM_TEST_PG_URL) fails every test here, never skips it
useSchema(SCHEMA, async (c, u) => {
  client = c;
  url = u;
  const demo = csvRows('fixtures/demo/orders.csv');
  await loadTable(client, `${SCHEMA}.demo`, demo.headers.map((name) => ({ name })), demo.rows);
  // the demo as a warehouse types it: a timestamp with time zone, numeric money
  const types: Record<string, string> = { order_date: 'timestamptz', amount: 'numeric(12,2)' };
  await loadTable(client, `${SCHEMA}.demo_typed`, demo.headers.map((name) => ({ name, type: types[name] })), demo.rows.map((r) => r.map((v, i) => (demo.headers[i] === 'order_date' && v ? `${v}+00` : v))));
  await client.query(`CREATE VIEW ${SCHEMA}.demo_view AS SELECT * FROM ${SCHEMA}.demo`);
  if (present) {
    const cdnow = cdnowRows(CDNOW);
    await loadTable(client, `${SCHEMA}.cdnow`, cdnow.headers.map((name) => ({ name })), cdnow.rows);
    const uci = csvRows(UCI);
    await loadTable(client, `${SCHEMA}.uci`, uci.headers.map((name) => ({ name })), uci.rows);
    await client.query(`CREATE VIEW ${SCHEMA}.uci_view AS SELECT * FROM ${SCHEMA}.uci`);
  }
  const items = csvRows(lines.csv);
  await loadTable(client, `${SCHEMA}.lines`, items.headers.map((name) => ({ name })), items.rows);
  const totals = csvRows(lines.amounts);
  await loadTable(client, `${SCHEMA}.line_amounts`, totals.headers.map((name) => ({ name })), totals.rows);
  const shop = csvRows(messy.csv);
  await loadTable(client, `${SCHEMA}.messy`, shop.headers.map((name) => ({ name })), shop.rows);
});

function spec(orders: string, more: Partial<ReadSpec> = {}): ReadSpec {
  return { orders, map: { orders: new Map(), customers: new Map(), payments: new Map() }, warn: () => {}, parallel: 'off', ...more };
}

/** The file through the streaming engine, the table through the Postgres engine: they agree, money to the mill. */
async function both(file: string, table: string, more: Partial<ReadSpec> = {}): Promise<LoadedData> {
  const streaming = await streamingEngine.read(spec(file, more));
  const postgres = await postgresEngine.read(spec(`${SCHEMA}.${table}`, { ...more, db: url }));
  expectAgreement(postgres, streaming);
  expect(Array.from(postgres.table.revenue)).toEqual(Array.from(streaming.table.revenue));
  expect(Array.from(postgres.table.ledgerAmount)).toEqual(Array.from(streaming.table.ledgerAmount));
  return postgres;
}

describe('the Postgres engine and the streaming engine agree', () => {
  it('demo shop (text columns)', async () => {
    const d = await both('fixtures/demo/orders.csv', 'demo');
    expect(d.table.size).toBe(1253);
    expect(d.reconciliation.orders).toBe(5738);
    expect(d.table.attributeNames).toEqual(['channel']);
  });

  it('demo shop with typed columns (timestamptz dates, numeric amounts)', async () => {
    const d = await both('fixtures/demo/orders.csv', 'demo_typed');
    expect(d.table.size).toBe(1253);
  });

  it('a view has no physical order: the same customers, in id order (bytes)', async () => {
    const streaming = await streamingEngine.read(spec('fixtures/demo/orders.csv'));
    const view = await postgresEngine.read(spec(`${SCHEMA}.demo_view`, { db: url }));
    const sorted = [...streaming.table.ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(view.table.ids).toEqual(sorted);
    expect(view.table.ids).not.toEqual(streaming.table.ids);
    const byId = (d: LoadedData): Map<string, number> => new Map(d.table.ids.map((id, i) => [id, d.table.revenue[i]]));
    expect(byId(view)).toEqual(byId(streaming));
    expect(plainRec(view)).toEqual(plainRec(streaming));
  });

  it.skipIf(!present)('CDNOW master (preset cdnow)', async () => {
    const d = await both(CDNOW, 'cdnow', { preset: 'cdnow' });
    expect(d.table.size).toBe(23570);
    expect(d.reconciliation.rowsRead).toBe(69659);
  });

  it.skipIf(!present)('CDNOW master recognised from the table columns, without --preset', async () => {
    const d = await postgresEngine.read(spec(`${SCHEMA}.cdnow`, { db: url }));
    expect(d.preset).toBe('cdnow');
    expect(d.table.size).toBe(23570);
  });

  it.skipIf(!present)('UCI Online Retail (line grain: quantity x unit price, C-prefixed cancellation invoices)', async () => {
    const d = await both(UCI, 'uci', { preset: 'online-retail' });
    expect(d.reconciliation.grain).toBe('line');
    expect(d.reconciliation.rowsRead).toBe(541909);
    expect(d.reconciliation.orders).toBe(18536);
    expect(d.table.size).toBe(4339);
  });

  it.skipIf(!present)('line grain over a view is refused: the lines of an order are gathered in the rows\' order, which a view does not have', async () => {
    await expect(postgresEngine.read(spec(`${SCHEMA}.uci_view`, { db: url, preset: 'online-retail' }))).rejects.toThrow(/line-item grain .* a view or partitioned table has none/);
  });
});

describe('the Postgres engine on generated line items', () => {
  const map = { orders: new Map([['status', 'Status'], ['refund', 'Refund']]), customers: new Map(), payments: new Map() };

  it('split orders, cancellation invoices, refunds, statuses and bad rows add up as the streaming engine adds them', async () => {
    const d = await both(lines.csv, 'lines', { preset: 'online-retail', map });
    expect(d.reconciliation.rowsRead).toBe(lines.rows);
    expect(d.reconciliation.orders).toBe(942);
    expect(d.reconciliation.refunds).toBe(82);
  });

  it('with --as-of', async () => {
    await both(lines.csv, 'lines', { preset: 'online-retail', map, asOf: 18900, asOfSource: 'flag' });
  });

  it('--grain order over quantity x unit price is refused with the reason (the SQL reads those at line grain)', async () => {
    await expect(postgresEngine.read(spec(`${SCHEMA}.lines`, { db: url, preset: 'online-retail', grain: 'order' }))).rejects.toThrow(
      /the Postgres engine cannot read this exactly: quantity x unit price at order grain \(--grain order\) is read only by the streaming engine/,
    );
  });

  it('--grain line over an amount column (a blank line amount is 0; no cancellation prefix: a negative order is a refund)', async () => {
    const byName = new Map([['order_id', 'InvoiceNo'], ['customer_id', 'CustomerID'], ['order_date', 'InvoiceDate'], ['amount', 'Total'], ['status', 'Status'], ['refund', 'Refund']]);
    const d = await both(lines.amounts, 'line_amounts', { grain: 'line', map: { orders: byName, customers: new Map(), payments: new Map() } });
    expect(d.reconciliation.grain).toBe('line');
    expect(d.reconciliation.rowsRead).toBe(lines.rows);
    expect(plainRec(d)).toEqual({
      rowsRead: 3814,
      orderRows: 2933,
      refundRows: 254,
      orders: 944,
      refunds: 80,
      excluded: { empty_row: 1, no_customer_id: 261, placeholder_date: 32, refund_without_order: 2, repeated_header: 1, status_cancelled: 145, status_pending: 95, status_unknown: 36 },
      rejected: { bad_date: 54 },
    });
    expect(d.table.size).toBe(149);
  });
});

describe('the Postgres engine on a messy generated shop', () => {
  const map = { orders: new Map([['refund', 'refunded_amount'], ['cancelled_at', 'cancelled_at']]), customers: new Map(), payments: new Map() };

  it('with --currency USD: every exclusion and rejection counted as the streaming engine counts it', async () => {
    const d = await both(messy.csv, 'messy', { map, currency: 'USD' });
    expect(d.reconciliation.rowsRead).toBe(messy.rows);
    for (const reason of ['duplicate_order_id', 'refund_without_order', 'no_customer_id', 'placeholder_date', 'status_cancelled', 'status_refunded', 'status_pending', 'status_unknown', 'other_currency', 'empty_row', 'repeated_header']) {
      expect(d.reconciliation.excluded.get(reason) ?? 0, reason).toBeGreaterThan(0);
    }
    expect(d.reconciliation.rejected.get('bad_date')).toBe(3);
    expect(d.reconciliation.rejected.get('bad_amount')).toBe(1);
  });

  it('--currency EUR, --as-of, --count-status and --exclude-status', async () => {
    await both(messy.csv, 'messy', { map, currency: 'eur', asOf: 19000, asOfSource: 'flag', countStatus: ['bezahlt'], excludeStatus: ['shipped'] });
  });

  it('mixed currencies without --currency: the same error', async () => {
    const streaming = await streamingEngine.read(spec(messy.csv, { map })).catch((e: Error) => e.message);
    const postgres = await postgresEngine.read(spec(`${SCHEMA}.messy`, { map, db: url })).catch((e: Error) => e.message);
    expect(streaming).toMatch(/more than one currency: USD \(\d+ rows\), EUR/);
    expect(postgres).toBe(streaming);
  });
});

describe('clm with --db', () => {
  it('clm summary and clm customers print what they print on the file', async () => {
    for (const cmd of ['summary', 'customers']) {
      const common = [cmd, '--as-of', '2024-12-31', '--format', 'csv'];
      const file = await runClm([...common, '--orders', 'fixtures/demo/orders.csv']);
      const db = await runClm([...common, '--db', url, '--orders', `${SCHEMA}.demo`]);
      expect(db.stderr).toBe(file.stderr);
      expect(db.code).toBe(0);
      expect(db.stdout).toBe(file.stdout);
      expect(db.stdout.split('\n').length).toBeGreaterThan(10);
    }
  });

  it.skipIf(!present)('CLM_DB names the database as --db does; CDNOW summary as on the file', async () => {
    const file = await runClm(['summary', '--orders', CDNOW, '--preset', 'cdnow', '--format', 'csv']);
    const db = await runClm(['summary', '--orders', `${SCHEMA}.cdnow`, '--preset', 'cdnow', '--format', 'csv'], { env: { CLM_DB: url } });
    expect(db.code).toBe(0);
    expect(db.stdout).toBe(file.stdout);
  });
});
