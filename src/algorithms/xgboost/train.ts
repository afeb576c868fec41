/**
 * Gradient boosted trees as the SageMaker XGBoost container trains them: `xgb.train` with the
 * validated hyperparameters, the `train` and optional `validation` data watched every round,
 * and early stopping on `validation` (docs/aws-behaviour.md#xgboost):
 *
 * - base_score 0.5 unless given (xgboost 1.7 estimates it only for reg:absoluteerror: the
 *   labels' median), turned into the base margin by the objective;
 * - each round: gradients of the objective, then per output group one tree grown with the
 *   histogram method (updater.ts) on a row sample (`subsample`) and a feature sample
 *   (`colsample_bytree`); reg:absoluteerror then sets each leaf to the median residual of its
 *   rows (xgboost 1.7's adaptive leaves, without eta);
 * - the container only stops early when `early_stopping_rounds`, a validation channel and an
 *   `eval_metric` are all given: it watches the last metric of `eval_metric` on validation,
 *   stops after that many rounds without improvement (auc-like metrics maximised) and keeps
 *   the rounds up to the best one (save_best), recording best_iteration, best_score and
 *   best_ntree_limit; xgboost 1.7 writes best_iteration and best_ntree_limit always.
 *
 * Pure and synchronous (no I/O, no timers): the job runner calls it in a worker thread.
 */
import { AlgorithmClientError } from '../errors.js';
import type { LabeledData } from './data.js';
import {
  metricMaximized,
  metricsOf,
  parseXGBoostHyperparameters,
  type XGBoostHyperparameters,
} from './hyperparameters.js';
import { pythonFloat } from '../python-str.js';
import { finalMetrics, formatEvaluationLine, type EvaluationRound, type MetricValue } from './log.js';
import { evaluateMetric } from './metrics.js';
import type { Tree, XGBoostModel } from './model.js';
import { WRITER_VERSION } from './model.js';
import { gradients, isMulticlass, probToMargin, transform } from './objectives.js';
import { leafValue } from './predict.js';
import { binMatrix, sketchCuts } from './quantile.js';
import { growTree, HistogramPool, type TreeParams } from './updater.js';

export interface TrainData {
  train: LabeledData;
  validation?: LabeledData;
}

export interface TrainOptions {
  /** Receives each log line as it is produced (the job log). */
  log?: (line: string) => void;
}

export interface XGBoostTrainResult {
  model: XGBoostModel;
  history: EvaluationRound[];
  /** Every log line, in order. */
  log: string[];
  /** `train:rmse`, `validation:rmse`, … as SageMaker reports them (FinalMetricDataList). */
  finalMetrics: Record<string, number>;
  /** Rounds trained before stopping (≥ the rounds kept in the model). */
  roundsTrained: number;
  bestIteration: number;
  hyperparameters: XGBoostHyperparameters;
}

/** The customer errors xgboost raises for labels, which the container reports as ClientErrors. */
function checkLabels(h: XGBoostHyperparameters, labels: Float32Array, channel: string): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    switch (h.objective) {
      case 'reg:logistic':
      case 'binary:logistic':
      case 'binary:logitraw':
        if (!(y >= 0 && y <= 1))
          throw new AlgorithmClientError(
            `label must be in [0,1] for logistic regression (channel ${channel}, row ${i + 1}: ${y})`,
          );
        break;
      case 'multi:softmax':
      case 'multi:softprob':
        if (!(Number.isInteger(y) && y >= 0 && y < h.numClass))
          throw new AlgorithmClientError(
            `label must be in [0, num_class), num_class=${h.numClass} (channel ${channel}, row ${i + 1}: ${y})`,
          );
        break;
      case 'count:poisson':
        if (!(y >= 0))
          throw new AlgorithmClientError(
            `Check failed: label_correct PoissonRegression: label must be nonnegative (channel ${channel}, row ${i + 1}: ${y})`,
          );
        break;
      default:
        if (!Number.isFinite(y))
          throw new AlgorithmClientError(`label must be a finite number (channel ${channel}, row ${i + 1}: ${y})`);
    }
  }
}

/** common::Quantile of xgboost (linear interpolation at alpha·(n+1)), or the weighted variant. */
export function quantile(alpha: number, values: Float32Array | Float64Array, weights?: Float32Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const val = (i: number) => values[order[i]!]!;
  if (weights) {
    // WeightedQuantile: the first value whose cumulative weight reaches alpha × total.
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[order[i]!]!;
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += weights[order[i]!]!;
      if (acc >= alpha * total) return val(i);
    }
    return val(n - 1);
  }
  if (alpha <= 1 / (n + 1)) return val(0);
  if (alpha >= n / (n + 1)) return val(n - 1);
  const x = alpha * (n + 1);
  const k = Math.floor(x) - 1;
  const d = x - 1 - k;
  return Math.fround(val(k) + d * (val(k + 1) - val(k)));
}

/** A small seeded generator (mulberry32): row and column sampling, the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Train. `hyperparameters` are the job's strings (validated as the container does) or already parsed. */
export function trainXGBoost(
  data: TrainData,
  hyperparameters: Readonly<Record<string, string>> | XGBoostHyperparameters,
  options: TrainOptions = {},
): XGBoostTrainResult {
  const h =
    'numRound' in hyperparameters
      ? (hyperparameters as XGBoostHyperparameters)
      : parseXGBoostHyperparameters(hyperparameters as Record<string, string>);
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    options.log?.(line);
  };
  for (const note of h.notes) log(note);
  const { train, validation } = data;
  const n = train.x.rows;
  const cols = train.x.cols;
  if (n === 0) throw new AlgorithmClientError('No data in train channel');
  checkLabels(h, train.labels, 'train');
  if (validation) checkLabels(h, validation.labels, 'validation');
  log(`Train matrix has ${n} rows and ${cols} columns`);
  if (validation) log(`Validation matrix has ${validation.x.rows} rows`);

  const groups = isMulticlass(h.objective) ? h.numClass : 1;
  const baseScore =
    h.baseScore ?? (h.objective === 'reg:absoluteerror' ? quantile(0.5, train.labels, train.weights) : 0.5);
  const baseMargin = probToMargin(h.objective, baseScore);
  const metrics = metricsOf(h);
  const treeParams: TreeParams = {
    eta: h.eta,
    maxDepth: h.maxDepth,
    minChildWeight: h.minChildWeight,
    lambda: h.lambda,
    alpha: h.alpha,
    gamma: h.gamma,
    maxDeltaStep: h.maxDeltaStep,
  };

  const cuts = sketchCuts(train.x.values, n, cols, h.maxBin, train.weights);
  const binned = binMatrix(train.x.values, n, cols, cuts);
  // one spare slot: the histogram bin of missing values (see BinnedMatrix)
  const pool = new HistogramPool((cuts.totalBins + 1) * 2);
  const random = rng(h.seed);

  const trainMargin = new Float32Array(n * groups).fill(baseMargin);
  const validMargin = validation ? new Float32Array(validation.x.rows * groups).fill(baseMargin) : undefined;
  const gradAll = new Float32Array(n * groups);
  const hessAll = new Float32Array(n * groups);
  const gh = new Float64Array(2 * n);
  const identity = new Uint32Array(n);
  for (let r = 0; r < n; r++) identity[r] = r;
  const inSample = new Uint8Array(n);
  const trees: Tree[] = [];
  const treeInfo: number[] = [];
  const history: EvaluationRound[] = [];
  const earlyStopping = h.earlyStoppingRounds !== undefined && validation !== undefined && h.evalMetric.length > 0;
  const watched = h.evalMetric[h.evalMetric.length - 1];
  const maximize = watched !== undefined && metricMaximized(watched);
  let bestScore = Number.NaN;
  let bestIteration = -1;
  let sinceBest = 0;
  let rounds = 0;

  const allFeatures = Int32Array.from({ length: cols }, (_, i) => i);
  const f = Math.fround;
  for (let round = 0; round < h.numRound; round++) {
    gradients(
      h.objective,
      trainMargin,
      train.labels,
      train.weights,
      groups,
      { scalePosWeight: h.scalePosWeight, maxDeltaStep: h.poissonMaxDeltaStep },
      gradAll,
      hessAll,
    );
    for (let k = 0; k < groups; k++) {
      // row sample (per tree, as xgboost samples per updater call), feature sample per tree
      let rows: Uint32Array;
      if (h.subsample < 1) {
        const picked: number[] = [];
        for (let r = 0; r < n; r++) {
          inSample[r] = random() < h.subsample ? 1 : 0;
          if (inSample[r]) picked.push(r);
        }
        rows = Uint32Array.from(picked);
      } else {
        rows = identity;
        inSample.fill(1);
      }
      let features = allFeatures;
      if (h.colsampleBytree < 1) {
        const want = Math.max(1, Math.floor(h.colsampleBytree * cols));
        const shuffled = Array.from(allFeatures);
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        features = Int32Array.from(shuffled.slice(0, want).sort((a, b) => a - b));
      }
      for (let r = 0; r < n; r++) {
        gh[r << 1] = gradAll[r * groups + k]!;
        gh[(r << 1) + 1] = hessAll[r * groups + k]!;
      }
      const grown = growTree(binned, gh, rows, features, treeParams, pool);
      const tree = grown.tree;
      if (h.objective === 'reg:absoluteerror') {
        // Adaptive leaves: each leaf becomes the median residual of its (sampled) rows.
        for (let node = 0; node < tree.left.length; node++) {
          if (tree.left[node] !== -1) continue;
          const b = grown.leafBegin[node]!;
          const e = grown.leafEnd[node]!;
          if (e <= b) continue;
          const residual = new Float32Array(e - b);
          const w = train.weights ? new Float32Array(e - b) : undefined;
          for (let i = b; i < e; i++) {
            const r = grown.rowIndex[i]!;
            residual[i - b] = train.labels[r]! - trainMargin[r]!;
            if (w) w[i - b] = train.weights![r]!;
          }
          tree.splitCondition[node] = quantile(0.5, residual, w);
        }
      }
      // update the training margins: sampled rows from the partition, the others by traversal
      for (let node = 0; node < tree.left.length; node++) {
        if (tree.left[node] !== -1) continue;
        const v = tree.splitCondition[node]!;
        for (let i = grown.leafBegin[node]!; i < grown.leafEnd[node]!; i++) {
          const idx = grown.rowIndex[i]! * groups + k;
          trainMargin[idx] = f(trainMargin[idx]! + v);
        }
      }
      if (rows.length < n) {
        for (let r = 0; r < n; r++) {
          if (inSample[r]) continue;
          const idx = r * groups + k;
          trainMargin[idx] = f(trainMargin[idx]! + leafValue(tree, train.x.values, r * cols, cols));
        }
      }
      if (validation && validMargin) {
        const vc = validation.x.cols;
        for (let r = 0; r < validation.x.rows; r++) {
          const idx = r * groups + k;
          validMargin[idx] = f(validMargin[idx]! + leafValue(tree, validation.x.values, r * vc, vc));
        }
      }
      trees.push(tree);
      treeInfo.push(k);
    }
    rounds = round + 1;

    const values: MetricValue[] = [];
    const evalOn = (name: 'train' | 'validation', margin: Float32Array, d: LabeledData) => {
      const preds = evalTransform(h, margin, groups);
      for (const m of metrics)
        values.push({ data: name, metric: m, value: evaluateMetric(m, preds, d.labels, d.weights, groups) });
    };
    evalOn('train', trainMargin, train);
    if (validation && validMargin) evalOn('validation', validMargin, validation);
    const record = { round, values };
    history.push(record);
    log(formatEvaluationLine(record));

    if (earlyStopping) {
      const score = values.find((v) => v.data === 'validation' && v.metric === watched)!.value;
      const better = bestIteration < 0 || (maximize ? score > bestScore : score < bestScore);
      if (better) {
        bestScore = score;
        bestIteration = round;
        sinceBest = 0;
      } else if (++sinceBest >= h.earlyStoppingRounds!) {
        break;
      }
    }
  }

  let kept = rounds;
  const attributes: Record<string, string> = {};
  if (earlyStopping) {
    kept = bestIteration + 1;
    attributes.best_score = pythonFloat(bestScore);
  } else {
    bestIteration = rounds - 1;
  }
  attributes.best_iteration = String(bestIteration);
  attributes.best_ntree_limit = String(bestIteration + 1);

  const model: XGBoostModel = {
    objective: h.objective,
    numClass: isMulticlass(h.objective) ? h.numClass : 0,
    numFeature: cols,
    baseScore: f(baseScore),
    trees: trees.slice(0, kept * groups),
    treeInfo: Int32Array.from(treeInfo.slice(0, kept * groups)),
    numParallelTree: 1,
    attributes,
    objectiveParams: objectiveParams(h),
    featureNames: [],
    featureTypes: [],
    version: WRITER_VERSION,
  };
  return {
    model,
    history,
    log: lines,
    finalMetrics: finalMetrics(history),
    roundsTrained: rounds,
    bestIteration,
    hyperparameters: h,
  };
}

/** Predictions metrics are computed on: probabilities for multi:softmax too (EvalTransform). */
function evalTransform(h: XGBoostHyperparameters, margin: Float32Array, groups: number): Float32Array {
  const copy = Float32Array.from(margin);
  return transform(h.objective === 'multi:softmax' ? 'multi:softprob' : h.objective, copy, groups);
}

function objectiveParams(h: XGBoostHyperparameters): Record<string, string> {
  switch (h.objective) {
    case 'count:poisson':
      return { max_delta_step: String(Math.fround(h.poissonMaxDeltaStep)) };
    case 'multi:softmax':
    case 'multi:softprob':
      return { num_class: String(h.numClass) };
    case 'reg:absoluteerror':
      return {};
    default:
      return { scale_pos_weight: String(h.scalePosWeight) };
  }
}
