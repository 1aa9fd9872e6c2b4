import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

/**
 * Issue 14, item 19: the page says where stage and RFM segment can disagree (stage is
 * absolute, RFM relative), and that advocacy signals (NPS, review scores) define the advocate
 * stage, so feedback by stage is high among advocates by construction.
 */
const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31'];
const section = (html: string, id: string): string => html.match(new RegExp(`<section id="${id}">[^]*?</section>`))?.[0] ?? '';

describe('stage against RFM, and what makes an advocate, in words', () => {
  it('the report says it in the segments, stages and KPI sections', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'clm-words-')), 'report');
    const r = await runClm(['report', ...DEMO, '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(section(html, 'segments')).toContain('Stage and RFM segment can disagree: a stage is absolute');
    expect(section(html, 'stages')).toContain('advocate = a loyal customer with an advocacy signal');
    // the demo has NPS and review scores, so the KPI section shows feedback by stage and says why advocates score high
    expect(section(html, 'kpis')).toContain('Feedback per stage (NPS');
    expect(section(html, 'kpis')).toContain('Feedback per stage: advocate = a loyal customer with an advocacy signal');
    expect(section(html, 'kpis')).toContain('their feedback is high by construction');
  });

  it('segments --explain and stages --explain say it on the terminal; feedback by stage carries it under the table', async () => {
    const seg = await runClm(['segments', ...DEMO, '--explain', '--format', 'table']);
    expect(seg.stdout).toContain('Stage and RFM segment can disagree');
    const st = await runClm(['stages', ...DEMO, '--explain', '--format', 'table']);
    expect(st.stdout).toContain('advocate = a loyal customer with an advocacy signal');
    const fb = await runClm(['kpis', ...DEMO, '--table', 'feedback_by_stage', '--format', 'table']);
    expect(fb.code).toBe(0);
    expect(fb.stdout).toContain('their feedback is high by construction');
    // a CSV stays data only
    const csv = await runClm(['kpis', ...DEMO, '--table', 'feedback_by_stage', '--format', 'csv']);
    expect(csv.stdout).not.toContain('by construction');
  });
});
