/**
 * Container image URIs of the workflow's jobs and models, as the SageMaker Python SDK's
 * `image_uris.retrieve` builds them: `{account}.dkr.ecr.{region}.amazonaws.com/{repo}:{tag}`,
 * with the DNS suffix of the region's partition (`.amazonaws.com.cn` in China, `.c2s.ic.gov` in
 * us-iso-*, ...: src/aws-names/partitions.ts). Pure: the tables are in
 * image-uri-table.ts.
 *
 * The same URIs go to both targets: the local cloud accepts the real ECR URIs and runs its native
 * equivalent of each image (src/local/services/sagemaker/images.ts), so a request that works
 * locally is the request AWS gets.
 */
import { ConfigError, UsageError } from '../errors.js';
import { LINEAR_LEARNER, SKLEARN } from './image-uri-table.js';
import { partitionOf } from '../aws-names/partitions.js';

export type ImageAlgorithm = 'linear-learner' | 'sklearn';
/** Training jobs and models (hosting, batch transform) may support different framework versions. */
export type ImageScope = 'training' | 'inference';

/**
 * 1.2-1: the newest version in BOTH the training and the inference lists (1.4-2 trains but
 * cannot serve), and the preprocessor's model is served by the same image it was trained with.
 */
export const DEFAULT_SKLEARN_VERSION = '1.2-1';

export function supportedRegions(algorithm: ImageAlgorithm): string[] {
  return Object.keys(registries(algorithm)).sort();
}

export function sklearnVersions(scope: ImageScope): readonly string[] {
  return SKLEARN.versions[scope];
}

/**
 * The image URI of `algorithm` in `region`. `version` is the scikit-learn framework version
 * (ignored for linear-learner, which has the one tag "1"). Throws a ConfigError for a region
 * without the image (the region comes from configuration) and a UsageError for an unknown version.
 */
export function imageUri(algorithm: ImageAlgorithm, region: string, version?: string, scope: ImageScope = 'training'): string {
  const account = registries(algorithm)[region];
  if (account === undefined) {
    throw new ConfigError(
      `the ${algorithm} image is not published in region '${region}'`,
      `Supported regions: ${supportedRegions(algorithm).join(', ')}.`,
    );
  }
  const host = `${account}.dkr.ecr.${region}.${partitionOf(region).dnsSuffix}`;
  if (algorithm === 'linear-learner') return `${host}/${LINEAR_LEARNER.repository}:${LINEAR_LEARNER.tag}`;

  const v = version ?? DEFAULT_SKLEARN_VERSION;
  const known = sklearnVersions(scope);
  if (!known.includes(v)) {
    throw new UsageError(
      `scikit-learn version '${v}' has no ${scope} image`,
      `Use one of: ${known.join(', ')} (default ${DEFAULT_SKLEARN_VERSION}).`,
    );
  }
  return `${host}/${SKLEARN.repository}:${SKLEARN.tagFormat.replace('{version}', v)}`;
}

/**
 * The preprocessor's training image and its serving image (batch transform, the pipeline's first
 * container). Checked together, before any job starts: a version that trains but cannot serve
 * would otherwise fail only after the training job has run.
 */
export function sklearnImages(region: string, version = DEFAULT_SKLEARN_VERSION): { training: string; inference: string } {
  return { training: imageUri('sklearn', region, version, 'training'), inference: imageUri('sklearn', region, version, 'inference') };
}

function registries(algorithm: ImageAlgorithm): Readonly<Record<string, string>> {
  return algorithm === 'linear-learner' ? LINEAR_LEARNER.registries : SKLEARN.registries;
}
