/**
 * Issue 17, item 7: a FIFO, /dev/stdin from a pipe and a process substitution are read as a
 * stream, once (they exited 70 "ESPIPE: invalid seek"); a report over one has no input hash.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const node = process.execPath;
const sh = (script: string): { status: number | null; stdout: string; stderr: string } =>
  spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
const FIRST = 'customers,1253,customers with a counted order';

describe('inputs that cannot seek', () => {
  it('a named pipe', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clm-fifo-'));
    const r = sh(`mkfifo ${dir}/o && (cat fixtures/demo/orders.csv > ${dir}/o &) && ${node} bin/clm.js summary --orders ${dir}/o --format csv`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(FIRST);
  });

  it('/dev/stdin from a pipe', () => {
    const r = sh(`cat fixtures/demo/orders.csv | ${node} bin/clm.js summary --orders /dev/stdin --format csv`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(FIRST);
  });

  it('a process substitution of a gzip stream, and a report over it', () => {
    const r = sh(`${node} bin/clm.js summary --orders <(gzip -c fixtures/demo/orders.csv | zcat) --format csv`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(FIRST);
    const out = join(mkdtempSync(join(tmpdir(), 'clm-fifo-rep-')), 'r');
    const rep = sh(`${node} bin/clm.js report --orders <(cat fixtures/demo/orders.csv) --out ${out} --quiet`);
    expect(rep.status, rep.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.inputs_hashed[0].sha256).toBeNull();
  });
});
