import { KPI_UNITS, type KpiUnit } from '../analytics/kpis.js';
import { applyFailIf, compileFailIf } from '../app/fail-if.js';
import { goalFunctions } from '../app/goals.js';
import { kpisFailIfSpec } from '../app/kpi-fail-if.js';
import { UsageError } from '../domain/errors.js';
import type { CliIO } from '../io/cli-io.js';
import { readSpendFile } from '../io/read-spend.js';
import type { CommandResult } from '../render/result.js';
import { clvSettings, settingsLine, type ClvFlags } from '../app/clv-values.js';
import { dataContext, dataMeta, loadInputs, type InputFlags } from '../app/inputs.js';
import type { LifecycleFlags } from '../app/lifecycle.js';
import { DEFAULT_PERIODS, kpisRun, type KpisRun } from '../app/kpis-run.js';

/**
 * `clm kpis` (issue 7): lifecycle KPIs per month, quarter or year with the change against the
 * previous period (analytics/kpis.ts), goals from the config (analytics/goals.ts), acquisition
 * cost with --spend (analytics/acquisition.ts) and feedback (analytics/feedback.ts).
 *
 * Tables, in order: kpis (one row per period, wide), kpi_changes (the latest complete period
 * against the one before, one row per KPI), goals (when the config has goals), acquisition,
 * ltv_cac and cac_payback (with --spend), feedback (per period, with --reviews) and
 * feedback_by_stage (when the data has nps, review_score or --reviews).
 */
export interface KpisFlags extends InputFlags, LifecycleFlags, ClvFlags {
  period?: string;
  periods?: string;
  spend?: string;
  failIf?: string[];
}

function unitFlag(text: string | undefined): KpiUnit {
  const u = (text ?? 'month').toLowerCase();
  if (!(KPI_UNITS as readonly string[]).includes(u)) throw new UsageError(`--period must be month, quarter or year, not ${JSON.stringify(text)}`);
  return u as KpiUnit;
}

function periodsFlag(text: string | undefined, unit: KpiUnit): number {
  if (text === undefined) return DEFAULT_PERIODS[unit];
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) throw new UsageError(`--periods ${JSON.stringify(text)} is not a whole number of at least 1`, 'for example --periods 12');
  return v;
}

/** `clm kpis`. */
export async function runKpis(flags: KpisFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const unit = unitFlag(flags.period);
  const count = periodsFlag(flags.periods, unit);
  if (flags.spend === '-' && (flags.orders === '-' || flags.reviews === '-')) throw new UsageError('only one input can come from stdin (`-`)');
  // compile the conditions before the work, so a typo costs nothing
  let run: KpisRun | undefined;
  const conditions = compileFailIf(flags.failIf ?? [], kpisFailIfSpec(goalFunctions(() => run?.goals)), warn);
  const inputs = await loadInputs(flags, io, warn);
  const spend = flags.spend ? await readSpendFile({ path: flags.spend, stdin: io.stdin, encoding: flags.encoding, decimalComma: flags.decimalComma ?? inputs.config?.config.decimal_comma }) : undefined;
  run = kpisRun(inputs, { unit, periods: count, spend, flags });
  run.warnings.forEach(warn);
  const meta = { ...dataMeta(inputs.data, 'kpis'), ...run.meta };
  const context = dataContext(inputs.data);
  if (spend) context.push(`spend: ${spend.source.path} (${spend.rows.toLocaleString('en-US')} rows, ${spend.entries.length} month-channel amounts)`);
  context.push(kpisLine(run));
  if (flags.model) context.push(settingsLine(clvSettings(flags)));
  const result: CommandResult = { meta, context, tables: run.tables, notes: flags.explain ? run.notes : undefined };
  const latest = run.series.latestComplete >= 0 ? run.series.periods[run.series.latestComplete].label : 'no complete period';
  applyFailIf(result, conditions, (name) => run!.metrics[name], { note: `KPIs of ${latest}` });
  return result;
}

function kpisLine(run: KpisRun): string {
  const s = run.series;
  if (s.periods.length === 0) return `KPIs per ${run.unit}: no orders up to the as-of date`;
  const shown = s.periods.slice(run.shownFrom);
  const last = s.periods[s.periods.length - 1];
  const latest = s.latestComplete >= 0 ? s.periods[s.latestComplete].label : 'none';
  return `KPIs per ${run.unit}: ${shown[0].label} to ${last.label}${last.complete ? '' : ` (${last.label} is not over: marked *)`} · latest complete ${run.unit}: ${latest}${run.goals.length ? ` · ${run.goals.length} goal${run.goals.length > 1 ? 's' : ''}` : ''}`;
}
