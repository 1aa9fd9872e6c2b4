import type { ReportMetrics } from '../analytics/report-metrics.js';
import { RFM_SEGMENTS } from '../analytics/rfm.js';
import type { RuleFunction } from '../analytics/rule-expr.js';
import { closedSet } from '../analytics/rule-values.js';
import { UsageError } from '../domain/errors.js';
import { GOAL_STATUSES } from '../domain/goals.js';
import { STAGES } from '../domain/stage.js';
import { numberFields, type FailIfSpec } from '../app/fail-if.js';
import { goalFunctions, type GoalRow } from '../app/goals.js';
import type { Lifecycle } from '../app/lifecycle.js';

const STAGE_SET = closedSet('a stage', 'stages', STAGES);
const RFM_SET = closedSet('an RFM segment', 'RFM segments', RFM_SEGMENTS);

/**
 * `clm report --fail-if`: conditions over everything the report knows, each by its name in
 * the manifest's metrics: the report's own metrics (customers, prospects, known, net_revenue,
 * repeat_rate, window_churn_rate, at_risk_rate), the KPIs of the latest complete month and
 * their changes (churn_rate, retention_rate_change_pts, ...; clv, nps), backtest.NAME, and
 * the functions share(stage), count(stage), segment_share("Champions"), goal(NAME),
 * goal_distance(NAME), goal_current(NAME).
 */
export function reportFailIfSpec(m: ReportMetrics, lc: Lifecycle, goals: readonly GoalRow[]): FailIfSpec {
  const segCounts = new Map<string, number>();
  for (let j = 0; j < lc.buyers.length; j++) {
    const name = RFM_SEGMENTS[lc.rfm.segment[j]];
    segCounts.set(name, (segCounts.get(name) ?? 0) + 1);
  }
  const stageArg = (v: unknown): string => {
    const s = String(v);
    if (!(STAGES as readonly string[]).includes(s)) throw new UsageError(`--fail-if: ${JSON.stringify(s)} is not a stage`, `stages: ${STAGES.join(', ')}`);
    return s;
  };
  const functions: RuleFunction[] = [
    { name: 'share', arity: 1, nameArgs: true, call: (s) => (m.known > 0 ? m.stageCounts[stageArg(s)] / m.known : null), argValues: STAGE_SET },
    { name: 'count', arity: 1, nameArgs: true, call: (s) => m.stageCounts[stageArg(s)], argValues: STAGE_SET },
    { name: 'segment_share', arity: 1, call: (s) => (lc.buyers.length > 0 ? (segCounts.get(String(s)) ?? 0) / lc.buyers.length : null), argValues: RFM_SET },
    ...goalFunctions(() => goals),
  ];
  return {
    fields: numberFields(Object.keys(m.values)),
    functions,
    constants: [...STAGES, ...GOAL_STATUSES],
    hint: 'metrics: clm report --help lists them; functions: share(stage), count(stage), segment_share("RFM segment"), goal(NAME)',
  };
}
