import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv'];

describe('clm customers --where (issue 14, item 12)', () => {
  it('the caption counts the selected customers, not all of them', async () => {
    const where = 'stage == "at_risk" and orders > 25';
    const csv = await runClm(['customers', ...DEMO, '--where', where, '--format', 'csv']);
    expect(csv.code).toBe(0);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.customer_id)).toEqual(['C0000017', 'C0000538', 'C0000606']);
    const table = await runClm(['customers', ...DEMO, '--where', where, '--format', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`--where ${where}: 3 of 1,500 customers`);
  });

});

describe('--where with a value a field can never hold (issue 14, item 8)', () => {
  it('a misspelt stage is a usage error with the suggestion, not an empty selection', async () => {
    const r = await runClm(['customers', ...DEMO, '--where', 'stage == "atrisk"']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--where: `stage` is never `"atrisk"`, which is not a stage at character 10; did you mean "at_risk"?');
  });

  it('an RFM segment written in another case or a cohort of another form, likewise', async () => {
    const seg = await runClm(['customers', ...DEMO, '--where', 'rfm_segment == "at risk"']);
    expect(seg.code).toBe(2);
    expect(seg.stderr).toContain('did you mean "At Risk"?');
    const cohort = await runClm(['customers', ...DEMO, '--period', 'quarter', '--where', 'cohort == "2024-01"']);
    expect(cohort.code).toBe(2);
    expect(cohort.stderr).toContain('did you mean "2024-Q1"? quarter labels are written like 2024-Q1 (--period sets the unit)');
  });

  it('segment without custom segments in the config says there are none', async () => {
    const r = await runClm(['customers', ...DEMO, '--where', 'segment == "vip"']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('there are no custom segments (the config\'s "segments") here');
  });
});

describe('--fail-if with a name a function never takes (issue 14, item 8)', () => {
  it('a misspelt goal metric or goal status is a usage error before any work', async () => {
    const metric = await runClm(['kpis', ...DEMO, '--fail-if', 'goal(retension_rate) == missed']);
    expect(metric.code).toBe(2);
    expect(metric.stderr).toContain('`retension_rate` is not a goal metric, so `goal` has no value for it at character 6; did you mean retention_rate?');
    const status = await runClm(['kpis', ...DEMO, '--fail-if', 'goal(retention_rate) == "miss"']);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('did you mean "missed"?');
  });
});
