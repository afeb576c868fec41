/**
 * The narrow interface between the job runner and the pure algorithms (src/algorithms): what a
 * SageMaker container does inside a training or transform job, for the images the local cloud
 * runs natively. Runs inside a worker thread (worker.ts); takes bytes, returns bytes.
 *
 * Training failures caused by the customer's input throw AlgorithmClientError, whose message
 * ("ClientError: …") becomes the job's FailureReason as the built-in algorithms report it.
 */
import {
  LINEAR_LEARNER_ARTIFACT_FILE,
  PREPROCESSOR_ARTIFACT_FILE,
  serializeLinearLearner,
  serializePreprocessor,
} from '../../algorithms/artifact.js';
import { AlgorithmClientError } from '../../algorithms/errors.js';
import { parseTrainingCsv } from '../../algorithms/first-party/data.js';
import { parseHyperparameters } from '../../algorithms/linear-learner/hyperparameters.js';
import { trainLinearLearner } from '../../algorithms/linear-learner/train.js';
import { fitPreprocessorFromCsv } from '../../algorithms/preprocessor.js';
import { parseChannel, parseXGBoostHyperparameters, saveModel, trainXGBoost } from '../../algorithms/xgboost/index.js';
import { trainKnn, writeKnnArtifact } from '../../algorithms/knn/index.js';
import { RCF_MODEL_FILE, trainRcf, writeRcfArtifact } from '../../algorithms/rcf/index.js';
import type { ModelFile } from '../../formats/model-tar.js';
import { loadNativeModel } from '../hosting/containers/native-model.js';

/** The containers the local cloud can run (images.ts maps image URIs to these). */
export type AlgorithmId = 'linear-learner' | 'sklearn-preprocessor' | 'xgboost' | 'knn' | 'rcf';

export interface ChannelData {
  name: string;
  contentType?: string;
  files: { relativeKey: string; data: Uint8Array }[];
}

export interface TrainingOutput {
  /** Files to put in model.tar.gz. */
  files: ModelFile[];
  /** Final metrics, as FinalMetricDataList reports them (e.g. `validation:objective_loss`). */
  metrics: { name: string; value: number }[];
}

export type Log = (line: string) => void;

const text = (data: Uint8Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');

/** Every file of a channel, as text (the built-in algorithms read a channel's files together). */
function channelText(c: ChannelData): string[];
function channelText(c: ChannelData | undefined): string[] | undefined;
function channelText(c: ChannelData | undefined): string[] | undefined {
  return c?.files.map((f) => text(f.data));
}

const metricList = (metrics: Record<string, number>) =>
  Object.entries(metrics).map(([name, value]) => ({ name, value }));

function channel(channels: ChannelData[], name: string, required: boolean): ChannelData | undefined {
  const found = channels.find((c) => c.name === name);
  if (!found && required) {
    throw new AlgorithmClientError(
      `Unable to find the '${name}' channel in the input data configuration (channels given: ${channels.map((c) => c.name).join(', ') || 'none'})`,
    );
  }
  return found;
}

function trainLinear(hyperparameters: Record<string, string>, channels: ChannelData[], log: Log): TrainingOutput {
  // Hyperparameters first, as the container validates them before reading any data.
  const hp = parseHyperparameters(hyperparameters);
  const train = channel(channels, 'train', true)!;
  const validation = channel(channels, 'validation', false);
  const read = (c: ChannelData) =>
    parseTrainingCsv(channelText(c), hp.featureDim, { contentType: c.contentType, channel: c.name });
  const trainData = read(train);
  const validationData = validation && read(validation);
  log(`#train records: ${trainData.rows}${validationData ? `, #validation records: ${validationData.rows}` : ''}`);
  const result = trainLinearLearner(hp, trainData, {
    validation: validationData,
    onEpoch: (e) =>
      log(`#quality_metric: host=algo-1, epoch=${e.epoch}, ${e.lossKind} objective_loss <loss>=${e.bestLoss}`),
  });
  log(`Selected model ${result.selected.index} of ${hp.numModels}`);
  const metrics = metricList(result.metrics);
  for (const m of metrics) log(`#quality_metric: host=algo-1, ${m.name} <score>=${m.value}`);
  return { files: [{ name: LINEAR_LEARNER_ARTIFACT_FILE, data: serializeLinearLearner(result.model) }], metrics };
}

/**
 * The scikit-learn container runs the customer's script (sourcedir.tar.gz, SAGEMAKER_PROGRAM);
 * the local cloud does not run Python. It runs its native equivalent of the reference
 * workflow's sklearn_preprocessor.py instead, and ignores the uploaded source.
 *
 * Which files it fits on: the CSV files of the train channel. When the channel holds a tree such
 * as housing-data/{LOC}/train/train.csv and housing-data/{LOC}/test/test.csv, only files inside
 * a `train/` directory are used (the one preprocessor is fitted on ALL locations' training data;
 * see docs/aws-behaviour.md#preprocessing); a channel without such a directory is used whole.
 */
function fitSklearn(channels: ChannelData[], log: Log): TrainingOutput {
  const train = channel(channels, 'train', true)!;
  const csv = train.files.filter((f) => /\.csv$/i.test(f.relativeKey));
  const candidates = csv.length > 0 ? csv : train.files;
  const underTrain = candidates.filter((f) => /(^|\/)train\//.test(f.relativeKey));
  const chosen = underTrain.length > 0 ? underTrain : candidates;
  log(`Fitting the preprocessor on ${chosen.length} file(s): ${chosen.map((f) => f.relativeKey).join(', ')}`);
  const model = fitPreprocessorFromCsv(chosen.map((f) => text(f.data)));
  log(`Fitted on ${model.samples} rows`);
  return { files: [{ name: PREPROCESSOR_ARTIFACT_FILE, data: serializePreprocessor(model) }], metrics: [] };
}

/** The file the XGBoost container writes (constants/xgb_constants.py MODEL_NAME). */
export const XGBOOST_MODEL_FILE = 'xgboost-model';

/**
 * The XGBoost container's training (algorithm_mode/train.py; docs/aws-behaviour.md#xgboost):
 * hyperparameters validated first (a bad one fails the job with the container's message), then
 * the `train` channel and the optional `validation` one, text/csv (label first) or text/libsvm
 * (no ContentType reads as libsvm, as the container reads it), every file of a channel
 * together. The log carries xgboost's per-round lines; FinalMetricDataList the last round's
 * values (`train:rmse`, `validation:rmse`, …). The model is saved as the 1.3-1 … 1.7-1
 * containers save it: `save_model('xgboost-model')`, xgboost's binary format.
 */
function trainXgb(hyperparameters: Record<string, string>, channels: ChannelData[], log: Log): TrainingOutput {
  const h = parseXGBoostHyperparameters(hyperparameters);
  const train = channel(channels, 'train', true)!;
  const validation = channel(channels, 'validation', false);
  const read = (c: ChannelData) =>
    parseChannel(channelText(c), c.contentType, { csvWeights: h.csvWeights, channel: c.name });
  const result = trainXGBoost({ train: read(train), validation: validation && read(validation) }, h, { log });
  const metrics = metricList(result.finalMetrics);
  return { files: [{ name: XGBOOST_MODEL_FILE, data: saveModel(result.model, 'binary') }], metrics };
}

/**
 * k-NN and Random Cut Forest as their containers train (docs/aws-behaviour.md#k-nn,
 * #random-cut-forest): the `train` channel and the optional `test` one (these algorithms have
 * no `validation` channel). Seeded with the algorithms' defaults, so the same data trains the
 * same model.
 */
function trainAndTest(channels: ChannelData[]) {
  const train = channel(channels, 'train', true)!;
  const test = channel(channels, 'test', false);
  return {
    train: channelText(train),
    test: channelText(test),
    contentTypes: { train: train.contentType, test: test?.contentType },
  };
}

function trainKnnJob(hyperparameters: Record<string, string>, channels: ChannelData[], log: Log): TrainingOutput {
  const result = trainKnn(trainAndTest(channels), hyperparameters, { log });
  const files = Object.entries(writeKnnArtifact(result.model)).map(([name, data]) => ({ name, data }));
  return { files, metrics: metricList(result.finalMetrics) };
}

function trainRcfJob(hyperparameters: Record<string, string>, channels: ChannelData[], log: Log): TrainingOutput {
  const result = trainRcf(trainAndTest(channels), hyperparameters, { log });
  const files = [{ name: RCF_MODEL_FILE, data: writeRcfArtifact(result.model) }];
  return { files, metrics: metricList(result.finalMetrics) };
}

export function train(
  algorithm: AlgorithmId,
  hyperparameters: Record<string, string>,
  channels: ChannelData[],
  log: Log,
): TrainingOutput {
  switch (algorithm) {
    case 'linear-learner':
      return trainLinear(hyperparameters, channels, log);
    case 'xgboost':
      return trainXgb(hyperparameters, channels, log);
    case 'sklearn-preprocessor':
      return fitSklearn(channels, log);
    case 'knn':
      return trainKnnJob(hyperparameters, channels, log);
    case 'rcf':
      return trainRcfJob(hyperparameters, channels, log);
  }
}

/** A loaded model: one container's answer to one request. */
export interface NativeModel {
  invoke(
    body: Uint8Array,
    contentType: string | undefined,
    accept: string | undefined,
  ): { body: string; contentType: string };
}

/**
 * Load a container's model from the files of its model.tar.gz, as hosting loads it; batch
 * transform runs the image's single-model server with SAGEMAKER_BATCH set (which XGBoost reads).
 */
export function loadModel(algorithm: AlgorithmId, files: ModelFile[]): NativeModel {
  const model = loadNativeModel(algorithm, files, { server: 'batch' });
  return { invoke: (body, contentType, accept) => model.invoke(text(body), contentType, accept) };
}
