import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

/**
 * Found on the issue 14 walk: `clm init` on an export whose statuses clm does not know
 * (`bezahlt`) wrote a config and exited 0 in silence; every later run then stopped with exit 3.
 * init now says so, and the config can hold the statuses (count_status / exclude_status).
 */
describe('statuses in init and the config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clm-init-st-'));
  const orders = join(dir, 'orders.csv');
  writeFileSync(orders, 'order_id,customer_id,order_date,amount,status\n' + Array.from({ length: 30 }, (_, i) => `${i},c${i % 9},2024-01-${String(1 + (i % 28)).padStart(2, '0')},10.50,${i % 10 === 0 ? 'storniert' : 'bezahlt'}`).join('\n') + '\n');

  it('init warns with the unknown statuses, their counts and the count_status that counts them', async () => {
    const r = await runClm(['init', '--orders', orders, '--config', join(dir, 'clm.config.json')], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('30 of the first 30 orders have a status clm does not know ("bezahlt" 27, "storniert" 3)');
    expect(r.stderr).toContain('add "count_status": ["bezahlt","storniert"] to the config');
  });

  it('count_status in the config counts them, exclude_status leaves them out under their own reason, and flags add to both', async () => {
    const cfg = join(dir, 'st.json');
    writeFileSync(cfg, JSON.stringify({ count_status: ['bezahlt'], exclude_status: ['storniert'] }));
    const r = await runClm(['summary', '--orders', orders, '--config', cfg, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const meta = JSON.parse(r.stdout).meta;
    expect(meta.reconciliation.orders).toBe(27);
    expect(meta.reconciliation.excluded).toEqual({ status_excluded: 3 });
    const missing = await runClm(['summary', '--orders', orders, '--config', join(dir, 'only-paid.json'), '--format', 'json']);
    expect(missing.code).toBe(2); // a config that does not exist is a usage error, never ignored
    writeFileSync(join(dir, 'only-paid.json'), JSON.stringify({ count_status: ['bezahlt'] }));
    const both = await runClm(['summary', '--orders', orders, '--config', join(dir, 'only-paid.json'), '--count-status', 'storniert', '--format', 'json']);
    expect(JSON.parse(both.stdout).meta.reconciliation.orders).toBe(30);
  });

  it('a config whose count_status is not a list of text is a config error naming the key', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ count_status: 'bezahlt' }));
    const r = await runClm(['summary', '--orders', orders, '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('count_status');
  });
});
