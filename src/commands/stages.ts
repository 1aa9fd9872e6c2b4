import { formatDay } from '../domain/dates.js';
import type { CliIO } from '../io/cli-io.js';
import type { CommandResult, ResultTable } from '../render/result.js';
import { dataContext, dataMeta, loadInputs, type InputFlags } from '../app/inputs.js';
import { computeLifecycle, parseFromDate, warnSmallSamples, type LifecycleFlags } from '../app/lifecycle.js';
import { thresholdsLine, stageTables, thresholdsMeta, explainThresholds, perCustomerTable } from '../app/stage-tables.js';

export interface StagesFlags extends InputFlags, LifecycleFlags {
  from?: string;
  perCustomer?: boolean;
}

/** `clm stages`: the stage distribution, optionally per customer and with transitions since --from. */
export async function runStages(flags: StagesFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const inputs = await loadInputs(flags, io, warn);
  const { data } = inputs;
  const from = parseFromDate(flags.from, data.asOf);
  const lc = computeLifecycle(inputs, flags);
  warnSmallSamples(lc, warn, { stages: true });
  const meta = dataMeta(data, 'stages');
  meta.thresholds = thresholdsMeta(lc);
  const st = stageTables(inputs, lc, from);
  const tables: ResultTable[] = [];
  if (flags.perCustomer) tables.push(perCustomerTable(data.table.ids, lc, st.before));
  tables.push(...st.tables);
  if (from !== undefined) meta.transitions = { from: formatDay(from), to: formatDay(data.asOf), thresholds: 'as-of thresholds at both dates' };
  const context = dataContext(data);
  context.push(thresholdsLine(lc, !flags.explain));
  return { meta, context, tables, notes: flags.explain ? explainThresholds(lc) : undefined };
}
