import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ClaimShare, cutTail, open, rangeLimit } from '../../../src/engine/streaming/range-claims.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-claims-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('range claims', () => {
  it('every byte is read by the owner or the thief, never both; a cut is a line start past what the owner claimed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', ',', '"'), maxLength: 40 }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 64 }),
        fc.nat({ max: 40 }),
        fc.nat({ max: 4 }),
        (lines, chunk, claimsBefore, startLine) => {
          const text = lines.join('\n') + '\n';
          const file = join(dir, 'f.csv');
          writeFileSync(file, text);
          // a range from the start of some line to the end of the file
          const start = lines.slice(0, Math.min(startLine, lines.length - 1)).reduce((n, l) => n + l.length + 1, 0);
          const end = text.length;
          const share = ClaimShare.create([
            { start: 0, end: start },
            { start, end },
          ]);
          const owner = rangeLimit(share, 1);
          let pos = start;
          const read: [number, number][] = [];
          const take = (): number => {
            const n = owner.claim(pos, Math.min(chunk, end - pos));
            if (n > 0) read.push([pos, pos + n]);
            pos += n;
            return n;
          };
          for (let k = 0; k < claimsBefore && pos < end; k++) take();
          const claimed = pos;
          const cut = cutTail(share, 1, file, 0);
          while (pos < end && take() > 0);
          if (!cut) {
            expect(owner.cut).toBe(false);
            expect(pos).toBe(end);
            return;
          }
          expect(owner.cut).toBe(true);
          expect(cut.end).toBe(end);
          expect(cut.start).toBeGreaterThan(claimed);
          expect(text[cut.start - 1]).toBe('\n');
          // the owner stopped exactly at the cut, its reads contiguous from its start
          expect(pos).toBe(cut.start);
          read.forEach(([s, e], i) => {
            expect(s).toBe(i === 0 ? start : read[i - 1][1]);
            expect(e).toBeLessThanOrEqual(cut.start);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does not cut a tail shorter than asked, and a held range starts once opened', async () => {
    const file = join(dir, 'g.csv');
    writeFileSync(file, 'x\n'.repeat(1000));
    const share = ClaimShare.create([
      { start: 0, end: 1000 },
      { start: 1000, end: 2000 },
    ]);
    expect(cutTail(share, 0, file, 1001)).toBeUndefined();
    let started = false;
    const held = rangeLimit(share, 1, true)
      .ready()
      .then(() => (started = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toBe(false);
    expect(cutTail(share, 1, file, 0)).toEqual({ start: 1502, end: 2000, from: 1 });
    open(share);
    await held;
    expect(started).toBe(true);
  });
});
