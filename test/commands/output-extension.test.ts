/** Issue 14, item 11: `-o FILE` writes the format its extension names, or refuses. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-ext-'));
const DEMO = ['segments', '--orders', 'fixtures/demo/orders.csv'];

describe('--output and its extension', () => {
  it('.xlsx is a usage error that points at clm report, and writes nothing', async () => {
    const r = await runClm([...DEMO, '-o', join(dir, 'out.xlsx')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not write \.xlsx files/);
    expect(existsSync(join(dir, 'out.xlsx'))).toBe(false);
  });

  it('.jsonl is NDJSON, .tsv is TSV, .json is JSON', async () => {
    expect((await runClm([...DEMO, '-o', join(dir, 'a.jsonl')])).code).toBe(0);
    const lines = readFileSync(join(dir, 'a.jsonl'), 'utf8').trim().split('\n');
    expect(lines.every((l) => typeof JSON.parse(l) === 'object')).toBe(true);
    expect((await runClm([...DEMO, '-o', join(dir, 'a.tsv')])).code).toBe(0);
    expect(readFileSync(join(dir, 'a.tsv'), 'utf8').split('\n')[0]).toContain('\t');
    expect((await runClm([...DEMO, '-o', join(dir, 'a.json')])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')).meta.command).toBe('segments');
  });

  it('an explicit --format that disagrees with the extension is a usage error; .txt and no extension take any format', async () => {
    const clash = await runClm([...DEMO, '-o', join(dir, 'seg.json'), '--format', 'csv']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('names a .json file but --format is csv');
    expect(existsSync(join(dir, 'seg.json'))).toBe(false);
    const xlsx = await runClm([...DEMO, '-o', join(dir, 'seg.xlsx'), '--format', 'csv']);
    expect(xlsx.code).toBe(2);
    expect(existsSync(join(dir, 'seg.xlsx'))).toBe(false);
    expect((await runClm([...DEMO, '-o', join(dir, 'seg.csv'), '--format', 'csv'])).code).toBe(0);
    expect((await runClm([...DEMO, '-o', join(dir, 'seg.txt'), '--format', 'md'])).code).toBe(0);
    expect(readFileSync(join(dir, 'seg.txt'), 'utf8')).toContain('| segment |');
    expect((await runClm([...DEMO, '-o', join(dir, 'seg'), '--format', 'json'])).code).toBe(0);
  });
});
