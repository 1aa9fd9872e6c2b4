import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Charts as inline SVG for the HTML report, drawn by vega-lite + vega in Node (the
 * headless SVG string renderer: no browser, no canvas, no network). Every chart is
 * described by a small vega-lite spec over plain rows; the renderer escapes text, so
 * labels from input data (segment names, attribute values) cannot inject markup.
 */

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

const CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, grid: true, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 11 },
  title: { fontSize: 13, anchor: 'start' as const, fontWeight: 600 },
  range: { category: ['#1f5f9e', '#e07b39', '#3a9a5b', '#c23b3b', '#7b5ea7', '#8c6d31', '#d672b6', '#5b5b5b', '#17a2b8', '#b8a500'] },
};

/** vega-lite's compiler logs layout notes to the console; a CLI's stderr is not the place. */
interface QuietLogger {
  level(): number;
  error(): QuietLogger;
  warn(): QuietLogger;
  info(): QuietLogger;
  debug(): QuietLogger;
}
const SILENT: QuietLogger = {
  level: () => 0,
  error: () => SILENT,
  warn: () => SILENT,
  info: () => SILENT,
  debug: () => SILENT,
};

/** Renders a vega-lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vg = compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec, { logger: SILENT as never }).spec;
  // no loader: the spec carries its data inline, and a chart must never fetch anything
  const view = new vega.View(vega.parse(vg), { renderer: 'none', logLevel: 0 });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface BarDatum {
  label: string;
  value: number;
}

/** Horizontal bars in the given order (stages, segments). */
export function barChart(title: string, data: BarDatum[], valueTitle: string, format = ',d'): TopLevelSpec {
  return {
    title,
    width: 520,
    height: Math.max(60, data.length * 22),
    data: { values: data.map((d, i) => ({ ...d, order: i })) },
    layer: [
      {
        mark: { type: 'bar', color: '#1f5f9e' },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: { field: 'order' }, title: null },
          x: { field: 'value', type: 'quantitative', title: valueTitle, axis: { format } },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: { field: 'order' } },
          x: { field: 'value', type: 'quantitative' },
          text: { field: 'value', type: 'quantitative', format },
        },
      },
    ],
  } as TopLevelSpec;
}

export interface HeatCell {
  row: string;
  col: string;
  value: number | null;
  text: string;
  /** A cell of the period holding the as-of date: partial, drawn with a dashed outline and `*`. */
  incomplete?: boolean;
}

/**
 * A matrix with cell shade by value and the value written in each cell. No gridlines: on a
 * band axis they run through the middle of every cell, across its label. Cells marked
 * incomplete get a dashed outline, a `*` and `incompleteNote` under the title.
 */
export function heatmap(title: string, cells: HeatCell[], rowTitle: string, colTitle: string, rowOrder: string[], colOrder: string[], legendTitle: string, legendFormat = '.0%', incompleteNote?: string): TopLevelSpec {
  const shown = cells.filter((c) => c.value !== null).map((c) => ({ ...c, text: c.incomplete && c.text !== '' ? `${c.text}*` : c.text, incomplete: c.incomplete === true }));
  const anyIncomplete = shown.some((c) => c.incomplete);
  return {
    title: anyIncomplete && incompleteNote ? { text: title, subtitle: `* ${incompleteNote}`, subtitleFontSize: 10.5, subtitleColor: '#555' } : title,
    width: Math.max(200, colOrder.length * 52),
    height: Math.max(100, rowOrder.length * 22),
    data: { values: shown },
    encoding: {
      x: { field: 'col', type: 'ordinal', sort: colOrder, title: colTitle, axis: { labelAngle: 0, grid: false } },
      y: { field: 'row', type: 'ordinal', sort: rowOrder, title: rowTitle, axis: { grid: false } },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: { field: 'value', type: 'quantitative', title: legendTitle, scale: { scheme: 'blues' }, legend: { format: legendFormat } },
        },
      },
      ...(anyIncomplete
        ? [
            {
              transform: [{ filter: 'datum.incomplete' }],
              mark: { type: 'rect', fillOpacity: 0, stroke: '#c23b3b', strokeWidth: 1.2, strokeDash: [3, 2] },
            },
          ]
        : []),
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: {
          text: { field: 'text', type: 'nominal' },
          color: { condition: { test: 'datum.shade > 0.55', value: 'white' }, value: '#222' },
        },
      },
    ],
    transform: [{ joinaggregate: [{ op: 'max', field: 'value', as: 'maxValue' }] }, { calculate: 'datum.maxValue > 0 ? datum.value / datum.maxValue : 0', as: 'shade' }],
  } as TopLevelSpec;
}

export interface LinePoint {
  series: string;
  /** A number, or a date `YYYY-MM-DD` on a time axis. */
  x: number | string;
  y: number;
  /** The period holding the as-of date (or past the holdout's end): partial, not a drop. */
  incomplete?: boolean;
}

export interface LineOptions {
  yFormat?: string;
  /** x holds dates (`YYYY-MM-DD`), shown as `xFormat` (default `%b %Y`). */
  time?: boolean;
  xFormat?: string;
  /** Said beside the incomplete points and under the title, e.g. "2011-12 is not over (to 12-09)". */
  incompleteNote?: string;
}

/**
 * One line per series (KPIs per month, cumulative value by cohort, tracking). Points of an
 * incomplete period are hollow, joined by a dashed segment and labelled, so a partial last
 * month does not read as a collapse.
 */
export function lineChart(title: string, points: LinePoint[], xTitle: string, yTitle: string, opts: LineOptions = {}): TopLevelSpec {
  // the dashed part of each series: every incomplete point and its neighbours in the series, so
  // a partial last period hangs off the one before it and a partial first one leads into the next
  const anyIncomplete = points.some((p) => p.incomplete);
  const tail = new Uint8Array(points.length);
  const order = new Map<string, number[]>();
  points.forEach((p, i) => order.set(p.series, [...(order.get(p.series) ?? []), i]));
  for (const idx of order.values()) {
    idx.forEach((i, k) => {
      if (!points[i].incomplete) return;
      tail[i] = 1;
      if (k > 0) tail[idx[k - 1]] = 1;
      if (k + 1 < idx.length) tail[idx[k + 1]] = 1;
    });
  }
  let top = -1;
  points.forEach((p, i) => {
    if (p.incomplete && (top < 0 || p.y > points[top].y)) top = i;
  });
  const values = points.map((p, i) => ({ ...p, incomplete: p.incomplete === true, tail: tail[i] === 1, label: i === top }));
  const x = opts.time
    ? {
        field: 'x',
        type: 'temporal',
        timeUnit: opts.xFormat ? 'utcyearmonthdate' : 'utcyearmonth',
        title: xTitle,
        axis: opts.xFormat
          ? { format: opts.xFormat, labelAngle: 0, labelOverlap: true }
          : // every month by name, the year at the first and at each January
            { labelExpr: "datum.index == 0 || utcmonth(datum.value) == 0 ? utcFormat(datum.value, '%b %Y') : utcFormat(datum.value, '%b')", labelAngle: 0, labelOverlap: true, tickCount: 'utcmonth' },
      }
    : { field: 'x', type: 'quantitative', title: xTitle };
  const y = { field: 'y', type: 'quantitative', title: yTitle, axis: { format: opts.yFormat ?? ',.0f' } };
  // 20 distinct colours: a report draws up to a dozen cohort curves
  const color = { field: 'series', type: 'nominal', title: null, scale: { scheme: 'tableau20' }, legend: { labelLimit: 260 } };
  const note = opts.incompleteNote ?? 'partial period';
  return {
    title: anyIncomplete ? { text: title, subtitle: `dashed, hollow: ${note}`, subtitleFontSize: 10.5, subtitleColor: '#555' } : title,
    width: 560,
    height: 260,
    data: { values },
    encoding: { x, y, color },
    layer: [
      { transform: [{ filter: '!datum.incomplete' }], mark: { type: 'line', point: points.length < 200 } },
      ...(anyIncomplete
        ? [
            { transform: [{ filter: 'datum.tail' }], mark: { type: 'line', strokeDash: [4, 3] } },
            { transform: [{ filter: 'datum.incomplete' }], mark: { type: 'point', filled: false, size: 50, strokeWidth: 1.5 } },
            { transform: [{ filter: 'datum.label' }], mark: { type: 'text', dy: -12, fontSize: 10, color: '#555', align: 'right' }, encoding: { text: { value: 'not over' }, color: { value: '#555' } } },
          ]
        : []),
    ],
  } as TopLevelSpec;
}

/** vega's bin step chooser (vega-statistics, re-exported by vega at run time; vega's typings leave it out). */
const bin = (vega as unknown as { bin(o: { extent: [number, number]; maxbins: number }): { start: number; stop: number; step: number } }).bin;

/** Equal-width bins with vega's own "nice" boundaries (at most `maxbins`), counted. */
export function binCounts(values: ArrayLike<number>, maxbins = 40): { start: number; step: number; counts: number[] } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) return { start: 0, step: 1, counts: [] };
  const { start, stop, step } = bin({ extent: [lo, hi], maxbins });
  const counts = new Array<number>(Math.max(1, Math.round((stop - start) / step))).fill(0);
  // as vega's bin transform: the top value falls in the last bin, not one past it
  for (let i = 0; i < values.length; i++) {
    const v = Math.max(start, Math.min(values[i], stop - step));
    counts[Math.min(counts.length - 1, Math.floor(1e-14 + (v - start) / step))]++;
  }
  return { start, step, counts };
}

/**
 * A histogram of values (CLV distribution). The values are binned here and only the bins go
 * into the spec: a million customers as a million data objects cost gigabytes in vega.
 */
export function histogram(title: string, values: ArrayLike<number>, xTitle: string): TopLevelSpec {
  const { start, step, counts } = binCounts(values);
  const bins = counts.flatMap((n, k) => (n > 0 ? [{ lo: start + k * step, hi: start + (k + 1) * step, n }] : []));
  return {
    title,
    width: 520,
    height: 220,
    data: { values: bins },
    mark: { type: 'bar', color: '#1f5f9e' },
    encoding: {
      x: { field: 'lo', type: 'quantitative', bin: { binned: true, step }, title: xTitle },
      x2: { field: 'hi' },
      y: { field: 'n', type: 'quantitative', title: 'customers' },
    },
  } as TopLevelSpec;
}
