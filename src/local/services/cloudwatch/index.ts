/**
 * The local cloud's CloudWatch metrics (service id and SigV4 name `monitoring`): PutMetricData,
 * GetMetricStatistics, GetMetricData and ListMetrics, in both of CloudWatch's protocols (see
 * protocol.ts). Its MetricStore is also reachable directly (`service.metrics`): the endpoint host
 * publishes AWS/SageMaker and /aws/sagemaker/Endpoints metrics through it every period, exactly
 * as AWS services publish theirs (PutMetricData refuses "AWS/" namespaces from callers).
 *
 * Authorization: CloudWatch's metric actions take no resource ARN (the Service Authorization
 * Reference lists "*"); PutMetricData carries the `cloudwatch:namespace` condition key.
 */
import { notImplementedError } from '../../protocols/index.js';
import type { LocalService } from '../../service.js';
import { getMetricData } from './get-metric-data.js';
import { getMetricStatistics } from './get-metric-statistics.js';
import { listMetrics } from './list-metrics.js';
import { MetricStore, DEFAULT_RETENTION_MS } from './metric-store.js';
import { MetricPersistence } from './persistence.js';
import { cloudWatchProtocol, decodeRequest, encodeResponse } from './protocol.js';
import { putMetricData } from './put-metric-data.js';
import type { Input } from './wire.js';

export { MetricStore } from './metric-store.js';

export interface CloudWatchServiceOptions {
  /** Where recent metrics are persisted (`{stateDir}/cloudwatch`); in memory only when omitted. */
  dir?: string;
  now?: () => Date;
  /** How long datapoints are kept, in milliseconds (default 3 hours). */
  retention?: number;
  maxSeries?: number;
  maxSlots?: number;
  /** How often a changed store is saved to `dir` (default one minute). */
  flushIntervalMs?: number;
  log?: (line: string) => void;
}

export interface CloudWatchService extends LocalService {
  readonly metrics: MetricStore;
  /** Load persisted metrics and start periodic saving (no-op without `dir`). */
  open(): Promise<void>;
  /** Save now if anything changed (no-op without `dir`). */
  flush(): Promise<void>;
  /** Stop saving periodically and save one last time. */
  close(): Promise<void>;
}

type Operation = (input: Input, ctx: { metrics: MetricStore; now: () => Date }) => object;

const OPERATIONS: Readonly<Record<string, Operation>> = {
  PutMetricData: (input, ctx) => putMetricData(input, { store: ctx.metrics, now: ctx.now }),
  GetMetricStatistics: (input, ctx) => getMetricStatistics(input, ctx.metrics),
  GetMetricData: (input, ctx) => getMetricData(input, ctx.metrics),
  ListMetrics: (input, ctx) => listMetrics(input, ctx.metrics),
};

export function createCloudWatchService(options: CloudWatchServiceOptions = {}): CloudWatchService {
  const now = options.now ?? (() => new Date());
  const metrics = new MetricStore({
    now,
    retentionMs: options.retention ?? DEFAULT_RETENTION_MS,
    maxSeries: options.maxSeries,
    maxSlots: options.maxSlots,
  });
  const persistence = options.dir ? new MetricPersistence(options.dir, metrics, now) : undefined;
  const log = options.log ?? (() => {});

  return {
    id: 'monitoring',
    protocol: cloudWatchProtocol,
    metrics,
    async handle(call) {
      const { protocol, operation, input } = decodeRequest(call.request);
      const run = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
      if (!run) throw notImplementedError('monitoring', `the CloudWatch operation ${operation}`);
      const namespace = typeof input.Namespace === 'string' ? input.Namespace : undefined;
      call.authorize(
        `cloudwatch:${operation}`,
        '*',
        operation === 'PutMetricData' ? { 'cloudwatch:namespace': namespace } : {},
      );
      return encodeResponse(protocol, operation, run(input, { metrics, now }), call.requestId);
    },
    async open() {
      if (!persistence) return;
      await persistence.load();
      persistence.start(options.flushIntervalMs ?? 60_000, (err) =>
        log(`cloudwatch: saving metrics failed: ${String(err)}`),
      );
    },
    async flush() {
      await persistence?.flush();
    },
    async close() {
      persistence?.stop();
      await persistence?.flush();
    },
  };
}
