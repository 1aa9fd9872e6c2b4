import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/helpers/slow-first-sequencer.js';
import { ISOLATED } from './test/helpers/isolated-files.js';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // worker threads: a thread starts cheaper than a process, ~0.16 s of CPU a file (30 small files:
    // 23.9 s -> 19.0 s)
    pool: 'threads',
    // every core: vitest's default leaves one free, which on the 2-core CI machine runs the files one at a
    // time (test/commands: 134 s on one worker, 99 s on two, 101 s on three)
    maxWorkers: availableParallelism(),
    // the slowest files first on a fresh clone too, so that no long file starts last
    sequence: { sequencer: SlowFirstSequencer },
    // the run's own Postgres cluster, started only when a test asks for one (test/helpers/pg-cluster.ts)
    // and one temporary folder for everything else, removed at the end (test/helpers/temp-root.ts)
    globalSetup: ['test/helpers/pg-global-setup.ts', 'test/helpers/temp-root.ts'],
    // the files that mock, spy or stub (test/helpers/isolated-files.ts) each in a fresh module graph;
    // the others share the modules of src/ with the files before them on the same worker (src/ keeps
    // no state between calls a test could see: scratch variables, caches of constants, signal
    // handlers taken away after each run), so V8 keeps the compiled, optimised code of the numeric
    // work (CLV fits, readers) from file to file instead of warming it up again in each:
    // test/commands, golden and render on one worker 238 s -> 124 s
    projects: [
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: ISOLATED, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ISOLATED, isolate: true } },
    ],
  },
});
