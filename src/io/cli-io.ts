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
  /** What the run is doing now, for the spinner (`fitting BG/NBD to 1,253 customers`); absent: nobody is watching. */
  progress?: (text: string) => void;
}
