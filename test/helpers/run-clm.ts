import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/main.js';

export interface ClmRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs clm in-process, as a pipe (not a TTY), with a fixed clock. */
export async function runClm(args: string[], opts: { stdin?: string; env?: Record<string, string>; tty?: boolean; cwd?: string } = {}): Promise<ClmRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await main(args, {
    stdout,
    stderr,
    stdin: opts.stdin !== undefined ? Readable.from([Buffer.from(opts.stdin)]) : undefined,
    stdoutIsTTY: opts.tty ?? false,
    stderrIsTTY: false,
    env: opts.env ?? {},
    now: () => new Date('2026-01-15T12:00:00Z'),
    cwd: opts.cwd ?? process.cwd(),
  });
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out, stderr: err };
}

/** stderr without the small-sample warnings that tiny test inputs always get (issue 14, item 6). */
export function stderrBeyondSmallSamples(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('clm: warning: small sample: '))
    .join('\n');
}
