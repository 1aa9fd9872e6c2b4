/**
 * Parity of `clm summary` and `clm customers` with an independent DuckDB SQL computation of
 * the same definitions (test/datasets/duckdb-reference.ts), on every real dataset with orders
 * in ../shared/datasets (README.md there). Skips, with a warning, where the data is absent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import type { CliIO } from '../../src/io/cli-io.js';
import {
  cdnowMasterSql,
  cdnowSampleSql,
  computeReference,
  olistItemsSql,
  olistPaymentsSql,
  onlineRetailSql,
  type RefCustomer,
  type Reference,
  type RefSummary,
} from './duckdb-reference.js';

import { DATASETS } from '../helpers/datasets.js';

// ---------------------------------------------------------------------------------------------
// Running clm in-process

class Collect extends Writable {
  private chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    cb();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

interface ClmRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function runClm(args: string[]): Promise<ClmRun> {
  const stdout = new Collect();
  const stderr = new Collect();
  const io: CliIO = {
    stdout,
    stderr,
    stdin: undefined,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
    now: () => new Date('2026-01-01T00:00:00Z'),
    cwd: process.cwd(),
  };
  const code = await main(args, io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

// ---------------------------------------------------------------------------------------------
// The datasets

interface Dataset {
  name: string;
  files: string[];
  args: string[];
  sql: string;
  /** Reconciliation counts that must equal the reference's recon columns. */
  recon: (r: Reconciliation, ref: Record<string, number>) => Array<[string, number, number]>;
}

interface Reconciliation {
  rows_read: number;
  order_rows: number;
  refund_rows: number;
  orders: number;
  refunds: number;
  excluded: Record<string, number>;
  rejected: Record<string, number>;
}

const d = (...p: string[]): string => join(DATASETS, ...p);

const cdnowRecon = (r: Reconciliation, ref: Record<string, number>): Array<[string, number, number]> => [
  ['order_rows', r.order_rows, ref.order_rows],
  ['refund_rows', r.refund_rows, 0],
  ['refunds', r.refunds, 0],
];

/** An exclusion count by reason; clm names status reasons `status_<reason>`. */
const reason = (r: Reconciliation, name: string): number => r.excluded[name] ?? r.excluded[`status_${name}`] ?? 0;

const olistRecon = (r: Reconciliation, ref: Record<string, number>): Array<[string, number, number]> => [
  ['order_rows', r.order_rows, ref.order_rows],
  ['excluded: cancelled (canceled, unavailable)', reason(r, 'cancelled'), ref.cancelled],
  ['excluded: pending (created)', reason(r, 'pending'), ref.pending],
  ['excluded: no_payment', reason(r, 'no_payment'), ref.no_payment],
];

const DATASET_LIST: Dataset[] = [
  {
    name: 'cdnow master',
    files: [d('cdnow/CDNOW_master.txt')],
    args: ['--orders', d('cdnow/CDNOW_master.txt'), '--preset', 'cdnow'],
    sql: cdnowMasterSql(d('cdnow/CDNOW_master.txt')),
    recon: cdnowRecon,
  },
  {
    name: 'cdnow sample',
    files: [d('cdnow/CDNOW_sample.txt')],
    args: ['--orders', d('cdnow/CDNOW_sample.txt'), '--preset', 'cdnow'],
    sql: cdnowSampleSql(d('cdnow/CDNOW_sample.txt')),
    recon: cdnowRecon,
  },
  {
    name: 'online retail (UCI)',
    files: [d('online-retail/online_retail_2010-12_2011-12.csv.gz')],
    args: ['--orders', d('online-retail/online_retail_2010-12_2011-12.csv.gz'), '--preset', 'online-retail'],
    sql: onlineRetailSql(d('online-retail/online_retail_2010-12_2011-12.csv.gz')),
    recon: (r, ref) => [
      ['excluded: no_customer_id', reason(r, 'no_customer_id'), ref.no_customer_id],
      ['excluded: refund_without_order', reason(r, 'refund_without_order'), ref.refund_without_order],
      ['order_rows', r.order_rows, ref.order_rows],
      ['refund_rows', r.refund_rows, ref.refund_rows],
      ['refunds', r.refunds, ref.refunds],
    ],
  },
  {
    name: 'olist 4k',
    files: ['olist_orders_dataset.csv', 'olist_customers_dataset.csv', 'olist_order_payments_dataset.csv'].map((f) => d('olist-4k', f)),
    args: [
      '--orders', d('olist-4k/olist_orders_dataset.csv'),
      '--customers', d('olist-4k/olist_customers_dataset.csv'),
      '--payments', d('olist-4k/olist_order_payments_dataset.csv'),
      '--preset', 'olist',
    ],
    sql: olistPaymentsSql(d('olist-4k/olist_orders_dataset.csv'), d('olist-4k/olist_customers_dataset.csv'), d('olist-4k/olist_order_payments_dataset.csv')),
    recon: olistRecon,
  },
  {
    name: 'olist 2017',
    files: ['orders.csv', 'customers.csv', 'order_items.csv'].map((f) => d('olist-2017', f)),
    args: [
      '--orders', d('olist-2017/orders.csv'),
      '--customers', d('olist-2017/customers.csv'),
      '--payments', d('olist-2017/order_items.csv'),
      '--preset', 'olist',
    ],
    sql: olistItemsSql(d('olist-2017/orders.csv'), d('olist-2017/customers.csv'), d('olist-2017/order_items.csv')),
    recon: olistRecon,
  },
];

// ---------------------------------------------------------------------------------------------
// Comparison helpers

const MONEY = 0.01;
const CENT_ROUNDING = 0.005 + 1e-9;
const RATIO = 1e-9;

function close(a: number | null | undefined, b: number | null | undefined, tol: number): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return Math.abs(a - b) <= tol;
}

interface ClmCustomerRow {
  customer_id: string;
  first_order_date: string;
  last_order_date: string;
  orders: string;
  purchase_days: string;
  revenue: string;
}

/** Differences between clm's customers CSV and the reference table, as readable strings. */
function diffCustomers(rows: ClmCustomerRow[], ref: RefCustomer[]): string[] {
  const out: string[] = [];
  if (rows.length !== ref.length) out.push(`row count: clm ${rows.length}, sql ${ref.length}`);
  const n = Math.min(rows.length, ref.length);
  for (let i = 0; i < n && out.length < 20; i++) {
    const c = rows[i];
    const r = ref[i];
    const problems: string[] = [];
    if (c.customer_id !== r.customer_id) {
      out.push(`row ${i + 1}: customer_id clm ${JSON.stringify(c.customer_id)}, sql ${JSON.stringify(r.customer_id)} (ids or order differ from here)`);
      break;
    }
    if (c.first_order_date !== (r.first_order_date ?? '')) problems.push(`first_order_date ${c.first_order_date} vs ${r.first_order_date}`);
    if (c.last_order_date !== (r.last_order_date ?? '')) problems.push(`last_order_date ${c.last_order_date} vs ${r.last_order_date}`);
    if (Number(c.orders) !== r.orders) problems.push(`orders ${c.orders} vs ${r.orders}`);
    if (Number(c.purchase_days) !== r.purchase_days) problems.push(`purchase_days ${c.purchase_days} vs ${r.purchase_days}`);
    if (!close(Number(c.revenue), r.revenue, CENT_ROUNDING)) problems.push(`revenue ${c.revenue} vs ${r.revenue}`);
    if (problems.length) out.push(`${c.customer_id}: ${problems.join('; ')} (clm vs sql)`);
  }
  if (out.length === 0 && rows.length === ref.length) return out;
  // A tally of the whole table, so a report shows the size of a mismatch, not only its head.
  const clmIds = new Set(rows.map((x) => x.customer_id));
  const refIds = new Set(ref.map((x) => x.customer_id));
  const onlyClm = [...clmIds].filter((x) => !refIds.has(x));
  const onlySql = [...refIds].filter((x) => !clmIds.has(x));
  if (onlyClm.length) out.push(`${onlyClm.length} ids only in clm, e.g. ${onlyClm.slice(0, 5).join(', ')}`);
  if (onlySql.length) out.push(`${onlySql.length} ids only in sql, e.g. ${onlySql.slice(0, 5).join(', ')}`);
  const byId = new Map(ref.map((x) => [x.customer_id, x]));
  let differing = 0;
  for (const c of rows) {
    const r = byId.get(c.customer_id);
    if (!r) continue;
    if (
      c.first_order_date !== (r.first_order_date ?? '') || c.last_order_date !== (r.last_order_date ?? '') ||
      Number(c.orders) !== r.orders || Number(c.purchase_days) !== r.purchase_days || !close(Number(c.revenue), r.revenue, CENT_ROUNDING)
    ) differing++;
  }
  out.push(`${differing} customers with differing figures in all`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The tests

if (!existsSync(DATASETS)) {
  console.warn(`parity tests skipped: datasets folder ${DATASETS} not found (set CLM_DATASETS to its path)`);
}

for (const ds of DATASET_LIST) {
  const missing = ds.files.filter((f) => !existsSync(f));
  if (existsSync(DATASETS) && missing.length) console.warn(`parity tests for ${ds.name} skipped: missing ${missing.join(', ')}`);

  describe.skipIf(missing.length > 0)(`parity with DuckDB: ${ds.name}`, () => {
    let summaryRun: ClmRun;
    let customersRun: ClmRun;
    let meta: { summary: Record<string, unknown>; reconciliation: Reconciliation };
    let rows: ClmCustomerRow[];
    let ref: Reference;

    beforeAll(async () => {
      // DuckDB works on its own threads while clm runs on this one.
      const refPromise = computeReference(ds.sql);
      refPromise.catch(() => undefined);
      summaryRun = await runClm(['summary', ...ds.args, '--format', 'json']);
      customersRun = await runClm(['customers', ...ds.args, '--format', 'csv']);
      ref = await refPromise;
      if (summaryRun.code === 0) meta = JSON.parse(summaryRun.stdout).meta;
      if (customersRun.code === 0) rows = parse(customersRun.stdout, { columns: true }) as ClmCustomerRow[];
    });

    it('clm exits 0', () => {
      expect(summaryRun.code, `clm summary: ${summaryRun.stderr}`).toBe(0);
      expect(customersRun.code, `clm customers: ${customersRun.stderr}`).toBe(0);
    });

    it('summary counts and dates equal the SQL', () => {
      const s = meta.summary;
      const r: RefSummary = ref.summary;
      expect({
        customers: s.customers,
        prospects: s.prospects,
        orders: s.orders,
        first_order_date: s.first_order_date,
        last_order_date: s.last_order_date,
      }).toEqual({
        customers: r.customers,
        prospects: r.prospects,
        orders: r.orders,
        first_order_date: r.first_order_date,
        last_order_date: r.last_order_date,
      });
    });

    it('summary money equals the SQL within a cent', () => {
      const s = meta.summary;
      const r = ref.summary;
      const keys = ['net_revenue', 'average_order_value'] as const;
      const off = keys.filter((k) => !close(s[k] as number, r[k], MONEY)).map((k) => ({ metric: k, clm: s[k], sql: r[k] }));
      expect(off, 'money within 0.01').toEqual([]);
    });

    it('summary ratios and median gap equal the SQL', () => {
      const s = meta.summary;
      const r = ref.summary;
      const keys = ['orders_per_customer', 'repeat_customer_rate', 'median_days_between_purchases'] as const;
      const off = keys.filter((k) => !close(s[k] as number | null, r[k], RATIO)).map((k) => ({ metric: k, clm: s[k], sql: r[k] }));
      expect(off, 'ratios within 1e-9').toEqual([]);
    });

    it('customers CSV equals the SQL per-customer table row by row', () => {
      expect(Object.keys(rows[0] ?? {}).slice(0, 6)).toEqual(['customer_id', 'first_order_date', 'last_order_date', 'orders', 'purchase_days', 'revenue']);
      expect(diffCustomers(rows, ref.customers)).toEqual([]);
    });

    it('reconciliation accounts for every row of the file', () => {
      const rec = meta.reconciliation;
      const sum = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);
      const checks: Array<[string, number, number]> = [
        ['rows_read (data rows of the orders file)', rec.rows_read, ref.recon.rows_read],
        ['order_rows + refund_rows + excluded + rejected = rows_read', rec.order_rows + rec.refund_rows + sum(rec.excluded) + sum(rec.rejected), rec.rows_read],
        ['orders (counted orders)', rec.orders, ref.summary.orders],
        ...ds.recon(rec, ref.recon),
      ];
      expect(checks.filter(([, clm, sql]) => clm !== sql).map(([check, clm, sql]) => ({ check, clm, sql }))).toEqual([]);
    });

    if (ds.name.startsWith('cdnow master')) {
      it('customers keeps CDNOW ids with their leading zeros', () => {
        expect(rows[0].customer_id).toBe('00001');
        expect(rows.every((x) => /^\d{5}$/.test(x.customer_id))).toBe(true);
      });
    }
    if (ds.name.startsWith('online retail')) {
      it('customers writes UCI float ids without ".0"', () => {
        expect(rows.some((x) => x.customer_id === '17850')).toBe(true);
        expect(rows.filter((x) => !/^\d+$/.test(x.customer_id)).map((x) => x.customer_id).slice(0, 5)).toEqual([]);
      });
    }
  });
}
