import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The Postgres server of the tests that need one (issue 13): CLM_TEST_PG_URL when set (.ci/run
 * starts a throwaway cluster and sets it). Without it, outside CI, the first test file that asks
 * starts one cluster for the whole vitest run with the same script (.ci/pg-cluster.sh), in the
 * folder test/helpers/pg-global-setup.ts named, which stops it when the run ends. Under CI=true
 * with no server the tests fail, never skip.
 */
export const PG_SCRIPT = resolve('.ci/pg-cluster.sh');

export async function testPgUrl(): Promise<string> {
  const given = process.env.CLM_TEST_PG_URL;
  if (given) return given;
  if (process.env.CI) throw new Error('CI is set but CLM_TEST_PG_URL is not: .ci/run starts the Postgres cluster these tests need (initdb + pg_ctl)');
  const dir = process.env.CLM_TEST_PG_DIR ?? join(process.env.CLM_TEST_SYSTEM_TMPDIR ?? tmpdir(), `clm-test-pg-${process.pid}`);
  const urlFile = `${dir}.url`;
  try {
    mkdirSync(`${dir}.lock`);
  } catch {
    // another test file is starting it: wait for its URL
    for (let waited = 0; waited < 120_000; waited += 200) {
      if (existsSync(urlFile)) return readFileSync(urlFile, 'utf8').trim();
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the test Postgres cluster in ${dir} did not start within 120 s`);
  }
  const url = execFileSync('bash', [PG_SCRIPT, 'start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  writeFileSync(urlFile, url);
  if (!process.env.CLM_TEST_PG_DIR) process.on('exit', () => execFileSync('bash', [PG_SCRIPT, 'stop', dir]));
  return url;
}
