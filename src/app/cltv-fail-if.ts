import type { ClvScores } from '../analytics/clv/score.js';
import type { Analysis, DataChecks } from '../analytics/data-checks.js';
import type { RuleField, RuleValue } from '../analytics/rule-expr.js';
import type { FailIfSpec } from './fail-if.js';

/**
 * `clm cltv --fail-if`: conditions over the fit and the data checks, for scheduled runs, e.g.
 * `--fail-if 'not converged'` or `--fail-if 'unsafe or repeat_buyers < 500'`.
 */
export const CLTV_CONDITION_FIELDS: readonly RuleField[] = [
  { name: 'converged', type: 'boolean' },
  { name: 'usable', type: 'boolean' },
  { name: 'spend_converged', type: 'boolean' },
  { name: 'log_likelihood', type: 'number' },
  { name: 'customers_fitted', type: 'number' },
  { name: 'spend_frequency_correlation', type: 'number' },
  { name: 'unsafe', type: 'boolean' },
  { name: 'caution', type: 'boolean' },
  { name: 'customers', type: 'number' },
  { name: 'repeat_buyers', type: 'number' },
  { name: 'history_days', type: 'number' },
  { name: 'one_time_share', type: 'number' },
  { name: 'nonpositive_spend_customers', type: 'number' },
];

export type CltvConditionValues = Record<string, RuleValue>;

/** The values of CLTV_CONDITION_FIELDS for a run: null where a run has none (no fit, no orders). */
export function cltvConditionValues(scores: Pick<ClvScores, 'purchase' | 'spend' | 'correlation'> | undefined, checks: DataChecks | undefined, used: readonly Analysis[]): CltvConditionValues {
  const f = checks?.figures;
  const verdicts = checks?.analyses.filter((a) => used.includes(a.analysis)) ?? [];
  return {
    converged: scores ? scores.purchase.converged : null,
    usable: scores ? scores.purchase.usable : null,
    spend_converged: scores?.spend ? scores.spend.converged : null,
    log_likelihood: scores ? scores.purchase.logLik : null,
    customers_fitted: scores ? scores.purchase.customers : null,
    spend_frequency_correlation: scores?.correlation?.correlation ?? f?.correlation ?? null,
    unsafe: checks ? verdicts.some((a) => a.verdict === 'unsafe') : null,
    caution: checks ? verdicts.some((a) => a.verdict !== 'safe') : null,
    customers: f?.customers ?? null,
    repeat_buyers: f?.repeatBuyers ?? null,
    history_days: f?.historyDays ?? null,
    one_time_share: f?.oneTimeShare ?? null,
    nonpositive_spend_customers: f?.nonPositiveSpend ?? null,
  };
}

/** `clm cltv --fail-if`: the fields above, each named as in the JSON meta (fit, data_checks). */
export const CLTV_FAIL_IF_SPEC: FailIfSpec = { fields: CLTV_CONDITION_FIELDS, hint: `fields: ${CLTV_CONDITION_FIELDS.map((f) => f.name).join(', ')}` };
