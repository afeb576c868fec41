/**
 * Hosting: the endpoint host (data plane of SageMaker endpoints) and what it is made of.
 * The SageMaker control plane deploys endpoints here; SageMaker Runtime invokes them.
 */
export {
  EndpointHost,
  type EndpointHostOptions, type EndpointSpec, type InvokeRequest, type InvokeResult,
} from './endpoint-host.js';
export type { VariantSpec } from './deployment.js';
export type { ContainerDefinition } from './containers/index.js';
export { planContainers, MAX_PIPELINE_CONTAINERS } from './containers/index.js';
export { createPolicy, POLICY_NAMES, type EvictionPolicy, type PolicyName } from '../../algorithms/cache/index.js';
export { instanceResources, knownInstanceTypes, DEFAULT_DISK_BYTES, type InstanceResources } from './instance-types.js';
export type { HostLogger } from './instance.js';
export {
  MetricsRecorder,
  type Datapoint, type FlushedValue, type MetricSeries, type MetricSink, type MetricsSnapshot, type StatisticSet,
} from './metrics.js';
export { validateTargetModel, TARGET_MODEL_MAX_LENGTH } from './target-model.js';
export { logGroupArn } from './errors.js';

/** A HostLogger over a line logger such as the daemon's `log(line)`. */
export function lineLogger(log: (line: string) => void): import('./instance.js').HostLogger {
  return { info: (m) => log(`hosting: ${m}`), warn: (m) => log(`hosting: warning: ${m}`) };
}
