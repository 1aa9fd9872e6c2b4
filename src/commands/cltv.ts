import { purchaseModelLabel, scoreClv, type ClvScores, type PurchaseModelName } from '../analytics/clv/score.js';
import { autoFitPurchaseModel } from '../analytics/clv/choose-model.js';
import { DAYS_PER_UNIT, summaryFromArrays } from '../analytics/clv/summary.js';
import { formulaClv } from '../analytics/clv/value.js';
import { UsageError } from '../domain/errors.js';
import { STAGES } from '../domain/stage.js';
import type { CliIO } from '../io/cli-io.js';
import { readSummaryFile } from '../io/read-summary.js';
import { tableOf, type Cell, type CommandResult, type ResultTable } from '../render/result.js';
import { dataContext, dataMeta, loadInputs, type InputFlags, type Inputs } from '../app/inputs.js';
import { computeLifecycle, type Lifecycle, type LifecycleFlags } from '../app/lifecycle.js';
import { analysesUsed, gateWarnings } from '../analytics/data-checks.js';
import { CLTV_FAIL_IF_SPEC, cltvConditionValues, type CltvConditionValues } from '../app/cltv-fail-if.js';
import { applyFailIf, compileFailIf, type FailIf } from '../app/fail-if.js';
import { dataChecksFor } from '../app/data-gate.js';
import { intervalLevel } from '../app/cltv-intervals.js';
import { ClvFlags, fitsPurchases, isPredictive, ClvSettings, clvSettings, unusableModelError, customerValues, modelTable, valueTables, checksMeta, settingsMeta, settingsLine, fitMeta } from '../app/clv-values.js';

export interface CltvFlags extends InputFlags, LifecycleFlags, ClvFlags {
  summary?: string;
  /** A directory of summary tables (rfm_counts.csv, spend_counts.csv): app/cltv-summaries.ts. */
  summaries?: string;
  top?: string;
  failIf?: string[];
  /** Level of the intervals (default 0.9; 0 = none): cltv-intervals.ts. */
  interval?: string;
}

/** Formula CLV per stage: AOV x purchase rate x expected lifetime of that stage's customers. */
function formulaTable(inputs: Inputs, lc: Lifecycle, margin: number): { table: ResultTable; warnings: string[] } {
  const t = inputs.data.table;
  const warnings: string[] = [];
  const rows: Cell[][] = [];
  const groups: [string, number[]][] = [['all customers', []], ...STAGES.filter((s) => s !== 'prospect').map((s) => [s, []] as [string, number[]])];
  for (let i = 0; i < t.size; i++) {
    if (t.orders[i] === 0) continue;
    groups[0][1].push(i);
    const g = groups.findIndex(([s]) => s === STAGES[lc.stages[i]]);
    if (g > 0) groups[g][1].push(i);
  }
  for (const [label, members] of groups) {
    if (members.length === 0) continue;
    const f = formulaClv(t, { asOf: inputs.data.asOf, margin }, members);
    if (label === 'all customers') warnings.push(...f.warnings);
    rows.push([label, f.customers, f.averageOrderValue, f.purchasesPerYear, f.annualChurnRate, f.expectedLifetimeYears, f.clv]);
  }
  return {
    table: tableOf('formula', 'Formula CLV: average order value x purchases per year x expected lifetime (1 / annual churn)', [
      { name: 'group', type: 'string' },
      { name: 'customers', type: 'int' },
      { name: 'average_order_value', type: 'money' },
      { name: 'purchases_per_year', type: 'number', decimals: 2 },
      { name: 'annual_churn_rate', type: 'percent' },
      { name: 'expected_lifetime_years', type: 'number', decimals: 1 },
      { name: 'clv', type: 'money' },
    ], rows),
    warnings,
  };
}

/** `clm cltv`: the model fit and predicted value by stage, segment and cohort, and the top customers. */
export async function runCltv(flags: CltvFlags, io: CliIO, warnOut: (m: string) => void): Promise<CommandResult> {
  const settings = clvSettings(flags);
  const top = Math.max(1, Math.floor(Number(flags.top ?? 20)) || 20);
  // checked before any input is read: a typo costs no fit
  const conditions = compileFailIf(flags.failIf ?? [], CLTV_FAIL_IF_SPEC, warnOut);
  const level = intervalLevel(flags.interval);
  if (flags.summaries) {
    if (flags.summary || flags.orders) throw new UsageError('--summaries reads the summary tables instead of the orders', 'pass one of --summaries DIR, --summary FILE or --orders FILE');
    const { cltvFromSummaries } = await import('../app/cltv-summaries.js');
    const fitted = await cltvFromSummaries(flags.summaries, settings, level, warnOut);
    return withConditions(fitted.result, conditions, cltvConditionValues(fitted.scores, undefined, []));
  }
  if (flags.summary) return cltvFromSummary(flags, settings, top, level, conditions, warnOut);
  const said = new Set<string>();
  const warn = (m: string): void => {
    if (!said.has(m)) warnOut(m);
    said.add(m);
  };
  const inputs = await loadInputs(flags, io, warn);
  const lc = computeLifecycle(inputs, flags);
  // the data checks of clm doctor, one source: they replace the small-sample warnings here
  const checks = dataChecksFor(inputs, lc, settings.unit);
  const meta = dataMeta(inputs.data, 'cltv');
  meta.clv = { ...settingsMeta(settings), ...(isPredictive(settings.model) ? { interval: level } : {}) };
  const context = dataContext(inputs.data);
  context.push(settingsLine(settings));
  let result: CommandResult;
  let scores: ClvScores | undefined;
  let used = analysesUsed(settings.model, { backtest: false });
  if (settings.model === 'formula') {
    gateWarnings(checks, used).forEach(warn);
    const f = formulaTable(inputs, lc, settings.margin);
    f.warnings.forEach(warn);
    result = { meta, context, tables: [f.table] };
  } else {
    const v = customerValues(inputs, settings);
    // --model auto: the checks of the model chosen
    used = analysesUsed(v.settings.model, { backtest: false });
    gateWarnings(checks, used).forEach(warn);
    if (isPredictive(v.settings.model)) meta.clv = { ...settingsMeta(v.settings, v.choice), interval: level };
    if (v.choice) {
      context[context.length - 1] = settingsLine(v.settings, v.choice);
      context.push(v.choice.reason);
    }
    // the frequency-spend correlation is a data check, said once above
    v.warnings.filter((w) => w !== v.scores?.correlation?.warning).forEach(warn);
    if (v.caveat) warn(v.caveat);
    const tables = valueTables(inputs, lc, v, top, level, warn);
    if (v.scores) {
      tables.unshift(modelTable(v.scores, level));
      meta.fit = fitMeta(v.scores);
    }
    scores = v.scores;
    result = { meta, context, tables };
  }
  meta.data_checks = checksMeta(checks, used);
  return withConditions(result, conditions, cltvConditionValues(scores, checks, used));
}

function withConditions(result: CommandResult, conditions: FailIf[], values: CltvConditionValues): CommandResult {
  applyFailIf(result, conditions, (name) => values[name]);
  return result;
}

async function cltvFromSummary(flags: CltvFlags, asked: ClvSettings, top: number, level: number, conditions: FailIf[], warn: (m: string) => void): Promise<CommandResult> {
  let settings = asked;
  if (!fitsPurchases(settings.model)) throw new UsageError(`--summary fits a predictive model; --model ${settings.model} needs the orders`, 'use --model auto, bgnbd, pnbd or mbgnbd');
  const cols = await readSummaryFile(flags.summary!);
  const summary = summaryFromArrays({ ...cols, unit: settings.unit, file: flags.summary });
  // a summary has no orders to hold out: auto chooses by AIC on all of it
  const auto = settings.model === 'auto' ? autoFitPurchaseModel(summary, undefined, settings.penalizer) : undefined;
  const choice = auto?.choice;
  if (choice) settings = { ...settings, model: choice.model };
  const model = settings.model as PurchaseModelName;
  const scores = scoreClv(summary, { model, horizon: settings.horizonDays / DAYS_PER_UNIT[settings.unit], annualDiscount: settings.discount, margin: settings.margin, penalizer: settings.penalizer, fitted: auto });
  if (scores.problem) throw unusableModelError(purchaseModelLabel(model), scores.problem);
  scores.warnings.forEach(warn);
  if (scores.caveat) warn(scores.caveat);
  const idx = Array.from({ length: summary.size }, (_, i) => i).sort((a, b) => scores.clv[b] - scores.clv[a] || (summary.ids[a] < summary.ids[b] ? -1 : 1));
  const rows: Cell[][] = idx.slice(0, top).map((i) => [summary.ids[i], scores.pAlive[i], scores.expectedPurchases[i], scores.expectedAvgValue[i], scores.clv[i]]);
  return withConditions({
    meta: { command: 'cltv', summary: flags.summary, clv: { ...settingsMeta(settings, choice), interval: level }, fit: fitMeta(scores) },
    context: [`summary: ${flags.summary} (${summary.size.toLocaleString('en-US')} customers, in ${settings.unit}s)`, settingsLine(settings, choice)],
    tables: [
      modelTable(scores, level),
      tableOf('top_customers', `Top ${Math.min(top, summary.size)} customers by predicted value`, [
        { name: 'customer_id', type: 'string', fromInput: true },
        { name: 'p_alive', type: 'ratio', decimals: 3 },
        { name: 'expected_purchases', type: 'number', decimals: 2 },
        { name: 'expected_avg_value', type: 'money' },
        { name: 'clv', type: 'money' },
      ], rows),
    ],
  }, conditions, cltvConditionValues(scores, undefined, []));
}
