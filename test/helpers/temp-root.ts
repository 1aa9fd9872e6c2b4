import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every temporary file of the run, the tests' and the clm processes' they start, goes in one
 * folder removed when the run ends: TMPDIR points there (os.tmpdir() reads it, and the worker
 * threads and child processes inherit it). Without it each run left ~100 folders in /tmp.
 * The Postgres cluster's folder stays outside it (pg-global-setup.ts, pg-cluster.ts).
 */
export default function setup(): () => void {
  const system = tmpdir();
  const root = mkdtempSync(join(system, 'clm-test-'));
  const before = process.env.TMPDIR;
  // the Postgres cluster's folder stays in the system's: it runs as another user, who cannot
  // enter this folder (mkdtemp makes it 0700), and it must outlive this folder's removal
  process.env.CLM_TEST_SYSTEM_TMPDIR = system;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}
