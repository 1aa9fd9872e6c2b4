#!/usr/bin/env node
/**
 * Opens report folders' index.html in headless Chromium (Debian's `chromium` package, driven
 * by playwright-core), takes a full-page screenshot of each and fails on any console error,
 * page error or network request (a report must be self-contained).
 *
 *   node scripts/screenshot-report.js REPORT_DIR [REPORT_DIR ...]
 *
 * Writes REPORT_DIR-screenshot.png beside each report folder (not into it: the manifest lists
 * the report's files) and exits 1 when a page logs an error or asks for anything over the
 * network. CHROMIUM_PATH overrides /usr/bin/chromium.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  process.stderr.write('usage: node scripts/screenshot-report.js REPORT_DIR [REPORT_DIR ...]\n');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  process.stderr.write(`no Chromium at ${executablePath}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH\n`);
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
try {
  for (const dir of dirs) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`network request: ${r.url()}`);
    });
    const file = resolve(dir, 'index.html');
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const svgs = await page.locator('svg').count();
    const shot = join(dir, '..', `${resolve(dir).split('/').pop()}-screenshot.png`);
    await page.screenshot({ path: shot, fullPage: true });
    // a table or chart wider than its box hides columns behind a horizontal scroll: at 1400 px
    // and at print width (A4 portrait, about 800 px) every one must fit
    const hidden = () =>
      [...document.querySelectorAll('.table-wrap, .chart')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1)
        .map((e) => `${e.previousElementSibling?.textContent ?? e.parentElement?.id ?? ''}: ${e.scrollWidth} px in ${e.clientWidth}`);
    const overflow = { screen: await page.evaluate(hidden) };
    await page.setViewportSize({ width: 800, height: 900 });
    await page.emulateMedia({ media: 'print' });
    overflow.print = await page.evaluate(hidden);
    const summary = { report: file, screenshot: shot, charts: svgs, problems, overflow };
    process.stdout.write(JSON.stringify(summary) + '\n');
    if (problems.length > 0 || svgs === 0) failures++;
    await page.close();
  }
} finally {
  await browser.close();
}
process.exit(failures > 0 ? 1 : 0);
