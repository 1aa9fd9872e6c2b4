import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';
import { DATASETS } from '../helpers/datasets.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-report-'));
const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31'];

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every file under a folder, with its hash. */
function snapshot(root: string): Record<string, string> {
  const files = (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[]).filter((d) => d.isFile());
  return Object.fromEntries(files.map((d) => join(d.parentPath, d.name)).sort().map((p) => [p, sha256(p)]));
}

describe('clm report on the demo shop', () => {
  const out = join(dir, 'demo');
  let manifest: Record<string, any>;

  it('writes every file and a manifest with row counts and input hashes', async () => {
    const r = await runClm(['report', ...DEMO, '--out', out, '--format', 'csv']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = (readdirSync(out, { recursive: true }) as string[]).filter((f) => f.includes('.')).sort();
    for (const f of ['index.html', 'report.md', 'report.xlsx', 'manifest.json', 'customers.csv', 'summary.csv', 'stages.csv', 'transitions.csv', 'segments.csv', 'rfm_grid.csv', 'cohort_retention.csv', 'cohort_ltv.csv', 'model.csv', 'backtest.csv', 'playbook.csv', 'audiences/stage-at_risk.csv', 'reconciliation.csv']) {
      expect(files, f).toContain(f);
    }
    manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.files.map((f: { file: string }) => f.file).sort()).toEqual(files);
    const customers = manifest.files.find((f: { file: string }) => f.file === 'customers.csv');
    expect(customers.rows).toBe(parse(readFileSync(join(out, 'customers.csv'), 'utf8'), { columns: true }).length);
    expect(customers.rows).toBe(1500);
    expect(manifest.inputs_hashed).toEqual([
      { role: 'orders', path: 'fixtures/demo/orders.csv', bytes: expect.any(Number), sha256: sha256('fixtures/demo/orders.csv') },
      { role: 'customers', path: 'fixtures/demo/customers.csv', bytes: expect.any(Number), sha256: sha256('fixtures/demo/customers.csv') },
    ]);
    expect(manifest.as_of).toBe('2024-12-31');
    expect(manifest.thresholds.active_days).toBeGreaterThan(0);
    expect(manifest.tool.name).toBe('clm');
    // the stdout summary is the metrics table
    expect(r.stdout.split('\n')[0]).toBe('metric,value');
  });

  it('the HTML is self-contained: no scripts, no external references, charts inline', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(http/i);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(html).toContain('Content-Security-Policy');
  });

  it('the XLSX has a sheet per table with typed numbers and dates and a frozen header', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, 'report.xlsx'));
    const names = wb.worksheets.map((w) => w.name);
    expect(names).toEqual(expect.arrayContaining(['summary', 'stages', 'transitions', 'segments', 'rfm_grid', 'cohort_retention', 'model', 'backtest', 'kpis', 'playbook', 'reconciliation', 'customers']));
    const stages = wb.getWorksheet('stages')!;
    expect(stages.getRow(1).getCell(1).value).toBe('stage');
    expect(typeof stages.getRow(2).getCell(2).value).toBe('number');
    expect(stages.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const customers = wb.getWorksheet('customers')!;
    const header = (customers.getRow(1).values as unknown[]).slice(1);
    const firstOrder = customers.getRow(2).getCell(header.indexOf('first_order_date') + 1).value;
    expect(firstOrder).toBeInstanceOf(Date);
    expect(customers.getRow(2).getCell(header.indexOf('first_order_date') + 1).numFmt).toBe('yyyy-mm-dd');
    expect(customers.getRow(3).getCell(header.indexOf('revenue') + 1).numFmt).toBe('#,##0.00');
    expect(customers.getRow(3).getCell(header.indexOf('orders') + 1).numFmt).toBe('#,##0');
    expect(customers.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(customers.getRow(2).getCell(1).font?.bold).toBeFalsy();
  });

  it('--fail-if exits 1 after writing; a false condition exits 0; --quiet prints nothing', async () => {
    const out2 = join(dir, 'alert');
    const held = await runClm(['report', ...DEMO, '--out', out2, '--fail-if', 'share(churned) > 0.25', '--fail-if', 'churn_rate > 0.99']);
    expect(held.code).toBe(1);
    expect(held.stderr).toContain('--fail-if held: share(churned) > 0.25');
    expect(held.stderr).not.toContain('churn_rate > 0.99');
    expect(existsSync(join(out2, 'manifest.json'))).toBe(true);
    const m = JSON.parse(readFileSync(join(out2, 'manifest.json'), 'utf8'));
    expect(m.fail_if).toEqual([
      { condition: 'share(churned) > 0.25', held: true },
      { condition: 'churn_rate > 0.99', held: false },
    ]);
    const quiet = await runClm(['report', ...DEMO, '--out', out2, '--quiet', '--fail-if', 'share(churned) > 0.99']);
    expect(quiet).toEqual({ code: 0, stdout: '', stderr: '' });
    // KPIs of the latest complete month and goals from the config work too
    const cfg = join(dir, 'goals.json');
    writeFileSync(cfg, JSON.stringify({ goals: { retention_rate: { target: 0.99, by: '2024-06-30' } } }));
    const goal = await runClm(['report', ...DEMO, '--config', cfg, '--out', out2, '--fail-if', 'goal(retention_rate) == missed', '--fail-if', 'retention_rate > 1']);
    expect(goal.code).toBe(1);
    expect(goal.stderr).toContain('--fail-if held: goal(retention_rate) == missed');
    const gm = JSON.parse(readFileSync(join(out2, 'manifest.json'), 'utf8'));
    expect(gm.metrics.retention_rate).toBeGreaterThan(0);
    expect(gm.metrics.retention_rate).toBeLessThan(1);
    expect(existsSync(join(out2, 'kpis.csv'))).toBe(true);
    expect(existsSync(join(out2, 'goals.csv'))).toBe(true);
    const gwb = new ExcelJS.Workbook();
    await gwb.xlsx.readFile(join(out2, 'report.xlsx'));
    expect(gwb.getWorksheet('goals')!.getRow(2).values).toContain('retention_rate');
    const html = readFileSync(join(out2, 'index.html'), 'utf8');
    for (const id of ['kpis', 'playbook', 'cohorts', 'clv', 'backtest']) expect(html).toContain(`id="${id}"`);
    expect(html).toMatch(/<th[^>]*>metric<\/th>.*retention_rate/s);
    const typo = await runClm(['report', ...DEMO, '--out', join(dir, 'never'), '--fail-if', 'share(churnd) > 0.2']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('is not a stage');
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('refuses to replace a folder that is not a report', async () => {
    const other = join(dir, 'photos');
    mkdtempSync(join(dir, 'x'));
    writeFileSync(join(dir, 'photos.keep'), '');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(other);
    writeFileSync(join(other, 'cat.jpg'), 'meow');
    const r = await runClm(['report', ...DEMO, '--out', other]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a clm report');
    expect(readFileSync(join(other, 'cat.jpg'), 'utf8')).toBe('meow');
  });
});

describe('state and changes', () => {
  it('--state-dir keeps stages; the next run and clm diff list who moved', async () => {
    const state = join(dir, 'state');
    const first = await runClm(['report', '--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-06-30', '--out', join(dir, 'r1'), '--state-dir', state, '--quiet']);
    expect(first.code).toBe(0);
    expect(existsSync(join(state, 'state.csv'))).toBe(true);
    const diff = await runClm(['diff', ...DEMO, '--state-dir', state, '--format', 'csv']);
    expect(diff.code).toBe(0);
    const moved = parse(diff.stdout, { columns: true }) as Record<string, string>[];
    expect(moved.length).toBeGreaterThan(0);
    for (const m of moved) {
      expect(['new', 'gone', 'stage', 'segment']).toContain(m.change);
      if (m.change === 'stage') expect(m.previous_stage).not.toBe(m.stage);
    }
    // the independent check: stages at each date from clm stages --per-customer
    const then = parse((await runClm(['stages', '--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-06-30', '--per-customer', '--format', 'csv'])).stdout, { columns: true }) as Record<string, string>[];
    const now = parse((await runClm(['stages', ...DEMO, '--per-customer', '--format', 'csv'])).stdout, { columns: true }) as Record<string, string>[];
    const stageThen = new Map(then.map((x) => [x.customer_id, x.stage]));
    const stageChanged = now.filter((x) => stageThen.has(x.customer_id) && stageThen.get(x.customer_id) !== x.stage).map((x) => x.customer_id);
    expect(stageChanged.length).toBeGreaterThan(100);
    expect(moved.filter((m) => m.change === 'stage').map((m) => m.customer_id)).toEqual(stageChanged);
    // customers first known after the earlier date are listed as new, with their stage now
    const newOnes = now.filter((x) => !stageThen.has(x.customer_id)).map((x) => x.customer_id);
    expect(moved.filter((m) => m.change === 'new').map((m) => m.customer_id)).toEqual(newOnes);
    // the report run with the state lists the same changes and saves the new state
    const second = await runClm(['report', ...DEMO, '--out', join(dir, 'r2'), '--state-dir', state, '--quiet']);
    expect(second.code).toBe(0);
    const changes = parse(readFileSync(join(dir, 'r2', 'changes.csv'), 'utf8'), { columns: true });
    expect(changes).toEqual(moved);
    const again = await runClm(['diff', ...DEMO, '--state-dir', state, '--format', 'csv']);
    expect(again.stdout).toBe('customer_id,change,previous_stage,stage,previous_rfm_segment,rfm_segment,previous_segment,segment\n');
  });
});

describe('clm init', () => {
  it('writes a config from the detected mapping that later runs use without flags', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'clm-init-'));
    const orders = join(cwd, 'orders.csv');
    writeFileSync(orders, 'Invoice,Client No,Invoice Date,Total\n1,a,2024-01-01,10\n2,b,2024-01-02,20\n');
    const r = await runClm(['init', '--orders', orders, '--map', 'customer_id=Client No', '--format', 'csv'], { cwd });
    expect(r.code).toBe(0);
    const cfg = JSON.parse(readFileSync(join(cwd, 'clm.config.json'), 'utf8'));
    expect(cfg.inputs.orders).toBe('orders.csv');
    expect(cfg.mapping.orders).toMatchObject({ order_id: 'Invoice', customer_id: 'Client No', order_date: 'Invoice Date', amount: 'Total' });
    const s = await runClm(['summary', '--format', 'json'], { cwd });
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).meta.summary.customers).toBe(2);
    const again = await runClm(['init', '--orders', orders], { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists already');
  });
});

describe('input text is inert in every output', () => {
  it('<script> and =HYPERLINK in customer data are escaped in HTML, guarded in CSV and plain text in XLSX', async () => {
    const orders = join(dir, 'evil-orders.csv');
    const customers = join(dir, 'evil-customers.csv');
    writeFileSync(orders, 'order_id,customer_id,order_date,amount\n1,<script>alert(1)</script>,2024-01-01,10\n2,"=HYPERLINK(""http://x"")",2024-01-02,20\n3,c3,2024-01-03,30\n');
    writeFileSync(customers, 'customer_id,name,channel\n<script>alert(1)</script>,<img src=x onerror=alert(2)>,web\n"=HYPERLINK(""http://x"")","=1+2",@evil\nc3,ok,"<b>bold</b>"\n');
    const cfg = join(dir, 'evil.json');
    writeFileSync(cfg, JSON.stringify({ segments: { rules: [{ name: '<script>alert(3)</script>', rule: 'revenue > 0' }] } }));
    const out = join(dir, 'evil');
    const r = await runClm(['report', '--orders', orders, '--customers', customers, '--config', cfg, '--out', out, '--quiet']);
    // three customers: only warnings (small samples, no model to fit), which --quiet never silences
    expect(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('clm: warning: '))).toEqual([]);
    expect(r.stderr).not.toContain('<script');
    expect(r.code).toBe(0);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>bold');
    expect(html).toContain('&lt;script&gt;alert(3)&lt;/script&gt;');
    const csv = readFileSync(join(out, 'customers.csv'), 'utf8');
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).toContain("'=1+2");
    expect(csv).toContain("'@evil");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, 'report.xlsx'));
    const ws = wb.getWorksheet('customers')!;
    const values: unknown[] = [];
    ws.eachRow((row) => row.eachCell((c) => values.push(c.value)));
    // an XLSX string cell is text, never a formula: it holds the id exactly (issue 14, item 18)
    expect(values).toContain(`=HYPERLINK("http://x")`);
    expect(values).toContain('@evil');
    for (const v of values) expect(typeof v === 'object' && v !== null && 'formula' in (v as object)).toBe(false);
  });
});

describe('a killed report leaves the earlier one untouched and no half folder', () => {
  it('SIGTERM midway', async () => {
    const big = join(dir, 'big-orders.csv');
    const lines = ['order_id,customer_id,order_date,amount'];
    for (let i = 0; i < 400_000; i++) lines.push(`o${i},c${i % 150_000},2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')},${(i % 300) + 1}`);
    writeFileSync(big, lines.join('\n') + '\n');
    const out = join(dir, 'kept');
    const first = await runClm(['report', '--orders', 'fixtures/demo/orders.csv', '--out', out, '--quiet']);
    expect(first.code).toBe(0);
    const before = snapshot(out);
    expect(Object.keys(before).length).toBeGreaterThan(20);
    const child = spawn(process.execPath, ['bin/clm.js', 'report', '--orders', big, '--out', out, '--quiet'], { stdio: 'ignore' });
    const tmp = join(dir, `.kept.clm-tmp-${child.pid}`);
    // wait until the run is writing its temporary folder, then stop it
    const t0 = Date.now();
    while (!existsSync(tmp) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(tmp)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    const signal = await new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, s) => r(s)));
    expect(signal).toBe('SIGTERM');
    expect(existsSync(tmp)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.kept.clm-'))).toEqual([]);
    expect(snapshot(out)).toEqual(before);
  });
});

const uci = join(DATASETS, 'online-retail', 'online_retail_2010-12_2011-12.csv.gz');
if (!existsSync(uci)) console.warn(`skipping the UCI report test: ${uci} not found (set CLM_DATASETS)`);

describe.skipIf(!existsSync(uci))('clm report on UCI online retail', () => {
  const out = join(dir, 'uci');

  it('writes every file; the manifest counts rows and hashes the input', async () => {
    const r = await runClm(['report', '--orders', uci, '--preset', 'online-retail', '--out', out, '--quiet']);
    // the model auto chooses on UCI (MBG/NBD) has a loosely pinned down (se of ln a ≈ 3 to 7): no intervals, and the report says why
    expect(r.stderr).toMatch(/^clm: warning: the interval columns are left empty: the data pins M?BG\/NBD's a down too loosely for the normal approximation the intervals rest on \(standard error of ln a \d\.\d\d, above 1\); [^\n]+\n$/);
    expect(r.code).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const listed = (m.files as { file: string; rows?: number }[]).map((f) => f.file);
    for (const f of ['index.html', 'report.md', 'report.xlsx', 'manifest.json', 'customers.csv', 'stages.csv', 'segments.csv', 'model.csv', 'backtest.csv', 'tracking.csv', 'playbook.csv', 'value_total.csv']) expect(listed, f).toContain(f);
    for (const f of listed) expect(existsSync(join(out, f)), f).toBe(true);
    expect(m.files.find((f: { file: string }) => f.file === 'customers.csv').rows).toBe(4339);
    expect(m.inputs_hashed[0].sha256).toBe(sha256(uci));
    expect(m.fit.purchase.converged).toBe(true);
  });

  // the HTML report as people read it (test/render/html-report.test.ts) on the report just written
  it('marks the partial December 2011 in the KPI chart and table and in both cohort charts; headers are words', () => {
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const section = (id: string): string => new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(html)![1];
    const kpis = section('kpis');
    expect(kpis).not.toContain('months from');
    const charts = (s: string): string[] => [...s.matchAll(/<div class="chart">([\s\S]*?)<\/div>/g)].map((m) => m[1]);
    expect(charts(kpis)).toHaveLength(1);
    expect(charts(kpis)[0]).toContain('not over');
    expect(charts(kpis)[0]).toContain('Jan 2011');
    expect(kpis).toContain('<td>2011-12<span class="mark">*</span></td>');
    const cohorts = charts(section('cohorts'));
    expect(cohorts).toHaveLength(2);
    for (const c of cohorts) expect(c).toMatch(/2011-12 is not over/);
    expect(cohorts[0]).toContain('11*');
    // headers: words, never snake_case
    const headers = [...html.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
    expect(headers.length).toBeGreaterThan(50);
    expect(headers.filter((h) => h.includes('_'))).toEqual([]);
  });
});
