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
