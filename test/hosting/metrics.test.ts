import { describe, expect, it } from 'vitest';
import { NAMESPACE_SAGEMAKER } from '../../src/aws-names/metrics.js';
import { MetricsRecorder } from '../../src/local/hosting/index.js';
import { MetricStore } from '../../src/local/services/cloudwatch/index.js';

const DIMS = { EndpointName: 'ep', VariantName: 'AllTraffic' };

describe('MetricsRecorder', () => {
  it('keeps one statistic set per minute and aggregates them into periods', () => {
    let t = Date.UTC(2026, 10, 25, 12, 0, 10);
    const rec = new MetricsRecorder({ now: () => new Date(t) });
    const latency = rec.series(NAMESPACE_SAGEMAKER, 'ModelLatency', DIMS, 'Microseconds');
    latency.add(100);
    latency.add(300);
    t += 60_000;
    latency.add(50);
    t += 60_000;
    latency.add(1000);
    const start = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));
    const end = new Date(Date.UTC(2026, 10, 25, 12, 5, 0));
    expect(
      rec
        .statistics(NAMESPACE_SAGEMAKER, 'ModelLatency', DIMS, start, end, 60)
        .map((d) => [d.sampleCount, d.sum, d.minimum, d.maximum]),
    ).toEqual([
      [2, 400, 100, 300],
      [1, 50, 50, 50],
      [1, 1000, 1000, 1000],
    ]);
    const twoMinutes = rec.statistics(NAMESPACE_SAGEMAKER, 'ModelLatency', DIMS, start, end, 120);
    expect(twoMinutes.map((d) => [d.timestamp.toISOString(), d.sampleCount, d.average])).toEqual([
      ['2026-11-25T12:00:00.000Z', 3, 150],
      ['2026-11-25T12:02:00.000Z', 1, 1000],
    ]);
    expect(rec.snapshot('ep').series[0]).toMatchObject({
      metricName: 'ModelLatency',
      sampleCount: 4,
      sum: 1450,
      maximum: 1000,
    });
  });

  it("flushes each value once into CloudWatch's metric store, percentiles intact", () => {
    let t = Date.UTC(2026, 10, 25, 12, 0, 0);
    const now = () => new Date(t);
    const rec = new MetricsRecorder({ now });
    const cw = new MetricStore({ now });
    const put = (
      ns: string,
      name: string,
      dims: Readonly<Record<string, string>>,
      value: Parameters<MetricStore['put']>[3],
      unit: string,
      at: Date,
    ) => cw.put(ns, name, dims, value, unit as Parameters<MetricStore['put']>[4], at);
    const hits = rec.series(NAMESPACE_SAGEMAKER, 'ModelCacheHit', DIMS, 'None');
    for (let i = 0; i < 10; i++) hits.add(i < 3 ? 0 : 1);
    rec.flush(put);
    rec.flush(put); // nothing new
    t += 61_000;
    hits.add(1);
    rec.flush(put);
    const points = cw.query({
      namespace: NAMESPACE_SAGEMAKER,
      name: 'ModelCacheHit',
      dimensions: DIMS,
      start: new Date(t - 120_000),
      end: new Date(t + 60_000),
      period: 60,
    });
    expect(points.map((p) => [p.aggregate.sampleCount, p.aggregate.sum])).toEqual([
      [10, 7],
      [1, 1],
    ]);
  });
});
