/**
 * Issue 18, items 3 and 4: line-item files without a unit price, --exclude-status reasons,
 * "In Process", statuses in other scripts, the missing-column hint and the --grain help.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-grain-'));

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

async function summaryJson(args: string[]): Promise<{ code: number; stderr: string; meta: Record<string, any>; rows: Record<string, any>[] }> {
  const r = await runClm(['summary', ...args, '--format', 'json']);
  const j = r.code === 0 ? JSON.parse(r.stdout) : { meta: {}, rows: [] };
  return { code: r.code, stderr: r.stderr, meta: j.meta, rows: j.rows };
}

/** 40 baskets of 3 lines each (a grocery export: basket id and line value, no unit price). */
function basketFile(): { file: string; total: number } {
  const lines = ['basket_id,household,date,sales_value'];
  let total = 0;
  for (let b = 1; b <= 40; b++) {
    for (let l = 1; l <= 3; l++) {
      const v = b + l / 10;
      total += v;
      lines.push(`B${b},H${b % 7},2024-0${1 + (b % 9)}-1${l},${v.toFixed(2)}`);
    }
  }
  return { file: write('baskets.csv', lines.join('\n') + '\n'), total };
}

describe('line-item files without a unit-price column', () => {
  const map = ['--map', 'order_id=basket_id', '--map', 'customer_id=household', '--map', 'order_date=date', '--map', 'amount=sales_value'];

  it('with no grain chosen: a data error naming --grain line, never exit 0 with two lines of three dropped', async () => {
    const { file } = basketFile();
    const r = await runClm(['summary', '--orders', file, ...map]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/80 of 120 rows \(66\.7%\) repeat an order id/);
    expect(r.stderr).toMatch(/--grain line/);
  });

  it('--grain line adds up every line: the revenue is the whole file', async () => {
    const { file, total } = basketFile();
    const s = await summaryJson(['--orders', file, ...map, '--grain', 'line']);
    expect(s.code).toBe(0);
    expect(s.meta.reconciliation.orders).toBe(40);
    expect(s.meta.reconciliation.excluded.duplicate_order_id ?? 0).toBe(0);
    const revenue = s.rows.find((r) => r.metric === 'net_revenue')?.value;
    expect(revenue).toBeCloseTo(total, 2);
  });

  it('--grain order keeps the first row of each and says on stderr how many rows that drops', async () => {
    const { file } = basketFile();
    const s = await summaryJson(['--orders', file, ...map, '--grain', 'order']);
    expect(s.code).toBe(0);
    expect(s.meta.reconciliation.excluded.duplicate_order_id).toBe(80);
    expect(s.stderr).toMatch(/80 of 120 rows .* repeat an order id .*--grain line/);
  });

  it('a few repeated ids (3%) warn, one in a hundred does not', async () => {
    const rows = (dups: number): string => {
      const lines = ['order_id,customer_id,order_date,amount'];
      for (let i = 1; i <= 100; i++) lines.push(`O${i},C${i % 13},2024-02-${String(1 + (i % 27)).padStart(2, '0')},${i}.50`);
      for (let i = 1; i <= dups; i++) lines.push(`O${i},C${i % 13},2024-02-${String(1 + (i % 27)).padStart(2, '0')},${i}.50`);
      return lines.join('\n') + '\n';
    };
    const some = await summaryJson(['--orders', write('dup3.csv', rows(3))]);
    expect(some.code).toBe(0);
    expect(some.stderr).toMatch(/3 of 103 rows \(2\.9%\) repeat an order id/);
    const one = await summaryJson(['--orders', write('dup1.csv', rows(1))]);
    expect(one.code).toBe(0);
    expect(one.stderr).not.toMatch(/repeat an order id/);
  });
});

describe('statuses', () => {
  const file = write(
    'status.csv',
    'order_id,customer_id,order_date,amount,status\n1,a,2024-01-01,10,paid\n2,a,2024-02-01,20,On Hold\n3,b,2024-01-05,5,In Process\n4,b,2024-03-01,7,отменен\n5,c,2024-01-01,3,Shipped\n6,c,2024-01-09,4,已取消\n',
  );

  it('--exclude-status keeps a status its own reason (On Hold is pending) and names the others as excluded by the flag', async () => {
    const s = await summaryJson(['--orders', file, '--exclude-status', 'On Hold', '--exclude-status', 'Shipped']);
    expect(s.code).toBe(0);
    const ex = s.meta.reconciliation.excluded;
    expect(ex.status_pending).toBe(1);
    expect(ex.status_excluded).toBe(1);
    expect(ex.status_cancelled).toBeUndefined();
  });

  it('"In Process" counts as processing does; a status in another script is never blank, so never counted', async () => {
    const s = await summaryJson(['--orders', file]);
    expect(s.code).toBe(0);
    // paid, In Process, Shipped count; On Hold is pending; the Cyrillic and Chinese statuses are unknown
    expect(s.meta.reconciliation.orders).toBe(3);
    expect(s.meta.reconciliation.excluded.status_unknown).toBe(2);
    expect(s.stderr).toMatch(/"отменен" \(1\)/);
    expect(s.stderr).toMatch(/"已取消" \(1\)/);
  });
});

describe('hints', () => {
  it('a file missing two required columns names both in the --map hint', async () => {
    const f = write('missing.csv', 'order_id,when,total\n1,2024-01-01,3\n');
    const r = await runClm(['summary', '--orders', f]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--map customer_id=COLUMN --map order_date=COLUMN/);
  });

  it('--help says line grain adds up every row of an order id, wherever it is', async () => {
    const r = await runClm(['summary', '--help']);
    expect(r.stdout).toMatch(/wherever they are/);
    expect(r.stdout).not.toMatch(/consecutive rows/);
  });
});
