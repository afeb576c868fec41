/**
 * The vectorised kernels of training and evaluation. All num_models variants share one
 * parameter array laid out FEATURE-major: parameter p of variant m is at p * M + m, where
 * p = c * d + j for the weight of feature j in output c, and p = outputs * d + c for the bias
 * of output c. Every inner loop then runs over the M variants with independent accumulators:
 * no serial add chain (a dot product's latency bound) and contiguous memory, which is what
 * makes 32 models cost little more than one.
 */
import { LossCode, lossesAndGradients, type LossParams } from './losses.js';

/** scores[c * M + m] = bias + Σ_j x_j w_cj for every output c and variant m. */
export function scoreAll(
  params: Float64Array,
  M: number,
  K: number,
  d: number,
  X: Float64Array,
  xo: number,
  scores: Float64Array,
): void {
  const biasBase = K * d * M;
  for (let c = 0; c < K; c++) {
    const so = c * M;
    const bo = biasBase + c * M;
    for (let m = 0; m < M; m++) scores[so + m] = params[bo + m]!;
    for (let j = 0; j < d; j++) {
      const x = X[xo + j]!;
      if (x === 0) continue; // one-hot columns are mostly zero
      const wo = (c * d + j) * M;
      for (let m = 0; m < M; m++) scores[so + m] += x * params[wo + m]!;
    }
  }
}

/** grad += g ⊗ [x, 1]: g[c * M + m] is dLoss/dScore of output c for variant m. */
export function accumulateGradient(
  grad: Float64Array,
  g: Float64Array,
  M: number,
  K: number,
  d: number,
  X: Float64Array,
  xo: number,
): void {
  const biasBase = K * d * M;
  for (let c = 0; c < K; c++) {
    const go = c * M;
    for (let j = 0; j < d; j++) {
      const x = X[xo + j]!;
      if (x === 0) continue;
      const wo = (c * d + j) * M;
      for (let m = 0; m < M; m++) grad[wo + m] += g[go + m]! * x;
    }
    const bo = biasBase + c * M;
    for (let m = 0; m < M; m++) grad[bo + m] += g[go + m]!;
  }
}

/** Softmax cross-entropy for every variant: scores are K × M (class-major); writes g likewise. */
function softmaxLossesAndGradients(
  scores: Float64Array,
  y: number,
  M: number,
  K: number,
  sw: number,
  g: Float64Array,
  lossAcc: Float64Array,
): void {
  for (let m = 0; m < M; m++) {
    let max = -Infinity;
    for (let c = 0; c < K; c++) max = Math.max(max, scores[c * M + m]!);
    let sum = 0;
    for (let c = 0; c < K; c++) {
      const e = Math.exp(scores[c * M + m]! - max);
      g[c * M + m] = e;
      sum += e;
    }
    lossAcc[m] -= sw * (scores[y * M + m]! - max - Math.log(sum));
    for (let c = 0; c < K; c++) g[c * M + m] = sw * (g[c * M + m]! / sum - (c === y ? 1 : 0));
  }
}

/** Per-example loss and gradient for all variants, whatever the loss. */
export function lossesForExample(
  code: LossCode,
  scores: Float64Array,
  y: number,
  M: number,
  K: number,
  lp: LossParams,
  sw: number,
  g: Float64Array,
  lossAcc: Float64Array,
): void {
  if (code === LossCode.Softmax) softmaxLossesAndGradients(scores, y, M, K, sw, g, lossAcc);
  else lossesAndGradients(code, scores, y, M, lp, sw, g, lossAcc);
}

/** Copy variant m out of the shared array into a model-major vector of P parameters. */
export function extractVariant(params: Float64Array, M: number, P: number, m: number): Float64Array {
  const out = new Float64Array(P);
  for (let p = 0; p < P; p++) out[p] = params[p * M + m]!;
  return out;
}
