/**
 * Metric series as terminal charts (asciichart), one per metric, like the CloudWatch charts of
 * the reference post: a title with metric, statistic and unit, a y axis from 0, and times along
 * the x axis (UTC, so the same data always draws the same chart). And the same data as a plain
 * table for --no-chart. Pure: plain values in, text out; colour only through `paint`.
 */
import { cyan, plot } from 'asciichart';
import type { MetricSeriesData } from './metrics.js';

/** The part of a chalk instance the charts use; a level of 0 means no colour at all. */
export interface Paint {
  level: number;
  bold(text: string): string;
  dim(text: string): string;
}

export const plainPaint: Paint = { level: 0, bold: (t) => t, dim: (t) => t };

export interface ChartOptions {
  /** Columns of the plot area (default 64). */
  width?: number;
  /** Rows of the plot area (default 8). */
  height?: number;
  paint?: Paint;
}

type Series = Pick<MetricSeriesData, 'name' | 'stat' | 'unit' | 'namespace' | 'period' | 'points'>;

export function renderCharts(series: readonly Series[], options: ChartOptions = {}): string {
  return series.map((s) => renderChart(s, options)).join('\n\n');
}

export function renderChart(s: Series, options: ChartOptions = {}): string {
  const paint = options.paint ?? plainPaint;
  const width = Math.max(8, options.width ?? 64);
  const height = Math.max(2, options.height ?? 8);
  const values = s.points.map((p) => p.value);
  const summary = values.length
    ? `  min ${formatValue(Math.min(...values))}  max ${formatValue(Math.max(...values))}  last ${formatValue(values.at(-1)!)}`
    : '';
  const title = `${paint.bold(s.name)} ${paint.dim(`(${s.unit}, ${s.stat} per ${formatPeriod(s.period)}, ${s.namespace})`)}${summary}`;
  if (values.length === 0) return `${title}\n  ${paint.dim('no datapoints')}`;

  const { columns, times } = toColumns(s, width);
  const low = Math.min(0, ...columns);
  let high = Math.max(...columns);
  if (high === low) high = low + 1; // a flat line still needs a range to sit in
  const labels = axisLabels(low, high, height);
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const chart = plot(columns, {
    min: low,
    max: high,
    height,
    offset: 3,
    // asciichart asks for labels top to bottom; ours are computed the same way.
    format: (x) => formatValue(x).padStart(labelWidth),
    ...(paint.level > 0 ? { colors: [cyan] } : {}),
  });
  return [title, chart, ...timeAxis(times, labelWidth, columns.length, s.period)].join('\n');
}

/**
 * Resample onto `width` columns: datapoints on the period grid (a missing period repeats the
 * last value for gauges and averages, and is 0 for counts), then each period stretched over
 * several columns, or several periods averaged into one column when there are more than `width`.
 */
export function toColumns(
  s: Pick<Series, 'points' | 'period' | 'stat'>,
  width: number,
): { columns: number[]; times: number[] } {
  const step = s.period * 1000;
  const first = s.points[0]!.timestamp.getTime();
  const last = s.points.at(-1)!.timestamp.getTime();
  const slots = Math.floor((last - first) / step) + 1;
  const byTime = new Map(s.points.map((p) => [p.timestamp.getTime(), p.value]));
  const counts = s.stat === 'Sum' || s.stat === 'SampleCount';
  const grid: number[] = [];
  for (let i = 0; i < slots; i++) grid.push(byTime.get(first + i * step) ?? (counts ? 0 : (grid[i - 1] ?? 0)));
  const columns: number[] = [];
  const times: number[] = [];
  if (slots <= width) {
    const repeat = Math.max(1, Math.floor(width / slots));
    grid.forEach((v, i) => {
      for (let r = 0; r < repeat; r++) {
        columns.push(v);
        times.push(first + i * step);
      }
    });
  } else {
    for (let c = 0; c < width; c++) {
      const from = Math.floor((c * slots) / width);
      const to = Math.max(from + 1, Math.floor(((c + 1) * slots) / width));
      const bucket = grid.slice(from, to);
      columns.push(
        s.stat === 'Maximum'
          ? Math.max(...bucket)
          : s.stat === 'Minimum'
            ? Math.min(...bucket)
            : bucket.reduce((a, b) => a + b, 0) / bucket.length,
      );
      times.push(first + from * step);
    }
  }
  return { columns, times };
}

/** The labels asciichart will print (its own arithmetic, asciichart.js plot()), to size the label column. */
function axisLabels(low: number, high: number, height: number): string[] {
  const range = high - low;
  const ratio = height / range;
  const min2 = Math.round(low * ratio);
  const rows = Math.abs(Math.round(high * ratio) - min2);
  return Array.from({ length: rows + 1 }, (_, i) => formatValue(rows > 0 ? high - (i * range) / rows : low));
}

/** A line under the plot, and under it the start time of a period wherever one fits. */
function timeAxis(times: readonly number[], labelWidth: number, columns: number, period: number): string[] {
  // asciichart puts the axis at column labelWidth + 1 and the first datapoint right after it.
  const origin = labelWidth + 2;
  const axis = `${' '.repeat(origin - 1)}└${'─'.repeat(columns)}`;
  let line = '';
  for (let c = 0; c < columns; c++) {
    if (c !== 0 && times[c] === times[c - 1]) continue;
    const text = formatTime(times[c]!, period);
    const at = origin + c;
    // Keep 4 spaces between labels, and the last one within the plot's width.
    if ((line.length > 0 && at < line.length + 4) || at + text.length > origin + columns) continue;
    line = line.padEnd(at) + text;
  }
  return [axis, `${line}  UTC`];
}

function formatTime(ms: number, period: number): string {
  const iso = new Date(ms).toISOString();
  return period < 60 ? iso.slice(11, 19) : iso.slice(11, 16);
}

function formatPeriod(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** Short numbers for axes and cells: 121, 79.4, 0.53, 1,234,567. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 1000) return Math.round(v).toLocaleString('en-US');
  if (abs >= 100 || Number.isInteger(v)) return String(Math.round(v));
  if (abs >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** --no-chart: one row per timestamp (UTC), one column per metric; '-' where a metric has no datapoint. */
export function renderTable(series: readonly Series[], paint: Paint = plainPaint): string {
  if (series.every((s) => s.points.length === 0)) return paint.dim('no datapoints');
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p.timestamp.getTime())))].sort((a, b) => a - b);
  const lookup = series.map((s) => new Map(s.points.map((p) => [p.timestamp.getTime(), p.value])));
  const minPeriod = Math.min(...series.map((s) => s.period));
  const header = ['time (UTC)', ...series.map((s) => `${s.name} ${s.stat}`)];
  const rows = times.map((t) => [
    new Date(t)
      .toISOString()
      .slice(0, minPeriod < 60 ? 19 : 16)
      .replace('T', ' '),
    ...lookup.map((m) => (m.has(t) ? formatValue(m.get(t)!) : '-')),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [paint.bold(fmt(header)), ...rows.map(fmt)].join('\n');
}
