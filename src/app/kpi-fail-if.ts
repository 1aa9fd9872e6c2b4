import { changeName } from '../analytics/kpis.js';
import type { RuleFunction } from '../analytics/rule-expr.js';
import { GOAL_STATUSES, KPI_NAMES } from '../domain/goals.js';
import { numberFields, type FailIfSpec } from './fail-if.js';

/**
 * What `clm kpis --fail-if` (and the KPI part of `clm report --fail-if`) reads: the KPIs of
 * the latest complete period and their changes, named as the kpis CSV names them (NAME_change,
 * NAME_change_pts for the shares), clv, nps, average_review_score, and the goal functions.
 */
export const KPI_FAIL_IF_NAMES: readonly string[] = [...KPI_NAMES, ...KPI_NAMES.map(changeName), 'clv', 'nps', 'average_review_score'];

export const KPI_FAIL_IF_HINT = `fields: the KPIs (${KPI_NAMES.join(', ')}), NAME_change (NAME_change_pts for shares), clv, nps, average_review_score; functions: goal(NAME) (met, on_track, behind, missed, no_data), goal_distance(NAME), goal_current(NAME)`;

/** The --fail-if spec of `clm kpis`: `goals` is the goal functions, bound to the run's goals once known. */
export function kpisFailIfSpec(goals: RuleFunction[]): FailIfSpec {
  return { fields: numberFields(KPI_FAIL_IF_NAMES), functions: goals, constants: [...GOAL_STATUSES], hint: KPI_FAIL_IF_HINT };
}
