import { holdoutActuals, summarizeLedger, type TimeUnit } from '../analytics/clv/summary.js';
import { checkData, dataFigures, type DataChecks } from '../analytics/data-checks.js';
import { defaultHoldout } from './holdout.js';
import type { Inputs } from './inputs.js';
import type { Lifecycle } from './lifecycle.js';

/** The data checks of the run's customers at the as-of date, in the model's time unit (one source for doctor, cltv, forecast and report). */
export function dataChecksFor(inputs: Inputs, lc: Lifecycle, unit: TimeUnit): DataChecks {
  const t = inputs.data.table;
  const asOf = inputs.data.asOf;
  const summary = summarizeLedger(t, { calibrationEnd: asOf, unit });
  const netSpend = Float64Array.from(summary.rows, (i) => lc.snapshot.revenue[i]);
  // the split a default backtest (clm backtest, clm report) would make
  let backtest = null;
  const d = defaultHoldout(t, asOf);
  if (d) {
    const cal = summarizeLedger(t, { calibrationEnd: asOf - d.weeks * 7, unit });
    let sx = 0;
    for (let k = 0; k < cal.size; k++) sx += cal.frequency[k];
    let sh = 0;
    if (cal.size > 0) for (const x of holdoutActuals(t, cal, asOf).frequency) sh += x;
    backtest = { calibrationRepeatPurchases: sx, holdoutPurchases: sh };
  }
  return checkData(dataFigures(summary, netSpend, backtest), lc.derivation);
}


/** The figures for JSON meta and the manifest, keyed snake_case like the rest of them. */
export function figuresMeta(f: DataChecks['figures']): Record<string, unknown> {
  return {
    customers: f.customers,
    repeat_buyers: f.repeatBuyers,
    spend_repeat_buyers: f.spendRepeatBuyers,
    history_days: f.historyDays,
    time_unit: f.unit,
    history_units: f.historyUnits,
    one_time_share: f.oneTimeShare,
    nonpositive_spend_customers: f.nonPositiveSpend,
    spend_frequency_correlation: f.correlation,
    backtest: f.backtest ? { calibration_repeat_purchases: f.backtest.calibrationRepeatPurchases, holdout_purchases: f.backtest.holdoutPurchases } : null,
  };
}
