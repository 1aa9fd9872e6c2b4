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
