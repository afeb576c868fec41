/**
 * The linear learner's hyperparameter table (SageMaker developer guide, ll_hyperparameters),
 * as data: type, range, the words allowed besides numbers ("auto", "balanced") and the default
 * (checked by first-party/hyperparameters.ts).
 */
import type { Spec } from '../first-party/hyperparameters.js';

/** Per predictor type: 'auto' first, then the loss auto resolves to, then the other valid ones. */
export const LOSSES_BY_PREDICTOR: Record<string, string[]> = {
  regressor: [
    'auto',
    'squared_loss',
    'absolute_loss',
    'eps_insensitive_squared_loss',
    'eps_insensitive_absolute_loss',
    'quantile_loss',
    'huber_loss',
  ],
  binary_classifier: ['auto', 'logistic', 'hinge_loss'],
  multiclass_classifier: ['auto', 'softmax_loss'],
};

const ALL_LOSSES = [
  'auto',
  'logistic',
  'squared_loss',
  'absolute_loss',
  'hinge_loss',
  'eps_insensitive_squared_loss',
  'eps_insensitive_absolute_loss',
  'quantile_loss',
  'huber_loss',
  'softmax_loss',
];

const AUTO = ['auto'];
const positive = (d: number | string): Spec => ({ type: 'number', exclusiveMin: 0, default: d });
const positiveOrAuto: Spec = { type: 'number', exclusiveMin: 0, words: AUTO, default: 'auto' };
const nonNegativeOrAuto: Spec = { type: 'number', min: 0, words: AUTO, default: 'auto' };
const unitOrAuto: Spec = { type: 'number', min: 0, max: 1, words: AUTO, default: 'auto' };
const autoBoolean: Spec = { type: 'boolean', words: AUTO, default: 'auto' };

export const HYPERPARAMETER_SPECS: Record<string, Spec> = {
  feature_dim: { type: 'integer', min: 1, default: '' },
  predictor_type: { type: 'enum', values: ['binary_classifier', 'multiclass_classifier', 'regressor'], default: '' },
  num_classes: { type: 'integer', min: 3, max: 1_000_000, default: '' },
  accuracy_top_k: { type: 'integer', min: 1, default: 3 },
  balance_multiclass_weights: { type: 'boolean', default: false },
  beta_1: unitOrAuto,
  beta_2: unitOrAuto,
  bias_lr_mult: positiveOrAuto,
  bias_wd_mult: nonNegativeOrAuto,
  binary_classifier_model_selection_criteria: {
    type: 'enum',
    // The guide lists five; the SageMaker Python SDK also passes 'f1' and 'cross_entropy_loss'.
    values: [
      'accuracy',
      'f1',
      'f_beta',
      'precision_at_target_recall',
      'recall_at_target_precision',
      'cross_entropy_loss',
      'loss_function',
    ],
    default: 'accuracy',
  },
  clip_gradient: positiveOrAuto,
  early_stopping_patience: { type: 'integer', min: 1, default: 3 },
  early_stopping_tolerance: positive(0.001),
  epochs: { type: 'integer', min: 1, default: 15 },
  eps: positiveOrAuto,
  f_beta: positive(1.0),
  huber_delta: positive(1.0),
  init_bias: { type: 'number', default: 0 },
  init_method: { type: 'enum', values: ['uniform', 'normal'], default: 'uniform' },
  init_scale: positive(0.07),
  init_sigma: positive(0.01),
  l1: nonNegativeOrAuto,
  learning_rate: positiveOrAuto,
  loss: { type: 'enum', values: ALL_LOSSES, default: 'auto' },
  loss_insensitivity: positive(0.01),
  lr_scheduler_factor: unitOrAuto,
  lr_scheduler_minimum_lr: positiveOrAuto,
  lr_scheduler_step: { type: 'integer', min: 1, words: AUTO, default: 'auto' },
  margin: positive(1.0),
  mini_batch_size: { type: 'integer', min: 1, default: 1000 },
  momentum: unitOrAuto,
  normalize_data: autoBoolean,
  normalize_label: autoBoolean,
  num_calibration_samples: { type: 'integer', min: 1, words: AUTO, default: 'auto' },
  num_models: { type: 'integer', min: 1, words: AUTO, default: 'auto' },
  num_point_for_scaler: { type: 'integer', min: 1, default: 10_000 },
  optimizer: { type: 'enum', values: ['auto', 'sgd', 'adam', 'rmsprop'], default: 'auto' },
  positive_example_weight_mult: { type: 'number', exclusiveMin: 0, words: ['auto', 'balanced'], default: 1.0 },
  quantile: { type: 'number', min: 0, max: 1, default: 0.5 },
  target_precision: { type: 'number', min: 0, max: 1, default: 0.8 },
  target_recall: { type: 'number', min: 0, max: 1, default: 0.8 },
  unbias_data: autoBoolean,
  unbias_label: autoBoolean,
  use_bias: { type: 'boolean', default: true },
  use_lr_scheduler: { type: 'boolean', default: true },
  wd: nonNegativeOrAuto,
};
