import { dayFromCivil, formatDay, isValidCivil, MS_PER_DAY } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';

/** Returned by the date parser for a text date like 03/04/2024 whose order is unknown. */
export const AMBIGUOUS = Number.POSITIVE_INFINITY;

export type DayOrder = 'dmy' | 'mdy' | 'ymd';

/** Parses `--date-format` (`DD/MM/YYYY`, `MM-DD-YYYY`, `dmy`, ...) into a field order. */
export function parseDateFormatFlag(text: string): DayOrder {
  const t = text.trim().toLowerCase();
  if (t === 'dmy' || t === 'mdy' || t === 'ymd') return t;
  const parts = t.split(/[^a-z]+/).filter(Boolean);
  const order = parts.map((p) => p[0]).join('');
  if (order === 'dmy' || order === 'mdy' || order === 'ymd') return order as DayOrder;
  throw new UsageError(
    `--date-format ${JSON.stringify(text)} is not a day/month/year order`,
    'use one of DD/MM/YYYY, MM/DD/YYYY, YYYY-MM-DD (or dmy, mdy, ymd)',
  );
}

/** A quarter hour in ms: the grain of every time zone offset and DST change. */
const QUARTER_HOUR_MS = 900_000;

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Turns date and timestamp text into UTC calendar days (or days in `timezone`).
 * A timestamp with an offset or an epoch number is an instant and is converted; a wall-clock
 * timestamp without offset keeps its written date.
 */
export class DateParser {
  /** Field order for slash/dot dates: given by --date-format or learned from the data. */
  order: DayOrder | undefined;
  /** The first value that could only be day-first (25/03/2024), and month-first (03/25/2024), without --date-format. */
  dayFirstSeen: string | undefined;
  monthFirstSeen: string | undefined;
  private readonly tzFormat: Intl.DateTimeFormat | undefined;
  private readonly tzCache = new Map<number, number>();

  constructor(order?: DayOrder, timezone?: string) {
    this.order = order;
    if (timezone && timezone.toUpperCase() !== 'UTC') {
      try {
        this.tzFormat = new Intl.DateTimeFormat('en-CA', {
          timeZone: timezone,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
        });
      } catch {
        throw new UsageError(`--timezone ${JSON.stringify(timezone)} is not a known time zone`, 'use an IANA name such as Europe/London or America/New_York');
      }
    }
  }

  /** Day for an instant given as epoch milliseconds. */
  dayOfInstant(ms: number): number {
    if (!this.tzFormat) return Math.floor(ms / MS_PER_DAY);
    // cached per quarter hour, not per hour: every zone's offset and DST change falls on a
    // quarter hour (India +5:30, Nepal +5:45, Chatham +12:45), so no slot straddles midnight
    const slot = Math.floor(ms / QUARTER_HOUR_MS);
    let d = this.tzCache.get(slot);
    if (d === undefined) {
      const s = this.tzFormat.format(new Date(slot * QUARTER_HOUR_MS + 1));
      d = dayFromCivil(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)));
      if (this.tzCache.size > 200_000) this.tzCache.clear();
      this.tzCache.set(slot, d);
    }
    return d;
  }

  /** Fast path over bytes for ISO-like dates; falls back to the text parser. NaN = invalid. */
  parseBytes(buf: Buffer, s: number, e: number): number {
    while (s < e && buf[s] === 32) s++;
    while (e > s && buf[e - 1] === 32) e--;
    const len = e - s;
    if (len >= 10 && buf[s + 4] === 45 && buf[s + 7] === 45) {
      const y = d4(buf, s);
      const m = d2(buf, s + 5);
      const d = d2(buf, s + 8);
      // not two digits where they belong: the text parser reads unpadded forms (2024-12-1 14:05)
      if (y < 0 || m < 0 || d < 0) return this.parseText(buf.toString('utf8', s, e));
      if (!isValidCivil(y, m, d)) return NaN;
      const day = dayFromCivil(y, m, d);
      if (len === 10) return day;
      const c = buf[s + 10];
      if (c !== 32 && c !== 84 && c !== 116) return NaN;
      return this.timePart(buf, s + 11, e, day);
    }
    if (len === 8 && d4(buf, s) >= 0 && d4(buf, s + 4) >= 0) {
      const y = d4(buf, s);
      const m = d2(buf, s + 4);
      const d = d2(buf, s + 6);
      if (y >= 1800 && y <= 2200 && isValidCivil(y, m, d)) return dayFromCivil(y, m, d);
      return NaN;
    }
    return this.parseText(buf.toString('utf8', s, e));
  }

  /** hh:mm[:ss[.fff]] [Z|±hh[:]mm] after the date. */
  private timePart(buf: Buffer, p: number, e: number, day: number): number {
    const h = d2(buf, p);
    if (h < 0 || h > 24 || buf[p + 2] !== 58) return NaN;
    const mi = d2(buf, p + 3);
    if (mi < 0 || mi > 59) return NaN;
    p += 5;
    if (p < e && buf[p] === 58) {
      const sec = d2(buf, p + 1);
      if (sec < 0 || sec > 60) return NaN;
      p += 3;
      if (p < e && (buf[p] === 46 || buf[p] === 44)) {
        p++;
        while (p < e && isDigit(buf[p])) p++;
      }
    }
    while (p < e && buf[p] === 32) p++;
    if (p >= e) return day;
    const c = buf[p];
    if ((c === 90 || c === 122) && p + 1 === e) return this.shift(day, h * 60 + mi, 0);
    if (c === 43 || c === 45) {
      const oh = d2(buf, p + 1);
      let q = p + 3;
      if (q < e && buf[q] === 58) q++;
      const om = q < e ? d2(buf, q) : 0;
      // real offsets run from -12:00 to +14:00 (+99:99 and +2500 are not offsets)
      if (oh < 0 || om < 0 || oh > 14 || om > 59 || (q < e && q + 2 !== e)) return NaN;
      const off = (oh * 60 + om) * (c === 45 ? -1 : 1);
      return this.shift(day, h * 60 + mi, off);
    }
    // a zone name such as "UTC" or "GMT" after the time
    const rest = buf.toString('utf8', p, e).trim().toUpperCase();
    if (rest === 'UTC' || rest === 'GMT') return this.shift(day, h * 60 + mi, 0);
    return NaN;
  }

  private shift(day: number, minutes: number, offsetMinutes: number): number {
    const ms = day * MS_PER_DAY + (minutes - offsetMinutes) * 60_000;
    return this.dayOfInstant(ms);
  }

  /** Every other accepted shape. */
  parseText(raw: string): number {
    const t = raw.trim();
    if (t === '') return NaN;
    if (/^\d+$/.test(t)) {
      if (t.length === 9 || t.length === 10) return this.dayOfInstant(Number(t) * 1000);
      if (t.length === 12 || t.length === 13) return this.dayOfInstant(Number(t));
      return NaN;
    }
    let m = YMD_SLASH.exec(t);
    if (m) {
      const y = +m[1], mo = +m[2], d = +m[3];
      return isValidCivil(y, mo, d) && validTime(m[4], m[5], m[6], m[7]) ? dayFromCivil(y, mo, d) : NaN;
    }
    m = /^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/.exec(t);
    if (m) {
      if (!validTime(m[4], m[5], m[6], m[7])) return NaN;
      const a = +m[1], b = +m[2];
      let y = +m[3];
      if (m[3].length === 2) y += y < 70 ? 2000 : 1900;
      let order = this.order;
      if (order === undefined || order === 'ymd') {
        // a value that decides the order is remembered: a file with both kinds mixes conventions
        if (a > 12 && b <= 12) {
          order = 'dmy';
          this.dayFirstSeen ??= t;
        } else if (b > 12 && a <= 12) {
          order = 'mdy';
          this.monthFirstSeen ??= t;
        }
        else if (a === b) order = 'dmy';
        else return AMBIGUOUS;
      }
      const d = order === 'dmy' ? a : b;
      const mo = order === 'dmy' ? b : a;
      return isValidCivil(y, mo, d) ? dayFromCivil(y, mo, d) : NaN;
    }
    m = DAY_MONTH_NAME.exec(t);
    if (m) return validTime(m[4], m[5], m[6], m[7]) ? civilText(+m[3], m[2], +m[1]) : NaN;
    m = MONTH_NAME_DAY.exec(t);
    if (m) return validTime(m[4], m[5], m[6], m[7]) ? civilText(+m[3], m[1], +m[2]) : NaN;
    const iso = /^(\d{4}-\d{2}-\d{2})/.exec(t);
    if (iso) return this.parseBytes(Buffer.from(t), 0, Buffer.byteLength(t));
    // ISO without zero padding, as R and pandas may write it (2024-3-5): padded, then as ISO
    m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?=$|[ Tt])(.*)$/.exec(t);
    if (m) {
      const padded = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}${m[4]}`;
      return this.parseBytes(Buffer.from(padded), 0, Buffer.byteLength(padded));
    }
    return NaN;
  }

  /**
   * Learns the day/month order from a value that decides it (a first part over 12 means
   * day-first). Returns the order when this value decides it.
   */
  static decide(raw: string): DayOrder | undefined {
    const m = /^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b/.exec(raw);
    if (!m) return undefined;
    const a = +m[1], b = +m[2];
    if (a > 12 && b <= 12) return 'dmy';
    if (b > 12 && a <= 12) return 'mdy';
    return undefined;
  }
}

/** An optional time after a text date: hh:mm[:ss[.fff]] with AM/PM, Z, UTC/GMT or an offset; nothing else may follow. */
const TIME = '(?:[ T,]+(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,]\\d+)?)?\\s*([AaPp][Mm]|Z|UTC|GMT|[+-](?:0\\d|1[0-4]):?[0-5]\\d)?)?';

const YMD_SLASH = new RegExp(`^(\\d{4})[/.](\\d{1,2})[/.](\\d{1,2})${TIME}$`);
const DAY_MONTH_NAME = new RegExp(`^(\\d{1,2})[ \\-]([A-Za-z]{3,9})\\.?[ \\-,]+(\\d{4})${TIME}$`);
const MONTH_NAME_DAY = new RegExp(`^([A-Za-z]{3,9})\\.? (\\d{1,2}),? (\\d{4})${TIME}$`);

/** A time that exists: hours to 24 (12 with AM/PM), minutes to 59, seconds to 60; an absent time is valid. */
function validTime(h: string | undefined, mi: string | undefined, sec: string | undefined, suffix: string | undefined): boolean {
  if (h === undefined) return true;
  const ampm = suffix !== undefined && /^[ap]m$/i.test(suffix);
  return +h <= (ampm ? 12 : 24) && +mi! <= 59 && (sec === undefined || +sec <= 60);
}

/**
 * The date an Excel serial day number (`45382`, `45382.5` with a time) stands for, when the
 * text is one and lands in 1927-2099: Excel writes dates so when a date column is not
 * formatted as text. Undefined otherwise. Day 1 is 1900-01-01 and Excel counts a 29 February
 * 1900 that never was, so from day 61 on it is 1899-12-30 plus the number.
 */
export function excelSerialDate(text: string): string | undefined {
  const m = /^\s*(\d{5})(?:\.\d+)?\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n < 10_000 || n > 73_050) return undefined;
  return formatDay(dayFromCivil(1899, 12, 30) + n);
}

/**
 * Order dates outside these years are not believed: rejected, except the placeholders
 * exports write for "no date" (PLACEHOLDER_DAYS), which are excluded with their own reason.
 */
export const FIRST_ORDER_YEAR = 1900;
export const LAST_ORDER_YEAR = 2100;
export const MIN_ORDER_DAY = dayFromCivil(FIRST_ORDER_YEAR, 1, 2);
export const MAX_ORDER_DAY = dayFromCivil(LAST_ORDER_YEAR, 12, 31);
/** 0001-01-01 (DateTime.MinValue), 1900-01-01 (Excel and SQL zero dates), 9999-12-31 (an open end). */
export const PLACEHOLDER_DAYS: ReadonlySet<number> = new Set([dayFromCivil(1, 1, 1), dayFromCivil(1900, 1, 1), dayFromCivil(9999, 12, 31)]);

function civilText(y: number, monthName: string, d: number): number {
  const mo = MONTHS[monthName.slice(0, monthName.length === 4 ? 4 : 3).toLowerCase()] ?? MONTHS[monthName.slice(0, 3).toLowerCase()];
  if (!mo || !isValidCivil(y, mo, d)) return NaN;
  return dayFromCivil(y, mo, d);
}

function d2(buf: Buffer, p: number): number {
  const a = buf[p] - 48, b = buf[p + 1] - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

function d4(buf: Buffer, p: number): number {
  const a = d2(buf, p), b = d2(buf, p + 2);
  if (a < 0 || b < 0) return -1;
  return a * 100 + b;
}

/** The currency a symbol written beside an amount stands for ($ is read as USD). */
const CURRENCY_SYMBOLS: Record<string, string> = { $: 'USD', 'R$': 'BRL', '€': 'EUR', '£': 'GBP', '¥': 'JPY', '₹': 'INR', '₩': 'KRW', '₽': 'RUB', '₺': 'TRY' };

/** Amounts beyond this (in the currency's units) are not believed: a rejected row, never a sum near 1e308. */
export const MAX_AMOUNT = 1e12;

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Parses money: `1234.5`, `1,234.50`, `$1,234.50`, `(12.00)`, `-12`, `12-`, `EUR 12`, and with
 * decimalComma `1.234,50`. NaN when the text is not an amount (including `1,5` without
 * --decimal-comma, which is ambiguous).
 */
/**
 * A warning when the amounts look like they use a point for thousands (German, Brazilian,
 * Indonesian exports: 1.234 = one thousand two hundred thirty-four): at least three amounts
 * with exactly three digits after the point and none with one or two. Read without
 * --decimal-comma they are a thousand times too small, silently.
 */
export function amountsLookLikeThousands(decimals: ArrayLike<number>, file: string, column: string): string | null {
  if (decimals[3] < 3 || decimals[1] + decimals[2] > 0) return null;
  return `${file}: column ${JSON.stringify(column)}: ${decimals[3].toLocaleString('en-US')} amounts have exactly three digits after the point (like 1.234) and none has one or two: if the point separates thousands, they are read a thousand times too small; pass --decimal-comma`;
}

export class AmountParser {
  /**
   * The currency written in the text of the last amount parsed (`$100` → USD, `EUR 12` → EUR),
   * or '' when it had none: the one-currency rule applies to it too.
   */
  currency = '';
  /**
   * Amounts read by the fast path, by digits after the point: [0] none, [1] one, [2] two,
   * [3] three, [4] more. A file whose every fractional amount has three digits (1.234,
   * 12.000) is almost surely written with a point for thousands (amountsLookLikeThousands).
   */
  readonly decimals = new Float64Array(5);

  constructor(private readonly decimalComma: boolean) {}

  parseBytes(buf: Buffer, s: number, e: number): number {
    // fast path: -?digits(.digits)?  (exact: an integer mantissa divided by a power of ten)
    this.currency = '';
    let p = s;
    let neg = false;
    if (p < e && buf[p] === 45) {
      neg = true;
      p++;
    }
    let mant = 0;
    let digits = 0;
    let frac = 0;
    let c = 0;
    while (p < e && (c = buf[p]) >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      digits++;
      p++;
    }
    if (p < e && buf[p] === 46 && !this.decimalComma) {
      p++;
      while (p < e && (c = buf[p]) >= 48 && c <= 57) {
        mant = mant * 10 + (c - 48);
        digits++;
        frac++;
        p++;
      }
    }
    if (p === e && digits > 0 && digits <= 15) {
      this.decimals[frac < 4 ? frac : 4]++;
      const v = frac === 0 ? mant : mant / POW10[frac];
      return neg ? -v : v;
    }
    return this.parseText(buf.toString('utf8', s, e));
  }

  parseText(raw: string): number {
    let t = raw.trim();
    if (t === '') return NaN;
    let neg = false;
    if (t.startsWith('(') && t.endsWith(')')) {
      neg = true;
      t = t.slice(1, -1).trim();
    }
    // currency symbols and codes around the number (remembered for the one-currency rule)
    this.currency = '';
    const code = /^([A-Za-z]{3})\s*|\s*([A-Za-z]{3})$/.exec(t);
    if (code) this.currency = (code[1] ?? code[2]).toUpperCase();
    t = t.replace(/^[A-Za-z]{3}\s*/, '').replace(/\s*[A-Za-z]{3}$/, '');
    const symbol = /^(R\$|[$€£¥₹₩₽₺])|([$€£¥₹₩₽₺])$/.exec(t.replace(/^-/, ''));
    if (symbol && this.currency === '') this.currency = CURRENCY_SYMBOLS[symbol[1] ?? symbol[2]] ?? '';
    t = t.replace(/^[$€£¥₹₩₽₺R$]+|[$€£¥₹₩₽₺]+$/g, '').trim();
    if (t.startsWith('-')) {
      neg = !neg;
      t = t.slice(1);
    } else if (t.endsWith('-')) {
      neg = !neg;
      t = t.slice(0, -1);
    } else if (t.startsWith('+')) {
      t = t.slice(1);
    }
    t = t.replace(/^[$€£¥₹]+/, '').replace(/[\s\u00a0\u202f']/g, '');
    let normal: string;
    if (this.decimalComma) {
      if (!/^\d{1,3}(\.\d{3})*(,\d+)?$|^\d+(,\d+)?$/.test(t)) return NaN;
      normal = t.replace(/\./g, '').replace(',', '.');
    } else if (/^\d*\.?\d+[eE][+-]?\d{1,3}$|^\d+\.[eE][+-]?\d{1,3}$/.test(t)) {
      // scientific notation, as R, pandas and Excel write small or large numbers (4.440892e-16, 1.2E+03)
      normal = t;
    } else {
      if (!/^\d{1,3}(,\d{3})*(\.\d+)?$|^\d*\.?\d+$|^\d+\.$/.test(t)) return NaN;
      normal = t.replace(/,/g, '');
    }
    const v = Number(normal);
    if (!Number.isFinite(v)) return NaN;
    return neg ? -v : v;
  }
}

