import { DAYS_PER_UNIT } from '../analytics/clv/summary.js';
import { formatDay } from '../domain/dates.js';
import type { CliIO } from '../io/cli-io.js';
import type { CommandResult } from '../render/result.js';
import { clvSettings, settingsMeta, type ClvFlags } from '../app/clv-values.js';
import { dataContext, dataMeta, loadInputs, type InputFlags } from '../app/inputs.js';
import { BACKTEST_FAIL_IF_SPEC, backtestRun, backtestTables } from '../app/backtest-run.js';
import { applyFailIf, compileFailIf } from '../app/fail-if.js';

export interface BacktestFlags extends InputFlags, ClvFlags {
  calibrationEnd?: string;
  holdout?: string;
  failIf?: string[];
}

/** `clm backtest`: how well the model fitted on older orders predicted the holdout. */
export async function runBacktestCommand(flags: BacktestFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  // compiled before the work, so a typo costs no fit
  const conditions = compileFailIf(flags.failIf ?? [], BACKTEST_FAIL_IF_SPEC, warn);
  const inputs = await loadInputs(flags, io, warn);
  const run = backtestRun(inputs, flags);
  run.warnings.forEach(warn);
  const meta = dataMeta(inputs.data, 'backtest');
  const settings = clvSettings(flags);
  meta.clv = settingsMeta({ ...settings, model: run.model }, run.choice);
  meta.backtest = { calibration_end: formatDay(run.calibrationEnd), holdout_end: formatDay(run.holdoutEnd), holdout_units: run.result.holdoutDuration, holdout_basis: run.holdoutBasis, converged: run.converged, metrics: run.metrics };
  const context = dataContext(inputs.data);
  context.push(`calibration to ${formatDay(run.calibrationEnd)}, holdout to ${formatDay(run.holdoutEnd)} (${run.result.holdoutDuration.toFixed(1)} ${settings.unit}s; ${run.holdoutBasis}) · model ${run.model} · time unit ${settings.unit} (${DAYS_PER_UNIT[settings.unit]} days)`);
  if (run.choice) context.push(run.choice.reason);
  const result: CommandResult = { meta, context, tables: backtestTables(run) };
  applyFailIf(result, conditions, (name) => run.metrics[name], { listNone: true });
  return result;
}
