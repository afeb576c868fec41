/**
 * Which container images the local cloud can run, and as what. It runs no containers: it
 * recognises the images of the reference workflow and runs their native equivalents.
 *
 * - The real ECR images, from any registry account and region (the tables of the SageMaker
 *   Python SDK list 30+ accounts; the repository name is what identifies the algorithm), as
 *   src/aws-names/image-uris.ts reads them:
 *     {account}.dkr.ecr.{region}.amazonaws.com[.cn]/linear-learner:1
 *     {account}.dkr.ecr.{region}.amazonaws.com[.cn]/sagemaker-scikit-learn:{version}-cpu-py3
 *     {account}.dkr.ecr.{region}.amazonaws.com[.cn]/sagemaker-xgboost:{1.2-1 … 1.7-1 | 0.90-1-cpu-py3 …}
 *     {account}.dkr.ecr.{region}.amazonaws.com[.cn]/{knn,randomcutforest}:1
 *   A known repository with a tag it has no image for is not runnable: the message lists the tags.
 * - Short local aliases, for users of the local cloud alone: mme/linear-learner,
 *   mme/sklearn-preprocessor, mme/xgboost, mme/knn, mme/rcf (any tag, or none).
 *
 * Used by the SageMaker service (jobs, models) and by hosting (container plans) alike.
 */
import { imageUriPattern, parseImageUri, type ImageAlgorithm } from '../../aws-names/image-uris.js';
import { ServiceError } from '../service-error.js';
import type { AlgorithmId } from './algorithms.js';

/** The native algorithm that stands in for each image of the table. */
const NATIVE: Record<ImageAlgorithm, AlgorithmId> = {
  'linear-learner': 'linear-learner',
  sklearn: 'sklearn-preprocessor',
  xgboost: 'xgboost',
  knn: 'knn',
  randomcutforest: 'rcf',
};

const LOCAL_ALIASES: Record<string, AlgorithmId> = {
  'mme/linear-learner': 'linear-learner',
  'mme/sklearn-preprocessor': 'sklearn-preprocessor',
  'mme/xgboost': 'xgboost',
  'mme/knn': 'knn',
  'mme/rcf': 'rcf',
};

const SUPPORTED_IMAGES_TEXT = [
  ...(Object.keys(NATIVE) as ImageAlgorithm[]).map(imageUriPattern),
  ...Object.keys(LOCAL_ALIASES),
].join(', ');

/** The algorithm an image runs, or undefined if the local cloud cannot run it. */
export function algorithmForImage(image: string): AlgorithmId | undefined {
  const name = withoutTag(image);
  if (name in LOCAL_ALIASES) return LOCAL_ALIASES[name];
  const parsed = parseImageUri(image);
  return parsed && NATIVE[parsed.algorithm];
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
