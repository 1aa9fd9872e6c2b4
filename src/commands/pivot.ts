import { RFM_SEGMENTS } from '../analytics/rfm.js';
import { checkPivotSpec, parseColumnList, parseMeasures, type PivotSpec } from '../analytics/pivot-spec.js';
import { columnsFromRows, pivotTable } from '../analytics/pivot.js';
import { UsageError } from '../domain/errors.js';
import { STAGES } from '../domain/stage.js';
import type { CliIO } from '../io/cli-io.js';
import { visibleControls } from '../domain/csv-text.js';
import { guardSpreadsheet } from '../render/cells.js';
import { tableOf, type Column, type CommandResult } from '../render/result.js';
import { customersResult, type CustomersFlags } from '../app/customer-result.js';
import { CLV_COLUMNS, NEXT_ORDER_COLUMNS } from '../app/customer-rows.js';

export interface PivotFlags extends CustomersFlags {
  rows?: string;
  cols?: string;
  measure?: string;
  totals?: boolean;
  shares?: boolean;
}

const MODEL_COLUMNS = new Set([...CLV_COLUMNS, ...NEXT_ORDER_COLUMNS].map((c) => c.name));

/**
 * `clm pivot`: measures of the `clm customers` table (the same rows: --where, --model, --period
 * and the inputs as there) by --rows x --cols, aggregated by analytics/pivot.ts.
 */
export async function runPivot(flags: PivotFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  const spec: PivotSpec = {
    rows: parseColumnList(flags.rows, '--rows'),
    cols: parseColumnList(flags.cols, '--cols'),
    measures: parseMeasures(flags.measure ?? 'customers'),
    totals: flags.totals === true,
    shares: flags.shares === true,
  };
  if (spec.rows.length === 0) throw new UsageError('clm pivot needs --rows', 'e.g. --rows country (columns as in clm customers: stage, rfm_segment, cohort, the attributes ...)');
  // a model column fits the default model when --model is not given, as --where does in clm customers
  const named = [...spec.rows, ...spec.cols, ...spec.measures.flatMap((m) => (m.column ? [m.column] : []))];
  const needsModel = flags.model === undefined && named.some((n) => MODEL_COLUMNS.has(n));
  const customers = await customersResult(needsModel ? { ...flags, model: 'auto' } : flags, io, warn);
  const table = customers.tables[0];
  checkPivotSpec(spec, table.columns, (name) =>
    MODEL_COLUMNS.has(name) ? `${name} needs a purchase model: --model bgnbd, pnbd or mbgnbd (or auto).` : undefined,
  );
  const wanted = [...new Set(named)];
  const indices = wanted.map((n) => table.columns.findIndex((c) => c.name === n));
  const fields = indices.map((i) => table.columns[i]);
  const data = columnsFromRows(fields, indices, table.rowCount, table.rows());
  const result = pivotTable(data, spec, { stage: STAGES, rfm_segment: RFM_SEGMENTS });
  const meta = { ...customers.meta, command: 'pivot', pivot: { rows: spec.rows, cols: spec.cols, measures: spec.measures.map((m) => m.text), totals: spec.totals, shares: spec.shares } };
  const by = spec.cols.length > 0 ? `${spec.rows.join(', ')} x ${spec.cols.join(', ')}` : spec.rows.join(', ');
  return {
    meta,
    context: [...customers.context, `${table.rowCount.toLocaleString('en-US')} customers by ${by}`],
    tables: [tableOf('pivot', `${spec.measures.map((m) => m.name).join(', ')} by ${by}`, result.columns.map(safeName), result.rows)],
  };
}

/**
 * Column names made of --cols values come from the input: no control character reaches a
 * terminal or breaks a TSV header, and a name a spreadsheet would run as a formula is guarded
 * like a text cell.
 */
function safeName(c: Column): Column {
  const name = guardSpreadsheet(visibleControls(c.name));
  return name === c.name ? c : { ...c, name };
}
