/**
 * Linear learner training: num_models linear models trained together by mini-batch SGD, Adam
 * or RMSProp over one shuffled pass of the data per epoch, then the best one kept.
 *
 * Hot loop design (the benchmark trains 1,000 locations × num_models 32): all variants' parameters
 * live in one Float64Array, feature-major (see kernels.ts); each example of a mini-batch is read
 * once and scored by every variant with loops that run across the variants, the gradients
 * accumulate per variant, and one optimiser step per variant ends the batch. About 10 ms of CPU
 * for 1,000 rows × 10 epochs × 32 variants × 10 features.
 * Deterministic for a given seed: shuffling and initialisation draw from one seeded generator.
 */
import { AlgorithmClientError } from '../errors.js';
import { createRandom, shuffleInPlace } from '../random.js';
import type { Dataset } from '../first-party/data.js';
import { validateLabels } from './labels.js';
import type { LinearLearnerHyperparameters } from './hyperparameters.js';
import { accumulateGradient, extractVariant, lossesForExample, scoreAll } from './kernels.js';
import { LOSS_CODES, type LossParams } from './losses.js';
import type { LinearLearnerModel } from './model.js';
import { applyScaling, computeScaling, foldScaling } from './scaling.js';
import { evaluateVariants } from './evaluate.js';
import { selectModel, type TrainingMetrics } from './selection.js';
import { makeSchedule, makeVariants, scheduledRate, type Variant } from './variants.js';

export const DEFAULT_SEED = 1;

interface EpochLog {
  epoch: number;
  /** Best variant's metric this epoch (validation loss, or running training loss). */
  bestLoss: number;
  lossKind: 'validation' | 'train';
}

export interface TrainOptions {
  validation?: Dataset;
  seed?: number;
  onEpoch?: (log: EpochLog) => void;
}

export interface TrainResult {
  model: LinearLearnerModel;
  /** Index of the selected variant and its settings. */
  selected: { index: number } & Variant;
  epochs: EpochLog[];
  metrics: TrainingMetrics;
}

function sampleWeights(data: Dataset, hp: LinearLearnerHyperparameters): Float64Array | undefined {
  if (hp.predictorType === 'binary_classifier' && hp.positiveExampleWeightMult !== 1) {
    let pos = 0;
    for (let i = 0; i < data.rows; i++) pos += data.labels[i]! > 0.5 ? 1 : 0;
    // 'balanced' equalises the classes' total weight; 'auto' is treated the same way here.
    const w =
      typeof hp.positiveExampleWeightMult === 'number'
        ? hp.positiveExampleWeightMult
        : (data.rows - pos) / Math.max(pos, 1);
    return Float64Array.from(data.labels, (y) => (y > 0.5 ? w : 1));
  }
  if (hp.predictorType === 'multiclass_classifier' && hp.balanceMulticlassWeights) {
    const counts = new Float64Array(hp.numClasses);
    for (let i = 0; i < data.rows; i++) counts[data.labels[i]!]++;
    return Float64Array.from(data.labels, (y) => data.rows / (hp.numClasses * counts[y]!));
  }
  return undefined;
}

export function trainLinearLearner(
  hp: LinearLearnerHyperparameters,
  train: Dataset,
  options: TrainOptions = {},
): TrainResult {
  if (train.featureDim !== hp.featureDim) {
    throw new AlgorithmClientError(`The data has ${train.featureDim} features but feature_dim is ${hp.featureDim}`);
  }
  validateLabels(train, hp, 'train');
  if (options.validation) validateLabels(options.validation, hp, 'validation');
  const seed = options.seed ?? DEFAULT_SEED;
  const random = createRandom(seed);
  const scaling = computeScaling(train, hp);
  const data = applyScaling(train, scaling);
  const validation = options.validation && applyScaling(options.validation, scaling);

  const d = hp.featureDim;
  const K = hp.predictorType === 'multiclass_classifier' ? hp.numClasses : 1;
  const P = K * d + K;
  const variants = makeVariants(hp, seed);
  const M = variants.length;
  const code = LOSS_CODES[hp.loss];
  const lp: LossParams = {
    huberDelta: hp.huberDelta,
    lossInsensitivity: hp.lossInsensitivity,
    quantile: hp.quantile,
    margin: hp.margin,
  };
  const weightOf = sampleWeights(train, hp);

  // Feature-major layout (kernels.ts): parameter p of variant m at p * M + m.
  const params = new Float64Array(P * M);
  for (let p = 0; p < K * d; p++) {
    for (let m = 0; m < M; m++) {
      params[p * M + m] =
        hp.initMethod === 'normal' ? random.normal() * hp.initSigma : (2 * random.next() - 1) * hp.initScale;
    }
  }
  if (hp.useBias) params.fill(hp.initBias, K * d * M);
  const state: OptimiserState = {
    grad: new Float64Array(P * M),
    mom1: new Float64Array(P * M),
    mom2: new Float64Array(P * M),
    lr: Float64Array.from(variants, (v) => v.learningRate),
    wd: Float64Array.from(variants, (v) => v.wd),
    l1: Float64Array.from(variants, (v) => v.l1),
    rate: new Float64Array(M),
  };

  const n = data.rows;
  const B = Math.min(hp.miniBatchSize, n);
  const batchesPerEpoch = Math.ceil(n / B);
  const schedule = makeSchedule(hp, hp.epochs * batchesPerEpoch);
  const order = new Uint32Array(n).map((_, i) => i);
  const X = data.features;
  const Y = data.labels;
  const scores = new Float64Array(K * M);
  const g = new Float64Array(K * M);
  const trainLoss = new Float64Array(M);
  const valLoss = new Float64Array(M);
  const bestVal = new Float64Array(M).fill(Infinity);
  const bestParams = validation ? params.slice() : params;
  const epochs: EpochLog[] = [];
  let step = 0;
  let bestSoFar = Infinity;
  let stale = 0;

  for (let epoch = 1; epoch <= hp.epochs; epoch++) {
    shuffleInPlace(order, random);
    trainLoss.fill(0);
    for (let start = 0; start < n; start += B) {
      const end = Math.min(start + B, n);
      let batchWeight = 0;
      for (let r = start; r < end; r++) {
        const i = order[r]!;
        const sw = weightOf ? weightOf[i]! : 1;
        batchWeight += sw;
        scoreAll(params, M, K, d, X, i * d, scores);
        lossesForExample(code, scores, Y[i]!, M, K, lp, sw, g, trainLoss);
        accumulateGradient(state.grad, g, M, K, d, X, i * d);
      }
      step++;
      optimiserStep(hp, params, state, M, P, K * d, batchWeight, step, schedule);
    }

    // Epoch end: the metric early stopping watches, and per-variant best snapshots.
    let epochBest = Infinity;
    if (validation) {
      evaluateVariants(params, M, K, code, lp, validation, valLoss);
      for (let m = 0; m < M; m++) {
        const v = valLoss[m]!;
        if (v < bestVal[m]!) {
          bestVal[m] = v;
          for (let p = 0; p < P; p++) bestParams[p * M + m] = params[p * M + m]!;
        }
        if (v < epochBest) epochBest = v;
      }
    } else {
      for (let m = 0; m < M; m++) epochBest = Math.min(epochBest, trainLoss[m]! / n);
    }
    const log: EpochLog = { epoch, bestLoss: epochBest, lossKind: validation ? 'validation' : 'train' };
    epochs.push(log);
    options.onEpoch?.(log);
    // early_stopping_tolerance: an improvement smaller than this fraction of the best is none.
    if (!Number.isFinite(bestSoFar) || (bestSoFar - epochBest) / Math.abs(bestSoFar) >= hp.earlyStoppingTolerance)
      stale = 0;
    else stale++;
    bestSoFar = Math.min(bestSoFar, epochBest);
    if (stale >= hp.earlyStoppingPatience) break;
  }

  const candidates = validation ? bestParams : params;
  const selection = selectModel(
    hp,
    candidates,
    M,
    K,
    code,
    lp,
    validation ?? data,
    scaling,
    validation ? 'validation' : 'train',
  );
  const chosen = extractVariant(candidates, M, P, selection.index);
  const { weights, bias } = foldScaling(chosen, K, d, scaling);
  const model: LinearLearnerModel = {
    predictorType: hp.predictorType,
    featureDim: d,
    numClasses: hp.predictorType === 'multiclass_classifier' ? hp.numClasses : 1,
    loss: hp.loss,
    weights,
    bias,
    threshold: selection.threshold,
  };
  return {
    model,
    selected: { index: selection.index, ...variants[selection.index]! },
    epochs,
    metrics: selection.metrics,
  };
}

interface OptimiserState {
  grad: Float64Array;
  mom1: Float64Array;
  mom2: Float64Array;
  lr: Float64Array;
  wd: Float64Array;
  l1: Float64Array;
  /** This step's learning rate per variant. */
  rate: Float64Array;
}

/**
 * One update of every variant from the accumulated batch gradient (mean over the batch's
 * example weights), plus wd (L2) and l1 (subgradient) on the weights, bias_wd_mult ×wd and
 * bias_lr_mult on the bias, clip_gradient, then Adam, RMSProp or SGD with momentum.
 */
function optimiserStep(
  hp: LinearLearnerHyperparameters,
  params: Float64Array,
  s: OptimiserState,
  M: number,
  P: number,
  weightCount: number,
  batchWeight: number,
  step: number,
  schedule: ReturnType<typeof makeSchedule>,
): void {
  const { grad, mom1, mom2, wd, l1, rate } = s;
  const inv = 1 / Math.max(batchWeight, 1e-12);
  const { beta1, beta2, eps, momentum, optimizer } = hp;
  const clip = hp.clipGradient ?? Infinity;
  const c1 = 1 - beta1 ** step;
  const c2 = 1 - beta2 ** step;
  for (let m = 0; m < M; m++) rate[m] = scheduledRate(s.lr[m]!, schedule, step - 1);
  for (let p = 0; p < P; p++) {
    const isBias = p >= weightCount;
    if (isBias && !hp.useBias) continue;
    const lrMult = isBias ? hp.biasLrMult : 1;
    const wdMult = isBias ? hp.biasWdMult : 1;
    const l1Mult = isBias ? 0 : 1;
    for (let m = 0; m < M; m++) {
      const idx = p * M + m;
      const w = params[idx]!;
      let gr = grad[idx]! * inv + wd[m]! * wdMult * w;
      if (l1Mult !== 0 && w !== 0) gr += w > 0 ? l1[m]! : -l1[m]!;
      grad[idx] = 0;
      if (gr > clip) gr = clip;
      else if (gr < -clip) gr = -clip;
      const a = rate[m]! * lrMult;
      if (optimizer === 'adam') {
        const m1 = (mom1[idx] = beta1 * mom1[idx]! + (1 - beta1) * gr);
        const m2 = (mom2[idx] = beta2 * mom2[idx]! + (1 - beta2) * gr * gr);
        params[idx] = w - (a * (m1 / c1)) / (Math.sqrt(m2 / c2) + eps);
      } else if (optimizer === 'rmsprop') {
        const m2 = (mom2[idx] = 0.9 * mom2[idx]! + 0.1 * gr * gr);
        params[idx] = w - (a * gr) / (Math.sqrt(m2) + eps);
      } else {
        const v = (mom1[idx] = momentum * mom1[idx]! - a * gr);
        params[idx] = w + v;
      }
    }
  }
}
