import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateGoal, trendOf, type GoalSpec } from '../../src/analytics/goals.js';
import { defaultDirection, GOAL_STATUSES } from '../../src/domain/goals.js';
import { day } from '../helpers/ledger-table.js';

const asOf = day('2025-06-30');
const retention = (target: number, by?: string): GoalSpec => ({ metric: 'retention_rate', target, by: by ? day(by) : undefined, direction: 'higher' });
const churn = (target: number, by?: string): GoalSpec => ({ metric: 'churn_rate', target, by: by ? day(by) : undefined, direction: 'lower' });

describe('goals, worked by hand', () => {
  it('higher is better except churn_rate', () => {
    expect(defaultDirection('retention_rate')).toBe('higher');
    expect(defaultDirection('nps')).toBe('higher');
    expect(defaultDirection('churn_rate')).toBe('lower');
  });

  it('trend: change per period over the last up to 3 periods', () => {
    expect(trendOf([0.3, 0.31, 0.33, 0.36])).toBeCloseTo(0.02, 12);
    expect(trendOf([0.3, 0.36])).toBeCloseTo(0.06, 12);
    expect(trendOf([0.3])).toBeNull();
    expect(trendOf([null, 0.3, null, 0.36])).toBeCloseTo(0.03, 12); // the earliest value 3 back is missing: 2 back
    expect(trendOf([0.3, null])).toBeNull();
  });

  it('met: the current value reaches the target', () => {
    const g = evaluateGoal(retention(0.4, '2025-12-31'), { current: 0.42, history: [0.38, 0.42], periodsLeft: 6 }, asOf);
    expect(g.status).toBe('met');
    expect(g.distance).toBeCloseTo(-0.02, 12);
    const c = evaluateGoal(churn(0.6), { current: 0.55, history: [] }, asOf);
    expect(c.status).toBe('met');
    expect(c.distance).toBeCloseTo(-0.05, 12); // lower is better: current - target
  });

  it('missed: not met and the by date has passed (or is today)', () => {
    expect(evaluateGoal(retention(0.4, '2025-03-31'), { current: 0.35, history: [0.3, 0.35], periodsLeft: -3 }, asOf).status).toBe('missed');
    expect(evaluateGoal(retention(0.4, '2025-06-30'), { current: 0.35, history: [0.3, 0.35], periodsLeft: 0 }, asOf).status).toBe('missed');
  });

  it('on_track: the trend reaches the target by the date; behind: it does not', () => {
    // 0.34 -> 0.37 over 3 months: +0.01 a month; 6 months left -> 0.43 >= 0.40
    const on = evaluateGoal(retention(0.4, '2025-12-31'), { current: 0.37, history: [0.34, 0.35, 0.36, 0.37], periodsLeft: 6 }, asOf);
    expect(on.status).toBe('on_track');
    expect(on.projected).toBeCloseTo(0.43, 12);
    expect(on.distance).toBeCloseTo(0.03, 12);
    // 2 months left -> 0.39
    expect(evaluateGoal(retention(0.4, '2025-08-31'), { current: 0.37, history: [0.34, 0.35, 0.36, 0.37], periodsLeft: 2 }, asOf).status).toBe('behind');
    // churn falling 2 points a month towards 0.50 from 0.56, 3 months left -> 0.50
    expect(evaluateGoal(churn(0.5, '2025-09-30'), { current: 0.56, history: [0.6, 0.58, 0.56], periodsLeft: 3 }, asOf).status).toBe('on_track');
    // no trend: behind
    expect(evaluateGoal(retention(0.4, '2025-12-31'), { current: 0.37, history: [], periodsLeft: 6 }, asOf).status).toBe('behind');
    // no by date: on_track when moving towards the target
    expect(evaluateGoal(retention(0.4), { current: 0.37, history: [0.36, 0.37] }, asOf).status).toBe('on_track');
    expect(evaluateGoal(churn(0.4), { current: 0.5, history: [0.45, 0.5] }, asOf).status).toBe('behind');
  });

  it('no_data without a current value', () => {
    const g = evaluateGoal(retention(0.4, '2025-01-01'), { current: null, history: [] }, asOf);
    expect([g.status, g.distance, g.projected]).toEqual(['no_data', null, null]);
  });

  it('status is always one of the statuses; met exactly when the distance is <= 0', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
        fc.array(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }), { maxLength: 6 }),
        fc.option(fc.integer({ min: -400, max: 400 }), { nil: undefined }),
        fc.constantFrom<'higher' | 'lower'>('higher', 'lower'),
        (target, current, history, byOffset, direction) => {
          const g = evaluateGoal({ metric: 'retention_rate', target, by: byOffset === undefined ? undefined : asOf + byOffset, direction }, { current, history: [...history, current], periodsLeft: byOffset === undefined ? undefined : Math.ceil(byOffset / 30) }, asOf);
          expect(GOAL_STATUSES).toContain(g.status);
          if (current === null) expect(g.status).toBe('no_data');
          else {
            expect(g.status === 'met').toBe(g.distance! <= 1e-9 * Math.max(1, target));
            if (g.status !== 'met' && byOffset !== undefined && byOffset <= 0) expect(g.status).toBe('missed');
          }
        },
      ),
    );
  });
});
