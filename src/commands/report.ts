import { applyFailIf, compileFailIf } from '../app/fail-if.js';
import { KPI_FAIL_IF_NAMES } from '../app/kpi-fail-if.js';
import { BACKTEST_METRICS, backtestRun, backtestTables, type BacktestRun } from '../app/backtest-run.js';
import { reportFailIfSpec } from '../report/fail-if.js';
import { reportMetrics, type ReportMetrics } from '../analytics/report-metrics.js';
import { formatDay, type Day } from '../domain/dates.js';
import { DataError, UsageError } from '../domain/errors.js';
import { ADVOCATE_DEFINITION, STAGE_VS_RFM, STAGES, stageVsModelNote } from '../domain/stage.js';
import type { CliIO } from '../io/cli-io.js';
import { ReportDir } from '../io/report-dir.js';
import { isSystemError, outputError, streamSink } from '../io/write-output.js';
import { barChart, heatmap, renderSvg, histogram, lineChart, type HeatCell } from '../render/charts.js';
import { renderHtml, type HtmlSection } from '../render/html.js';
import { renderResult } from '../render/output.js';
import type { CommandResult, ResultTable } from '../render/result.js';
import { writeXlsx, XLSX_MAX_ROWS } from '../render/xlsx.js';
import { dataContext, dataMeta, loadInputs, mappingTable, reconciliationTable, type InputFlags, type Inputs } from '../app/inputs.js';
import { customerRowsTable } from '../app/customer-rows.js';
import { computeLifecycle, parseFromDate, type Lifecycle, type LifecycleFlags } from '../app/lifecycle.js';
import { analysesUsed, gateWarnings } from '../analytics/data-checks.js';
import { dataChecksFor } from '../app/data-gate.js';
import { customProfile, rfmGrid, rfmMeta, rfmProfile } from '../app/segment-tables.js';
import { hashInputs, readState, writeState, type SavedState } from '../io/state-store.js';
import { changesTable, stateMismatch, stateRows } from '../app/state-diff.js';
import { explainThresholds, FROM_LABELS, stageTables, thresholdsLine, thresholdsMeta } from '../app/stage-tables.js';
import { summaryTable } from '../app/summary-table.js';
import { purchaseModelLabel } from '../analytics/clv/score.js';
import { checksMeta, clvSettings, customerValues, fitMeta, isPredictive, modelTable, settingsMeta, valueTables, type ClvFlags, type CustomerValues } from '../app/clv-values.js';
import { defaultHoldout, firstOrderDay } from '../app/holdout.js';
import { playbookTables } from '../app/playbook-tables.js';
import { kpisRun, type KpisRun } from '../app/kpis-run.js';
import { readSpendFile } from '../io/read-spend.js';
import { cohortTables } from '../app/cohort-tables.js';
import { cohortMatrix, cumulativeValues, isCompleteCell, type CohortMatrix } from '../analytics/cohorts.js';
import { DAYS_PER_UNIT } from '../analytics/clv/summary.js';
import { formatPeriod } from '../domain/period.js';
import { historicalClv } from '../analytics/clv/value.js';
import { audienceTables } from '../app/audiences.js';
import { nextOrderTable } from '../app/next-order-table.js';
import { DUE_WINDOW_DAYS } from '../analytics/clv/next-order.js';
import { metricDisplay } from '../app/metric-display.js';
import { forecastTotalsMeta } from '../app/forecast-run.js';
import { forecastSection, reportForecast, type ReportForecast } from '../report/forecast-section.js';
import { intervalLevel } from '../app/cltv-intervals.js';
import { createWriteStream } from 'node:fs';

const NEXT_ORDER_INTRO =
  `Next order: each customer's own gap g is the median time to the next purchase if still active, from the model's purchase rate given their history; customers.csv has expected_next_order_date (as-of + g), days_overdue (days since the last order − g, when positive) and overdue_ratio (days since the last order ÷ g), and audiences/next_order-due_now.csv and next_order-overdue.csv list who is due within ${DUE_WINDOW_DAYS} days and who is past due.`;

/** The CLV section's word on the interval columns (cltv-intervals.ts). */
const INTERVAL_INTRO =
  'Intervals (expected_purchases_low/high, total_clv_low/high; low/high for the parameters) are confidence intervals of the expected figures from the uncertainty of the fitted parameters; they leave out the chance scatter of the purchases that will actually happen, so the realised count can fall outside them.';

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

const VERSION = '0.1.0';

/** Default start of the report window (transitions, churn rate): 90 days before the as-of date, not before the first order. */
export const DEFAULT_WINDOW_DAYS = 90;

/**
 * `clm report --out DIR`: every analysis of the run as one folder (spec §8): index.html,
 * report.md, one CSV per table, customers.csv, report.xlsx and manifest.json, written into
 * a temporary folder and put in place at the end. `--fail-if` is checked after writing.
 */
export async function runReport(flags: ReportFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  if (!flags.out) throw new UsageError('--out DIR is required', 'name the report folder, for example --out report');
  const out = flags.out;
    // the temporary folder exists from the start, so a run stopped at any point cleans up
  const dir = new ReportDir(flags.out);
  try {
    return await writeReport({ ...flags, out }, io, warn, dir, flags.failIf ?? []);
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
  const lc = computeLifecycle(inputs, flags);
  const asked = clvSettings(flags);
  const dataChecks = dataChecksFor(inputs, lc, asked.unit);
  const from = parseFromDate(flags.from, data.asOf) ?? Math.max(firstOrderDay(data.table, data.asOf), data.asOf - DEFAULT_WINDOW_DAYS);
  const st = stageTables(inputs, lc, from);
  const metrics = reportMetrics(lc.snapshot, lc.stages, st.before);

  const previous: SavedState | undefined = flags.stateDir ? readState(flags.stateDir) : undefined;
  // a report is a scheduled job: a state that does not fit is said, not refused (clm diff refuses without --force)
  const mismatch = previous ? stateMismatch(previous, data.table.ids, formatDay(data.asOf), data.inputs, flags.stateDir!) : undefined;
  if (mismatch) warn(`${mismatch}; changes.csv compares with it anyway, and this run replaces it`);
  const changes = previous ? changesTable(data.table.ids, lc, previous) : undefined;

  const level = intervalLevel(flags.interval);
  // a model whose fit is not usable is said on the page and in the manifest, never written as
  // values; after --model auto (the default), settings hold the model chosen
  const fitted = customerValues(inputs, asked, true);
  const settings = fitted.settings;
  // the data checks of clm doctor, one source: on stderr, the page's banner and the manifest
  // (a backtest on a holdout of the user's own says its own sample size)
  const used = analysesUsed(settings.model, { backtest: flags.holdout === undefined && flags.calibrationEnd === undefined });
  gateWarnings(dataChecks, used).forEach(warn);
  // the frequency-spend correlation is a data check, said once above
  fitted.warnings.filter((w) => w !== fitted.scores?.correlation?.warning).forEach(warn);
  const unusable = fitted.problem ?? null;
  const values = unusable ? { ...fitted, settings: { ...settings, model: 'historical' as const }, clv: historicalClv(data.table, data.asOf, settings.margin) } : fitted;
  // the backtest checks the model shown (with auto: the one chosen on this same holdout)
  const backtest = reportBacktest(inputs, { ...flags, model: settings.model }, settings.model, warn);
  for (const k of BACKTEST_METRICS) metrics.values[`backtest.${k}`] = backtest?.metrics[k] ?? null;
  const spend = flags.spend ? await readSpendFile({ path: flags.spend, encoding: flags.encoding, decimalComma: flags.decimalComma ?? inputs.config?.config.decimal_comma }) : undefined;
  const kpis = kpisRun(inputs, { unit: 'month', periods: 12, spend, flags: unusable ? { ...flags, model: undefined } : flags, lifecycle: lc, values: isPredictive(settings.model) && !unusable ? values : undefined });
  kpis.warnings.forEach(warn);
  for (const k of KPI_FAIL_IF_NAMES) metrics.values[k] = kpis.metrics[k] ?? null;
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
  const clvTables = [
    ...(values.scores ? [modelTable(values.scores, level)] : []),
    ...(settings.model === 'formula' || unusable ? [] : valueTables(inputs, lc, values, 20, level, warn)),
    ...(values.nextOrder && !unusable ? [nextOrderTable(lc, values.nextOrder)] : []),
    ...(forecast ? forecast.tables : []),
  ];
  tables.push(...clvTables);
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

  const meta = dataMeta(data, 'report');
  meta.tool = { name: 'clm', version: VERSION };
  meta.thresholds = thresholdsMeta(lc);
  meta.rfm = rfmMeta(lc);
  meta.window = { from: formatDay(from), to: formatDay(data.asOf), days: data.asOf - from };
  meta.clv = { ...settingsMeta(settings, fitted.choice), ...(isPredictive(settings.model) ? { interval: level } : {}) };
  meta.data_checks = checksMeta(dataChecks, used);
  if (values.scores) meta.fit = fitMeta(values.scores);
  if (unusable) meta.model_not_usable = { model: settings.model, problem: unusable, instead: 'historical value (net revenue to date x margin) in the playbook and audiences; no predicted values' };
  if (forecast) meta.forecast = { period: 'month', periods: forecast.run.periods.length, fitted_to: formatDay(forecast.run.fittedTo), totals: forecastTotalsMeta(forecast.run) };
  if (backtest) meta.backtest = { calibration_end: formatDay(backtest.calibrationEnd), holdout_end: formatDay(backtest.holdoutEnd), holdout_basis: backtest.holdoutBasis, model: backtest.model, converged: backtest.converged };
  meta.kpis = kpis.meta;
  meta.metrics = roundMetrics(metrics);
  meta.options = optionsOf(flags);
  if (inputs.config) meta.config = inputs.config.path;
  if (previous) meta.previous_run = { as_of: previous.asOf, customers: previous.rows.size, inputs: previous.inputs };

  const context = [...dataContext(data), thresholdsLine(lc, false), `report window: ${formatDay(from)} to ${formatDay(data.asOf)} (transitions and churn rate)`];

  const files: { file: string; rows?: number; table?: string }[] = [];
  // one CSV per table, and the customers file
  for (const t of [...tables, customers]) {
    const name = `${t.name}.csv`;
    const out = createWriteStream(dir.path(name));
    await renderResult({ meta, context, tables: [t] }, 'csv', streamSink(out), { color: false });
    await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
    files.push({ file: name, rows: t.rowCount, table: t.name });
  }
  // audiences for a mailing tool: one file per stage and segment
  const audienceFiles: { file: string; kind: string; name: string; rows: number }[] = [];
  for (const a of audiences) {
    const name = `audiences/${a.file}`;
    const out = createWriteStream(dir.path(name));
    await renderResult({ meta, context, tables: [a.table] }, 'csv', streamSink(out), { color: false });
    await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
    audienceFiles.push({ file: name, kind: a.kind, name: a.name, rows: a.table.rowCount });
    files.push({ file: name, rows: a.table.rowCount });
  }
  meta.audiences = audienceFiles;
  // Markdown: the whole report for people (customers are in the CSV)
  const md: string[] = [];
  await renderResult({ meta, context, tables, notes: explainThresholds(lc) }, 'md', { write: async (s) => void md.push(String(s)) }, { color: false });
  dir.writeText('report.md', `# Customer lifecycle report\n\n${md.join('')}`);
  files.push({ file: 'report.md' });
  // HTML with charts
  const sections = await htmlSections(lc, st, from, tables, changes, summary.table, values, clvTables, backtest, btTables, playbook, cohorts, cohortSection, kpis, forecast);
  dir.writeText('index.html', renderHtml({ title: 'Customer lifecycle report', context, warnings, sections, generatedBy: `clm ${VERSION} · as of ${formatDay(data.asOf)}` }));
  files.push({ file: 'index.html' });
  // XLSX: every table, and the customers when they fit a sheet
  const sheets = customers.rowCount <= XLSX_MAX_ROWS ? [...tables, customers] : tables;
  if (customers.rowCount > XLSX_MAX_ROWS) warn(`report.xlsx leaves out the customers sheet: ${customers.rowCount} rows are more than a sheet holds (customers.csv has them all)`);
  const written = await writeXlsx(dir.path('report.xlsx'), sheets);
  files.push({ file: 'report.xlsx', rows: written.reduce((s, w) => s + w.rows, 0) });
  meta.xlsx_sheets = written;

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



function roundMetrics(m: ReportMetrics): Record<string, number | null> {
  return Object.fromEntries(Object.entries(m.values).map(([k, v]) => [k, v === null ? null : Number(v.toPrecision(12))]));
}

/** The options that shape the report, keyed snake_case like every other key of the manifest (as_of, fail_if). */
function optionsOf(flags: ReportFlags): Record<string, unknown> {
  const keys: (keyof ReportFlags)[] = ['preset', 'asOf', 'from', 'activeDays', 'churnDays', 'loyalMinOrders', 'monetary', 'currency', 'timezone', 'grain', 'failIf', 'stateDir', 'holdout', 'calibrationEnd'];
  return Object.fromEntries(keys.filter((k) => flags[k] !== undefined).map((k) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), flags[k]]));
}

async function htmlSections(
  lc: Lifecycle,
  st: { tables: ResultTable[]; matrix?: number[][] },
  from: Day,
  tables: ResultTable[],
  changes: ResultTable | undefined,
  summary: ResultTable,
  values: CustomerValues,
  clvTables: ResultTable[],
  backtest: BacktestRun | undefined,
  btTables: ResultTable[],
  playbook: ResultTable[],
  cohorts: CohortMatrix,
  cohortSection: ResultTable[],
  kpis: KpisRun,
  forecast: ReportForecast | undefined,
): Promise<HtmlSection[]> {
  const byName = (n: string): ResultTable | undefined => tables.find((t) => t.name === n);
  const sections: HtmlSection[] = [{ id: 'summary', title: 'Summary', tables: [summary] }];

  const shown = kpis.series.periods.slice(kpis.shownFrom);
  if (shown.length > 0) {
    // x: the month's first day; the month holding the as-of date is partial, not a drop
    const points = shown.flatMap((p) => {
      const at = { x: formatDay(p.startDay), incomplete: !p.complete };
      return [
        { series: 'active', ...at, y: p.activeCustomers },
        { series: 'new', ...at, y: p.newCustomers },
        { series: 'returning', ...at, y: p.returningCustomers },
      ];
    });
    const last = shown[shown.length - 1];
    const feedbackNote = kpis.tables.some((t) => t.name === 'feedback_by_stage') ? [`Feedback per stage: ${ADVOCATE_DEFINITION}.`] : [];
    sections.push({
      id: 'kpis',
      title: 'KPIs by month',
      intro: [`${shown[0].label} to ${last.label}${last.complete ? '' : ` (${last.label} is not over: counted to ${formatDay(cohorts.asOf)})`}.`, ...kpis.warnings, ...feedbackNote],
      charts: [await renderSvg(lineChart('Active, new and returning customers per month', points, 'month', 'customers', { yFormat: ',d', time: true, incompleteNote: `${last.label} is not over (counted to ${formatDay(cohorts.asOf)})` }))],
      tables: kpis.tables,
    });
  }

  const dist = [...st.tables[0].rows()];
  sections.push({
    id: 'stages',
    title: 'Lifecycle stages',
    intro: explainThresholds(lc).slice(1).map((l) => l.trim()),
    charts: [await renderSvg(barChart('Customers by stage', dist.map((r) => ({ label: String(r[0]), value: Number(r[1]) })), 'customers'))],
    tables: [st.tables[0]],
  });

  if (st.matrix) {
    const cells: HeatCell[] = [];
    st.matrix.forEach((row, k) => {
      const total = row.reduce((a, b) => a + b, 0);
      row.forEach((v, j) => cells.push({ row: FROM_LABELS[k], col: STAGES[j], value: total > 0 ? v / total : null, text: total > 0 ? `${Math.round((100 * v) / total)}%` : '' }));
    });
    sections.push({
      id: 'transitions',
      title: `Stage transitions since ${formatDay(from)}`,
      intro: ['Rows: the stage at the start of the window; columns: the stage now; cells: share of the row. The same thresholds apply at both dates.'],
      charts: [await renderSvg(heatmap('Where each stage went', cells, 'stage then', 'stage now', FROM_LABELS, [...STAGES], 'share of row'))],
      tables: st.tables.slice(1, 2),
    });
  }

  const grid = [...rfmGrid(lc).rows()];
  const gridCells: HeatCell[] = [];
  for (const r of grid) for (let f = 1; f <= 5; f++) gridCells.push({ row: `R${r[0]}`, col: `F${f}`, value: Number(r[f]), text: String(r[f]) });
  sections.push({
    id: 'segments',
    title: 'RFM segments',
    intro: [`R = days since the last order, F = purchase days, M = ${lc.monetary === 'mean' ? 'average net order value' : 'total net revenue'}; scores 1-5, 5 best.`, STAGE_VS_RFM],
    charts: [
      await renderSvg(heatmap('Customers in the R x F grid', gridCells, 'recency score', 'frequency score', ['R5', 'R4', 'R3', 'R2', 'R1'], ['F1', 'F2', 'F3', 'F4', 'F5'], 'customers', ',d')),
    ],
    tables: [byName('segments')!],
  });
  if (cohorts.cohorts.length > 0) {
    // the latest 24 monthly cohorts keep the heatmap readable; the CSV has them all
    const recent = cohorts.cohorts.slice(-24);
    const labels = recent.map((c) => formatPeriod(cohorts.unit, c.period));
    let maxK = 0;
    for (const c of recent) maxK = Math.max(maxK, c.lastK);
    const ks = Array.from({ length: maxK + 1 }, (_, k) => String(k));
    const cells: HeatCell[] = [];
    recent.forEach((c, r) => {
      for (let k = 0; k <= c.lastK; k++) {
        const v = c.size > 0 ? c.active[k] / c.size : null;
        cells.push({ row: labels[r], col: String(k), value: k === 0 ? null : v, text: v === null ? '' : `${Math.round(100 * v)}`, incomplete: !isCompleteCell(cohorts, c, k) });
      }
    });
    const curves = recent.slice(-12).flatMap((c) => {
      const cum = cumulativeValues(c);
      return [...cum].map((y, k) => ({ series: formatPeriod(cohorts.unit, c.period), x: k, y, incomplete: !isCompleteCell(cohorts, c, k) }));
    });
    const partial = `${formatPeriod(cohorts.unit, cohorts.asOfPeriod)} is not over at the as-of date`;
    sections.push({
      id: 'cohorts',
      title: 'Retention cohorts',
      intro: [`Customers grouped by the month of their first order; cells: % of the cohort buying again in month k (k = 0 is 100% and left blank). ${cohorts.asOfPeriodComplete ? '' : `The as-of month ${formatPeriod(cohorts.unit, cohorts.asOfPeriod)} is incomplete.`}`],
      charts: [
        await renderSvg(heatmap('Retention by cohort (% active in month k)', cells, 'cohort', 'months since the first order (k)', labels, ks, 'retention', '.0%', `${partial}: its cells are partial`)),
        await renderSvg(lineChart('Cumulative net revenue per customer, latest 12 cohorts', curves, 'months since the first order (k)', 'value per customer', { incompleteNote: partial })),
      ],
      tables: cohortSection.slice(0, 2),
    });
  }
  if (clvTables.length > 0) {
    const fc = forecast ? await forecastSection(forecast) : undefined;
    const clv = [...values.clv].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
    const unconverged = values.scores !== undefined && !values.problem && (!values.scores.purchase.converged || values.scores.spend?.converged === false);
    const cap = clv.length > 0 ? clv[Math.min(clv.length - 1, Math.floor(0.99 * clv.length))] : 0;
    sections.push({
      id: 'clv',
      title: 'Customer lifetime value',
      intro: [
        values.problem
          ? `Not usable: the ${values.fittedModel ? purchaseModelLabel(values.fittedModel) : 'model'} fit on this data (${values.problem}). No predicted values are shown; the playbook and the audiences use the historical value (net revenue to date) instead.`
          : values.scores
          ? `${isPredictive(values.settings.model) ? purchaseModelLabel(values.settings.model) : values.settings.model} for purchases and Gamma-Gamma for spend, fitted on every customer's history to the as-of date; value over ${values.settings.horizonText}, discounted at ${(100 * values.settings.discount).toFixed(1)}% a year, margin ${(100 * values.settings.margin).toFixed(0)}%.`
          : `${values.settings.model} value: net revenue to date${values.settings.margin < 1 ? ` x margin ${values.settings.margin}` : ''}.`,
        ...(values.nextOrder && !values.problem ? [NEXT_ORDER_INTRO] : []),
        ...(values.choice ? [`${values.choice.reason}.`] : []),
        ...(values.caveat && !values.problem ? [`${values.caveat}.`] : []),
        ...(values.problem ? [] : [stageVsModelNote(lc.stages, values.pAlive)].filter((x): x is string => x !== null)),
        ...(clvTables.some((t) => t.columns.some((c) => c.name === 'expected_purchases_low')) ? [INTERVAL_INTRO] : []),
        ...(fc ? [fc.intro] : []),
        ...(unconverged ? ['The fit did not converge, so no chart of its values is drawn; the tables are there to inspect, not to act on.'] : []),
        ...values.warnings,
      ],
      // an unconverged fit's values are not drawn: a chart would lend them a certainty they lack
      charts:
        clv.length > 0 && !unconverged
          ? [await renderSvg(histogram(`Distribution of customer value (up to the 99th percentile, ${cap.toFixed(0)})`, clv.filter((v) => v <= cap), 'value per customer')), ...(fc ? [fc.chart] : [])]
          : [],
      tables: clvTables,
    });
  }
  if (backtest) {
    // x: the end of each holdout period; a last period that runs past the holdout's end is partial
    const unitDays = DAYS_PER_UNIT[values.settings.unit];
    const points = backtest.result.tracking.flatMap((r) => {
      const end = backtest.calibrationEnd + Math.round(r.period * unitDays);
      const at = { x: formatDay(Math.min(end, backtest.holdoutEnd)), incomplete: end > backtest.holdoutEnd };
      return [
        { series: 'predicted', ...at, y: r.predictedCumulative },
        { series: 'actual', ...at, y: r.actualCumulative },
      ];
    });
    sections.push({
      id: 'backtest',
      title: 'Model backtest',
      intro: [`Fitted on the orders to ${formatDay(backtest.calibrationEnd)}, then compared with the repeat purchases to ${formatDay(backtest.holdoutEnd)} (${backtest.holdoutBasis}).`, ...backtest.warnings],
      charts: [await renderSvg(lineChart(`Cumulative repeat purchases in the holdout, by ${values.settings.unit}`, points, `end of the ${values.settings.unit}`, 'repeat purchases', { time: true, xFormat: '%d %b %Y', incompleteNote: `the last ${values.settings.unit} ends at the holdout's end, ${formatDay(backtest.holdoutEnd)}` }))],
      tables: btTables.slice(0, 2),
    });
  }
  sections.push({ id: 'playbook', title: 'Playbook', intro: ['What to do with each stage and segment, for how many customers and with how much at stake; audiences/ holds one file per stage and segment for a mailing tool.'], tables: playbook });
  const custom = byName('custom_segments');
  if (custom) sections.push({ id: 'custom-segments', title: 'Custom segments', tables: [custom] });
  if (changes) sections.push({ id: 'changes', title: 'Changes since the last run', intro: [`${changes.rowCount.toLocaleString('en-US')} customers changed stage or segment; changes.csv lists them for a CRM upload.`], tables: [changes] });
  sections.push({ id: 'data', title: 'Data and reconciliation', tables: [byName('mapping')!, byName('reconciliation')!] });
  return sections;
}
