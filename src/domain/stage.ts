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
