/**
 * The built-in algorithms the workflow trains and serves behind the preprocessor, in one place
 * (docs/aws-behaviour.md#xgboost, "One framework per multi-model container"): for each, its
 * image (a key of src/aws-names' image table, which the local cloud recognises by), the
 * hyperparameters `mme train` starts from, the content type of its training channels, what the
 * preprocessor in front of it must answer, where its models and endpoint live, and what its
 * answers mean. Another algorithm is one more entry here plus its image in
 * src/aws-names/image-uri-table.ts.
 *
 * Pure data, neutral: the client side (cli, workflow) reads all of it; the local cloud needs
 * only the image, which it gets from src/aws-names.
 */
import type { ImageAlgorithm } from '../aws-names/image-uris.js';

export interface AlgorithmSpec {
  readonly name: string;
  /** How messages name it. */
  readonly label: string;
  readonly image: ImageAlgorithm;
  /** The hyperparameters `mme train` sends unless --hyperparameter overrides them (plain `str(v)` strings). */
  readonly hyperparameters: Readonly<Record<string, string>>;
  /** ContentType of the training channels: the preprocessed CSV, label first. */
  readonly trainingContentType: string;
  /**
   * The channel the preprocessed validation split goes to: `validation` for the linear learner
   * and XGBoost, `test` for k-NN (it has no validation channel); none for RCF, whose test
   * channel's label must say anomaly or not, and the split's label is the price.
   */
  readonly evaluationChannel?: 'validation' | 'test';
  /** S3DataDistributionType of the train channel: RCF's train channel takes ShardedByS3Key only ("RCF Hyperparameters", input). */
  readonly trainDistribution: 'FullyReplicated' | 'ShardedByS3Key';
  /**
   * SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT of the preprocessor container in front of it, when its
   * default (application/json `{"instances": …}`) is not what this algorithm reads. SageMaker
   * gives an intermediate pipeline container no Accept of its own, so the variable, which the
   * scikit-learn container's serving stack reads, decides (sagemaker-inference-toolkit
   * environment.py default_accept).
   */
  readonly preprocessorAccept?: 'text/csv';
  /**
   * Where its models live under the S3 prefix: the multi-model artifacts and the training
   * outputs. SageMaker serves one framework per multi-model container, so each algorithm has its
   * own multi-model prefix and endpoint and both can be live at once; the preprocessed data is
   * shared. The linear learner keeps the notebook's layout, the prefix itself.
   */
  modelPrefix(prefix: string): string;
  /** The endpoint `mme deploy` creates unless told otherwise (lower case: see workflow/names.ts). */
  readonly defaultEndpoint: string;
  /** The Accept `mme invoke` asks for, and the answer's shape (both decoded by workflow/invoke.ts parseAnswers). */
  readonly accept: string;
  readonly responseShape: string;
  /** What its answer is: a house's price, or how anomalous the house is (RCF's score, about 1 when normal). */
  readonly predicts: 'price' | 'anomaly score';
  /** For an algorithm without the linear learner's `epochs`: what `mme train --epochs` should be instead. */
  readonly insteadOfEpochs?: string;
}

/** The reference notebook's linear learner (docs/aws-behaviour.md#linear-learner-training). */
const LINEAR_LEARNER: AlgorithmSpec = {
  name: 'linear-learner',
  label: 'linear learner',
  image: 'linear-learner',
  hyperparameters: {
    feature_dim: '10',
    mini_batch_size: '100',
    predictor_type: 'regressor',
    epochs: '10',
    num_models: '32',
    loss: 'absolute_loss',
  },
  // SageMaker's "Common data formats for training" names the label column with label_size; 1 is the default.
  trainingContentType: 'text/csv;label_size=1',
  evaluationChannel: 'validation',
  trainDistribution: 'FullyReplicated',
  modelPrefix: (prefix) => prefix,
  defaultEndpoint: 'mme-linear-learner',
  accept: 'application/json',
  responseShape: '{"predictions":[{"score":…}]}',
  predicts: 'price',
};

/**
 * XGBoost regression of the price: squared error, 200 rounds at most, stopped once validation
 * RMSE has not improved for 10 (the container stops early only with eval_metric set).
 */
const XGBOOST: AlgorithmSpec = {
  name: 'xgboost',
  label: 'XGBoost',
  image: 'xgboost',
  hyperparameters: {
    objective: 'reg:squarederror',
    num_round: '200',
    max_depth: '5',
    eta: '0.2',
    subsample: '0.8',
    eval_metric: 'rmse',
    early_stopping_rounds: '10',
  },
  trainingContentType: 'text/csv',
  evaluationChannel: 'validation',
  trainDistribution: 'FullyReplicated',
  // XGBoost reads no JSON: the preprocessor must hand it CSV.
  preprocessorAccept: 'text/csv',
  modelPrefix: (prefix) => `${prefix}/xgboost`,
  defaultEndpoint: 'mme-xgboost',
  // The multi-model handler's JSON is a bare array, `[439972.62]`.
  accept: 'application/json',
  responseShape: '[…]',
  predicts: 'price',
  insteadOfEpochs: 'For XGBoost: --hyperparameter num_round=N',
};

/**
 * k-NN regression of the price: the mean price of the 5 nearest houses in the preprocessed
 * (scaled, one-hot) feature space, every training point kept (sample_size above any location's
 * row count), exact search. The verbose answer carries the neighbours, which `mme invoke` shows.
 */
const KNN: AlgorithmSpec = {
  name: 'knn',
  label: 'k-NN',
  image: 'knn',
  hyperparameters: { feature_dim: '10', k: '5', predictor_type: 'regressor', sample_size: '100000' },
  trainingContentType: 'text/csv;label_size=1',
  evaluationChannel: 'test',
  trainDistribution: 'FullyReplicated',
  modelPrefix: (prefix) => `${prefix}/knn`,
  defaultEndpoint: 'mme-knn',
  accept: 'application/json; verbose=true',
  responseShape: '{"predictions":[{"predicted_label":…,"distances":[…],"labels":[…]}]}',
  predicts: 'price',
  insteadOfEpochs: 'k-NN trains in one pass over the data; its size is --hyperparameter sample_size=N',
};

/**
 * Random Cut Forest over each location's houses: how little a house fits among its city's
 * (SageMaker's defaults of 100 trees of 256 samples). It trains on the same preprocessed files,
 * their price column ignored (algorithms/rcf/data.ts), and needs no label.
 */
const RANDOM_CUT_FOREST: AlgorithmSpec = {
  name: 'rcf',
  label: 'Random Cut Forest',
  image: 'randomcutforest',
  hyperparameters: { feature_dim: '10', num_trees: '100', num_samples_per_tree: '256' },
  trainingContentType: 'text/csv;label_size=1',
  trainDistribution: 'ShardedByS3Key',
  modelPrefix: (prefix) => `${prefix}/rcf`,
  defaultEndpoint: 'mme-rcf',
  accept: 'application/json',
  responseShape: '{"scores":[{"score":…}]}',
  predicts: 'anomaly score',
  insteadOfEpochs:
    'Random Cut Forest trains in one pass; its size is --hyperparameter num_trees=N / num_samples_per_tree=N',
};

const ALGORITHMS = {
  'linear-learner': LINEAR_LEARNER,
  xgboost: XGBOOST,
  knn: KNN,
  rcf: RANDOM_CUT_FOREST,
} as const satisfies Record<string, AlgorithmSpec>;

export type AlgorithmName = keyof typeof ALGORITHMS;
export const DEFAULT_ALGORITHM: AlgorithmName = 'linear-learner';
export const ALGORITHM_NAMES = Object.keys(ALGORITHMS) as AlgorithmName[];

export function algorithmSpec(name: AlgorithmName = DEFAULT_ALGORITHM): AlgorithmSpec {
  return ALGORITHMS[name];
}
