import { describe, expect, it } from 'vitest';
import { formatDay } from '../../src/domain/dates.js';
import { AMBIGUOUS, AmountParser, DateParser } from '../../src/io/values.js';

/**
 * Issue 12, item 8: the value grammar of spec §1.3 and the README, form by form, through both
 * doors of each parser (the byte fast path the pass uses, and the text path).
 */
const bytes = (s: string): [Buffer, number, number] => {
  const b = Buffer.from(s);
  return [b, 0, b.length];
};
const day = (p: DateParser, s: string): string => {
  const d = p.parseBytes(...bytes(s));
  return d === AMBIGUOUS ? 'ambiguous' : Number.isNaN(d) ? 'invalid' : formatDay(d);
};
const amount = (p: AmountParser, s: string): number => p.parseBytes(...bytes(s));

describe('dates (spec §1.3)', () => {
  const p = new DateParser();
  it.each([
    ['2024-03-31', '2024-03-31'],
    ['2024-03-31T23:59:59', '2024-03-31'],
    ['2024-03-31T23:30:00Z', '2024-03-31'],
    ['2024-03-31T23:30:00+02:00', '2024-03-31'],
    ['2024-03-31T23:30:00-02:00', '2024-04-01'],
    ['2024-03-31T01:30:00+05:30', '2024-03-30'],
    ['2024-03-31 14:05:00', '2024-03-31'],
    ['2024-03-31 14:05:00.123', '2024-03-31'],
    ['20240331', '2024-03-31'],
    ['1711843200', '2024-03-31'],
    ['1711843200000', '2024-03-31'],
    ['2024-3-5', '2024-03-05'],
    ['2024/03/31', '2024-03-31'],
    ['31 Mar 2024', '2024-03-31'],
    ['Mar 31, 2024', '2024-03-31'],
    ['  2024-03-31  ', '2024-03-31'],
  ])('%s is %s', (text, want) => {
    expect(day(p, text)).toBe(want);
  });

  it.each(['2024-02-30', '2024-13-01', '31/31/2024', 'yesterday', '2024-03-31T25:00:00', ''])('%j is not a date', (text) => {
    expect(day(new DateParser(), text)).toBe('invalid');
  });

  it('day/month text: ambiguous without a format, read by --date-format, decided by a value over 12', () => {
    expect(day(new DateParser(), '03/04/2024')).toBe('ambiguous');
    expect(day(new DateParser('dmy'), '03/04/2024')).toBe('2024-04-03');
    expect(day(new DateParser('mdy'), '03/04/2024')).toBe('2024-03-04');
    expect(day(new DateParser(), '13/04/2024')).toBe('2024-04-13');
    expect(day(new DateParser(), '04/13/2024')).toBe('2024-04-13');
    expect(DateParser.decide('13/04/2024')).toBe('dmy');
    expect(DateParser.decide('04/13/2024')).toBe('mdy');
    expect(DateParser.decide('03/04/2024')).toBeUndefined();
  });

  it('--timezone: a UTC instant falls on the local calendar day, across DST', () => {
    const ny = new DateParser(undefined, 'America/New_York');
    expect(day(ny, '2024-03-31T03:30:00Z')).toBe('2024-03-30');
    expect(day(ny, '2024-03-10T06:59:00Z')).toBe('2024-03-10'); // 01:59 EST, before the switch
    expect(day(ny, '2024-03-10T07:00:00Z')).toBe('2024-03-10'); // 03:00 EDT, after it
    expect(day(ny, '1711843200')).toBe('2024-03-30'); // Unix seconds are instants too
    // a date without a time is a calendar day, whatever the zone
    expect(day(ny, '2024-03-31')).toBe('2024-03-31');
  });
});

describe('amounts (spec §1.3)', () => {
  it.each([
    ['1234.5', 1234.5],
    ['1,234.50', 1234.5],
    ['$1,234.50', 1234.5],
    ['(12.00)', -12],
    ['-12', -12],
    ['0', 0],
    ['1.2E+03', 1200],
    ['4.440892e-16', 4.440892e-16],
    [' 12.50 ', 12.5],
  ])('%s is %d', (text, want) => {
    expect(amount(new AmountParser(false), text)).toBeCloseTo(want, 12);
  });

  it('--decimal-comma reads 1.234,50 and 12,5; without it 12,50 is not an amount', () => {
    const de = new AmountParser(true);
    expect(amount(de, '1.234,50')).toBe(1234.5);
    expect(amount(de, '12,5')).toBe(12.5);
    expect(amount(new AmountParser(false), '12,50')).toBeNaN();
  });

  it('a currency in the text is remembered for the one-currency rule', () => {
    const p = new AmountParser(false);
    expect(amount(p, '€12.50')).toBe(12.5);
    expect(p.currency).toBe('EUR');
    expect(amount(p, 'USD 3')).toBe(3);
    expect(p.currency).toBe('USD');
    expect(amount(p, '7')).toBe(7);
    expect(p.currency).toBe('');
  });

  it.each(['abc', '', '1.2.3', '--5'])('%j is not an amount', (text) => {
    expect(amount(new AmountParser(false), text)).toBeNaN();
  });
});
