import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseIsoDay } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';
import { GOAL_METRICS, GOAL_PERIOD_UNITS, RATE_KPIS } from '../domain/goals.js';
import { NO_PRESET, PRESETS } from './mapping.js';

/**
 * `clm.config.json` (spec §10): inputs, mapping, preset, currency, time zone, thresholds,
 * custom segments. Looked up in the working directory unless `--config FILE` names one.
 * Validated with zod (a schema library, so every message names the key path and what was
 * expected); flags always win over the config. Keys are snake_case like the output columns.
 */

const positiveDays = z.number().int('expected a whole number of days').positive('expected a positive number of days');

const mappingBlock = z.record(z.string(), z.string().min(1, 'expected a column name'));

const segmentRule = z.strictObject({
  name: z.string().min(1, 'expected a segment name'),
  rule: z.string().min(1, 'expected a rule such as revenue > 500'),
  description: z.string().optional(),
});

const playText = z.strictObject({
  goal: z.string().min(1).optional(),
  actions: z.string().min(1, 'expected the recommended actions as text').optional(),
});

/** One goal of `goals` (clm kpis): a target, optionally a date to reach it by. */
const goalBlock = z.strictObject({
  target: z.number('expected a number (a share as a fraction: 0.40 for 40%)'),
  by: z
    .string()
    .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && parseIsoDay(s) !== undefined, 'expected a date YYYY-MM-DD')
    .optional(),
  direction: z.enum(['higher', 'lower']).optional(),
  period: z.enum(GOAL_PERIOD_UNITS).optional(),
  description: z.string().optional(),
});

/** `goals`: one optional block per metric; share targets are fractions. */
const goalsBlock = z
  .strictObject(Object.fromEntries(GOAL_METRICS.map((m) => [m, goalBlock.optional()])) as Record<(typeof GOAL_METRICS)[number], z.ZodOptional<typeof goalBlock>>)
  .superRefine((goals, ctx) => {
    for (const [name, g] of Object.entries(goals)) {
      if (g && RATE_KPIS.has(name) && (g.target < 0 || g.target > 1)) {
        ctx.addIssue({ code: 'custom', path: [name, 'target'], message: `expected a share between 0 and 1 (0.40 for 40%), not ${g.target}` });
      }
    }
  });

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  inputs: z
    .strictObject({
      orders: z.string().optional(),
      customers: z.string().optional(),
      payments: z.string().optional(),
      reviews: z.string().optional(),
    })
    .optional(),
  preset: z
    .string()
    .refine((name) => name in PRESETS || name === NO_PRESET, { message: `unknown preset; known presets: ${Object.keys(PRESETS).join(', ')} (or ${NO_PRESET})` })
    .optional(),
  mapping: z
    .strictObject({
      orders: mappingBlock.optional(),
      customers: mappingBlock.optional(),
      payments: mappingBlock.optional(),
      reviews: mappingBlock.optional(),
    })
    .optional(),
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'expected a three-letter currency code').optional(),
  timezone: z.string().optional(),
  date_format: z.enum(['DD/MM/YYYY', 'MM/DD/YYYY']).optional(),
  decimal_comma: z.boolean().optional(),
  /** What reads the orders, as --engine. */
  engine: z.enum(['auto', 'streaming', 'duckdb']).optional(),
  /** Statuses that count as paid orders / that are left out, beside the built-in list (as --count-status / --exclude-status). */
  count_status: z.array(z.string().min(1, 'expected a status')).optional(),
  exclude_status: z.array(z.string().min(1, 'expected a status')).optional(),
  thresholds: z
    .strictObject({
      active_days: positiveDays.optional(),
      churn_days: positiveDays.optional(),
      loyal_min_orders: z.number().int('expected a whole number of purchase days').min(2, 'expected at least 2').optional(),
    })
    .optional(),
  rfm: z.strictObject({ monetary: z.enum(['mean', 'total']).optional() }).optional(),
  segments: z
    .strictObject({
      rules: z.array(segmentRule).min(1, 'expected at least one rule'),
      default: z.string().min(1).optional(),
    })
    .optional(),
  /** Replaces the default playbook text of a stage or RFM segment (clm playbook, the report). */
  playbook: z
    .strictObject({
      stages: z.partialRecord(z.enum(['prospect', 'new', 'active', 'loyal', 'advocate', 'at_risk', 'churned', 'reactivated']), playText).optional(),
      segments: z.record(z.string(), playText).optional(),
    })
    .optional(),
  goals: goalsBlock.optional(),
  /** Report options belong to `clm report`; accepted here so one file serves every command. */
  report: z.record(z.string(), z.unknown()).optional(),
});

export type ClmConfig = z.infer<typeof configSchema>;

export interface LoadedConfig {
  path: string;
  config: ClmConfig;
}

export const CONFIG_FILE = 'clm.config.json';

/** The largest config read (a config is a few KB; this leaves room for long segment lists). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Reads and validates the config: `explicit` (from --config) must exist; otherwise
 * clm.config.json in `cwd` is used when present. Paths in `inputs` are relative to the file.
 */
export function loadConfig(cwd: string, explicit?: string): LoadedConfig | undefined {
  const path = explicit !== undefined ? resolve(cwd, explicit) : resolve(cwd, CONFIG_FILE);
  let text: string;
  try {
    const st = statSync(path, { throwIfNoEntry: explicit !== undefined });
    if (explicit === undefined && !st?.isFile()) return undefined;
    // a config is a small JSON file: /dev/zero or a 2 GB file is refused before it is read
    if (st && !st.isFile()) throw new UsageError(`--config ${explicit}: not a regular file`, 'name a JSON file');
    if (st && st.size > MAX_CONFIG_BYTES) throw new UsageError(`--config ${explicit ?? CONFIG_FILE}: ${st.size.toLocaleString('en-US')} bytes is more than a config holds (at most ${MAX_CONFIG_BYTES / 1024 / 1024} MB)`, 'name the clm.config.json file');
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read the config file ${explicit}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the path given to --config');
  }
  const shown = explicit ?? CONFIG_FILE;
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new UsageError(`${shown}: not valid JSON: ${jsonErrorWhere(text, (e as Error).message)}`, 'fix the JSON syntax (a trailing comma or a missing quote is the usual cause)');
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const keyPath = formatKeyPath(issue.path);
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    }
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem${parsed.error.issues.length > 2 ? 's' : ''})` : '';
    throw new UsageError(`${shown}: ${keyPath ? `${keyPath}: ` : ''}${message}${more}`, 'see the Configuration section of the README for the keys and their types');
  }
  const config = parsed.data;
  const base = dirname(path);
  if (config.inputs) {
    for (const k of ['orders', 'customers', 'payments', 'reviews'] as const) {
      const p = config.inputs[k];
      if (p !== undefined && p !== '-' && !isAbsolute(p)) config.inputs[k] = resolve(base, p);
    }
  }
  return { path, config };
}

/** `thresholds.active_days`, `segments.rules[2].rule`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += (s ? '.' : '') + String(p);
  }
  return s;
}

/** JSON.parse says "at position N"; people want a line and column. */
function jsonErrorWhere(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return message;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
}
