/**
 * A trained linear learner model, in the units of the raw features: the normalisation the
 * training used (normalize_data, unbias_data, normalize_label, unbias_label) is folded into the
 * weights and bias, so prediction is one affine map per output and needs no scaler state.
 */
import type { Loss, PredictorType } from './hyperparameters.js';

export interface LinearLearnerModel {
  predictorType: PredictorType;
  featureDim: number;
  /** Classes for multiclass_classifier; 1 for regressor and binary_classifier. */
  numClasses: number;
  loss: Loss;
  /** Row-major outputs × featureDim (outputs = numClasses for multiclass, else 1). */
  weights: Float64Array;
  /** One per output. */
  bias: Float64Array;
  /** binary_classifier: predicted_label is 1 when score >= threshold (calibrated at training). */
  threshold: number;
}

function outputCount(model: Pick<LinearLearnerModel, 'predictorType' | 'numClasses'>): number {
  return model.predictorType === 'multiclass_classifier' ? model.numClasses : 1;
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Softmax of raw[0..k) into out, numerically safe. */
function softmaxInto(raw: ArrayLike<number>, out: Float64Array, k: number): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (raw[c]! > max) max = raw[c]!;
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(raw[c]! - max);
    out[c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) out[c] = out[c]! / sum;
}

/**
 * The `score` the container returns: the prediction for a regressor, the probability of class 1
 * for a logistic binary classifier (the raw margin for hinge_loss, which has no probability),
 * the class probabilities for a multiclass classifier.
 */
export function scoreRow(model: LinearLearnerModel, x: Float64Array, offset: number): number | Float64Array {
  const d = model.featureDim;
  const k = outputCount(model);
  const raw = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = model.bias[c]!;
    const wo = c * d;
    for (let j = 0; j < d; j++) s += model.weights[wo + j]! * x[offset + j]!;
    raw[c] = s;
  }
  if (model.predictorType === 'regressor') return raw[0]!;
  if (model.predictorType === 'binary_classifier') return model.loss === 'hinge_loss' ? raw[0]! : sigmoid(raw[0]!);
  const probs = new Float64Array(k);
  softmaxInto(raw, probs, k);
  return probs;
}
