import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/helpers/slow-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // every core: vitest's default leaves one free, which on the 2-core CI machine runs the files one at a
    // time (test/commands: 134 s on one worker, 99 s on two, 101 s on three)
    maxWorkers: availableParallelism(),
    // the slowest files first on a fresh clone too, so that no long file starts last
    sequence: { sequencer: SlowFirstSequencer },
    // the run's own Postgres cluster, started only when a test asks for one (test/helpers/pg-cluster.ts)
    globalSetup: ['test/helpers/pg-global-setup.ts'],
  },
});
