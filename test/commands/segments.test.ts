import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runClm, stderrBeyondSmallSamples } from '../helpers/run-clm.js';

const dir = mkdtempSync(join(tmpdir(), 'clm-segments-'));
let fileNo = 0;
function file(text: string, name = `f${fileNo++}.csv`): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const orders = file(
  [
    'order_id,customer_id,order_date,amount,status',
    'o1,us_big,2024-06-01,400,paid',
    'o2,us_big,2024-06-20,300,paid',
    'o3,us_small,2024-06-25,20,paid',
    'o4,de_big,2024-01-10,900,paid',
    'o5,de_risk,2023-01-10,50,paid',
    'o6,de_risk,2023-03-10,50,paid',
    'o7,de_risk,2023-05-10,50,paid',
  ].join('\n'),
);
const customers = file(['customer_id,country', 'us_big,US', 'us_small,US', 'de_big,DE', 'de_risk,DE', 'lead,FR'].join('\n'));
const BASE = ['--orders', orders, '--customers', customers, '--as-of', '2024-06-30', '--active-days', '30', '--churn-days', '90', '--loyal-min-orders', '3'];

function config(segments: unknown, name?: string): string {
  return file(JSON.stringify({ segments }, null, 2), name ?? `c${fileNo++}.json`);
}

describe('custom segments from the config', () => {
  const cfg = config({
    rules: [
      { name: 'us_vip', rule: 'country == "US" and revenue > 500' },
      { name: 'win_back', rule: 'stage in ["at_risk", "churned"] and orders >= 3' },
      { name: 'big_spenders', rule: 'revenue / orders >= 300' },
    ],
    default: 'everyone_else',
  });

  it('assigns the first matching rule, then the catch-all, to every customer (prospects included)', async () => {
    const r = await runClm(['customers', ...BASE, '--config', cfg, '--format', 'csv']);
    expect(stderrBeyondSmallSamples(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    const seg = Object.fromEntries((parse(r.stdout, { columns: true }) as Record<string, string>[]).map((x) => [x.customer_id, x.segment]));
    expect(seg).toEqual({ us_big: 'us_vip', us_small: 'everyone_else', de_big: 'big_spenders', de_risk: 'win_back', lead: 'everyone_else' });
  });

  it('profiles the custom segments with --scheme custom, in the config order', async () => {
    const r = await runClm(['segments', ...BASE, '--config', cfg, '--scheme', 'custom', '--format', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).rows as Record<string, unknown>[];
    expect(rows.map((x) => [x.segment, x.customers])).toEqual([
      ['us_vip', 1],
      ['win_back', 1],
      ['big_spenders', 1],
      ['everyone_else', 2],
    ]);
    expect(rows[3].share).toBe(0.4);
    expect(rows[0].revenue).toBe(700);
  });

  it('reads clm.config.json from the working directory when --config is not given', async () => {
    const sub = mkdtempSync(join(tmpdir(), 'clm-cwd-'));
    writeFileSync(join(sub, 'clm.config.json'), JSON.stringify({ inputs: { orders, customers }, thresholds: { active_days: 30, churn_days: 90 } }));
    const r = await runClm(['stages', '--as-of', '2024-06-30', '--format', 'json'], { cwd: sub });
    expect(stderrBeyondSmallSamples(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    const meta = JSON.parse(r.stdout).meta;
    expect(meta.thresholds.active_days).toBe(30);
    expect(meta.thresholds.source.active_days).toBe('config');
    // a flag wins over the config
    const f = await runClm(['stages', '--as-of', '2024-06-30', '--active-days', '45', '--format', 'json'], { cwd: sub });
    expect(JSON.parse(f.stdout).meta.thresholds.active_days).toBe(45);
  });

  it('--scheme custom without segments in the config is a usage error', async () => {
    const r = await runClm(['segments', ...BASE, '--scheme', 'custom']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--scheme custom needs segments in the config');
  });
});

describe('a rule can never run code: each attempt is a config error (exit 2) pointing at the character', () => {
  const attempts: [rule: string, column: number, words: string][] = [
    ['process.exit(1)', 0, 'unknown function'],
    // a syntax error is found before names are checked: the second call has nothing to call
    ['constructor.constructor("return process")()', 41, 'unexpected `(`'],
    ['__proto__.polluted == 1', 0, 'unknown field'],
    ['revenue > 1; process.exit(1)', 11, ''],
    ['this.constructor == 1', 0, 'unknown field'],
    ['require("child_process").execSync("touch /tmp/clm-pwned")', 24, 'unexpected character `.`'],
    ['require("fs")', 0, 'unknown function'],
    ['revnue > 10', 0, 'revenue'],
  ];
  for (const [rule, column, words] of attempts) {
    it(rule, async () => {
      const cfg = config({ rules: [{ name: 'x', rule }] });
      const r = await runClm(['segments', ...BASE, '--config', cfg]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('segments.rules[0].rule');
      expect(r.stderr).toContain(words);
      // the caret line points at the character (0-based here; the message counts from 1)
      const lines = r.stderr.split('\n');
      const caret = lines.find((l) => /^\s*\^\s*$/.test(l));
      const src = lines[lines.indexOf(caret!) - 1];
      expect(caret!.indexOf('^') - src.indexOf(rule)).toBe(column);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }
});

describe('config validation names the key path', () => {
  const cases: [unknown, string][] = [
    [{ thresholds: { active_days: '90' } }, 'thresholds.active_days'],
    [{ thresholds: { activeDays: 90 } }, 'unknown key "activeDays"'],
    [{ segments: { rules: [{ name: 'x' }] } }, 'segments.rules[0].rule'],
    [{ rfm: { monetary: 'median' } }, 'rfm.monetary'],
  ];
  for (const [cfg, words] of cases) {
    it(words, async () => {
      const p = file(JSON.stringify(cfg), `v${fileNo++}.json`);
      const r = await runClm(['stages', ...BASE, '--config', p]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(words);
    });
  }

  it('bad JSON says line and column', async () => {
    const p = file('{\n  "thresholds": {"active_days": 30,}\n}', 'bad.json');
    const r = await runClm(['stages', ...BASE, '--config', p]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON.*line 2, column \d+/);
  });

  it('a missing --config file is a usage error', async () => {
    const r = await runClm(['stages', ...BASE, '--config', join(dir, 'nope.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read the config file');
  });
});
