import { parse, View } from 'vega';
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
  const view = new View(parse(vg), { renderer: 'none', logLevel: 0 });
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
}

/** A matrix with cell shade by value and the value written in each cell. */
export function heatmap(title: string, cells: HeatCell[], rowTitle: string, colTitle: string, rowOrder: string[], colOrder: string[], legendTitle: string, legendFormat = '.0%'): TopLevelSpec {
  return {
    title,
    width: Math.max(200, colOrder.length * 52),
    height: Math.max(100, rowOrder.length * 22),
    data: { values: cells.filter((c) => c.value !== null) },
    encoding: {
      x: { field: 'col', type: 'ordinal', sort: colOrder, title: colTitle, axis: { labelAngle: 0 } },
      y: { field: 'row', type: 'ordinal', sort: rowOrder, title: rowTitle },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: { field: 'value', type: 'quantitative', title: legendTitle, scale: { scheme: 'blues' }, legend: { format: legendFormat } },
        },
      },
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
  x: number;
  y: number;
}

/** One line per series (cumulative value by cohort, tracking). */
export function lineChart(title: string, points: LinePoint[], xTitle: string, yTitle: string, yFormat = ',.0f'): TopLevelSpec {
  return {
    title,
    width: 520,
    height: 260,
    data: { values: points },
    mark: { type: 'line', point: points.length < 200 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: xTitle },
      y: { field: 'y', type: 'quantitative', title: yTitle, axis: { format: yFormat } },
      // 20 distinct colours: a report draws up to a dozen cohort curves
      color: { field: 'series', type: 'nominal', title: null, scale: { scheme: 'tableau20' } },
    },
  } as TopLevelSpec;
}

/** A histogram of values (CLV distribution). */
export function histogram(title: string, values: number[], xTitle: string): TopLevelSpec {
  return {
    title,
    width: 520,
    height: 220,
    data: { values: values.map((v) => ({ v })) },
    mark: { type: 'bar', color: '#1f5f9e' },
    encoding: {
      x: { field: 'v', type: 'quantitative', bin: { maxbins: 40 }, title: xTitle },
      y: { aggregate: 'count', type: 'quantitative', title: 'customers' },
    },
  } as TopLevelSpec;
}
