import { describe, expect, it } from 'vitest';
import { STAGE_CODE, STAGE_VS_MODEL, stageVsModelNote } from '../../src/domain/stage.js';

describe('stageVsModelNote (issue 15, item 4)', () => {
  it('counts at-risk and churned customers with P(alive) above 0.5, and says why they differ', () => {
    const { active, at_risk, churned } = STAGE_CODE;
    const stages = [churned, churned, at_risk, at_risk, active, churned];
    const pAlive = [1, 0.5, 0.51, 0.2, 0.99, NaN];
    expect(stageVsModelNote(stages, pAlive)).toBe(`Stage and model can disagree: 1 at-risk customer and 1 churned customer have a P(alive) above 0.5. ${STAGE_VS_MODEL}`);
  });

  it('says nothing when stage and model agree', () => {
    expect(stageVsModelNote([STAGE_CODE.churned, STAGE_CODE.active], [0.1, 0.9])).toBeNull();
  });
});
