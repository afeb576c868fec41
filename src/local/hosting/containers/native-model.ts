/**
 * A model loaded from the files of its model.tar.gz, ready to answer: the native equivalent of
 * what each container holds in memory after loading. Hosting (single- and multi-model) and batch
 * transform (jobs/algorithms.ts) load through here alike.
 *
 * Memory accounting (what the multi-model cache counts against the instance's memory): the bytes
 * of the model's own arrays (Float64Array weights and bias; 8 bytes a number for the
 * preprocessor's statistics, 2 a character for its names and categories; every typed array of a
 * k-NN index or a random cut forest) plus a fixed 1 KiB for the objects around them. The host
 * adds a per-model overhead on top (modelOverheadBytes) that stands for what a real model server
 * spends per loaded model; see endpoint-host.ts.
 */
import {
  LINEAR_LEARNER_ARTIFACT_FILE,
  PREPROCESSOR_ARTIFACT_FILE,
  parseArtifact,
} from '../../../algorithms/artifact.js';
import { ArtifactError } from '../../../algorithms/errors.js';
import { invokeKnn, KNN_METADATA_FILE, readKnnArtifact } from '../../../algorithms/knn/index.js';
import { invokeLinearLearner } from '../../../algorithms/linear-learner/predict.js';
import { invokeRcf, RCF_MODEL_FILE, readRcfArtifact } from '../../../algorithms/rcf/index.js';
import { invokePreprocessor, type PreprocessorModel } from '../../../algorithms/preprocessor.js';
import type { AlgorithmId } from '../../jobs/algorithms.js';
import type { ModelFile } from '../../../formats/model-tar.js';
import { serveXGBoost, type XGBoostServer } from './xgboost.js';

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

/** The bytes of every typed array in a model's data (objects and arrays walked; each array counted once). */
function typedArrayBytes(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value.byteLength;
  let bytes = 0;
  for (const v of Object.values(value)) bytes += typedArrayBytes(v, seen);
  return bytes;
}

export interface LoadOptions {
  /** Which of the image's servers loads it (XGBoost answers differently in each); default single-model. */
  server?: XGBoostServer;
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
    const served = serveXGBoost(files, options.server ?? 'single-model', options.environment ?? {});
    return {
      algorithm,
      sizeBytes: served.sizeBytes + OBJECT_OVERHEAD_BYTES,
      invoke: (body, contentType, accept) => served.invoke(body, contentType, accept),
    };
  }
  if (algorithm === 'knn') {
    const byName = Object.fromEntries(files.map((f) => [f.name, f.data]));
    if (!byName[KNN_METADATA_FILE]) throw notTrainedBy(algorithm, files, KNN_METADATA_FILE);
    const model = readKnnArtifact(byName);
    return {
      algorithm,
      sizeBytes: typedArrayBytes(model) + OBJECT_OVERHEAD_BYTES,
      invoke: (body, contentType, accept) => invokeKnn(model, body, contentType, accept),
    };
  }
  if (algorithm === 'rcf') {
    const file = files.find((f) => f.name === RCF_MODEL_FILE);
    if (!file) throw notTrainedBy(algorithm, files, RCF_MODEL_FILE);
    const model = readRcfArtifact(file.data);
    return {
      algorithm,
      sizeBytes: typedArrayBytes(model) + OBJECT_OVERHEAD_BYTES,
      invoke: (body, contentType, accept) => invokeRcf(model, body, contentType, accept),
    };
  }
  const wanted = algorithm === 'linear-learner' ? LINEAR_LEARNER_ARTIFACT_FILE : PREPROCESSOR_ARTIFACT_FILE;
  const file = files.find((f) => f.name === wanted);
  if (!file) throw notTrainedBy(algorithm, files, wanted);
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

function notTrainedBy(algorithm: AlgorithmId, files: readonly ModelFile[], wanted: string): ArtifactError {
  return new ArtifactError(
    `The model archive has no ${wanted} (files: ${files.map((f) => f.name).join(', ') || 'none'}); was it trained by a ${algorithm} job?`,
  );
}
