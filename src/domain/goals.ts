/**
 * Names shared by the KPI analytics (analytics/kpis.ts), the goals block of the config
 * (io/config.ts) and `clm kpis`: the per-period KPIs, the other metrics a goal can name,
 * which way is better for each, and the goal statuses.
 */

/** Per-period KPIs, in the order of the kpis table. */
export const KPI_NAMES = [
  'active_customers',
  'new_customers',
  'returning_customers',
  'retention_rate',
  'churn_rate',
  'repeat_purchase_rate',
  'orders',
  'average_order_value',
  'purchase_frequency',
  'revenue',
  'revenue_from_existing_share',
  'average_historical_value',
] as const;
export type KpiName = (typeof KPI_NAMES)[number];

/** KPIs that are shares (fractions 0..1): their change is a difference in points, not a ratio. */
export const RATE_KPIS: ReadonlySet<string> = new Set(['retention_rate', 'churn_rate', 'repeat_purchase_rate', 'revenue_from_existing_share']);

/**
 * Metrics a goal can name: every KPI, plus `clv` (mean customer value: the model's mean CLV
 * with --model, else the average historical value), `nps` (-100..100, from the customers
 * file's nps column) and `average_review_score` (1-5).
 */
export const GOAL_METRICS = [...KPI_NAMES, 'clv', 'nps', 'average_review_score'] as const;
export type GoalMetric = (typeof GOAL_METRICS)[number];

/** Which way is better. Higher for every metric except churn_rate; a goal may override it. */
export type GoalDirection = 'higher' | 'lower';
export function defaultDirection(metric: string): GoalDirection {
  return metric === 'churn_rate' ? 'lower' : 'higher';
}

/**
 * met: the current value reaches the target (>= for higher, <= for lower is better);
 * on_track: not met, the `by` date is still ahead, and the recent trend reaches the target by then;
 * behind: not met, the `by` date is still ahead, and the trend does not reach it (or there is none);
 * missed: not met and the `by` date has passed;
 * no_data: the data has no value for the metric.
 */
export const GOAL_STATUSES = ['met', 'on_track', 'behind', 'missed', 'no_data'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

/** Goals are evaluated on this period unit unless the goal names one. */
export const GOAL_PERIOD_UNITS = ['month', 'quarter', 'year'] as const;
export type GoalPeriodUnit = (typeof GOAL_PERIOD_UNITS)[number];
