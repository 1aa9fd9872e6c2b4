import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every temporary file of the run, the tests' and the clm processes' they start, goes in one
 * folder removed when the run ends: TMPDIR points there (os.tmpdir() reads it, and the worker
 * threads and child processes inherit it). Without it each run left ~100 folders in /tmp.
 * Listed after pg-global-setup, whose cluster folder stays outside (it is stopped first).
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'clm-test-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}
