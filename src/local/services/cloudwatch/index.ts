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
import { serveOperations, type Operation, type OperationTable } from '../../protocols/operations.js';
import type { LocalService } from '../../service.js';
import { getMetricData } from './get-metric-data.js';
import { getMetricStatistics } from './get-metric-statistics.js';
import { listMetrics } from './list-metrics.js';
import { MetricStore, DEFAULT_RETENTION_MS } from './metric-store.js';
import { MetricPersistence } from './persistence.js';
import { cloudWatchProtocol } from './protocol.js';
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

interface CloudWatchContext {
  metrics: MetricStore;
  now: () => Date;
}

type CloudWatchOperation = Operation<CloudWatchContext, Input, Input, object>;

/** CloudWatch's operations, the same in both protocols. */
const OPERATIONS: OperationTable<CloudWatchContext, Input, object> = {
  PutMetricData: {
    action: 'cloudwatch:PutMetricData',
    resource: (_ctx, input) => ({
      arn: '*',
      context: { 'cloudwatch:namespace': typeof input.Namespace === 'string' ? input.Namespace : undefined },
    }),
    run: (ctx, input) => putMetricData(input, { store: ctx.metrics, now: ctx.now }),
  } satisfies CloudWatchOperation,
  GetMetricStatistics: {
    action: 'cloudwatch:GetMetricStatistics',
    resource: () => '*',
    run: (ctx, input) => getMetricStatistics(input, ctx.metrics),
  } satisfies CloudWatchOperation,
  GetMetricData: {
    action: 'cloudwatch:GetMetricData',
    resource: () => '*',
    run: (ctx, input) => getMetricData(input, ctx.metrics),
  } satisfies CloudWatchOperation,
  ListMetrics: {
    action: 'cloudwatch:ListMetrics',
    resource: () => '*',
    run: (ctx, input) => listMetrics(input, ctx.metrics),
  } satisfies CloudWatchOperation,
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

  const context: CloudWatchContext = { metrics, now };
  return {
    ...serveOperations({
      id: 'monitoring',
      protocol: cloudWatchProtocol,
      operations: OPERATIONS,
      context: () => context,
      unknownOperation: (name) => notImplementedError('monitoring', `the CloudWatch operation ${name}`),
    }),
    metrics,
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
