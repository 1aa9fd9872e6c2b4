import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Whether an optional dependency (DuckDB, the Postgres driver) can be found: resolved, not
 * loaded, so asking costs no start-up time and `clm --help` never loads either.
 */
export function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}
