/**
 * The HTML report as people read it (issue 14, item 17): the period holding the as-of date
 * is marked in every time chart and table (a partial last month read as a collapse), heatmap
 * labels are not crossed by gridlines, time axes show dates, headers read as words and
 * columns empty in every row are dropped.
 */
import { describe, expect, it } from 'vitest';
import { heatmap, lineChart } from '../../src/render/charts.js';
import { headerWords, renderHtml } from '../../src/render/html.js';
import { tableOf, type ResultTable } from '../../src/render/result.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = any;

function page(t: ResultTable): string {
  return renderHtml({ title: 'T', context: [], sections: [{ id: 's', title: 'S', tables: [t] }], generatedBy: 'test' });
}

describe('HTML tables', () => {
  const kpis: ResultTable = {
    ...tableOf(
      'kpis',
      'KPIs per month',
      [
        { name: 'period', type: 'string' },
        { name: 'active_customers', type: 'int' },
        { name: 'average_review_score', type: 'number' },
        { name: 'start_date', type: 'date', only: 'machine' },
      ],
      [
        ['2011-11', 1665, null, 15279],
        ['2011-12', 615, null, 15309],
      ],
    ),
    marks: { symbol: '*', cell: (r, name) => name === 'period' && r === 1 },
    legend: ['* the month holding the as-of date is not over: its counts are partial'],
  };
  const html = page(kpis);
  const headers = [...html.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);

  it('headers read as words', () => {
    expect(headers).toEqual(['period', 'active customers']);
    expect(headerWords('stage_at_2024_06_30')).toBe('stage at 2024-06-30');
  });
  it('a column empty in every row is dropped, machine-only columns too', () => {
    expect(html).not.toContain('average review score');
    expect(html).not.toContain('start date');
    expect(html.match(/<tr><td/g)).toHaveLength(2);
    expect(html).toContain('<td>2011-11</td><td class="num">1,665</td></tr>');
  });
  it('the incomplete period carries the table\'s mark, and the legend says what it means', () => {
    expect(html).toContain('<td>2011-12<span class="mark">*</span></td>');
    expect(html).toContain('<p class="legend">* the month holding the as-of date is not over: its counts are partial</p>');
  });
  it('tables wrap to the page instead of hiding columns behind a scroll: no nowrap on headers, long text wraps', () => {
    const css = /<style>([\s\S]*)<\/style>/.exec(html)![1];
    expect(css).not.toMatch(/th[^{}]*\{[^}]*white-space: nowrap/);
    expect(css).toMatch(/td\.long \{[^}]*white-space: normal/);
  });
});

describe('chart specs', () => {
  const months = ['2011-10-01', '2011-11-01', '2011-12-01'];
  const points = months.flatMap((x, i) => [
    { series: 'active', x, y: [1364, 1665, 615][i], incomplete: i === 2 },
    { series: 'new', x, y: [358, 324, 41][i], incomplete: i === 2 },
  ]);
  const spec: Spec = lineChart('Active customers', points, 'month', 'customers', { time: true, yFormat: ',d', incompleteNote: '2011-12 is not over (counted to 2011-12-09)' });

  it('a line chart over dates has a time axis, not "months from"', () => {
    expect(spec.encoding.x.type).toBe('temporal');
    expect(spec.encoding.x.title).toBe('month');
  });
  it('the incomplete period is hollow, dashed and labelled, and the subtitle says why', () => {
    expect(spec.title.subtitle).toContain('2011-12 is not over (counted to 2011-12-09)');
    const dashed = spec.layer.find((l: Spec) => l.mark.strokeDash);
    expect(dashed.transform).toEqual([{ filter: 'datum.tail' }]);
    // the dashed tail of each series: its last complete month and the partial one
    expect(spec.data.values.filter((v: Spec) => v.tail).map((v: Spec) => `${v.series} ${v.x}`)).toEqual(['active 2011-11-01', 'new 2011-11-01', 'active 2011-12-01', 'new 2011-12-01']);
    // the solid line stops at the last complete month
    expect(spec.layer[0].transform).toEqual([{ filter: '!datum.incomplete' }]);
    expect(spec.layer.some((l: Spec) => l.mark.type === 'point' && l.mark.filled === false)).toBe(true);
    expect(spec.layer.some((l: Spec) => l.mark.type === 'text' && l.encoding.text.value === 'not over')).toBe(true);
  });
  it('a series whose FIRST period is partial (a forecast from mid-month) dashes only into its next point, never across the chart', () => {
    const pts = ['2024-12-01', '2025-01-01', '2025-02-01', '2025-03-01'].map((x, i) => ({ series: 'expected', x, y: [200, 345, 280, 290][i], incomplete: i === 0 }));
    const s: Spec = lineChart('Forecast', pts, 'month', 'purchases', { time: true });
    expect(s.data.values.filter((v: Spec) => v.tail).map((v: Spec) => v.x)).toEqual(['2024-12-01', '2025-01-01']);
  });
  it('a heatmap draws no gridlines across its labels; partial cells are outlined and starred', () => {
    const h: Spec = heatmap('Retention', [
      { row: '2011-10', col: '1', value: 0.24, text: '24' },
      { row: '2011-11', col: '1', value: 0.11, text: '11', incomplete: true },
    ], 'cohort', 'k', ['2011-10', '2011-11'], ['1'], 'retention', '.0%', '2011-12 is not over');
    expect(h.encoding.x.axis.grid).toBe(false);
    expect(h.encoding.y.axis.grid).toBe(false);
    expect(h.data.values.map((c: Spec) => c.text)).toEqual(['24', '11*']);
    expect(h.layer.some((l: Spec) => l.mark.strokeDash && l.transform?.[0].filter === 'datum.incomplete')).toBe(true);
    expect(h.title.subtitle).toBe('* 2011-12 is not over');
  });
});

// the UCI report page (the partial December 2011 marked in the KPI chart and table and in both
// cohort charts; headers are words) is checked in test/commands/report.test.ts on the UCI report
// that file writes, so that one run of the report serves both
