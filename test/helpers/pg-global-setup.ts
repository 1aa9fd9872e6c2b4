import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Names the folder of the run's own Postgres cluster (test/helpers/pg-cluster.ts starts it
 * there lazily, only when a test asks for one) and stops it when the run ends.
 */
export default function setup(): () => void {
  if (process.env.CLM_TEST_PG_URL) return () => {};
  // the system's temporary folder, not the run's own (test/helpers/temp-root.ts)
  const dir = join(process.env.CLM_TEST_SYSTEM_TMPDIR ?? tmpdir(), `clm-test-pg-${process.pid}`);
  process.env.CLM_TEST_PG_DIR = dir;
  return () => {
    if (existsSync(`${dir}.url`) || existsSync(dir)) execFileSync('bash', [resolve('.ci/pg-cluster.sh'), 'stop', dir]);
    rmSync(`${dir}.url`, { force: true });
    rmSync(`${dir}.lock`, { recursive: true, force: true });
  };
}
