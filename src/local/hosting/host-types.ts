/**
 * The endpoint host's public shapes: what the control plane deploys (EndpointSpec), what the
 * runtime asks (InvokeRequest) and gets (InvokeResult), what DescribeEndpoint and `mme` read
 * (EndpointStatus, in src/formats/endpoint-status.ts), and the host's options.
 */
import type { EvictionPolicy, PolicyName } from '../../algorithms/cache/index.js';
import type { VariantSpec } from './deployment.js';
import type { InstanceOverrides } from './instance-types.js';
import type { HostLogger } from './instance.js';
import type { MetricsRecorder } from './metrics.js';

export interface EndpointSpec {
  name: string;
  /** arn:aws:sagemaker:{region}:{account}:endpoint/{lower-cased name} */
  arn: string;
  variants: VariantSpec[];
}

/**
 * Where instances write their containers' lines: CloudWatch Logs' log-event store on the local
 * cloud (group /aws/sagemaker/Endpoints/{endpoint}; docs/aws-behaviour.md#logs).
 */
export interface ContainerLogSink {
  put(group: string, stream: string, messages: readonly string[]): void;
}

export interface EndpointHostOptions {
  /** Where instances keep their downloaded models; default a fresh temp dir removed on close. */
  workDir?: string;
  now?: () => Date;
  /** Milliseconds from a monotonic clock (latencies). */
  monotonicMs?: () => number;
  /** [0, 1): variant choice by weight. */
  random?: () => number;
  instanceIds?: () => string;
  logger?: HostLogger;
  /** The containers' log lines (model loads and unloads, invocation errors); none when omitted. */
  containerLogs?: ContainerLogSink;
  /** Memory/disk bytes of every instance, instead of its type's (experiments). */
  instance?: InstanceOverrides;
  modelOverheadBytes?: number;
  cacheMemoryFraction?: number;
  /** How long a request waits for a multi-model load before ModelNotReadyException (AWS: 60 s). */
  modelLoadWaitLimitMs?: number;
  /**
   * The memory tier's eviction policy: a name ('lru', the default and SageMaker's; 'gdsf', 'sieve',
   * 'lfu', 'fifo') or a factory (one policy per instance).
   */
  evictionPolicy?: PolicyName | (() => EvictionPolicy);
  metrics?: MetricsRecorder;
  /** Test hook: runs before each model download. */
  beforeDownload?: (bucket: string, key: string) => Promise<void> | void;
}

export interface InvokeRequest {
  endpointName: string;
  body: Buffer;
  contentType?: string;
  accept?: string;
  targetModel?: string;
  targetVariant?: string;
  customAttributes?: string;
  /** The caller's account and region (endpoints are per account), and the request id. */
  accountId: string;
  region: string;
  requestId: string;
}

export interface InvokeResult {
  body: Buffer;
  contentType: string;
  invokedProductionVariant: string;
  customAttributes?: string;
}
