import type { Readable, Writable } from 'node:stream';

/** Everything a command may touch of the outside world, injected so tests run in-process. */
export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable | undefined;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  /** The clock, for `--as-of today` only. */
  now: () => Date;
  cwd: string;
}
