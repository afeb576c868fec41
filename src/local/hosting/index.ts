/**
 * Hosting: the endpoint host (data plane of SageMaker endpoints) and what it is made of.
 * The SageMaker control plane deploys endpoints here; SageMaker Runtime invokes them.
 */
export { EndpointHost, type EndpointHostOptions, type EndpointSpec } from './endpoint-host.js';
export type { ContainerDefinition } from './containers/index.js';
export { knownInstanceTypes } from './instance-types.js';
export { MetricsRecorder } from './metrics.js';

/** A HostLogger over a line logger such as the daemon's `log(line)`. */
export function lineLogger(log: (line: string) => void): import('./instance.js').HostLogger {
  return { info: (m) => log(`hosting: ${m}`), warn: (m) => log(`hosting: warning: ${m}`) };
}
