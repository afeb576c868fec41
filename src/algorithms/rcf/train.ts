/**
 * RCF training as the container does it (docs/aws-behaviour.md#random-cut-forest): validate the
 * hyperparameters, read the unlabelled `train` channel, build the forest, score the training
 * data to fix the anomaly threshold at mean + 3σ of its scores (the guide's three-sigma rule,
 * which its hyperparameter tuning uses to label test points), and when a labelled `test`
 * channel is given report the eval_metrics against it: test:accuracy for accuracy,
 * test:precision / test:recall / test:f1 for precision_recall_fscore (anomaly = label 1 =
 * the positive class; f1 is SageMaker's tuning objective).
 *
 * Pure and synchronous: the job runner calls it in a worker thread.
 */
import { parseTrainingCsv } from '../first-party/data.js';
import { pythonFloat } from '../python-str.js';
import type { RcfModel } from './artifact.js';
import { parseUnlabelledCsv } from './data.js';
import { buildForest, scoreForest } from './forest.js';
import { parseRcfHyperparameters, type RcfHyperparameters } from './hyperparameters.js';

export interface RcfChannels {
  train: string | readonly string[];
  test?: string | readonly string[];
  contentTypes?: { train?: string; test?: string };
}

export interface RcfTrainOptions {
  seed?: number;
  log?: (line: string) => void;
}

export interface RcfTrainResult {
  model: RcfModel;
  hyperparameters: RcfHyperparameters;
  log: string[];
  finalMetrics: Record<string, number>;
}

export const RCF_DEFAULT_SEED = 1;

export function trainRcf(
  channels: RcfChannels,
  hyperparameters: Record<string, string>,
  options: RcfTrainOptions = {},
): RcfTrainResult {
  const hp = parseRcfHyperparameters(hyperparameters);
  const log: string[] = [];
  const say = (line: string) => {
    log.push(line);
    options.log?.(line);
  };
  const train = parseUnlabelledCsv(channels.train, hp.featureDim, channels.contentTypes?.train);
  const forest = buildForest(
    train.features,
    train.rows,
    hp.featureDim,
    hp.numTrees,
    hp.numSamplesPerTree,
    options.seed ?? RCF_DEFAULT_SEED,
  );
  say(`#built ${hp.numTrees} trees of up to ${hp.numSamplesPerTree} samples from ${train.rows} training records`);
  const scores = scoreForest(forest, train.features, train.rows);
  const { mean, std } = meanStd(scores);
  const threshold = mean + 3 * std;
  say(
    `#training scores: mean ${pythonFloat(mean)}, std ${pythonFloat(std)}; anomaly threshold ${pythonFloat(threshold)}`,
  );
  const model: RcfModel = {
    meta: {
      version: 1,
      feature_dim: hp.featureDim,
      num_trees: hp.numTrees,
      num_samples_per_tree: hp.numSamplesPerTree,
      score_mean: mean,
      score_std: std,
      threshold,
    },
    forest,
  };
  const finalMetrics: Record<string, number> = {};
  if (channels.test !== undefined) {
    const test = parseTrainingCsv(channels.test, hp.featureDim, {
      contentType: channels.contentTypes?.test,
      channel: 'test',
    });
    const predicted = Array.from(scoreForest(forest, test.features, test.rows), (s) => s > threshold);
    const metrics = classificationMetrics(
      predicted,
      Array.from(test.labels, (y) => y === 1),
    );
    if (hp.evalMetrics.includes('accuracy')) finalMetrics['test:accuracy'] = metrics.accuracy;
    if (hp.evalMetrics.includes('precision_recall_fscore')) {
      finalMetrics['test:precision'] = metrics.precision;
      finalMetrics['test:recall'] = metrics.recall;
      finalMetrics['test:f1'] = metrics.f1;
    }
    for (const [name, value] of Object.entries(finalMetrics)) {
      say(`#test_score (algo-1) : ('${name.slice('test:'.length)}', ${pythonFloat(value)})`);
    }
  }
  return { model, hyperparameters: hp, log, finalMetrics };
}

/** Population mean and standard deviation (numpy's default, ddof=0). */
function meanStd(values: Float64Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / values.length) };
}

/** Anomaly is the positive class; an undefined ratio (no positives) counts as 0, as scikit-learn's zero_division=0. */
function classificationMetrics(predicted: boolean[], actual: boolean[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let hits = 0;
  predicted.forEach((p, i) => {
    const a = actual[i]!;
    if (p === a) hits++;
    if (p && a) tp++;
    else if (p) fp++;
    else if (a) fn++;
  });
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { accuracy: hits / predicted.length, precision, recall, f1 };
}
