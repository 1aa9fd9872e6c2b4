import type { BacktestRun } from '../app/backtest-run.js';
import { formatDay, type Day } from '../domain/dates.js';
import { ADVOCATE_DEFINITION, STAGE_VS_RFM, STAGES, stageVsModelNote } from '../domain/stage.js';
import { barChart, heatmap, renderSvg, histogram, lineChart, type HeatCell } from '../render/charts.js';
import type { HtmlSection } from '../render/html.js';
import type { ResultTable } from '../render/result.js';
import type { Lifecycle } from '../app/lifecycle.js';
import { rfmGrid } from '../app/segment-tables.js';
import { explainThresholds, FROM_LABELS } from '../app/stage-tables.js';
import { purchaseModelLabel } from '../analytics/clv/score.js';
import { isPredictive, type CustomerValues } from '../app/clv-values.js';
import type { KpisRun } from '../app/kpis-run.js';
import { cumulativeValues, isCompleteCell, type CohortMatrix } from '../analytics/cohorts.js';
import { DAYS_PER_UNIT } from '../analytics/clv/summary.js';
import { formatPeriod } from '../domain/period.js';
import { DUE_WINDOW_DAYS } from '../analytics/clv/next-order.js';
import { forecastSection, type ReportForecast } from './forecast-section.js';

const NEXT_ORDER_INTRO =
  `Next order: each customer's own gap g is the median time to the next purchase if still active, from the model's purchase rate given their history; customers.csv has expected_next_order_date (as-of + g), days_overdue (days since the last order − g, when positive) and overdue_ratio (days since the last order ÷ g), and audiences/next_order-due_now.csv and next_order-overdue.csv list who is due within ${DUE_WINDOW_DAYS} days and who is past due.`;

/** The CLV section's word on the interval columns (cltv-intervals.ts). */
const INTERVAL_INTRO =
  'Intervals (expected_purchases_low/high, total_clv_low/high; low/high for the parameters) are confidence intervals of the expected figures from the uncertainty of the fitted parameters; they leave out the chance scatter of the purchases that will actually happen, so the realised count can fall outside them.';

/** Everything the report's page shows, by name: the results of the run the sections are built from. */
export interface ReportParts {
  lc: Lifecycle;
  /** The stage tables (distribution, transitions) and the transition matrix when there is a window. */
  stages: { tables: ResultTable[]; matrix?: number[][] };
  /** Start of the report window (transitions, churn rate). */
  from: Day;
  /** Every table of the report, for the sections that show one by name. */
  tables: ResultTable[];
  changes?: ResultTable;
  summary: ResultTable;
  values: CustomerValues;
  clvTables: ResultTable[];
  backtest?: BacktestRun;
  btTables: ResultTable[];
  playbook: ResultTable[];
  cohorts: CohortMatrix;
  cohortSection: ResultTable[];
  kpis: KpisRun;
  forecast?: ReportForecast;
}

/** The page's sections, in order: data (title, intro, charts, tables) that render/html.ts lays out. */
/** The page's sections, in order: data (title, intro, charts, tables) that render/html.ts lays out. */
export async function reportSections(parts: ReportParts): Promise<HtmlSection[]> {
  const { tables, changes, summary, playbook } = parts;
  const byName = (n: string): ResultTable | undefined => tables.find((t) => t.name === n);
  const sections: HtmlSection[] = [{ id: 'summary', title: 'Summary', tables: [summary] }];
  for (const build of [kpisSection, stagesSection, transitionsSection, segmentsSection, cohortsSection, clvSection, backtestSection]) {
    const section = await build(parts);
    if (section) sections.push(section);
  }
  sections.push({ id: 'playbook', title: 'Playbook', intro: ['What to do with each stage and segment, for how many customers and with how much at stake; audiences/ holds one file per stage and segment for a mailing tool.'], tables: playbook });
  const custom = byName('custom_segments');
  if (custom) sections.push({ id: 'custom-segments', title: 'Custom segments', tables: [custom] });
  if (changes) sections.push({ id: 'changes', title: 'Changes since the last run', intro: [`${changes.rowCount.toLocaleString('en-US')} customers changed stage or segment; changes.csv lists them for a CRM upload.`], tables: [changes] });
  sections.push({ id: 'data', title: 'Data and reconciliation', tables: [byName('mapping')!, byName('reconciliation')!] });
  return sections;
}

/** KPIs by month: active, new and returning customers per month, and the KPI tables. */
async function kpisSection(parts: ReportParts): Promise<HtmlSection | undefined> {
  const { kpis, cohorts } = parts;
  const shown = kpis.series.periods.slice(kpis.shownFrom);
  if (shown.length === 0) return undefined;
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
  return {
    id: 'kpis',
    title: 'KPIs by month',
    intro: [`${shown[0].label} to ${last.label}${last.complete ? '' : ` (${last.label} is not over: counted to ${formatDay(cohorts.asOf)})`}.`, ...kpis.warnings, ...feedbackNote],
    charts: [await renderSvg(lineChart('Active, new and returning customers per month', points, 'month', 'customers', { yFormat: ',d', time: true, incompleteNote: `${last.label} is not over (counted to ${formatDay(cohorts.asOf)})` }))],
    tables: kpis.tables,
  };
}

/** Lifecycle stages: the distribution as bars, with how the thresholds were set. */
async function stagesSection(parts: ReportParts): Promise<HtmlSection | undefined> {
  const { lc, stages: st } = parts;
  const dist = [...st.tables[0].rows()];
  return {
    id: 'stages',
    title: 'Lifecycle stages',
    intro: explainThresholds(lc).slice(1).map((l) => l.trim()),
    charts: [await renderSvg(barChart('Customers by stage', dist.map((r) => ({ label: String(r[0]), value: Number(r[1]) })), 'customers'))],
    tables: [st.tables[0]],
  };
}

/** Stage transitions since the start of the window, as a heatmap of row shares. */
async function transitionsSection(parts: ReportParts): Promise<HtmlSection | undefined> {
  const { stages: st, from } = parts;
  if (!st.matrix) return undefined;
  const cells: HeatCell[] = [];
  st.matrix.forEach((row, k) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((v, j) => cells.push({ row: FROM_LABELS[k], col: STAGES[j], value: total > 0 ? v / total : null, text: total > 0 ? `${Math.round((100 * v) / total)}%` : '' }));
  });
  return {
    id: 'transitions',
    title: `Stage transitions since ${formatDay(from)}`,
    intro: ['Rows: the stage at the start of the window; columns: the stage now; cells: share of the row. The same thresholds apply at both dates.'],
    charts: [await renderSvg(heatmap('Where each stage went', cells, 'stage then', 'stage now', FROM_LABELS, [...STAGES], 'share of row'))],
    tables: st.tables.slice(1, 2),
  };
}

/** RFM segments: the R x F grid as a heatmap and the segment profile. */
async function segmentsSection(parts: ReportParts): Promise<HtmlSection | undefined> {
  const { lc, tables } = parts;
  const grid = [...rfmGrid(lc).rows()];
  const gridCells: HeatCell[] = [];
  for (const r of grid) for (let f = 1; f <= 5; f++) gridCells.push({ row: `R${r[0]}`, col: `F${f}`, value: Number(r[f]), text: String(r[f]) });
  return {
    id: 'segments',
    title: 'RFM segments',
    intro: [`R = days since the last order, F = purchase days, M = ${lc.monetary === 'mean' ? 'average net order value' : 'total net revenue'}; scores 1-5, 5 best.`, STAGE_VS_RFM],
    charts: [
      await renderSvg(heatmap('Customers in the R x F grid', gridCells, 'recency score', 'frequency score', ['R5', 'R4', 'R3', 'R2', 'R1'], ['F1', 'F2', 'F3', 'F4', 'F5'], 'customers', ',d')),
    ],
    tables: [tables.find((t) => t.name === 'segments')!],
  };
}

/** Retention cohorts: the latest 24 monthly cohorts as a heatmap, cumulative value curves of the latest 12. */
async function cohortsSection(parts: ReportParts): Promise<HtmlSection | undefined> {
  const { cohorts, cohortSection } = parts;
  if (cohorts.cohorts.length === 0) return undefined;
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
  return {
    id: 'cohorts',
    title: 'Retention cohorts',
    intro: [`Customers grouped by the month of their first order; cells: % of the cohort buying again in month k (k = 0 is 100% and left blank). ${cohorts.asOfPeriodComplete ? '' : `The as-of month ${formatPeriod(cohorts.unit, cohorts.asOfPeriod)} is incomplete.`}`],
    charts: [
      await renderSvg(heatmap('Retention by cohort (% active in month k)', cells, 'cohort', 'months since the first order (k)', labels, ks, 'retention', '.0%', `${partial}: its cells are partial`)),
      await renderSvg(lineChart('Cumulative net revenue per customer, latest 12 cohorts', curves, 'months since the first order (k)', 'value per customer', { incompleteNote: partial })),
    ],
    tables: cohortSection.slice(0, 2),
  };
}

/** Customer lifetime value: what the model is and how far to trust it, the value histogram and the forecast chart. */
async function clvSection(parts: ReportParts): Promise<HtmlSection | undefined> {
  const { lc, values, clvTables, forecast } = parts;
  if (clvTables.length === 0) return undefined;
  const fc = forecast ? await forecastSection(forecast) : undefined;
  // a typed array sorts numerically and in place; a million boxed numbers would not
  const clv = values.clv.filter((v) => Number.isFinite(v)).sort();
  const unconverged = values.scores !== undefined && !values.problem && (!values.scores.purchase.converged || values.scores.spend?.converged === false);
  const cap = clv.length > 0 ? clv[Math.min(clv.length - 1, Math.floor(0.99 * clv.length))] : 0;
  return {
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
        ? [await renderSvg(histogram(`Distribution of customer value (up to the 99th percentile, ${cap.toFixed(0)})`, clv.subarray(0, upperBound(clv, cap)), 'value per customer')), ...(fc ? [fc.chart] : [])]
        : [],
    tables: clvTables,
  };
}

/** The number of sorted values <= x. */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Model backtest: predicted against actual cumulative repeat purchases in the holdout. */
async function backtestSection(parts: ReportParts): Promise<HtmlSection | undefined> {
  const { values, backtest, btTables } = parts;
  if (!backtest) return undefined;
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
  return {
    id: 'backtest',
    title: 'Model backtest',
    intro: [`Fitted on the orders to ${formatDay(backtest.calibrationEnd)}, then compared with the repeat purchases to ${formatDay(backtest.holdoutEnd)} (${backtest.holdoutBasis}).`, ...backtest.warnings],
    charts: [await renderSvg(lineChart(`Cumulative repeat purchases in the holdout, by ${values.settings.unit}`, points, `end of the ${values.settings.unit}`, 'repeat purchases', { time: true, xFormat: '%d %b %Y', incompleteNote: `the last ${values.settings.unit} ends at the holdout's end, ${formatDay(backtest.holdoutEnd)}` }))],
    tables: btTables.slice(0, 2),
  };
}
