/**
 * Evaluation metrics as xgboost 1.7 computes them (src/metric/elementwise_metric.cu,
 * multiclass_metric.cu, auc.cc; docs/aws-behaviour.md#xgboost), on the predictions after the
 * objective's transform (probabilities for multi-class, raw margins for binary:logitraw),
 * weighted when instance weights are given.
 */
import type { EvalMetric } from './hyperparameters.js';

const EPS = 1e-16;

/** One metric over n rows; `preds` is n × groups for multi-class metrics, n otherwise. */
export function evaluateMetric(
  metric: EvalMetric,
  preds: Float32Array,
  labels: Float32Array,
  weights: Float32Array | undefined,
  groups: number,
): number {
  const n = labels.length;
  const w = (i: number) => (weights ? weights[i]! : 1);
  let sum = 0;
  let wsum = 0;
  switch (metric) {
    case 'rmse':
    case 'mae':
    case 'logloss':
    case 'error':
    case 'poisson-nloglik':
      for (let i = 0; i < n; i++) {
        const y = labels[i]!;
        const p = preds[i]!;
        let e: number;
        switch (metric) {
          case 'rmse':
            e = (y - p) * (y - p);
            break;
          case 'mae':
            e = Math.abs(y - p);
            break;
          case 'logloss': {
            const q = 1 - p;
            if (p < EPS) e = -y * Math.log(EPS) - (1 - y) * Math.log(1 - EPS);
            else if (q < EPS) e = -y * Math.log(1 - EPS) - (1 - y) * Math.log(EPS);
            else e = -y * Math.log(p) - (1 - y) * Math.log(q);
            break;
          }
          case 'error':
            e = p > 0.5 ? 1 - y : y;
            break;
          default: {
            const q = p < EPS ? EPS : p;
            e = logGamma(y + 1) + q - Math.log(q) * y;
          }
        }
        sum += e * w(i);
        wsum += w(i);
      }
      return metric === 'rmse' ? Math.sqrt(sum / wsum) : sum / wsum;
    case 'merror':
    case 'mlogloss':
      for (let i = 0; i < n; i++) {
        const y = labels[i]!;
        if (metric === 'merror') {
          let best = 0;
          for (let k = 1; k < groups; k++) if (preds[i * groups + k]! > preds[i * groups + best]!) best = k;
          sum += (best !== y ? 1 : 0) * w(i);
        } else {
          const p = preds[i * groups + y]!;
          sum += -Math.log(p > EPS ? p : EPS) * w(i);
        }
        wsum += w(i);
      }
      return sum / wsum;
    case 'auc':
      return binaryAuc(preds, labels, weights);
  }
}

/** ROC AUC, ties between equal predictions counted as half (trapezoids over tied groups). */
export function binaryAuc(preds: Float32Array, labels: Float32Array, weights?: Float32Array): number {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => preds[b]! - preds[a]!);
  let tp = 0;
  let fp = 0;
  let area = 0;
  let i = 0;
  while (i < n) {
    let dtp = 0;
    let dfp = 0;
    const p = preds[order[i]!]!;
    while (i < n && preds[order[i]!] === p) {
      const r = order[i]!;
      const w = weights ? weights[r]! : 1;
      dtp += labels[r]! * w;
      dfp += (1 - labels[r]!) * w;
      i++;
    }
    area += dfp * (tp + dtp / 2);
    tp += dtp;
    fp += dfp;
  }
  if (tp === 0 || fp === 0) return Number.NaN;
  return area / (tp * fp);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7): ample for poisson-nloglik shown to 5 decimals. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
