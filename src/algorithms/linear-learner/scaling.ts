/**
 * normalize_data / unbias_data / normalize_label / unbias_label. Like SageMaker, the statistics
 * come from the first `num_point_for_scaler` training examples (default 10,000), and training
 * runs on shifted and scaled copies; `foldScaling` turns the weights learned there back into
 * weights on raw features and labels, so the saved model needs no scaler.
 */
import type { LinearLearnerHyperparameters } from './hyperparameters.js';
import type { Dataset } from '../first-party/data.js';

export interface Scaling {
  featureShift: Float64Array;
  featureScale: Float64Array;
  labelShift: number;
  labelScale: number;
}

export function computeScaling(data: Dataset, hp: LinearLearnerHyperparameters): Scaling {
  const d = data.featureDim;
  const n = Math.min(data.rows, hp.numPointForScaler);
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  let ly = 0;
  let lyy = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) mean[j] += data.features[i * d + j]!;
    ly += data.labels[i]!;
  }
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / n;
  ly /= n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) sq[j] += (data.features[i * d + j]! - mean[j]!) ** 2;
    lyy += (data.labels[i]! - ly) ** 2;
  }
  // A constant feature (up to rounding noise) is left unscaled, as scikit-learn does.
  const std = (ss: number, mean: number) => {
    const s = Math.sqrt(ss / n);
    return Number.isFinite(s) && s > 1e-12 * Math.max(1, Math.abs(mean)) ? s : 1;
  };
  const featureShift = new Float64Array(d);
  const featureScale = new Float64Array(d).fill(1);
  for (let j = 0; j < d; j++) {
    if (hp.unbiasData) featureShift[j] = mean[j]!;
    if (hp.normalizeData) featureScale[j] = std(sq[j]!, mean[j]!);
  }
  return {
    featureShift,
    featureScale,
    labelShift: hp.unbiasLabel ? ly : 0,
    labelScale: hp.normalizeLabel ? std(lyy, ly) : 1,
  };
}

/** A scaled copy of the data (labels scaled only for regressors: scaling says 0/1 otherwise). */
export function applyScaling(data: Dataset, s: Scaling): Dataset {
  const d = data.featureDim;
  const features = new Float64Array(data.rows * d);
  for (let i = 0; i < data.rows; i++) {
    for (let j = 0; j < d; j++)
      features[i * d + j] = (data.features[i * d + j]! - s.featureShift[j]!) / s.featureScale[j]!;
  }
  const labels = new Float64Array(data.labels.length);
  for (let i = 0; i < labels.length; i++) labels[i] = (data.labels[i]! - s.labelShift) / s.labelScale;
  return { rows: data.rows, featureDim: d, features, labels };
}

/**
 * y = ls * (w·((x - fs) / fc) + b) + lshift  ⇒  w' = ls * w / fc, b' = ls * (b - Σ w fs / fc) + lshift.
 * `params` holds one model: outputs × d weights, then outputs biases.
 */
export function foldScaling(
  params: Float64Array,
  outputs: number,
  d: number,
  s: Scaling,
): { weights: Float64Array; bias: Float64Array } {
  const weights = new Float64Array(outputs * d);
  const bias = new Float64Array(outputs);
  for (let c = 0; c < outputs; c++) {
    let b = params[outputs * d + c]!;
    for (let j = 0; j < d; j++) {
      const w = params[c * d + j]! / s.featureScale[j]!;
      weights[c * d + j] = s.labelScale * w;
      b -= w * s.featureShift[j]!;
    }
    bias[c] = s.labelScale * b + s.labelShift;
  }
  return { weights, bias };
}
