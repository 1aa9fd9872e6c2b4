import { changeInPoints } from '../analytics/kpis.js';
import { displayCell } from '../render/cells.js';
import type { ColumnType } from '../render/result.js';
import { metricColumnType } from './kpi-tables.js';

/**
 * How each named metric of the report, the backtest and the model fit reads for people:
 * counts as integers, money to the cent, shares as percentages (one column of mixed metrics
 * has no single type, so the `display` column beside the machine `value` carries it).
 */
const TYPES: Record<string, { type: ColumnType; decimals?: number }> = {
  customers: { type: 'int' },
  prospects: { type: 'int' },
  known: { type: 'int' },
  net_revenue: { type: 'money' },
  repeat_rate: { type: 'percent' },
  window_churn_rate: { type: 'percent' },
  at_risk_rate: { type: 'percent' },
  average_review_score: { type: 'number', decimals: 2 },
  // the backtest
  calibration_purchases: { type: 'int' },
  actual_purchases: { type: 'int' },
  predicted_purchases: { type: 'number', decimals: 1 },
  error: { type: 'percent' },
  abs_error: { type: 'percent' },
  mape: { type: 'percent' },
  mae: { type: 'number', decimals: 3 },
  rmse: { type: 'number', decimals: 3 },
  lift_top_decile: { type: 'number', decimals: 2 },
  // the model fit
  log_likelihood: { type: 'number', decimals: 2 },
  customers_fitted: { type: 'int' },
  iterations: { type: 'int' },
  spend_frequency_correlation: { type: 'number', decimals: 3 },
};

/** `converged`/`usable` are yes/no; a `_change` is +x% (relative) or +x pts (shares). */
export function metricDisplay(name: string, v: number | null, fallback: { type: ColumnType; decimals?: number } = { type: 'number', decimals: 4 }): string {
  if (v === null) return '';
  const key = name.startsWith('backtest.') ? name.slice('backtest.'.length) : name;
  if (key === 'converged' || key === 'usable') return v ? 'yes' : 'no';
  // NAME_change_pts: the difference of two shares, in percentage points; NAME_change: relative
  const change = /^(.+)_change(_pts)?$/.exec(key);
  if (change) {
    const sign = v > 0 ? '+' : v < 0 ? '-' : '±';
    return change[2] !== undefined || changeInPoints(change[1]) ? `${sign}${Math.abs(100 * v).toFixed(1)} pts` : `${sign}${Math.abs(100 * v).toFixed(1)}%`;
  }
  const t = TYPES[key] ?? (/_(rate|share)$/.test(key) ? { type: 'percent' as const } : KNOWN_KPI(key) ? metricColumnType(key) : fallback);
  return displayCell(v, { name: key, ...t });
}

function KNOWN_KPI(name: string): boolean {
  return ['active_customers', 'new_customers', 'returning_customers', 'retention_rate', 'churn_rate', 'repeat_purchase_rate', 'orders', 'average_order_value', 'purchase_frequency', 'revenue', 'revenue_from_existing_share', 'average_historical_value', 'clv', 'nps'].includes(name);
}
