import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { UsageError } from '../domain/errors.js';
import type { CliIO } from '../io/cli-io.js';
import { CONFIG_FILE, configSchema, type ClmConfig } from '../io/config.js';
import { getPreset, mapColumns, parseMapFlags, type FileKind, type FileMapping } from '../io/mapping.js';
import { parseDelimiterFlag, scanTable } from '../io/read-table.js';
import { recognisePreset } from '../io/recognise-export.js';
import { classifyStatus, type StatusClass } from '../engine/rules.js';
import { AtomicFile } from '../io/write-output.js';
import { tableOf, type Cell, type CommandResult } from '../render/result.js';

export interface InitFlags {
  orders?: string;
  customers?: string;
  payments?: string;
  reviews?: string;
  preset?: string;
  map?: string[];
  delimiter?: string;
  encoding?: string;
  config?: string;
  force?: boolean;
}

/** Orders rows init reads for their statuses (the header alone would not show `bezahlt`). */
const STATUS_SAMPLE_ROWS = 20_000;

/**
 * The header of a file and the mapping clm would use for it; for the orders, the statuses of
 * the first rows that clm does not know (they would be left out of every later run).
 */
async function detect(kind: FileKind, path: string, flags: InitFlags): Promise<{ mapping: FileMapping; unknownStatuses: Map<string, number>; sampled: number }> {
  let mapping: FileMapping | undefined;
  const unknownStatuses = new Map<string, number>();
  let sampled = 0;
  const preset = getPreset(flags.preset);
  const delimiter = flags.delimiter !== undefined ? parseDelimiterFlag(flags.delimiter) : undefined;
  await scanTable({ path, encoding: flags.encoding, delimiter: delimiter ?? (kind === 'orders' && preset?.whitespace ? 'whitespace' : undefined), headerless: kind === 'orders' ? preset?.headerless : undefined, what: kind }, (h) => {
    mapping = mapColumns(kind, h.headers, preset, parseMapFlags(flags.map ?? [])[kind], path);
    const status = kind === 'orders' ? mapping.fields.get('status') : undefined;
    if (!status) return () => false;
    const known = new Map<string, StatusClass>();
    return (r) => {
      const raw = r.field(status.index).trim();
      if (classifyStatus(raw, known) === 'unknown') unknownStatuses.set(raw, (unknownStatuses.get(raw) ?? 0) + 1);
      return ++sampled < STATUS_SAMPLE_ROWS;
    };
  });
  return { mapping: mapping!, unknownStatuses, sampled };
}

/** Statuses the first orders have and clm does not know: said, since every later run leaves them out. */
function unknownStatusWarning(path: string, unknown: Map<string, number>, sampled: number): string | null {
  if (unknown.size === 0) return null;
  const rows = [...unknown.values()].reduce((a, b) => a + b, 0);
  const top = [...unknown].sort((a, b) => b[1] - a[1]);
  return `${path}: ${rows.toLocaleString('en-US')} of the first ${sampled.toLocaleString('en-US')} orders have a status clm does not know (${top
    .slice(0, 6)
    .map(([v, n]) => `${JSON.stringify(v)} ${n.toLocaleString('en-US')}`)
    .join(', ')}), so every run would leave them out; if ${top.length === 1 ? 'it means' : 'they mean'} paid, add "count_status": ${JSON.stringify(top.slice(0, 6).map(([v]) => v))} to the config (or pass --count-status)`;
}

/**
 * `clm init`: writes a starter clm.config.json from the mapping detected in the given
 * files, so later runs need no flags. The file validates against the config schema before
 * it is written; an existing config is kept unless --force.
 */
export async function runInit(flags: InitFlags, io: CliIO, warn: (m: string) => void = () => {}): Promise<CommandResult> {
  if (!flags.orders) throw new UsageError('--orders FILE is required', 'clm init --orders orders.csv [--customers customers.csv] [--preset NAME]');
  if (flags.orders === '-') throw new UsageError('clm init needs a file, not stdin', 'pass the path of the orders export');
  const target = resolve(io.cwd, flags.config ?? CONFIG_FILE);
  if (existsSync(target) && !flags.force) {
    throw new UsageError(`${flags.config ?? CONFIG_FILE} exists already`, 'pass --force to replace it, or --config FILE to write another file');
  }
  const files: [FileKind, string | undefined][] = [
    ['orders', flags.orders],
    ['customers', flags.customers],
    ['payments', flags.payments],
    ['reviews', flags.reviews],
  ];
  const config: ClmConfig = { inputs: {}, mapping: {} };
  // a recognised export gets its preset in the config, not the generic guesses (which map a
  // Shopify order id to "Payment ID" and key Olist by order); --preset and --map still win
  if (flags.preset === undefined) {
    const delimiter = flags.delimiter !== undefined ? parseDelimiterFlag(flags.delimiter) : undefined;
    const found = await recognisePreset({ orders: resolve(io.cwd, flags.orders), customers: flags.customers && resolve(io.cwd, flags.customers) }, flags.encoding, delimiter);
    for (const note of found.notes) warn(relativeNote(note, io.cwd));
    if (found.preset) flags = { ...flags, preset: found.preset };
  }
  if (flags.preset) config.preset = flags.preset;
  const rows: Cell[][] = [];
  const base = resolve(target, '..');
  for (const [kind, path] of files) {
    if (!path) continue;
    const { mapping: m, unknownStatuses, sampled } = await detect(kind, resolve(io.cwd, path), flags);
    const unknown = unknownStatusWarning(path, unknownStatuses, sampled);
    if (unknown) warn(unknown);
    config.inputs![kind] = relative(base, resolve(io.cwd, path)) || path;
    const block: Record<string, string> = {};
    for (const f of m.fields.values()) {
      block[f.field] = f.column;
      rows.push([kind, f.field, f.column, f.how]);
    }
    config.mapping![kind] = block;
  }
  const checked = configSchema.safeParse(config);
  if (!checked.success) throw new UsageError(`the detected config does not validate: ${checked.error.issues[0].message}`);
  const out = new AtomicFile(target);
  await out.sink.write(JSON.stringify(config, null, 2) + '\n');
  await out.commit();
  return {
    meta: { command: 'init', config: target, mapping: config.mapping },
    context: [`wrote ${relative(io.cwd, target) || target}: inputs${config.preset ? `, preset ${config.preset}` : ''} and the column mapping below; add thresholds and segments as the README's Configuration section shows`],
    tables: [
      tableOf('mapping', 'Detected column mapping', [
        { name: 'file', type: 'string' },
        { name: 'field', type: 'string' },
        { name: 'column', type: 'string', fromInput: true },
        { name: 'matched_by', type: 'string' },
      ], rows),
    ],
  };
}

/** A note about an absolute path, told relative to the working directory. */
function relativeNote(note: string, cwd: string): string {
  const colon = note.indexOf(': ');
  return colon > 0 ? `${relative(cwd, note.slice(0, colon)) || note.slice(0, colon)}${note.slice(colon)}` : note;
}
