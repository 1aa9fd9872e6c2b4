import { analysesUsed, ANALYSIS_LABELS } from '../analytics/data-checks.js';
import type { CliIO } from '../io/cli-io.js';
import { tableOf, type CommandResult } from '../render/result.js';
import { dataChecksFor, figuresMeta } from '../app/data-gate.js';
import { clvSettings, settingsLine, type ClvFlags } from '../app/clv-values.js';
import { dataContext, dataMeta, loadInputs, type InputFlags } from '../app/inputs.js';
import { metricDisplay } from '../app/metric-display.js';
import { computeLifecycle, type LifecycleFlags } from '../app/lifecycle.js';

export interface DoctorFlags extends InputFlags, LifecycleFlags, ClvFlags {}

/** `clm doctor`: can the data support each analysis? Checks with numbers, a verdict per analysis; exit 1 when one a default run uses is unsafe. */
export async function runDoctor(flags: DoctorFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const settings = clvSettings(flags);
  const inputs = await loadInputs(flags, io, warn);
  const lc = computeLifecycle(inputs, flags);
  const checks = dataChecksFor(inputs, lc, settings.unit);
  const used = analysesUsed(settings.model);
  const meta = dataMeta(inputs.data, 'doctor');
  meta.doctor = {
    figures: figuresMeta(checks.figures),
    verdicts: Object.fromEntries(checks.analyses.map((a) => [a.analysis, { verdict: a.verdict, used: used.includes(a.analysis), reason: a.reason }])),
  };
  const context = dataContext(inputs.data);
  context.push(`${settingsLine(settings)} · a default run uses ${used.join(', ')}`);
  const tables = [
    tableOf('checks', 'Data checks at the as-of date', [
      { name: 'check', type: 'string' },
      { name: 'value', type: 'number', only: 'machine' },
      // counts as integers, shares as percentages, the correlation to 3 decimals
      { name: 'value', type: 'string', only: 'human', numbersAsText: true },
      { name: 'threshold', type: 'string' },
      { name: 'verdict', type: 'string' },
      { name: 'meaning', type: 'string' },
    ], checks.checks.map((c) => [c.check, c.value, displayValue(c.check, c.value), c.threshold, c.verdict, c.meaning])),
    tableOf('verdicts', 'Verdict per analysis', [
      { name: 'analysis', type: 'string' },
      { name: 'verdict', type: 'string' },
      { name: 'used', type: 'string', boolean: true },
      { name: 'reason', type: 'string' },
    ], checks.analyses.map((a) => [a.analysis, a.verdict, used.includes(a.analysis) ? 'true' : 'false', a.reason])),
  ];
  const unsafe = checks.analyses.filter((a) => a.verdict === 'unsafe' && used.includes(a.analysis));
  const result: CommandResult = { meta, context, tables };
  if (unsafe.length > 0) result.held = `unsafe on this data, and a default run uses them: ${unsafe.map((a) => ANALYSIS_LABELS[a.analysis]).join(', ')} (exit 1; the verdicts table says why)`;
  return result;
}

function displayValue(check: string, v: number | null): string {
  return metricDisplay(check, v, v !== null && Number.isInteger(v) ? { type: 'int' } : { type: 'number', decimals: 1 });
}
