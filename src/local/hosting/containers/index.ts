/**
 * Container plans: each ContainerDefinition of a model checked once at deployment and turned into
 * what every instance builds its containers from. The image decides the algorithm, with the same
 * table the SageMaker service uses for jobs (jobs/images.ts); Mode decides single or multi-model.
 */
import { requireRunnableImage } from '../../jobs/images.js';
import type { AlgorithmId } from '../../jobs/algorithms.js';
import { parseS3Uri, type S3Location } from '../../../aws-names/s3-uri.js';
import { ServiceError } from '../../service-error.js';
import type { ContainerDefinition } from './container.js';

export type { Container, ContainerDefinition, ContainerResponse, InvocationContext } from './container.js';
export { MultiModelContainer } from './multi-model.js';
export { type NativeModel } from './native-model.js';
export { DeployFailure, SingleModelContainer } from './single-model.js';

const MAX_PIPELINE_CONTAINERS = 15;

export type ContainerPlan =
  | {
      mode: 'SingleModel';
      name: string;
      position: number;
      algorithm: AlgorithmId;
      environment: Record<string, string>;
      modelDataUrl: string;
      logName?: string;
    }
  | {
      mode: 'MultiModel';
      name: string;
      position: number;
      algorithm: AlgorithmId;
      environment: Record<string, string>;
      prefix: S3Location;
      cacheEnabled: boolean;
      logName?: string;
    };

const invalid = (message: string) => new ServiceError('ValidationException', message);

/**
 * Check a model's containers (1 = PrimaryContainer, 2–15 = serial inference pipeline, at most one
 * MultiModel) and plan them. Errors are ValidationExceptions for the control plane to pass on.
 */
export function planContainers(definitions: readonly ContainerDefinition[], where: string): ContainerPlan[] {
  if (definitions.length === 0) throw invalid(`${where} has no containers.`);
  if (definitions.length > MAX_PIPELINE_CONTAINERS) {
    throw invalid(
      `${where} has ${definitions.length} containers; an inference pipeline has at most ${MAX_PIPELINE_CONTAINERS}.`,
    );
  }
  if (definitions.filter((d) => d.Mode === 'MultiModel').length > 1) {
    // SageMaker: "More than one container in MultiModel mode is not supported with inference pipeline."
    throw invalid('More than one container in MultiModel mode is not supported with inference pipeline.');
  }
  const pipeline = definitions.length > 1;
  return definitions.map((d, i) => {
    const position = i + 1;
    // SageMaker names a lone container "primary" in ModelError messages; pipeline containers go by
    // their hostname, which it assigns from the position when none is given (form not verified).
    const name = pipeline ? (d.ContainerHostname ?? `container_${position}`) : 'primary';
    // A pipeline container's log stream ends in its hostname, or container-N (docs/aws-behaviour.md#logs).
    const logName = pipeline ? (d.ContainerHostname ?? `container-${position}`) : undefined;
    const algorithm = requireRunnableImage(d.Image, `container ${position} of ${where}`);
    const environment = { ...(d.Environment ?? {}) };
    if (!d.ModelDataUrl)
      throw invalid(
        `Container ${position} of ${where} has no ModelDataUrl; the local cloud's containers need model data.`,
      );
    if (d.Mode === 'MultiModel') {
      const prefix = parseS3Uri(d.ModelDataUrl);
      if (!prefix) throw invalid(`ModelDataUrl '${d.ModelDataUrl}' of container ${position} is not an s3:// URL.`);
      const setting = d.MultiModelConfig?.ModelCacheSetting ?? 'Enabled';
      return {
        mode: 'MultiModel',
        name,
        position,
        algorithm,
        environment,
        prefix,
        cacheEnabled: setting !== 'Disabled',
        logName,
      };
    }
    return { mode: 'SingleModel', name, position, algorithm, environment, modelDataUrl: d.ModelDataUrl, logName };
  });
}
