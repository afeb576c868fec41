/**
 * `mme metrics` without a cloud: which metrics and statistics, CloudWatch's period rule, the
 * GetMetricData queries, and the charts and tables drawn from plain values.
 */
import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import {
  renderChart,
  renderCharts,
  renderTable,
  toColumns,
  formatValue,
  plainPaint,
} from '../../src/workflow/charts.js';
import { NAMESPACE_ENDPOINTS, NAMESPACE_SAGEMAKER } from '../../src/aws-names/metrics.js';
import {
  DEFAULT_METRICS,
  checkPeriod,
  isValidPeriod,
  metricQueries,
  periodFor,
  resolveMetric,
  type MetricSeriesData,
} from '../../src/workflow/metrics.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const ANSI = /\u001b\[/;
const series = (
  name: string,
  values: (number | undefined)[],
  period = 60,
  over: Partial<MetricSeriesData> = {},
): MetricSeriesData => ({
  ...resolveMetric(name),
  period,
  points: values.flatMap((v, i) =>
    v === undefined ? [] : [{ timestamp: new Date(T0 + i * period * 1000), value: v }],
  ),
  ...over,
});

describe('metric definitions and queries', () => {
  it('defaults to the cache metrics, each in its namespace with its unit and statistic', () => {
    expect(DEFAULT_METRICS).toEqual([
      'LoadedModelCount',
      'MemoryUtilization',
      'ModelCacheHit',
      'Invocations',
      'ModelLatency',
      'ModelLoadingTime',
      'ModelDownloadingTime',
      'ModelLoadingWaitTime',
    ]);
    expect(resolveMetric('LoadedModelCount')).toEqual({
      name: 'LoadedModelCount',
      namespace: NAMESPACE_ENDPOINTS,
      unit: 'None',
      stat: 'Average',
    });
    expect(resolveMetric('memoryutilization')).toMatchObject({ name: 'MemoryUtilization', unit: 'Percent' });
    expect(resolveMetric('ModelCacheHit')).toMatchObject({ namespace: NAMESPACE_SAGEMAKER, stat: 'Average' });
    expect(resolveMetric('Invocations')).toMatchObject({ stat: 'Sum' });
    expect(resolveMetric('ModelLatency:p99')).toMatchObject({ unit: 'Microseconds', stat: 'p99' });
    expect(resolveMetric('ModelLatency:maximum')).toMatchObject({ stat: 'Maximum' });
  });

  it('refuses unknown metrics and statistics with the list to choose from', () => {
    expect(() => resolveMetric('CacheHits')).toThrow(/unknown metric 'CacheHits'/);
    expect(() => resolveMetric('ModelLatency:median')).toThrow(/unknown statistic 'median'/);
  });

  it('periods: 1, 5, 10, 30 or multiples of 60, as CloudWatch', () => {
    expect([1, 5, 10, 30, 60, 120, 3600].every(isValidPeriod)).toBe(true);
    expect([0, 2, 15, 45, 90, 1.5].some(isValidPeriod)).toBe(false);
    expect(() => checkPeriod(15)).toThrow(/--period 15 is not a CloudWatch period/);
    expect(periodFor(8, 1)).toBe(1);
    expect(periodFor(300, 1)).toBe(5);
    expect(periodFor(300, 60)).toBe(60);
    expect(periodFor(6 * 3600, 60)).toBe(600);
  });

  it('one MetricStat query per metric with EndpointName and VariantName', () => {
    const queries = metricQueries(['LoadedModelCount', 'ModelCacheHit'].map(resolveMetric), {
      endpoint: 'ep',
      variant: 'AllTraffic',
      period: 10,
    });
    expect(queries).toEqual([
      {
        Id: 'm0',
        Label: 'LoadedModelCount Average',
        ReturnData: true,
        MetricStat: {
          Metric: {
            Namespace: '/aws/sagemaker/Endpoints',
            MetricName: 'LoadedModelCount',
            Dimensions: [
              { Name: 'EndpointName', Value: 'ep' },
              { Name: 'VariantName', Value: 'AllTraffic' },
            ],
          },
          Period: 10,
          Stat: 'Average',
        },
      },
      expect.objectContaining({
        Id: 'm1',
        MetricStat: expect.objectContaining({
          Metric: expect.objectContaining({ Namespace: 'AWS/SageMaker', MetricName: 'ModelCacheHit' }),
        }),
      }),
    ]);
  });

  it('the program parses the metrics options', async () => {
    let opts: Record<string, unknown> = {};
    const program = buildProgram(async (command: Command) => void (opts = command.opts()), '0.0.0-test');
    program.configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
    await program.parseAsync([
      'node',
      'mme',
      'metrics',
      '--since',
      '5m',
      '--period',
      '10',
      '--metric',
      'LoadedModelCount,ModelCacheHit',
      '--no-chart',
    ]);
    expect(opts).toMatchObject({ since: 300, period: 10, metric: ['LoadedModelCount', 'ModelCacheHit'], chart: false });
  });
});

describe('charts', () => {
  it('a titled chart from 0 to the maximum, with times along the x axis and no colour when plain', () => {
    const text = renderChart(series('LoadedModelCount', [3, 40, 90, 121, 121, 121]), { width: 30, height: 4 });
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'LoadedModelCount (None, Average per 1 min, /aws/sagemaker/Endpoints)  min 3  max 121  last 121',
    );
    expect(lines).toHaveLength(1 + 5 + 2); // title, height + 1 rows, axis, times
    expect(lines[1]).toMatch(/^ *121 ┼/);
    expect(lines[5]).toMatch(/^ *0 ┼/);
    expect(lines[6]).toMatch(/^ +└─+$/);
    expect(lines[7]).toMatch(/^ +12:00 +12:0\d .*UTC$/);
    expect(text).not.toMatch(ANSI);
    // The axis corner sits under the y axis.
    expect(lines[6]!.indexOf('└')).toBe(lines[1]!.indexOf('┼'));
  });

  it('colours only with a colour level; seconds in the times for periods under a minute', () => {
    const paint = new Chalk({ level: 1 });
    const text = renderChart(series('ModelCacheHit', [0, 0, 1, 1, 0.5], 10), { paint });
    expect(text).toMatch(ANSI);
    expect(text).toContain('12:00:00');
    expect(renderChart(series('ModelCacheHit', [0, 1], 10), { paint: plainPaint })).not.toMatch(ANSI);
  });

  it('says so when a metric has no datapoints; a flat line still draws', () => {
    expect(renderChart(series('ModelLatency', []))).toMatch(/ModelLatency .*\n {2}no datapoints$/);
    expect(renderChart(series('ModelCacheHit', [0, 0, 0]))).toContain('0 ┼──');
    expect(renderCharts([series('LoadedModelCount', [1]), series('ModelCacheHit', [1])]).split('\n\n')).toHaveLength(2);
  });

  it('columns: gaps repeat gauges and are 0 for sums; long series are averaged down to the width', () => {
    const gauge = toColumns(series('LoadedModelCount', [1, undefined, 3]), 3);
    expect(gauge.columns).toEqual([1, 1, 3]);
    expect(toColumns(series('Invocations', [5, undefined, 7]), 3).columns).toEqual([5, 0, 7]);
    expect(toColumns(series('LoadedModelCount', [1, 2]), 6).columns).toEqual([1, 1, 1, 2, 2, 2]);
    const long = toColumns(series('ModelCacheHit', [0, 0, 1, 1, 1, 1, 0, 0]), 4);
    expect(long.columns).toEqual([0, 1, 1, 0]);
    expect(long.times).toEqual([T0, T0 + 120_000, T0 + 240_000, T0 + 360_000]);
  });

  it('a table: one row per time, one column per metric, - where a metric has no datapoint', () => {
    const text = renderTable([series('LoadedModelCount', [3, 20, 45]), series('ModelCacheHit', [0, 1])]);
    expect(text.split('\n')).toEqual([
      'time (UTC)        LoadedModelCount Average  ModelCacheHit Average',
      '2026-01-01 12:00                         3                      0',
      '2026-01-01 12:01                        20                      1',
      '2026-01-01 12:02                        45                      -',
    ]);
    expect(renderTable([series('ModelCacheHit', [])])).toBe('no datapoints');
  });

  it('numbers stay short', () => {
    expect([121, 79.44, 0.533, 1234567, 0].map(formatValue)).toEqual(['121', '79.4', '0.53', '1,234,567', '0']);
  });
});
