import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AmountParser, amountsLookLikeThousands } from '../../src/io/values.js';
import { runClm } from '../helpers/run-clm.js';

/**
 * Found on the issue 14 walk: German amounts with a point for thousands (1.234, 2.500, 12.000)
 * were read as 1.234 etc. with no word: revenue 965.73 instead of 16,684.
 */
const tally = (values: string[]): Float64Array => {
  const p = new AmountParser(false);
  for (const v of values) p.parseBytes(Buffer.from(v), 0, Buffer.byteLength(v));
  return p.decimals;
};

describe('amounts that look like a point for thousands', () => {
  it('three or more amounts with exactly three decimals and none with one or two: a warning naming the flag', () => {
    expect(amountsLookLikeThousands(tally(['1.234', '2.500', '12.000', '950']), 'o.csv', 'Betrag')).toMatch(/^o\.csv: column "Betrag": 3 amounts .* pass --decimal-comma$/);
  });

  it('silent for cents, for a few odd values, and for whole numbers', () => {
    expect(amountsLookLikeThousands(tally(['1.234', '2.500', '12.000', '9.95']), 'o.csv', 'amount')).toBeNull();
    expect(amountsLookLikeThousands(tally(['1.234', '2.500', '100']), 'o.csv', 'amount')).toBeNull();
    expect(amountsLookLikeThousands(tally(['10', '20', '30', '40']), 'o.csv', 'amount')).toBeNull();
  });

  it('clm summary warns on such a file, and not with --decimal-comma (which reads it right)', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'clm-de-')), 'orders.csv');
    writeFileSync(f, 'order_id,customer_id,order_date,amount\n1,a,2024-01-05,1.234\n2,b,2024-02-05,2.500\n3,c,2024-03-05,12.000\n4,d,2024-04-05,950\n');
    const plain = await runClm(['summary', '--orders', f, '--format', 'csv']);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('3 amounts have exactly three digits after the point (like 1.234)');
    const de = await runClm(['summary', '--orders', f, '--decimal-comma', '--format', 'csv']);
    expect(de.stderr).not.toContain('three digits');
    expect(de.stdout).toMatch(/^net_revenue,16684,/m);
  });
});
