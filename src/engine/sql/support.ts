/**
 * What the compiled SQL (engine/sql/compile.ts) can and cannot honour exactly, in words, and
 * the mapped columns it reads. An engine that runs the SQL says these reasons from
 * `unsupported(spec)`; `clm sql` refuses the same options.
 */
import { getPreset, type FileMapping, type Preset } from '../../io/mapping.js';
import type { ReadSpec } from '../spec.js';
import type { SqlColumns } from './compile.js';
import { passGrain } from '../input-checks.js';

/** The options of a read that the SQL cannot honour exactly: the first reason, or null. */
export function sqlUnsupported(
  spec: Pick<ReadSpec, 'orders' | 'customers' | 'payments' | 'reviews' | 'grain' | 'dateOrder' | 'timezone' | 'decimalComma' | 'encoding' | 'rejectsFile' | 'strict' | 'preset' | 'countStatus' | 'excludeStatus'> & { map?: ReadSpec['map'] },
  /** The caller compiles with `grain: sqlGrain(spec, mapping)` and the rows' file order; else the SQL infers the grain from the columns. */
  passesGrain = false,
): string | null {
  const preset = getPreset(spec.preset);
  if (spec.orders === '-') return 'the orders come from stdin (the SQL reads a file or a table)';
  if (spec.customers === '-' || spec.payments === '-') return `the ${spec.customers === '-' ? 'customers' : 'payments'} come from stdin (the SQL reads a file or a table)`;
  if (spec.reviews !== undefined) return '--reviews is joined only by the streaming engine';
  const grainWhy = passesGrain ? null : grainFromColumnsDiffers(spec);
  if (grainWhy) return grainWhy;
  if (spec.dateOrder !== undefined) return '--date-format (day/month text dates) is read only by the streaming engine';
  if (spec.timezone !== undefined) return '--timezone (calendar days in a time zone) is read only by the streaming engine';
  if (spec.decimalComma) return '--decimal-comma amounts are read only by the streaming engine';
  if (spec.encoding !== undefined && !/^utf-?8$/i.test(spec.encoding)) return `--encoding ${spec.encoding} is read only by the streaming engine`;
  if (spec.rejectsFile !== undefined) return '--rejects (every rejected row with its file line) is written only by the streaming engine';
  if (spec.strict) return '--strict (stop at the first rejected row, naming its line) is honoured only by the streaming engine';
  return null;
}

/**
 * Without --grain, the SQL reads at the grain the columns give (compiledGrain: line items when
 * there is a quantity but no amount). True when the streaming engine's grain may be another:
 * --grain other than the preset's (without a preset, the columns decide), or a line-grain
 * preset whose lines have an amount column: the reason, or null.
 */
function grainFromColumnsDiffers(spec: { grain?: 'order' | 'line'; preset?: string; map?: ReadSpec['map'] }): string | null {
  const preset = getPreset(spec.preset);
  if (spec.grain !== undefined && spec.grain !== preset?.grain) {
    return `--grain ${spec.grain} (${spec.grain === 'line' ? 'line-item' : 'order'} grain named by hand${preset ? `, not the ${preset.name} preset's` : ''}) is read only by the streaming engine`;
  }
  if (preset?.grain === 'line' && (preset.orders.amount !== undefined || (spec.map?.orders.has('amount') ?? false))) {
    return `line-item grain with an amount column (preset ${preset.name}) is read only by the streaming engine`;
  }
  return null;
}

/** The grain the streaming engine reads at (engine/streaming/order-pass.ts passGrain), for CompileOptions.grain. */
export function sqlGrain(spec: Pick<ReadSpec, 'grain' | 'preset'>, mapping: FileMapping): 'order' | 'line' {
  return passGrain(spec, mapping);
}

/**
 * A reason the SQL cannot join --customers or --payments to orders with this mapping, or null:
 * it joins them to orders (order grain) whose amount comes from the payments by order id.
 */
export function joinsUnsupported(spec: Pick<ReadSpec, 'customers' | 'payments'>, mapping: FileMapping, grain: 'order' | 'line'): string | null {
  if (spec.customers === undefined && spec.payments === undefined) return null;
  const f = mapping.fields;
  if (grain === 'line') return 'a customers or payments file beside line items is joined only by the streaming engine';
  if (spec.payments !== undefined && (f.has('amount') || f.has('quantity'))) return '--payments beside an amount (or quantity) column in the orders is joined only by the streaming engine';
  if (spec.payments !== undefined && !f.has('order_id')) return '--payments without an order id column in the orders is joined only by the streaming engine';
  return null;
}

/** A reason the SQL cannot read a file with this mapping, or null (after the header is known); `paid`: the amounts come from --payments. */
export function mappingUnsupported(mapping: FileMapping, grain?: 'order' | 'line', paid = false): string | null {
  const f = mapping.fields;
  if (f.has('amount') || paid) return null;
  if (!(f.has('quantity') && f.has('unit_price'))) return 'no amount column, nor a quantity and a unit price, nor --payments to take the amounts from';
  if (grain === 'order') return 'quantity x unit price at order grain (--grain order) is read only by the streaming engine';
  return null;
}

/** The columns the SQL reads, from the mapping of a file's header. */
export function columnsOfMapping(mapping: FileMapping, nameOf: (index: number, column: string) => string = (_, c) => c): SqlColumns {
  const f = mapping.fields;
  const col = (name: string): string | undefined => {
    const m = f.get(name);
    return m && nameOf(m.index, m.column);
  };
  return {
    customer_id: col('customer_id')!,
    order_date: col('order_date')!,
    amount: col('amount'),
    quantity: col('quantity'),
    unit_price: col('unit_price'),
    order_id: col('order_id'),
    status: col('status'),
    currency: col('currency'),
    refund: col('refund'),
    cancelled_at: col('cancelled_at'),
    channel: col('channel'),
    country: col('country'),
  };
}

const SQL_FIELDS = ['customer_id', 'order_date', 'amount', 'order_id', 'status', 'currency', 'refund', 'cancelled_at'] as const;

/**
 * The columns of a table that has no header to match (`clm sql --table`): --map names a
 * field's column; else the preset's first name for it; else the field's own name for the
 * three required fields. Optional fields are read only when mapped.
 */
export function columnsOfTable(preset: Preset | undefined, map: ReadonlyMap<string, string>): SqlColumns {
  const out: Record<string, string | undefined> = {};
  for (const field of SQL_FIELDS) {
    const named = map.get(field) ?? preset?.orders[field]?.[0];
    out[field] = named ?? (field === 'customer_id' || field === 'order_date' || field === 'amount' ? field : undefined);
  }
  return out as unknown as SqlColumns;
}
