/**
 * The test files that replace or spy on modules and globals (vi.mock, vi.spyOn, vi.stubEnv, ...):
 * vitest.config.ts runs each in its own fresh module graph; every other file shares the modules
 * of src/ with the files before it on the same worker. test/helpers/isolated-files.test.ts
 * checks that no other file mocks, spies or stubs.
 */
export const ISOLATED = [
  'test/analytics/rule-expr.test.ts',
  'test/commands/model-not-usable.test.ts',
  'test/engine/streaming/threads.test.ts',
  'test/io/scanner.test.ts',
];
