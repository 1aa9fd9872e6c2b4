import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runClm, stderrBeyondSmallSamples } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-bad-'));
function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

function manyRows(n: number, bad?: (i: number) => string | undefined): string {
  const lines = ['order_id,customer_id,order_date,amount'];
  for (let i = 1; i <= n; i++) lines.push(bad?.(i) ?? `o${i},c${i % 50},2024-01-${String((i % 28) + 1).padStart(2, '0')},${(i % 90) + 10}.50`);
  return lines.join('\n') + '\n';
}

describe('bad input: clear messages and the right exit code', () => {
  it('missing file: exit 3, names the file', async () => {
    const r = await runClm(['summary', '--orders', join(dir, 'nope.csv')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('nope.csv');
    expect(r.stderr).toContain('file not found');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('empty file: exit 3', async () => {
    const r = await runClm(['summary', '--orders', file('empty.csv', '')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/empty\.csv.*empty/);
  });

  it('header only: exit 3 with the line', async () => {
    const r = await runClm(['summary', '--orders', file('header.csv', 'order_id,customer_id,order_date,amount\n')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('header.csv:1');
    expect(r.stderr).toContain('no rows');
  });

  it('unknown delimiter: exit 3 and the --delimiter hint', async () => {
    const r = await runClm(['summary', '--orders', file('delim.csv', 'order_id#customer_id#order_date#amount\n1#a#2024-01-01#5\n')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('cannot tell the delimiter');
    expect(r.stderr).toContain('--delimiter');
    const ok = await runClm(['summary', '--orders', join(dir, 'delim.csv'), '--delimiter', '#', '--format', 'json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).meta.summary.orders).toBe(1);
  });

  it('unclosed quote at the end: exit 3 naming the line where it starts', async () => {
    const r = await runClm(['summary', '--orders', file('quote.csv', 'order_id,customer_id,order_date,amount\n1,a,2024-01-01,5\n2,"b,2024-01-02,6\n3,c,2024-01-03,7\n')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('quote.csv:3');
    expect(r.stderr).toContain('unclosed quote');
  });

  it('a required column missing: names the field, the headers found and --map', async () => {
    const r = await runClm(['summary', '--orders', file('nocol.csv', 'order_id,buyer_ref,order_date,amount\n1,a,2024-01-01,5\n')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('customer_id');
    expect(r.stderr).toContain('"buyer_ref"');
    expect(r.stderr).toContain('--map customer_id=');
    const fixed = await runClm(['summary', '--orders', join(dir, 'nocol.csv'), '--map', 'customer_id=buyer_ref', '--format', 'json']);
    expect(fixed.code).toBe(0);
  });

  it('one bad date and one bad amount among thousands: rejected and counted; --strict exits 3', async () => {
    const text = manyRows(5000, (i) => (i === 1234 ? `o${i},c1,2024-13-45,10` : i === 4321 ? `o${i},c2,2024-01-05,12,50` : undefined));
    // row 4321 has five fields: an unquoted decimal comma; a bad amount on its own:
    const withAmount = text.replace('o4000,', 'o4000x,').replace(/^o4001,c1,2024-01-\d\d,[\d.]+$/m, 'o4001,c1,2024-01-02,abc');
    const p = file('thousands.csv', withAmount);
    const r = await runClm(['summary', '--orders', p, '--format', 'json', '--rejects', join(dir, 'rejects.csv')]);
    expect(r.code).toBe(0);
    const meta = JSON.parse(r.stdout).meta;
    expect(meta.reconciliation.rejected).toEqual({ bad_date: 1, bad_amount: 1, field_count: 1 });
    expect(meta.reconciliation.rows_read).toBe(5000);
    expect(r.stderr).toContain(`${p}:1235: column "order_date": value "2024-13-45"`);
    expect(r.stderr).toContain(`${p}:4002: column "amount": value "abc"`);
    const rejects = readFileSync(join(dir, 'rejects.csv'), 'utf8').trim().split('\n');
    expect(rejects).toHaveLength(4);
    expect(rejects[0]).toBe('file,line,reason,column,value,record');
    const strict = await runClm(['summary', '--orders', p, '--strict']);
    expect(strict.code).toBe(3);
    expect(strict.stderr).toContain(`${p}:1235: column "order_date": value "2024-13-45"`);
    expect(strict.stderr).toContain('--strict');
  });

  it('mixed currencies: exit 3 listing currencies and counts, --currency keeps one', async () => {
    const p = file('cur.csv', 'order_id,customer_id,order_date,amount,currency\n1,a,2024-01-01,5,USD\n2,b,2024-01-02,6,usd\n3,c,2024-01-03,7,EUR\n');
    const r = await runClm(['summary', '--orders', p]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('USD (2 rows), EUR (1 rows)');
    expect(r.stderr).toContain('--currency USD');
    const ok = await runClm(['summary', '--orders', p, '--currency', 'eur', '--format', 'json']);
    expect(ok.code).toBe(0);
    const meta = JSON.parse(ok.stdout).meta;
    expect(meta.summary.orders).toBe(1);
    expect(meta.reconciliation.excluded).toEqual({ other_currency: 2 });
  });

  it('ambiguous day/month dates: exit 3 with --date-format; data that decides is used', async () => {
    const amb = file('amb.csv', 'order_id,customer_id,order_date,amount\n1,a,03/04/2024,5\n2,b,05/06/2024,6\n');
    const r = await runClm(['summary', '--orders', amb]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ambiguous');
    expect(r.stderr).toContain('--date-format');
    const dmy = await runClm(['customers', '--orders', amb, '--date-format', 'DD/MM/YYYY', '--format', 'json']);
    expect(JSON.parse(dmy.stdout).rows[0].first_order_date).toBe('2024-04-03');
    const decided = file('decided.csv', 'order_id,customer_id,order_date,amount\n1,a,03/04/2024,5\n2,b,25/06/2024,6\n');
    const d = await runClm(['customers', '--orders', decided, '--format', 'json']);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.stdout).rows[0].first_order_date).toBe('2024-04-03');
  });

  it('a binary file: exit 3', async () => {
    const r = await runClm(['summary', '--orders', file('bin.csv', Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0, 8, 0, 0, 1, 2, 3]))]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('binary');
  });

  it('unknown preset and unknown flag: exit 2', async () => {
    const p = file('ok.csv', manyRows(3));
    const a = await runClm(['summary', '--orders', p, '--preset', 'magento']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('magento');
    expect(a.stderr).toContain('shopify');
    const b = await runClm(['summary', '--orders', p, '--colour']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("unknown option '--colour'");
    const c = await runClm(['summary', '--orders', p, '--as-of', 'yesterday']);
    expect(c.code).toBe(2);
    const d = await runClm(['sumary']);
    expect(d.code).toBe(2);
  });

  it('.gz, BOM, semicolons, CRLF and latin1 are read', async () => {
    const text = '\ufefforder_id;customer_id;order_date;amount\r\n1;Zoë;2024-01-01;5,50\r\n2;Zoë;2024-01-03;"1.000,00"\r\n';
    const gz = file('semi.csv.gz', gzipSync(Buffer.from(text)));
    const r = await runClm(['customers', '--orders', gz, '--decimal-comma', '--format', 'json']);
    expect(stderrBeyondSmallSamples(r.stderr)).toBe('');
    expect(JSON.parse(r.stdout).rows).toEqual([
      {
        customer_id: 'Zoë', first_order_date: '2024-01-01', last_order_date: '2024-01-03', orders: 2, purchase_days: 2, revenue: 1005.5,
        // one customer: the middle R and M score; F from the fixed breaks (2 purchase days)
        stage: 'active', recency_days: 0, r_score: 3, f_score: 2, m_score: 3, rfm_segment: 'About To Sleep', cohort: '2024-01',
      },
    ]);
    const latin = file('latin.csv', Buffer.from('order_id,customer_id,order_date,amount\n1,Presentaci\xf3n,2024-01-01,5\n', 'latin1'));
    const l = await runClm(['customers', '--orders', latin, '--encoding', 'cp1252', '--format', 'json']);
    expect(JSON.parse(l.stdout).rows[0].customer_id).toBe('Presentación');
  });

  it('stdin with -', async () => {
    const r = await runClm(['summary', '--orders', '-', '--format', 'json'], { stdin: manyRows(10) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).meta.summary.orders).toBe(10);
  });
});
