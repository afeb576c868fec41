/**
 * Linear learner hyperparameters: parse the CreateTrainingJob string map, validate it, resolve
 * the `auto` values. Names, ranges and defaults are those of the SageMaker developer guide
 * ("Linear learner hyperparameters", ll_hyperparameters). Invalid input throws the message the
 * job's FailureReason carries. The first-party algorithms validate with JSON schema and pretty
 * print the jsonschema error (their `ConfigValidator.pretty_validation_message`), so we produce
 * the same sentences:
 *   unknown name  → Additional hyperparameters are not allowed ('foo' was unexpected)
 *   missing       → No value(s) were specified for 'feature_dim' which are required hyperparameter(s)
 *   bad enum      → The value 'x' is not valid for the 'loss' hyperparameter which accepts one of
 *                   the following: 'auto', 'squared_loss', ...
 *   bad number    → The value '0' is not valid for the 'epochs' hyperparameter which expects one
 *                   of the following: an integer greater than 1   (sic: "greater than" = minimum)
 * each followed by " (caused by ValidationError)" and prefixed with "ClientError: ".
 * Names starting with "_" (framework internals such as _kvstore, _num_gpus,
 * _tuning_objective_metric) are accepted and ignored, as the container does.
 */
import { hyperparameterValidationError } from '../errors.js';
import { parseValue, quoteList } from '../first-party/hyperparameters.js';
import { HYPERPARAMETER_SPECS, LOSSES_BY_PREDICTOR } from './hyperparameter-specs.js';

export type PredictorType = 'regressor' | 'binary_classifier' | 'multiclass_classifier';
export type Loss =
  | 'squared_loss'
  | 'absolute_loss'
  | 'huber_loss'
  | 'eps_insensitive_squared_loss'
  | 'eps_insensitive_absolute_loss'
  | 'quantile_loss'
  | 'logistic'
  | 'hinge_loss'
  | 'softmax_loss';
export type Optimizer = 'sgd' | 'adam' | 'rmsprop';
export type BinarySelectionCriteria =
  | 'accuracy'
  | 'f1'
  | 'f_beta'
  | 'precision_at_target_recall'
  | 'recall_at_target_precision'
  | 'cross_entropy_loss'
  | 'loss_function';

/** Validated, resolved hyperparameters. `undefined` means "auto, decided per model variant". */
export interface LinearLearnerHyperparameters {
  featureDim: number;
  predictorType: PredictorType;
  /** 1 for regressor and binary_classifier. */
  numClasses: number;
  miniBatchSize: number;
  epochs: number;
  numModels: number;
  loss: Loss;
  useBias: boolean;
  normalizeData: boolean;
  normalizeLabel: boolean;
  unbiasData: boolean;
  unbiasLabel: boolean;
  numPointForScaler: number;
  optimizer: Optimizer;
  learningRate?: number;
  wd?: number;
  l1?: number;
  beta1: number;
  beta2: number;
  eps: number;
  momentum: number;
  clipGradient?: number;
  biasLrMult: number;
  biasWdMult: number;
  useLrScheduler: boolean;
  lrSchedulerStep?: number;
  lrSchedulerFactor?: number;
  lrSchedulerMinimumLr?: number;
  earlyStoppingPatience: number;
  earlyStoppingTolerance: number;
  huberDelta: number;
  lossInsensitivity: number;
  quantile: number;
  margin: number;
  positiveExampleWeightMult: number | 'balanced' | 'auto';
  balanceMulticlassWeights: boolean;
  binaryClassifierModelSelectionCriteria: BinarySelectionCriteria;
  targetPrecision: number;
  targetRecall: number;
  fBeta: number;
  accuracyTopK: number;
  numCalibrationSamples?: number;
  initMethod: 'uniform' | 'normal';
  initScale: number;
  initSigma: number;
  initBias: number;
}

export function parseHyperparameters(input: Record<string, string>): LinearLearnerHyperparameters {
  const unknown = Object.keys(input).filter((k) => !(k in HYPERPARAMETER_SPECS) && !k.startsWith('_'));
  if (unknown.length > 0) {
    const list = unknown.map((k) => `'${k}'`).join(', ');
    throw hyperparameterValidationError(
      `Additional hyperparameters are not allowed (${list} ${unknown.length === 1 ? 'was' : 'were'} unexpected)`,
    );
  }
  const missing = ['feature_dim', 'predictor_type'].filter((k) => input[k] === undefined);
  if (missing.length > 0) {
    throw hyperparameterValidationError(
      `No value(s) were specified for ${quoteList(missing)} which are required hyperparameter(s)`,
    );
  }
  const v: Record<string, number | string | boolean> = {};
  for (const [name, spec] of Object.entries(HYPERPARAMETER_SPECS)) {
    const raw = input[name];
    v[name] = raw === undefined ? spec.default : parseValue(name, String(raw), spec);
  }
  return resolve(v);
}

const num = (x: number | string | boolean): number | undefined => (typeof x === 'number' ? x : undefined);
const bool = (x: number | string | boolean, auto: boolean): boolean => (typeof x === 'boolean' ? x : auto);

function resolve(v: Record<string, number | string | boolean>): LinearLearnerHyperparameters {
  const predictorType = v.predictor_type as PredictorType;
  let numClasses = 1;
  if (predictorType === 'multiclass_classifier') {
    if (typeof v.num_classes !== 'number') {
      throw hyperparameterValidationError(
        "No value(s) were specified for 'num_classes' which are required hyperparameter(s)",
      );
    }
    numClasses = v.num_classes;
  }
  const allowedLosses = LOSSES_BY_PREDICTOR[predictorType];
  if (!allowedLosses.includes(v.loss as string)) {
    throw hyperparameterValidationError(
      `The value '${v.loss}' is not valid for the 'loss' hyperparameter which accepts one of the following: ` +
        `${quoteList(allowedLosses)} (when predictor_type is '${predictorType}')`,
    );
  }
  const loss = (v.loss === 'auto' ? allowedLosses[1] : v.loss) as Loss;
  const useBias = v.use_bias as boolean;
  const regressor = predictorType === 'regressor';
  return {
    featureDim: v.feature_dim as number,
    predictorType,
    numClasses,
    miniBatchSize: v.mini_batch_size as number,
    epochs: v.epochs as number,
    // SageMaker's auto picks a number of parallel models itself; 32 is what its logs show for
    // small single-machine jobs and what the reference workflow sets explicitly.
    numModels: num(v.num_models) ?? 32,
    loss,
    useBias,
    normalizeData: bool(v.normalize_data, true),
    // "The auto default value normalizes the label for regression problems but does not for
    // classification problems. [...] set to true for classification, the algorithm ignores it."
    normalizeLabel: regressor && bool(v.normalize_label, true),
    unbiasData: bool(v.unbias_data, useBias),
    unbiasLabel: regressor && bool(v.unbias_label, useBias),
    numPointForScaler: v.num_point_for_scaler as number,
    optimizer: (v.optimizer === 'auto' ? 'adam' : v.optimizer) as Optimizer,
    learningRate: num(v.learning_rate),
    wd: num(v.wd),
    l1: num(v.l1),
    beta1: num(v.beta_1) ?? 0.9,
    beta2: num(v.beta_2) ?? 0.999,
    eps: num(v.eps) ?? 1e-8,
    momentum: num(v.momentum) ?? 0,
    clipGradient: num(v.clip_gradient),
    biasLrMult: num(v.bias_lr_mult) ?? 1,
    biasWdMult: num(v.bias_wd_mult) ?? 0,
    useLrScheduler: v.use_lr_scheduler as boolean,
    lrSchedulerStep: num(v.lr_scheduler_step),
    lrSchedulerFactor: num(v.lr_scheduler_factor),
    lrSchedulerMinimumLr: num(v.lr_scheduler_minimum_lr),
    earlyStoppingPatience: v.early_stopping_patience as number,
    earlyStoppingTolerance: v.early_stopping_tolerance as number,
    huberDelta: v.huber_delta as number,
    lossInsensitivity: v.loss_insensitivity as number,
    quantile: v.quantile as number,
    margin: v.margin as number,
    positiveExampleWeightMult: v.positive_example_weight_mult as number | 'balanced' | 'auto',
    balanceMulticlassWeights: v.balance_multiclass_weights as boolean,
    binaryClassifierModelSelectionCriteria: v.binary_classifier_model_selection_criteria as BinarySelectionCriteria,
    targetPrecision: v.target_precision as number,
    targetRecall: v.target_recall as number,
    fBeta: v.f_beta as number,
    accuracyTopK: v.accuracy_top_k as number,
    numCalibrationSamples: num(v.num_calibration_samples),
    initMethod: v.init_method as 'uniform' | 'normal',
    initScale: v.init_scale as number,
    initSigma: v.init_sigma as number,
    initBias: v.init_bias as number,
  };
}
