import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(process.cwd(), 'bin/clm.js');
const dir = mkdtempSync(join(tmpdir(), 'clm-e2e-'));
const big = join(dir, 'big.csv');
{
  const lines = ['order_id,customer_id,order_date,amount'];
  for (let i = 0; i < 60_000; i++) lines.push(`o${i},cust${String(i % 40_000).padStart(6, '0')},2024-0${(i % 9) + 1}-1${i % 10},${(i % 500) / 4}`);
  writeFileSync(big, lines.join('\n') + '\n');
}

function sh(script: string): { code: number; stdout: string; stderr: string } {
  // a timeout, so a regression that blocks (a reader left waiting on a FIFO) fails instead of hanging
  const r = spawnSync('bash', ['-c', `set -o pipefail; ${script}`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '' }, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!existsSync(join(process.cwd(), 'dist/main.js')))('bin/clm.js as a process', () => {
  it('clm customers | head -1 prints the header, exits 0, stderr empty', () => {
    const r = sh(`node ${BIN} customers --orders ${big} | head -1`);
    expect(r.stdout).toBe('customer_id,first_order_date,last_order_date,orders,purchase_days,revenue,stage,recency_days,r_score,f_score,m_score,rfm_segment,cohort\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('piped output is CSV without colour codes', () => {
    const out = execFileSync('node', [BIN, 'summary', '--orders', big], { encoding: 'utf8' });
    expect(out.startsWith('metric,value,definition\n')).toBe(true);
    expect(out).not.toMatch(/\u001b\[/);
  });

  it('exit codes: 3 for data errors, 2 for usage errors, 0 for help', () => {
    expect(sh(`node ${BIN} summary --orders ${join(dir, 'missing.csv')}`).code).toBe(3);
    expect(sh(`node ${BIN} summary --orders ${big} --format xml`).code).toBe(2);
    const help = sh(`node ${BIN} --help`);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    for (const cmd of ['summary', 'customers']) {
      const h = sh(`node ${BIN} ${cmd} --help`);
      expect(h.code).toBe(0);
      expect(h.stdout).toContain('Examples:');
      expect(h.stdout).toContain('--orders');
    }
  });

  it('--output writes the file whole', () => {
    const out = join(dir, 'customers.tsv');
    const r = sh(`node ${BIN} customers --orders ${big} --output ${out}`);
    expect(r.code).toBe(0);
    const text = execFileSync('head', ['-2', out], { encoding: 'utf8' });
    expect(text.split('\n')[0]).toBe('customer_id\tfirst_order_date\tlast_order_date\torders\tpurchase_days\trevenue\tstage\trecency_days\tr_score\tf_score\tm_score\trfm_segment\tcohort');
    expect(existsSync(`${out}.tmp-${process.pid}`)).toBe(false);
  });

  it('--output to a FIFO (or /dev/null) writes into it and leaves it a FIFO, not a file renamed over it', () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const r = sh(`cat ${fifo} > ${join(dir, 'from-pipe.csv')} & node ${BIN} customers --orders ${big} --format csv --output ${fifo}; s=$?; wait; exit $s`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    const text = execFileSync('wc', ['-l', join(dir, 'from-pipe.csv')], { encoding: 'utf8' });
    expect(Number(text.trim().split(' ')[0])).toBe(40_001);
    expect(readdirSync(dir).filter((f) => f.startsWith('pipe.tmp-'))).toEqual([]);
  });

  it('--format table fits a terminal of COLUMNS characters (wide tables in column groups); without a width, rows stay whole', () => {
    const narrow = sh(`COLUMNS=80 node ${BIN} kpis --orders ${big} --format table`);
    expect(narrow.code).toBe(0);
    const boxLines = (out: string): string[] => out.split('\n').filter((l) => /^[┌│└]/.test(l));
    for (const l of boxLines(narrow.stdout)) expect([...l].length).toBeLessThanOrEqual(80);
    expect(narrow.stdout).toContain('(columns 1-');
    const whole = sh(`COLUMNS= node ${BIN} kpis --orders ${big} --format table`);
    expect(Math.max(...boxLines(whole.stdout).map((l) => [...l].length))).toBeGreaterThan(80);
  });

  it('--output naming a folder is a usage error (exit 2) that says so', () => {
    const r = sh(`node ${BIN} summary --orders ${big} --output ${dir}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is a folder');
  });
});
