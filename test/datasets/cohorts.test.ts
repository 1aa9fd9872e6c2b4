/**
 * `clm cohorts` on real data against an independent DuckDB SQL computation of the same
 * definitions (issue 4): CDNOW master (customers who first bought in January to March 1997:
 * three monthly cohorts) and UCI Online Retail (monthly cohorts, December 2010 to December 2011).
 * The events views come from duckdb-reference.ts (the parity tests' reading of the raw files);
 * the cohort cells are computed here in SQL, from the definitions, not from clm's code:
 *   cohort = month of the customer's first counted order; k = months since;
 *   active = customers with a counted order in month k; orders = counted orders in month k;
 *   revenue = orders plus refunds dated in month k (a refund before the first order in k = 0);
 *   ltv = cumulative revenue over months 0..k / cohort size.
 * Skips, with a printed reason, where the data is absent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATASETS } from '../helpers/datasets.js';
import { runClm } from '../helpers/run-clm.js';
import { cdnowMasterSql, onlineRetailSql } from './duckdb-reference.js';

interface RefCell {
  cohort: string;
  k: number;
  size: number;
  active: number;
  orders: number;
  revenue: number;
}

const COHORT_SQL = `
  WITH buyers AS (
    SELECT customer_id, min(day) FILTER (WHERE is_order) AS first_day
    FROM events
    GROUP BY customer_id
    HAVING count(*) FILTER (WHERE is_order) > 0
  ),
  sizes AS (SELECT strftime(first_day, '%Y-%m') AS cohort, count(*) AS size FROM buyers GROUP BY 1),
  ev AS (
    SELECT e.customer_id, e.is_order, e.amount,
           strftime(b.first_day, '%Y-%m') AS cohort,
           greatest(0, (year(e.day) * 12 + month(e.day)) - (year(b.first_day) * 12 + month(b.first_day))) AS k
    FROM events e JOIN buyers b USING (customer_id)
  )
  SELECT cohort, CAST(k AS INTEGER) AS k, CAST(size AS INTEGER) AS size,
         CAST(count(DISTINCT customer_id) FILTER (WHERE is_order) AS INTEGER) AS active,
         CAST(count(*) FILTER (WHERE is_order) AS INTEGER) AS orders,
         CAST(sum(amount) AS DOUBLE) AS revenue
  FROM ev JOIN sizes USING (cohort)
  GROUP BY cohort, k, size
  ORDER BY cohort, k`;

async function referenceCells(datasetSql: string): Promise<RefCell[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    await con.run(datasetSql);
    return (await con.runAndReadAll(COHORT_SQL)).getRowObjectsJS() as unknown as RefCell[];
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

type Row = Record<string, string>;

async function clmLong(args: string[], metric: string): Promise<Row[]> {
  const r = await runClm(['cohorts', ...args, '--metric', metric, '--layout', 'long', '--format', 'csv']);
  expect(r.code, r.stderr).toBe(0);
  return parse(r.stdout, { columns: true }) as Row[];
}

/** Every clm cell against the reference (a cell the SQL lacks had no events: zero). */
function compare(ref: RefCell[], clm: { customers: Row[]; orders: Row[]; revenue: Row[]; ltv: Row[] }): string[] {
  const byCell = new Map(ref.map((c) => [`${c.cohort}/${c.k}`, c]));
  const sizes = new Map(ref.map((c) => [c.cohort, c.size]));
  const out: string[] = [];
  const n = clm.customers.length;
  for (const t of ['orders', 'revenue', 'ltv'] as const) if (clm[t].length !== n) out.push(`${t}: ${clm[t].length} rows, customers: ${n}`);
  const cum = new Map<string, number>();
  for (let i = 0; i < n && out.length < 20; i++) {
    const c = clm.customers[i];
    const key = `${c.cohort}/${c.k}`;
    const r = byCell.get(key);
    const size = sizes.get(c.cohort);
    const active = r?.active ?? 0;
    const orders = r?.orders ?? 0;
    const revenue = r?.revenue ?? 0;
    const base = byCell.get(`${c.cohort}/0`)?.revenue ?? 0;
    const soFar = (c.k === '0' ? 0 : cum.get(c.cohort)!) + revenue;
    cum.set(c.cohort, soFar);
    const p: string[] = [];
    if (Number(c.cohort_size) !== size) p.push(`size ${c.cohort_size} vs ${size}`);
    if (Number(c.active) !== active) p.push(`active ${c.active} vs ${active}`);
    if (Math.abs(Number(c.retention) - active / size!) > 1e-9) p.push(`retention ${c.retention} vs ${active / size!}`);
    if (Number(clm.orders[i].orders) !== orders) p.push(`orders ${clm.orders[i].orders} vs ${orders}`);
    if (Math.abs(Number(clm.revenue[i].revenue) - revenue) > 0.006) p.push(`revenue ${clm.revenue[i].revenue} vs ${revenue}`);
    if (base > 0 && Math.abs(Number(clm.revenue[i].revenue_retention) - revenue / base) > 1e-6) p.push(`revenue_retention ${clm.revenue[i].revenue_retention} vs ${revenue / base}`);
    if (Math.abs(Number(clm.ltv[i].ltv) - soFar / size!) > 0.006) p.push(`ltv ${clm.ltv[i].ltv} vs ${soFar / size!}`);
    for (const t of ['orders', 'revenue', 'ltv'] as const) if (clm[t][i].cohort !== c.cohort || clm[t][i].k !== c.k) p.push(`${t} row is ${clm[t][i].cohort}/${clm[t][i].k}`);
    if (p.length) out.push(`${key}: ${p.join('; ')} (clm vs sql)`);
  }
  // every SQL cell is a clm row
  const have = new Set(clm.customers.map((c) => `${c.cohort}/${c.k}`));
  const missing = ref.filter((c) => !have.has(`${c.cohort}/${c.k}`));
  if (missing.length) out.push(`${missing.length} sql cells not in clm, e.g. ${missing.slice(0, 5).map((c) => `${c.cohort}/${c.k}`).join(', ')}`);
  return out;
}

const CASES = [
  {
    name: 'CDNOW master',
    file: join(DATASETS, 'cdnow/CDNOW_master.txt'),
    args: (f: string) => ['--orders', f, '--preset', 'cdnow'],
    sql: cdnowMasterSql,
  },
  {
    name: 'UCI online retail',
    file: join(DATASETS, 'online-retail/online_retail_2010-12_2011-12.csv.gz'),
    args: (f: string) => ['--orders', f, '--preset', 'online-retail'],
    sql: onlineRetailSql,
  },
];

for (const ds of CASES) {
  const present = existsSync(ds.file);
  if (!present) console.warn(`cohort tests for ${ds.name} skipped: ${ds.file} not found (set CLM_DATASETS to the datasets folder)`);

  describe.skipIf(!present)(`clm cohorts vs DuckDB: ${ds.name}`, () => {
    let ref: RefCell[];
    let clm: { customers: Row[]; orders: Row[]; revenue: Row[]; ltv: Row[] };
    let wide: Row[];
    let meta: Record<string, unknown>;

    beforeAll(async () => {
      const refPromise = referenceCells(ds.sql(ds.file));
      refPromise.catch(() => undefined);
      const args = ds.args(ds.file);
      clm = {
        customers: await clmLong(args, 'customers'),
        orders: await clmLong(args, 'orders'),
        revenue: await clmLong(args, 'revenue'),
        ltv: await clmLong(args, 'ltv'),
      };
      const w = await runClm(['cohorts', ...args, '--format', 'json']);
      expect(w.code, w.stderr).toBe(0);
      const j = JSON.parse(w.stdout);
      wide = j.rows;
      meta = j.meta.cohorts;
      ref = await refPromise;
    }, 120_000);

    it('every cell of every metric equals the SQL', () => {
      expect(compare(ref, clm)).toEqual([]);
    });

    it('cohort sizes equal the SQL and sum to the customers', () => {
      const sizes = Object.fromEntries(ref.filter((c) => c.k === 0).map((c) => [c.cohort, c.size]));
      expect(Object.fromEntries(wide.map((r) => [r.cohort, Number(r.cohort_size)]))).toEqual(sizes);
      expect(meta.customers).toBe(Object.values(sizes).reduce((a, b) => a + b, 0));
    });

    if (ds.name === 'CDNOW master') {
      it('three monthly cohorts, January to March 1997, each followed to June 1998', () => {
        expect(wide.map((r) => [r.cohort, r.cohort_size])).toEqual([
          ['1997-01', 7846],
          ['1997-02', 8476],
          ['1997-03', 7248],
        ]);
        expect(clm.customers.filter((r) => r.cohort === '1997-01').length).toBe(18); // k = 0..17
        expect(meta.incomplete_period).toBeNull(); // as of 1998-06-30, the last day of June
      });
    } else {
      it('the December 2010 cohort has 885 customers; December 2011 is incomplete', () => {
        expect(wide[0].cohort).toBe('2010-12');
        expect(Number(wide[0].cohort_size)).toBe(885);
        expect(meta.incomplete_period).toEqual({ period: '2011-12', start: '2011-12-01', end: '2011-12-31' });
        expect(clm.customers.filter((r) => r.cohort === '2010-12').length).toBe(13); // k = 0..12
      });
    }
  });
}
