import { closeSync, ftruncateSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUTO_TWO_THREADS_BYTES, COMPACT_MIN_ENTRIES, chooseEngine, readOrders, streamingEngine, twoThreads, type Engine } from '../../src/engine/engine.js';
import { duckdbEngine } from '../../src/engine/duckdb/duckdb-engine.js';
import type { ReadSpec } from '../../src/engine/spec.js';
import { entryAmount, entryDay, netRevenueUpTo } from '../../src/domain/ledger.js';

const spec: ReadSpec = {
  orders: 'fixtures/demo/orders.csv',
  map: { orders: new Map(), customers: new Map(), payments: new Map() },
  warn: () => {},
  parallel: 'off',
};

describe('the engine seam', () => {
  it('the streaming engine reads every delimited file and stream; auto gives Parquet to DuckDB', () => {
    expect(streamingEngine.unsupported(spec)).toBeNull();
    expect(streamingEngine.unsupported({ ...spec, orders: '-' })).toBeNull();
    expect(chooseEngine(spec)).toEqual({ engine: streamingEngine, reasons: [] });
    expect(streamingEngine.unsupported({ ...spec, orders: 'orders.parquet' })).toBe('it reads delimited text, not Parquet');
    expect(chooseEngine({ ...spec, orders: 'lake/orders.parquet' })).toEqual({ engine: duckdbEngine, reasons: ['streaming: it reads delimited text, not Parquet'] });
  });

  it('auto reads a big plain file on two threads, and says why; anything else on one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clm-auto-'));
    // sparse files: the size is what counts, nothing is read
    const sized = (name: string, bytes: number): string => {
      const f = join(dir, name);
      const fd = openSync(f, 'w');
      ftruncateSync(fd, bytes);
      closeSync(fd);
      return f;
    };
    const big = sized('big.csv', AUTO_TWO_THREADS_BYTES);
    const auto = { ...spec, parallel: undefined };
    expect(twoThreads({ ...auto, orders: big }, 2)).toMatch(/^a plain file of 128 MB: two threads, about 1\.8x faster than one for 20-50 MB more memory; --threads 1 holds less$/);
    expect(twoThreads({ ...auto, orders: sized('small.csv', AUTO_TWO_THREADS_BYTES - 1) }, 2)).toBeUndefined();
    expect(twoThreads({ ...auto, orders: sized('big.csv.gz', AUTO_TWO_THREADS_BYTES) }, 2)).toBeUndefined();
    expect(twoThreads({ ...auto, orders: big }, 1)).toBeUndefined();
    // --threads or CLM_THREADS decide when given
    expect(twoThreads({ ...auto, orders: big, parallel: 'off' }, 2)).toBeUndefined();
    expect(twoThreads({ ...auto, orders: '-' }, 2)).toBeUndefined();
  });

  it('auto reads a Parquet file with DuckDB and says so', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const dir = mkdtempSync(join(tmpdir(), 'clm-auto-parquet-'));
    const parquet = join(dir, 'orders.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`COPY (SELECT * FROM read_csv('fixtures/demo/orders.csv', all_varchar = true)) TO '${parquet}' (FORMAT parquet)`);
    c.closeSync();
    db.closeSync();
    const data = await readOrders({ ...spec, orders: parquet, parallel: undefined });
    expect(data.engine).toEqual({ name: 'duckdb', why: '--engine auto; streaming: it reads delimited text, not Parquet' });
    expect(data.table.size).toBe(1253);
    expect(data.reconciliation.orders).toBe(5738);
  });

  it('an engine that cannot honour a spec is passed over, and the reason is kept', () => {
    const picky: Engine = { name: 'picky', unsupported: (s) => (s.orders === '-' ? 'reads files, not stdin' : null), read: () => Promise.reject(new Error('unused')) };
    expect(chooseEngine({ ...spec, orders: '-' }, [picky, streamingEngine])).toEqual({ engine: streamingEngine, reasons: ['picky: reads files, not stdin'] });
    expect(chooseEngine(spec, [picky, streamingEngine]).engine).toBe(picky);
    expect(() => chooseEngine({ ...spec, orders: '-' }, [picky])).toThrow(/no engine can read this input \(picky: reads files, not stdin\)/);
  });

  it('readOrders returns one record per customer and the reconciliation of every row', async () => {
    const data = await readOrders(spec);
    const rec = data.reconciliation;
    const excluded = [...rec.excluded.values()].reduce((a, b) => a + b, 0);
    const rejected = [...rec.rejected.values()].reduce((a, b) => a + b, 0);
    expect(rec.orderRows + rec.refundRows + excluded + rejected).toBe(rec.rowsRead);
    expect(data.table.size).toBe(1253);
    expect(rec.orders).toBe(5738);
    expect(data.inputs.map((i) => i.role)).toEqual(['orders']);
  });

  it('compacts a big ledger, every engine alike, and every fold reads the same', async () => {
    const plain = await readOrders(spec);
    expect(plain.table.ledgerOrders).toBeInstanceOf(Int32Array);
    expect(COMPACT_MIN_ENTRIES).toBeGreaterThan(plain.table.ledgerDay.length);
    for (const engine of ['streaming', 'duckdb'] as const) {
      const small = await readOrders({ ...spec, engine, compactFrom: 0 });
      const t = small.table;
      expect(t.ledgerOrders).toBeInstanceOf(Uint8Array);
      expect(t.ledgerDay).toBeInstanceOf(Uint16Array);
      expect(t.ledgerAmountScale).toBe(100);
      expect(Array.from({ length: t.ledgerDay.length }, (_, k) => entryDay(t, k))).toEqual(Array.from(plain.table.ledgerDay));
      expect(Array.from(t.ledgerOrders)).toEqual(Array.from(plain.table.ledgerOrders));
      expect(Array.from({ length: t.ledgerDay.length }, (_, k) => entryAmount(t, k))).toEqual(Array.from(plain.table.ledgerAmount));
      for (let i = 0; i < t.size; i++) expect(netRevenueUpTo(t, i, small.asOf)).toBe(netRevenueUpTo(plain.table, i, plain.asOf));
    }
  });
});
