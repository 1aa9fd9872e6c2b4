import { createWriteStream } from 'node:fs';
import type { Audience } from '../app/audiences.js';
import type { ReportDir } from '../io/report-dir.js';
import { streamSink } from '../io/write-output.js';
import { renderHtml, type HtmlSection } from '../render/html.js';
import { renderResult } from '../render/output.js';
import type { ResultTable } from '../render/result.js';
import { writeXlsx, XLSX_MAX_ROWS } from '../render/xlsx.js';

/** One file of the report folder, as the manifest lists it. */
export interface ReportFile {
  file: string;
  rows?: number;
  table?: string;
}

/** What goes into the report folder's files (the manifest is written last, by the caller). */
export interface ReportContent {
  /** The run's metadata: each CSV's header comments; gains audiences and xlsx_sheets here. */
  meta: Record<string, unknown>;
  context: string[];
  tables: ResultTable[];
  customers: ResultTable;
  audiences: Audience[];
  /** The explanations under the tables of report.md. */
  notes: string[];
  /** The page's sections, built when the page is written. */
  sections: () => Promise<HtmlSection[]>;
  /** Every warning of the run: a banner on the page. */
  warnings: string[];
  generatedBy: string;
  warn: (m: string) => void;
}

/**
 * Writes the report's files into the (temporary) folder: one CSV per table, customers.csv,
 * audiences/ (one file per stage and segment), report.md, index.html and report.xlsx.
 */
export async function writeReportFiles(dir: ReportDir, r: ReportContent): Promise<ReportFile[]> {
  const { meta, context, tables, customers, audiences } = r;
  const files: ReportFile[] = [];
  // one CSV per table, and the customers file
  for (const t of [...tables, customers]) {
    const name = `${t.name}.csv`;
    const out = createWriteStream(dir.path(name));
    await renderResult({ meta, context, tables: [t] }, 'csv', streamSink(out), { color: false });
    await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
    files.push({ file: name, rows: t.rowCount, table: t.name });
  }
  // audiences for a mailing tool: one file per stage and segment
  const audienceFiles: { file: string; kind: string; name: string; rows: number }[] = [];
  for (const a of audiences) {
    const name = `audiences/${a.file}`;
    const out = createWriteStream(dir.path(name));
    await renderResult({ meta, context, tables: [a.table] }, 'csv', streamSink(out), { color: false });
    await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
    audienceFiles.push({ file: name, kind: a.kind, name: a.name, rows: a.table.rowCount });
    files.push({ file: name, rows: a.table.rowCount });
  }
  meta.audiences = audienceFiles;
  // Markdown: the whole report for people (customers are in the CSV)
  const md: string[] = [];
  await renderResult({ meta, context, tables, notes: r.notes }, 'md', { write: async (s) => void md.push(String(s)) }, { color: false });
  dir.writeText('report.md', `# Customer lifecycle report\n\n${md.join('')}`);
  files.push({ file: 'report.md' });
  // HTML with charts
  const sections = await r.sections();
  dir.writeText('index.html', renderHtml({ title: 'Customer lifecycle report', context, warnings: r.warnings, sections, generatedBy: r.generatedBy }));
  files.push({ file: 'index.html' });
  // XLSX: every table, and the customers when they fit a sheet
  const sheets = customers.rowCount <= XLSX_MAX_ROWS ? [...tables, customers] : tables;
  if (customers.rowCount > XLSX_MAX_ROWS) r.warn(`report.xlsx leaves out the customers sheet: ${customers.rowCount} rows are more than a sheet holds (customers.csv has them all)`);
  const written = await writeXlsx(dir.path('report.xlsx'), sheets);
  files.push({ file: 'report.xlsx', rows: written.reduce((s, w) => s + w.rows, 0) });
  meta.xlsx_sheets = written;
  return files;
}
