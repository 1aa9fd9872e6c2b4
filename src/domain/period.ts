import { civilFromDay, dayFromCivil, parseIsoDay, type Day } from './dates.js';

/**
 * Calendar periods for cohorts (spec §5): months, ISO weeks and quarters; KPIs also use years.
 *
 * A period is an integer index on one line per unit, so "periods since" is a subtraction:
 * month = year * 12 + (month - 1); quarter = year * 4 + (quarter - 1); week = whole weeks since
 * the Monday 1969-12-29 (ISO weeks start on Monday; day 0, 1970-01-01, is a Thursday);
 * year = the calendar year.
 * Labels: `2024-01` (month), `2024-Q1` (quarter), `2024-W03` (ISO week: the week-year is the
 * year of the week's Thursday, so 2024-12-30 is in `2025-W01`).
 */
export type PeriodUnit = 'month' | 'week' | 'quarter';
export const PERIOD_UNITS: readonly PeriodUnit[] = ['month', 'week', 'quarter'];
/** Cohort units plus calendar years (KPIs): year period = the year number, label `2024`. */
export type CalendarUnit = PeriodUnit | 'year';

/** Days from day 0 (a Thursday) back to the Monday of its week. */
const WEEK_OFFSET = 3;

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** The period holding a day. */
export function periodOfDay(unit: CalendarUnit, day: Day): number {
  if (unit === 'week') return floorDiv(day + WEEK_OFFSET, 7);
  const c = civilFromDay(day);
  if (unit === 'year') return c.year;
  return unit === 'month' ? c.year * 12 + c.month - 1 : c.year * 4 + floorDiv(c.month - 1, 3);
}

/** First day of a period. */
export function periodStartDay(unit: CalendarUnit, period: number): Day {
  if (unit === 'week') return period * 7 - WEEK_OFFSET;
  if (unit === 'year') return dayFromCivil(period, 1, 1);
  const months = unit === 'month' ? period : period * 3;
  return dayFromCivil(floorDiv(months, 12), months - floorDiv(months, 12) * 12 + 1, 1);
}

/** Last day of a period (inclusive). */
export function periodEndDay(unit: CalendarUnit, period: number): Day {
  return periodStartDay(unit, period + 1) - 1;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** ISO week-year and week number of a week period. */
export function isoWeekOf(period: number): { year: number; week: number } {
  const thursday = periodStartDay('week', period) + 3;
  const year = civilFromDay(thursday).year;
  return { year, week: floorDiv(thursday - dayFromCivil(year, 1, 1), 7) + 1 };
}

/** `2024-01`, `2024-W03`, `2024-Q1` or `2024` (year). */
export function formatPeriod(unit: CalendarUnit, period: number): string {
  if (unit === 'year') return String(period);
  if (unit === 'week') {
    const w = isoWeekOf(period);
    return `${w.year}-W${pad2(w.week)}`;
  }
  if (unit === 'month') {
    const y = floorDiv(period, 12);
    return `${y}-${pad2(period - y * 12 + 1)}`;
  }
  const y = floorDiv(period, 4);
  return `${y}-Q${period - y * 4 + 1}`;
}

/** The week holding ISO week `week` of ISO week-year `year` (week 1 holds January 4th). */
function isoWeekPeriod(year: number, week: number): number | undefined {
  const p = periodOfDay('week', dayFromCivil(year, 1, 4)) + week - 1;
  const back = isoWeekOf(p);
  return back.year === year && back.week === week ? p : undefined;
}

/**
 * The first and last day named by a date (`2024-03-15`) or a period label of any unit
 * (`2024-03`, `2024-W11`, `2024-Q1`, case-insensitive); undefined when it is none of these.
 */
export function parsePeriodText(text: string): { first: Day; last: Day } | undefined {
  const t = text.trim().toUpperCase();
  const day = parseIsoDay(t);
  if (day !== undefined) return { first: day, last: day };
  let m = /^(\d{4})-(\d{2})$/.exec(t);
  if (m) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) return undefined;
    const p = Number(m[1]) * 12 + month - 1;
    return { first: periodStartDay('month', p), last: periodEndDay('month', p) };
  }
  m = /^(\d{4})-Q([1-4])$/.exec(t);
  if (m) {
    const p = Number(m[1]) * 4 + Number(m[2]) - 1;
    return { first: periodStartDay('quarter', p), last: periodEndDay('quarter', p) };
  }
  m = /^(\d{4})-?W(\d{2})$/.exec(t);
  if (m) {
    const p = isoWeekPeriod(Number(m[1]), Number(m[2]));
    if (p === undefined) return undefined;
    return { first: periodStartDay('week', p), last: periodEndDay('week', p) };
  }
  return undefined;
}

/**
 * Period index by day over a range of days, for folds over millions of ledger entries: one
 * array read instead of a civil-date conversion per entry. Days outside [from, to] are
 * converted directly.
 */
export class PeriodLookup {
  private readonly table: Int32Array;
  constructor(
    readonly unit: CalendarUnit,
    private readonly from: Day,
    to: Day,
  ) {
    const n = to >= from && to - from < 4_000_000 ? to - from + 1 : 0;
    this.table = new Int32Array(n);
    for (let k = 0; k < n; k++) this.table[k] = periodOfDay(unit, from + k);
  }

  of(day: Day): number {
    const k = day - this.from;
    return k >= 0 && k < this.table.length ? this.table[k] : periodOfDay(this.unit, day);
  }
}
