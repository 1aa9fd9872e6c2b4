import { manifestMeta, VERSION } from './manifest.js';
import { writeReportFiles } from './folder.js';
import { reportSections } from './sections.js';
import { applyFailIf, compileFailIf } from '../app/fail-if.js';
import { KPI_FAIL_IF_NAMES } from '../app/kpi-fail-if.js';
import { BACKTEST_METRICS, backtestRun, backtestTables, type BacktestRun } from '../app/backtest-run.js';
import { reportFailIfSpec } from './fail-if.js';
import { reportMetrics } from '../analytics/report-metrics.js';
import { formatDay } from '../domain/dates.js';
import { DataError } from '../domain/errors.js';
import type { CliIO } from '../io/cli-io.js';
import { ReportDir } from '../io/report-dir.js';
import { isSystemError, outputError } from '../io/write-output.js';
import type { CommandResult, ResultTable } from '../render/result.js';
import { dataContext, loadInputs, mappingTable, reconciliationTable, type InputFlags, type Inputs } from '../app/inputs.js';
import { customerRowsTable } from '../app/customer-rows.js';
import { computeLifecycle, parseFromDate, type LifecycleFlags } from '../app/lifecycle.js';
import { analysesUsed, gateWarnings } from '../analytics/data-checks.js';
import { dataChecksFor } from '../app/data-gate.js';
import { customProfile, rfmGrid, rfmProfile } from '../app/segment-tables.js';
import { hashInputs, readState, writeState, type SavedState } from '../io/state-store.js';
import { changesTable, stateMismatch, stateRows } from '../app/state-diff.js';
import { explainThresholds, stageTables, thresholdsLine } from '../app/stage-tables.js';
import { summaryTable } from '../app/summary-table.js';
import { clvSettings, customerValues, withoutFitData, isPredictive, modelTable, valueTables, type ClvFlags } from '../app/clv-values.js';
import { defaultHoldout, firstOrderDay } from '../app/holdout.js';
import { playbookTables } from '../app/playbook-tables.js';
import { kpisRun } from '../app/kpis-run.js';
import { readSpendFile } from '../io/read-spend.js';
import { cohortTables } from '../app/cohort-tables.js';
import { cohortMatrix } from '../analytics/cohorts.js';
import { historicalClv } from '../analytics/clv/value.js';
import { audienceTables } from '../app/audiences.js';
import { nextOrderTable } from '../app/next-order-table.js';
import { metricDisplay } from '../app/metric-display.js';
import { reportForecast } from './forecast-section.js';
import { intervalLevel } from '../app/cltv-intervals.js';
import { collectGarbage } from '../io/memory.js';
import { traceMark } from '../io/trace.js';

export interface ReportFlags extends InputFlags, LifecycleFlags, ClvFlags {
  out?: string;
  /** Level of the CLV intervals (default 0.9; 0 = none). */
  interval?: string;
  spend?: string;
  holdout?: string;
  calibrationEnd?: string;
  from?: string;
  failIf?: string[];
  stateDir?: string;
  quiet?: boolean;
}


/** Default start of the report window (transitions, churn rate): 90 days before the as-of date, not before the first order. */
export const DEFAULT_WINDOW_DAYS = 90;

/**
 * Writes the report folder (spec §8): index.html, report.md, one CSV per table,
 * customers.csv, report.xlsx and manifest.json, written into a temporary folder and put in
 * place at the end. `--fail-if` is checked after writing (result.held).
 */
export async function buildReport(flags: ReportFlags & { out: string }, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  // the temporary folder exists from the start, so a run stopped at any point cleans up
  const dir = new ReportDir(flags.out);
  try {
    return await writeReport(flags, io, warn, dir, flags.failIf ?? []);
  } catch (e) {
    dir.abort();
    throw isSystemError(e) ? outputError(`--out ${flags.out}`, e) : e;
  }
}

async function writeReport(flags: ReportFlags & { out: string }, io: CliIO, warnOut: (m: string) => void, dir: ReportDir, texts: string[]): Promise<CommandResult> {
  // every warning of the run also goes on the page (a banner) and into the manifest: a cron
  // report read days later must say what clm was unsure of
  const warnings: string[] = [];
  const warn = (m: string): void => {
    if (!warnings.includes(m)) warnings.push(m);
    warnOut(m);
  };
  const inputs = await loadInputs(flags, io, warn);
  const { data } = inputs;
  // each analysis leaves its working arrays behind (a summary, a fit, draws: tens of bytes a
  // customer); V8 frees them only when it next collects, which a quiet heap may put off until
  // the next analysis has allocated its own. At 8.5M customers that stacks up to a GB on the
  // peak, so big runs collect between analyses (small ones skip it: io/memory.ts)
  // each settle marks the phase just done, for CLM_TRACE (io/trace.ts)
  const settle = (done: string): void => {
    collectGarbage(data.table.size * 64);
    traceMark(done);
  };
  const lc = computeLifecycle(inputs, flags);
  const asked = clvSettings(flags);
  const dataChecks = dataChecksFor(inputs, lc, asked.unit);
  const from = parseFromDate(flags.from, data.asOf) ?? Math.max(firstOrderDay(data.table, data.asOf), data.asOf - DEFAULT_WINDOW_DAYS);
  const st = stageTables(inputs, lc, from);
  const metrics = reportMetrics(lc.snapshot, lc.stages, st.before);
  traceMark('lifecycle and stages');

  const previous: SavedState | undefined = flags.stateDir ? readState(flags.stateDir) : undefined;
  // a report is a scheduled job: a state that does not fit is said, not refused (clm diff refuses without --force)
  const mismatch = previous ? stateMismatch(previous, data.table.ids, formatDay(data.asOf), data.inputs, flags.stateDir!) : undefined;
  if (mismatch) warn(`${mismatch}; changes.csv compares with it anyway, and this run replaces it`);
  const changes = previous ? changesTable(data.table.ids, lc, previous) : undefined;

  const level = intervalLevel(flags.interval);
  // a model whose fit is not usable is said on the page and in the manifest, never written as
  // values; after --model auto (the default), settings hold the model chosen
  let values = customerValues(inputs, asked, true);
  settle('customer values (fit and scores)');
  const settings = values.settings;
  const choice = values.choice;
  // the data checks of clm doctor, one source: on stderr, the page's banner and the manifest
  // (a backtest on a holdout of the user's own says its own sample size)
  const used = analysesUsed(settings.model, { backtest: flags.holdout === undefined && flags.calibrationEnd === undefined });
  gateWarnings(dataChecks, used).forEach(warn);
  // the frequency-spend correlation is a data check, said once above
  const correlationWarning = values.scores?.correlation?.warning;
  values.warnings.filter((w) => w !== correlationWarning).forEach(warn);
  const unusable = values.problem ?? null;
  if (unusable) values = { ...values, settings: { ...settings, model: 'historical' as const }, clv: historicalClv(data.table, data.asOf, settings.margin) };
  // the backtest checks the model shown (with auto: the one chosen on this same holdout)
  const backtest = reportBacktest(inputs, { ...flags, model: settings.model }, settings.model, warn);
  settle('backtest');
  for (const k of BACKTEST_METRICS) metrics.values[`backtest.${k}`] = backtest?.metrics[k] ?? null;
  const spend = flags.spend ? await readSpendFile({ path: flags.spend, encoding: flags.encoding, decimalComma: flags.decimalComma ?? inputs.config?.config.decimal_comma }) : undefined;
  const kpis = kpisRun(inputs, { unit: 'month', periods: 12, spend, flags: unusable ? { ...flags, model: undefined } : flags, lifecycle: lc, values: isPredictive(settings.model) && !unusable ? values : undefined });
  kpis.warnings.forEach(warn);
  for (const k of KPI_FAIL_IF_NAMES) metrics.values[k] = kpis.metrics[k] ?? null;
  settle('KPIs');
  // checked before any file is written, so a typo costs no half report
  const checks = compileFailIf(texts, reportFailIfSpec(metrics, lc, kpis.goals), warn);

  const summary = summaryTable(data, inputs.listedSince);
  const tables: ResultTable[] = [summary.table, ...st.tables, rfmProfile(lc), rfmGrid(lc)];
  if (lc.custom) tables.push({ ...customProfile(lc), name: 'custom_segments' });
  const cohorts = cohortMatrix(data.table, { unit: 'month', asOf: data.asOf });
  const retention = cohortTables(cohorts, 'customers', 'cohort_retention');
  const ltv = cohortTables(cohorts, 'ltv', 'cohort_ltv');
  const cohortSection = [retention.triangle, retention.average, ltv.triangle];
  tables.push(...cohortSection);
  const forecast = reportForecast(inputs, flags, lc, values, unusable);
  settle('forecast');
  const clvTables = [
    ...(values.scores ? [modelTable(values.scores, level)] : []),
    ...(settings.model === 'formula' || unusable ? [] : valueTables(inputs, lc, values, 20, level, warn)),
    ...(values.nextOrder && !unusable ? [nextOrderTable(lc, values.nextOrder)] : []),
    ...(forecast ? forecast.tables : []),
  ];
  tables.push(...clvTables);
  // the value intervals and the forecast were the last to read the fit's per-customer data
  values = withoutFitData(values);
  settle('value tables and intervals');
  const btTables = backtest ? backtestTables(backtest) : [];
  tables.push(...btTables);
  const kpiTables = kpis.tables;
  tables.push(...kpiTables);
  const playbook = playbookTables(inputs, lc, values);
  tables.push(...playbook);
  if (changes) tables.push(changes);
  tables.push(mappingTable(data), reconciliationTable(data));
  const audiences = audienceTables(inputs, lc, values);
  const customers = customerRowsTable(data.table, lc, 'month', settings.model === 'formula' || unusable ? undefined : values);
  settle('playbook, audiences and customer rows');

  const meta = manifestMeta({ inputs, flags, lc, from, settings, choice, level, dataChecks, used, values, unusable, forecast, backtest, kpis, metrics, previous });

  const context = [...dataContext(data), thresholdsLine(lc, false), `report window: ${formatDay(from)} to ${formatDay(data.asOf)} (transitions and churn rate)`];

  const files = await writeReportFiles(dir, {
    meta,
    context,
    tables,
    customers,
    audiences,
    notes: explainThresholds(lc),
    sections: () => reportSections({ lc, stages: st, from, tables, changes, summary: summary.table, values, clvTables, backtest, btTables, playbook, cohorts, cohortSection, kpis, forecast }),
    warnings,
    generatedBy: `clm ${VERSION} · as of ${formatDay(data.asOf)}`,
    warn,
  });

  traceMark('report files written');
  // a stream (stdin, a pipe) was read once and cannot be hashed afterwards: its sha256 is null
  const hashed = await hashInputs(data.inputs);
  meta.inputs_hashed = hashed.filter((i) => i.path !== '-');
  const outcome: CommandResult = { meta, context, tables: [] };
  applyFailIf(outcome, checks, (name) => metrics.values[name], { note: `the report was written to ${flags.out}`, listNone: true });
  meta.warnings = warnings;
  files.push({ file: 'manifest.json' });
  meta.files = files;
  dir.writeText('manifest.json', JSON.stringify(meta, null, 2) + '\n');
  dir.commit();
  // the state moves on only once the report that shows the changes is in place
  if (flags.stateDir) writeState(flags.stateDir, { asOf: formatDay(data.asOf), rows: stateRows(data.table.ids, lc), inputs: hashed });
  // what the terminal shows: where the report went and the headline metrics
  return {
    meta,
    context,
    held: outcome.held,
    tables: [
      {
        name: 'report',
        title: `Report written to ${flags.out}`,
        columns: [
          { name: 'metric', type: 'string' },
          { name: 'value', type: 'number', only: 'machine' },
          { name: 'value', type: 'string', only: 'human', numbersAsText: true },
        ],
        rowCount: Object.keys(metrics.values).length,
        rows: () => Object.entries(metrics.values).map(([k, v]) => [k, v, metricDisplay(k, v)]),
      },
    ],
  };
}

/**
 * The report's backtest: --calibration-end or --holdout when given, else the default holdout
 * of `clm backtest` (39 weeks or a third of the order history, whichever is shorter). Skipped
 * (with a note) for models without purchase predictions or when the history is too short to
 * hold out 4 weeks.
 */
function reportBacktest(inputs: Inputs, flags: ReportFlags, model: string, warn: (m: string) => void): BacktestRun | undefined {
  if (!isPredictive(model)) return undefined;
  if (flags.calibrationEnd === undefined && flags.holdout === undefined && !defaultHoldout(inputs.data.table, inputs.data.asOf)) {
    warn('the report has no backtest: the order history is too short to hold out 4 weeks (--holdout or --calibration-end backtest anyway)');
    return undefined;
  }
  try {
    return backtestRun(inputs, flags);
  } catch (e) {
    // a model that cannot be fitted on the calibration part: the report says so and goes on
    if (!(e instanceof DataError)) throw e;
    warn(`the report has no backtest: ${e.message}`);
    return undefined;
  }
}




