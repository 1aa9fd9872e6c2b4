import { CommanderError } from 'commander';
import { buildProgram, type CommandName, type Invocation } from './cli.js';
import type { InputFlags, OutputFlags } from './app/inputs.js';
import { ClmError, ConditionHeld, DataError, InternalError, OutputError } from './domain/errors.js';
import type { CliIO } from './io/cli-io.js';
import { startTrace, stopTrace, traceMark } from './io/trace.js';
import { visibleControls } from './domain/csv-text.js';
import type { AtomicFile } from './io/write-output.js';
import type { CommandResult } from './render/result.js';

export type { CliIO } from './io/cli-io.js';

type Runner = (flags: InputFlags & OutputFlags, io: CliIO, warn: (m: string) => void) => Promise<CommandResult>;

/** Each command's module is loaded only when it runs (the CLI starts fast; report pulls in vega). */
const COMMANDS: Record<Exclude<CommandName, 'sql'>, () => Promise<Runner>> = {
  summary: async () => (await import('./commands/summary.js')).runSummary,
  customers: async () => (await import('./commands/customers.js')).runCustomers,
  stages: async () => (await import('./commands/stages.js')).runStages,
  segments: async () => (await import('./commands/segments.js')).runSegments,
  cohorts: async () => (await import('./commands/cohorts.js')).runCohorts,
  cltv: async () => (await import('./commands/cltv.js')).runCltv,
  backtest: async () => (await import('./commands/backtest.js')).runBacktestCommand,
  forecast: async () => (await import('./commands/forecast.js')).runForecast,
  kpis: async () => (await import('./commands/kpis.js')).runKpis,
  playbook: async () => (await import('./commands/playbook.js')).runPlaybook,
  report: async () => (await import('./commands/report.js')).runReport,
  diff: async () => (await import('./commands/diff.js')).runDiff,
  init: async () => (await import('./commands/init.js')).runInit,
  retention: async () => (await import('./commands/retention.js')).runRetention,
  doctor: async () => (await import('./commands/doctor.js')).runDoctor,
  pivot: async () => (await import('./commands/pivot.js')).runPivot,
};

/** Runs clm with argv (without node and script) and returns the exit code. The only catch. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  let invocation: Invocation | undefined;
  const program = buildProgram(io, (inv) => {
    invocation = inv;
  });
  if (argv.length === 0) {
    // no command is a usage error: the help goes to stderr (stdout stays clean for a pipe)
    io.stderr.write(program.helpInformation());
    io.stderr.write('clm: error: no command given (clm summary --orders FILE is the place to start)\n');
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    return reportError(e, io);
  }
  if (!invocation) return 0;
  if (invocation.command === 'sql') {
    // prints text, no table: none of the output machinery
    try {
      const { sqlText } = await import('./commands/sql.js');
      io.stdout.write(sqlText(invocation.flags, io));
      return 0;
    } catch (e) {
      return reportError(e, io);
    }
  }
  const flags = invocation.flags as InputFlags & OutputFlags;
  if (flags.summaries !== undefined) {
    // one message for every command that needs per-customer rows (app/summaries-support.ts)
    const { summariesUnsupported } = await import('./app/summaries-support.js');
    const refused = summariesUnsupported(invocation.command);
    if (refused) return reportError(refused, io);
  }
  const quiet = flags.quiet === true;
  const warn = (m: string): void => {
    // warnings quote data (statuses, ids, file names): no control character reaches the terminal.
    // --quiet silences progress, never a warning: a cron log must say what clm was unsure of
    io.stderr.write(`clm: warning: ${visibleControls(m)}\n`);
  };
  let spinner: { stop(): void } | undefined;
  let reading: { stop(): void } | undefined;
  let file: AtomicFile | undefined;
  // phase marks with memory, for performance work (io/trace.ts)
  if (io.env.CLM_TRACE && io.env.CLM_TRACE !== '0') startTrace((line) => io.stderr.write(line + '\n'));
  try {
    // loaded here, not at the top: `clm --help` and usage errors need none of it (spec §11:
    // help in under 0.3 s)
    const [{ resolveFormat, checkOutputs }, { AtomicFile, streamSink }, { renderResult }] = await Promise.all([
      import('./app/inputs.js'),
      import('./io/write-output.js'),
      import('./render/output.js'),
    ]);
    const format = resolveFormat(flags, io);
    // before any input is read: --output or --rejects onto an input would destroy it
    checkOutputs(flags as Record<string, unknown>);
    // a terminal that reports no width (`script`, `docker run -t`, some editors) gets no
    // spinner: ora's clear loop never ends there
    const stderrColumns = (io.stderr as { columns?: number }).columns;
    let runIo = io;
    let ui: { text: string; render(): unknown; stop(): void } | undefined;
    if (io.stderrIsTTY && !quiet && typeof stderrColumns === 'number' && stderrColumns > 0) {
      const { default: ora } = await import('ora');
      spinner = ui = ora({ text: `reading ${flags.orders ?? ''}`, stream: io.stderr as unknown as NodeJS.WriteStream }).start();
    }
    const run = await COMMANDS[invocation.command as Exclude<CommandName, 'sql'>]();
    if (ui) {
      // bytes read of the inputs while reading, then what is being fitted: drawn at once, since
      // a model fit keeps the event loop (and the spinner's own timer) busy
      const spin = ui;
      const { readProgress, inputBytes } = await import('./render/progress.js');
      const f = flags as InputFlags & { customers?: string; payments?: string; reviews?: string };
      const p = readProgress(
        (text) => {
          spin.text = text;
          spin.render();
        },
        { orders: f.orders, totalBytes: inputBytes([f.orders, f.customers, f.payments, f.reviews].filter((x): x is string => x !== undefined && x !== '-')) },
      );
      reading = p;
      runIo = { ...io, progress: (text) => p.say(text) };
    }
    const result: CommandResult = await run(flags, runIo, warn);
    reading?.stop();
    spinner?.stop();
    spinner = undefined;
    const color = flags.color !== false && io.stdoutIsTTY && !flags.output && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '');
    // a report on --quiet says nothing on success (cron mails only what goes wrong)
    if (invocation.command === 'report' && quiet) return result.held ? reportError(new ConditionHeld(result.held), io) : 0;
    const table = flags.table;
    if (flags.output) {
      file = new AtomicFile(flags.output);
      await renderResult(result, format, file.sink, { color: false, table, arrowFile: true });
      await file.commit();
      file = undefined;
    } else {
      const sink = streamSink(io.stdout);
      await renderResult(result, format, sink, { color, table, width: terminalWidth(io) });
      // a full disk or an I/O error under `> file` is exit 74, never a cut file with exit 0
      await sink.flush();
    }
    // explanations go with the tables for people; beside a CSV/JSON stream they go to stderr
    if (result.notes?.length && format !== 'table' && format !== 'md') {
      io.stderr.write(result.notes.join('\n') + '\n');
    }
    traceMark('output written');
    if (result.held) return reportError(new ConditionHeld(result.held), io);
    return 0;
  } catch (e) {
    reading?.stop();
    spinner?.stop();
    file?.abort();
    return reportError(e, io);
  } finally {
    stopTrace();
  }
}

/**
 * Characters per line for terminal tables: COLUMNS when set (an explicit request, honoured
 * for a pipe or file too), else the width of the terminal stdout is; undefined otherwise
 * (whole rows).
 */
function terminalWidth(io: CliIO): number | undefined {
  const fromEnv = Number(io.env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  const columns = io.stdoutIsTTY ? (io.stdout as { columns?: number }).columns : undefined;
  return typeof columns === 'number' && columns > 0 ? columns : undefined;
}

/** System errors that only writing gives: an output error (74), not a bug (70). */
const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
};

function isWriteFailure(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && (e as NodeJS.ErrnoException).code! in WRITE_FAILURES;
}

/** Formats an error for people: where, what, and the flag that fixes it. */
export function reportError(e: unknown, io: CliIO): number {
  let err: ClmError;
  if (e instanceof ClmError) err = e;
  else if (isWriteFailure(e)) err = new OutputError(`cannot write ${e.path ?? 'an output'}: ${WRITE_FAILURES[e.code!]}`, 'free space or write somewhere else');
  else {
    err = new InternalError(e instanceof Error ? e.message : String(e));
    if (io.env.CLM_DEBUG && e instanceof Error && e.stack) io.stderr.write(e.stack + '\n');
  }
  let where = '';
  if (err instanceof DataError) {
    const l = err.location;
    if (l.file) where += `${l.file}${l.line !== undefined ? `:${l.line}` : ''}: `;
    if (l.column !== undefined) where += `column ${JSON.stringify(l.column)}: `;
    if (l.value !== undefined) where += `value ${JSON.stringify(l.value.length > 80 ? l.value.slice(0, 77) + '...' : l.value)}: `;
  }
  // clm's own messages may span lines (a rule with a caret under the character); data is quoted
  io.stderr.write(`clm: error: ${visibleControls(where + err.message, true)}\n`);
  if (err.hint) io.stderr.write(`  hint: ${visibleControls(err.hint)}\n`);
  return err.exitCode;
}
