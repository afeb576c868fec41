/**
 * Which container images the local cloud can run, and as what. It runs no containers: it
 * recognises the images of the reference workflow and runs their native equivalents.
 *
 * - The real ECR images, from any registry account and region (the tables of the SageMaker
 *   Python SDK list 30+ accounts; the repository name is what identifies the algorithm):
 *     {account}.dkr.ecr.{region}.amazonaws.com[.cn]/linear-learner:1
 *     {account}.dkr.ecr.{region}.amazonaws.com[.cn]/sagemaker-scikit-learn:{version}-cpu-py3
 * - Short local aliases, for users of the local cloud alone: mme/linear-learner,
 *   mme/sklearn-preprocessor (any tag, or none).
 */
import type { AlgorithmId } from '../../jobs/algorithms.js';
import { ServiceError } from '../../service-error.js';

/** scikit-learn framework versions the SageMaker Python SDK (v2.257) knows, training and inference. */
export const SKLEARN_VERSIONS = ['0.20.0', '0.23-1', '1.0-1', '1.2-1', '1.4-2'];

export const LOCAL_ALIASES: Record<string, AlgorithmId> = {
  'mme/linear-learner': 'linear-learner',
  'mme/sklearn-preprocessor': 'sklearn-preprocessor',
};

const ECR = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9._/-]+?)(?::([\w.-]+))?(?:@sha256:[0-9a-f]{64})?$/;

export const SUPPORTED_IMAGES_TEXT =
  '{account}.dkr.ecr.{region}.amazonaws.com/linear-learner:1, ' +
  `{account}.dkr.ecr.{region}.amazonaws.com/sagemaker-scikit-learn:{${SKLEARN_VERSIONS.join('|')}}-cpu-py3, ` +
  Object.keys(LOCAL_ALIASES).join(', ');

/** The algorithm an image runs, or undefined if the local cloud cannot run it. */
export function algorithmForImage(image: string): AlgorithmId | undefined {
  const name = withoutTag(image);
  if (name in LOCAL_ALIASES) return LOCAL_ALIASES[name];
  const match = ECR.exec(image);
  if (!match) return undefined;
  const repository = match[3]!;
  const ecrTag = match[4];
  if (repository === 'linear-learner' && (ecrTag === undefined || ecrTag === '1' || ecrTag === 'latest')) return 'linear-learner';
  if (repository === 'sagemaker-scikit-learn' && ecrTag !== undefined) {
    const version = ecrTag.replace(/-cpu-py3$/, '');
    if (ecrTag.endsWith('-cpu-py3') && SKLEARN_VERSIONS.includes(version)) return 'sklearn-preprocessor';
  }
  return undefined;
}

function withoutTag(image: string): string {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? image.slice(0, at) : image;
}

/** The algorithm, or a ValidationException that names what is supported. */
export function requireRunnableImage(image: string, where: string): AlgorithmId {
  const algorithm = algorithmForImage(image);
  if (!algorithm) {
    throw new ServiceError(
      'ValidationException',
      `The mme local cloud cannot run the image '${image}' (${where}). Supported images: ${SUPPORTED_IMAGES_TEXT}.`,
    );
  }
  return algorithm;
}
