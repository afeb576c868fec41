/**
 * Scoring every variant on a data set at once (validation each epoch, final selection), with
 * the same kernels as training.
 */
import type { Dataset } from '../first-party/data.js';
import { lossesForExample, scoreAll } from './kernels.js';
import type { LossCode, LossParams } from './losses.js';

/** Mean objective of every variant on (scaled) data, written into out[m]. */
export function evaluateVariants(
  params: Float64Array,
  M: number,
  K: number,
  code: LossCode,
  lp: LossParams,
  data: Dataset,
  out: Float64Array,
): void {
  const d = data.featureDim;
  const scores = new Float64Array(K * M);
  const g = new Float64Array(K * M);
  out.fill(0);
  for (let i = 0; i < data.rows; i++) {
    scoreAll(params, M, K, d, data.features, i * d, scores);
    lossesForExample(code, scores, data.labels[i]!, M, K, lp, 1, g, out);
  }
  for (let m = 0; m < M; m++) out[m] = out[m]! / Math.max(data.rows, 1);
}
