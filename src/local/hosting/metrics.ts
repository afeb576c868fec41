/**
 * The endpoint host's metrics, kept the way CloudWatch stores them: per series (namespace,
 * metric, dimensions, unit), one statistic set (SampleCount, Sum, Minimum, Maximum) per minute,
 * the finest period SageMaker publishes. The CloudWatch service reads them with `statistics()`;
 * `snapshot()` gives totals for `mme` and tests.
 *
 * Series, as SageMaker publishes them (dimensions EndpointName + VariantName):
 *   AWS/SageMaker             Invocations, InvocationsPerInstance, Invocation4XXErrors,
 *                             Invocation5XXErrors, ModelLatency, OverheadLatency, ModelCacheHit,
 *                             ModelLoadingWaitTime, ModelDownloadingTime, ModelLoadingTime,
 *                             ModelUnloadingTime
 *   /aws/sagemaker/Endpoints  LoadedModelCount, MemoryUtilization, DiskUtilization (sampled on
 *                             the serving instance after each invocation and after each load or
 *                             unload, so a minute's Average is the instances' average)
 * Per-model figures (hits, loads, evictions, latency per TargetModel) are an improvement on AWS,
 * which offers none (a common request): they live beside the series, and (an mme extension, see
 * ModelSeries) three of them also go to CloudWatch with a TargetModel dimension.
 *
 * Resolution: the host keeps per-minute sets (what SageMaker publishes), but hands CloudWatch
 * its pending values per SECOND, so the local cloud can store them as high-resolution data: a
 * local experiment lasts seconds, and at one point a minute its chart would be a single dot.
 * A query with Period 60 still sees exactly what AWS would show.
 */
import { NAMESPACE_ENDPOINTS, NAMESPACE_SAGEMAKER, type MetricUnit } from '../../aws-names/metrics.js';
import type { ModelFigures } from '../../formats/endpoint-status.js';

export interface StatisticSet {
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
}

const MINUTE = 60_000;
/** The granularity of what `flush` hands to CloudWatch (see the top of this file). */
const FLUSH_SLOT = 1_000;
const emptySet = (): StatisticSet => ({ sampleCount: 0, sum: 0, minimum: Infinity, maximum: -Infinity });

function addTo(set: StatisticSet, value: number): void {
  set.sampleCount++;
  set.sum += value;
  if (value < set.minimum) set.minimum = value;
  if (value > set.maximum) set.maximum = value;
}

/** What `flush` hands to CloudWatch: raw values (percentiles stay exact) or, past a bound, a statistic set. */
type FlushedValue = { values: readonly number[] } | StatisticSet;
export type MetricSink = (
  namespace: string,
  metricName: string,
  dimensions: Readonly<Record<string, string>>,
  value: FlushedValue,
  unit: MetricUnit,
  timestamp: Date,
) => void;

/** Raw values kept per series between flushes; later ones go into per-minute statistic sets. */
const MAX_PENDING_VALUES = 10_000;

export class MetricSeries {
  readonly total = emptySet();
  /** Minute start (epoch ms) → statistics of that minute, oldest first. */
  readonly minutes = new Map<number, StatisticSet>();
  private currentMinute = -1;
  private current = emptySet();
  /** Not yet flushed to CloudWatch: second → raw values, and statistic sets once too many. */
  private pendingValues = new Map<number, number[]>();
  private pendingSets = new Map<number, StatisticSet>();
  private pendingCount = 0;
  /** The pending list of the second last added to (most adds land in the same second): no map lookup. */
  private pendingSlot = -1;
  private pendingList: number[] = [];

  constructor(
    readonly namespace: string,
    readonly metricName: string,
    readonly dimensions: Readonly<Record<string, string>>,
    readonly unit: MetricUnit,
    private readonly now: () => Date,
    private readonly retentionMinutes: number,
  ) {}

  /** `atMs`: when (epoch ms), if the caller already knows (one clock read for a request's many values). */
  add(value: number, atMs: number = this.now().getTime()): void {
    if (!Number.isFinite(value)) return; // CloudWatch refuses NaN and ±Infinity
    addTo(this.total, value);
    const minute = Math.floor(atMs / MINUTE) * MINUTE;
    if (minute !== this.currentMinute) {
      this.currentMinute = minute;
      this.current = this.minutes.get(minute) ?? emptySet();
      this.minutes.set(minute, this.current);
      this.prune(minute - this.retentionMinutes * MINUTE);
    }
    addTo(this.current, value);
    const slot = Math.floor(atMs / FLUSH_SLOT) * FLUSH_SLOT;
    // Raw values for CloudWatch (exact percentiles) up to a bound per series between flushes;
    // past it (nobody flushes, or a burst), a statistic set per minute keeps memory bounded.
    if (this.pendingCount < MAX_PENDING_VALUES) {
      if (slot !== this.pendingSlot) {
        let pending = this.pendingValues.get(slot);
        if (!pending) this.pendingValues.set(slot, (pending = []));
        this.pendingSlot = slot;
        this.pendingList = pending;
      }
      this.pendingList.push(value);
      this.pendingCount++;
    } else {
      let set = this.pendingSets.get(slot);
      if (!set) this.pendingSets.set(slot, (set = emptySet()));
      addTo(set, value);
    }
  }

  private prune(oldest: number): void {
    for (const map of [this.minutes, this.pendingSets] as Map<number, unknown>[]) {
      for (const key of map.keys()) {
        if (key >= oldest) break;
        map.delete(key);
      }
    }
    for (const [key, list] of this.pendingValues) {
      if (key >= oldest) break;
      this.pendingCount -= list.length;
      this.pendingValues.delete(key);
      if (key === this.pendingSlot) this.pendingSlot = -1;
    }
  }

  /** Hand what was added since the last flush to `sink`, one call per second and form. */
  flush(sink: MetricSink): void {
    const values = this.pendingValues;
    const sets = this.pendingSets;
    if (values.size === 0 && sets.size === 0) return;
    this.pendingValues = new Map();
    this.pendingSets = new Map();
    this.pendingCount = 0;
    this.pendingSlot = -1;
    for (const [at, set] of sets) sink(this.namespace, this.metricName, this.dimensions, set, this.unit, new Date(at));
    for (const [at, list] of values)
      sink(this.namespace, this.metricName, this.dimensions, { values: list }, this.unit, new Date(at));
  }
}

export interface Datapoint extends StatisticSet {
  timestamp: Date;
  average: number;
}

export interface MetricsRecorderOptions {
  now?: () => Date;
  /** CloudWatch keeps 1-minute data for 15 days; the local cloud keeps a day by default. */
  retentionMinutes?: number;
}

const seriesKey = (namespace: string, name: string, dims: Record<string, string>) =>
  `${namespace}\u0000${name}\u0000${Object.keys(dims)
    .sort()
    .map((k) => `${k}=${dims[k]}`)
    .join('\u0000')}`;

export class MetricsRecorder {
  private readonly all = new Map<string, MetricSeries>();
  private readonly models = new Map<string, Map<string, ModelFigures>>();
  private readonly now: () => Date;
  private readonly retentionMinutes: number;

  constructor(options: MetricsRecorderOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.retentionMinutes = options.retentionMinutes ?? 24 * 60;
  }

  /** The series, created on first use; callers keep the handle so the hot path does no lookups. */
  series(namespace: string, metricName: string, dimensions: Record<string, string>, unit: MetricUnit): MetricSeries {
    const key = seriesKey(namespace, metricName, dimensions);
    let series = this.all.get(key);
    if (!series) {
      series = new MetricSeries(namespace, metricName, { ...dimensions }, unit, this.now, this.retentionMinutes);
      this.all.set(key, series);
    }
    return series;
  }

  list(filter: { namespace?: string; metricName?: string; dimensions?: Record<string, string> } = {}): MetricSeries[] {
    return [...this.all.values()].filter(
      (s) =>
        (filter.namespace === undefined || s.namespace === filter.namespace) &&
        (filter.metricName === undefined || s.metricName === filter.metricName) &&
        Object.entries(filter.dimensions ?? {}).every(([k, v]) => s.dimensions[k] === v),
    );
  }

  /**
   * Send every series' new data to CloudWatch's metric store (the local cloud calls this every few
   * seconds and before answering CloudWatch queries). Each datapoint goes exactly once.
   */
  flush(sink: MetricSink): void {
    for (const series of this.all.values()) series.flush(sink);
  }

  /** CloudWatch GetMetricStatistics: datapoints of `periodSeconds` (a multiple of 60) in [start, end). */
  statistics(
    namespace: string,
    metricName: string,
    dimensions: Record<string, string>,
    start: Date,
    end: Date,
    periodSeconds = 60,
  ): Datapoint[] {
    const series = this.all.get(seriesKey(namespace, metricName, dimensions));
    if (!series) return [];
    const period = Math.max(1, Math.round(periodSeconds / 60)) * MINUTE;
    const buckets = new Map<number, StatisticSet>();
    for (const [minute, set] of series.minutes) {
      if (minute < start.getTime() || minute >= end.getTime()) continue;
      const at = start.getTime() + Math.floor((minute - start.getTime()) / period) * period;
      const bucket = buckets.get(at) ?? emptySet();
      bucket.sampleCount += set.sampleCount;
      bucket.sum += set.sum;
      bucket.minimum = Math.min(bucket.minimum, set.minimum);
      bucket.maximum = Math.max(bucket.maximum, set.maximum);
      buckets.set(at, bucket);
    }
    return [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([at, s]) => ({ timestamp: new Date(at), ...s, average: s.sum / s.sampleCount }));
  }

  /** The per-model figures of one variant (a live map: the host updates it in place). */
  modelFigures(endpointName: string, variantName: string): Map<string, ModelFigures> {
    const key = `${endpointName}\u0000${variantName}`;
    let map = this.models.get(key);
    if (!map) this.models.set(key, (map = new Map<string, ModelFigures>()));
    return map;
  }

  snapshot(endpointName?: string): MetricsSnapshot {
    const series = [...this.all.values()]
      .filter((s) => endpointName === undefined || s.dimensions.EndpointName === endpointName)
      .map((s) => ({
        namespace: s.namespace,
        metricName: s.metricName,
        dimensions: { ...s.dimensions },
        unit: s.unit,
        ...s.total,
        average: s.total.sampleCount ? s.total.sum / s.total.sampleCount : 0,
      }));
    const models: (ModelFigures & { endpointName: string; variantName: string })[] = [];
    for (const [key, map] of this.models) {
      const [ep, variant] = key.split('\u0000') as [string, string];
      if (endpointName !== undefined && ep !== endpointName) continue;
      for (const figures of map.values()) models.push({ ...figures, endpointName: ep, variantName: variant });
    }
    return { series, models };
  }
}

export interface MetricsSnapshot {
  series: ({
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
    unit: MetricUnit;
    average: number;
  } & StatisticSet)[];
  models: (ModelFigures & { endpointName: string; variantName: string })[];
}

/** The handles of one production variant, created once at deployment. */
export interface VariantMetrics {
  invocations: MetricSeries;
  invocationsPerInstance: MetricSeries;
  errors4xx: MetricSeries;
  errors5xx: MetricSeries;
  modelLatency: MetricSeries;
  overheadLatency: MetricSeries;
  modelCacheHit: MetricSeries;
  modelLoadingWaitTime: MetricSeries;
  modelDownloadingTime: MetricSeries;
  modelLoadingTime: MetricSeries;
  modelUnloadingTime: MetricSeries;
  loadedModelCount: MetricSeries;
  memoryUtilization: MetricSeries;
  diskUtilization: MetricSeries;
  models: Map<string, ModelFigures>;
  /** The TargetModel series of one model (created on its first request). */
  modelSeries(targetModel: string): ModelSeries;
}

/**
 * An mme extension, NOT published by SageMaker (which has no per-model metrics, a common
 * request): AWS/SageMaker Invocations, ModelCacheHit and ModelLatency with a third dimension,
 * TargetModel, beside the variant's series. CloudWatch treats every dimension set as its own
 * metric, so queries for EndpointName + VariantName (what dashboards and `mme metrics` ask)
 * never see these: only a query that names a TargetModel does.
 */
interface ModelSeries {
  invocations: MetricSeries;
  modelCacheHit: MetricSeries;
  modelLatency: MetricSeries;
}

export function variantMetrics(recorder: MetricsRecorder, endpointName: string, variantName: string): VariantMetrics {
  const dims = { EndpointName: endpointName, VariantName: variantName };
  const sm = (name: string, unit: MetricUnit = 'None') => recorder.series(NAMESPACE_SAGEMAKER, name, dims, unit);
  const ep = (name: string, unit: MetricUnit) => recorder.series(NAMESPACE_ENDPOINTS, name, dims, unit);
  const perModel = new Map<string, ModelSeries>();
  return {
    invocations: sm('Invocations'),
    invocationsPerInstance: sm('InvocationsPerInstance'),
    errors4xx: sm('Invocation4XXErrors'),
    errors5xx: sm('Invocation5XXErrors'),
    modelLatency: sm('ModelLatency', 'Microseconds'),
    overheadLatency: sm('OverheadLatency', 'Microseconds'),
    modelCacheHit: sm('ModelCacheHit'),
    modelLoadingWaitTime: sm('ModelLoadingWaitTime', 'Microseconds'),
    modelDownloadingTime: sm('ModelDownloadingTime', 'Microseconds'),
    modelLoadingTime: sm('ModelLoadingTime', 'Microseconds'),
    modelUnloadingTime: sm('ModelUnloadingTime', 'Microseconds'),
    loadedModelCount: ep('LoadedModelCount', 'None'),
    memoryUtilization: ep('MemoryUtilization', 'Percent'),
    diskUtilization: ep('DiskUtilization', 'Percent'),
    models: recorder.modelFigures(endpointName, variantName),
    modelSeries(targetModel) {
      let handles = perModel.get(targetModel);
      if (!handles) {
        const modelDims = { ...dims, TargetModel: targetModel };
        handles = {
          invocations: recorder.series(NAMESPACE_SAGEMAKER, 'Invocations', modelDims, 'None'),
          modelCacheHit: recorder.series(NAMESPACE_SAGEMAKER, 'ModelCacheHit', modelDims, 'None'),
          modelLatency: recorder.series(NAMESPACE_SAGEMAKER, 'ModelLatency', modelDims, 'Microseconds'),
        };
        perModel.set(targetModel, handles);
      }
      return handles;
    },
  };
}

export function figuresFor(models: Map<string, ModelFigures>, targetModel: string): ModelFigures {
  let f = models.get(targetModel);
  if (!f) {
    f = {
      targetModel,
      invocations: 0,
      errors: 0,
      cacheHits: 0,
      cacheMisses: 0,
      loads: 0,
      evictions: 0,
      latencyMicrosTotal: 0,
      latencyMicrosMax: 0,
    };
    models.set(targetModel, f);
  }
  return f;
}
