/**
 * Loss functions for single-output models (regressor, binary_classifier): value and derivative
 * with respect to the raw score. Regression losses act on the normalised label when
 * normalize_label is on (SageMaker's default for regressors), so `huber_delta` and
 * `loss_insensitivity` are in units of label standard deviations then.
 * softmax_loss (multiclass) lives in the training loop itself, as it couples the outputs.
 */
import type { Loss } from './hyperparameters.js';

export enum LossCode {
  Squared,
  Absolute,
  Huber,
  EpsSquared,
  EpsAbsolute,
  Quantile,
  Logistic,
  Hinge,
  Softmax,
}

export const LOSS_CODES: Record<Loss, LossCode> = {
  squared_loss: LossCode.Squared,
  absolute_loss: LossCode.Absolute,
  huber_loss: LossCode.Huber,
  eps_insensitive_squared_loss: LossCode.EpsSquared,
  eps_insensitive_absolute_loss: LossCode.EpsAbsolute,
  quantile_loss: LossCode.Quantile,
  logistic: LossCode.Logistic,
  hinge_loss: LossCode.Hinge,
  softmax_loss: LossCode.Softmax,
};

export interface LossParams {
  huberDelta: number;
  lossInsensitivity: number;
  quantile: number;
  margin: number;
}

/**
 * For one example with label y and the scores s[0..M) of all M variants: adds sw × loss to
 * lossAcc[m] and writes sw × dLoss/dScore to g[m]. The switch is outside the loop so that each
 * case is a tight loop over the variants (the training hot path). `y` is the (normalised) label,
 * or 0/1 for binary classifiers. Squared loss is ½r², so its gradient is the residual.
 */
export function lossesAndGradients(
  code: LossCode,
  s: Float64Array,
  y: number,
  M: number,
  p: LossParams,
  sw: number,
  g: Float64Array,
  lossAcc: Float64Array,
): void {
  switch (code) {
    case LossCode.Squared:
      for (let m = 0; m < M; m++) {
        const r = s[m]! - y;
        lossAcc[m] += sw * 0.5 * r * r;
        g[m] = sw * r;
      }
      return;
    case LossCode.Absolute:
      for (let m = 0; m < M; m++) {
        const r = s[m]! - y;
        lossAcc[m] += sw * Math.abs(r);
        g[m] = r > 0 ? sw : r < 0 ? -sw : 0;
      }
      return;
    case LossCode.Huber: {
      const d = p.huberDelta;
      for (let m = 0; m < M; m++) {
        const r = s[m]! - y;
        const a = Math.abs(r);
        lossAcc[m] += sw * (a <= d ? 0.5 * r * r : d * (a - 0.5 * d));
        g[m] = sw * (a <= d ? r : r > 0 ? d : -d);
      }
      return;
    }
    case LossCode.EpsSquared:
      for (let m = 0; m < M; m++) {
        const r = s[m]! - y;
        const e = Math.max(Math.abs(r) - p.lossInsensitivity, 0);
        lossAcc[m] += sw * 0.5 * e * e;
        g[m] = sw * (r > 0 ? e : -e);
      }
      return;
    case LossCode.EpsAbsolute:
      for (let m = 0; m < M; m++) {
        const r = s[m]! - y;
        const e = Math.abs(r) - p.lossInsensitivity;
        lossAcc[m] += e > 0 ? sw * e : 0;
        g[m] = e > 0 ? (r > 0 ? sw : -sw) : 0;
      }
      return;
    case LossCode.Quantile: {
      // Pinball loss: under-prediction (y > s) costs q per unit, over-prediction 1 - q, so the
      // score estimates the q-quantile of the label (P(label <= score) = q). The guide's sentence
      // ("true_label is greater than the prediction with probability q") reads the other way
      // round; we keep the standard definition of quantile regression.
      const q = p.quantile;
      for (let m = 0; m < M; m++) {
        const r = s[m]! - y;
        lossAcc[m] += sw * (r < 0 ? -q * r : (1 - q) * r);
        g[m] = sw * (r < 0 ? -q : 1 - q);
      }
      return;
    }
    case LossCode.Logistic:
      for (let m = 0; m < M; m++) {
        const v = s[m]!;
        const z = y > 0.5 ? v : -v;
        // log(1 + e^-z), stable for large |z|
        lossAcc[m] += sw * (z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z)));
        const prob = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
        g[m] = sw * (prob - y);
      }
      return;
    case LossCode.Hinge: {
      const t = y > 0.5 ? 1 : -1;
      for (let m = 0; m < M; m++) {
        const h = p.margin - t * s[m]!;
        lossAcc[m] += h > 0 ? sw * h : 0;
        g[m] = h > 0 ? -t * sw : 0;
      }
      return;
    }
    default:
      throw new Error(`lossesAndGradients: loss ${code} is not a single-output loss`);
  }
}
