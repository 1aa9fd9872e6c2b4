/**
 * Issue 17, items 3 and 4: a full or read-only disk is an output error (exit 74), never
 * success with a cut file and never a bug report (70); no FILE.tmp-PID or half report folder
 * is left behind, also when the run is stopped by a signal. Runs bin/clm.js as a process on
 * /dev/full and, where the machine allows mounting (root), on a real 64 KB tmpfs and a
 * read-only tmpfs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLM = 'bin/clm.js';
const DEMO = ['--orders', 'fixtures/demo/orders.csv'];

function run(args: string[], stdout: 'pipe' | number = 'pipe'): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLM, ...args], { encoding: 'utf8', stdio: ['ignore', stdout, 'pipe'] });
  return { code: r.status, stderr: r.stderr };
}

/** Every entry under dir (recursively), for checking that nothing was left. */
function entries(dir: string): string[] {
  return readdirSync(dir, { recursive: true }) as string[];
}

describe('/dev/full', () => {
  const haveFull = existsSync('/dev/full');
  if (!haveFull) console.warn('no /dev/full on this machine: its checks are skipped');

  it.runIf(haveFull)('stdout on a full device: exit 74 with a message, in CSV and JSON', () => {
    for (const format of ['csv', 'json']) {
      const fd = openSync('/dev/full', 'w');
      const r = run(['customers', ...DEMO, '--format', format], fd);
      closeSync(fd);
      expect(r.code).toBe(74);
      expect(r.stderr).toMatch(/cannot write standard output: the disk is full/);
    }
  });

  it.runIf(haveFull)('--output and --rejects on a full device: exit 74, and the device stays a device', () => {
    expect(run(['customers', ...DEMO, '--output', '/dev/full']).code).toBe(74);
    const r = run(['summary', ...DEMO, '--rejects', '/dev/full']);
    expect(r.code).toBe(74);
    expect(r.stderr).toMatch(/cannot write --rejects \/dev\/full: the disk is full/);
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });
});

describe('stderr on a full device', () => {
  const haveFull = existsSync('/dev/full');
  it.runIf(haveFull)('never exits 1 (a --fail-if code): a data error stays 3, lost warnings are 74', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clm-stderr-'));
    const f = join(dir, 'w.csv');
    writeFileSync(f, 'order_id,customer_id,order_date,amount,status\n1,a,2024-01-01,10,weird\n2,b,2024-01-02,x,paid\n3,b,2024-01-03,4,paid\n');
    const spawnErr = (args: string[]): number | null => {
      const fd = openSync('/dev/full', 'w');
      const r = spawnSync(process.execPath, [CLM, ...args], { stdio: ['ignore', 'ignore', fd] });
      closeSync(fd);
      return r.status;
    };
    expect(spawnErr(['summary', '--orders', join(dir, 'missing.csv')])).toBe(3);
    expect(spawnErr(['summary', '--orders', f])).toBe(74);
    expect(spawnErr(['summary', ...DEMO])).toBe(0);
  });
});

/** A tmpfs of 64 KB (and a read-only one) when this process may mount; undefined otherwise. */
function mountTmpfs(): { full: string; readOnly: string } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const base = mkdtempSync(join(tmpdir(), 'clm-disk-'));
  const full = join(base, 'full');
  const readOnly = join(base, 'ro');
  mkdirSync(full);
  mkdirSync(readOnly);
  const a = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full]);
  const b = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', readOnly]);
  if (a.status !== 0 || b.status !== 0) {
    spawnSync('umount', [full]);
    return undefined;
  }
  return { full, readOnly };
}

const disks = mountTmpfs();
if (!disks) console.warn('cannot mount a tmpfs here (not root, or no mount permission): the real full and read-only disk checks are skipped; /dev/full checks still run');
afterAll(() => {
  if (disks) for (const d of [disks.full, disks.readOnly]) spawnSync('umount', [d]);
});

const uci = join(process.env.CLM_DATASETS ?? join(process.cwd(), '../shared/datasets'), 'online-retail', 'online_retail_2010-12_2011-12.csv.gz');
/** An input whose outputs are bigger than 64 KB: the UCI file when present, else a generated shop. */
function bigInput(): string[] {
  if (existsSync(uci)) return ['--orders', uci, '--preset', 'online-retail'];
  const f = join(mkdtempSync(join(tmpdir(), 'clm-big-')), 'orders.csv');
  const lines = ['order_id,customer_id,order_date,amount'];
  for (let i = 0; i < 20_000; i++) lines.push(`O${i},C${i % 5000},2024-0${1 + (i % 9)}-1${i % 10},${(i % 97) + 0.5}`);
  writeFileSync(f, lines.join('\n') + '\n');
  return ['--orders', f];
}

describe.runIf(disks !== undefined)('a real full disk and a read-only disk (tmpfs)', () => {
  const input = bigInput();

  it('--output, stdout, --rejects and report --out on a full disk: exit 74 and nothing left', () => {
    const d = disks!.full;
    expect(run(['customers', ...input, '--output', join(d, 'c.csv')]).code).toBe(74);
    expect(entries(d)).toEqual([]);
    const fd = openSync(join(d, 'shell-redirect.csv'), 'w');
    const r = run(['customers', ...input], fd);
    closeSync(fd);
    expect(r.code).toBe(74);
    spawnSync('rm', ['-f', join(d, 'shell-redirect.csv')]);
    const rep = run(['report', ...input, '--out', join(d, 'report'), '--quiet']);
    expect(rep.code).toBe(74);
    expect(rep.stderr).toMatch(/cannot write --out .*: the disk is full/);
    expect(entries(d)).toEqual([]);
  });

  it('--output, --rejects, --out and --state-dir on a read-only disk: exit 74, never 70', () => {
    const d = disks!.readOnly;
    for (const args of [
      ['customers', ...DEMO, '--output', join(d, 'c.csv')],
      ['summary', ...DEMO, '--rejects', join(d, 'r.csv')],
      ['report', ...DEMO, '--out', join(d, 'report'), '--quiet'],
      ['report', ...DEMO, '--out', join(mkdtempSync(join(tmpdir(), 'clm-rep-')), 'r'), '--state-dir', join(d, 'state'), '--quiet'],
    ]) {
      const r = run(args);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(74);
      expect(r.stderr).toMatch(/^clm: error: cannot write/);
    }
  });
});

describe('a signal while --rejects is being written', () => {
  it('SIGTERM leaves no FILE.tmp-PID behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clm-sig-'));
    const child = spawn(process.execPath, [CLM, 'summary', '--orders', '-', '--rejects', join(dir, 'rejects.csv')], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.write('order_id,customer_id,order_date,amount\n1,a,2024-01-01,x\n');
    // the temporary rejects file exists while the input is still open
    for (let i = 0; i < 100 && entries(dir).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(entries(dir).some((e) => e.includes('.tmp-'))).toBe(true);
    const done = new Promise<number | null>((r) => child.on('exit', (code, signal) => r(signal ? 128 : code)));
    child.kill('SIGTERM');
    await done;
    expect(entries(dir)).toEqual([]);
  });
});
