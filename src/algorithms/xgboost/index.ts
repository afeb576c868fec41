/**
 * Public API of mme's XGBoost (pure: no fs, no http), for the local cloud's training,
 * transform and hosting code (docs/aws-behaviour.md#xgboost):
 *
 *   const { model, log, finalMetrics } = trainXGBoost({ train, validation }, hyperparameters);
 *   const bytes = saveModel(model, 'binary');          // the artifact's `xgboost-model`
 *   const { model: m, format } = loadModel(bytes);       // binary, JSON, UBJSON or pickle
 *   const scores = predict(m, parseCsvData(body, { labeled: false }).x);
 */
export { trainXGBoost, type TrainData, type TrainOptions, type XGBoostTrainResult } from './train.js';
export {
  parseXGBoostHyperparameters,
  validateContainerHyperparameters,
  XGBoostHyperparameterError,
  EVAL_METRICS,
  type EvalMetric,
  type XGBoostHyperparameters,
} from './hyperparameters.js';
export { dataFormat, parseChannel, parseCsvData, parseLibsvmData, type DataFormat, type LabeledData } from './data.js';
export { loadModel, saveModel, sniffFormat, type LoadedModel, type ModelFormat, type WritableFormat } from './load.js';
export { predict, predictMargin, predictWidth, toMatrix, type DenseMatrix, type PredictOptions } from './predict.js';
export { boostedRounds, containerRounds, modelByteSize, outputGroups, type Tree, type XGBoostModel } from './model.js';
export { OBJECTIVES, type ObjectiveName } from './objectives.js';
export { finalMetrics, formatEvaluationLine, type EvaluationRound, type MetricValue } from './log.js';
export { evaluateMetric } from './metrics.js';
