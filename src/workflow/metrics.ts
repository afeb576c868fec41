/**
 * The endpoint's multi-model metrics, read back from CloudWatch with GetMetricData (the same
 * request on AWS and on the local cloud). Query building is pure and exported for tests;
 * `fetchMetrics` is the only part that talks to the target.
 *
 * What SageMaker publishes (docs/aws-behaviour.md#metrics), all with the dimensions
 * EndpointName + VariantName; CloudWatch matches dimension sets exactly, so both are needed:
 *   /aws/sagemaker/Endpoints  LoadedModelCount, MemoryUtilization, CPUUtilization, DiskUtilization
 *   AWS/SageMaker             Invocations, ModelLatency, ModelCacheHit (its Average is the hit
 *                             ratio), ModelLoadingTime, ModelDownloadingTime, ModelLoadingWaitTime…
 *
 * Resolution: SageMaker publishes 1-minute data, so on AWS a period under 60 s shows nothing
 * finer. The local cloud stores its endpoint metrics at 1 s (local/hosting/metrics.ts), so a
 * local experiment that lasts seconds can be charted with --period 1, 5 or 10.
 */
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ExitCode, MmeError, UsageError, fromAwsError } from '../errors.js';
import { describeEndpoint } from './endpoint-waiter.js';
import { VARIANT_NAME } from './endpoint-requests.js';
import { NAMESPACE_ENDPOINTS, NAMESPACE_SAGEMAKER, type MetricUnit } from '../aws-names/metrics.js';

export interface MetricDefinition {
  name: string;
  namespace: string;
  unit: MetricUnit;
  /** The statistic shown unless `Name:Stat` asks for another. */
  stat: string;
}

const endpoints = (name: string, unit: MetricUnit, stat = 'Average'): MetricDefinition => ({
  name,
  namespace: NAMESPACE_ENDPOINTS,
  unit,
  stat,
});
const sagemaker = (name: string, unit: MetricUnit, stat = 'Average'): MetricDefinition => ({
  name,
  namespace: NAMESPACE_SAGEMAKER,
  unit,
  stat,
});

/** Every metric `mme metrics` knows, with its namespace, unit and usual statistic. */
export const KNOWN_METRICS: readonly MetricDefinition[] = [
  endpoints('LoadedModelCount', 'None'),
  endpoints('MemoryUtilization', 'Percent'),
  sagemaker('ModelCacheHit', 'None'),
  sagemaker('Invocations', 'None', 'Sum'),
  sagemaker('ModelLatency', 'Microseconds'),
  sagemaker('ModelLoadingTime', 'Microseconds'),
  sagemaker('ModelDownloadingTime', 'Microseconds'),
  sagemaker('ModelLoadingWaitTime', 'Microseconds'),
  endpoints('CPUUtilization', 'Percent'),
  endpoints('DiskUtilization', 'Percent'),
  sagemaker('ModelUnloadingTime', 'Microseconds'),
  sagemaker('OverheadLatency', 'Microseconds'),
  sagemaker('InvocationsPerInstance', 'None', 'Sum'),
  sagemaker('Invocation4XXErrors', 'None', 'Sum'),
  sagemaker('Invocation5XXErrors', 'None', 'Sum'),
];

/** What `mme metrics` shows without --metric: the cache and its costs. */
export const DEFAULT_METRICS = KNOWN_METRICS.slice(0, 8).map((m) => m.name);

const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];

/** `LoadedModelCount` or `ModelLatency:p99`: a known metric and a statistic CloudWatch accepts. */
export function resolveMetric(spec: string): MetricDefinition {
  const [name, stat] = spec.split(':').map((s) => s.trim());
  const known = KNOWN_METRICS.find((m) => m.name.toLowerCase() === name!.toLowerCase());
  if (!known)
    throw new UsageError(`unknown metric '${name}'`, `Known metrics: ${KNOWN_METRICS.map((m) => m.name).join(', ')}.`);
  if (stat === undefined || stat === '') return known;
  const canonical =
    STATISTICS.find((s) => s.toLowerCase() === stat.toLowerCase()) ??
    (/^p\d{1,2}(\.\d+)?$/i.test(stat) ? stat.toLowerCase() : undefined);
  if (!canonical)
    throw new UsageError(
      `unknown statistic '${stat}' for ${known.name}`,
      `Use one of ${STATISTICS.join(', ')} or a percentile such as p99.`,
    );
  return { ...known, stat: canonical };
}

/** CloudWatch's rule for periods: 1, 5, 10, 30 (high resolution) or a multiple of 60 seconds. */
export function isValidPeriod(seconds: number): boolean {
  return Number.isInteger(seconds) && seconds > 0 && ([1, 5, 10, 30].includes(seconds) || seconds % 60 === 0);
}

export function checkPeriod(seconds: number): number {
  if (!isValidPeriod(seconds))
    throw new UsageError(
      `--period ${seconds} is not a CloudWatch period`,
      'Use 1, 5, 10, 30 or a multiple of 60 (seconds).',
    );
  return seconds;
}

/** The smallest valid period of at least `minimum` seconds that fits `span` into `columns` datapoints. */
export function periodFor(spanSeconds: number, minimum: number, columns = 60): number {
  const candidates = [1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 21_600, 86_400];
  return candidates.find((p) => p >= minimum && spanSeconds / p <= columns) ?? 86_400;
}

export interface MetricWindow {
  endpoint: string;
  variant: string;
  start: Date;
  end: Date;
  period: number;
}

/** One GetMetricData query per metric, ids m0, m1, … in order. */
export function metricQueries(
  metrics: readonly MetricDefinition[],
  w: Pick<MetricWindow, 'endpoint' | 'variant' | 'period'>,
): MetricDataQuery[] {
  return metrics.map((m, i) => ({
    Id: `m${i}`,
    Label: `${m.name} ${m.stat}`,
    MetricStat: {
      Metric: {
        Namespace: m.namespace,
        MetricName: m.name,
        Dimensions: [
          { Name: 'EndpointName', Value: w.endpoint },
          { Name: 'VariantName', Value: w.variant },
        ],
      },
      Period: w.period,
      Stat: m.stat,
    },
    ReturnData: true,
  }));
}

interface MetricPoint {
  timestamp: Date;
  value: number;
}

export interface MetricSeriesData extends MetricDefinition {
  period: number;
  /** Oldest first; only periods that hold data, as CloudWatch answers. */
  points: MetricPoint[];
}

/** The charts' data: what `mme metrics` prints or returns with --json. */
export interface MetricsResult {
  endpoint: string;
  variant: string;
  start: Date;
  end: Date;
  period: number;
  series: MetricSeriesData[];
}

/** GetMetricData over the window, following NextToken, each series oldest first. */
export async function fetchMetrics(
  cw: Pick<CloudWatchClient, 'send'>,
  metrics: readonly MetricDefinition[],
  w: MetricWindow,
): Promise<MetricSeriesData[]> {
  const series = metrics.map((m): MetricSeriesData => ({ ...m, period: w.period, points: [] }));
  // GetMetricData takes at most 500 queries per request.
  for (let from = 0; from < metrics.length; from += 500) {
    const queries = metricQueries(metrics.slice(from, from + 500), w);
    let token: string | undefined;
    do {
      let page;
      try {
        page = await cw.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: w.start,
            EndTime: w.end,
            ScanBy: 'TimestampAscending',
            NextToken: token,
          }),
        );
      } catch (err) {
        throw fromAwsError(err, `reading metrics of endpoint ${w.endpoint} from CloudWatch`);
      }
      for (const r of page.MetricDataResults ?? []) {
        const target = series[from + Number(r.Id!.slice(1))]!;
        (r.Timestamps ?? []).forEach((t, i) => target.points.push({ timestamp: new Date(t), value: r.Values![i]! }));
      }
      token = page.NextToken;
    } while (token);
  }
  for (const s of series) s.points.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  return series;
}

/**
 * The variant to ask for: the endpoint's first production variant, or AllTraffic (what `mme
 * deploy` names it) when the endpoint is gone: its metrics outlive it in CloudWatch.
 */
export async function endpointVariant(
  sm: Pick<SageMakerClient, 'send'>,
  endpoint: string,
): Promise<{ variant: string; exists: boolean; variants: string[] }> {
  const d = await describeEndpoint(sm, endpoint);
  const variants = (d?.ProductionVariants ?? []).map((v) => v.VariantName!).filter(Boolean);
  return { variant: variants[0] ?? VARIANT_NAME, exists: d !== undefined, variants };
}

/** Say clearly when nothing came back: the usual causes differ by target. */
export function noDatapointsError(w: MetricWindow, target: 'aws' | 'local'): MmeError {
  return new MmeError(
    'NoDatapoints',
    `CloudWatch has no datapoints for endpoint ${w.endpoint} (variant ${w.variant}) in the window asked`,
    {
      exitCode: ExitCode.NotFound,
      hint:
        target === 'aws'
          ? 'SageMaker publishes endpoint metrics every minute and they take 1-3 minutes to appear; invoke the endpoint and retry, or widen --since.'
          : 'Invoke the endpoint first (mme invoke, mme experiment cache); the local cloud forwards metrics every 5 s.',
    },
  );
}
