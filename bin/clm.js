#!/usr/bin/env node
import { main } from '../dist/main.js';

// A reader that goes away (`clm ... | head`) is not an error: end quietly with 0.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(0);
});

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  env: process.env,
  now: () => new Date(),
  cwd: process.cwd(),
});
process.exitCode = code;
