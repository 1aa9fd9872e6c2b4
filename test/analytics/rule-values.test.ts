import { describe, expect, it } from 'vitest';
import { compileRule, RuleSyntaxError, type RuleEnv, type RuleValue } from '../../src/analytics/rule-expr.js';
import { closedSet, periodLabels } from '../../src/analytics/rule-values.js';
import { RFM_SEGMENTS } from '../../src/analytics/rfm.js';
import { GOAL_STATUSES } from '../../src/domain/goals.js';
import { STAGES } from '../../src/domain/stage.js';

// Closed value sets (issue 14, item 8): a literal a closed field can never hold is an error
// with the close matches, as unknown field names already are.

const ENV: RuleEnv = {
  fields: [
    { name: 'stage', type: 'string', values: closedSet('a stage', 'stages', STAGES) },
    { name: 'rfm_segment', type: 'string', values: closedSet('an RFM segment', 'RFM segments', RFM_SEGMENTS) },
    { name: 'cohort', type: 'string', values: periodLabels('month', '--period') },
    { name: 'country', type: 'string' },
  ],
  functions: [
    { name: 'goal', arity: 1, nameArgs: true, call: () => 'met', values: closedSet('a goal status', 'goal statuses', GOAL_STATUSES) },
    { name: 'share', arity: 1, nameArgs: true, call: () => 0.5, argValues: closedSet('a stage', 'stages', STAGES) },
    { name: 'segment_share', arity: 1, call: () => 0.5, argValues: closedSet('an RFM segment', 'RFM segments', RFM_SEGMENTS) },
  ],
  constants: [...STAGES],
};

function error(source: string): RuleSyntaxError {
  try {
    compileRule(source, ENV);
  } catch (e) {
    if (e instanceof RuleSyntaxError) return e;
    throw e;
  }
  throw new Error(`no error for ${source}`);
}

function holds(source: string, row: Record<string, RuleValue>): boolean {
  const names = ENV.fields.map((f) => f.name);
  return compileRule(source, ENV).test((i) => row[names[i]]);
}

describe('closed value sets in rules', () => {
  it('a stage that does not exist is an error naming the close match and the stages', () => {
    const e = error('stage == "atrisk"');
    expect(e.message).toBe(
      '`stage` is never `"atrisk"`, which is not a stage at character 10; did you mean "at_risk"? stages: prospect, new, active, loyal, advocate, at_risk, churned, reactivated',
    );
    expect(e.position).toBe(9);
  });

  it('checks != , in and not in, on either side, and bare constant names', () => {
    expect(error('"Active" != stage').message).toContain('did you mean "active"?');
    expect(error('stage in ["at_risk", "churn"]').message).toContain('`"churn"`, which is not a stage at character 22; did you mean "churned"?');
    expect(error('stage not in ["new", "loyl"]').message).toContain('did you mean "loyal"?');
    expect(error('rfm_segment == at_risk').message).toContain('`rfm_segment` is never `at_risk`, which is not an RFM segment at character 16; did you mean "At Risk"?');
    expect(error('rfm_segment == "champions"').message).toContain('did you mean "Champions"?');
  });

  it('a value far from every name lists the values without a guess', () => {
    const e = error('stage == "whale"');
    expect(e.message).not.toContain('did you mean');
    expect(e.message).toContain('stages: prospect, new,');
  });

  it('function results with a closed set are checked too', () => {
    expect(error('goal(retention_rate) == "mised"').message).toContain('`goal(retention_rate)` is never `"mised"`, which is not a goal status at character 25; did you mean "missed"?');
    expect(holds('goal(retention_rate) == "met"', {})).toBe(true);
  });

  it('function arguments with a closed set: a bare name or a string outside it is an error', () => {
    expect(error('share(atrisk) > 0.2').message).toBe(
      '`atrisk` is not a stage, so `share` has no value for it at character 7; did you mean at_risk? stages: prospect, new, active, loyal, advocate, at_risk, churned, reactivated',
    );
    expect(error('segment_share("champions") > 0.1').message).toContain('did you mean "Champions"?');
    expect(holds('share(at_risk) > 0.2 and segment_share("Can\'t Lose Them") > 0.1', {})).toBe(true);
  });

  it('period labels: another form of the same period is suggested; a well-formed label is accepted', () => {
    expect(error('cohort == "2024-1"').message).toContain('did you mean "2024-01"?');
    expect(error('cohort in ["2024-03-15"]').message).toContain('did you mean "2024-03"?');
    expect(error('cohort == "2024-Q1"').message).toContain('did you mean "2024-01"? month labels are written like 2024-01 (--period sets the unit)');
    expect(holds('cohort == "2019-07"', { cohort: '2019-07' })).toBe(true);
    // ordering compares text: "2024-05" < "2024-1", so a label of another form is an error there too
    expect(error('cohort >= "2024-1"').message).toContain('did you mean "2024-01"?');
    expect(holds('cohort >= "2024-01"', { cohort: '2024-05' })).toBe(true);
    expect(holds('stage > "zzz"', { stage: 'new' })).toBe(false); // names have no order to check
  });

  it('valid values compile and select as before; open text fields stay unchecked', () => {
    expect(holds('stage == "at_risk" and rfm_segment in ["At Risk", "Lost"]', { stage: 'at_risk', rfm_segment: 'Lost' })).toBe(true);
    expect(holds('stage != at_risk', { stage: 'new' })).toBe(true);
    expect(holds('country == "Atlantis"', { country: 'US' })).toBe(false);
    expect(holds('stage == null', { stage: null })).toBe(true);
  });
});
