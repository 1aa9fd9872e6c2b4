import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // the run's own Postgres cluster, started only when a test asks for one (test/helpers/pg-cluster.ts)
    globalSetup: ['test/helpers/pg-global-setup.ts'],
  },
});
