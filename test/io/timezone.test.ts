import { describe, expect, it } from 'vitest';
import { formatDay } from '../../src/domain/dates.js';
import { DateParser } from '../../src/io/values.js';
import { runClm } from '../helpers/run-clm.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Issue 12, item 7: a --timezone whose offset is not a whole hour put the first 30/45 minutes
 * after local midnight on the previous day (the day was cached per UTC hour).
 */
const dayIn = (zone: string, iso: string): string => formatDay(new DateParser(undefined, zone).dayOfInstant(Date.parse(iso)));

describe('calendar days in a time zone', () => {
  it('half- and quarter-hour offsets: the minutes after local midnight are the new day', () => {
    // Asia/Kolkata is +5:30: 18:40Z is 00:10 on the 11th, 18:20Z is 23:50 on the 10th
    expect(dayIn('Asia/Kolkata', '2024-03-10T18:40:00Z')).toBe('2024-03-11');
    expect(dayIn('Asia/Kolkata', '2024-03-10T18:20:00Z')).toBe('2024-03-10');
    expect(dayIn('Asia/Kolkata', '2024-03-10T18:30:00Z')).toBe('2024-03-11');
    // Asia/Kathmandu is +5:45: midnight is 18:15Z
    expect(dayIn('Asia/Kathmandu', '2024-03-10T18:14:59Z')).toBe('2024-03-10');
    expect(dayIn('Asia/Kathmandu', '2024-03-10T18:15:00Z')).toBe('2024-03-11');
    // America/St_Johns is -3:30 (-2:30 in summer): midnight of 1 Feb is 03:30Z
    expect(dayIn('America/St_Johns', '2024-02-01T03:29:00Z')).toBe('2024-01-31');
    expect(dayIn('America/St_Johns', '2024-02-01T03:31:00Z')).toBe('2024-02-01');
  });

  it('DST changes: the day of the instant either side of the switch', () => {
    // Europe/Berlin goes +1 -> +2 on 2024-03-31 at 01:00Z; local midnight of 1 April is 22:00Z
    expect(dayIn('Europe/Berlin', '2024-03-31T21:59:00Z')).toBe('2024-03-31');
    expect(dayIn('Europe/Berlin', '2024-03-31T22:00:00Z')).toBe('2024-04-01');
    // America/New_York goes -4 -> -5 on 2024-11-03 at 06:00Z; midnight of 4 Nov is 05:00Z
    expect(dayIn('America/New_York', '2024-11-04T04:59:00Z')).toBe('2024-11-03');
    expect(dayIn('America/New_York', '2024-11-04T05:00:00Z')).toBe('2024-11-04');
    // Lord Howe Island moves by half an hour (+10:30 / +11)
    expect(dayIn('Australia/Lord_Howe', '2024-01-15T12:59:00Z')).toBe('2024-01-15');
    expect(dayIn('Australia/Lord_Howe', '2024-01-15T13:00:00Z')).toBe('2024-01-16');
  });

  it('every minute of a day in Kolkata agrees with Intl', () => {
    const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata', year: 'numeric', month: '2-digit', day: '2-digit' });
    const p = new DateParser(undefined, 'Asia/Kolkata');
    const start = Date.parse('2024-03-10T12:00:00Z');
    for (let m = 0; m < 24 * 60; m++) {
      const ms = start + m * 60_000;
      expect(formatDay(p.dayOfInstant(ms))).toBe(fmt.format(new Date(ms)));
    }
  });

  it('clm reads 2024-03-10T18:40Z in Asia/Kolkata as 2024-03-11', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'clm-tz-')), 'orders.csv');
    writeFileSync(f, 'order_id,customer_id,order_date,amount\n1,c1,2024-03-10T18:40Z,10\n2,c1,2024-03-10T18:20Z,10\n');
    const r = await runClm(['customers', '--orders', f, '--timezone', 'Asia/Kolkata', '--as-of', '2024-03-31', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toMatch(/^c1,2024-03-10,2024-03-11,2,2,/);
  });
});
