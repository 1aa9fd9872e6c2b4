import { changeName } from '../analytics/kpis.js';
import { compileRule, RuleSyntaxError, type CompiledRule, type RuleField, type RuleFunction, type RuleValue } from '../analytics/rule-expr.js';
import { closedSet } from '../analytics/rule-values.js';
import { UsageError } from '../domain/errors.js';
import { GOAL_METRICS, GOAL_STATUSES, KPI_NAMES } from '../domain/goals.js';
import type { GoalRow, KpisRun } from './kpis.js';

/**
 * `clm kpis --fail-if` (and the KPI fields of `clm report --fail-if`): conditions over the
 * KPIs of the latest complete period, their changes, clv, nps and the review score.
 */

/**
 * Fields --fail-if can read: every KPI and its change (NAME_change_pts for the shares, as in
 * the kpis CSV), clv, nps, average_review_score.
 */
export const CONDITION_FIELDS: readonly string[] = [...KPI_NAMES, ...KPI_NAMES.map(changeName), 'clv', 'nps', 'average_review_score'];

/**
 * Old names still accepted with a warning: the change of a share was `retention_rate_change`
 * in --fail-if and the report while the CSV called it `retention_rate_change_pts`.
 */
export const DEPRECATED_CONDITION_FIELDS: ReadonlyMap<string, string> = new Map(
  KPI_NAMES.filter((n) => changeName(n) !== `${n}_change`).map((n) => [`${n}_change`, changeName(n)]),
);

/**
 * Number fields for `names`, then the deprecated aliases of the ones among them; `reads[f]`
 * is the name whose value field f holds.
 */
export function withDeprecatedNames(names: readonly string[]): { fields: RuleField[]; reads: string[] } {
  const have = new Set(names);
  const aliases = [...DEPRECATED_CONDITION_FIELDS].filter(([old, now]) => have.has(now) && !have.has(old));
  return {
    fields: [...names, ...aliases.map(([old]) => old)].map((name) => ({ name, type: 'number' as const })),
    reads: [...names, ...aliases.map(([, now]) => now)],
  };
}

/** A warning for each deprecated name the rule reads. */
export function deprecatedNameWarnings(rule: CompiledRule, flag: string): string[] {
  return rule.fieldsUsed.flatMap((name) => {
    const now = DEPRECATED_CONDITION_FIELDS.get(name);
    return now ? [`${flag} ${rule.source}: ${name} is now called ${now} (the same value, a difference in points, as in the kpis CSV); the old name will stop working in a later version`] : [];
  });
}

interface Condition {
  text: string;
  rule: CompiledRule;
  /** Set when the run's values are known. */
  env: { run?: KpisRun };
}

function goalArg(v: RuleValue, run: KpisRun | undefined): GoalRow {
  const name = String(v);
  if (!(GOAL_METRICS as readonly string[]).includes(name)) throw new UsageError(`--fail-if: ${JSON.stringify(name)} is not a goal metric`, `goal metrics: ${GOAL_METRICS.join(', ')}`);
  const g = run?.goals.find((x) => x.metric === name);
  if (!g) throw new UsageError(`--fail-if: no goal for ${name} in the config`, `add "goals": {"${name}": {"target": ..., "by": "YYYY-MM-DD"}} to the config, or drop the condition`);
  return g;
}

const KPI_FIELDS = withDeprecatedNames(CONDITION_FIELDS);
const GOAL_STATUS_SET = closedSet('a goal status', 'goal statuses', GOAL_STATUSES);
const GOAL_METRIC_SET = closedSet('a goal metric', 'goal metrics', GOAL_METRICS);

export function compileConditions(texts: string[], warn: (m: string) => void): Condition[] {
  return texts.map((text, k) => {
    const env: Condition['env'] = {};
    const functions: RuleFunction[] = [
      { name: 'goal', arity: 1, nameArgs: true, call: (n) => goalArg(n, env.run).status, values: GOAL_STATUS_SET, argValues: GOAL_METRIC_SET },
      { name: 'goal_distance', arity: 1, nameArgs: true, call: (n) => goalArg(n, env.run).distance, argValues: GOAL_METRIC_SET },
      { name: 'goal_current', arity: 1, nameArgs: true, call: (n) => goalArg(n, env.run).current, argValues: GOAL_METRIC_SET },
    ];
    try {
      const rule = compileRule(text, { fields: KPI_FIELDS.fields, functions, constants: [...GOAL_STATUSES] });
      deprecatedNameWarnings(rule, '--fail-if').forEach(warn);
      return { text, rule, env };
    } catch (e: unknown) {
      if (e instanceof RuleSyntaxError) {
        throw new UsageError(
          `--fail-if ${k > 0 ? `#${k + 1} ` : ''}${e.message}\n    ${e.pointer().replace('\n', '\n    ')}`,
          `fields: the KPIs (${KPI_NAMES.join(', ')}), NAME_change (NAME_change_pts for shares), clv, nps, average_review_score; functions: goal(NAME) (met, on_track, behind, missed, no_data), goal_distance(NAME), goal_current(NAME)`,
        );
      }
      throw e;
    }
  });
}

/** The texts of the conditions that hold over the run's values. */
export function checkConditions(conditions: Condition[], run: KpisRun): string[] {
  const held: string[] = [];
  for (const c of conditions) {
    c.env.run = run;
    if (c.rule.test((f) => run.metrics[KPI_FIELDS.reads[f]] ?? null)) held.push(c.text);
  }
  return held;
}
