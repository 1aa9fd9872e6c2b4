import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Issue 14, item 15: the README's set-up command, run as written on a clone of the repository,
 * puts `clm` on the PATH and runs the main job. npm's global prefix is a temporary folder, so
 * nothing outside it changes; node_modules is copied from this checkout (the packages a fresh
 * `npm install` would fetch; `npm install` still runs and builds), so the test needs no network.
 */
const root = process.cwd();
const work = mkdtempSync(join(tmpdir(), 'clm-install-'));
// the clone holds a copy of node_modules (17k files, 360 MB): cp -a copies it in about 1 s where
// fs.cpSync took 6 s, and rm -rf removes it in the background after the file's tests, where
// fs.rmSync held the worker for up to 20 s on the 2-core CI machine
afterAll(() => {
  if (process.platform === 'win32') return rmSync(work, { recursive: true, force: true });
  spawn('rm', ['-rf', work], { detached: true, stdio: 'ignore' }).unref();
});

/** The first ```sh block of the README: the set-up and main-job command. */
function readmeSetUp(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = readme.match(/```sh\n([^]*?)\n```/);
  if (!block) throw new Error('README.md has no ```sh block');
  return block[1].trim();
}

describe('the README set-up puts clm on the PATH', () => {
  it('names npm install, then npm link, then clm itself (not node bin/clm.js)', () => {
    const cmd = readmeSetUp();
    expect(cmd).toMatch(/^npm install && npm link && clm summary /);
  });

  it('run as written on a clone: clm is found on the PATH and prints the demo summary', () => {
    const clone = join(work, 'clone');
    execFileSync('git', ['clone', '-q', root, clone]);
    // the uncommitted files of this checkout are what is under test when run locally
    for (const f of ['README.md', 'package.json', 'package-lock.json']) cpSync(join(root, f), join(clone, f));
    if (process.platform !== 'win32') execFileSync('cp', ['-a', join(root, 'node_modules'), join(clone, 'node_modules')]);
    else cpSync(join(root, 'node_modules'), join(clone, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    const prefix = join(work, 'prefix');
    const bin = join(prefix, 'bin');
    const env = {
      ...process.env,
      NPM_CONFIG_PREFIX: prefix,
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    };
    const run = spawnSync('sh', ['-c', readmeSetUp()], { cwd: clone, env, encoding: 'utf8', timeout: 300_000 });
    expect(run.stderr).not.toContain('tsc: not found');
    expect(run.status).toBe(0);
    expect(existsSync(join(bin, 'clm'))).toBe(true);
    // the linked clm is this clone's program
    expect(realpathSync(join(bin, 'clm'))).toBe(realpathSync(join(clone, 'bin', 'clm.js')));
    expect(run.stdout).toMatch(/^net_revenue,426424\.87,/m);
    expect(run.stdout).toMatch(/^customers,/m);
  }, 300_000);
});
