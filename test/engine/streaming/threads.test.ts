import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OrderPass } from '../../../src/engine/streaming/order-pass.js';
import { readCustomerState } from '../../../src/engine/streaming/read-orders.js';
import { runClm } from '../../helpers/run-clm.js';

/**
 * Issue 12, item 7: CLM_THREADS comes through the CLI's environment (CliIO.env), not from
 * process.env deep in io; the output says how many threads read the orders; an error inside
 * the two-thread pass is never lost: the file is read again on one thread with a warning.
 */
const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31'];

function ordersFile(rows: number): string {
  const lines = ['order_id,customer_id,order_date,amount'];
  for (let i = 0; i < rows; i++) lines.push(`O${i},C${i % 997},2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')},${(i % 50) + 0.5}`);
  const f = join(mkdtempSync(join(tmpdir(), 'clm-threads-')), 'orders.csv');
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

afterEach(() => vi.restoreAllMocks());

describe('threads of the orders pass', () => {
  it('CLM_THREADS in the environment decides, and the meta says how many ran; the numbers are the same (built clm)', () => {
    // a worker thread runs the built reader (dist/): this runs bin/clm.js, as a user does
    const run = (threads: string): { meta: Record<string, unknown>; tables: unknown } =>
      JSON.parse(execFileSync(process.execPath, ['bin/clm.js', 'summary', ...DEMO, '--format', 'json'], { env: { ...process.env, CLM_THREADS: threads }, encoding: 'utf8' }));
    const two = run('2');
    const one = run('1');
    expect(two.meta.orders_pass_threads).toBe(2);
    expect(one.meta.orders_pass_threads).toBe(1);
    expect(two.tables).toEqual(one.tables);
  });

  it('a second half read before the first waits for it on two threads, without a fallback (built clm)', () => {
    // the seam is by bytes: many short rows before it, few long ones after, so the worker
    // thread is done first and waits (it used to exit with code 13 there, and the file was
    // read again on one thread)
    const lines = ['order_id,customer_id,order_date,amount,note'];
    for (let i = 0; i < 150_000; i++) lines.push(`O${i},C${i % 997},2024-0${1 + (i % 9)}-1${i % 9},${i % 50}.5,`);
    const pad = 'x'.repeat(2000);
    for (let i = 0; i < 1_500; i++) lines.push(`P${i},C${i % 997},2024-10-1${i % 9},${i % 50}.5,${pad}`);
    const f = join(mkdtempSync(join(tmpdir(), 'clm-threads-')), 'orders.csv');
    writeFileSync(f, lines.join('\n') + '\n');
    const r = spawnSync(process.execPath, ['bin/clm.js', 'summary', '--orders', f, '--as-of', '2024-12-31', '--format', 'json'], { env: { ...process.env, CLM_THREADS: '2' }, encoding: 'utf8' });
    expect(r.stderr).not.toContain('two-thread read stopped');
    expect(JSON.parse(r.stdout).meta.orders_pass_threads).toBe(2);
  });

  it('CLM_THREADS reaches the reader through the CLI environment', async () => {
    const r = await runClm(['summary', ...DEMO, '--format', 'json'], { env: { CLM_THREADS: '1' } });
    expect(JSON.parse(r.stdout).meta.orders_pass_threads).toBe(1);
  });

  it('a second thread that cannot start (no worker script): no hang, read on one thread, with the reason', async () => {
    // under vitest the worker's .js file does not exist beside the .ts sources: the worker dies at once
    const f = ordersFile(20_000);
    const warned: string[] = [];
    const r = await readCustomerState({ orders: f, map: { orders: new Map(), customers: new Map(), payments: new Map() }, warn: (m) => warned.push(m), parallel: 'worker' });
    expect(r.threads).toBe(1);
    expect(r.table.size).toBe(997);
    expect(warned.join('\n')).toMatch(/the two-thread read stopped \((second thread|the second thread exited)[^)]*\); the file was read again on one thread/);
  }, 30_000);

  it('process.env.CLM_THREADS alone no longer reaches the reader', async () => {
    vi.stubEnv('CLM_THREADS', '2');
    const r = await runClm(['summary', ...DEMO, '--format', 'json'], { env: {} });
    expect(JSON.parse(r.stdout).meta.orders_pass_threads).toBe(1);
    vi.unstubAllEnvs();
  });

  it('a failure in the second half that is not the data: read again on one thread, with a warning naming it', async () => {
    const f = ordersFile(20_000);
    const base = { orders: f, map: { orders: new Map(), customers: new Map(), payments: new Map() } };
    const quiet: string[] = [];
    const one = await readCustomerState({ ...base, warn: (m) => quiet.push(m), parallel: 'off' });
    // takeKeys runs only in the second half: make it fail as a bug would
    vi.spyOn(OrderPass.prototype, 'takeKeys').mockImplementation(() => {
      throw new TypeError('boom');
    });
    const warned: string[] = [];
    const two = await readCustomerState({ ...base, warn: (m) => warned.push(m), parallel: 'inline' });
    expect(two.threads).toBe(1);
    expect(Array.from(two.table.revenue)).toEqual(Array.from(one.table.revenue));
    expect(warned.join('\n')).toContain('the two-thread read stopped (second half: boom); the file was read again on one thread');
  });

  it('bad data in the second half is said once, by the one-thread pass in file order (no extra warning)', async () => {
    const f = ordersFile(20_000);
    const text = (await import('node:fs')).readFileSync(f, 'utf8').replace(/\nO19000,C[0-9]+,[^,]+,/, '\nO19000,C1,not-a-date,');
    writeFileSync(f, text);
    const warned: string[] = [];
    const r = await readCustomerState({ orders: f, map: { orders: new Map(), customers: new Map(), payments: new Map() }, warn: (m) => warned.push(m), parallel: 'inline', strict: false });
    expect(r.reconciliation.rejected.get('bad_date')).toBe(1);
    expect(warned.join('\n')).not.toContain('two-thread read stopped');
  });

  // issue 12, item 5: parallelism is explicit
  it('--threads 2 asks for two threads (built clm), --threads 1 and the default read on one; the numbers are the same', () => {
    const run = (...extra: string[]): { meta: Record<string, unknown>; tables: unknown } =>
      JSON.parse(execFileSync(process.execPath, ['bin/clm.js', 'summary', ...DEMO, '--format', 'json', ...extra], { env: { ...process.env, CLM_THREADS: '' }, encoding: 'utf8' }));
    const two = run('--threads', '2');
    expect(two.meta.orders_pass_threads).toBe(2);
    expect(run('--threads', '1').meta.orders_pass_threads).toBe(1);
    const auto = run();
    expect(auto.meta.orders_pass_threads).toBe(1);
    expect(two.tables).toEqual(auto.tables);
  });

  it('the flag wins over CLM_THREADS; a bad count is a usage error naming where it came from', async () => {
    const r = await runClm(['summary', ...DEMO, '--format', 'json', '--threads', '1'], { env: { CLM_THREADS: '2' } });
    expect(JSON.parse(r.stdout).meta.orders_pass_threads).toBe(1);
    const three = await runClm(['summary', ...DEMO, '--threads', '3']);
    expect(three.code).toBe(2);
    expect(three.stderr).toContain('--threads 3: the orders pass reads on 1 or 2 threads; use --threads 2');
    const env = await runClm(['summary', ...DEMO], { env: { CLM_THREADS: 'two' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('CLM_THREADS must be 1 or 2, not "two"');
  });

  it('--threads 2 on input that must be read in file order says why it read on one thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clm-threads-'));
    const r = await runClm(['summary', ...DEMO, '--format', 'json', '--threads', '2', '--rejects', join(dir, 'rejects.csv')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).meta.orders_pass_threads).toBe(1);
    expect(r.stderr).toContain('fixtures/demo/orders.csv: read on one thread, not the two --threads asks for: --rejects lists rows in file order');
    const line = await runClm(['summary', '--orders', '../shared/datasets/online-retail/online_retail_2010-12_2011-12.csv.gz', '--preset', 'online-retail', '--format', 'json', '--threads', '2']);
    if (line.code === 0) expect(line.stderr).toContain('read on one thread, not the two --threads asks for: it is compressed, UTF-16 or one line');
  });
});
