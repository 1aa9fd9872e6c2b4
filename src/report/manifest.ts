import { formatDay, type Day } from '../domain/dates.js';
import { dataMeta, type Inputs } from '../app/inputs.js';
import type { Lifecycle } from '../app/lifecycle.js';
import { thresholdsMeta } from '../app/stage-tables.js';
import { rfmMeta } from '../app/segment-tables.js';
import { checksMeta, fitMeta, isPredictive, settingsMeta, type ClvSettings, type CustomerValues } from '../app/clv-values.js';
import type { BacktestRun } from '../app/backtest-run.js';
import type { KpisRun } from '../app/kpis-run.js';
import type { ReportForecast } from './forecast-section.js';
import type { ReportFlags } from './assemble.js';
import type { DataChecks, Analysis } from '../analytics/data-checks.js';
import type { ReportMetrics } from '../analytics/report-metrics.js';
import type { ModelChoice } from '../analytics/clv/choose-model.js';
import type { SavedState } from '../io/state-store.js';

export const VERSION = '0.1.0';

/** What the manifest says about a run, before its files are written. */
export interface ManifestInput {
  inputs: Inputs;
  flags: ReportFlags;
  lc: Lifecycle;
  from: Day;
  settings: ClvSettings;
  choice?: ModelChoice;
  level: number;
  dataChecks: DataChecks;
  used: readonly Analysis[];
  values: CustomerValues;
  unusable: string | null;
  forecast?: ReportForecast;
  backtest?: BacktestRun;
  kpis: KpisRun;
  metrics: ReportMetrics;
  previous?: SavedState;
}

/**
 * manifest.json (and the header comments of every CSV) up to the files: the data, the tool,
 * thresholds, RFM, the window, the CLV settings and fit, data checks, forecast and backtest,
 * KPIs, the metrics --fail-if reads, the options. The caller adds audiences, xlsx_sheets,
 * inputs_hashed, fail_if, warnings and files as it writes them.
 */
export function manifestMeta(r: ManifestInput): Record<string, unknown> {
  const { inputs, flags, lc, from, settings, level, dataChecks, used, values, unusable, forecast, backtest, kpis, metrics, previous } = r;
  const { data } = inputs;
  const meta = dataMeta(data, 'report');
  meta.tool = { name: 'clm', version: VERSION };
  meta.thresholds = thresholdsMeta(lc);
  meta.rfm = rfmMeta(lc);
  meta.window = { from: formatDay(from), to: formatDay(data.asOf), days: data.asOf - from };
  meta.clv = { ...settingsMeta(settings, r.choice), ...(isPredictive(settings.model) ? { interval: level } : {}) };
  meta.data_checks = checksMeta(dataChecks, used);
  if (values.scores) meta.fit = fitMeta(values.scores);
  if (unusable) meta.model_not_usable = { model: settings.model, problem: unusable, instead: 'historical value (net revenue to date x margin) in the playbook and audiences; no predicted values' };
  if (forecast) meta.forecast = forecast.meta;
  if (backtest) meta.backtest = { calibration_end: formatDay(backtest.calibrationEnd), holdout_end: formatDay(backtest.holdoutEnd), holdout_basis: backtest.holdoutBasis, model: backtest.model, converged: backtest.converged };
  meta.kpis = kpis.meta;
  meta.metrics = roundMetrics(metrics);
  meta.options = optionsOf(flags);
  if (inputs.config) meta.config = inputs.config.path;
  if (previous) meta.previous_run = { as_of: previous.asOf, customers: previous.rows.size, inputs: previous.inputs };
  return meta;
}

function roundMetrics(m: ReportMetrics): Record<string, number | null> {
  return Object.fromEntries(Object.entries(m.values).map(([k, v]) => [k, v === null ? null : Number(v.toPrecision(12))]));
}

/** The options that shape the report, keyed snake_case like every other key of the manifest (as_of, fail_if). */
function optionsOf(flags: ReportFlags): Record<string, unknown> {
  const keys: (keyof ReportFlags)[] = ['preset', 'asOf', 'from', 'activeDays', 'churnDays', 'loyalMinOrders', 'monetary', 'currency', 'timezone', 'grain', 'failIf', 'stateDir', 'holdout', 'calibrationEnd'];
  return Object.fromEntries(keys.filter((k) => flags[k] !== undefined).map((k) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), flags[k]]));
}
