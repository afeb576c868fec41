/**
 * A serving container as the endpoint host sees it: what SageMaker's platform reaches through
 * `POST /invocations` (and, for a multi-model container, the model API behind it). The local
 * cloud runs no containers; each implementation is the native equivalent of an image
 * (images.ts of the SageMaker service maps image URIs to algorithms).
 */
import type { AlgorithmId } from '../../jobs/algorithms.js';

/**
 * A container's answer. Bodies are text: the native containers read and write text, so the host
 * decodes the request's bytes once (UTF-8) and encodes the last answer once; between containers
 * the previous answer's text goes on with its Content-Type (a real `application/json` body, as
 * SageMaker passes it), without an encode/decode round trip in between.
 */
export interface ContainerResponse {
  body: string;
  contentType: string;
}

/** What one invocation carries through the pipeline, and the timings it collects on the way. */
export interface InvocationContext {
  /** Validated X-Amzn-SageMaker-Target-Model, for the MultiModel container. */
  targetModel?: string;
  /** Time inside containers (ModelLatency), microseconds. */
  modelMicros: number;
  /** Time waiting for a multi-model download and load (ModelLoadingWaitTime), microseconds. */
  loadWaitMicros: number;
  /** Set by a MultiModel container: was the model already in memory (ModelCacheHit)? */
  cacheHit?: boolean;
}

export interface Container {
  /** How errors name it: `primary` alone, the container hostname in a pipeline. */
  readonly name: string;
  readonly algorithm: AlgorithmId;
  readonly multiModel: boolean;
  readonly environment: Readonly<Record<string, string>>;
  /** Bytes the container's own model occupies (single-model containers), for MemoryUtilization. */
  readonly memoryBytes: number;
  /** Called once when the instance starts (endpoint creation): a single model loads here. */
  load?(): Promise<void>;
  /** Synchronous when it can answer at once (a model in memory): the pipeline awaits only promises. */
  invoke(
    body: string,
    contentType: string | undefined,
    accept: string | undefined,
    context: InvocationContext,
  ): ContainerResponse | Promise<ContainerResponse>;
}

/** A container definition of a SageMaker Model (ContainerDefinition), as the host needs it. */
export interface ContainerDefinition {
  Image: string;
  ModelDataUrl?: string;
  Mode?: 'SingleModel' | 'MultiModel' | string;
  Environment?: Record<string, string>;
  ContainerHostname?: string;
  MultiModelConfig?: { ModelCacheSetting?: 'Enabled' | 'Disabled' | string };
}
