/**
 * The spinner says how far a long read is and which model is being fitted (issue 14, item
 * 16): before, it said `reading FILE` until the output appeared, through a minute-long fit.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { readProgress } from '../../src/render/progress.js';

describe('read progress', () => {
  it('counts bytes read since the start against the inputs on disk, never past 100%, then takes the run\'s own text', () => {
    let read = 1_000_000;
    const texts: string[] = [];
    const p = readProgress((t) => texts.push(t), { orders: '/data/orders.csv.gz', totalBytes: 40_000_000, bytesRead: () => read, every: 60_000 });
    expect(texts.at(-1)).toBe('reading orders.csv.gz · 0 of 40 MB (0%)');
    read += 10_000_000;
    p.tick();
    expect(texts.at(-1)).toBe('reading orders.csv.gz · 10 of 40 MB (25%)');
    read += 45_000_000;
    p.tick();
    expect(texts.at(-1)).toBe('reading orders.csv.gz · 40 of 40 MB (100%)');
    p.say('fitting BG/NBD to 4,339 customers');
    p.tick();
    expect(texts.at(-1)).toBe('fitting BG/NBD to 4,339 customers');
    p.stop();
  });

  it('stdin has no size: bytes read only; no byte count known: the file name only', () => {
    const texts: string[] = [];
    let read = 0;
    const a = readProgress((t) => texts.push(t), { orders: '-', totalBytes: 0, bytesRead: () => read, every: 60_000 });
    read = 2_500_000;
    a.tick();
    expect(texts.at(-1)).toBe('reading stdin · 2.5 MB');
    a.stop();
    const b = readProgress((t) => texts.push(t), { orders: 'x.csv', totalBytes: 10, bytesRead: () => undefined, every: 60_000 });
    expect(texts.at(-1)).toBe('reading x.csv');
    b.stop();
  });

  it('cltv and backtest name the model they fit, and for how many customers', async () => {
    for (const [cmd, want] of [
      ['cltv', /^fitting BG\/NBD \+ Gamma-Gamma spend to 1,253 customers$/],
      ['backtest', /^backtest: fitting (BG|MBG|Pareto)\/NBD to [\d,]+ customers up to \d{4}-\d\d-\d\d$/],
    ] as const) {
      const said: string[] = [];
      const out = new PassThrough().resume();
      const code = await main([cmd, '--orders', 'fixtures/demo/orders.csv'], {
        stdout: out,
        stderr: new PassThrough().resume(),
        stdin: undefined,
        stdoutIsTTY: false,
        stderrIsTTY: false,
        env: {},
        now: () => new Date('2026-01-15T12:00:00Z'),
        cwd: process.cwd(),
        progress: (t) => said.push(t),
      });
      expect(code).toBe(0);
      expect(said.some((t) => want.test(t)), said.join(' | ')).toBe(true);
    }
  });
});
