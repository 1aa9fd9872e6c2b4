/**
 * Issue 17, items 11-13: no output carries a control character or a live formula from data or
 * from the config, whatever the format; Markdown from data stays text.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-inject-'));
let n = 0;

const hostile = fc.oneof(
  fc.constantFrom('\u001b]0;PWNED\u0007\u001b[2J', '=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", '@SUM(9)', '-2+3', '\u009b31m', 'a\u0000b', '![t](http://evil.example/p.png)', '[x](javascript:alert(1))', '<img src=x>'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }).filter((s) => s.trim() !== ''),
);

/** A control character other than the line breaks and tabs that CSV/TSV quoting and layout use. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

function shop(channel: string, segment: string): { args: string[] } {
  const k = n++;
  const orders = join(dir, `o${k}.csv`);
  const customers = join(dir, `c${k}.csv`);
  const config = join(dir, `cfg${k}.json`);
  const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  writeFileSync(orders, 'order_id,customer_id,order_date,amount\n1,a,2024-01-01,10\n2,a,2024-02-01,20\n3,b,2024-01-05,5\n');
  writeFileSync(customers, `customer_id,channel\na,${q(channel)}\nb,web\n`);
  writeFileSync(config, JSON.stringify({ segments: { rules: [{ name: segment, rule: 'orders >= 1' }], default: 'other' } }));
  return { args: ['--orders', orders, '--customers', customers, '--config', config] };
}

describe('hostile text in data and config', () => {
  it('no format carries a control character, and no CSV/TSV cell starts a formula (property)', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (channel, segment) => {
        const { args } = shop(channel, segment);
        for (const format of ['csv', 'tsv', 'json', 'ndjson', 'md', 'table']) {
          const r = await runClm(['customers', ...args, '--format', format]);
          if (r.code !== 0) {
            // a segment name the config refuses (2), or a NUL byte read as a binary file (3), is
            // fine, as long as the refusal is clean
            expect([2, 3]).toContain(r.code);
            expect(r.stderr).not.toMatch(CONTROL);
            continue;
          }
          expect(r.stdout).not.toMatch(CONTROL);
          expect(r.stderr).not.toMatch(CONTROL);
          if (format === 'csv' || format === 'tsv') {
            const rows = parse(r.stdout, { delimiter: format === 'csv' ? ',' : '\t', relax_quotes: true }) as string[][];
            for (const row of rows.slice(1)) for (const cell of row) if (!/^-?\d/.test(cell)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
          }
          if (format === 'md') expect(r.stdout).not.toMatch(/(?<!\\)!\[t(?<!\\)\]\(|(?<!\\)\]\(javascript:|<img/);
        }
      }),
      { numRuns: 8, seed: 17 },
    );
  }, 120_000);

  it('an escape sequence in a channel is shown as text on a terminal table and in warnings', async () => {
    const { args } = shop('\u001b]0;PWNED\u0007\u001b[2J', 'vip');
    const r = await runClm(['customers', ...args, '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\\x1b]0;PWNED\\x07\\x1b[2J');
    const st = await runClm(['summary', '--orders', join(dir, 'o0.csv'), '--count-status', 'x', '--map', 'status=\u001b[2Jstatus']);
    expect(st.stderr).not.toMatch(CONTROL);
  });
});
