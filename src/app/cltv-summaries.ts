/**
 * `clm cltv --summaries DIR` (issue 13 item 5, first part): fits the purchase model on the
 * rfm_counts.csv a warehouse (or clm) wrote, and Gamma-Gamma on spend_counts.csv when there
 * is one (domain/summaries.ts), each row weighted by its count: the fit of the per-customer
 * rows. What needs the customers one by one (top customers, value by segment, stage and cohort,
 * P(alive) per customer) is not there, and stderr says so.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { purchaseDataOf, spendDataOf } from '../analytics/clv/summary-tables.js';
import { fitGammaGamma, spendFrequencyCorrelation } from '../analytics/clv/gamma-gamma.js';
import { MIN_SPEND_CUSTOMERS, fitPurchaseModel, purchaseModelLabel, purchasePredictor, type ClvScores, type PurchaseFit, type PurchaseModelName } from '../analytics/clv/score.js';
import { DAYS_PER_UNIT, type ClvSummary } from '../analytics/clv/summary.js';
import { UsageError } from '../domain/errors.js';
import { SUMMARY_FILES } from '../domain/summaries.js';
import { readRfmCounts, readSpendCounts } from '../io/read-summaries.js';
import { tableOf, type CommandResult } from '../render/result.js';
import { fitMeta, fitsPurchases, modelTable, settingsMeta, unusableModelError, type ClvSettings } from './clv-values.js';

/** What the summaries cannot give, said on stderr every time. */
export const NEEDS_CUSTOMER_ROWS =
  'top customers, value by segment, stage and cohort, P(alive) and CLV per customer, and value intervals need per-customer rows: pass --orders (or --summary FILE with one row per customer)';

const CANDIDATES: readonly PurchaseModelName[] = ['bgnbd', 'mbgnbd', 'pnbd'];

export async function cltvFromSummaries(dir: string, asked: ClvSettings, level: number, warnOut: (m: string) => void): Promise<{ result: CommandResult; scores: Pick<ClvScores, 'purchase' | 'spend' | 'correlation'> }> {
  const warnings: string[] = [];
  const warn = (m: string): void => {
    warnings.push(m);
    warnOut(m);
  };
  if (!fitsPurchases(asked.model)) throw new UsageError(`--summaries fits a predictive model; --model ${asked.model} needs the orders`, 'use --model auto, bgnbd, pnbd or mbgnbd');
  const rfmPath = join(dir, SUMMARY_FILES.rfmCounts);
  if (!existsSync(rfmPath)) throw new UsageError(`--summaries ${dir}: there is no ${SUMMARY_FILES.rfmCounts} in it`, 'write one row per distinct x,t_x,T with its count (README, "Summaries")');
  const rfm = await readRfmCounts(rfmPath);
  if (rfm.unit && rfm.unit !== asked.unit) throw new UsageError(`${rfmPath} is in ${rfm.unit}s, not ${asked.unit}s`, `pass --time-unit ${rfm.unit}`);
  warn(`--summaries: ${NEEDS_CUSTOMER_ROWS}`);
  // the fits read x, t_x, T and the counts only; no row stands for a customer id
  const data = { ...purchaseDataOf(rfm), size: rfm.size } as unknown as ClvSummary;
  let settings = asked;
  let fitted: { fit: PurchaseFit; model: PurchaseModelName };
  let chose: string | undefined;
  if (asked.model === 'auto') {
    // no orders to hold out: the highest log-likelihood among usable fits (the three have four
    // parameters each, so it is also the lowest AIC)
    const fits = CANDIDATES.map((m) => ({ model: m, fit: fitPurchaseModel(data, m, asked.penalizer).fit }));
    const usable = fits.filter((f) => f.fit.usable);
    const pool = usable.filter((f) => f.fit.converged).length > 0 ? usable.filter((f) => f.fit.converged) : usable;
    fitted = (pool.length > 0 ? pool : fits).reduce((a, b) => (b.fit.logLik > a.fit.logLik ? b : a));
    chose = `--model auto on summaries: ${purchaseModelLabel(fitted.model)} has the highest log-likelihood (lowest AIC) of ${fits.map((f) => `${purchaseModelLabel(f.model)} ${f.fit.logLik.toFixed(2)}`).join(', ')}`;
    settings = { ...asked, model: fitted.model };
  } else {
    const model = asked.model as PurchaseModelName;
    fitted = { model, fit: fitPurchaseModel(data, model, asked.penalizer).fit };
  }
  const label = purchaseModelLabel(fitted.model);
  if (!fitted.fit.usable) throw unusableModelError(label, fitted.fit.problem);
  fitted.fit.warnings.forEach((w) => warn(`${label}: ${w}`));

  const spendPath = join(dir, SUMMARY_FILES.spendCounts);
  const spendTable = existsSync(spendPath) ? await readSpendCounts(spendPath) : undefined;
  if (!spendTable) warn(`--summaries: no ${SUMMARY_FILES.spendCounts} in ${dir}, so no Gamma-Gamma spend model (write x,zbar,count for the repeat customers to add it)`);
  const spendData = spendTable && spendDataOf(spendTable);
  const spendCustomers = spendTable ? spendTable.count.reduce((s, c) => s + c, 0) : 0;
  const spend = spendData && spendCustomers >= MIN_SPEND_CUSTOMERS ? fitGammaGamma(spendData, { penalizer: asked.penalizer }) : undefined;
  spend?.warnings.forEach((w) => warn(`Gamma-Gamma: ${w}`));
  const correlation = spendData && spend ? spendFrequencyCorrelation(spendData) : undefined;
  if (correlation?.warning) warn(correlation.warning);

  // the base as a whole: count-weighted P(alive) and expected repeat purchases over the horizon
  const horizon = settings.horizonDays / DAYS_PER_UNIT[settings.unit];
  const predictor = purchasePredictor(fitted.model, fitted.fit.params, data);
  const expected = predictor.expected(horizon);
  let customers = 0;
  let alive = 0;
  let purchases = 0;
  for (let i = 0; i < rfm.size; i++) {
    customers += rfm.count[i];
    alive += rfm.count[i] * predictor.pAlive[i];
    purchases += rfm.count[i] * expected[i];
  }
  const scores = { purchase: fitted.fit, ...(spend ? { spend } : {}), ...(correlation ? { correlation } : {}), warnings };
  const result: CommandResult = {
    meta: { command: 'cltv', summaries: dir, clv: { ...settingsMeta(settings), interval: level }, fit: fitMeta(scores) },
    context: [`summaries: ${dir} (${customers.toLocaleString('en-US')} customers in ${rfm.size.toLocaleString('en-US')} distinct rows, in ${settings.unit}s)`, ...(chose ? [chose] : [])],
    tables: [
      modelTable(scores, level),
      tableOf('base', `The customer base over the horizon (${settings.horizonText})`, [
        { name: 'customers', type: 'int' },
        { name: 'distinct_rows', type: 'int' },
        { name: 'expected_alive', type: 'number', decimals: 1 },
        { name: 'expected_purchases', type: 'number', decimals: 1 },
      ], [[customers, rfm.size, alive, purchases]]),
    ],
  };
  return { result, scores };
}
