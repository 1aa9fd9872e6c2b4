#!/usr/bin/env node
import { main } from '../dist/main.js';

// A reader that goes away (`clm ... | head`) is not an error: end quietly with 0.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(0);
});
// A stderr that cannot be written (a full disk under `2> log`) must not crash with Node's exit 1
// (which means a --fail-if held): the run's own code stands, and a success whose warnings were
// lost is an output error (74).
let stderrFailed = false;
process.stderr.on('error', () => {
  stderrFailed = true;
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
process.exitCode = code === 0 && stderrFailed ? 74 : code;
