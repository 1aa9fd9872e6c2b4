import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest (10–20 s each on the 2-core CI machine, measured with one
 * worker), longest first. Vitest orders files by the durations of the last run; on a fresh
 * clone it has none and runs larger files first, which left these small-but-slow files for
 * the end, where one of them ran alone while the other core sat idle.
 */
const SLOW_FIRST = [
  'test/e2e/install.test.ts',
  'test/commands/report.test.ts',
  'test/e2e/report-browser.test.ts',
  'test/analytics/clv/intervals-coverage.test.ts',
  'test/e2e/full-disk.test.ts',
  'test/engine/postgres/agreement.test.ts',
  'test/e2e/limits.test.ts',
  'test/analytics/clv/loglik-reference.test.ts',
  'test/engine/duckdb/agreement.test.ts',
];

/** Vitest's order (last run's durations, else size), with SLOW_FIRST in front when a file has no recorded duration. */
export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const key = (f: TestSpecification): string => relative(this.ctx.config.root, f.moduleId).split('\\').join('/');
    if (sorted.every((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${key(f)}`))) return sorted;
    const rank = (f: TestSpecification): number => {
      const i = SLOW_FIRST.indexOf(key(f));
      return i < 0 ? SLOW_FIRST.length : i;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
