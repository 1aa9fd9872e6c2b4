/**
 * The report's forecast (issue 15, item 2): the next 12 months expected from the fit to the
 * as-of date, beside the repeat purchases of the last 12 months, as tables and a chart for the
 * CLV section. Only with a usable purchase model.
 */
import type { ForecastPeriod } from '../analytics/clv/forecast.js';
import { formatDay } from '../domain/dates.js';
import { lineChart, renderSvg } from '../render/charts.js';
import type { ResultTable } from '../render/result.js';
import { isPredictive, type CustomerValues } from '../app/clv-values.js';
import type { Inputs } from '../app/inputs.js';
import { forecastBesideActuals, forecastRun, forecastTables, forecastTotalsMeta, type ForecastFlags } from '../app/forecast-run.js';
import type { Lifecycle } from '../app/lifecycle.js';

/** Months forecast, and months of actuals shown before them. */
const MONTHS = 12;

/**
 * What the report keeps of the forecast: its tables, chart and manifest entry, not the run
 * itself (which holds the summary and four groupings of every customer: 0.5 GB at 8.5M).
 */
export interface ReportForecast {
  /** The forecast's months, for the chart's intro. */
  periods: ForecastPeriod[];
  /** manifest.json's forecast entry. */
  meta: Record<string, unknown>;
  /** forecast_vs_actual, then forecast_by_stage. */
  tables: ResultTable[];
  /** Points of the chart: actual then expected repeat purchases per month. */
  points: { series: string; x: string; y: number; incomplete?: boolean }[];
}

/** The forecast from the report's own fit (no second fit), or undefined without a usable purchase model. */
export function reportForecast(inputs: Inputs, flags: ForecastFlags, lc: Lifecycle, values: CustomerValues, unusable: string | null): ReportForecast | undefined {
  if (unusable || !values.scores || !values.summary || !isPredictive(values.settings.model)) return undefined;
  // the report's --holdout/--calibration-end are its backtest's: the forecast runs from the as-of date
  const run = forecastRun(inputs, { ...flags, holdout: undefined, calibrationEnd: undefined, period: 'month', periods: String(MONTHS) }, { lc, fit: { summary: values.summary, scores: values.scores } });
  const beside = forecastBesideActuals(run, inputs.data.table, MONTHS);
  const byStage = forecastTables(run).find((t) => t.name === 'forecast_by_stage')!;
  const points = [
    ...beside.past.map((p, k) => ({ series: 'actual (all customers)', x: formatDay(p.from), y: beside.actual[k].purchases, incomplete: p.partial })),
    ...run.periods.map((p, k) => ({ series: 'expected (customers so far)', x: formatDay(p.from), y: run.predicted[0][0][k].purchases, incomplete: p.partial })),
  ];
  const meta = { period: 'month', periods: run.periods.length, fitted_to: formatDay(run.fittedTo), totals: forecastTotalsMeta(run) };
  return { periods: run.periods, meta, tables: [beside.table, byStage], points };
}

/** The intro line and chart of the forecast in the CLV section. */
export async function forecastSection(f: ReportForecast): Promise<{ intro: string; chart: string }> {
  const first = f.periods[0];
  return {
    intro: `Forecast: the repeat purchases, active customers and revenue expected in each of the next ${f.periods.length} months from the customers who have bought so far (new customers are not forecast), beside the repeat purchases of all customers in the last ${MONTHS} months (forecast_vs_actual); forecast_by_stage splits the forecast by stage.${first.partial ? ` ${first.label} is split at the as-of date: actual to ${formatDay(first.from - 1)}, expected from ${formatDay(first.from)}.` : ''}`,
    chart: await renderSvg(lineChart('Repeat purchases per month: actual, then expected', f.points, 'month', 'repeat purchases', { time: true, incompleteNote: 'a month split at the as-of date' })),
  };
}
