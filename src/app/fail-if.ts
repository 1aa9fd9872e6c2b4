import { changeName } from '../analytics/kpis.js';
import { compileRule, RuleSyntaxError, type CompiledRule, type RuleField, type RuleFunction, type RuleValue } from '../analytics/rule-expr.js';
import { UsageError } from '../domain/errors.js';
import { KPI_NAMES } from '../domain/goals.js';
import type { CommandResult } from '../render/result.js';

/**
 * `--fail-if`, the one implementation every command uses (kpis, cltv, backtest, report): one
 * parser (analytics/rule-expr), one evaluator over values looked up by their output name, one
 * way to exit 1 (`result.held`, which main prints after the output). Each command says which
 * names it accepts: the names of its output columns or manifest metrics, nothing else.
 */

/**
 * Old names still accepted with a warning: the change of a share was `retention_rate_change`
 * in --fail-if and the report while the CSV called it `retention_rate_change_pts`.
 */
export const DEPRECATED_FIELD_NAMES: ReadonlyMap<string, string> = new Map(
  KPI_NAMES.filter((n) => changeName(n) !== `${n}_change`).map((n) => [`${n}_change`, changeName(n)]),
);

/** Number fields by name. */
export function numberFields(names: readonly string[]): RuleField[] {
  return names.map((name) => ({ name, type: 'number' as const }));
}

/** What one command's --fail-if can read. */
export interface FailIfSpec {
  /** The output names, with their types. */
  fields: readonly RuleField[];
  /** Other spellings of the same names, not deprecated: [spelling, output name] (`backtest.mape` for `mape`). */
  aliases?: readonly (readonly [string, string])[];
  functions?: RuleFunction[];
  constants?: string[];
  /** The hint of a syntax error: what the fields and functions are. */
  hint: string;
}

export interface FailIf {
  text: string;
  rule: CompiledRule;
  /** reads[f]: the output name field f of the rule holds. */
  reads: readonly string[];
}

/** The rule fields of a spec: its names, their aliases, then the deprecated names of the ones among them. */
function fieldsOf(spec: FailIfSpec): { fields: RuleField[]; reads: string[] } {
  const byName = new Map(spec.fields.map((f) => [f.name, f]));
  const extra = [...(spec.aliases ?? []), ...[...DEPRECATED_FIELD_NAMES].filter(([old]) => !byName.has(old))].filter(([, now]) => byName.has(now));
  return {
    fields: [...spec.fields, ...extra.map(([alias, now]) => ({ ...byName.get(now)!, name: alias }))],
    reads: [...spec.fields.map((f) => f.name), ...extra.map(([, now]) => now)],
  };
}

/** A warning for each deprecated name the rule reads. */
function deprecatedNameWarnings(rule: CompiledRule, flag: string): string[] {
  return rule.fieldsUsed.flatMap((name) => {
    const now = DEPRECATED_FIELD_NAMES.get(name);
    return now ? [`${flag} ${rule.source}: ${name} is now called ${now} (the same value, a difference in points, as in the kpis CSV); the old name will stop working in a later version`] : [];
  });
}

/** Compiles the --fail-if texts, before any work, so a typo costs nothing (exit 2 with a caret under it). */
export function compileFailIf(texts: readonly string[], spec: FailIfSpec, warn: (m: string) => void): FailIf[] {
  const { fields, reads } = fieldsOf(spec);
  return texts.map((text, k) => {
    try {
      const rule = compileRule(text, { fields, functions: spec.functions, constants: spec.constants });
      deprecatedNameWarnings(rule, '--fail-if').forEach(warn);
      return { text, rule, reads };
    } catch (e: unknown) {
      if (e instanceof RuleSyntaxError) {
        throw new UsageError(`--fail-if ${k > 0 ? `#${k + 1} ` : ''}${e.message}\n    ${e.pointer().replace('\n', '\n    ')}`, spec.hint);
      }
      throw e;
    }
  });
}

/**
 * Checks the conditions over the run's values (by output name) and marks the result: the
 * manifest's `fail_if` lists each with whether it held, and `held` makes main exit 1 after
 * printing. `note` says what the values were of (the period, where the report went).
 */
export function applyFailIf(result: CommandResult, conditions: readonly FailIf[], valueOf: (name: string) => RuleValue | undefined, opts: { note?: string; listNone?: boolean } = {}): void {
  // backtest and the report manifest have always listed them ([] when none); the others only when given
  if (conditions.length === 0 && !opts.listNone) return;
  const note = opts.note;
  const held = conditions.filter((c) => c.rule.test((f) => valueOf(c.reads[f]) ?? null));
  result.meta.fail_if = conditions.map((c) => ({ condition: c.text, held: held.includes(c) }));
  if (held.length > 0) result.held = `--fail-if held: ${held.map((c) => c.text).join('; ')}${note ? ` (${note})` : ''}`;
}
