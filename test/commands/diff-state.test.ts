import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runClm, stderrBeyondSmallSamples } from '../helpers/run-clm.js';

// Issue 14, item 9: clm diff against a state saved from other inputs or as of a later date.

const dir = mkdtempSync(join(tmpdir(), 'clm-diff-state-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const HEADER = 'order_id,customer_id,order_date,amount,status';
const ordersLines = [
  HEADER,
  'a1,A,2024-01-05,100,paid',
  'a2,A,2024-02-20,50,paid',
  'b1,B,2024-01-31,80,paid',
  'c1,C,2024-02-29,40,paid',
  'c2,C,2024-03-01,10,paid',
  'd1,D,2024-02-05,30,paid',
  'e1,E,2024-03-05,25,paid',
];
const orders = file('orders.csv', ordersLines.join('\n') + '\n');
// the same shop a month later: everyone still there, one more customer, more orders
const grown = file('orders-april.csv', [...ordersLines, 'b2,B,2024-04-02,60,paid', 'f1,F,2024-04-10,20,paid'].join('\n') + '\n');
// another shop: no customer in common
const other = file('other-shop.csv', [HEADER, 'x1,X1,2024-01-05,10,paid', 'x2,X2,2024-02-05,10,paid', 'x3,X3,2024-03-05,10,paid', 'x4,A,2024-03-06,10,paid'].join('\n') + '\n');
const STAGE_FLAGS = ['--active-days', '30', '--churn-days', '60', '--loyal-min-orders', '3'];

async function saveState(name: string, args: string[], stdin?: string): Promise<string> {
  const state = join(dir, name);
  const r = await runClm(['report', ...args, ...STAGE_FLAGS, '--model', 'historical', '--out', join(dir, `${name}-report`), '--state-dir', state], { stdin });
  expect(r.code).toBe(0);
  return state;
}

describe('clm diff checks that the saved state fits (issue 14, item 9)', () => {
  it('the state keeps the inputs it was saved from, with their sha256', async () => {
    const state = await saveState('s1', ['--orders', orders, '--as-of', '2024-03-15']);
    const json = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8'));
    const sha = createHash('sha256').update(readFileSync(orders)).digest('hex');
    expect(json).toEqual({ as_of: '2024-03-15', customers: 5, inputs: [{ role: 'orders', path: orders, bytes: readFileSync(orders).length, sha256: sha }] });

    // a newer export of the same shop is the normal case: no warning
    const ok = await runClm(['diff', '--orders', grown, '--as-of', '2024-04-15', ...STAGE_FLAGS, '--state-dir', state, '--format', 'csv']);
    expect([ok.code, stderrBeyondSmallSamples(ok.stderr)]).toEqual([0, '']);
    const rows = parse(ok.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.customer_id === 'F')).toMatchObject({ change: 'new', previous_stage: '', stage: 'new' });
    expect(rows.some((r) => r.change === 'gone')).toBe(false);
  });

  it('a state saved from other inputs is refused without --force, naming both inputs', async () => {
    const state = join(dir, 's1');
    const r = await runClm(['diff', '--orders', other, '--as-of', '2024-03-15', ...STAGE_FLAGS, '--state-dir', state, '--format', 'csv']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const sha = createHash('sha256').update(readFileSync(orders)).digest('hex').slice(0, 12);
    expect(r.stderr).toContain(`the state in --state-dir ${state} does not fit this run: it was saved from other inputs: only 1 of its 5 customers (20.0%) are in these, so the rest would be listed as gone.`);
    expect(r.stderr).toContain(`Saved from: orders ${orders} (${readFileSync(orders).length} bytes, sha256 ${sha}…); this run: orders ${other} (`);
    expect(r.stderr).toContain('--force');
    const forced = await runClm(['diff', '--orders', other, '--as-of', '2024-03-15', ...STAGE_FLAGS, '--state-dir', state, '--format', 'csv', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('saved from other inputs');
    expect(forced.stderr).toContain('(compared anyway: --force)');
    const rows = parse(forced.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.filter((x) => x.change === 'gone').map((x) => x.customer_id)).toEqual(['B', 'C', 'D', 'E']);
  });

  it('a state as of a later date is refused without --force: the changes would run backwards', async () => {
    const state = join(dir, 's1');
    const r = await runClm(['diff', '--orders', orders, '--as-of', '2024-02-15', ...STAGE_FLAGS, '--state-dir', state]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("it is as of 2024-03-15, after this run's as-of date 2024-02-15, so the changes would run backwards in time");
    const forced = await runClm(['diff', '--orders', orders, '--as-of', '2024-02-15', ...STAGE_FLAGS, '--state-dir', state, '--force', '--format', 'csv']);
    expect(forced.code).toBe(0);
    // the same as-of date and the same file: nothing to say, nothing changed
    const same = await runClm(['diff', '--orders', orders, '--as-of', '2024-03-15', ...STAGE_FLAGS, '--state-dir', state, '--format', 'csv']);
    expect([same.code, stderrBeyondSmallSamples(same.stderr), same.stdout.trim().split('\n').length]).toEqual([0, '', 1]);
  });

  it('a report with a state that does not fit warns and goes on; a stream is saved with sha256 null', async () => {
    const state = await saveState('s2', ['--orders', '-', '--as-of', '2024-03-15'], readFileSync(orders, 'utf8'));
    const json = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8'));
    expect(json.inputs).toEqual([{ role: 'orders', path: '-', bytes: null, sha256: null }]);
    const r = await runClm(['diff', '--orders', other, '--as-of', '2024-03-15', ...STAGE_FLAGS, '--state-dir', state]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Saved from: orders - (a stream, not hashed)');
    const rep = await runClm(['report', '--orders', other, '--as-of', '2024-03-15', ...STAGE_FLAGS, '--model', 'historical', '--out', join(dir, 's2-again'), '--state-dir', state]);
    expect(rep.code).toBe(0);
    expect(rep.stderr).toContain('it was saved from other inputs: only 1 of its 5 customers (20.0%) are in these');
    expect(rep.stderr).toContain('changes.csv compares with it anyway, and this run replaces it');
  });
});
