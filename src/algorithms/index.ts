/**
 * Public API of the pure algorithms (no fs, no http, no SDK): what the local cloud's training,
 * transform and hosting code calls. See each module for the SageMaker behaviour it copies.
 */
export { AlgorithmClientError, ArtifactError, InferenceError, type InferenceErrorKind } from './errors.js';
export { formatNumber, parseCsv, type CsvRow } from './csv.js';
export { negotiateAccept, parseMediaType, requireContentType } from './content-types.js';
export {
  featureCount,
  fitPreprocessor,
  fitPreprocessorFromCsv,
  invokePreprocessor,
  transformRow,
  PREPROCESSOR_DEFAULT_ACCEPT,
  type InvocationResponse,
  type PreprocessorModel,
} from './preprocessor.js';
export { parseHyperparameters, type LinearLearnerHyperparameters } from './linear-learner/hyperparameters.js';
export { parseInferenceRequest, parseTrainingCsv, type Dataset } from './first-party/data.js';
export { validateLabels } from './linear-learner/labels.js';
export { DEFAULT_SEED, trainLinearLearner, type TrainOptions, type TrainResult } from './linear-learner/train.js';
export {
  invokeLinearLearner,
  predict,
  LINEAR_LEARNER_DEFAULT_ACCEPT,
  type Prediction,
} from './linear-learner/predict.js';
export type { LinearLearnerModel } from './linear-learner/model.js';
export {
  deserializeLinearLearner,
  deserializePreprocessor,
  parseArtifact,
  serializeLinearLearner,
  serializePreprocessor,
  LINEAR_LEARNER_ARTIFACT_FILE,
  PREPROCESSOR_ARTIFACT_FILE,
  type Artifact,
} from './artifact.js';
export { leastSquares } from './linalg.js';
