/**
 * Public API of mme's k-NN (pure: no fs, no http), for the local cloud's training, transform and
 * hosting code (docs/aws-behaviour.md#k-nn):
 *
 *   const { model, finalMetrics } = trainKnn({ train: csv, test }, hyperparameters, { seed });
 *   const files = writeKnnArtifact(model);   // model_algo-1, model_algo-1.labels, model_algo-1.json
 *   const m = readKnnArtifact(files);
 *   const { body, contentType } = invokeKnn(m, requestBody, 'text/csv', 'application/json; verbose=true');
 */
export { trainKnn, KNN_DEFAULT_SEED, type KnnChannels, type KnnTrainOptions, type KnnTrainResult } from './train.js';
export { parseKnnHyperparameters, type KnnHyperparameters } from './hyperparameters.js';
export { readKnnArtifact, writeKnnArtifact, KNN_INDEX_FILE, KNN_LABELS_FILE, KNN_METADATA_FILE } from './artifact.js';
export { invokeKnn, KNN_DEFAULT_ACCEPT } from './invoke.js';
export { predictKnn, type KnnModel, type KnnPrediction, type KnnMetadata } from './model.js';
