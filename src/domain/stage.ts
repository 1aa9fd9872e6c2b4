/**
 * Lifecycle stages (spec §3), in lifecycle order: the way in (prospect, new), development
 * and retention (active, loyal, advocate), the ways out (at risk, churned) and back
 * (reactivated). A stage code is the index into STAGES.
 */
export const STAGES = ['prospect', 'new', 'active', 'loyal', 'advocate', 'at_risk', 'churned', 'reactivated'] as const;

export type Stage = (typeof STAGES)[number];

export const STAGE_CODE: Readonly<Record<Stage, number>> = Object.freeze(
  Object.fromEntries(STAGES.map((s, i) => [s, i])) as Record<Stage, number>,
);

/** Not a customer yet at that date (transition matrices only): neither listed nor buying. */
export const NOT_YET = 255;

/** The thresholds the stage rules use; all are whole days or counts of purchase days. */
export interface StageThresholds {
  activeDays: number;
  churnDays: number;
  loyalMinOrders: number;
}

/**
 * What makes an advocate (spec §3, stage 6), said wherever stages meet feedback: the signals
 * include the NPS and review scores, so feedback by stage is high among advocates by
 * construction, not as a finding.
 */
export const ADVOCATE_DEFINITION =
  'advocate = a loyal customer with an advocacy signal (referrals > 0, review_score >= 4, nps >= 9, the advocate flag, or a latest review >= 4); since NPS and review scores choose the advocates, their feedback is high by construction';

/** Stage and RFM segment measure different things; said beside both on the page and under --explain. */
export const STAGE_VS_RFM =
  'Stage and RFM segment can disagree: a stage is absolute (days since the last order and purchase days against the thresholds), an RFM score is relative (a 5 is the top fifth of this customer base). In a base that buys rarely a "Champion" can be at risk; among heavy buyers a loyal customer can score F3.';

/** P(alive) above this with an at-risk or churned stage is a disagreement the page explains. */
export const STAGE_VS_MODEL_P_ALIVE = 0.5;

/**
 * Stage and the purchase model's P(alive) measure different things; said on the CLV page with
 * the number of customers where they disagree (stage at risk or churned, P(alive) above 0.5),
 * or null when none do. `stages` are stage codes, `pAlive` NaN where a customer has none.
 */
export function stageVsModelNote(stages: ArrayLike<number>, pAlive: ArrayLike<number>): string | null {
  let atRisk = 0;
  let churned = 0;
  for (let i = 0; i < stages.length; i++) {
    if (!(pAlive[i] > STAGE_VS_MODEL_P_ALIVE)) continue;
    if (stages[i] === STAGE_CODE.at_risk) atRisk++;
    else if (stages[i] === STAGE_CODE.churned) churned++;
  }
  if (atRisk + churned === 0) return null;
  const n = (k: number, what: string): string => `${k.toLocaleString('en-US')} ${what} customer${k === 1 ? '' : 's'}`;
  return `Stage and model can disagree: ${n(atRisk, 'at-risk')} and ${n(churned, 'churned')} have a P(alive) above ${STAGE_VS_MODEL_P_ALIVE}. ${STAGE_VS_MODEL}`;
}

/** Why a stage and the model's P(alive) can disagree; said on the CLV page beside the count. */
export const STAGE_VS_MODEL =
  "A stage is recency against fixed thresholds (days since the last order against the active and churn days, the same for everyone); P(alive) is the purchase model's estimate from each customer's own history, so a customer who buys rarely can pass the churn threshold and still be likely to buy again (and BG/NBD gives every customer without a repeat purchase P(alive) = 1).";
