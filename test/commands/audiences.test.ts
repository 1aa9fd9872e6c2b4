import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { STAGES } from '../../src/domain/stage.js';
import { runClm } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-audiences-'));
const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31'];

function rows(text: string): Record<string, string>[] {
  return parse(text, { columns: true }) as Record<string, string>[];
}

async function stageOf(): Promise<Map<string, string>> {
  const r = await runClm(['stages', ...DEMO, '--per-customer', '--format', 'csv']);
  return new Map(rows(r.stdout).map((x) => [x.customer_id, x.stage]));
}

describe('clm customers --where', () => {
  it('keeps exactly the customers the rule selects', async () => {
    const stages = await stageOf();
    const r = await runClm(['customers', ...DEMO, '--where', 'stage == "at_risk" and orders >= 3', '--format', 'csv']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = rows(r.stdout);
    expect(got.length).toBeGreaterThan(0);
    for (const x of got) {
      expect(x.stage).toBe('at_risk');
      expect(Number(x.orders)).toBeGreaterThanOrEqual(3);
    }
    const all = rows((await runClm(['customers', ...DEMO, '--format', 'csv'])).stdout);
    const expected = all.filter((x) => stages.get(x.customer_id) === 'at_risk' && Number(x.orders) >= 3).map((x) => x.customer_id);
    expect(got.map((x) => x.customer_id)).toEqual(expected);
  });

  it('a rule on a model column fits the default model; attributes and cohort work too', async () => {
    const r = await runClm(['customers', ...DEMO, '--where', 'clv > 200 and country in ["US", "PL"] and cohort >= "2024-01"', '--format', 'csv']);
    expect(r.code).toBe(0);
    const got = rows(r.stdout);
    expect(got.length).toBeGreaterThan(0);
    for (const x of got) {
      expect(Number(x.clv)).toBeGreaterThan(200);
      expect(['US', 'PL']).toContain(x.country);
      expect(x.cohort >= '2024-01').toBe(true);
    }
  });

  it('a --where rule that tries to run code is an error (exit 2) pointing at the character', async () => {
    for (const rule of ['process.exit(1)', 'constructor.constructor("return process")()', '__proto__.x == 1', 'stage = "new"']) {
      const r = await runClm(['customers', ...DEMO, '--where', rule]);
      expect(r.code, rule).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('--where:');
      expect(r.stderr).toMatch(/\n\s+\^/);
    }
  });
});

describe('playbook and audiences', () => {
  it('clm playbook counts the customers of each stage and segment; the config replaces the text', async () => {
    const cfg = join(dir, 'playbook.json');
    writeFileSync(cfg, JSON.stringify({ playbook: { stages: { at_risk: { actions: 'Call every one of them this week.' } } } }));
    const r = await runClm(['playbook', ...DEMO, '--config', cfg, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const byStage = new Map((j.rows as { stage: string; customers: number; actions: string; goal: string }[]).map((x) => [x.stage, x]));
    const dist = JSON.parse((await runClm(['stages', ...DEMO, '--format', 'json'])).stdout).rows as { stage: string; customers: number }[];
    for (const d of dist) expect(byStage.get(d.stage)!.customers).toBe(d.customers);
    expect(byStage.get('at_risk')!.actions).toBe('Call every one of them this week.');
    expect(byStage.get('at_risk')!.goal).toBe('Win them back before they lapse');
    expect(byStage.get('advocate')!.actions).toContain('Referral');
    const segs = j.tables.playbook_segments as { rfm_segment: string; customers: number }[];
    expect(segs.reduce((s, x) => s + x.customers, 0)).toBe(1253);
  });

  it('the report writes one audience file per stage and segment; every customer is in exactly its stage file', async () => {
    const out = join(dir, 'report');
    const cfg = join(dir, 'segments.json');
    writeFileSync(cfg, JSON.stringify({ segments: { rules: [{ name: 'Big spenders!', rule: 'revenue > 1000' }], default: 'everyone else' } }));
    const r = await runClm(['report', ...DEMO, '--config', cfg, '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const stages = await stageOf();
    const seen = new Map<string, string>();
    for (const s of STAGES) {
      const a = manifest.audiences.find((x: { kind: string; name: string }) => x.kind === 'stage' && x.name === s);
      expect(a, s).toBeDefined();
      const got = rows(readFileSync(join(out, a.file), 'utf8'));
      expect(got.length).toBe(a.rows);
      for (const x of got) {
        expect(x.stage).toBe(s);
        expect(seen.has(x.customer_id)).toBe(false);
        seen.set(x.customer_id, s);
        expect(x.email).toMatch(/@/);
      }
    }
    expect(seen).toEqual(stages);
    const rfm = manifest.audiences.filter((x: { kind: string }) => x.kind === 'rfm_segment');
    expect(rfm.reduce((s: number, x: { rows: number }) => s + x.rows, 0)).toBe(1253);
    const custom = manifest.audiences.filter((x: { kind: string }) => x.kind === 'segment');
    expect(custom.map((x: { file: string }) => x.file)).toEqual(['audiences/segment-big_spenders.csv', 'audiences/segment-everyone_else.csv']);
    expect(custom.reduce((s: number, x: { rows: number }) => s + x.rows, 0)).toBe(1500);
    // the HTML shows the playbook
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('id="playbook"');
  });
});

describe('next order (issue 15, item 1)', () => {
  const ASOF = Date.UTC(2024, 11, 31) / 86_400_000;
  const dayOf = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

  it('clm customers --model adds expected_next_order_date, days_overdue and overdue_ratio from the fitted rate', async () => {
    const r = await runClm(['customers', ...DEMO, '--model', 'bgnbd', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const { r: shape, alpha } = j.meta.fit.purchase.params as { r: number; alpha: number };
    const got = j.rows as Record<string, string | number | null>[];
    let overdue = 0;
    let buyers = 0;
    for (const c of got) {
      if (c.first_order_date === null) {
        expect(c.expected_next_order_date).toBeNull();
        expect(c.days_overdue).toBeNull();
        continue;
      }
      buyers++;
      // the demo has no order after the as-of date: x = purchase days − 1, T = weeks since the first order
      const x = (c.purchase_days as number) - 1;
      const T = (ASOF - dayOf(c.first_order_date as string)) / 7;
      const gap = Math.max(1, Math.round(7 * (alpha + T) * (Math.pow(2, 1 / (shape + x)) - 1)));
      const since = c.recency_days as number;
      expect(dayOf(c.expected_next_order_date as string) - ASOF, c.customer_id as string).toBe(gap);
      expect(c.days_overdue).toBe(Math.max(0, since - gap));
      expect(c.overdue_ratio as number).toBeCloseTo(since / gap, 10);
      if ((c.days_overdue as number) > 0) overdue++;
      // one-time buyers have no rhythm to be late on (r < 1)
      if (x === 0) expect(c.days_overdue).toBe(0);
    }
    expect(shape).toBeLessThan(1);
    expect(buyers).toBe(1253);
    expect(overdue).toBeGreaterThan(0);
    // a rule on the new columns selects the same customers
    const w = await runClm(['customers', ...DEMO, '--model', 'bgnbd', '--where', 'days_overdue > 0 and overdue_ratio > 1', '--format', 'csv']);
    expect(rows(w.stdout).length).toBe(overdue);
  });

  it('the report writes next_order-due_now.csv and next_order-overdue.csv, consistent with customers.csv', async () => {
    const out = join(dir, 'report-next');
    const r = await runClm(['report', ...DEMO, '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const next = manifest.audiences.filter((x: { kind: string }) => x.kind === 'next_order');
    expect(next.map((x: { file: string; name: string }) => [x.file, x.name])).toEqual([
      ['audiences/next_order-due_now.csv', 'due now'],
      ['audiences/next_order-overdue.csv', 'overdue'],
    ]);
    const customers = rows(readFileSync(join(out, 'customers.csv'), 'utf8')).filter((c) => c.days_overdue !== '');
    const due = rows(readFileSync(join(out, 'audiences/next_order-due_now.csv'), 'utf8'));
    const late = rows(readFileSync(join(out, 'audiences/next_order-overdue.csv'), 'utf8'));
    // due now: the due date (last order + gap) is the as-of date or in the 6 days after
    const gapOf = (c: Record<string, string>): number => dayOf(c.expected_next_order_date) - ASOF;
    const wantDue = customers.filter((c) => c.days_overdue === '0' && gapOf(c) - Number(c.recency_days) < 7).map((c) => c.customer_id);
    const wantLate = customers.filter((c) => Number(c.days_overdue) > 0).map((c) => c.customer_id);
    expect(due.map((c) => c.customer_id)).toEqual(wantDue);
    expect(late.map((c) => c.customer_id)).toEqual(wantLate);
    expect(wantDue.length).toBeGreaterThan(0);
    expect(Object.keys(late[0])).toEqual(['customer_id', 'email', 'stage', 'rfm_segment', 'value', 'p_alive', 'expected_next_order_date', 'days_overdue', 'overdue_ratio']);
    for (const c of late) expect(Number(c.overdue_ratio)).toBeGreaterThan(1);
    // the CLV section's table counts the same customers
    const table = rows(readFileSync(join(out, 'next_order.csv'), 'utf8'));
    const all = table.find((t) => t.stage === 'all customers')!;
    expect([Number(all.customers), Number(all.due_now), Number(all.overdue)]).toEqual([customers.length, due.length, late.length]);
    expect(table.filter((t) => t.stage !== 'all customers').reduce((s, t) => s + Number(t.overdue), 0)).toBe(late.length);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('Next order by stage');
  });
});
