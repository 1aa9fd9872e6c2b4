import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/domain/errors.js';
import { periodOfDay, periodStartDay, periodEndDay, formatPeriod } from '../../src/domain/period.js';
import { parseSpendMonth, readSpendFile } from '../../src/io/read-spend.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-spend-'));
let n = 0;
function file(text: string): string {
  const p = join(dir, `s${n++}.csv`);
  writeFileSync(p, text);
  return p;
}
const month = (y: number, m: number): number => y * 12 + m - 1;

describe('readSpendFile', () => {
  it('months as YYYY-MM, YYYY/MM or a date; amounts with separators and symbols; repeated rows summed; blank lines skipped', async () => {
    const s = await readSpendFile({ path: file('Month;Source;Spend\n2024-01;web;"1.500"\n2024/01;web;$2,000.50\n\n2024-02-17;app;300\n2024-02;web;0\n') });
    expect(s.rows).toBeGreaterThanOrEqual(4);
    expect(s.entries).toEqual([
      { month: month(2024, 1), channel: 'web', amount: 2002 },
      { month: month(2024, 2), channel: 'app', amount: 300 },
      { month: month(2024, 2), channel: 'web', amount: 0 },
    ]);
  });

  it('--decimal-comma amounts', async () => {
    const s = await readSpendFile({ path: file('period;channel;amount\n2024-01;web;1.234,50\n'), decimalComma: true });
    expect(s.entries[0].amount).toBe(1234.5);
  });

  it('errors name the file, line, column and value', async () => {
    const p = file('period,channel,amount\n2024-01,web,100\n2024-02,,100\n');
    const e = await readSpendFile({ path: p }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).location).toEqual({ file: p, line: 3, column: 'channel', value: '' });
    const a = await readSpendFile({ path: file('period,channel,amount\n2024-01,web,abc\n') }).catch((x: unknown) => x);
    expect((a as DataError).message).toBe('not an amount');
    expect((a as DataError).location.value).toBe('abc');
  });

  it('parseSpendMonth', () => {
    expect(parseSpendMonth('2024-12')).toBe(month(2024, 12));
    expect(parseSpendMonth(' 2024-3 ')).toBe(month(2024, 3));
    expect(parseSpendMonth('2024-02-30')).toBeUndefined();
    expect(parseSpendMonth('2024-00')).toBeUndefined();
    expect(parseSpendMonth('Jan 2024')).toBeUndefined();
  });
});

describe('year periods (domain/period.ts)', () => {
  it('the year of a day, its first and last day, its label', () => {
    const d = Date.parse('2024-07-04T00:00:00Z') / 86_400_000;
    expect(periodOfDay('year', d)).toBe(2024);
    expect(periodStartDay('year', 2024)).toBe(Date.parse('2024-01-01T00:00:00Z') / 86_400_000);
    expect(periodEndDay('year', 2024)).toBe(Date.parse('2024-12-31T00:00:00Z') / 86_400_000);
    expect(formatPeriod('year', 2024)).toBe('2024');
  });
});
