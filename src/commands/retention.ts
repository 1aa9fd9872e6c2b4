import { derl, fitSbg, retentionRate, survival, type SbgFit, type SurvivorCurve } from '../analytics/retention/sbg.js';
import { survivorCurves } from '../analytics/retention/survivors.js';
import { formatDay } from '../domain/dates.js';
import { DataError, UsageError } from '../domain/errors.js';
import { formatPeriod, periodEndDay, periodOfDay, type CalendarUnit } from '../domain/period.js';
import type { CliIO } from '../io/cli-io.js';
import { readRenewalsFile, readSurvivorsFile } from '../io/read-retention.js';
import { parseDelimiterFlag } from '../io/read-table.js';
import { parseDateFormatFlag } from '../io/values.js';
import { tableOf, type Cell, type CommandResult, type ResultTable } from '../render/result.js';
import { resolveAsOf } from '../app/inputs.js';
import { metricDisplay } from '../app/metric-display.js';

export interface RetentionFlags {
  model?: string;
  survivors?: string;
  renewals?: string;
  period?: string;
  asOf?: string;
  periods?: string;
  discount?: string;
  dateFormat?: string;
  timezone?: string;
  delimiter?: string;
  encoding?: string;
}

const UNITS: readonly CalendarUnit[] = ['month', 'week', 'quarter', 'year'];

/** The cohort label of a survivors file: it holds one cohort, whatever it is called. */
const FILE_COHORT = 'all';

interface Settings {
  unit: CalendarUnit;
  periods: number;
  discount: number;
}

function settingsOf(flags: RetentionFlags): Settings {
  const model = (flags.model ?? 'sbg').toLowerCase();
  if (model !== 'sbg') throw new UsageError(`--model ${JSON.stringify(flags.model)} is not a retention model`, 'use --model sbg (shifted-beta-geometric)');
  if (!flags.survivors === !flags.renewals) {
    throw new UsageError(flags.survivors ? 'give --survivors or --renewals, not both' : 'clm retention needs --survivors FILE or --renewals FILE', 'survivor counts per period (period,survivors) or renewal rows (customer_id,period_start)');
  }
  if (flags.survivors) {
    for (const [flag, v] of [['--period', flags.period], ['--as-of', flags.asOf], ['--date-format', flags.dateFormat], ['--timezone', flags.timezone]] as const) {
      if (v !== undefined) throw new UsageError(`${flag} applies to --renewals, not to a --survivors file`, 'a survivors file counts its own periods: 0 (the start), 1, 2, ...');
    }
  }
  const unit = (flags.period ?? 'month').toLowerCase() as CalendarUnit;
  if (!UNITS.includes(unit)) throw new UsageError(`--period must be month, week, quarter or year, not ${JSON.stringify(flags.period)}`);
  const periods = flags.periods === undefined ? 12 : Number(flags.periods);
  if (!Number.isInteger(periods) || periods < 0 || periods > 1000) throw new UsageError(`--periods ${JSON.stringify(flags.periods)} is not a whole number from 0 to 1000`, 'the periods to project past the last one observed, e.g. --periods 12');
  const discount = flags.discount === undefined ? 0.1 : Number(flags.discount);
  if (flags.discount?.trim() === '' || !Number.isFinite(discount) || discount <= 0 || discount >= 10) {
    throw new UsageError(`--discount ${JSON.stringify(flags.discount)} is not a discount rate per period above 0`, 'a rate per period: 0.1 for 10% a year with yearly periods, 0.008 for about 10% a year with monthly ones');
  }
  return { unit, periods, discount };
}

interface Curves {
  curves: SurvivorCurve[];
  context: string[];
  meta: Record<string, unknown>;
}

async function survivorsInput(path: string, flags: RetentionFlags, io: CliIO): Promise<Curves> {
  const survivors = await readSurvivorsFile(path, { stdin: io.stdin, encoding: flags.encoding, delimiter: delimiterOf(flags) });
  return {
    curves: [{ cohort: FILE_COHORT, survivors }],
    context: [`survivors: ${path} (periods 0..${survivors.length - 1}, ${survivors[0].toLocaleString('en-US')} customers at the start)`],
    meta: { input: { role: 'survivors', path, periods: survivors.length } },
  };
}

async function renewalsInput(path: string, flags: RetentionFlags, s: Settings, io: CliIO, warn: (m: string) => void): Promise<Curves> {
  const rows = await readRenewalsFile(path, {
    stdin: io.stdin,
    encoding: flags.encoding,
    delimiter: delimiterOf(flags),
    dateOrder: flags.dateFormat ? parseDateFormatFlag(flags.dateFormat) : undefined,
    timezone: flags.timezone,
  });
  const asOfFlag = resolveAsOf(flags.asOf, io);
  const asOf = asOfFlag.day ?? Math.max(...rows.day);
  const customer: number[] = [];
  const period: number[] = [];
  let later = 0;
  for (let i = 0; i < rows.day.length; i++) {
    if (rows.day[i] > asOf) {
      later++;
      continue;
    }
    customer.push(rows.customer[i]);
    period.push(periodOfDay(s.unit, rows.day[i]));
  }
  const asOfPeriod = periodOfDay(s.unit, asOf);
  const lastComplete = periodEndDay(s.unit, asOfPeriod) === asOf ? asOfPeriod : asOfPeriod - 1;
  const r = survivorCurves(customer, period, rows.ids.length, lastComplete);
  if (later > 0) warn(`${later.toLocaleString('en-US')} renewal rows after the as-of date ${formatDay(asOf)} are not used`);
  if (rows.skipped.size > 0) warn(`renewal rows not used for their ${rows.columns.status ?? 'status'}: ${[...rows.skipped].map(([k, n]) => `${n} ${JSON.stringify(k)}`).join(', ')}`);
  if (r.cohorts.length === 0) {
    throw new DataError(`no cohort has a complete ${s.unit} before the as-of date ${formatDay(asOf)}`, { file: path }, `pass a later --as-of or a shorter --period (the ${s.unit} holding the as-of date is not over, so it is not counted)`);
  }
  const label = (p: number): string => formatPeriod(s.unit, p);
  return {
    curves: r.cohorts.map((c) => ({ cohort: label(c.start), survivors: c.survivors })),
    context: [
      `renewals: ${path} (${rows.day.length.toLocaleString('en-US')} renewals, ${rows.ids.length.toLocaleString('en-US')} customers; ${rows.columns.customer_id} by ${rows.columns.period_start})`,
      `as of ${formatDay(asOf)} (${asOfFlag.source === undefined ? 'latest renewal in the data' : asOfFlag.source === 'today' ? 'today' : '--as-of'}) · cohorts by ${s.unit} · last complete ${s.unit} ${label(lastComplete)}`,
    ],
    meta: {
      input: { role: 'renewals', path, rows: rows.day.length, customers: rows.ids.length, columns: rows.columns },
      as_of: formatDay(asOf),
      period: s.unit,
      last_complete_period: label(lastComplete),
      rows_after_as_of: later,
      rows_skipped_by_status: Object.fromEntries(rows.skipped),
      customers_not_yet_observable: r.customersNotYetObservable,
    },
  };
}

function delimiterOf(flags: RetentionFlags): ReturnType<typeof parseDelimiterFlag> {
  if (flags.delimiter === undefined) return undefined;
  const d = parseDelimiterFlag(flags.delimiter);
  if (d === undefined) throw new UsageError(`--delimiter ${JSON.stringify(flags.delimiter)} is not one character`, 'use , ; | tab or whitespace');
  return d;
}

/** `clm retention --model sbg`: the sBG fitted to survivor counts or renewal rows, projected forward. */
export async function runRetention(flags: RetentionFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const s = settingsOf(flags);
  const input = flags.survivors ? await survivorsInput(flags.survivors, flags, io) : await renewalsInput(flags.renewals!, flags, s, io, warn);
  io.progress?.(`fitting the sBG to ${input.curves.length} cohort(s)`);
  const fit = fitSbg(input.curves);
  // an unusable fit ends with the reason, which the error says; the other warnings go to stderr
  const reason = fit.usable ? undefined : fit.warnings[fit.warnings.length - 1];
  for (const w of fit.usable ? fit.warnings : fit.warnings.slice(0, -1)) warn(w);
  if (reason !== undefined) {
    throw new DataError(`the sBG cannot be fitted: ${reason}`, { file: flags.survivors ?? flags.renewals }, 'survivor counts need at least one period after the start in which customers were lost');
  }
  const { alpha, beta } = fit.params;
  return {
    meta: {
      command: 'retention',
      model: 'sbg',
      ...input.meta,
      projected_periods: s.periods,
      discount_per_period: s.discount,
      fit: { alpha, beta, se: fit.se, log_likelihood: fit.logLik, converged: fit.converged, customers: fit.customers, periods_observed: fit.periods, warnings: fit.warnings },
    },
    context: [...input.context, `sBG (Fader & Hardie 2007): alpha ${alpha.toFixed(4)}, beta ${beta.toFixed(4)}; discount ${s.discount} per period`],
    tables: [modelTable(fit, input.curves.length), survivalTable(fit, input.curves, s.periods), derlTable(fit, input.curves, s)],
  };
}

/** The fitted parameters with standard errors and the fit figures, one row each (as clm cltv). */
function modelTable(fit: SbgFit, cohorts: number): ResultTable {
  const rows: [string, number, number | null][] = [
    ['alpha', fit.params.alpha, fit.se.alpha],
    ['beta', fit.params.beta, fit.se.beta],
    ['log_likelihood', fit.logLik, null],
    ['customers_fitted', fit.customers, null],
    ['cohorts', cohorts, null],
    ['periods_observed', fit.periods, null],
    ['converged', fit.converged ? 1 : 0, null],
    ['iterations', fit.iterations, null],
  ];
  const count = new Set(['cohorts', 'periods_observed']);
  return tableOf('model', 'sBG fit (parameters with standard errors)', [
    { name: 'model', type: 'string' },
    { name: 'parameter', type: 'string' },
    { name: 'estimate', type: 'number', only: 'machine' },
    { name: 'estimate', type: 'string', only: 'human', numbersAsText: true },
    { name: 'se', type: 'number', decimals: 4 },
  ], rows.map(([k, v, se]) => ['sbg', k, v, count.has(k) ? String(v) : metricDisplay(k, v), se]));
}

/** Per cohort and period: actual survivors and retention beside the fitted ones, then the projection. */
function survivalTable(fit: SbgFit, curves: readonly SurvivorCurve[], ahead: number): ResultTable {
  const rows: Cell[][] = [];
  for (const { cohort, survivors: n } of curves) {
    const size = n[0];
    for (let t = 0; t < n.length + ahead; t++) {
      const seen = t < n.length;
      const S = survival(fit.params, t);
      rows.push([
        cohort,
        t,
        seen ? n[t] : null,
        size * S,
        seen ? n[t] / size : null,
        S,
        seen && t > 0 && n[t - 1] > 0 ? n[t] / n[t - 1] : null,
        t > 0 ? retentionRate(fit.params, t) : null,
      ]);
    }
  }
  const table = tableOf('survival', 'Survivors and retention per period: actual, fitted, projected', [
    { name: 'cohort', type: 'string' },
    { name: 'period', type: 'int' },
    { name: 'survivors', type: 'int' },
    { name: 'expected_survivors', type: 'number', decimals: 1 },
    { name: 'survival', type: 'percent' },
    { name: 'expected_survival', type: 'percent' },
    { name: 'retention', type: 'percent' },
    { name: 'expected_retention', type: 'percent' },
  ], rows);
  return { ...table, legend: ['Rows without survivors are projections. Retention in period t = survivors at t / survivors at t-1.'] };
}

/** DERL per tenure, with the customers now at each tenure (the survivors at each cohort's last period). */
function derlTable(fit: SbgFit, curves: readonly SurvivorCurve[], s: Settings): ResultTable {
  const active = new Map<number, number>();
  let maxTenure = 1;
  for (const { survivors: n } of curves) {
    const tenure = n.length; // the survivors after period n.length − 1 have made that many renewals
    active.set(tenure, (active.get(tenure) ?? 0) + n[n.length - 1]);
    maxTenure = Math.max(maxTenure, tenure);
  }
  const rows: Cell[][] = [];
  for (let tenure = 1; tenure <= maxTenure + s.periods; tenure++) {
    const value = derl(fit.params, tenure, s.discount);
    const customers = active.get(tenure) ?? 0;
    rows.push([tenure, tenure - 1, customers, retentionRate(fit.params, tenure), value, customers * value]);
  }
  const table = tableOf('derl', `Discounted expected residual lifetime per tenure (discount ${s.discount} per period)`, [
    { name: 'tenure', type: 'int' },
    { name: 'renewals', type: 'int' },
    { name: 'active_customers', type: 'int' },
    { name: 'renewal_probability', type: 'percent' },
    { name: 'derl', type: 'number', decimals: 3 },
    { name: 'total_derl', type: 'number', decimals: 1 },
  ], rows);
  return { ...table, legend: ['derl = expected further payments of one customer, the next undiscounted; times the payment per period it is the residual value.'] };
}
