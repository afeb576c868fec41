/**
 * Container image URIs of the workflow's jobs and models: which version, and the errors when a
 * region or version has no image. The URIs themselves, and the registries of each region, are
 * src/aws-names (image-uris.ts, image-uri-table.ts).
 *
 * The same URIs go to both targets: the local cloud accepts the real ECR URIs and runs its native
 * equivalent of each image (src/local/jobs/images.ts), so a request that works
 * locally is the request AWS gets.
 */
import { ConfigError, UsageError } from '../errors.js';
import { IMAGES } from '../aws-names/image-uri-table.js';
import { formatImageUri, imageRegistry, type ImageAlgorithm, type ImageScope } from '../aws-names/image-uris.js';

export const DEFAULT_SKLEARN_VERSION = IMAGES.sklearn.defaultVersion;

export function supportedRegions(algorithm: ImageAlgorithm): string[] {
  return Object.keys(IMAGES[algorithm].registries).sort();
}

export function sklearnVersions(scope: ImageScope): readonly string[] {
  return IMAGES.sklearn.versions[scope];
}

/**
 * The image URI of `algorithm` in `region`. `version` is the framework version (linear-learner
 * has the one version "1"; omitted, the table's default). Throws a ConfigError for a region
 * without the image (the region comes from configuration) and a UsageError for an unknown version.
 */
export function imageUri(
  algorithm: ImageAlgorithm,
  region: string,
  version?: string,
  scope: ImageScope = 'training',
): string {
  const account = imageRegistry(algorithm, region);
  if (account === undefined) {
    throw new ConfigError(
      `the ${algorithm} image is not published in region '${region}'`,
      `Supported regions: ${supportedRegions(algorithm).join(', ')}.`,
    );
  }
  const entry = IMAGES[algorithm];
  const v = version ?? entry.defaultVersion;
  const known = entry.versions[scope];
  if (!known.includes(v)) {
    throw new UsageError(
      `${entry.versionLabel} '${v}' has no ${scope} image`,
      `Use one of: ${known.join(', ')} (default ${entry.defaultVersion}).`,
    );
  }
  return formatImageUri(algorithm, account, region, v);
}

/**
 * The preprocessor's training image and its serving image (batch transform, the pipeline's first
 * container). Checked together, before any job starts: a version that trains but cannot serve
 * would otherwise fail only after the training job has run.
 */
export function sklearnImages(
  region: string,
  version = DEFAULT_SKLEARN_VERSION,
): { training: string; inference: string } {
  return {
    training: imageUri('sklearn', region, version, 'training'),
    inference: imageUri('sklearn', region, version, 'inference'),
  };
}
