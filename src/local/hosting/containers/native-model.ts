/**
 * A model loaded from the files of its model.tar.gz, ready to answer: the native equivalent of
 * what the linear-learner and scikit-learn containers hold in memory after loading.
 *
 * Memory accounting (what the multi-model cache counts against the instance's memory): the bytes
 * of the model's own arrays (Float64Array weights and bias; 8 bytes a number for the
 * preprocessor's statistics, 2 a character for its names and categories) plus a fixed 1 KiB for
 * the objects around them. The host adds a per-model overhead on top (modelOverheadBytes) that
 * stands for what a real model server spends per loaded model; see endpoint-host.ts.
 */
import {
  LINEAR_LEARNER_ARTIFACT_FILE,
  PREPROCESSOR_ARTIFACT_FILE,
  parseArtifact,
} from '../../../algorithms/artifact.js';
import { ArtifactError } from '../../../algorithms/errors.js';
import { invokeLinearLearner } from '../../../algorithms/linear-learner/predict.js';
import { invokePreprocessor, type PreprocessorModel } from '../../../algorithms/preprocessor.js';
import type { AlgorithmId } from '../../jobs/algorithms.js';
import type { ModelFile } from '../../../formats/model-tar.js';
import { serveXGBoost } from './xgboost.js';

export interface NativeModel {
  readonly algorithm: AlgorithmId;
  /** Measured/estimated bytes of the loaded model (without the host's per-model overhead). */
  readonly sizeBytes: number;
  invoke(
    body: string,
    contentType: string | undefined,
    accept: string | undefined,
  ): { body: string; contentType: string };
}

const OBJECT_OVERHEAD_BYTES = 1024;

function preprocessorBytes(model: PreprocessorModel): number {
  let bytes = model.numeric.length * 4 * 8;
  for (const c of model.numeric) bytes += c.name.length * 2;
  for (const c of model.categorical) bytes += c.name.length * 2 + c.categories.reduce((n, x) => n + x.length * 2, 0);
  return bytes;
}

export interface LoadOptions {
  /** Served by the image's multi-model server (XGBoost answers differently there). */
  multiModel?: boolean;
  /** The container's Environment (XGBoost reads SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT, SAGEMAKER_INFERENCE_ENSEMBLE). */
  environment?: Readonly<Record<string, string>>;
}

/**
 * Throws ArtifactError when the archive does not hold a model of this container's algorithm.
 * An XGBoost model counts the bytes of its trees' arrays (modelByteSize: what grows with the
 * trees, including the packed copy scoring uses) plus the same fixed 1 KiB.
 */
export function loadNativeModel(
  algorithm: AlgorithmId,
  files: readonly ModelFile[],
  options: LoadOptions = {},
): NativeModel {
  if (algorithm === 'xgboost') {
    const served = serveXGBoost(files, options.multiModel ? 'multi-model' : 'single-model', options.environment ?? {});
    return {
      algorithm,
      sizeBytes: served.sizeBytes + OBJECT_OVERHEAD_BYTES,
      invoke: (body, contentType, accept) => served.invoke(body, contentType, accept),
    };
  }
  const wanted = algorithm === 'linear-learner' ? LINEAR_LEARNER_ARTIFACT_FILE : PREPROCESSOR_ARTIFACT_FILE;
  const file = files.find((f) => f.name === wanted);
  if (!file) {
    throw new ArtifactError(
      `The model archive has no ${wanted} (files: ${files.map((f) => f.name).join(', ') || 'none'}); was it trained by a ${algorithm} job?`,
    );
  }
  const artifact = parseArtifact(file.data);
  if (artifact.kind === 'linear-learner' && algorithm === 'linear-learner') {
    const model = artifact.model;
    return {
      algorithm,
      sizeBytes: model.weights.byteLength + model.bias.byteLength + OBJECT_OVERHEAD_BYTES,
      invoke: (body, contentType, accept) => invokeLinearLearner(model, body, contentType, accept),
    };
  }
  if (artifact.kind === 'sklearn-preprocessor' && algorithm === 'sklearn-preprocessor') {
    const model = artifact.model;
    return {
      algorithm,
      sizeBytes: preprocessorBytes(model) + OBJECT_OVERHEAD_BYTES,
      invoke: (body, contentType, accept) => invokePreprocessor(model, body, contentType, accept),
    };
  }
  throw new ArtifactError(`The model archive holds a ${artifact.kind} model, but the container runs ${algorithm}`);
}
