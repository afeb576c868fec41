/**
 * A serial inference pipeline: SageMaker sends the request to the first container and each
 * container's response, with its Content-Type, becomes the next container's request; the last
 * container's response goes back to the client. A one-container model is the same with one step.
 *
 * Accept: the client's Accept goes to the last container only. An intermediate container gets the
 * SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT of its Environment if set (the variable SageMaker's
 * framework containers read), else none, i.e. its own default (application/json for the
 * preprocessor, which the linear learner reads).
 *
 * A container's error (InferenceError, or a failure to load a multi-model) becomes ModelError 424
 * naming that container; errors of the platform (ServiceError) pass through unchanged.
 */
import { AlgorithmClientError, ArtifactError, InferenceError } from '../../algorithms/errors.js';
import { ServiceError } from '../service-error.js';
import type { Container, ContainerResponse, InvocationContext } from './containers/container.js';
import { ContainerFailure, modelError } from './errors.js';

export interface ErrorScope {
  endpointName: string;
  region: string;
  accountId: string;
  /** Told the container's error, for the container's log (the instance's stream). */
  onContainerError?: (container: string, status: number, message: string) => void;
}

const INTERMEDIATE_ACCEPT = 'SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT';

/**
 * Run the containers in order. Synchronous while the containers answer synchronously (models in
 * memory: no promise, no await hop per container); from the first container that returns a
 * promise (a model loading) on, the rest runs when it settles.
 */
export function runPipeline(
  containers: readonly Container[],
  body: string,
  contentType: string | undefined,
  accept: string | undefined,
  context: InvocationContext,
  scope: ErrorScope,
  /** Where to start: after an asynchronous container, the rest continues from the next one. */
  first = 0,
): ContainerResponse | Promise<ContainerResponse> {
  let payload = body;
  let type = contentType;
  const last = containers.length - 1;
  for (let i = first; i <= last; i++) {
    const container = containers[i]!;
    const acceptHere = i === last ? accept : container.environment[INTERMEDIATE_ACCEPT];
    let out: ContainerResponse | Promise<ContainerResponse>;
    try {
      out = container.invoke(payload, type, acceptHere, context);
    } catch (err) {
      throw asModelError(err, container, scope);
    }
    if (out instanceof Promise) {
      return out.then(
        (res) => runPipeline(containers, res.body, res.contentType, accept, context, scope, i + 1),
        (err: unknown) => {
          throw asModelError(err, container, scope);
        },
      );
    }
    payload = out.body;
    type = out.contentType;
  }
  return { body: payload, contentType: type ?? 'application/octet-stream' };
}

function asModelError(err: unknown, container: Container, scope: ErrorScope): unknown {
  if (err instanceof ServiceError) return err;
  let status: number | undefined;
  if (err instanceof InferenceError) status = err.httpStatus;
  else if (err instanceof ContainerFailure) status = err.status;
  else if (err instanceof ArtifactError || err instanceof AlgorithmClientError) status = 500;
  if (status === undefined) return err;
  const message = (err as Error).message;
  scope.onContainerError?.(container.name, status, message);
  return modelError({
    status,
    message,
    container: container.name,
    endpointName: scope.endpointName,
    region: scope.region,
    accountId: scope.accountId,
  });
}
