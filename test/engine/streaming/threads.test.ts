import { execFileSync } from 'node:child_process';
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
});
