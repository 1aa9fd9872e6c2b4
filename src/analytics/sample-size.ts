import type { ThresholdDerivation } from './stages.js';

/**
 * When is a derived number resting on too little data to be trusted? clm still computes it
 * (a small shop is a real shop), but says so on stderr, in the report and in the manifest
 * (spec §3 and issue 14: "when clm is unsure, it says so").
 *
 * The limits are rules of thumb, chosen so that the 80th percentile behind a threshold
 * moves by less than a rank or two when one more customer arrives:
 * - stage thresholds from fewer than 30 gaps between purchases (active/churn days) or
 *   fewer than 20 repeat customers (loyal purchase days);
 * - RFM quintiles of fewer than 50 customers (10 per score: one customer more or less
 *   moves a score boundary).
 */
export const MIN_GAPS = 30;
export const MIN_REPEAT_CUSTOMERS = 20;
export const MIN_RFM_CUSTOMERS = 50;

const THRESHOLD_FLAGS = '--active-days, --churn-days and --loyal-min-orders (or "thresholds" in the config)';

/** A warning when the stage thresholds taken from the data rest on few gaps or repeat customers; null otherwise. */
export function thresholdSampleWarning(d: ThresholdDerivation): string | null {
  const { basis, source, thresholds } = d;
  const parts: string[] = [];
  if (source.activeDays === 'default') {
    parts.push(`no customer bought on two days, so active_days is the default ${thresholds.activeDays} and churn_days ${thresholds.churnDays}`);
  } else if (source.activeDays === 'data' && basis.gaps < MIN_GAPS) {
    parts.push(`active_days ${thresholds.activeDays} comes from only ${basis.gaps} gap${basis.gaps === 1 ? '' : 's'} between purchases (fewer than ${MIN_GAPS})`);
  }
  if (source.loyalMinOrders === 'default') {
    parts.push(`loyal_min_orders is the default ${thresholds.loyalMinOrders}`);
  } else if (source.loyalMinOrders === 'data' && basis.repeatCustomers < MIN_REPEAT_CUSTOMERS) {
    parts.push(`loyal_min_orders ${thresholds.loyalMinOrders} comes from only ${basis.repeatCustomers} repeat customer${basis.repeatCustomers === 1 ? '' : 's'} (fewer than ${MIN_REPEAT_CUSTOMERS})`);
  }
  if (parts.length === 0) return null;
  return `small sample: ${parts.join('; ')}. Stages may shift as data arrives; set ${THRESHOLD_FLAGS} if you know your buying cycle`;
}

/** A warning when RFM quintiles rank too few customers to mean much; null otherwise. */
export function rfmSampleWarning(customers: number): string | null {
  if (customers === 0 || customers >= MIN_RFM_CUSTOMERS) return null;
  const per = Math.max(1, Math.round(customers / 5));
  return `small sample: RFM scores rank only ${customers} customer${customers === 1 ? '' : 's'} (about ${per} per quintile, fewer than ${MIN_RFM_CUSTOMERS} in all), so one customer more or less moves a score; read the segments as a rough grouping`;
}

/** Repeat purchases below which a backtest's errors say little (either side of the calibration end). */
export const MIN_BACKTEST_PURCHASES = 30;

/** A warning when a backtest compares too few repeat purchases to mean much; null otherwise. */
export function backtestSampleWarning(calibrationRepeatPurchases: number, holdoutPurchases: number): string | null {
  if (calibrationRepeatPurchases >= MIN_BACKTEST_PURCHASES && holdoutPurchases >= MIN_BACKTEST_PURCHASES) return null;
  return `small sample: the backtest rests on ${calibrationRepeatPurchases} repeat purchase${calibrationRepeatPurchases === 1 ? '' : 's'} before the calibration end and ${holdoutPurchases} in the holdout (fewer than ${MIN_BACKTEST_PURCHASES}), so its errors say little about the model; use a longer history or a longer holdout`;
}

/**
 * Limits of the data checks (analytics/data-checks.ts, `clm doctor`) for the predictive models.
 * Practice: Klaviyo refuses its predictive analytics below 500 customers with an order and 180
 * days of order history; the limits below are ours, with the reason beside each.
 *
 * Repeat buyers: BG/NBD, Pareto/NBD and MBG/NBD (4 parameters each) learn the purchase rate and
 * the dropout from the customers who bought again (a one-time buyer only bounds the rate from
 * above), and Gamma-Gamma (3 parameters) is fitted on repeat buyers with positive spend alone.
 * n repeat buyers fix their share to about ±1.96/√n of itself: ±20% at 100, ±10% at 400. Below
 * 100 (fewer than 25 per parameter, near the 10–20 events per parameter of regression practice,
 * Peduzzi et al. 1996) the fit is unsafe; below 400, to be read with caution.
 */
export const MIN_MODEL_REPEAT_CUSTOMERS = 100;
export const CAUTION_MODEL_REPEAT_CUSTOMERS = 400;
/** Customers with an order below which a model's prediction is read with caution (Klaviyo's 500). */
export const CAUTION_MODEL_CUSTOMERS = 500;
/**
 * Order history (first order of the data to the as-of date): under 90 days a customer who buys
 * once a quarter is seen at most once, so a model cannot tell a slow buyer from a lost one
 * (unsafe), and cohorts have fewer than 3 months to compare; under 180 days (Klaviyo's minimum),
 * caution: one season's buying.
 */
export const MIN_HISTORY_DAYS = 90;
export const CAUTION_HISTORY_DAYS = 180;
/**
 * Share of buyers without a repeat purchase above which BG/NBD is read with caution: it gives
 * each of them P(alive) = 1 (lifetimes #44, #165, ...), so more than 4 in 5 of the base would be
 * shown as surely alive; MBG/NBD and Pareto/NBD do not.
 */
export const CAUTION_ONE_TIME_SHARE = 0.8;
/**
 * Share of buyers whose net spend is zero or negative (refunds, free orders) above which value
 * figures are read with caution: 1 in 20 is enough to move an average and RFM's M quintiles,
 * and Gamma-Gamma leaves such customers out.
 */
export const CAUTION_NONPOSITIVE_SPEND_SHARE = 0.05;
/**
 * |Pearson correlation| of purchase frequency and mean spend among repeat buyers above which
 * Gamma-Gamma, which assumes them independent, is read with caution (the check lifetimes' docs
 * suggest; 0.3 is the limit analytics/clv/gamma-gamma.ts already warns at).
 */
export const CAUTION_SPEND_FREQUENCY_CORRELATION = 0.3;
