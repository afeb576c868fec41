import { describe, expect, it } from 'vitest';
import { AlgorithmClientError } from '../../src/algorithms/errors.js';
import { leastSquares } from '../../src/algorithms/linalg.js';
import { parseTrainingCsv, type Dataset } from '../../src/algorithms/first-party/data.js';
import { parseHyperparameters } from '../../src/algorithms/linear-learner/hyperparameters.js';
import { predict } from '../../src/algorithms/linear-learner/predict.js';
import { trainLinearLearner } from '../../src/algorithms/linear-learner/train.js';
import { fitPreprocessorFromCsv, invokePreprocessor } from '../../src/algorithms/preprocessor.js';
import { classificationProblem, housingRows, linearProblem } from './synthetic.js';

const REFERENCE = {
  feature_dim: '10',
  mini_batch_size: '100',
  predictor_type: 'regressor',
  epochs: '10',
  num_models: '32',
  loss: 'absolute_loss',
};

function scores(model: Parameters<typeof predict>[0], data: Dataset): number[] {
  return predict(model, data).map((p) => p.score as number);
}

function lsPredictions(train: Dataset, data: Dataset): number[] {
  const { weights, bias } = leastSquares(train.features, train.labels, train.rows, train.featureDim);
  return Array.from({ length: data.rows }, (_, i) => {
    let s = bias;
    for (let j = 0; j < data.featureDim; j++) s += weights[j]! * data.features[i * data.featureDim + j]!;
    return s;
  });
}

const mse = (p: number[], y: Float64Array) => p.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0) / p.length;
const mae = (p: number[], y: Float64Array) => p.reduce((s, v, i) => s + Math.abs(v - y[i]!), 0) / p.length;

/**
 * One location's data through the real pipeline: raw CSV → preprocessor (CSV, label first) →
 * label-first dataset.
 */
function housingLocation(seed: number, pricePerSqft: number) {
  const csv = (rows: string[][]) => rows.map((r) => r.join(',')).join('\n');
  const rows = housingRows(seed, 1000, pricePerSqft);
  const pre = fitPreprocessorFromCsv([csv(rows)]);
  const transformed = invokePreprocessor(pre, csv(rows), 'text/csv', 'text/csv').body;
  const all = parseTrainingCsv(transformed, 10, { contentType: 'text/csv;label_size=1' });
  const split = (from: number, to: number): Dataset => ({
    rows: to - from,
    featureDim: 10,
    features: all.features.slice(from * 10, to * 10),
    labels: all.labels.slice(from, to),
  });
  return { train: split(0, 700), validation: split(700, 1000) };
}

describe('linear learner regression', () => {
  it('squared_loss reaches the least-squares validation error', () => {
    const p = linearProblem(11, 700, 10, 1, 300);
    const hp = parseHyperparameters({ ...REFERENCE, loss: 'squared_loss' });
    const { model, metrics } = trainLinearLearner(hp, p.train, { validation: p.validation });
    const ours = mse(scores(model, p.validation), p.validation.labels);
    const exact = mse(lsPredictions(p.train, p.validation), p.validation.labels);
    console.log(
      `squared_loss: validation MSE ${ours.toFixed(4)} vs least squares ${exact.toFixed(4)} (ratio ${(ours / exact).toFixed(4)})`,
    );
    expect(ours / exact).toBeLessThan(1.05);
    expect(metrics['validation:mse']).toBeCloseTo(ours, 6);
  });

  it('the reference configuration (absolute_loss, normalize_label) fits house prices', () => {
    const { train, validation } = housingLocation(5, 180);
    const hp = parseHyperparameters(REFERENCE);
    const { model, metrics, selected } = trainLinearLearner(hp, train, { validation });
    const ours = scores(model, validation);
    const exact = lsPredictions(train, validation);
    const meanPrice = validation.labels.reduce((s, v) => s + v, 0) / validation.rows;
    console.log(
      `absolute_loss on house prices (mean ${meanPrice.toFixed(0)}): validation MAE ${mae(ours, validation.labels).toFixed(0)} ` +
        `vs least squares ${mae(exact, validation.labels).toFixed(0)}; RMSE ${Math.sqrt(mse(ours, validation.labels)).toFixed(0)} ` +
        `vs ${Math.sqrt(mse(exact, validation.labels)).toFixed(0)}; selected ${JSON.stringify(selected)}`,
    );
    expect(mae(ours, validation.labels) / mae(exact, validation.labels)).toBeLessThan(1.05);
    expect(mae(ours, validation.labels) / meanPrice).toBeLessThan(0.02);
    expect(metrics['validation:absolute_loss']).toBeCloseTo(mae(ours, validation.labels), 3);
  });

  it.each(['huber_loss', 'eps_insensitive_squared_loss', 'eps_insensitive_absolute_loss'])('%s fits', (loss) => {
    const p = linearProblem(12, 700, 10, 1, 300);
    const { model } = trainLinearLearner(parseHyperparameters({ ...REFERENCE, loss }), p.train, {
      validation: p.validation,
    });
    expect(
      mse(scores(model, p.validation), p.validation.labels) /
        mse(lsPredictions(p.train, p.validation), p.validation.labels),
    ).toBeLessThan(1.1);
  });

  it('quantile_loss predicts the requested quantile of the label', () => {
    const p = linearProblem(13, 2000, 10, 1, 1000);
    const hp = parseHyperparameters({ ...REFERENCE, loss: 'quantile_loss', quantile: '0.9' });
    const { model } = trainLinearLearner(hp, p.train, { validation: p.validation });
    const s = scores(model, p.validation);
    const below = s.filter((v, i) => p.validation.labels[i]! <= v).length / s.length;
    expect(below).toBeGreaterThan(0.84);
    expect(below).toBeLessThan(0.96);
  });

  it.each(['sgd', 'rmsprop'])('the %s optimizer fits too', (optimizer) => {
    const p = linearProblem(14, 700, 10, 1, 300);
    const hp = parseHyperparameters({ ...REFERENCE, loss: 'squared_loss', optimizer });
    const { model } = trainLinearLearner(hp, p.train, { validation: p.validation });
    expect(
      mse(scores(model, p.validation), p.validation.labels) /
        mse(lsPredictions(p.train, p.validation), p.validation.labels),
    ).toBeLessThan(1.1);
  });

  it('selects on the training data when there is no validation channel', () => {
    const p = linearProblem(15, 700, 10, 1, 300);
    const { model, metrics, epochs } = trainLinearLearner(
      parseHyperparameters({ ...REFERENCE, loss: 'squared_loss' }),
      p.train,
    );
    expect(metrics['train:mse']).toBeDefined();
    expect(epochs[0]!.lossKind).toBe('train');
    expect(
      mse(scores(model, p.validation), p.validation.labels) /
        mse(lsPredictions(p.train, p.validation), p.validation.labels),
    ).toBeLessThan(1.1);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const p = linearProblem(16, 300, 10, 1, 100);
    const hp = parseHyperparameters({ ...REFERENCE, num_models: '4', epochs: '3' });
    const a = trainLinearLearner(hp, p.train, { validation: p.validation, seed: 7 }).model;
    const b = trainLinearLearner(hp, p.train, { validation: p.validation, seed: 7 }).model;
    const c = trainLinearLearner(hp, p.train, { validation: p.validation, seed: 8 }).model;
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(Array.from(a.weights)).not.toEqual(Array.from(c.weights));
  });

  it('stops early when the validation loss stops improving', () => {
    const p = linearProblem(17, 700, 10, 1, 300);
    const hp = parseHyperparameters({
      ...REFERENCE,
      epochs: '50',
      early_stopping_patience: '1',
      early_stopping_tolerance: '0.05',
    });
    const { epochs } = trainLinearLearner(hp, p.train, { validation: p.validation });
    expect(epochs.length).toBeLessThan(50);
  });

  it('use_bias=false fits a model through the origin', () => {
    const p = linearProblem(18, 300, 10, 1, 100);
    const { model } = trainLinearLearner(
      parseHyperparameters({ ...REFERENCE, use_bias: 'false', num_models: '4' }),
      p.train,
    );
    expect(model.bias[0]).toBe(0);
  });

  it('refuses data whose width is not feature_dim', () => {
    const p = linearProblem(19, 50, 5, 1, 10);
    expect(() => trainLinearLearner(parseHyperparameters(REFERENCE), p.train)).toThrow(AlgorithmClientError);
  });

  it('trains a reference-configuration location fast enough for 1,000 locations', () => {
    const locations = Array.from({ length: 30 }, (_, i) => linearProblem(100 + i, 700, 10, 1, 300));
    const hp = parseHyperparameters(REFERENCE);
    // Warm the JIT.
    for (const l of locations.slice(0, 5)) trainLinearLearner(hp, l.train, { validation: l.validation });
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (const l of locations.slice(5)) trainLinearLearner(hp, l.train, { validation: l.validation });
    const wall = (performance.now() - start) / 25;
    const used = process.cpuUsage(cpu).user / 1000 / 25;
    console.log(
      `training time per location (700 train + 300 validation rows, 32 models, 10 epochs): ${wall.toFixed(1)} ms wall, ${used.toFixed(1)} ms CPU`,
    );
    expect(wall).toBeLessThan(200); // generous: the machine running tests is shared
  });
});

describe('linear learner classification', () => {
  it('binary_classifier (logistic) separates separable-ish data, score = probability', () => {
    const p = classificationProblem(21, 1000, 2);
    const hp = parseHyperparameters({ ...REFERENCE, predictor_type: 'binary_classifier', loss: 'auto' });
    const { model, metrics } = trainLinearLearner(hp, p.train, { validation: p.validation });
    const preds = predict(model, p.validation);
    const accuracy = preds.filter((q, i) => q.predicted_label === p.validation.labels[i]).length / preds.length;
    console.log(`binary logistic accuracy ${accuracy.toFixed(3)}, threshold ${model.threshold.toFixed(3)}`);
    expect(accuracy).toBeGreaterThan(0.9);
    expect(metrics['validation:binary_classification_accuracy']).toBeCloseTo(accuracy, 6);
    expect(preds.every((q) => typeof q.score === 'number' && q.score >= 0 && q.score <= 1)).toBe(true);
  });

  it.each(['hinge_loss'])('binary_classifier with %s', (loss) => {
    const p = classificationProblem(22, 1000, 2);
    const hp = parseHyperparameters({
      ...REFERENCE,
      predictor_type: 'binary_classifier',
      loss,
      binary_classifier_model_selection_criteria: 'f1',
    });
    const { model } = trainLinearLearner(hp, p.train, { validation: p.validation });
    const preds = predict(model, p.validation);
    expect(preds.filter((q, i) => q.predicted_label === p.validation.labels[i]).length / preds.length).toBeGreaterThan(
      0.9,
    );
  });

  it('positive_example_weight_mult=balanced and precision_at_target_recall train', () => {
    const p = classificationProblem(23, 600, 2);
    const hp = parseHyperparameters({
      ...REFERENCE,
      predictor_type: 'binary_classifier',
      loss: 'auto',
      positive_example_weight_mult: 'balanced',
      binary_classifier_model_selection_criteria: 'precision_at_target_recall',
      target_recall: '0.9',
    });
    const { metrics } = trainLinearLearner(hp, p.train, { validation: p.validation });
    expect(metrics['validation:recall']).toBeGreaterThanOrEqual(0.9);
  });

  it('multiclass_classifier (softmax_loss) reaches sensible accuracy with class probabilities', () => {
    const p = classificationProblem(24, 1500, 3);
    const hp = parseHyperparameters({
      ...REFERENCE,
      predictor_type: 'multiclass_classifier',
      num_classes: '3',
      loss: 'auto',
      balance_multiclass_weights: 'true',
    });
    const { model, metrics } = trainLinearLearner(hp, p.train, { validation: p.validation });
    const preds = predict(model, p.validation);
    const accuracy = preds.filter((q, i) => q.predicted_label === p.validation.labels[i]).length / preds.length;
    console.log(`multiclass softmax accuracy ${accuracy.toFixed(3)}`);
    expect(accuracy).toBeGreaterThan(0.85);
    expect(metrics['validation:multiclass_accuracy']).toBeCloseTo(accuracy, 6);
    const first = preds[0]!.score as number[];
    expect(first).toHaveLength(3);
    expect(first.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  it('refuses labels outside the classes with a ClientError', () => {
    const p = classificationProblem(25, 50, 2);
    p.train.labels[3] = 2;
    expect(() =>
      trainLinearLearner(
        parseHyperparameters({ ...REFERENCE, predictor_type: 'binary_classifier', loss: 'auto' }),
        p.train,
      ),
    ).toThrow(/ClientError: Channel 'train', example 4: label 2 is invalid for predictor_type binary_classifier/);
  });
});
