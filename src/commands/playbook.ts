import type { CliIO } from '../io/cli-io.js';
import type { CommandResult } from '../render/result.js';
import { clvSettings, customerValues, settingsMeta, type ClvFlags, type CustomerValues } from '../app/clv-values.js';
import { dataContext, dataMeta, loadInputs, type InputFlags } from '../app/inputs.js';
import { computeLifecycle, warnSmallSamples, type LifecycleFlags } from '../app/lifecycle.js';
import { playbookTables } from '../app/playbook-tables.js';

export interface PlaybookFlags extends InputFlags, LifecycleFlags, ClvFlags {}

/** `clm playbook`: recommended actions per stage and segment, with customers and value at stake. */
export async function runPlaybook(flags: PlaybookFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const inputs = await loadInputs(flags, io, warn);
  const lc = computeLifecycle(inputs, flags);
  warnSmallSamples(lc, warn);
  const meta = dataMeta(inputs.data, 'playbook');
  let values: CustomerValues | undefined;
  if (flags.model !== undefined) {
    const settings = clvSettings(flags);
    values = customerValues(inputs, settings);
    values.warnings.forEach(warn);
    meta.clv = settingsMeta(values.settings, values.choice);
  }
  const context = dataContext(inputs.data);
  context.push(values ? 'value at stake: revenue to date and predicted value (--model)' : 'value at stake: revenue to date (add --model bgnbd for predicted value)');
  return { meta, context, tables: playbookTables(inputs, lc, values) };
}
