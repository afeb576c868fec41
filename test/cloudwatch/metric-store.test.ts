import { describe, expect, it } from 'vitest';
import { MetricStore } from '../../src/local/services/cloudwatch/metric-store.js';
import {
  addStatisticSet,
  addValue,
  alignDown,
  emptyAggregate,
  percentile,
  percentileOf,
  statisticValue,
} from '../../src/local/services/cloudwatch/statistics.js';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

function clock(start = T0 + 3600_000) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

const stats = (store: MetricStore, q: Partial<Parameters<MetricStore['query']>[0]> = {}) =>
  store
    .query({
      namespace: 'App',
      name: 'Latency',
      dimensions: { Endpoint: 'ep' },
      start: at(0),
      end: at(3600),
      period: 60,
      ...q,
    })
    .map((p) => ({
      t: p.timestamp.toISOString(),
      unit: p.unit,
      n: statisticValue(p.aggregate, 'SampleCount'),
      sum: statisticValue(p.aggregate, 'Sum'),
      avg: statisticValue(p.aggregate, 'Average'),
      min: statisticValue(p.aggregate, 'Minimum'),
      max: statisticValue(p.aggregate, 'Maximum'),
    }));

describe('statistics', () => {
  it('aligns periods to multiples of the period since the epoch', () => {
    expect(new Date(alignDown(Date.parse('2026-11-25T10:07:42.5Z'), 60)).toISOString()).toBe(
      '2026-11-25T10:07:00.000Z',
    );
    expect(new Date(alignDown(Date.parse('2026-11-25T10:07:42Z'), 300)).toISOString()).toBe('2026-11-25T10:05:00.000Z');
    expect(new Date(alignDown(Date.parse('2026-11-25T10:07:42Z'), 3600)).toISOString()).toBe(
      '2026-11-25T10:00:00.000Z',
    );
    expect(new Date(alignDown(Date.parse('2026-11-25T10:07:42Z'), 86400)).toISOString()).toBe(
      '2026-11-25T00:00:00.000Z',
    );
  });

  it('computes nearest-rank percentiles from raw values', () => {
    const agg = emptyAggregate();
    for (let v = 1; v <= 100; v++) addValue(agg, v);
    expect(percentile(agg, 50)).toBe(50);
    expect(percentile(agg, 99)).toBe(99);
    expect(percentile(agg, 99.5)).toBe(100);
    expect(percentile(agg, 0)).toBe(1);
    expect(statisticValue(agg, 'p90')).toBe(90);
    expect(percentileOf('p99.9')).toBe(99.9);
    expect(percentileOf('p101')).toBeUndefined();
    expect(percentileOf('tm99')).toBeUndefined();
  });

  it('offers percentiles for statistic sets only when they are uniform (CloudWatch rule)', () => {
    const uniform = emptyAggregate();
    addStatisticSet(uniform, { sampleCount: 4, sum: 20, minimum: 5, maximum: 5 });
    addValue(uniform, 9);
    expect(percentile(uniform, 50)).toBe(5);
    expect(percentile(uniform, 100)).toBe(9);
    const mixed = emptyAggregate();
    addStatisticSet(mixed, { sampleCount: 2, sum: 3, minimum: 1, maximum: 2 });
    expect(percentile(mixed, 50)).toBeUndefined();
    expect(statisticValue(mixed, 'Average')).toBe(1.5);
  });

  it('offers no percentile once a value is negative', () => {
    const agg = emptyAggregate();
    addValue(agg, 3);
    addValue(agg, -1);
    expect(percentile(agg, 50)).toBeUndefined();
    expect(statisticValue(agg, 'Minimum')).toBe(-1);
  });

  it('keeps the value distribution bounded (log scale past the distinct-value cap)', () => {
    const agg = emptyAggregate();
    for (let i = 1; i <= 100_000; i++) addValue(agg, i / 7, 1, 256);
    expect(agg.quantized).toBe(true);
    expect(agg.values!.size).toBeLessThan(1500);
    const p50 = percentile(agg, 50)!;
    expect(Math.abs(p50 - 50_000 / 7) / (50_000 / 7)).toBeLessThan(0.01);
    expect(statisticValue(agg, 'SampleCount')).toBe(100_000);
  });
});

describe('MetricStore', () => {
  it('aggregates datapoints into periods with every statistic', () => {
    const store = new MetricStore(clock());
    store.put('App', 'Latency', { Endpoint: 'ep' }, 10, 'Milliseconds', at(5));
    store.put('App', 'Latency', { Endpoint: 'ep' }, 30, 'Milliseconds', at(50));
    store.put(
      'App',
      'Latency',
      { Endpoint: 'ep' },
      { sampleCount: 2, sum: 100, minimum: 40, maximum: 60 },
      'Milliseconds',
      at(130),
    );
    store.put('App', 'Latency', { Endpoint: 'ep' }, { values: [1, 2], counts: [3, 1] }, 'Milliseconds', at(299));
    expect(stats(store)).toEqual([
      { t: '2026-11-25T10:00:00.000Z', unit: 'Milliseconds', n: 2, sum: 40, avg: 20, min: 10, max: 30 },
      { t: '2026-11-25T10:02:00.000Z', unit: 'Milliseconds', n: 2, sum: 100, avg: 50, min: 40, max: 60 },
      { t: '2026-11-25T10:04:00.000Z', unit: 'Milliseconds', n: 4, sum: 5, avg: 1.25, min: 1, max: 2 },
    ]);
    expect(stats(store, { period: 300 })).toEqual([
      { t: '2026-11-25T10:00:00.000Z', unit: 'Milliseconds', n: 8, sum: 145, avg: 18.125, min: 1, max: 60 },
    ]);
  });

  it('rounds StartTime down to the period and treats EndTime as exclusive', () => {
    const store = new MetricStore(clock());
    store.put('App', 'Latency', { Endpoint: 'ep' }, 1, 'None', at(65));
    store.put('App', 'Latency', { Endpoint: 'ep' }, 2, 'None', at(185));
    expect(stats(store, { start: at(90), end: at(180) }).map((p) => p.t)).toEqual(['2026-11-25T10:01:00.000Z']);
    // Standard-resolution data is kept per minute: the 10:03:05 point lives in the 10:03:00 slot.
    expect(stats(store, { start: at(90), end: at(181) }).map((p) => p.t)).toEqual([
      '2026-11-25T10:01:00.000Z',
      '2026-11-25T10:03:00.000Z',
    ]);
    expect(stats(store, { start: at(90), end: at(240), period: 120 }).map((p) => p.t)).toEqual([
      '2026-11-25T10:00:00.000Z',
      '2026-11-25T10:02:00.000Z',
    ]);
  });

  it('matches the exact dimension set, in any order, never a subset', () => {
    const store = new MetricStore(clock());
    store.put('AWS/SageMaker', 'Invocations', { EndpointName: 'ep', VariantName: 'AllTraffic' }, 1, 'None', at(10));
    const q = { namespace: 'AWS/SageMaker', name: 'Invocations', start: at(0), end: at(60), period: 60 };
    expect(
      store.query({
        ...q,
        dimensions: [
          { Name: 'VariantName', Value: 'AllTraffic' },
          { Name: 'EndpointName', Value: 'ep' },
        ],
      }),
    ).toHaveLength(1);
    expect(store.query({ ...q, dimensions: { EndpointName: 'ep' } })).toHaveLength(0);
    expect(store.query({ ...q })).toHaveLength(0);
  });

  it('keeps units apart on request and merges them otherwise', () => {
    const store = new MetricStore(clock());
    store.put('App', 'Latency', { Endpoint: 'ep' }, 1, 'Seconds', at(1));
    store.put('App', 'Latency', { Endpoint: 'ep' }, 500, 'Milliseconds', at(2));
    expect(stats(store, { byUnit: true }).map((p) => [p.unit, p.sum])).toEqual([
      ['Milliseconds', 500],
      ['Seconds', 1],
    ]);
    expect(stats(store, { unit: 'Seconds' }).map((p) => p.sum)).toEqual([1]);
    expect(stats(store).map((p) => p.n)).toEqual([2]);
  });

  it('keeps high-resolution data per second and standard data per minute', () => {
    const store = new MetricStore(clock());
    store.put('App', 'Latency', { Endpoint: 'ep' }, 1, 'None', at(1), 1);
    store.put('App', 'Latency', { Endpoint: 'ep' }, 2, 'None', at(12), 1);
    store.put('App', 'Latency', { Endpoint: 'ep' }, 3, 'None', at(70));
    expect(stats(store, { period: 10 }).map((p) => [p.t.slice(14, 19), p.sum])).toEqual([
      ['00:00', 1],
      ['00:10', 2],
      ['01:00', 3],
    ]);
  });

  it('drops data past the retention window and forgets empty metrics', () => {
    const c = clock(T0 + 60_000);
    const store = new MetricStore({ now: c.now, retentionMs: 10 * 60_000 });
    expect(store.put('App', 'Old', {}, 1, 'None', new Date(T0 - 20 * 60_000))).toBe(false);
    expect(store.put('App', 'Latency', { Endpoint: 'ep' }, 1, 'None', at(0))).toBe(true);
    expect(store.listMetrics()).toHaveLength(1);
    c.advance(10 * 60_000);
    expect(store.listMetrics()).toHaveLength(0);
    expect(store.size).toEqual({ series: 0, slots: 0 });
  });

  it('bounds memory: the least recently written metric gives way', () => {
    const store = new MetricStore({ ...clock(), maxSeries: 2, maxSlots: 4 });
    store.put('App', 'A', {}, 1, 'None', at(0));
    store.put('App', 'B', {}, 1, 'None', at(0));
    store.put('App', 'A', {}, 1, 'None', at(60));
    store.put('App', 'C', {}, 1, 'None', at(0)); // B was written least recently
    expect(store.listMetrics().map((m) => m.name)).toEqual(['A', 'C']);
    store.put('App', 'C', {}, 1, 'None', at(60));
    store.put('App', 'C', {}, 1, 'None', at(120)); // 5 slots > 4: A loses its oldest
    expect(store.size).toEqual({ series: 2, slots: 4 });
    const a = store.query({ namespace: 'App', name: 'A', start: at(0), end: at(600), period: 60 });
    expect(a.map((p) => p.timestamp.getTime())).toEqual([at(60).getTime()]);
  });

  it('lists metrics with namespace, name and dimension filters', () => {
    const store = new MetricStore(clock());
    store.put('AWS/SageMaker', 'Invocations', { EndpointName: 'a', VariantName: 'AllTraffic' }, 1, 'None', at(0));
    store.put('AWS/SageMaker', 'Invocations', { EndpointName: 'b', VariantName: 'AllTraffic' }, 1, 'None', at(0));
    store.put(
      'AWS/SageMaker',
      'ModelLatency',
      { EndpointName: 'a', VariantName: 'AllTraffic' },
      1,
      'Microseconds',
      at(0),
    );
    store.put('App', 'Other', {}, 1, 'None', at(0));
    expect(store.listMetrics({ namespace: 'AWS/SageMaker' })).toHaveLength(3);
    expect(store.listMetrics({ dimensions: [{ Name: 'EndpointName', Value: 'a' }] }).map((m) => m.name)).toEqual([
      'Invocations',
      'ModelLatency',
    ]);
    expect(store.listMetrics({ name: 'Invocations', dimensions: [{ Name: 'VariantName' }] })).toHaveLength(2);
    expect(store.listMetrics({ dimensions: [{ Name: 'Nope' }] })).toHaveLength(0);
  });

  it('survives a snapshot and restore, percentiles included', () => {
    const c = clock();
    const store = new MetricStore(c);
    for (let v = 1; v <= 10; v++) store.put('App', 'Latency', { Endpoint: 'ep' }, v, 'Milliseconds', at(v));
    const copy = new MetricStore(c);
    copy.restore(JSON.parse(JSON.stringify(store.snapshot())));
    expect(stats(copy)).toEqual(stats(store));
    expect(
      copy.statistic(
        { namespace: 'App', name: 'Latency', dimensions: { Endpoint: 'ep' }, start: at(0), end: at(60), period: 60 },
        'p90',
      ),
    ).toEqual([{ timestamp: at(0), value: 9 }]);
  });

  it('refuses values CloudWatch refuses', () => {
    const store = new MetricStore(clock());
    expect(() => store.put('App', 'X', {}, NaN)).toThrow(RangeError);
    expect(() => store.put('App', 'X', {}, { values: [1, Infinity] })).toThrow(RangeError);
  });
});
