import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseIsoDay } from '../../src/domain/dates.js';
import { tableOf, type Cell } from '../../src/render/result.js';
import { writeXlsx } from '../../src/render/xlsx.js';
import { runClm } from '../helpers/run-clm.js';

// Issue 14, item 18: XLSX cells typed as what they are, read back with exceljs.

const dir = mkdtempSync(join(tmpdir(), 'clm-xlsx-'));

async function readBack(path: string, sheet: string): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb.getWorksheet(sheet)!;
}

describe('writeXlsx', () => {
  it('lets the zip compress as rows come (the event loop turns while a big sheet is written), so a sheet of a million rows is not held in memory', async () => {
    let turns = 0;
    let live = true;
    const tick = (): void => {
      turns++;
      if (live) setImmediate(tick);
    };
    setImmediate(tick);
    let turnsAtRow5000 = -1;
    const rows = 6000;
    const t = {
      ...tableOf('many', 'Many', [{ name: 'customer_id', type: 'string' }, { name: 'orders', type: 'int' }], []),
      rowCount: rows,
      rows: function* (): Generator<Cell[]> {
        for (let i = 0; i < rows; i++) {
          if (i === 5000) turnsAtRow5000 = turns;
          yield [`C${i}`, i % 7];
        }
      },
    };
    const path = join(dir, 'many.xlsx');
    const [written] = await writeXlsx(path, [t]);
    live = false;
    expect(written.rows).toBe(rows);
    // before the fix every row was queued in one synchronous loop: no turn until the sheet ended
    expect(turnsAtRow5000).toBeGreaterThanOrEqual(40);
    expect((await readBack(path, 'many')).getRow(rows + 1).getCell(1).value).toBe(`C${rows - 1}`);
  });

  it('text stays exactly as it came (no quote prefix), and is never a formula', async () => {
    const ids = ['=1+1', '+44 20 7946 0958', '-0042', '@home', '00042'];
    const t = tableOf('people', 'People', [{ name: 'customer_id', type: 'string', fromInput: true }, { name: 'phone', type: 'string', fromInput: true }], ids.map((id) => [id, id]));
    const path = join(dir, 'text.xlsx');
    await writeXlsx(path, [t]);
    const ws = await readBack(path, 'people');
    for (let k = 0; k < ids.length; k++) {
      for (const c of [1, 2]) {
        const cell = ws.getRow(k + 2).getCell(c);
        expect(cell.type).toBe(ExcelJS.ValueType.String);
        expect(cell.value).toBe(ids[k]);
      }
    }
  });

  it('counts are integers, amounts cents, rates percentages, dates dates, booleans booleans, rounded to the display', async () => {
    const day = parseIsoDay('2024-03-05')!;
    const rows: Cell[][] = [
      [3, 12.345, 1.23456, 0.416666, 0.87349, day, 'true'],
      [4, -0.004, 2, 1, 0.5, day + 1, 'false'],
    ];
    const t = tableOf('typed', 'Typed', [
      { name: 'orders', type: 'int' },
      { name: 'revenue', type: 'money' },
      { name: 'frequency', type: 'number', decimals: 3 },
      { name: 'retention_rate', type: 'percent' },
      { name: 'p_alive', type: 'ratio', decimals: 3 },
      { name: 'first_order_date', type: 'date' },
      { name: 'complete', type: 'string', boolean: true },
    ], rows);
    const path = join(dir, 'typed.xlsx');
    await writeXlsx(path, [t]);
    const ws = await readBack(path, 'typed');
    const r2 = ws.getRow(2);
    const r3 = ws.getRow(3);
    expect([r2.getCell(1).value, r2.getCell(1).numFmt, r2.getCell(1).type]).toEqual([3, '#,##0', ExcelJS.ValueType.Number]);
    expect([r2.getCell(2).value, r2.getCell(2).numFmt]).toEqual([12.35, '#,##0.00']);
    expect(r3.getCell(2).value).toBe(0); // -0.004 shows as 0.00: no -0 either
    expect([r2.getCell(3).value, r2.getCell(3).numFmt]).toEqual([1.235, '#,##0.000']);
    expect([r2.getCell(4).value, r2.getCell(4).numFmt]).toEqual([0.417, '0.0%']);
    expect([r2.getCell(5).value, r2.getCell(5).numFmt]).toEqual([0.873, '0.000']);
    expect(r2.getCell(6).type).toBe(ExcelJS.ValueType.Date);
    expect((r2.getCell(6).value as Date).toISOString()).toBe('2024-03-05T00:00:00.000Z');
    expect(r2.getCell(6).numFmt).toBe('yyyy-mm-dd');
    expect([r2.getCell(7).type, r2.getCell(7).value, r3.getCell(7).value]).toEqual([ExcelJS.ValueType.Boolean, true, false]);
  });

  it('a column mixing kinds (a metric table) is typed per cell', async () => {
    const t = {
      ...tableOf('summary', 'Summary', [{ name: 'metric', type: 'string' }, { name: 'value', type: 'number' }], [['customers', 1253], ['first_order_date', '2023-01-02'], ['repeat_rate', 0.45678]]),
      cellType: (row: readonly Cell[], column: string) => (column !== 'value' ? undefined : row[0] === 'customers' ? { type: 'int' as const } : row[0] === 'repeat_rate' ? { type: 'percent' as const } : { type: 'date' as const }),
    };
    const path = join(dir, 'mixed.xlsx');
    await writeXlsx(path, [t]);
    const ws = await readBack(path, 'summary');
    expect([ws.getCell('B2').value, ws.getCell('B2').numFmt]).toEqual([1253, '#,##0']);
    expect((ws.getCell('B3').value as Date).toISOString()).toBe('2023-01-02T00:00:00.000Z');
    expect([ws.getCell('B4').value, ws.getCell('B4').numFmt]).toEqual([0.457, '0.0%']);
  });
});

describe('clm report writes the summary and KPI sheets typed', () => {
  it('summary counts, dates and rates; kpis complete as booleans and relative changes as percentages', async () => {
    const out = join(dir, 'report');
    const r = await runClm(['report', '--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31', '--model', 'historical', '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const ws = await readBack(join(out, 'report.xlsx'), 'summary');
    const byMetric = new Map<string, ExcelJS.Cell>();
    ws.eachRow((row, n) => n > 1 && byMetric.set(String(row.getCell(1).value), row.getCell(2)));
    expect([byMetric.get('customers')!.value, byMetric.get('customers')!.numFmt]).toEqual([1253, '#,##0']);
    expect((byMetric.get('first_order_date')!.value as Date).toISOString().slice(0, 10)).toBe('2023-01-02');
    expect(byMetric.get('repeat_customer_rate')!.numFmt).toBe('0.0%');
    const kpis = await readBack(join(out, 'report.xlsx'), 'kpis');
    const header = (kpis.getRow(1).values as unknown[]).slice(1);
    const complete = kpis.getRow(2).getCell(header.indexOf('complete') + 1);
    expect([complete.type, complete.value]).toEqual([ExcelJS.ValueType.Boolean, true]);
    expect(kpis.getRow(3).getCell(header.indexOf('revenue_change') + 1).numFmt).toBe('0.0%');
    expect(header).toContain('retention_rate_change_pts');
    // goals: each row's figures in its metric's format
    const cfg = join(dir, 'goals.json');
    writeFileSync(cfg, JSON.stringify({ goals: { retention_rate: { target: 0.4, by: '2025-06-30' }, active_customers: { target: 300 } } }));
    const out2 = join(dir, 'report-goals');
    const g = await runClm(['report', '--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31', '--model', 'historical', '--config', cfg, '--out', out2, '--quiet']);
    expect(g.code).toBe(0);
    const goals = await readBack(join(out2, 'report.xlsx'), 'goals');
    const gh = (goals.getRow(1).values as unknown[]).slice(1);
    const rowOf = (goal: string): ExcelJS.Row => {
      for (let n = 2; n <= goals.rowCount; n++) if (goals.getRow(n).getCell(1).value === goal) return goals.getRow(n);
      throw new Error(`no goal ${goal}`);
    };
    const target = (goal: string) => rowOf(goal).getCell(gh.indexOf('target') + 1);
    expect([target('retention_rate').value, target('retention_rate').numFmt]).toEqual([0.4, '0.0%']);
    expect([target('active_customers').value, target('active_customers').numFmt]).toEqual([300, '#,##0']);
    expect(rowOf('retention_rate').getCell(gh.indexOf('by') + 1).type).toBe(ExcelJS.ValueType.Date);
  }, 180_000);
});
