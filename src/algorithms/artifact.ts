/**
 * Model artifacts: versioned JSON documents, one per model kind. They are what `mme` puts
 * inside model.tar.gz where SageMaker's own containers would find their own formats (the
 * built-in linear learner's MXNet parameters, the scikit-learn container's model.joblib).
 * Packing them into the tar is the caller's job; this module only makes and reads the bytes.
 *
 * File name inside model.tar.gz:
 *   linear learner  → model.json         (LINEAR_LEARNER_ARTIFACT_FILE)
 *   preprocessor    → preprocessor.json  (PREPROCESSOR_ARTIFACT_FILE)
 *
 * Linear learner, version 1:
 *   { "format": "mme-linear-learner", "version": 1,
 *     "predictor_type": "regressor" | "binary_classifier" | "multiclass_classifier",
 *     "feature_dim": 10, "num_classes": 1,            // classes for multiclass, else 1
 *     "loss": "absolute_loss",
 *     "weights": [[w1..w10]],                         // one row per output, on RAW features
 *     "bias": [b],                                    // one per output
 *     "threshold": 0.5,                               // binary: label 1 when score >= threshold
 *     "training": { ... } }                           // optional, informational only
 * Normalisation used in training is folded into weights and bias: score = w·x + b
 * (then sigmoid / softmax for classifiers).
 *
 * scikit-learn preprocessor, version 1:
 *   { "format": "mme-sklearn-preprocessor", "version": 1,
 *     "columns": ["YEAR_BUILT", ..., "DECK"], "label": "PRICE",
 *     "numeric": [{ "index": 0, "name": "YEAR_BUILT", "mean": m, "var": v, "scale": s }, ...],
 *     "categorical": [{ "index": 6, "name": "FRONT_PORCH", "categories": ["n", "y"] }, ...],
 *     "n_samples_seen": 3600 }
 * i.e. StandardScaler's mean_/var_/scale_ and OneHotEncoder's categories_.
 *
 * Numbers are JSON doubles written by JSON.stringify, which round-trips every finite double
 * exactly. A newer version is refused, not guessed at.
 */
import { ArtifactError } from './errors.js';
import type { LinearLearnerModel } from './linear-learner/model.js';
import { FEATURE_COLUMNS, LABEL_COLUMN } from '../housing/schema.js';
import type { PreprocessorModel } from './preprocessor.js';

export const LINEAR_LEARNER_ARTIFACT_FILE = 'model.json';
export const PREPROCESSOR_ARTIFACT_FILE = 'preprocessor.json';
const LINEAR_LEARNER_FORMAT = 'mme-linear-learner';
const PREPROCESSOR_FORMAT = 'mme-sklearn-preprocessor';
const SUPPORTED_VERSION = 1;

export type Artifact =
  | { kind: 'linear-learner'; model: LinearLearnerModel; training?: Record<string, unknown> }
  | { kind: 'sklearn-preprocessor'; model: PreprocessorModel };

const encode = (doc: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(doc));

export function serializeLinearLearner(model: LinearLearnerModel, training?: Record<string, unknown>): Uint8Array {
  const outputs = model.bias.length;
  const weights = Array.from({ length: outputs }, (_, c) =>
    Array.from(model.weights.subarray(c * model.featureDim, (c + 1) * model.featureDim)),
  );
  return encode({
    format: LINEAR_LEARNER_FORMAT,
    version: SUPPORTED_VERSION,
    predictor_type: model.predictorType,
    feature_dim: model.featureDim,
    num_classes: model.numClasses,
    loss: model.loss,
    weights,
    bias: Array.from(model.bias),
    threshold: model.threshold,
    ...(training ? { training } : {}),
  });
}

export function serializePreprocessor(model: PreprocessorModel): Uint8Array {
  return encode({
    format: PREPROCESSOR_FORMAT,
    version: SUPPORTED_VERSION,
    columns: [...FEATURE_COLUMNS],
    label: LABEL_COLUMN,
    numeric: model.numeric,
    categorical: model.categorical,
    n_samples_seen: model.samples,
  });
}

type Json = Record<string, unknown>;

function check(cond: unknown, format: string, what: string): asserts cond {
  if (!cond) throw new ArtifactError(`Invalid ${format} artifact: ${what}`);
}
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isNumArray = (x: unknown, n: number): x is number[] => Array.isArray(x) && x.length === n && x.every(isNum);

export function parseArtifact(bytes: Uint8Array | string): Artifact {
  let doc: Json;
  try {
    doc = JSON.parse(typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes)) as Json;
  } catch (err) {
    throw new ArtifactError(`Model artifact is not JSON: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object') throw new ArtifactError('Model artifact is not a JSON object');
  const format = doc.format;
  if (format !== LINEAR_LEARNER_FORMAT && format !== PREPROCESSOR_FORMAT) {
    throw new ArtifactError(
      `Unknown model artifact format ${JSON.stringify(format)}; expected '${LINEAR_LEARNER_FORMAT}' or '${PREPROCESSOR_FORMAT}'`,
    );
  }
  if (doc.version !== SUPPORTED_VERSION) {
    throw new ArtifactError(
      `Unsupported ${format} artifact version ${JSON.stringify(doc.version)}; this mme reads version ${SUPPORTED_VERSION}`,
    );
  }
  return format === LINEAR_LEARNER_FORMAT ? readLinearLearner(doc) : readPreprocessor(doc);
}

function readLinearLearner(doc: Json): Artifact {
  const f = LINEAR_LEARNER_FORMAT;
  const type = doc.predictor_type;
  check(
    type === 'regressor' || type === 'binary_classifier' || type === 'multiclass_classifier',
    f,
    'bad predictor_type',
  );
  const d = doc.feature_dim;
  check(Number.isInteger(d) && (d as number) > 0, f, 'bad feature_dim');
  const k = doc.num_classes;
  check(Number.isInteger(k) && (k as number) >= 1, f, 'bad num_classes');
  const outputs = type === 'multiclass_classifier' ? (k as number) : 1;
  const w = doc.weights;
  check(Array.isArray(w) && w.length === outputs && w.every((row) => isNumArray(row, d as number)), f, 'bad weights');
  check(isNumArray(doc.bias, outputs), f, 'bad bias');
  check(isNum(doc.threshold), f, 'bad threshold');
  check(typeof doc.loss === 'string', f, 'bad loss');
  const model: LinearLearnerModel = {
    predictorType: type,
    featureDim: d as number,
    numClasses: k as number,
    loss: doc.loss as LinearLearnerModel['loss'],
    weights: Float64Array.from((w as number[][]).flat()),
    bias: Float64Array.from(doc.bias as number[]),
    threshold: doc.threshold as number,
  };
  return { kind: 'linear-learner', model, training: doc.training as Record<string, unknown> | undefined };
}

function readPreprocessor(doc: Json): Artifact {
  const f = PREPROCESSOR_FORMAT;
  check(
    Array.isArray(doc.columns) && doc.columns.join(',') === FEATURE_COLUMNS.join(','),
    f,
    `columns must be ${FEATURE_COLUMNS.join(',')}`,
  );
  const numeric = doc.numeric as PreprocessorModel['numeric'];
  check(Array.isArray(numeric), f, 'bad numeric');
  for (const c of numeric) {
    check(
      Number.isInteger(c?.index) &&
        typeof c.name === 'string' &&
        isNum(c.mean) &&
        isNum(c.var) &&
        isNum(c.scale) &&
        c.scale !== 0,
      f,
      'bad numeric column',
    );
  }
  const categorical = doc.categorical as PreprocessorModel['categorical'];
  check(Array.isArray(categorical), f, 'bad categorical');
  for (const c of categorical) {
    check(
      Number.isInteger(c?.index) &&
        typeof c.name === 'string' &&
        Array.isArray(c.categories) &&
        c.categories.every((x) => typeof x === 'string'),
      f,
      'bad categorical column',
    );
  }
  check(Number.isInteger(doc.n_samples_seen), f, 'bad n_samples_seen');
  return {
    kind: 'sklearn-preprocessor',
    model: {
      numeric: numeric.map(({ index, name, mean, var: v, scale }) => ({ index, name, mean, var: v, scale })),
      categorical: categorical.map(({ index, name, categories }) => ({ index, name, categories: [...categories] })),
      samples: doc.n_samples_seen as number,
    },
  };
}

export function deserializeLinearLearner(bytes: Uint8Array | string): LinearLearnerModel {
  const a = parseArtifact(bytes);
  if (a.kind !== 'linear-learner')
    throw new ArtifactError(`Expected a ${LINEAR_LEARNER_FORMAT} artifact, found ${PREPROCESSOR_FORMAT}`);
  return a.model;
}

export function deserializePreprocessor(bytes: Uint8Array | string): PreprocessorModel {
  const a = parseArtifact(bytes);
  if (a.kind !== 'sklearn-preprocessor')
    throw new ArtifactError(`Expected a ${PREPROCESSOR_FORMAT} artifact, found ${LINEAR_LEARNER_FORMAT}`);
  return a.model;
}
