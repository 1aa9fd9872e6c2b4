import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, Type } from '@uwdata/flechette';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

/**
 * Issue 16, item 4: `--format arrow` through arquero's Arrow export, read back with flechette
 * and compared with the CSV of the same run: ids stay strings, dates are dates, counts integers.
 */
const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31'];
const dir = mkdtempSync(join(tmpdir(), 'clm-arrow-'));
const DAY = 86_400_000;

describe('--format arrow', () => {
  it('clm customers -o x.arrow: the IPC file holds the CSV rows with their types', async () => {
    const file = join(dir, 'customers.arrow');
    const r = await runClm(['customers', ...DEMO, '-o', file]);
    expect(r.code, r.stderr).toBe(0);
    const csv = parse((await runClm(['customers', ...DEMO, '--format', 'csv'])).stdout, { columns: true }) as Record<string, string>[];
    const t = tableFromIPC(readFileSync(file));
    const fields = Object.fromEntries(t.schema.fields.map((f) => [f.name, f.type.typeId]));
    expect(Object.keys(fields)).toEqual(Object.keys(csv[0]));
    expect(fields.customer_id).toBe(Type.Utf8);
    expect(fields.first_order_date).toBe(Type.Date);
    expect(fields.orders).toBe(Type.Int);
    expect(fields.revenue).toBe(Type.Float);
    expect(fields.nps).toBe(Type.Utf8); // an attribute from the customers file is text, as in the CSV
    const rows = t.toArray() as Record<string, unknown>[];
    expect(rows).toHaveLength(csv.length);
    for (let i = 0; i < rows.length; i += 97) {
      const a = rows[i];
      const c = csv[i];
      expect(a.customer_id).toBe(c.customer_id);
      expect(a.orders).toBe(Number(c.orders));
      expect(a.revenue).toBe(c.revenue === '' ? null : Number(c.revenue));
      expect(a.first_order_date === null ? '' : new Date(a.first_order_date as number).toISOString().slice(0, 10)).toBe(c.first_order_date);
      expect(a.stage).toBe(c.stage);
    }
    expect(rows.filter((r) => r.first_order_date !== null).every((r) => (r.first_order_date as number) % DAY === 0)).toBe(true);
  });

  it('in a pipe it is an IPC stream (the built clm); on a terminal a usage error', async () => {
    const bytes = execFileSync(process.execPath, ['bin/clm.js', 'segments', ...DEMO, '--format', 'arrow']);
    const t = tableFromIPC(bytes);
    expect(t.numRows).toBe(11);
    expect((t.toArray() as Record<string, unknown>[])[0].segment).toBe('Champions');
    const tty = await runClm(['segments', ...DEMO, '--format', 'arrow'], { tty: true });
    expect(tty.code).toBe(2);
    expect(tty.stderr).toContain('--format arrow writes binary Arrow IPC');
  }, 120_000);

  it('clm summary: the value column mixes counts, amounts and dates, so Arrow holds it as text, every cell as the CSV has it (the dates were null)', async () => {
    const file = join(dir, 'summary.arrow');
    const r = await runClm(['summary', ...DEMO, '-o', file]);
    expect(r.code, r.stderr).toBe(0);
    const csv = parse((await runClm(['summary', ...DEMO, '--format', 'csv'])).stdout, { columns: true }) as Record<string, string>[];
    const t = tableFromIPC(readFileSync(file));
    expect(t.schema.fields.find((f) => f.name === 'value')?.type.typeId).toBe(Type.Utf8);
    const rows = t.toArray() as Record<string, unknown>[];
    expect(rows.map((x) => [x.metric, x.value])).toEqual(csv.map((c) => [c.metric, c.value]));
    expect(rows.find((x) => x.metric === 'first_order_date')?.value).toBe('2023-01-02');
  });

  it('-o x.arrow with --format csv disagrees: a usage error', async () => {
    const r = await runClm(['segments', ...DEMO, '-o', join(dir, 'x.arrow'), '--format', 'csv']);
    expect(r.code).toBe(2);
  });
});
