import { describe, expect, it } from 'vitest';
import { reflow } from '../../src/cli.js';
import { runClm } from '../helpers/run-clm.js';

/**
 * Issue 16, item 6: every command's help says what it costs and shows examples; and the
 * description reads as one paragraph wrapped to the terminal (a line break written in the
 * source used to split sentences: "or\nthe as-of date minus\n--holdout").
 */
const COMMANDS = ['summary', 'customers', 'pivot', 'stages', 'segments', 'cohorts', 'cltv', 'doctor', 'backtest', 'forecast', 'kpis', 'retention', 'playbook', 'report', 'diff', 'init', 'sql'];

describe('command help', () => {
  it.each(COMMANDS)('clm %s --help: a Cost line of its own and examples', async (cmd) => {
    const r = await runClm([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nCost: /);
    expect(r.stdout).toContain('Examples:');
  });

  it('descriptions are one paragraph, wrapped once; the Cost line starts its own', async () => {
    expect(reflow('How well\nthe model predicts.\nCost: one pass\nover the orders.')).toBe('How well the model predicts.\nCost: one pass over the orders.');
    const r = await runClm(['backtest', '--help']);
    const text = r.stdout.slice(0, r.stdout.indexOf('Options:'));
    // no line of the description is short unless it ends a paragraph
    const lines = text.split('\n').slice(2).filter((l) => l.trim() !== '');
    for (const [k, line] of lines.entries()) {
      const last = k === lines.length - 1 || lines[k + 1].startsWith('Cost:');
      if (!last) expect(line.length, line).toBeGreaterThan(60);
    }
  });
});
