import type { Chalk } from 'chalk';
import { displayCell } from './cells.js';
import type { Cell, Column } from './result.js';

/**
 * Terminal shading of heat columns (Column.heat): a background from a pale-to-deep blue
 * ramp, and the line under the table that gives its scale.
 */
/** Background shades for heat columns: a 256-colour blue ramp from pale to deep. */
const RAMP = [255, 254, 153, 117, 75, 33, 27, 21, 19, 17];

/** One line under a shaded table: the ramp from its lowest to its highest value. */
export function heatLegend(columns: Column[], rows: Cell[][], chalk: InstanceType<typeof Chalk>): string {
  const ramp = RAMP.map((c) => chalk.bgAnsi256(c)('  ')).join('');
  const scaled = columns.findIndex((c) => c.heat === 'scaled');
  if (scaled < 0) return `shade: 0% ${ramp} 100%`;
  let max = 0;
  columns.forEach((c, i) => {
    if (c.heat !== 'scaled') return;
    for (const r of rows) if (typeof r[i] === 'number' && (r[i] as number) > max) max = r[i] as number;
  });
  return `shade: ${columns[scaled].type === 'percent' ? '0%' : '0'} ${ramp} ${displayCell(max, columns[scaled])}`;
}

export function heatShader(columns: Column[], rows: Cell[][], chalk: InstanceType<typeof Chalk>): ((text: string, v: Cell, c: Column) => string) | undefined {
  if (!columns.some((c) => c.heat)) return undefined;
  let max = 0;
  columns.forEach((c, i) => {
    if (c.heat !== 'scaled') return;
    for (const r of rows) if (typeof r[i] === 'number' && (r[i] as number) > max) max = r[i] as number;
  });
  return (text, v, c) => {
    if (typeof v !== 'number') return text;
    const x = c.heat === 'fraction' ? v : max > 0 ? v / max : 0;
    const level = Math.max(0, Math.min(RAMP.length - 1, Math.round(x * (RAMP.length - 1))));
    const fg = level >= RAMP.length / 2 ? chalk.whiteBright : chalk.black;
    return chalk.bgAnsi256(RAMP[level])(fg(` ${text} `));
  };
}
