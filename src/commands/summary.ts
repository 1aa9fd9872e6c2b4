import type { CliIO } from '../io/cli-io.js';
import type { CommandResult } from '../render/result.js';
import { dataContext, dataMeta, loadInputs, mappingTable, reconciliationTable, type InputFlags } from '../app/inputs.js';
import { summaryTable, plainValue } from '../app/summary-table.js';

/** `clm summary`: headline figures, the mapping used and the reconciliation of every row. */
export async function runSummary(flags: InputFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const { data, listedSince } = await loadInputs(flags, io, warn);
  const { metrics, table } = summaryTable(data, listedSince);
  const meta = dataMeta(data, 'summary');
  meta.summary = Object.fromEntries(metrics.map(([k, , v, type]) => [k, plainValue(v, type)]));
  if (data.customersFile) {
    const f = data.customersFile;
    meta.customers_file = { rows: f.rows, customers: f.customers, duplicate_rows: f.duplicateRows, blank_id_rows: f.blankIdRows, broken_rows: f.brokenRows, blank_rows: f.blankRows, repeated_header_rows: f.repeatedHeaderRows };
  }
  return {
    meta,
    context: dataContext(data),
    tables: [table, mappingTable(data), reconciliationTable(data)],
  };
}
