/**
 * Random Cut Forest hyperparameters as the SageMaker guide lists them ("RCF Hyperparameters";
 * docs/aws-behaviour.md#random-cut-forest): feature_dim (required, 1–10000), num_trees
 * (50–1000, default 100), num_samples_per_tree (1–2048, default 256), eval_metrics (a list of
 * accuracy and precision_recall_fscore, default both). mini_batch_size is accepted and
 * ignored: the SageMaker Python SDK sends it (its RandomCutForest estimator fixes it at 1000).
 */
import { hyperparameterValidationError } from '../errors.js';
import { parseFirstPartyHyperparameters, type Spec } from '../first-party/hyperparameters.js';

type RcfEvalMetric = 'accuracy' | 'precision_recall_fscore';
const EVAL_METRICS: readonly RcfEvalMetric[] = ['accuracy', 'precision_recall_fscore'];

export interface RcfHyperparameters {
  featureDim: number;
  numTrees: number;
  numSamplesPerTree: number;
  evalMetrics: RcfEvalMetric[];
}

const SPECS: Record<string, Spec> = {
  feature_dim: { type: 'integer', min: 1, max: 10_000, default: '' },
  num_trees: { type: 'integer', min: 50, max: 1000, default: 100 },
  num_samples_per_tree: { type: 'integer', min: 1, max: 2048, default: 256 },
  mini_batch_size: { type: 'integer', min: 1, default: 1000 },
};

export function parseRcfHyperparameters(input: Record<string, string>): RcfHyperparameters {
  const { eval_metrics: evalMetrics, ...rest } = input;
  const v = parseFirstPartyHyperparameters(rest, SPECS, ['feature_dim']);
  return {
    featureDim: v.feature_dim as number,
    numTrees: v.num_trees as number,
    numSamplesPerTree: v.num_samples_per_tree as number,
    evalMetrics: evalMetrics === undefined ? [...EVAL_METRICS] : parseEvalMetrics(evalMetrics),
  };
}

/** A JSON list (`["accuracy"]`), a Python list (`['accuracy']`) or a comma-separated string. */
function parseEvalMetrics(raw: string): RcfEvalMetric[] {
  const names = raw
    .replace(/^\s*\[|\]\s*$/g, '')
    .split(',')
    .map((s) => s.trim().replace(/^["']|["']$/g, ''))
    .filter((s) => s !== '');
  for (const name of names) {
    if (!EVAL_METRICS.includes(name as RcfEvalMetric)) {
      throw hyperparameterValidationError(
        `The value '${name}' is not valid for the 'eval_metrics' hyperparameter which accepts one of the following: ` +
          EVAL_METRICS.map((m) => `'${m}'`).join(', '),
      );
    }
  }
  return [...new Set(names)] as RcfEvalMetric[];
}
