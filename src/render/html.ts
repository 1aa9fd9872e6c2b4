import { displayCell, isNumericColumn } from './cells.js';
import type { Cell, Column, ResultTable } from './result.js';

/**
 * The report as one self-contained HTML file: inline CSS, charts as inline SVG, no scripts,
 * fonts or requests, readable when printed. Every value from input data is escaped here;
 * chart SVG comes from the vega renderer, which escapes its own text.
 */

export interface HtmlSection {
  id: string;
  title: string;
  /** Plain-text paragraphs (escaped). */
  intro?: string[];
  /** Inline SVG charts (trusted: made by render/charts.ts). */
  charts?: string[];
  tables?: ResultTable[];
}

export interface HtmlReport {
  title: string;
  /** Lines under the title: as-of, inputs, thresholds (escaped). */
  context: string[];
  sections: HtmlSection[];
  /** What clm was unsure of in this run (small samples, an unconverged fit, skipped rows): a banner above the sections. */
  warnings?: readonly string[];
  /** Tables longer than this show their first rows and say how many more are in the CSV. */
  maxRows?: number;
  generatedBy: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2433; margin: 0; background: #f6f7f9; }
header { background: #1f3a5f; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 6px; font-size: 22px; }
header p { margin: 2px 0; opacity: .85; font-size: 12.5px; }
nav { padding: 10px 32px; background: #fff; border-bottom: 1px solid #e3e6ea; font-size: 13px; }
nav a { color: #1f5f9e; margin-right: 14px; text-decoration: none; }
main { padding: 8px 32px 40px; max-width: 1500px; }
section { background: #fff; border: 1px solid #e3e6ea; border-radius: 6px; margin: 18px 0; padding: 16px 20px; page-break-inside: avoid; }
h2 { font-size: 17px; margin: 0 0 10px; }
.warnings { margin: 14px 32px 0; max-width: 1136px; background: #fff8e1; border: 1px solid #e0b400; border-left: 5px solid #e0b400; border-radius: 6px; padding: 10px 18px; }
.warnings h2 { font-size: 14.5px; margin: 0 0 4px; color: #6b4e00; }
.warnings ul { margin: 0; padding-left: 18px; }
h3 { font-size: 13.5px; margin: 16px 0 6px; color: #3b4557; }
p.intro { margin: 4px 0 10px; color: #3b4557; }
.chart { margin: 8px 0 14px; overflow-x: auto; }
.chart svg { max-width: 100%; height: auto; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12.5px; margin: 4px 0 8px; max-width: 100%; }
th, td { padding: 4px 9px; border-bottom: 1px solid #edf0f3; vertical-align: top; }
th { text-align: left; background: #f1f3f6; font-weight: 600; vertical-align: bottom; }
td { white-space: nowrap; }
td.long { white-space: normal; min-width: 14em; overflow-wrap: break-word; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.wide { font-size: 11.5px; }
table.wide th, table.wide td { padding: 3px 6px; }
table.very-wide { font-size: 10.5px; }
table.very-wide th, table.very-wide td { padding: 2px 4px; }
tfoot td { border-top: 1px solid #c9ced6; font-weight: 600; }
.mark { color: #c23b3b; font-weight: 600; }
p.legend { font-size: 12px; color: #555; margin: 2px 0; }
p.more { font-size: 12px; color: #667; }
footer { padding: 0 32px 30px; font-size: 12px; color: #667; }
@media print {
  body { background: #fff; }
  header { background: #fff; color: #000; border-bottom: 2px solid #000; padding: 0 0 8px; }
  nav { display: none; }
  main { padding: 0; max-width: none; }
  section { border: none; padding: 0; margin: 14px 0; }
  .table-wrap, .chart { overflow: visible; }
  table { font-size: 10px; }
  th, td { padding: 2px 4px; }
  table.wide { font-size: 8.5px; }
  table.wide th, table.wide td { padding: 1px 3px; }
  table.very-wide { font-size: 7.5px; }
  table.very-wide th, table.very-wide td { padding: 1px 2px; }
}`;

/** A column name as people read it: `active_customers` is "active customers". */
export function headerWords(name: string): string {
  // a date in a name (`stage_at_2024_06_30`) reads as a date
  return name.replace(/(\d{4})_(\d\d)_(\d\d)/g, '$1-$2-$3').replace(/_+/g, ' ').trim();
}

/**
 * A table for people: machine-only columns and columns empty in every row are left out,
 * headers read as words, a marked cell (a period not over at the as-of date) carries the
 * table's symbol and its legend says what it means, footer rows (averages) follow the rows.
 */
function tableHtml(t: ResultTable, maxRows: number): string {
  const all = t.columns.filter((c) => c.only !== 'machine');
  const allIdx = all.map((c) => t.columns.indexOf(c));
  const filled = new Array<boolean>(all.length).fill(false);
  const kept: Cell[][] = [];
  let n = 0;
  for (const row of t.rows()) {
    all.forEach((c, k) => {
      if (!filled[k] && displayCell(row[allIdx[k]], c) !== '') filled[k] = true;
    });
    if (n++ < maxRows) kept.push(row);
  }
  const fcols = t.footerColumns ?? t.columns;
  for (const row of t.footer ?? []) all.forEach((c, k) => (filled[k] ||= displayCell(row[allIdx[k]], fcols[allIdx[k]]) !== ''));
  const cols = all.filter((_, k) => filled[k]);
  const idx = cols.map((c) => t.columns.indexOf(c));
  const cls = (c: Column): string => (isNumericColumn(c) ? ' class="num"' : '');
  // short text stays on one line (`2011-12*` would break at its hyphen); long text wraps
  const cell = (text: string, c: Column, marked: boolean): string => `<td${isNumericColumn(c) ? ' class="num"' : text.length > 32 ? ' class="long"' : ''}>${escapeHtml(text)}${marked ? `<span class="mark">${escapeHtml(t.marks!.symbol)}</span>` : ''}</td>`;
  const head = cols.map((c) => `<th${cls(c)} title="${escapeHtml(c.name)}">${escapeHtml(headerWords(c.name))}</th>`).join('');
  const body = kept.map((row, r) => `<tr>${cols.map((c, k) => cell(displayCell(row[idx[k]], c), c, t.marks !== undefined && displayCell(row[idx[k]], c) !== '' && t.marks.cell(r, c.name))).join('')}</tr>`);
  const foot = (t.footer ?? []).map((row) => `<tr>${idx.map((i) => cell(displayCell(row[i], fcols[i]), fcols[i], false)).join('')}</tr>`);
  const more = n > maxRows ? `<p class="more">First ${maxRows.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} rows; all are in ${escapeHtml(t.name)}.csv.</p>` : '';
  const legend = (t.legend ?? []).map((l) => `<p class="legend">${escapeHtml(l)}</p>`).join('');
  const width = cols.length > 20 ? ' class="wide very-wide"' : cols.length > 10 ? ' class="wide"' : '';
  return `<h3>${escapeHtml(t.title)}</h3><div class="table-wrap"><table${width}><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody>${foot.length ? `<tfoot>${foot.join('')}</tfoot>` : ''}</table></div>${legend}${more}`;
}

/** The run's warnings in one box at the top of the page, or nothing. */
function warningBanner(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  const items = warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('');
  return `\n<aside class="warnings" role="alert"><h2>${warnings.length === 1 ? 'A warning' : `${warnings.length} warnings`} about this run</h2><ul>${items}</ul></aside>`;
}

export function renderHtml(r: HtmlReport): string {
  const maxRows = r.maxRows ?? 50;
  const nav = r.sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join('');
  const sections = r.sections
    .map((s) => {
      const intro = (s.intro ?? []).map((p) => `<p class="intro">${escapeHtml(p)}</p>`).join('');
      const charts = (s.charts ?? []).map((svg) => `<div class="chart">${svg}</div>`).join('');
      const tables = (s.tables ?? []).map((t) => tableHtml(t, maxRows)).join('');
      return `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>${intro}${charts}${tables}</section>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(r.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(r.title)}</h1>${r.context.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</header>
<nav>${nav}</nav>${warningBanner(r.warnings ?? [])}
<main>
${sections}
</main>
<footer>${escapeHtml(r.generatedBy)}</footer>
</body>
</html>
`;
}
