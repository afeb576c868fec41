import { describe, expect, it } from 'vitest';
import { AlgorithmClientError } from '../../src/algorithms/errors.js';
import { parseHyperparameters } from '../../src/algorithms/linear-learner/hyperparameters.js';

/** The reference workflow's hyperparameters, as the SageMaker API carries them: strings. */
const REFERENCE = {
  feature_dim: '10',
  mini_batch_size: '100',
  predictor_type: 'regressor',
  epochs: '10',
  num_models: '32',
  loss: 'absolute_loss',
};

function failure(input: Record<string, string>): string {
  try {
    parseHyperparameters(input);
  } catch (err) {
    expect(err).toBeInstanceOf(AlgorithmClientError);
    return (err as Error).message;
  }
  throw new Error('expected a ClientError');
}

describe('linear learner hyperparameters', () => {
  it('parses the reference configuration and resolves the auto values', () => {
    const hp = parseHyperparameters(REFERENCE);
    expect(hp).toMatchObject({
      featureDim: 10,
      miniBatchSize: 100,
      predictorType: 'regressor',
      epochs: 10,
      numModels: 32,
      loss: 'absolute_loss',
      optimizer: 'adam',
      normalizeData: true,
      normalizeLabel: true,
      unbiasData: true,
      unbiasLabel: true,
      useBias: true,
      learningRate: undefined,
      wd: undefined,
      l1: undefined,
      earlyStoppingPatience: 3,
      earlyStoppingTolerance: 0.001,
      numClasses: 1,
      beta1: 0.9,
      beta2: 0.999,
      biasWdMult: 0,
      biasLrMult: 1,
    });
  });

  it('resolves loss=auto per predictor type', () => {
    expect(parseHyperparameters({ feature_dim: '3', predictor_type: 'regressor' }).loss).toBe('squared_loss');
    expect(parseHyperparameters({ feature_dim: '3', predictor_type: 'binary_classifier' }).loss).toBe('logistic');
    const multi = parseHyperparameters({ feature_dim: '3', predictor_type: 'multiclass_classifier', num_classes: '4' });
    expect([multi.loss, multi.numClasses, multi.normalizeLabel]).toEqual(['softmax_loss', 4, false]);
  });

  it('ignores normalize_label=true for classifiers, as documented', () => {
    expect(
      parseHyperparameters({ feature_dim: '3', predictor_type: 'binary_classifier', normalize_label: 'true' })
        .normalizeLabel,
    ).toBe(false);
  });

  it('accepts and validates the other documented hyperparameters, case-insensitive booleans, and _internal names', () => {
    const hp = parseHyperparameters({
      ...REFERENCE,
      use_bias: 'True',
      huber_delta: '2.5',
      beta_1: '0.8',
      beta_2: 'auto',
      bias_lr_mult: '2',
      bias_wd_mult: '0.5',
      unbias_data: 'false',
      unbias_label: 'auto',
      num_point_for_scaler: '500',
      margin: '1',
      quantile: '0.3',
      loss_insensitivity: '0.05',
      positive_example_weight_mult: 'balanced',
      target_precision: '0.9',
      target_recall: '0.7',
      binary_classifier_model_selection_criteria: 'f_beta',
      num_calibration_samples: '1000',
      init_method: 'normal',
      init_scale: '0.1',
      init_sigma: '0.02',
      init_bias: '-1.5',
      lr_scheduler_step: '10',
      lr_scheduler_factor: '0.9',
      lr_scheduler_minimum_lr: '1e-5',
      use_lr_scheduler: 'false',
      momentum: '0.9',
      clip_gradient: '5',
      eps: '1e-7',
      accuracy_top_k: '2',
      balance_multiclass_weights: 'true',
      f_beta: '0.5',
      learning_rate: '0.05',
      wd: '0.001',
      l1: '0',
      optimizer: 'sgd',
      early_stopping_patience: '5',
      early_stopping_tolerance: '0.01',
      _kvstore: 'auto',
    });
    expect(hp).toMatchObject({
      huberDelta: 2.5,
      beta1: 0.8,
      beta2: 0.999,
      unbiasData: false,
      initBias: -1.5,
      learningRate: 0.05,
      wd: 0.001,
      l1: 0,
      optimizer: 'sgd',
      positiveExampleWeightMult: 'balanced',
      lrSchedulerStep: 10,
      useLrScheduler: false,
      clipGradient: 5,
    });
  });

  it('names an unknown hyperparameter like the first-party algorithms do', () => {
    expect(failure({ ...REFERENCE, learning_rat: '0.1' })).toBe(
      "ClientError: Additional hyperparameters are not allowed ('learning_rat' was unexpected) (caused by ValidationError)",
    );
    expect(failure({ ...REFERENCE, a: '1', b: '2' })).toMatch(/\('a', 'b' were unexpected\)/);
  });

  it('names the missing required hyperparameters', () => {
    expect(failure({ predictor_type: 'regressor' })).toBe(
      "ClientError: No value(s) were specified for 'feature_dim' which are required hyperparameter(s) (caused by ValidationError)",
    );
    expect(failure({})).toMatch(/'feature_dim', 'predictor_type' which are required/);
    expect(failure({ feature_dim: '3', predictor_type: 'multiclass_classifier' })).toMatch(
      /'num_classes' which are required/,
    );
  });

  it('lists the accepted values of an enum', () => {
    expect(failure({ ...REFERENCE, predictor_type: 'regression' })).toBe(
      "ClientError: The value 'regression' is not valid for the 'predictor_type' hyperparameter which accepts one of the " +
        "following: 'binary_classifier', 'multiclass_classifier', 'regressor' (caused by ValidationError)",
    );
    expect(failure({ ...REFERENCE, loss: 'logistic' })).toMatch(
      /'loss' hyperparameter which accepts one of the following: 'auto', 'squared_loss'/,
    );
    expect(failure({ ...REFERENCE, optimizer: 'lbfgs' })).toMatch(/'auto', 'sgd', 'adam', 'rmsprop'/);
    expect(failure({ ...REFERENCE, normalize_data: 'yes' })).toMatch(/'auto', 'true', 'false'/);
  });

  it('refuses out-of-range and non-numeric numbers, describing the valid range', () => {
    expect(failure({ ...REFERENCE, epochs: '0' })).toBe(
      "ClientError: The value '0' is not valid for the 'epochs' hyperparameter which expects one of the following: " +
        'an integer greater than 1 (caused by ValidationError)',
    );
    expect(failure({ ...REFERENCE, mini_batch_size: '10.5' })).toMatch(
      /'mini_batch_size' hyperparameter .* an integer/,
    );
    expect(failure({ ...REFERENCE, learning_rate: '-1' })).toMatch(/pattern '\^auto\$'; or a number greater than 0/);
    expect(failure({ ...REFERENCE, learning_rate: '0' })).toMatch(/'learning_rate'/);
    expect(failure({ ...REFERENCE, beta_1: '1.5' })).toMatch(/a number between 0 and 1/);
    expect(failure({ ...REFERENCE, num_classes: '2', predictor_type: 'multiclass_classifier' })).toMatch(
      /an integer between 3 and 1000000/,
    );
    expect(failure({ ...REFERENCE, wd: 'lots' })).toMatch(/The value 'lots' is not valid for the 'wd'/);
  });
});
