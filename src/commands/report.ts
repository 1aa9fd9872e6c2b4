import { UsageError } from '../domain/errors.js';
import type { CliIO } from '../io/cli-io.js';
import type { CommandResult } from '../render/result.js';
import { buildReport, type ReportFlags } from '../report/assemble.js';

export type { ReportFlags };

/**
 * `clm report --out DIR`: every analysis of the run as one folder (src/report/ assembles it);
 * prints where it went and the headline metrics.
 */
export async function runReport(flags: ReportFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  if (!flags.out) throw new UsageError('--out DIR is required', 'name the report folder, for example --out report');
  return buildReport({ ...flags, out: flags.out }, io, warn);
}
