/**
 * Issue 17, item 8: UTF-16 exports read, with and without a byte-order mark, and
 * `--encoding utf16le` (the spelling the hints use) is accepted.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-utf16-'));
const TEXT = 'order_id,customer_id,order_date,amount\n1,José Muñoz,2024-01-01,10\n2,José Muñoz,2024-02-01,20.5\n3,b,2024-01-05,5\n';

function utf16(name: string, order: 'le' | 'be', bom: boolean): string {
  let body = Buffer.from(TEXT, 'utf16le');
  if (order === 'be') body = Buffer.from(body).swap16();
  const mark = bom ? (order === 'le' ? Buffer.from([0xff, 0xfe]) : Buffer.from([0xfe, 0xff])) : Buffer.alloc(0);
  const f = join(dir, name);
  writeFileSync(f, Buffer.concat([mark, body]));
  return f;
}

async function revenue(args: string[]): Promise<{ code: number; stderr: string; revenue?: number; ids?: string[] }> {
  const r = await runClm(['customers', ...args, '--format', 'json']);
  if (r.code !== 0) return { code: r.code, stderr: r.stderr };
  const rows = JSON.parse(r.stdout).rows as { customer_id: string; revenue: number }[];
  return { code: 0, stderr: r.stderr, revenue: rows.reduce((s, x) => s + x.revenue, 0), ids: rows.map((x) => x.customer_id).sort() };
}

describe('UTF-16', () => {
  for (const [name, order, bom, flag] of [
    ['le-bom.csv', 'le', true, []],
    ['be-bom.csv', 'be', true, []],
    ['le-bom-flag.csv', 'le', true, ['--encoding', 'utf16le']],
    ['le-nobom-flag.csv', 'le', false, ['--encoding', 'utf16le']],
    ['be-nobom-flag.csv', 'be', false, ['--encoding', 'utf-16be']],
  ] as const) {
    it(`${name}: read whole, names intact`, async () => {
      const r = await revenue(['--orders', utf16(name, order, bom), ...flag]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.revenue).toBeCloseTo(35.5, 6);
      expect(r.ids).toEqual(['José Muñoz', 'b']);
    });
  }

  it('without a byte-order mark or flag: refused with the --encoding that reads it', async () => {
    const r = await revenue(['--orders', utf16('le-nobom.csv', 'le', false)]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/UTF-16 text without a byte-order mark/);
    expect(r.stderr).toMatch(/--encoding utf16le/);
  });
});
