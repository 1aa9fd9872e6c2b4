/**
 * The HTML report in a real browser: headless Chromium (Debian's `chromium` package) opens
 * the demo and UCI reports, a full-page screenshot is taken of each, and any console error,
 * page error or network request fails the test (scripts/screenshot-report.js). Skips, with
 * the reason, where Chromium is not installed (`apt-get install chromium`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../helpers/datasets.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const have = existsSync(CHROMIUM);
// CI provides Chromium (.ci/run installs it): there a missing browser is a failure, not a skip
const required = process.env.CI === 'true';
if (!have && !required) console.warn(`skipping the browser check of the HTML report: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
const uci = join(DATASETS, 'online-retail', 'online_retail_2010-12_2011-12.csv.gz');

describe.skipIf(!have && !required)('HTML report in headless Chromium', () => {
  it.runIf(!have)('has Chromium under CI', () => {
    expect.fail(`no Chromium at ${CHROMIUM}: .ci/run installs Debian's chromium; set CHROMIUM_PATH otherwise`);
  });
  it.runIf(have)('renders the demo and UCI reports with charts, no console errors or requests, and nothing behind a horizontal scroll', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clm-browser-'));
    const reports = [join(dir, 'demo')];
    execFileSync(process.execPath, ['bin/clm.js', 'report', '--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--out', reports[0], '--quiet']);
    if (existsSync(uci)) {
      reports.push(join(dir, 'uci'));
      execFileSync(process.execPath, ['bin/clm.js', 'report', '--orders', uci, '--preset', 'online-retail', '--out', reports[1], '--quiet']);
    } else console.warn(`UCI report not checked in the browser: ${uci} not found`);
    const r = spawnSync(process.execPath, ['scripts/screenshot-report.js', ...reports], { encoding: 'utf8', env: { ...process.env, CHROMIUM_PATH: CHROMIUM } });
    expect(r.status, r.stderr).toBe(0);
    const pages = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { charts: number; problems: string[]; screenshot: string; overflow: { screen: string[]; print: string[] } });
    expect(pages).toHaveLength(reports.length);
    for (const p of pages) {
      expect(p.problems).toEqual([]);
      expect(p.charts).toBeGreaterThanOrEqual(3);
      expect(existsSync(p.screenshot)).toBe(true);
      // no table or chart hides columns behind a horizontal scroll, at 1400 px or printed
      expect(p.overflow).toEqual({ screen: [], print: [] });
    }
  });
});
