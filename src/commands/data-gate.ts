import { holdoutActuals, summarizeLedger, type TimeUnit } from '../analytics/clv/summary.js';
import { checkData, dataFigures, type DataChecks } from '../analytics/data-checks.js';
import { defaultHoldout } from './backtest.js';
import type { Inputs } from './common.js';
import type { Lifecycle } from './lifecycle.js';

/**
 * The gate of clm doctor, cltv and report (and the hook for a future clm forecast: call
 * dataChecksFor, then gateWarnings(checks, analysesUsed(model)) into its warn): one source of
 * the data checks for every command.
 */
/** The data checks of the run's customers at the as-of date, in the model's time unit (one source for doctor, cltv and report). */
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

