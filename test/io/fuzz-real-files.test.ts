/**
 * Issue 17, acceptance: a seeded, bounded fuzz test that mutates real files and checks that
 * clm either accounts for every row (rows read = order rows + refund rows + excluded +
 * rejected) with exit 0, or stops with a data error (exit 3) naming the file; never a crash
 * (70), never a usage error (2) or a --fail-if exit (1) for bad data.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../helpers/datasets.js';
import { runClm } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-fuzz-'));

/** The head of a real export (header and ~150 rows), with the arguments that read it. */
const SOURCES: { name: string; file: string; args: string[] }[] = [
  { name: 'demo', file: 'fixtures/demo/orders.csv', args: [] },
  { name: 'olist', file: join(DATASETS, 'olist-4k', 'olist_orders_dataset.csv'), args: ['--preset', 'olist'] },
  { name: 'cdnow', file: join(DATASETS, 'cdnow', 'CDNOW_master.txt'), args: ['--preset', 'cdnow'] },
].filter((s) => existsSync(s.file));
const heads = SOURCES.map((s) => readFileSync(s.file, 'utf8').split('\n').slice(0, 150).join('\n') + '\n');

const PIECES = ['"', ',', ';', '\t', '\n', '\r\n', '\u001b[2J', '\u0000', '=HYPERLINK("x")', '-', '1e308', '9999-12-31', '25/03/2024', '03/25/2024', '€', 'cancelled', '""', ' '];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...PIECES) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(text: string, ms: { kind: string; at: number; text?: string; length?: number }[]): string {
  let t = text;
  for (const m of ms) {
    // mutations never touch the header line, so the file stays recognisably the same export
    const headerEnd = t.indexOf('\n') + 1;
    const at = headerEnd + (t.length > headerEnd ? m.at % (t.length - headerEnd) : 0);
    if (m.kind === 'insert') t = t.slice(0, at) + m.text + t.slice(at);
    else if (m.kind === 'delete') t = t.slice(0, at) + t.slice(at + m.length!);
    else if (m.kind === 'truncate') t = t.slice(0, Math.max(headerEnd + 1, at));
    else {
      const start = t.lastIndexOf('\n', at - 1) + 1;
      const end = t.indexOf('\n', at);
      const line = t.slice(start, end < 0 ? t.length : end);
      t = t.slice(0, start) + line + '\n' + t.slice(start);
    }
  }
  return t;
}

describe.runIf(SOURCES.length > 0)('mutated real files', () => {
  let n = 0;
  it('every row is accounted for, or the run stops with a data error naming the file (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: SOURCES.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), async (which, ms) => {
        const src = SOURCES[which];
        const file = join(dir, `${src.name}-${n++}.csv`);
        writeFileSync(file, mutate(heads[which], ms));
        const r = await runClm(['summary', '--orders', file, ...src.args, '--format', 'json']);
        expect([0, 3], r.stderr).toContain(r.code);
        if (r.code === 3) {
          expect(r.stderr).toMatch(/^clm: error: /m);
          expect(r.stderr).toContain(file);
          return;
        }
        const rec = JSON.parse(r.stdout).meta.reconciliation;
        const sum = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);
        expect(rec.order_rows + rec.refund_rows + sum(rec.excluded) + sum(rec.rejected)).toBe(rec.rows_read);
      }),
      { numRuns: 60, seed: 1717 },
    );
  }, 240_000);
});
