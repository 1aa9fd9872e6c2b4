/**
 * Calendar days are integers: days since 1970-01-01 (UTC civil calendar).
 * Everything in analytics works on these; only io parses and only render formats.
 */
export type Day = number;

/** Days since epoch for a proleptic Gregorian civil date (Howard Hinnant's algorithm). */
export function dayFromCivil(year: number, month: number, day: number): Day {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface Civil {
  year: number;
  month: number;
  day: number;
}

export function civilFromDay(z: Day): Civil {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { year: m <= 2 ? y + 1 : y, month: m, day: d };
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isValidCivil(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** Days 1900-01-01 .. 2100-12-31 (relative to DAY_TEXT_FROM) whose text formatDay made already. */
const DAY_TEXT_FROM = -25567;
const dayText: (string | undefined)[] = new Array(73415);

/** `YYYY-MM-DD` (memoised for 1900-2100: a million-row export formats the same days again and again). */
export function formatDay(z: Day): string {
  const k = z - DAY_TEXT_FROM;
  if (k >= 0 && k < dayText.length) return (dayText[k] ??= dayString(z));
  return dayString(z);
}

function dayString(z: Day): string {
  const c = civilFromDay(z);
  const y = c.year;
  const ys = y >= 0 && y < 10000 ? String(y).padStart(4, '0') : String(y);
  return `${ys}-${pad2(c.month)}-${pad2(c.day)}`;
}

/** Parses a strict `YYYY-MM-DD`; returns undefined when it is not one. */
export function parseIsoDay(text: string): Day | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (!isValidCivil(y, mo, d)) return undefined;
  return dayFromCivil(y, mo, d);
}

export const MS_PER_DAY = 86_400_000;
