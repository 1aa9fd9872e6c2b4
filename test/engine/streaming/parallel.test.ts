import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedData, ReadSpec } from '../../../src/engine/spec.js';
import { readCustomerState } from '../../../src/engine/streaming/read-orders.js';
import { readOrdersInParallel, type ParallelMode } from '../../../src/engine/streaming/parallel-orders.js';
import { transpileSources } from '../../helpers/transpile-sources.js';

/**
 * The two-thread orders pass (engine/streaming/parallel-orders.ts) must give exactly what the sequential
 * pass gives: the whole CustomerTable (every ledger amount bit for bit), the reconciliation
 * with its maps in the same order, the warnings, or the fallback to the sequential pass. The
 * property runs the second half inline (same code, one thread) on messy generated files; the
 * last test runs the real worker thread from a fresh build.
 */

const dir = mkdtempSync(join(tmpdir(), 'clm-par-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Row {
  id: number;
  /** Repeat an earlier id (a duplicate order, possibly across the halves). */
  dupOf: number | undefined;
  customer: number;
  email: boolean;
  day: number;
  time: boolean;
  cents: number;
  kind: 'ok' | 'refund' | 'zero' | 'bad_date' | 'bad_amount' | 'fields' | 'cancelled' | 'pending' | 'unknown' | 'no_customer' | 'quoted_newline';
  channel: number;
}

const rowArb: fc.Arbitrary<Row> = fc.record({
  id: fc.nat(),
  dupOf: fc.option(fc.nat(), { freq: 12 }),
  // mostly regulars, some rare customers (so that some first appear in a later part, or in a cut tail and the half before it)
  customer: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 25 }), weight: 4 }, { arbitrary: fc.integer({ min: 26, max: 70 }), weight: 1 }),
  email: fc.boolean(),
  day: fc.integer({ min: 1, max: 12 }),
  time: fc.boolean(),
  cents: fc.integer({ min: 1, max: 99_999 }),
  kind: fc.constantFrom('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'refund', 'zero', 'bad_date', 'bad_amount', 'fields', 'cancelled', 'pending', 'unknown', 'no_customer', 'quoted_newline'),
  channel: fc.integer({ min: 0, max: 3 }),
}) as fc.Arbitrary<Row>;

/**
 * How order ids look: numbered (`o17`, kept in a bitmap), hashed (`h17k17`, fingerprinted) or
 * many numbered classes (`a17` ... `j17` and their `-R`: more than the 8 classes a half keeps,
 * so some ids of a class are in one half's bitmap and the other half's fingerprints).
 */
type IdStyle = 'numbered' | 'hashed' | 'classes';
const idOf = (n: number, style: IdStyle): string =>
  style === 'numbered' ? `o${n}` : style === 'hashed' ? `h${n}k${n}` : `${'abcdefghij'[(n * 7) % 10]}${n}${n % 3 === 0 ? '-R' : ''}`;

/** A messy order-grain export: unsorted days, same-day orders, refunds, bad rows, duplicates, e-mail keys. */
function writeOrders(rows: Row[], crlf: boolean, allowDuplicates: boolean, style: IdStyle = 'numbered'): string {
  const lines = ['order_id,customer_id,order_date,amount,status,channel'];
  rows.forEach((r, i) => {
    const id = idOf(allowDuplicates && r.dupOf !== undefined && i > 0 ? r.dupOf % i : i, style);
    const customer = r.kind === 'no_customer' ? '' : r.email ? `Buyer${r.customer}@Shop.example` : ` c${r.customer} `;
    const date = r.kind === 'bad_date' ? '2024-02-30' : `2024-03-${String(r.day).padStart(2, '0')}${r.time ? ` ${String(r.cents % 24).padStart(2, '0')}:15:00` : ''}`;
    const amount = r.kind === 'bad_amount' ? '1.2.3' : r.kind === 'zero' ? '0' : `${r.kind === 'refund' ? '-' : ''}${(r.cents / 100).toFixed(2)}`;
    const status = { cancelled: 'cancelled', pending: 'pending', unknown: 'on hold?', refund: 'refunded' }[r.kind as string] ?? 'paid';
    const channel = r.kind === 'quoted_newline' ? '"web\nshop"' : ['web', 'store', '', 'app'][r.channel];
    const fields = [id, customer, date, amount, status, channel];
    lines.push((r.kind === 'fields' ? fields.slice(0, 5) : fields).join(','));
  });
  const nl = crlf ? '\r\n' : '\n';
  const path = join(dir, `orders-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(path, lines.join(nl) + nl);
  return path;
}

/** A customers file: some of the generated customers (both key styles) and prospects. */
function writeCustomers(): string {
  const lines = ['customer_id,segment'];
  for (let c = 1; c <= 30; c += 2) lines.push(`c${c},s${c % 3}`, `buyer${c}@shop.example,s${c % 2}`);
  const path = join(dir, `customers-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function read(orders: string, parallel: ParallelMode, extra: Partial<ReadSpec> = {}): Promise<{ data: LoadedData; warnings: string[] }> {
  const warnings: string[] = [];
  const data = await readCustomerState({
    orders,
    map: { orders: new Map(), customers: new Map(), payments: new Map() },
    warn: (m) => void warnings.push(m),
    parallel,
    // these files are one row per order that repeat some orders on purpose
    grain: 'order',
    ...extra,
  });
  return { data, warnings };
}

/** Everything a command sees, in a form where order and bits count. */
function snapshot(r: { data: LoadedData; warnings: string[] }): unknown {
  // how many threads read the orders is the one thing that may differ
  const { table, reconciliation: rec, threads: _threads, ...rest } = r.data;
  return {
    ...rest,
    table: { ...table, ledgerAmount: Array.from(table.ledgerAmount, (x) => Object.is(x, -0) ? '-0' : x.toString()), revenue: Array.from(table.revenue, String) },
    reconciliation: { ...rec, excluded: [...rec.excluded], rejected: [...rec.rejected] },
    warnings: r.warnings,
  };
}

describe('parallel orders pass', () => {
  it('gives exactly the sequential result on messy generated input (inline second half; in two parts, or three when a tail is cut)', async () => {
    let taken = 0;
    const cuts = { 'inline:cut0': 0, 'inline:cut1': 0 };
    const modes = fc.constantFrom<'inline' | 'inline:cut0' | 'inline:cut1'>('inline', 'inline:cut0', 'inline:cut1');
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 2, maxLength: 300 }), fc.boolean(), fc.boolean(), fc.constantFrom<IdStyle>('numbered', 'hashed', 'classes'), fc.boolean(), modes, async (rows, crlf, duplicates, style, withCustomers, mode) => {
        const path = writeOrders(rows, crlf, duplicates, style);
        // a customers file looks keys up after the halves' keys are merged: buyers of either
        // half and prospects who never ordered
        const extra = withCustomers ? { customers: writeCustomers() } : {};
        // the same result, or the same data error (a file with no counted order is exit 3)
        const outcome = (mode: ParallelMode): Promise<unknown> => read(path, mode, extra).then(snapshot, (e: Error) => ({ error: e.message }));
        expect(await outcome(mode)).toEqual(await outcome('off'));
        const got = await readOrdersInParallel({ file: path, map: new Map() }, statSync(path).size, mode);
        if (got) taken++;
        if (got?.parts === 3 && mode !== 'inline') cuts[mode]++;
        if (mode === 'inline') expect(got?.parts ?? 2).toBe(2);
      }),
      { numRuns: 90 },
    );
    // most files qualify (the rest fall back: an id in two parts, a quoted line break at the seam or a cut)
    expect(taken).toBeGreaterThan(30);
    // and either half's tail is cut and read as a third part
    expect(cuts['inline:cut0']).toBeGreaterThan(5);
    expect(cuts['inline:cut1']).toBeGreaterThan(5);
  }, 300_000);

  it.each(['inline:cut0', 'inline:cut1'] as const)('numbers customers across a cut tail as one pass would (%s)', async (mode) => {
    // customers in runs of 30 rows, interleaved with regulars: whichever line a cut falls on,
    // some customer is in the cut tail and the half part before it (first seen in either)
    const lines = ['order_id,customer_id,order_date,amount,status'];
    for (let i = 0; i < 600; i++) lines.push(`o${i},${i % 2 ? `r${i % 5}` : `b${Math.floor(i / 30)}`},2024-01-${String(1 + (i % 28)).padStart(2, '0')},${(i % 97) + 0.25},${i % 13 === 0 ? 'pending' : 'paid'}`);
    const path = join(dir, `runs-${mode}.csv`);
    writeFileSync(path, lines.join('\n') + '\n');
    expect((await readOrdersInParallel({ file: path, map: new Map() }, statSync(path).size, mode))?.parts).toBe(3);
    expect(snapshot(await read(path, mode))).toEqual(snapshot(await read(path, 'off')));
  });

  it('adds same-day amounts across the seam in the sequential order, bit for bit', async () => {
    // one customer buying many times a day: the seam cuts a run of same-day orders
    const amounts = ['0.10', '0.20', '0.30', '0.70', '1.10', '2.35', '0.05', '9.99'];
    const lines = ['order_id,customer_id,order_date,amount,status'];
    for (let i = 0; i < 400; i++) lines.push(`o${i},c${i % 3},2024-01-${String(1 + Math.floor(i / 97)).padStart(2, '0')},${amounts[i % amounts.length]},paid`);
    const path = join(dir, 'same-day.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    expect(await readOrdersInParallel({ file: path, map: new Map() }, statSync(path).size, 'inline')).toBeDefined();
    expect(snapshot(await read(path, 'inline'))).toEqual(snapshot(await read(path, 'off')));
  });

  it.each<IdStyle>(['numbered', 'hashed', 'classes'])('falls back for an order id in both halves, and counts the duplicate once (%s ids)', async (style) => {
    const lines = ['order_id,customer_id,order_date,amount'];
    for (let i = 0; i < 200; i++) lines.push(`${idOf(i === 150 ? 10 : i, style)},c${i % 7},2024-01-02,5.00`);
    const path = join(dir, `dup-${style}.csv`);
    writeFileSync(path, lines.join('\n') + '\n');
    expect(await readOrdersInParallel({ file: path, map: new Map() }, statSync(path).size, 'inline')).toBeUndefined();
    const r = await read(path, 'inline');
    expect(r.data.reconciliation.excluded.get('duplicate_order_id')).toBe(1);
    expect(snapshot(r)).toEqual(snapshot(await read(path, 'off')));
  });

  it.each<IdStyle>(['numbered', 'hashed'])('reads a file with an order id repeated within a half on two threads after all, the repeat counted once (%s ids)', async (style) => {
    // the parts log their ids and find the repeat at the end: read again, checking ids as they are read
    const lines = ['order_id,customer_id,order_date,amount'];
    for (let i = 0; i < 200; i++) lines.push(`${idOf(i === 30 ? 10 : i, style)},c${i % 7},2024-01-02,5.00`);
    const path = join(dir, `dup-within-${style}.csv`);
    writeFileSync(path, lines.join('\n') + '\n');
    expect((await readOrdersInParallel({ file: path, map: new Map() }, statSync(path).size, 'inline'))?.parts).toBe(2);
    const r = await read(path, 'inline');
    expect(r.data.reconciliation.excluded.get('duplicate_order_id')).toBe(1);
    expect(snapshot(r)).toEqual(snapshot(await read(path, 'off')));
  });

  it('falls back when the seam falls inside a quoted field with line breaks', async () => {
    const note = `"${'line\n'.repeat(400)}end"`;
    const path = join(dir, 'quoted.csv');
    writeFileSync(path, `order_id,customer_id,order_date,amount,note\no1,c1,2024-01-02,5.00,${note}\no2,c2,2024-01-03,6.00,x\n`);
    expect(await readOrdersInParallel({ file: path, map: new Map() }, statSync(path).size, 'inline')).toBeUndefined();
    expect(snapshot(await read(path, 'inline'))).toEqual(snapshot(await read(path, 'off')));
  });
});

/**
 * The worker thread needs compiled JavaScript next to its importer: the sources are built into
 * .tmp/ (not dist/, which other tests may be running) and the pass is run from there.
 */
describe('parallel orders pass on a worker thread', () => {
  const out = join(process.cwd(), '.tmp', `parallel-build-${process.pid}`);
  let built = false;
  beforeAll(() => {
    mkdirSync(out, { recursive: true });
    // the modules the pass and its worker load, transpiled (tsc's type check is npx tsc's job)
    transpileSources(['engine/streaming/read-orders.ts', 'engine/streaming/parallel-orders.ts'], out);
    built = existsSync(join(out, 'engine', 'streaming', 'order-worker.js'));
  }, 180_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('gives exactly the sequential result', async (ctx) => {
    if (!built) ctx.skip();
    const mod = (await import(join(out, 'engine', 'streaming', 'read-orders.js'))) as typeof import('../../../src/engine/streaming/read-orders.js');
    const par = (await import(join(out, 'engine', 'streaming', 'parallel-orders.js'))) as typeof import('../../../src/engine/streaming/parallel-orders.js');
    // no quoted line break, which could put the seam inside a record (and fall back)
    const rows = fc.sample(rowArb, { numRuns: 3000, seed: 7 }).map((r) => (r.kind === 'quoted_newline' ? { ...r, kind: 'ok' as const } : r));
    const path = writeOrders(rows, false, false);
    expect(await par.readOrdersInParallel({ file: path, map: new Map() }, statSync(path).size, 'worker')).toBeDefined();
    const run = async (parallel: ParallelMode): Promise<unknown> => {
      const warnings: string[] = [];
      const data = await mod.readCustomerState({ orders: path, map: { orders: new Map(), customers: new Map(), payments: new Map() }, warn: (m) => void warnings.push(m), parallel });
      return snapshot({ data, warnings });
    };
    const off = await run('off');
    expect(await run('worker')).toEqual(off);
    // the first half's tail cut by the worker, the second half's by the main thread
    for (const mode of ['worker:cut0', 'worker:cut1'] as const) {
      expect((await par.readOrdersInParallel({ file: path, map: new Map() }, statSync(path).size, mode))?.parts).toBe(3);
      expect(await run(mode)).toEqual(off);
    }
  });
});
