import { spendFrequencyCorrelation } from './clv/gamma-gamma.js';
import { DAYS_PER_UNIT, type ClvSummary, type TimeUnit } from './clv/summary.js';
import {
  backtestSampleWarning,
  CAUTION_HISTORY_DAYS,
  CAUTION_MODEL_CUSTOMERS,
  CAUTION_MODEL_REPEAT_CUSTOMERS,
  CAUTION_NONPOSITIVE_SPEND_SHARE,
  CAUTION_ONE_TIME_SHARE,
  CAUTION_SPEND_FREQUENCY_CORRELATION,
  MIN_HISTORY_DAYS,
  MIN_MODEL_REPEAT_CUSTOMERS,
  rfmSampleWarning,
  thresholdSampleWarning,
} from './sample-size.js';
import type { ThresholdDerivation } from './stages.js';

/**
 * Can the data support an analysis (`clm doctor`, and the gate of cltv and report)? Figures of
 * the customers at the as-of date, one check per figure against the limits of sample-size.ts
 * (one set of limits for every command), and a verdict per analysis: safe, caution or unsafe,
 * with the numbers and the reason in words.
 */

export type Verdict = 'safe' | 'caution' | 'unsafe';
export const VERDICTS: readonly Verdict[] = ['safe', 'caution', 'unsafe'];

export const ANALYSES = ['stages', 'rfm', 'cohorts', 'historical_clv', 'bgnbd', 'pnbd', 'mbgnbd', 'gamma_gamma', 'backtest'] as const;
export type Analysis = (typeof ANALYSES)[number];

/** What an analysis is called in words. */
export const ANALYSIS_LABELS: Readonly<Record<Analysis, string>> = {
  stages: 'lifecycle stages',
  rfm: 'RFM segments',
  cohorts: 'cohorts',
  historical_clv: 'historical CLV',
  bgnbd: 'BG/NBD',
  pnbd: 'Pareto/NBD',
  mbgnbd: 'MBG/NBD',
  gamma_gamma: 'Gamma-Gamma spend',
  backtest: 'backtest',
};

/** The figures the checks read. */
export interface DataFigures {
  /** Customers with a counted order on or before the as-of date. */
  customers: number;
  /** Of them, customers who bought on two days or more (x > 0). */
  repeatBuyers: number;
  /** Repeat buyers with a positive mean repeat spend: the customers Gamma-Gamma is fitted on. */
  spendRepeatBuyers: number;
  /** Days from the earliest first order to the as-of date. */
  historyDays: number;
  unit: TimeUnit;
  /** historyDays in the model's time unit (T of the oldest customer). */
  historyUnits: number;
  /** Customers without a repeat purchase / customers (0 when there are none). */
  oneTimeShare: number;
  /** Customers whose net spend to the as-of date is zero or negative. */
  nonPositiveSpend: number;
  /** Pearson correlation of frequency and mean spend among spendRepeatBuyers (null with fewer than 2). */
  correlation: number | null;
  /** The default backtest's split, or null when the history is too short for one. */
  backtest: { calibrationRepeatPurchases: number; holdoutPurchases: number } | null;
}

/** Figures from the as-of summary; `netSpend[k]` is the net spend of summary customer k. */
export function dataFigures(summary: ClvSummary, netSpend: ArrayLike<number>, backtest: DataFigures['backtest']): DataFigures {
  let repeat = 0;
  let spendRepeat = 0;
  let nonPositive = 0;
  let maxT = 0;
  for (let k = 0; k < summary.size; k++) {
    if (summary.frequency[k] > 0) repeat++;
    if (summary.frequency[k] > 0 && summary.monetary[k] > 0) spendRepeat++;
    if (!(netSpend[k] > 0)) nonPositive++;
    if (summary.T[k] > maxT) maxT = summary.T[k];
  }
  const corr = spendRepeat >= 2 ? spendFrequencyCorrelation(summary).correlation : null;
  return {
    customers: summary.size,
    repeatBuyers: repeat,
    spendRepeatBuyers: spendRepeat,
    historyDays: Math.round(maxT * DAYS_PER_UNIT[summary.unit]),
    unit: summary.unit,
    historyUnits: maxT,
    oneTimeShare: summary.size > 0 ? 1 - repeat / summary.size : 0,
    nonPositiveSpend: nonPositive,
    correlation: corr,
    backtest,
  };
}

/** One row of the checks table. */
export interface Check {
  check: string;
  value: number | null;
  threshold: string;
  verdict: Verdict;
  meaning: string;
}

export interface AnalysisVerdict {
  analysis: Analysis;
  verdict: Verdict;
  /** The numbers and the reason, in words. */
  reason: string;
}

export interface DataChecks {
  figures: DataFigures;
  checks: Check[];
  analyses: AnalysisVerdict[];
}

const int = (n: number): string => n.toLocaleString('en-US');
const pct = (x: number): string => `${Number((100 * x).toFixed(1))}%`;
const units = (days: number, unit: TimeUnit): string => String(Number((days / DAYS_PER_UNIT[unit]).toFixed(1)));

/** The worse of verdicts (unsafe > caution > safe). */
export function worst(...vs: Verdict[]): Verdict {
  return vs.reduce<Verdict>((a, b) => (VERDICTS.indexOf(b) > VERDICTS.indexOf(a) ? b : a), 'safe');
}

function repeatVerdict(n: number): Verdict {
  return n < MIN_MODEL_REPEAT_CUSTOMERS ? 'unsafe' : n < CAUTION_MODEL_REPEAT_CUSTOMERS ? 'caution' : 'safe';
}

function historyVerdict(days: number): Verdict {
  return days < MIN_HISTORY_DAYS ? 'unsafe' : days < CAUTION_HISTORY_DAYS ? 'caution' : 'safe';
}

/** The checks table: one row per figure against its limits. */
export function dataCheckRows(f: DataFigures): Check[] {
  const nonPosShare = f.customers > 0 ? f.nonPositiveSpend / f.customers : 0;
  const rows: Check[] = [
    { check: 'customers', value: f.customers, threshold: `>= ${CAUTION_MODEL_CUSTOMERS}`, verdict: f.customers === 0 ? 'unsafe' : f.customers < CAUTION_MODEL_CUSTOMERS ? 'caution' : 'safe', meaning: 'customers with an order by the as-of date; predictions below 500 rest on few people' },
    { check: 'repeat_buyers', value: f.repeatBuyers, threshold: `>= ${MIN_MODEL_REPEAT_CUSTOMERS} (caution < ${CAUTION_MODEL_REPEAT_CUSTOMERS})`, verdict: repeatVerdict(f.repeatBuyers), meaning: 'customers who bought on 2+ days: the purchase models learn rate and dropout from them' },
    { check: 'history_days', value: f.historyDays, threshold: `>= ${MIN_HISTORY_DAYS} (caution < ${CAUTION_HISTORY_DAYS})`, verdict: historyVerdict(f.historyDays), meaning: 'days from the first order in the data to the as-of date' },
    { check: 'one_time_share', value: f.oneTimeShare, threshold: `<= ${pct(CAUTION_ONE_TIME_SHARE)}`, verdict: f.oneTimeShare > CAUTION_ONE_TIME_SHARE ? 'caution' : 'safe', meaning: 'share of customers without a repeat purchase; BG/NBD gives each P(alive) = 1' },
    { check: 'nonpositive_spend_customers', value: f.nonPositiveSpend, threshold: `<= ${pct(CAUTION_NONPOSITIVE_SPEND_SHARE)} of customers`, verdict: nonPosShare > CAUTION_NONPOSITIVE_SPEND_SHARE ? 'caution' : 'safe', meaning: 'customers whose net spend is zero or negative (refunds, free orders); Gamma-Gamma leaves them out' },
    { check: 'spend_repeat_buyers', value: f.spendRepeatBuyers, threshold: `>= ${MIN_MODEL_REPEAT_CUSTOMERS} (caution < ${CAUTION_MODEL_REPEAT_CUSTOMERS})`, verdict: repeatVerdict(f.spendRepeatBuyers), meaning: 'repeat buyers with positive repeat spend: the customers Gamma-Gamma is fitted on' },
    { check: 'spend_frequency_correlation', value: f.correlation, threshold: `|r| <= ${CAUTION_SPEND_FREQUENCY_CORRELATION}`, verdict: f.correlation !== null && Math.abs(f.correlation) > CAUTION_SPEND_FREQUENCY_CORRELATION ? 'caution' : 'safe', meaning: 'Pearson r of purchase frequency and mean spend of repeat buyers; Gamma-Gamma assumes none' },
  ];
  // the span in the model's unit, when that is not days already
  if (f.unit !== 'day') rows.splice(3, 0, { check: `history_${f.unit}s`, value: f.historyUnits, threshold: `>= ${units(MIN_HISTORY_DAYS, f.unit)} (caution < ${units(CAUTION_HISTORY_DAYS, f.unit)})`, verdict: historyVerdict(f.historyDays), meaning: `the same span in the model's time unit (--time-unit): T of the oldest customer` });
  return rows;
}

/** The verdict per analysis, from the figures and the stage-threshold derivation. */
export function checkData(f: DataFigures, derivation: ThresholdDerivation): DataChecks {
  const checks = dataCheckRows(f);
  const none = f.customers === 0;
  const noneReason = 'no customer has an order on or before the as-of date';
  const out: AnalysisVerdict[] = [];
  const add = (analysis: Analysis, verdict: Verdict, reason: string): void => void out.push({ analysis, verdict, reason });

  const th = thresholdSampleWarning(derivation);
  add('stages', none ? 'unsafe' : th ? 'caution' : 'safe', none ? noneReason : th ?? `thresholds from ${int(derivation.basis.gaps)} gaps between purchases and ${int(derivation.basis.repeatCustomers)} repeat customers, or set by flag or config`);
  const rfm = rfmSampleWarning(f.customers);
  add('rfm', none ? 'unsafe' : rfm ? 'caution' : 'safe', none ? noneReason : rfm ?? `quintiles of ${int(f.customers)} customers`);
  const hist = historyVerdict(f.historyDays);
  add('cohorts', none ? 'unsafe' : hist === 'unsafe' ? 'caution' : 'safe', none ? noneReason : hist === 'unsafe' ? `only ${f.historyDays} days of orders (fewer than ${MIN_HISTORY_DAYS}): fewer than 3 monthly cohorts to compare` : `${f.historyDays} days of orders`);
  const nonPosShare = f.customers > 0 ? f.nonPositiveSpend / f.customers : 0;
  const spendNote = `${int(f.nonPositiveSpend)} customers (${pct(nonPosShare)}) have zero or negative net spend (more than ${pct(CAUTION_NONPOSITIVE_SPEND_SHARE)}): averages and values are pulled down by refunds or free orders`;
  add('historical_clv', none ? 'unsafe' : nonPosShare > CAUTION_NONPOSITIVE_SPEND_SHARE ? 'caution' : 'safe', none ? noneReason : nonPosShare > CAUTION_NONPOSITIVE_SPEND_SHARE ? spendNote : `net spend of ${int(f.customers)} customers`);

  for (const model of ['bgnbd', 'pnbd', 'mbgnbd'] as const) {
    const v = purchaseModelVerdict(f, model === 'bgnbd');
    add(model, v.verdict, v.reason);
  }
  add('gamma_gamma', ...gammaGammaVerdict(f));
  add('backtest', ...backtestVerdict(f));
  return { figures: f, checks, analyses: out };
}

function purchaseModelVerdict(f: DataFigures, isBgNbd: boolean): { verdict: Verdict; reason: string } {
  if (f.customers === 0) return { verdict: 'unsafe', reason: 'no customer has an order on or before the as-of date' };
  const parts: { v: Verdict; text: string }[] = [];
  const rv = repeatVerdict(f.repeatBuyers);
  if (rv !== 'safe') {
    parts.push({ v: rv, text: `only ${int(f.repeatBuyers)} repeat buyers of ${int(f.customers)} customers (fewer than ${rv === 'unsafe' ? MIN_MODEL_REPEAT_CUSTOMERS : CAUTION_MODEL_REPEAT_CUSTOMERS}): the purchase rate and dropout rest on too few customers who bought again` });
  }
  const hv = historyVerdict(f.historyDays);
  if (hv !== 'safe') parts.push({ v: hv, text: `only ${f.historyDays} days of order history (fewer than ${hv === 'unsafe' ? MIN_HISTORY_DAYS : CAUTION_HISTORY_DAYS}): a slow buyer cannot be told from a lost one` });
  if (f.customers < CAUTION_MODEL_CUSTOMERS) parts.push({ v: 'caution', text: `only ${int(f.customers)} customers with an order (fewer than ${CAUTION_MODEL_CUSTOMERS})` });
  if (isBgNbd && f.oneTimeShare > CAUTION_ONE_TIME_SHARE) {
    parts.push({ v: 'caution', text: `${pct(f.oneTimeShare)} of customers never bought again (more than ${pct(CAUTION_ONE_TIME_SHARE)}) and BG/NBD gives each of them P(alive) = 1; --model mbgnbd or pnbd does not` });
  }
  if (parts.length === 0) return { verdict: 'safe', reason: `${int(f.repeatBuyers)} repeat buyers of ${int(f.customers)} customers over ${int(f.historyDays)} days` };
  return { verdict: worst(...parts.map((p) => p.v)), reason: parts.map((p) => p.text).join('; ') };
}

function gammaGammaVerdict(f: DataFigures): [Verdict, string] {
  const parts: { v: Verdict; text: string }[] = [];
  const rv = repeatVerdict(f.spendRepeatBuyers);
  if (rv !== 'safe') parts.push({ v: rv, text: `only ${int(f.spendRepeatBuyers)} repeat buyers with positive spend to fit on (fewer than ${rv === 'unsafe' ? MIN_MODEL_REPEAT_CUSTOMERS : CAUTION_MODEL_REPEAT_CUSTOMERS})` });
  if (f.correlation !== null && Math.abs(f.correlation) > CAUTION_SPEND_FREQUENCY_CORRELATION) {
    parts.push({ v: 'caution', text: `spend and purchase frequency are correlated (r = ${f.correlation.toFixed(2)}, beyond ±${CAUTION_SPEND_FREQUENCY_CORRELATION}) but Gamma-Gamma assumes them independent, so expected spend may be biased` });
  }
  if (parts.length === 0) return ['safe', `${int(f.spendRepeatBuyers)} repeat buyers with positive spend, r = ${f.correlation === null ? 'n/a' : f.correlation.toFixed(2)}`];
  return [worst(...parts.map((p) => p.v)), parts.map((p) => p.text).join('; ')];
}

function backtestVerdict(f: DataFigures): [Verdict, string] {
  if (!f.backtest) return ['unsafe', `the ${f.historyDays}-day history is too short for the default holdout (a third of it is under 4 weeks)`];
  const few = backtestSampleWarning(f.backtest.calibrationRepeatPurchases, f.backtest.holdoutPurchases);
  if (few) return ['caution', few];
  return ['safe', `${int(f.backtest.calibrationRepeatPurchases)} repeat purchases before the default holdout and ${int(f.backtest.holdoutPurchases)} in it`];
}

/** The analyses a run uses: stages, RFM, cohorts, historical CLV, and with a predictive model that model, Gamma-Gamma and (report) the backtest. */
export function analysesUsed(model: string, opts: { backtest?: boolean } = {}): Analysis[] {
  const used: Analysis[] = ['stages', 'rfm', 'cohorts', 'historical_clv'];
  // --model auto may choose any of the three: before the choice, all three are in use
  const models: Analysis[] = model === 'auto' ? ['bgnbd', 'mbgnbd', 'pnbd'] : model === 'bgnbd' || model === 'pnbd' || model === 'mbgnbd' ? [model] : [];
  if (models.length > 0) {
    used.push(...models, 'gamma_gamma');
    if (opts.backtest !== false) used.push('backtest');
  }
  return used;
}

/**
 * The warnings a command that uses `used` gives: one per analysis that is not safe. Stage and
 * RFM warnings are the small-sample words of sample-size.ts as they are (the same text every
 * command prints); the others name the analysis and the verdict.
 */
export function gateWarnings(checks: DataChecks, used: readonly Analysis[]): string[] {
  const out: string[] = [];
  for (const a of checks.analyses) {
    if (!used.includes(a.analysis) || a.verdict === 'safe') continue;
    if ((a.analysis === 'stages' || a.analysis === 'rfm') && a.verdict === 'caution') out.push(a.reason);
    else out.push(`data check: ${ANALYSIS_LABELS[a.analysis]} is ${a.verdict === 'unsafe' ? 'UNSAFE' : 'to be read with caution'} on this data: ${a.reason} (clm doctor lists every check)`);
  }
  return out;
}
