/**
 * The retention triangle on a colour terminal (issue 14, item 16): k0 is 100% by definition;
 * on one 0-100% scale with it every k >= 1 cell was near-white. k >= 1 now shade on their own
 * scale, from 0 to the largest k >= 1 value, and k0 is left unshaded.
 */
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const BG = /\u001b\[48;5;(\d+)m/;
// eslint-disable-next-line no-control-regex
const plain = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

describe('cohort retention shading', () => {
  it('shades k >= 1 from pale to the deepest shade and leaves k0 plain; the legend gives the scale', async () => {
    const r = await runClm(['cohorts', '--orders', 'fixtures/demo/orders.csv'], { tty: true, env: { COLUMNS: '400' } });
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\S*│\S* 20\d\d-\d\d /.test(l));
    expect(rows.length).toBe(24);
    const shades = new Set<number>();
    for (const row of rows) {
      const cells = row.split('│').slice(1, -1);
      // cohort, cohort_size, k0: no background
      expect(cells[2]).not.toMatch(BG);
      expect(plain(cells[2]).trim()).toBe('100.0%');
      for (const c of cells.slice(3)) {
        const m = BG.exec(c);
        if (m) shades.add(Number(m[1]));
      }
    }
    // the deepest blue (17) and the palest (255) both occur among k >= 1 cells: a full scale
    expect(shades.has(17)).toBe(true);
    expect(shades.has(255)).toBe(true);
    expect(shades.size).toBeGreaterThanOrEqual(6);
    expect(plain(r.stdout)).toMatch(/shade: 0% +38\.2%/);
  });
});
