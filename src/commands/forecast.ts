import { formatDay } from '../domain/dates.js';
import type { CliIO } from '../io/cli-io.js';
import type { CommandResult } from '../render/result.js';
import { checksMeta, clvSettings, fitMeta } from '../app/clv-values.js';
import { dataContext, dataMeta, loadInputs } from '../app/inputs.js';
import { analysesUsed, gateWarnings } from '../analytics/data-checks.js';
import { dataChecksFor } from '../app/data-gate.js';
import { computeLifecycle } from '../app/lifecycle.js';
import { ForecastFlags, ForecastRun, forecastRun, forecastRunIntervals, forecastTables, forecastTotalsMeta } from '../app/forecast-run.js';

/** `clm forecast`: expected purchases, active customers and revenue per future calendar period. */
export async function runForecast(flags: ForecastFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const inputs = await loadInputs(flags, io, warn);
  const lc = computeLifecycle(inputs, flags);
  const settings = clvSettings(flags);
  // the data checks of clm doctor gate the forecast as they gate cltv and report
  const checks = dataChecksFor(inputs, lc, settings.unit);
  const run = forecastRun(inputs, flags, { lc });
  const used = analysesUsed(run.model, { backtest: false });
  gateWarnings(checks, used).forEach(warn);
  run.scores.warnings.forEach(warn);
  if (run.scores.caveat) warn(run.scores.caveat);
  run.intervals = forecastRunIntervals(run, warn);
  const meta = dataMeta(inputs.data, 'forecast');
  meta.data_checks = checksMeta(checks, used);
  const first = run.periods[0];
  // the horizon, discount and margin of cltv do not apply: the periods set the horizon, revenue is undiscounted
  meta.clv = { model: run.model, ...(run.choice ? { model_choice: run.choice } : {}), time_unit: settings.unit, penalizer: settings.penalizer, interval: run.level };
  meta.forecast = {
    period: run.unit,
    periods: run.periods.length,
    fitted_to: formatDay(run.fittedTo),
    first_period: { label: first.label, from: formatDay(first.from), to: formatDay(first.to), days: first.days, partial: first.partial },
    ...(run.holdout ? { holdout_end: formatDay(run.holdout.end), holdout_basis: run.holdout.basis } : {}),
    totals: forecastTotalsMeta(run),
  };
  meta.fit = fitMeta(run.scores);
  const context = dataContext(inputs.data);
  context.push(
    `model ${run.choice ? `auto → ${run.model}` : run.model} + Gamma-Gamma spend fitted to ${formatDay(run.fittedTo)} (${run.summary.size.toLocaleString('en-US')} customers, time unit ${settings.unit}) · ${run.periods.length} ${run.unit}s from ${formatDay(first.from)}${notes(run)}`,
  );
  if (run.holdout) context.push(`backtest: holdout to ${formatDay(run.holdout.end)} (${run.holdout.basis}); stages as of ${formatDay(run.fittedTo)}`);
  context.push('customers who had not bought by then are not forecast; revenue is expected purchases x expected spend per purchase, undiscounted, without margin');
  return { meta, context, tables: forecastTables(run) };
}


/** Says which periods are partial: the first after a mid-period date, a backtest's last cut at the as-of date. */
function notes(run: ForecastRun): string {
  const first = run.periods[0];
  const last = run.periods[run.periods.length - 1];
  const out: string[] = [];
  if (first.partial) out.push(`the first, ${first.label}, is partial: ${first.days} days after ${formatDay(run.fittedTo)}`);
  if (run.holdout && run.periods.length > 1 && last.partial) out.push(`the last, ${last.label}, is cut at the as-of date: ${last.days} days`);
  return out.length > 0 ? ` (${out.join('; ')})` : '';
}
