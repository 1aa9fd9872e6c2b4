import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every temporary file of the run, the tests' and the clm processes' they start, goes in one
 * folder removed when the run ends: TMPDIR points there (os.tmpdir() reads it, and the worker
 * threads and child processes inherit it). Without it each run left ~100 folders in /tmp.
 * vitest runs a global setup once per project (vitest.config.ts has two): the first makes the
 * folder and removes it at the end, the others find it made. The Postgres cluster's folder
 * stays in the system's temporary folder (CLM_TEST_SYSTEM_TMPDIR; pg-global-setup.ts,
 * pg-cluster.ts): it runs as another user, who cannot enter this one (mkdtemp makes it 0700),
 * and it must outlive this folder's removal.
 */
export default function setup(): () => void {
  if (process.env.CLM_TEST_SYSTEM_TMPDIR !== undefined) return () => {};
  const system = tmpdir();
  const root = mkdtempSync(join(system, 'clm-test-'));
  const before = process.env.TMPDIR;
  process.env.CLM_TEST_SYSTEM_TMPDIR = system;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    delete process.env.CLM_TEST_SYSTEM_TMPDIR;
    rmSync(root, { recursive: true, force: true });
  };
}
