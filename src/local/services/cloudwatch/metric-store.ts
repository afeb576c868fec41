/**
 * The local cloud's metric store: datapoints per metric (namespace, name, exact dimension set),
 * kept as CloudWatch keeps them — one aggregate per resolution slot (1 s for high-resolution
 * data, StorageResolution 1; one minute otherwise) and per unit — and aggregated into periods on
 * query. Pure apart from the injected clock; the wire (operations) and the endpoint host (direct
 * calls, every period) both write here.
 *
 * Memory stays bounded, a deliberate difference from AWS (which keeps 15 months):
 * - retention: slots older than `retentionMs` (default 3 hours) are dropped; data published
 *   with an older timestamp is accepted and discarded, as expired data would be;
 * - `maxSeries` metrics and `maxSlots` slots in all: beyond them the least recently written
 *   metric loses its oldest slots first (and whole metrics go when they are empty);
 * - raw values for percentiles are exact up to `maxDistinctValues` per slot, then log-scaled.
 */
import {
  addStatisticSet,
  addValue,
  alignDown,
  emptyAggregate,
  mergeAggregate,
  statisticValue,
  type Aggregate,
} from './statistics.js';
import { normalizeDimensions, seriesKey, type DimensionsInput, type MetricDescriptor, type Unit } from './shapes.js';

export const DEFAULT_RETENTION_MS = 3 * 60 * 60 * 1000;
const DEFAULT_MAX_SERIES = 2_000;
const DEFAULT_MAX_SLOTS = 200_000;

interface StatisticSet {
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
}

/** A single value, a statistic set, or PutMetricData's Values/Counts arrays. */
export type MetricValue = number | StatisticSet | { values: readonly number[]; counts?: readonly number[] };

export interface MetricStoreOptions {
  now?: () => Date;
  retentionMs?: number;
  maxSeries?: number;
  maxSlots?: number;
  maxDistinctValues?: number;
}

export interface MetricQuery {
  namespace: string;
  name: string;
  /** The exact dimension set (CloudWatch never matches a subset). */
  dimensions?: DimensionsInput;
  start: Date;
  /** Exclusive, as in GetMetricStatistics. */
  end: Date;
  /** Seconds. */
  period: number;
  /** Only data published with this unit. */
  unit?: Unit;
  /** One datapoint per (period, unit), as GetMetricStatistics without Unit; otherwise units are merged. */
  byUnit?: boolean;
}

export interface PeriodStatistics {
  timestamp: Date;
  /** The data's unit ('None' when none was given; the first seen when units were merged). */
  unit: Unit;
  aggregate: Aggregate;
}

export interface DimensionFilter {
  Name: string;
  Value?: string;
}

/** A slot as persisted: [t, unit, sampleCount, sum, min, max, values | null, quantized]. */
type SlotSnapshot = [number, Unit, number, number, number, number, [number, number][] | null, boolean];
export interface SeriesSnapshot extends MetricDescriptor {
  slots: SlotSnapshot[];
}

interface Slot {
  t: number;
  unit: Unit;
  agg: Aggregate;
}

interface Series extends MetricDescriptor {
  /** Sorted by t. */
  slots: Slot[];
}

export class MetricStore {
  readonly retentionMs: number;
  private readonly now: () => Date;
  private readonly maxSeries: number;
  private readonly maxSlots: number;
  private readonly maxDistinct: number;
  /** Insertion order = least recently written first (re-inserted on every write). */
  private readonly series = new Map<string, Series>();
  private slotCount = 0;
  private prunedAt = -Infinity;
  /** Bumped on every change, so persistence knows when there is something to save. */
  revision = 0;

  constructor(options: MetricStoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
    this.maxSlots = options.maxSlots ?? DEFAULT_MAX_SLOTS;
    this.maxDistinct = options.maxDistinctValues ?? 512;
  }

  /**
   * Record a datapoint. Returns false when it was older than the retention window (discarded).
   * Throws RangeError for values CloudWatch rejects (NaN, ±Infinity).
   */
  put(
    namespace: string,
    name: string,
    dimensions: DimensionsInput | undefined,
    value: MetricValue,
    unit: Unit = 'None',
    timestamp: Date = this.now(),
    storageResolution: 1 | 60 = 60,
  ): boolean {
    checkValue(value);
    const t = alignDown(timestamp.getTime(), storageResolution);
    if (t < this.cutoff()) return false;
    const dims = normalizeDimensions(dimensions);
    const key = seriesKey(namespace, name, dims);
    let series = this.series.get(key);
    if (series) this.series.delete(key);
    else {
      if (this.series.size >= this.maxSeries) this.dropSeries(this.series.keys().next().value!);
      series = { namespace, name, dimensions: dims, slots: [] };
    }
    this.series.set(key, series);
    const slot = this.slotFor(series, t, unit);
    if (typeof value === 'number') addValue(slot.agg, value, 1, this.maxDistinct);
    else if ('values' in value)
      value.values.forEach((v, i) => addValue(slot.agg, v, value.counts?.[i] ?? 1, this.maxDistinct));
    else addStatisticSet(slot.agg, value, this.maxDistinct);
    this.revision++;
    this.evictOverflow();
    return true;
  }

  /** Statistics per period (ascending), only for periods that hold data, as CloudWatch answers. */
  query(q: MetricQuery): PeriodStatistics[] {
    this.pruneNowAndThen();
    const series = this.series.get(seriesKey(q.namespace, q.name, normalizeDimensions(q.dimensions)));
    if (!series) return [];
    // CloudWatch rounds StartTime down; periods are aligned to multiples of the period.
    const from = Math.max(alignDown(q.start.getTime(), q.period), this.cutoff());
    const to = q.end.getTime();
    const periods = new Map<string, PeriodStatistics>();
    for (let i = lowerBound(series.slots, from); i < series.slots.length && series.slots[i]!.t < to; i++) {
      const slot = series.slots[i]!;
      if (q.unit && slot.unit !== q.unit) continue;
      const start = alignDown(slot.t, q.period);
      const key = q.byUnit ? `${start}|${slot.unit}` : String(start);
      let period = periods.get(key);
      if (!period) {
        period = { timestamp: new Date(start), unit: slot.unit, aggregate: emptyAggregate() };
        periods.set(key, period);
      }
      mergeAggregate(period.aggregate, slot.agg, this.maxDistinct);
    }
    return [...periods.values()].sort(
      (a, b) => a.timestamp.getTime() - b.timestamp.getTime() || (a.unit < b.unit ? -1 : 1),
    );
  }

  /** The value of one statistic per period: a convenience for other local services. */
  statistic(q: MetricQuery, stat: string): { timestamp: Date; value: number }[] {
    return this.query(q).flatMap((p) => {
      const value = statisticValue(p.aggregate, stat);
      return value === undefined ? [] : [{ timestamp: p.timestamp, value }];
    });
  }

  /** Metrics holding data in the retention window, sorted (stable pages for ListMetrics). */
  listMetrics(
    filter: { namespace?: string; name?: string; dimensions?: readonly DimensionFilter[] } = {},
  ): MetricDescriptor[] {
    this.pruneNowAndThen();
    const found: MetricDescriptor[] = [];
    for (const s of this.series.values()) {
      if (filter.namespace !== undefined && s.namespace !== filter.namespace) continue;
      if (filter.name !== undefined && s.name !== filter.name) continue;
      // ListMetrics filters are a subset match: the metric must have each named dimension (and value, if given).
      const dimsMatch = (filter.dimensions ?? []).every((f) =>
        s.dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)),
      );
      if (!dimsMatch) continue;
      found.push({ namespace: s.namespace, name: s.name, dimensions: s.dimensions.map((d) => ({ ...d })) });
    }
    return found.sort((a, b) =>
      compare(seriesKey(a.namespace, a.name, a.dimensions), seriesKey(b.namespace, b.name, b.dimensions)),
    );
  }

  /** Drop slots past the retention window. Returns how many were dropped. */
  prune(): number {
    const cutoff = this.cutoff();
    let dropped = 0;
    for (const [key, s] of this.series) {
      const n = lowerBound(s.slots, cutoff);
      if (n === 0) continue;
      s.slots.splice(0, n);
      dropped += n;
      if (s.slots.length === 0) this.series.delete(key);
    }
    this.slotCount -= dropped;
    if (dropped) this.revision++;
    return dropped;
  }

  get size(): { series: number; slots: number } {
    return { series: this.series.size, slots: this.slotCount };
  }

  snapshot(): SeriesSnapshot[] {
    this.prune();
    return [...this.series.values()].map((s) => ({
      namespace: s.namespace,
      name: s.name,
      dimensions: s.dimensions,
      slots: s.slots.map(({ t, unit, agg }) => [
        t,
        unit,
        agg.sampleCount,
        agg.sum,
        agg.minimum,
        agg.maximum,
        agg.values ? [...agg.values] : null,
        agg.quantized,
      ]),
    }));
  }

  /** Load persisted series (oldest written first), keeping the retention window and the caps. */
  restore(snapshot: readonly SeriesSnapshot[]): void {
    for (const s of snapshot) {
      const dims = normalizeDimensions(s.dimensions);
      const key = seriesKey(s.namespace, s.name, dims);
      if (!this.series.has(key) && this.series.size >= this.maxSeries)
        this.dropSeries(this.series.keys().next().value!);
      const series = this.series.get(key) ?? { namespace: s.namespace, name: s.name, dimensions: dims, slots: [] };
      this.series.set(key, series);
      for (const [t, unit, sampleCount, sum, minimum, maximum, values, quantized] of s.slots) {
        const agg: Aggregate = {
          sampleCount,
          sum,
          minimum,
          maximum,
          values: values ? new Map(values) : null,
          quantized,
        };
        mergeAggregate(this.slotFor(series, t, unit).agg, agg, this.maxDistinct);
      }
      if (series.slots.length === 0) this.series.delete(key);
    }
    this.prune();
    this.evictOverflow();
  }

  /**
   * Queries read only inside the window anyway (see `from`), so pruning is housekeeping: at most
   * once a second, not once per query of a 500-query GetMetricData.
   */
  private pruneNowAndThen(): void {
    const now = this.now().getTime();
    if (now - this.prunedAt < 1000) return;
    this.prunedAt = now;
    this.prune();
  }

  private cutoff(): number {
    return this.now().getTime() - this.retentionMs;
  }

  private slotFor(series: Series, t: number, unit: Unit): Slot {
    let i = lowerBound(series.slots, t);
    for (let j = i; j < series.slots.length && series.slots[j]!.t === t; j++) {
      if (series.slots[j]!.unit === unit) return series.slots[j]!;
    }
    while (i < series.slots.length && series.slots[i]!.t === t) i++;
    const slot: Slot = { t, unit, agg: emptyAggregate() };
    series.slots.splice(i, 0, slot);
    this.slotCount++;
    return slot;
  }

  private evictOverflow(): void {
    for (const [key, s] of this.series) {
      if (this.slotCount <= this.maxSlots) return;
      const n = Math.min(s.slots.length, this.slotCount - this.maxSlots);
      s.slots.splice(0, n);
      this.slotCount -= n;
      if (s.slots.length === 0) this.series.delete(key);
    }
  }

  private dropSeries(key: string): void {
    this.slotCount -= this.series.get(key)?.slots.length ?? 0;
    this.series.delete(key);
  }
}

/** First index whose slot starts at or after t (slots are sorted by t). */
function lowerBound(slots: readonly Slot[], t: number): number {
  let lo = 0;
  let hi = slots.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (slots[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function checkValue(value: MetricValue): void {
  const numbers =
    typeof value === 'number'
      ? [value]
      : 'values' in value
        ? [...value.values, ...(value.counts ?? [])]
        : [value.sampleCount, value.sum, value.minimum, value.maximum];
  if (!numbers.every(Number.isFinite)) throw new RangeError('CloudWatch does not accept NaN or infinite values');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
