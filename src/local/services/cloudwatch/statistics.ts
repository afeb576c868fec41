/**
 * CloudWatch statistics over aggregates, pure: no clock, no I/O. An aggregate is what CloudWatch
 * keeps per resolution slot and per period: SampleCount, Sum, Minimum, Maximum, plus (when the
 * data allow it) the distribution of raw values for percentiles.
 *
 * Percentiles follow CloudWatch's documented rules
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Percentiles):
 * they exist only when raw values were published; a statistic set counts as raw values only when
 * Minimum = Maximum and Sum = Minimum × SampleCount; and no percentile is offered once any value
 * in the period is negative.
 */

export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export type Statistic = (typeof STATISTICS)[number];

/** `pNN` or `pNN.NN` (CloudWatch allows up to two decimals), 0 ≤ NN ≤ 100. */
const PERCENTILE = /^p(\d{1,3}(?:\.\d{1,2})?)$/;

/** Beyond this many distinct values in one aggregate, values are kept on a log scale (≤ 0.5 % off). */
const DEFAULT_MAX_DISTINCT_VALUES = 512;
const LOG_STEP = Math.log(1.01);

export interface Aggregate {
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
  /** value → count, or null when percentiles are unavailable for this data (see above). */
  values: Map<number, number> | null;
  /** Whether `values` holds log-scale representatives rather than exact values. */
  quantized: boolean;
}

export function isStatistic(name: string): name is Statistic {
  return (STATISTICS as readonly string[]).includes(name);
}

/** The percentile of a `pNN` name, or undefined when it is not one. */
export function percentileOf(name: string): number | undefined {
  const m = PERCENTILE.exec(name);
  if (!m) return undefined;
  const p = Number(m[1]);
  return p <= 100 ? p : undefined;
}

/** Period boundaries: CloudWatch aggregates into periods that start at multiples of the period since the epoch. */
export function alignDown(ms: number, periodSeconds: number): number {
  const p = periodSeconds * 1000;
  return Math.floor(ms / p) * p;
}

export function emptyAggregate(): Aggregate {
  return { sampleCount: 0, sum: 0, minimum: Infinity, maximum: -Infinity, values: new Map(), quantized: false };
}

/** Add `count` occurrences of `value`. */
export function addValue(agg: Aggregate, value: number, count = 1, maxDistinct = DEFAULT_MAX_DISTINCT_VALUES): void {
  if (count <= 0) return;
  agg.sampleCount += count;
  agg.sum += value * count;
  agg.minimum = Math.min(agg.minimum, value);
  agg.maximum = Math.max(agg.maximum, value);
  recordValue(agg, value, count, maxDistinct);
}

/** Add a pre-aggregated statistic set (PutMetricData StatisticValues). */
export function addStatisticSet(
  agg: Aggregate,
  set: { sampleCount: number; sum: number; minimum: number; maximum: number },
  maxDistinct = DEFAULT_MAX_DISTINCT_VALUES,
): void {
  agg.sampleCount += set.sampleCount;
  agg.sum += set.sum;
  agg.minimum = Math.min(agg.minimum, set.minimum);
  agg.maximum = Math.max(agg.maximum, set.maximum);
  const uniform = set.minimum === set.maximum && nearlyEqual(set.sum, set.minimum * set.sampleCount);
  if (uniform) recordValue(agg, set.minimum, set.sampleCount, maxDistinct);
  else agg.values = null;
}

/** Fold `from` into `into` (periods made of several resolution slots). */
export function mergeAggregate(into: Aggregate, from: Aggregate, maxDistinct = DEFAULT_MAX_DISTINCT_VALUES): void {
  into.sampleCount += from.sampleCount;
  into.sum += from.sum;
  into.minimum = Math.min(into.minimum, from.minimum);
  into.maximum = Math.max(into.maximum, from.maximum);
  if (!from.values || !into.values) {
    into.values = null;
    return;
  }
  if (from.quantized && !into.quantized) quantize(into);
  for (const [v, c] of from.values) recordValue(into, v, c, maxDistinct);
}

/** The value of one statistic (`Average`, …, `p99`), or undefined when CloudWatch would not offer it. */
export function statisticValue(agg: Aggregate, stat: string): number | undefined {
  if (agg.sampleCount <= 0) return undefined;
  switch (stat) {
    case 'SampleCount':
      return agg.sampleCount;
    case 'Sum':
      return agg.sum;
    case 'Average':
      return agg.sum / agg.sampleCount;
    case 'Minimum':
      return agg.minimum;
    case 'Maximum':
      return agg.maximum;
  }
  const p = percentileOf(stat);
  return p === undefined ? undefined : percentile(agg, p);
}

/**
 * Nearest-rank percentile: the smallest value v such that at least p % of the samples are ≤ v.
 * Clamped to [Minimum, Maximum] so log-scale representatives never leave the observed range.
 */
export function percentile(agg: Aggregate, p: number): number | undefined {
  if (!agg.values || agg.values.size === 0) return undefined;
  const entries = [...agg.values.entries()].sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((n, [, c]) => n + c, 0);
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [value, count] of entries) {
    seen += count;
    if (seen >= rank) return Math.min(agg.maximum, Math.max(agg.minimum, value));
  }
  return agg.maximum;
}

function recordValue(agg: Aggregate, value: number, count: number, maxDistinct: number): void {
  if (!agg.values) return;
  if (value < 0) {
    agg.values = null;
    return;
  }
  const key = agg.quantized ? representative(value) : value;
  agg.values.set(key, (agg.values.get(key) ?? 0) + count);
  if (!agg.quantized && agg.values.size > maxDistinct) quantize(agg);
}

/** Switch to log-scale representatives (a bounded number of keys per decade: memory stays bounded). */
function quantize(agg: Aggregate): void {
  if (!agg.values) return;
  const old = agg.values;
  agg.values = new Map();
  agg.quantized = true;
  for (const [v, c] of old) {
    const key = representative(v);
    agg.values.set(key, (agg.values.get(key) ?? 0) + c);
  }
}

function representative(value: number): number {
  if (value === 0) return 0;
  return Math.exp(Math.round(Math.log(value) / LOG_STEP) * LOG_STEP);
}

function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
