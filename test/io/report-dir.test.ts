import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportDir } from '../../src/io/report-dir.js';

/** The pid of a process that has ended (as a run killed with SIGKILL has). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function oldReport(parent: string): string {
  const out = join(parent, 'report');
  mkdirSync(out);
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ files: [{ file: 'a.csv' }], run: 'old' }));
  writeFileSync(join(out, 'a.csv'), 'x\n1\n');
  return out;
}

describe('a report folder after a SIGKILL between the two renames of its commit (issue 17, item 4)', () => {
  it('the next run puts the old report back before anything else, and removes the dead run\'s half folder', () => {
    const parent = mkdtempSync(join(tmpdir(), 'clm-rdir-'));
    const out = oldReport(parent);
    const pid = deadPid();
    // the killed run had set the old report aside and not yet renamed its new one in
    renameSync(out, join(parent, `.report.clm-old-${pid}`));
    mkdirSync(join(parent, `.report.clm-tmp-${pid}`));
    writeFileSync(join(parent, `.report.clm-tmp-${pid}`, 'manifest.json'), '{"run":"killed"}');
    expect(existsSync(out)).toBe(false);

    const next = new ReportDir(out);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).run).toBe('old');
    // the next run gives up (a data error, a Ctrl-C): the old report is still there, nothing else
    next.abort();
    expect(readdirSync(parent).sort()).toEqual(['report']);
    expect(readFileSync(join(out, 'a.csv'), 'utf8')).toBe('x\n1\n');
  });

  it('a folder set aside by a run that is still alive is left alone', () => {
    const parent = mkdtempSync(join(tmpdir(), 'clm-rdir-'));
    oldReport(parent);
    const busy = join(parent, `.report.clm-tmp-${process.pid + 0}`);
    // this very process is alive: a sibling named after it is another run's work in progress
    const other = join(parent, `.report.clm-old-${process.ppid}`);
    mkdirSync(other);
    const next = new ReportDir(join(parent, 'report'));
    expect(existsSync(other)).toBe(true);
    expect(next.tmp).toBe(busy);
    next.abort();
  });
});
