/**
 * Public API of mme's Random Cut Forest (pure: no fs, no http), for the local cloud's training,
 * transform and hosting code (docs/aws-behaviour.md#random-cut-forest):
 *
 *   const { model, finalMetrics } = trainRcf({ train: csv, test }, hyperparameters, { seed });
 *   const bytes = writeRcfArtifact(model);     // the artifact's model_algo-1
 *   const m = readRcfArtifact(bytes);
 *   const { body, contentType } = invokeRcf(m, requestBody, 'text/csv', 'application/json');
 */
export { trainRcf, RCF_DEFAULT_SEED, type RcfChannels, type RcfTrainOptions, type RcfTrainResult } from './train.js';
export { parseRcfHyperparameters, type RcfHyperparameters } from './hyperparameters.js';
export { readRcfArtifact, writeRcfArtifact, RCF_MODEL_FILE, type RcfModel, type RcfMetadata } from './artifact.js';
export { invokeRcf, RCF_DEFAULT_ACCEPT } from './invoke.js';
export { scoreForest } from './forest.js';
