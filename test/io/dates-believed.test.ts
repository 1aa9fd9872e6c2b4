/**
 * Issue 17, item 6: dates that are not dates are rejected; "no date" placeholders are excluded
 * with their own reason (and never move the as-of date); a file mixing day-first and
 * month-first dates is an error.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-dates-'));
function write(name: string, rows: string[]): string {
  const f = join(dir, name);
  writeFileSync(f, ['order_id,customer_id,order_date,amount', ...rows].join('\n') + '\n');
  return f;
}

describe('dates that are not dates', () => {
  it('years 0000 and 9999 (not a placeholder), epoch ms in 2286, offsets +99:99 and +2500, trailing garbage and 99:99 are rejected', async () => {
    const bad = ['0000-03-01', '9999-06-30', '9999999999999', '2024-03-01T10:00:00+99:99', '2024-02-01T10:00:00+2500', '2024/03/31 garbage', '31/03/2024 99:99', '12 Mar 2024 junk'];
    const f = write('bad.csv', ['1,a,2024-01-01,10', ...bad.map((d, i) => `${i + 2},b,${d},1`)]);
    const r = await runClm(['summary', '--orders', f, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.meta.reconciliation.rejected.bad_date).toBe(bad.length);
    expect(j.meta.as_of).toBe('2024-01-01');
  });

  it('1900-01-01, 9999-12-31 and 0001-01-01 are excluded as placeholders; the as-of date stays in the data; a report is written', async () => {
    const f = write('placeholders.csv', ['1,a,2024-01-01,10', '2,a,2024-03-01,12', '3,b,9999-12-31,5', '4,b,1900-01-01,7', '5,c,0001-01-01,1', '6,c,2024-02-11,4']);
    const r = await runClm(['summary', '--orders', f, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.meta.reconciliation.excluded.placeholder_date).toBe(3);
    expect(j.meta.as_of).toBe('2024-03-01');
    const rep = await runClm(['report', '--orders', f, '--out', join(dir, 'report'), '--quiet']);
    expect(rep.code, rep.stderr).toBe(0);
  });

  it('a file with both 25/03/2024 and 03/25/2024 is an error naming both', async () => {
    const f = write('mixed.csv', ['1,a,25/03/2024,10', '2,a,03/25/2024,5', '3,b,04/05/2024,1']);
    const r = await runClm(['summary', '--orders', f]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/mix day-first \(25\/03\/2024\) and month-first \(03\/25\/2024\)/);
  });

  it('still reads what it read: times, AM/PM, zones, month names, slash dates', async () => {
    const ok = ['2024-03-01 10:00:00', '2024-03-01T10:00:00Z', '2024-03-01T10:00:00+05:30', '2024/03/31 14:05', '31 Mar 2024', 'Mar 31, 2024 3:05 PM', '31/03/2024 14:05', '20240331', '1711843200'];
    const f = write('ok.csv', ok.map((d, i) => `${i + 1},a,"${d}",1`));
    const r = await runClm(['summary', '--orders', f, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).meta.reconciliation.rejected).toEqual({});
  });
});
