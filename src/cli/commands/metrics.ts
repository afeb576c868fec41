/**
 * `mme metrics`: the endpoint's multi-model metrics from CloudWatch (src/workflow/metrics.ts),
 * one terminal chart per metric (src/workflow/charts.ts), a table with --no-chart, the series
 * with --json. The same GetMetricData request on AWS and on the local cloud; the local cloud
 * keeps 1-second data, so short --period values (1, 5, 10, 30) show detail there.
 */
import type { MetricsResult } from '../../workflow/metrics.js';
import { DEFAULT_ENDPOINT_NAME } from '../../workflow/names.js';
import { connect, type CommandContext, type CommandResult } from '../context.js';
import * as wf from '../../workflow/metrics.js';
import { renderCharts, renderTable } from '../../workflow/charts.js';

export interface MetricsCommandOptions {
  endpoint?: string;
  /** Seconds to look back. */
  since: number;
  period: number;
  metric?: string[];
  /** false with --no-chart */
  chart: boolean;
}

export async function metrics(options: MetricsCommandOptions, ctx: CommandContext): Promise<CommandResult> {
  // Everything the user typed is checked before the local cloud is started.
  const period = wf.checkPeriod(options.period);
  const definitions = (options.metric?.length ? options.metric : wf.DEFAULT_METRICS).map(wf.resolveMetric);
  const endpoint = options.endpoint ?? DEFAULT_ENDPOINT_NAME;
  if (ctx.settings.target === 'aws' && period < 60) {
    ctx.reporter.report({
      kind: 'warn',
      text: `SageMaker publishes endpoint metrics per minute: --period ${period} shows them no finer than 60 s`,
    });
  }
  const conn = await connect(ctx);
  try {
    const { variant, exists, variants } = await wf.endpointVariant(await conn.clients.sageMaker(), endpoint);
    if (!exists)
      ctx.reporter.report({
        kind: 'info',
        text: `endpoint ${endpoint} does not exist (any more): reading its metrics for variant ${variant}`,
      });
    if (variants.length > 1)
      ctx.reporter.report({
        kind: 'info',
        text: `endpoint ${endpoint} has ${variants.length} variants (${variants.join(', ')}): showing ${variant}`,
      });
    const end = new Date();
    const start = new Date(end.getTime() - options.since * 1000);
    const window = { endpoint, variant, start, end, period };
    const series = await wf.fetchMetrics(await conn.clients.cloudWatch(), definitions, window);
    if (series.every((s) => s.points.length === 0)) throw wf.noDatapointsError(window, ctx.settings.target);
    const data: MetricsResult = { endpoint, variant, start, end, period, series };
    return { data, human: await render(data, options.chart, ctx) };
  } finally {
    conn.clients.destroy();
  }
}

/**
 * The window asked for and the datapoints in it, to the second when periods are shorter than a
 * minute (to the minute, a 30-second window read "14:08Z to 14:08Z").
 */
export function timeRange(r: Pick<MetricsResult, 'start' | 'end' | 'period' | 'series'>): string {
  const at = (d: Date) =>
    (r.period < 60 ? d.toISOString().slice(0, 19) : d.toISOString().slice(0, 16)).replace('T', ' ');
  const times = r.series.flatMap((s) => s.points.map((p) => p.timestamp.getTime()));
  const window = `${at(r.start)} to ${at(r.end)} UTC`;
  if (times.length === 0) return window;
  const first = new Date(Math.min(...times));
  const last = new Date(Math.max(...times));
  const clock = (d: Date) => at(d).slice(11);
  return `${window} (datapoints ${clock(first)} to ${clock(last)})`;
}

export async function render(r: MetricsResult, chart: boolean, ctx: CommandContext): Promise<string> {
  const { out } = ctx.output;
  const heading = out.dim(`${r.endpoint} / ${r.variant}, ${timeRange(r)}, period ${r.period} s`);
  if (!chart) return `${heading}\n${renderTable(r.series, out)}`;
  const columns = (ctx.output.stdout as { columns?: number }).columns ?? 80;
  return `${heading}\n\n${renderCharts(r.series, { paint: out, width: Math.max(20, Math.min(100, columns - 14)) })}`;
}
