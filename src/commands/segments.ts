import { UsageError } from '../domain/errors.js';
import type { CliIO } from '../io/cli-io.js';
import type { CommandResult, ResultTable } from '../render/result.js';
import { dataContext, dataMeta, loadInputs, type InputFlags } from '../app/inputs.js';
import { computeLifecycle, warnSmallSamples, type LifecycleFlags } from '../app/lifecycle.js';
import { explainThresholds, thresholdsMeta } from '../app/stage-tables.js';
import { rfmProfile, customProfile, rfmGrid, rfmMeta, explainRfm } from '../app/segment-tables.js';

export interface SegmentsFlags extends InputFlags, LifecycleFlags {
  scheme?: string;
}

/** `clm segments`: the RFM (or custom) segment profile and, for people, the R×F grid. */
export async function runSegments(flags: SegmentsFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const scheme = (flags.scheme ?? 'rfm').toLowerCase();
  if (scheme !== 'rfm' && scheme !== 'custom') throw new UsageError(`--scheme must be rfm or custom, not ${JSON.stringify(flags.scheme)}`);
  const inputs = await loadInputs(flags, io, warn);
  const { data } = inputs;
  const lc = computeLifecycle(inputs, flags);
  warnSmallSamples(lc, warn, { rfm: true });
  if (scheme === 'custom' && !lc.custom) {
    throw new UsageError('--scheme custom needs segments in the config', 'add "segments": {"rules": [{"name": "VIP", "rule": "revenue > 1000"}], "default": "other"} to clm.config.json (or pass --config FILE)');
  }
  const meta = dataMeta(data, 'segments');
  meta.scheme = scheme;
  meta.rfm = rfmMeta(lc);
  meta.thresholds = thresholdsMeta(lc);
  if (lc.custom) meta.custom_segments = { rules: lc.custom.rules, default: lc.custom.defaultName };
  const tables: ResultTable[] = [scheme === 'rfm' ? rfmProfile(lc) : customProfile(lc), rfmGrid(lc)];
  const context = dataContext(data);
  context.push(`RFM over ${lc.buyers.length.toLocaleString('en-US')} customers with an order · M = ${lc.monetary === 'mean' ? 'average net order value' : 'total net revenue'}${flags.explain ? '' : ' (--explain shows the cut points)'}`);
  return { meta, context, tables, notes: flags.explain ? [...explainRfm(lc), ...explainThresholds(lc)] : undefined };
}
