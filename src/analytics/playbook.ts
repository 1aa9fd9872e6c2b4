import type { RfmSegment } from './rfm.js';
import type { Stage } from '../domain/stage.js';

/**
 * The playbook: what a lifecycle programme does with each stage and each RFM segment, and how
 * much is at stake there (customers, their revenue to date and, when a model ran, their
 * predicted value). The default text is clm's own; a config's `playbook` replaces any entry.
 */
export interface Play {
  /** The aim in a few words. */
  goal: string;
  /** The recommended actions. */
  actions: string;
}

export const STAGE_PLAYS: Readonly<Record<Stage, Play>> = Object.freeze({
  prospect: { goal: 'Convert to a first order', actions: 'Welcome series with a first-order incentive; learn their interests; retarget the people who browsed.' },
  new: { goal: 'Onboard and earn the second order', actions: 'Onboarding mails with how-to content; a second-purchase offer within the first month; ask how the first order went.' },
  active: { goal: 'Develop the relationship', actions: 'Cross-sell what goes with past orders; bundles; invite them into the loyalty programme.' },
  loyal: { goal: 'Keep them and grow their value', actions: 'Loyalty tiers and rewards, early access to launches, personal recommendations; make service fast for them.' },
  advocate: { goal: 'Turn loyalty into new customers', actions: 'Referral rewards, requests for reviews and testimonials, ambassador or community invitations.' },
  at_risk: { goal: 'Win them back before they lapse', actions: 'Reminders and replenishment nudges, a personal offer based on what they bought, a one-question survey on why they stopped.' },
  churned: { goal: 'Win back the ones worth it', actions: 'A win-back campaign with a strong offer to the valuable ones; send less to the rest to protect deliverability.' },
  reactivated: { goal: 'Make the comeback stick', actions: 'Thank them for returning, show what is new, and nurture toward the next order quickly.' },
});

export const SEGMENT_PLAYS: Readonly<Record<RfmSegment, Play>> = Object.freeze({
  Champions: { goal: 'Reward and involve', actions: 'Reward them, give early access, ask for referrals and reviews; they try new products first.' },
  'Loyal Customers': { goal: 'Upsell and retain', actions: 'Offer higher-value products and the loyalty programme; ask for feedback.' },
  'Potential Loyalists': { goal: 'Build loyalty', actions: 'Membership or loyalty offers and personal recommendations after each order.' },
  'New Customers': { goal: 'Onboard', actions: 'Onboarding content and a reason to come back soon; make the first experience easy.' },
  Promising: { goal: 'Create habit', actions: 'Show the range, offer samples or trials of related products.' },
  'Need Attention': { goal: 'Re-engage', actions: 'Limited-time offers based on past orders; recommendations they have not seen.' },
  'About To Sleep': { goal: 'Reactivate', actions: 'Share best sellers and what is new; a light discount to prompt the next order.' },
  'At Risk': { goal: 'Reconnect', actions: 'Personal mails, renewals and helpful content; find out what went wrong.' },
  "Can't Lose Them": { goal: 'Win back the best', actions: 'Talk to them personally; offer renewals or newer versions of what they bought; do not lose them to a competitor.' },
  Hibernating: { goal: 'Revive cheaply', actions: 'Relevant products and special prices, at low cost per contact.' },
  Lost: { goal: 'Try once, then let go', actions: 'One revival campaign; otherwise leave them out of regular sends.' },
});

export interface PlayRow {
  key: string;
  goal: string;
  actions: string;
  customers: number;
  share: number | null;
  revenue: number;
  /** Predicted value (CLV) of these customers; null without a model. */
  predictedValue: number | null;
  /** True when the text comes from the config. */
  custom: boolean;
}

/**
 * One row per key (stage or segment) in the given order: customers with that key
 * (`groupOf(i)` = index into keys, −1 = none), their net revenue and predicted value.
 */
export function playbookRows(
  keys: readonly string[],
  plays: Readonly<Record<string, Play>>,
  overrides: Readonly<Record<string, Partial<Play>>> | undefined,
  size: number,
  groupOf: (i: number) => number,
  revenue: ArrayLike<number>,
  predicted?: ArrayLike<number>,
): PlayRow[] {
  const count = new Float64Array(keys.length);
  const rev = new Float64Array(keys.length);
  const pred = new Float64Array(keys.length);
  let total = 0;
  for (let i = 0; i < size; i++) {
    const g = groupOf(i);
    if (g < 0) continue;
    total++;
    count[g]++;
    rev[g] += revenue[i];
    if (predicted && Number.isFinite(predicted[i])) pred[g] += predicted[i];
  }
  return keys.map((key, g) => {
    const own = overrides?.[key];
    const base = plays[key] ?? { goal: '', actions: '' };
    return {
      key,
      goal: own?.goal ?? base.goal,
      actions: own?.actions ?? base.actions,
      customers: count[g],
      share: total > 0 ? count[g] / total : null,
      revenue: rev[g],
      predictedValue: predicted ? pred[g] : null,
      custom: own !== undefined,
    };
  });
}
