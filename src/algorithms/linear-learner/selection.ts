/**
 * Choosing among the num_models variants, and the binary classifier's threshold.
 *
 * SageMaker evaluates the variants on the validation channel (the training data when there is
 * none). Regressors and multiclass classifiers keep the lowest objective loss. Binary
 * classifiers follow binary_classifier_model_selection_criteria (default accuracy): each
 * variant's decision threshold is calibrated on up to num_calibration_samples examples for that
 * criterion, and the variant with the best calibrated value wins; loss_function and
 * cross_entropy_loss pick by loss with the natural threshold (0.5, or 0 for hinge_loss).
 */
import type { Dataset } from '../first-party/data.js';
import type { BinarySelectionCriteria, LinearLearnerHyperparameters } from './hyperparameters.js';
import { LossCode, type LossParams } from './losses.js';
import { sigmoid } from './model.js';
import type { Scaling } from './scaling.js';
import { evaluateVariants } from './evaluate.js';
import { extractVariant } from './kernels.js';

export type TrainingMetrics = Record<string, number>;

export interface Selection {
  index: number;
  threshold: number;
  metrics: TrainingMetrics;
}

/** Raw scores of variant m (single-output models) on every example. */
function rawScores(params: Float64Array, M: number, m: number, data: Dataset, out: Float64Array): void {
  const d = data.featureDim;
  const w = extractVariant(params, M, d + 1, m);
  for (let i = 0; i < data.rows; i++) {
    let s = w[d]!;
    for (let j = 0; j < d; j++) s += w[j]! * data.features[i * d + j]!;
    out[i] = s;
  }
}

/** Precision, recall, accuracy and F-beta when predicting 1 for score >= threshold. */
function binaryCounts(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number, beta = 1) {
  let tp = 0,
    fp = 0,
    fn = 0,
    tn = 0;
  for (let i = 0; i < scores.length; i++) {
    const predicted = scores[i]! >= threshold;
    const actual = labels[i]! > 0.5;
    if (predicted && actual) tp++;
    else if (predicted) fp++;
    else if (actual) fn++;
    else tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const b2 = beta * beta;
  const fBeta = precision + recall > 0 ? ((1 + b2) * precision * recall) / (b2 * precision + recall) : 0;
  return { precision, recall, accuracy: (tp + tn) / Math.max(scores.length, 1), fBeta };
}

/** The threshold (midway between adjacent distinct scores) maximising the criterion. */
function calibrateThreshold(
  scores: Float64Array,
  labels: ArrayLike<number>,
  criterion: BinarySelectionCriteria,
  hp: Pick<LinearLearnerHyperparameters, 'fBeta' | 'targetPrecision' | 'targetRecall'>,
): { threshold: number; value: number } {
  const sorted = Array.from(new Set(scores)).sort((a, b) => b - a);
  const candidates = [
    sorted[0]! + 1,
    ...sorted.map((s, i) => (i + 1 < sorted.length ? (s + sorted[i + 1]!) / 2 : s - 1)),
  ];
  let best = { threshold: candidates[0]!, value: -Infinity };
  for (const t of candidates) {
    const c = binaryCounts(scores, labels, t, criterion === 'f1' ? 1 : hp.fBeta);
    let value: number;
    if (criterion === 'accuracy') value = c.accuracy;
    else if (criterion === 'precision_at_target_recall') value = c.recall >= hp.targetRecall ? c.precision : -1;
    else if (criterion === 'recall_at_target_precision') value = c.precision >= hp.targetPrecision ? c.recall : -1;
    else value = c.fBeta;
    if (value > best.value) best = { threshold: t, value };
  }
  return best;
}

export function selectModel(
  hp: LinearLearnerHyperparameters,
  params: Float64Array,
  M: number,
  outputs: number,
  code: LossCode,
  lp: LossParams,
  data: Dataset,
  scaling: Scaling,
  prefix: 'train' | 'validation',
): Selection {
  const losses = new Float64Array(M);
  evaluateVariants(params, M, outputs, code, lp, data, losses);
  let index = 0;
  for (let m = 1; m < M; m++) if (losses[m]! < losses[index]!) index = m;
  const scores = new Float64Array(data.rows);
  const metrics: TrainingMetrics = {};
  const criterion = hp.binaryClassifierModelSelectionCriteria;
  let threshold = code === LossCode.Hinge ? 0 : 0.5;

  if (hp.predictorType === 'binary_classifier') {
    const toScore = (s: number) => (code === LossCode.Hinge ? s : sigmoid(s));
    if (criterion !== 'loss_function' && criterion !== 'cross_entropy_loss') {
      const n = Math.min(data.rows, hp.numCalibrationSamples ?? data.rows);
      let bestValue = -Infinity;
      for (let m = 0; m < M; m++) {
        rawScores(params, M, m, data, scores);
        for (let i = 0; i < data.rows; i++) scores[i] = toScore(scores[i]!);
        const cal = calibrateThreshold(scores.subarray(0, n), data.labels.subarray(0, n), criterion, hp);
        if (cal.value > bestValue || (cal.value === bestValue && losses[m]! < losses[index]!)) {
          bestValue = cal.value;
          index = m;
          threshold = cal.threshold;
        }
      }
    }
    rawScores(params, M, index, data, scores);
    for (let i = 0; i < data.rows; i++) scores[i] = toScore(scores[i]!);
    const c = binaryCounts(scores, data.labels, threshold, hp.fBeta);
    Object.assign(metrics, {
      binary_classification_accuracy: c.accuracy,
      precision: c.precision,
      recall: c.recall,
      binary_f_beta: c.fBeta,
    });
  } else if (hp.predictorType === 'regressor') {
    rawScores(params, M, index, data, scores);
    let se = 0,
      ae = 0,
      mean = 0,
      ss = 0;
    for (let i = 0; i < data.rows; i++) mean += data.labels[i]! / data.rows;
    for (let i = 0; i < data.rows; i++) {
      // back to label units
      const r = (scores[i]! - data.labels[i]!) * scaling.labelScale;
      se += r * r;
      ae += Math.abs(r);
      ss += ((data.labels[i]! - mean) * scaling.labelScale) ** 2;
    }
    const mse = se / data.rows;
    Object.assign(metrics, { mse, rmse: Math.sqrt(mse), absolute_loss: ae / data.rows, r2: ss > 0 ? 1 - se / ss : 0 });
  } else {
    let correct = 0;
    const raw = new Float64Array(outputs);
    const d = data.featureDim;
    const w = extractVariant(params, M, outputs * d + outputs, index);
    for (let i = 0; i < data.rows; i++) {
      let arg = 0;
      for (let c = 0; c < outputs; c++) {
        let s = w[outputs * d + c]!;
        for (let j = 0; j < d; j++) s += w[c * d + j]! * data.features[i * d + j]!;
        raw[c] = s;
        if (s > raw[arg]!) arg = c;
      }
      if (arg === data.labels[i]) correct++;
    }
    metrics.multiclass_accuracy = correct / data.rows;
  }
  metrics.objective_loss = losses[index]!;
  return {
    index,
    threshold,
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [`${prefix}:${k}`, v])),
  };
}
