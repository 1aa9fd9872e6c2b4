import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayFromCivil } from '../../src/domain/dates.js';
import { formatPeriod, parsePeriodText, periodEndDay, periodOfDay, periodStartDay, PERIOD_UNITS, PeriodLookup } from '../../src/domain/period.js';

const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const iso = (d: number): string => new Date(d * 86_400_000).toISOString().slice(0, 10);
const label = (unit: 'month' | 'week' | 'quarter', isoDay: string): string => formatPeriod(unit, periodOfDay(unit, day(isoDay)));

/** ISO week label by the textbook rule, with JS Dates (independent of src/domain/period). */
function isoWeekLabel(d: number): string {
  const date = new Date(d * 86_400_000);
  const dow = (date.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(date.getTime() + (3 - dow) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

describe('period labels', () => {
  it('months and quarters', () => {
    expect(label('month', '2024-01-01')).toBe('2024-01');
    expect(label('month', '2024-02-29')).toBe('2024-02');
    expect(label('month', '1999-12-31')).toBe('1999-12');
    expect(label('quarter', '2024-03-31')).toBe('2024-Q1');
    expect(label('quarter', '2024-04-01')).toBe('2024-Q2');
    expect(label('quarter', '2024-12-31')).toBe('2024-Q4');
    expect(label('month', '1969-12-31')).toBe('1969-12');
  });

  it('ISO weeks start on Monday and belong to the year of their Thursday', () => {
    expect(label('week', '2024-01-15')).toBe('2024-W03'); // a Monday
    expect(label('week', '2024-01-21')).toBe('2024-W03'); // the Sunday after
    expect(label('week', '2024-01-22')).toBe('2024-W04');
    expect(label('week', '2024-12-30')).toBe('2025-W01'); // Monday before New Year
    expect(label('week', '2021-01-03')).toBe('2020-W53'); // Sunday after New Year
    expect(label('week', '2020-12-31')).toBe('2020-W53');
    expect(label('week', '2026-01-01')).toBe('2026-W01'); // a Thursday
    expect(label('week', '2027-01-01')).toBe('2026-W53'); // a Friday
    expect(label('week', '1970-01-01')).toBe('1970-W01');
    expect(label('week', '1969-12-28')).toBe('1969-W52');
    expect(iso(periodStartDay('week', periodOfDay('week', day('2024-01-18'))))).toBe('2024-01-15');
  });

  it('agree with a textbook ISO week computation and start on a Monday, for any day', () => {
    fc.assert(
      fc.property(fc.integer({ min: -20_000, max: 60_000 }), (d) => {
        const p = periodOfDay('week', d);
        expect(formatPeriod('week', p)).toBe(isoWeekLabel(d));
        expect(new Date(periodStartDay('week', p) * 86_400_000).getUTCDay()).toBe(1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('period index arithmetic', () => {
  it('a period holds the days from its start to its end, and the next starts the day after', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PERIOD_UNITS), fc.integer({ min: -20_000, max: 60_000 }), (unit, d) => {
        const p = periodOfDay(unit, d);
        expect(periodStartDay(unit, p)).toBeLessThanOrEqual(d);
        expect(periodEndDay(unit, p)).toBeGreaterThanOrEqual(d);
        expect(periodOfDay(unit, periodEndDay(unit, p) + 1)).toBe(p + 1);
        expect(periodOfDay(unit, periodStartDay(unit, p) - 1)).toBe(p - 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('k is whole periods between the two labels', () => {
    const k = (unit: 'month' | 'week' | 'quarter', a: string, b: string): number => periodOfDay(unit, day(b)) - periodOfDay(unit, day(a));
    expect(k('month', '2023-12-31', '2024-01-01')).toBe(1);
    expect(k('month', '2024-01-01', '2024-01-31')).toBe(0);
    expect(k('month', '2023-01-15', '2024-03-01')).toBe(14);
    expect(k('quarter', '2023-12-31', '2024-01-01')).toBe(1);
    expect(k('quarter', '2023-01-01', '2024-12-31')).toBe(7);
    expect(k('week', '2024-01-14', '2024-01-15')).toBe(1); // Sunday to Monday
    expect(k('week', '2024-01-15', '2024-01-21')).toBe(0);
    expect(k('week', '2020-12-28', '2021-01-04')).toBe(1); // 2020-W53 to 2021-W01
  });

  it('the month and quarter lines match the civil calendar', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2200 }), fc.integer({ min: 1, max: 12 }), (y, m) => {
        const p = periodOfDay('month', dayFromCivil(y, m, 1));
        expect(p).toBe(y * 12 + m - 1);
        expect(periodStartDay('month', p)).toBe(dayFromCivil(y, m, 1));
        expect(formatPeriod('month', p)).toBe(`${y}-${String(m).padStart(2, '0')}`);
        expect(formatPeriod('quarter', periodOfDay('quarter', dayFromCivil(y, m, 1)))).toBe(`${y}-Q${Math.ceil(m / 3)}`);
      }),
    );
  });

  it('the lookup table gives what the direct conversion gives, inside and outside its range', () => {
    for (const unit of PERIOD_UNITS) {
      const lookup = new PeriodLookup(unit, day('2023-11-20'), day('2024-02-10'));
      for (let d = day('2023-10-01'); d <= day('2024-03-31'); d++) expect(lookup.of(d)).toBe(periodOfDay(unit, d));
    }
  });
});

describe('parsePeriodText (--from/--to)', () => {
  const range = (t: string): [string, string] | undefined => {
    const r = parsePeriodText(t);
    return r && [iso(r.first), iso(r.last)];
  };

  it('reads dates and labels of every unit', () => {
    expect(range('2024-03-15')).toEqual(['2024-03-15', '2024-03-15']);
    expect(range('2024-02')).toEqual(['2024-02-01', '2024-02-29']);
    expect(range('2024-Q2')).toEqual(['2024-04-01', '2024-06-30']);
    expect(range('2024-q4')).toEqual(['2024-10-01', '2024-12-31']);
    expect(range('2024-W03')).toEqual(['2024-01-15', '2024-01-21']);
    expect(range('2025-W01')).toEqual(['2024-12-30', '2025-01-05']);
    expect(range('2020-W53')).toEqual(['2020-12-28', '2021-01-03']);
  });

  it('refuses what is not a date or a period', () => {
    for (const t of ['2024-13', '2024-00', '2024-Q5', '2021-W53', '2024-W00', '2024/01', 'January', '', '2024-02-30']) expect(parsePeriodText(t)).toBeUndefined();
  });

  it('labels read back as the period they name', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PERIOD_UNITS), fc.integer({ min: 0, max: 40_000 }), (unit, d) => {
        const p = periodOfDay(unit, d);
        const r = parsePeriodText(formatPeriod(unit, p))!;
        expect(r.first).toBe(periodStartDay(unit, p));
        expect(r.last).toBe(periodEndDay(unit, p));
      }),
      { numRuns: 1000 },
    );
  });
});
