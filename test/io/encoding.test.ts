/**
 * Issue 14, item 4: text that is not UTF-8 (cp1252 exports from Excel or Salesforce on
 * Windows) is never read into `Jos� Mu�oz` silently. When the first bytes that are not UTF-8
 * are Windows-1252 letters the file is read as Windows-1252 and a warning says so; otherwise
 * a warning names the file, the line and the --encoding that reads it. The check streams:
 * a UTF-8 character cut by a chunk boundary is not a bad byte.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCustomerState } from '../../src/engine/streaming/read-orders.js';
import { runClm, stderrBeyondSmallSamples } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-enc-'));
const CHUNK = 1 << 20;
const HEADER = 'order_id,customer_id,order_date,amount\n';

function write(name: string, bytes: Buffer): string {
  const f = join(dir, name);
  writeFileSync(f, bytes);
  return f;
}

const cp1252 = (s: string): Buffer => Buffer.from(s, 'latin1');

async function customers(args: string[]): Promise<{ code: number; stderr: string; ids: string[]; revenue: number }> {
  const r = await runClm(['customers', ...args, '--format', 'json']);
  if (r.code !== 0) return { code: r.code, stderr: r.stderr, ids: [], revenue: NaN };
  const rows = JSON.parse(r.stdout).rows as { customer_id: string; revenue: number }[];
  return { code: 0, stderr: r.stderr, ids: rows.map((x) => x.customer_id).sort(), revenue: rows.reduce((s, x) => s + x.revenue, 0) };
}

/** `rows` order lines of plain ASCII that fill at least `bytes` bytes. */
function asciiRows(bytes: number, from = 1): string {
  const out: string[] = [];
  let n = 0;
  for (let i = from; n < bytes; i++) {
    const line = `${i},c${i % 50},2024-01-${String((i % 28) + 1).padStart(2, '0')},1\n`;
    out.push(line);
    n += line.length;
  }
  return out.join('');
}

describe('orders that are not UTF-8', () => {
  it('cp1252 letters: read as Windows-1252 and a warning with the file, the line and the --encoding', async () => {
    const f = write('cp1252.csv', cp1252(`${HEADER}1,Ann,2024-01-01,10\n2,José Muñoz,2024-01-02,20\n3,José Muñoz,2024-02-02,5\n`));
    const r = await customers(['--orders', f]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.ids).toEqual(['Ann', 'José Muñoz']);
    expect(r.revenue).toBe(35);
    expect(r.stderr).toContain(`${f}:3: `);
    expect(r.stderr).toMatch(/not UTF-8/);
    expect(r.stderr).toMatch(/read as Windows-1252 \(cp1252\)/);
    expect(r.stderr).toContain('"Jos\\xE9 Mu\\xF1oz" reads "José Muñoz"');
    expect(r.stderr).toContain('--encoding windows-1252');
    expect(r.stderr).not.toContain('\uFFFD');
  });

  it('--encoding cp1252 reads the same file without a warning', async () => {
    const f = write('cp1252-flag.csv', cp1252(`${HEADER}1,José Muñoz,2024-01-02,20\n`));
    const r = await customers(['--orders', f, '--encoding', 'cp1252']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.ids).toEqual(['José Muñoz']);
    expect(r.stderr).not.toMatch(/UTF-8/);
  });

  it('bytes that are not cp1252 letters: not guessed, a warning with the line and the --encoding to try', async () => {
    // 0x80 is € in Windows-1252, 0xA4 ¤: neither is a letter, so no guess is made
    const f = write('odd.csv', Buffer.concat([Buffer.from(`${HEADER}1,a,2024-01-01,10\n2,b`), Buffer.from([0x80, 0xa4]), Buffer.from(',2024-01-02,5\n')]));
    const r = await customers(['--orders', f]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${f}:3: `);
    expect(r.stderr).toMatch(/not UTF-8 text \("b\\x80\\xA4"\)/);
    expect(r.stderr).toContain('--encoding windows-1252');
    expect(r.stderr).toContain('--encoding latin1');
    expect(r.ids).toEqual(['a', 'b\uFFFD\uFFFD']);
  });

  it('--encoding utf-8 given: bad bytes are warned about, not guessed away', async () => {
    const f = write('said-utf8.csv', cp1252(`${HEADER}1,José,2024-01-02,20\n`));
    const r = await customers(['--orders', f, '--encoding', 'utf-8']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.ids).toEqual(['Jos\uFFFD']);
    expect(r.stderr).toContain(`${f}:2: `);
    expect(r.stderr).toContain('--encoding windows-1252');
  });

  it('the first bad byte after the first chunk, cut at a chunk boundary: every line decoded, the line counted across chunks', async () => {
    // `é` (0xE9, a UTF-8 three-byte lead) is the last byte of the first chunk
    let text = HEADER + asciiRows(CHUNK - 200);
    const prefix = '9999999,';
    const filler = CHUNK - Buffer.byteLength(text) - prefix.length - 1;
    text += prefix + 'x'.repeat(filler);
    const body = Buffer.concat([Buffer.from(text), cp1252('é Núñez,2024-03-01,7\n9999998,Zoë,2024-03-02,3\n')]);
    expect(body[CHUNK - 1]).toBe(0xe9);
    const f = write('late.csv', body);
    const r = await customers(['--orders', f]);
    expect(r.code, r.stderr).toBe(0);
    const lineNo = text.split('\n').length; // the line of the cut name
    expect(r.stderr).toContain(`${f}:${lineNo}: `);
    expect(r.stderr).toMatch(/read as Windows-1252/);
    expect(r.ids).toContain(`${'x'.repeat(filler)}é Núñez`);
    expect(r.ids).toContain('Zoë');
  });

  it('UTF-8 characters cut by chunk boundaries are not bad bytes (two-, three- and four-byte)', async () => {
    for (const ch of ['é', '€', '𝄞']) {
      const bytes = Buffer.byteLength(ch);
      for (let cut = 1; cut < bytes; cut++) {
        let text = HEADER + asciiRows(CHUNK - 300);
        const prefix = '9999999,';
        const filler = CHUNK - Buffer.byteLength(text) - prefix.length - cut;
        text += prefix + 'x'.repeat(filler) + ch + 'z,2024-03-01,7\n';
        const buf = Buffer.from(text);
        expect(buf.subarray(CHUNK - cut, CHUNK - cut + bytes).toString('utf8')).toBe(ch);
        const f = write(`cut-${bytes}-${cut}.csv`, buf);
        const r = await customers(['--orders', f]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).not.toMatch(/UTF-8|Windows-1252/);
        expect(r.ids).toContain(`${'x'.repeat(filler)}${ch}z`);
      }
    }
  });

  it('a valid UTF-8 file with names is read as it is, no warning', async () => {
    const f = write('utf8.csv', Buffer.from(`${HEADER}1,José Muñoz,2024-01-02,20\n2,Zoë,2024-01-03,1\n`));
    const r = await customers(['--orders', f]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.ids).toEqual(['José Muñoz', 'Zoë']);
    expect(stderrBeyondSmallSamples(r.stderr)).toBe('');
  });

  it('a file cut inside a UTF-8 character at its very end is warned about', async () => {
    const f = write('cut-end.csv', Buffer.concat([Buffer.from(`${HEADER}1,a,2024-01-01,10\n2,b,2024-01-02,5,`), Buffer.from([0xe2, 0x82])]));
    const r = await runClm(['customers', '--orders', f, '--format', 'json']);
    expect(r.stderr).toContain(`${f}:3: `);
    expect(r.stderr).toMatch(/not UTF-8/);
  });

  for (const [where, before, after] of [['first', 100_000, 300_000], ['second', 300_000, 100_000]] as const) {
  it(`the two-thread reader gives the same table and the same warning as one pass (bad byte in the ${where} half)`, async () => {
    const head = HEADER + asciiRows(before);
    const text = head + '999999,Jos\xe9 Mu\xf1oz,2024-02-01,9\n' + asciiRows(after, 1_000_000);
    const f = write(`par-${where}.csv`, cp1252(text));
    const warn1: string[] = [];
    const warn2: string[] = [];
    const base = { orders: f, map: { orders: new Map(), customers: new Map(), payments: new Map() } };
    const one = await readCustomerState({ ...base, warn: (m) => warn1.push(m), parallel: 'off' });
    const two = await readCustomerState({ ...base, warn: (m) => warn2.push(m), parallel: 'inline' });
    expect(one.table.ids).toContain('José Muñoz');
    expect(two.table.ids).toEqual(one.table.ids);
    expect(Array.from(two.table.revenue)).toEqual(Array.from(one.table.revenue));
    expect(warn2).toEqual(warn1);
    expect(warn1.join('\n')).toContain(`${f}:${head.split('\n').length}: `);
    expect(warn1.join('\n')).toMatch(/read as Windows-1252/);
  });
  }
});

describe('a customers file that is not UTF-8', () => {
  it('is read as Windows-1252 too, and the warning names the customers file', async () => {
    const orders = write('o.csv', Buffer.from(`${HEADER}1,c1,2024-01-01,10\n`));
    const cust = write('c.csv', cp1252('customer_id,name,country\nc1,José Muñoz,España\n'));
    const r = await runClm(['customers', '--orders', orders, '--customers', cust, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const row = JSON.parse(r.stdout).rows[0] as Record<string, unknown>;
    expect(row.name).toBe('José Muñoz');
    expect(row.country).toBe('España');
    expect(r.stderr).toContain(`${cust}:2: `);
    expect(r.stderr).toMatch(/read as Windows-1252/);
  });
});
