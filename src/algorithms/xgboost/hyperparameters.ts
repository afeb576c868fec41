/**
 * Hyperparameters as the SageMaker XGBoost container validates them
 * (sagemaker_algorithm_toolkit/hyperparameter_validation.py and
 * algorithm_mode/hyperparameter_validation.py at v1.7-1; docs/aws-behaviour.md#xgboost):
 * aliases replaced first (learning_rate → eta, min_split_loss → gamma, reg_lambda → lambda,
 * reg_alpha → alpha), then "Missing required hyperparameter: num_round", then each value
 * parsed ("Extraneous hyperparameter found: x", "Hyperparameter x: could not parse value"),
 * then ranges ("Hyperparameter eta: 1.5 is not in [0, 1]"), then dependencies. The messages
 * are the container's, word for word, with Python's spelling of values.
 *
 * Then mme's own limits, also as ClientErrors: settings the container accepts but mme does not
 * train (another booster, lossguide growth, constraints, …) are refused by name; settings that
 * do not change the model (nthread, verbosity, …) are accepted and reported as ignored;
 * tree_method auto/exact/approx/gpu_hist are trained with hist and reported.
 */
import { pythonFloat } from '../python-str.js';
import { AlgorithmClientError } from '../errors.js';
import { canonicalObjective, defaultMetric, isMulticlass, type ObjectiveName } from './objectives.js';

/** A hyperparameter the container (or mme) refuses: its message becomes the FailureReason. */
export class XGBoostHyperparameterError extends AlgorithmClientError {
  constructor(message: string) {
    super(message);
    this.name = 'XGBoostHyperparameterError';
  }
}

export const EVAL_METRICS = [
  'rmse',
  'mae',
  'logloss',
  'error',
  'auc',
  'merror',
  'mlogloss',
  'poisson-nloglik',
] as const;
export type EvalMetric = (typeof EVAL_METRICS)[number];

/** The container's metric lists (constants/xgb_constants.py), for its range message and maximize. */
const MAXIMIZE = [
  'accuracy',
  'auc',
  'aucpr',
  'balanced_accuracy',
  'f1',
  'f1_binary',
  'f1_macro',
  'map',
  'ndcg',
  'precision',
  'r2',
  'recall',
  'precision_macro',
  'precision_micro',
  'recall_macro',
  'recall_micro',
];
const MINIMIZE = [
  'aft-nloglik',
  'cox-nloglik',
  'error',
  'gamma-deviance',
  'gamma-nloglik',
  'interval-regression-accuracy',
  'logloss',
  'mae',
  'mape',
  'merror',
  'mlogloss',
  'mphe',
  'mse',
  'poisson-nloglik',
  'rmse',
  'rmsle',
  'tweedie-nloglik',
];

export function metricMaximized(metric: string): boolean {
  return MAXIMIZE.includes(metric);
}

/** The container's objective list at v1.7-1 (reg:absoluteerror was added after; accepted here). */
const CONTAINER_OBJECTIVES = [
  'aft_loss_distribution',
  'binary:logistic',
  'binary:logitraw',
  'binary:hinge',
  'count:poisson',
  'multi:softmax',
  'multi:softprob',
  'rank:pairwise',
  'rank:ndcg',
  'rank:map',
  'reg:linear',
  'reg:squarederror',
  'reg:logistic',
  'reg:gamma',
  'reg:pseudohubererror',
  'reg:squaredlogerror',
  'reg:absoluteerror',
  'reg:tweedie',
  'survival:aft',
  'survival:cox',
];

export interface XGBoostHyperparameters {
  numRound: number;
  objective: ObjectiveName;
  numClass: number;
  eta: number;
  maxDepth: number;
  minChildWeight: number;
  gamma: number;
  lambda: number;
  alpha: number;
  subsample: number;
  colsampleBytree: number;
  maxBin: number;
  /** undefined = xgboost's default (0.5; the labels' median for reg:absoluteerror). */
  baseScore: number | undefined;
  scalePosWeight: number;
  /** Tree weight clipping (0 = none). */
  maxDeltaStep: number;
  /** count:poisson's own max_delta_step (PoissonRegressionParam, default 0.7) for its hessian. */
  poissonMaxDeltaStep: number;
  seed: number;
  earlyStoppingRounds: number | undefined;
  /** As given (the container's early stopping watches the last one); empty = objective's default. */
  evalMetric: EvalMetric[];
  csvWeights: boolean;
  /** Lines for the job log: how mme treats settings it does not train with. */
  notes: string[];
}

type Kind =
  | { type: 'int'; min?: [number, boolean]; max?: [number, boolean] }
  | { type: 'float'; min?: [number, boolean]; max?: [number, boolean] }
  | { type: 'cat'; values: string[] }
  | { type: 'list'; values: string[] }
  | { type: 'free' };

const closed = (v: number): [number, boolean] => [v, true];
const open = (v: number): [number, boolean] => [v, false];
const int = (min?: [number, boolean], max?: [number, boolean]): Kind => ({ type: 'int', min, max });
const float = (min?: [number, boolean], max?: [number, boolean]): Kind => ({ type: 'float', min, max });
const cat = (...values: string[]): Kind => ({ type: 'cat', values });

/** Every hyperparameter the v1.7-1 container declares, in its order. */
const SPECS: Array<[string, Kind]> = [
  ['num_round', int(closed(1))],
  ['csv_weights', int(closed(0), closed(1))],
  ['early_stopping_rounds', int(closed(1))],
  ['booster', cat('gbtree', 'gblinear', 'dart')],
  ['verbosity', int(closed(0), closed(3))],
  ['nthread', int(closed(1))],
  ['eta', float(closed(0), closed(1))],
  ['gamma', float(closed(0))],
  ['max_depth', int(closed(0))],
  ['min_child_weight', float(closed(0))],
  ['max_delta_step', float(closed(0))],
  ['subsample', float(open(0), closed(1))],
  ['colsample_bytree', float(open(0), closed(1))],
  ['colsample_bylevel', float(open(0), closed(1))],
  ['colsample_bynode', float(open(0), closed(1))],
  ['lambda', float(closed(0))],
  ['alpha', float(closed(0))],
  ['tree_method', cat('auto', 'exact', 'approx', 'hist', 'gpu_hist')],
  ['sketch_eps', float(open(0), open(1))],
  ['scale_pos_weight', float(open(0))],
  [
    'updater',
    {
      type: 'list',
      values: [
        'grow_colmaker',
        'distcol',
        'grow_histmaker',
        'grow_skmaker',
        'sync',
        'refresh',
        'prune',
        'grow_colmaker',
        'distcol',
        'grow_histmaker',
        'grow_colmaker',
        'shotgun',
        'coord_descent',
        'refresh',
        'prune',
      ],
    },
  ],
  ['dsplit', cat('row', 'col')],
  ['refresh_leaf', int(closed(0), closed(1))],
  ['process_type', cat('default', 'update')],
  ['grow_policy', cat('depthwise', 'lossguide')],
  ['max_leaves', int(closed(0))],
  ['max_bin', int(closed(0))],
  ['predictor', cat('auto', 'cpu_predictor', 'gpu_predictor')],
  ['monotone_constraints', { type: 'free' }],
  ['interaction_constraints', { type: 'free' }],
  ['sample_type', cat('uniform', 'weighted')],
  ['normalize_type', cat('tree', 'forest')],
  ['rate_drop', float(closed(0), closed(1))],
  ['one_drop', int(closed(0), closed(1))],
  ['skip_drop', float(closed(0), closed(1))],
  ['lambda_bias', float(closed(0), closed(1))],
  ['tweedie_variance_power', float(open(1), open(2))],
  ['objective', cat(...CONTAINER_OBJECTIVES)],
  ['num_class', int(closed(2))],
  ['base_score', float(closed(0))],
  ['_kfold', int(closed(2))],
  ['_num_cv_round', int(closed(1))],
  ['_tuning_objective_metric', { type: 'free' }],
  ['eval_metric', { type: 'list', values: [...MAXIMIZE, ...MINIMIZE] }],
  ['seed', int(open(-(2 ** 31)), open(2 ** 31 - 1))],
  ['num_parallel_tree', int(closed(1))],
  ['save_model_on_termination', cat('true', 'false')],
  ['aft_loss_distribution', cat('normal', 'logistic', 'extreme')],
  ['aft_loss_distribution_scale', float(closed(0))],
  ['deterministic_histogram', cat('true', 'false')],
  ['sampling_method', cat('uniform', 'gradient_based')],
  ['prob_buffer_row', int(open(1))],
  ['use_dask_gpu_training', cat('true', 'false')],
];
const SPEC = new Map(SPECS);
const ALIASES: Record<string, string> = {
  learning_rate: 'eta',
  min_split_loss: 'gamma',
  reg_lambda: 'lambda',
  reg_alpha: 'alpha',
};

/** Python's str() of a list of strings. */
const pythonList = (items: readonly string[]) => `[${items.map((s) => `'${s}'`).join(', ')}]`;

function intervalText(min?: [number, boolean], max?: [number, boolean]): string {
  const lo = min ? `${min[1] ? '[' : '('}${min[0]}, ` : '(-inf, ';
  const hi = max ? `${max[0]}${max[1] ? ']' : ')'}` : '+inf)';
  return lo + hi;
}

const inInterval = (v: number, min?: [number, boolean], max?: [number, boolean]) =>
  !((min && (min[1] ? v < min[0] : v <= min[0])) || (max && (max[1] ? v > max[0] : v >= max[0])));

/** Python int(): optional sign and digits (underscores between digits), surrounding blanks. */
function parsePythonInt(s: string): number | undefined {
  const t = s.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(t)) return undefined;
  return Number(t.replace(/_/g, ''));
}

/** Python float(): decimal or exponent forms, inf/nan spellings. */
function parsePythonFloat(s: string): number | undefined {
  const t = s.trim().toLowerCase().replace(/_/g, '');
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

type Parsed = number | string | string[];

/** Validate as the container does; returns the parsed values by canonical name. */
export function validateContainerHyperparameters(input: Readonly<Record<string, string>>): Map<string, Parsed> {
  const user = new Map<string, string>();
  for (const [k, v] of Object.entries(input)) user.set(ALIASES[k] ?? k, String(v));
  for (const [name] of SPECS) {
    if (name === 'num_round' && !user.has(name))
      throw new XGBoostHyperparameterError(`Missing required hyperparameter: ${name}`);
  }
  const parsed = new Map<string, Parsed>();
  for (const [name, raw] of user) {
    const kind = SPEC.get(name);
    if (!kind) throw new XGBoostHyperparameterError(`Extraneous hyperparameter found: ${name}`);
    let value: Parsed | undefined;
    switch (kind.type) {
      case 'int':
        value = parsePythonInt(raw);
        break;
      case 'float':
        value = parsePythonFloat(raw);
        break;
      case 'list':
        value = raw.split(',');
        break;
      default:
        value = raw;
    }
    if (value === undefined)
      throw new XGBoostHyperparameterError(`Hyperparameter ${name}: could not parse value (caused by ValueError)`);
    parsed.set(name, value);
  }
  for (const [name, value] of parsed) {
    const kind = SPEC.get(name)!;
    if ((kind.type === 'int' || kind.type === 'float') && !inInterval(value as number, kind.min, kind.max)) {
      const shown = kind.type === 'float' ? pythonFloat(value as number) : String(value);
      throw new XGBoostHyperparameterError(
        `Hyperparameter ${name}: ${shown} is not in ${intervalText(kind.min, kind.max)}`,
      );
    }
    if (kind.type === 'cat' && !kind.values.includes(value as string)) {
      throw new XGBoostHyperparameterError(
        `Hyperparameter ${name}: ${String(value)} is not in ${pythonList(kind.values)}`,
      );
    }
    if (kind.type === 'list') {
      const items = value as string[];
      if (name === 'eval_metric') {
        for (const m of items) {
          if (m.includes('@')) {
            const [metric, threshold] = m.split('@').map((s) => s.trim()) as [string, string];
            if (!['error', 'ndcg', 'map'].includes(metric)) {
              throw new XGBoostHyperparameterError(
                `Metric '${m}' is not supported. Parameter 'eval_metric' with customized threshold should be one of these options: 'error', 'ndcg', 'map'.`,
              );
            }
            if (parsePythonFloat(threshold) === undefined)
              throw new XGBoostHyperparameterError(`Threshold value 't' in '${metric}@t' expects float input.`);
          }
        }
        const bad = items.filter((m) => !m.includes('@') && !kind.values.includes(m));
        if (bad.length > 0)
          throw new XGBoostHyperparameterError(
            `Hyperparameter ${name}: value ${pythonList(items)} not in range ${pythonList(kind.values)}`,
          );
      } else if (items.some((m) => !kind.values.includes(m))) {
        throw new XGBoostHyperparameterError(
          `Hyperparameter ${name}: value ${pythonList(items)} not in range ${pythonList(kind.values)}`,
        );
      }
    }
  }
  // Dependencies (objective_validator, eval_metric_dep_validator).
  const objective = parsed.get('objective') as string | undefined;
  if ((objective === 'multi:softmax' || objective === 'multi:softprob') && !parsed.has('num_class')) {
    throw new XGBoostHyperparameterError("Require input for parameter 'num_class' for multi-classification");
  }
  if (objective === undefined && parsed.has('num_class')) {
    throw new XGBoostHyperparameterError(
      "Do not need to setup parameter 'num_class' for learning task other than multi-classification.",
    );
  }
  const metrics = parsed.get('eval_metric') as string[] | undefined;
  if (metrics?.includes('auc') && !['binary:', 'rank:'].some((p) => (objective ?? 'reg:squarederror').startsWith(p))) {
    throw new XGBoostHyperparameterError("Metric 'auc' can only be applied for classification and ranking problems.");
  }
  return parsed;
}

/** Settings that do not change the trained model: accepted, reported as ignored. */
const IGNORED = [
  'nthread',
  'verbosity',
  'predictor',
  'sketch_eps',
  'deterministic_histogram',
  'save_model_on_termination',
  'dsplit',
  'prob_buffer_row',
  'use_dask_gpu_training',
  '_tuning_objective_metric',
];

/** Container validation, then mme's: the typed hyperparameters training uses. */
export function parseXGBoostHyperparameters(input: Readonly<Record<string, string>>): XGBoostHyperparameters {
  const p = validateContainerHyperparameters(input);
  const notes: string[] = [];
  const num = (name: string, fallback: number) => (p.has(name) ? (p.get(name) as number) : fallback);
  const refuse = (what: string) => {
    throw new XGBoostHyperparameterError(
      `${what} is not supported by mme's XGBoost (see docs/aws-behaviour.md#xgboost)`,
    );
  };

  const objectiveName = (p.get('objective') as string | undefined) ?? 'reg:squarederror';
  const objective = canonicalObjective(objectiveName);
  if (!objective) refuse(`Objective '${objectiveName}'`);
  const booster = p.get('booster') as string | undefined;
  if (booster && booster !== 'gbtree') refuse(`Booster '${booster}'`);
  if (p.get('grow_policy') === 'lossguide') refuse("grow_policy 'lossguide'");
  for (const name of ['max_leaves', 'colsample_bylevel', 'colsample_bynode', 'num_parallel_tree']) {
    const v = p.get(name) as number | undefined;
    if (v !== undefined && v !== (name === 'max_leaves' ? 0 : 1)) refuse(`Hyperparameter ${name}`);
  }
  for (const name of [
    'monotone_constraints',
    'interaction_constraints',
    'updater',
    '_kfold',
    '_num_cv_round',
    'sampling_method',
    'refresh_leaf',
    'process_type',
    'sample_type',
    'normalize_type',
    'rate_drop',
    'one_drop',
    'skip_drop',
    'lambda_bias',
    'tweedie_variance_power',
    'aft_loss_distribution',
    'aft_loss_distribution_scale',
  ]) {
    if (p.has(name)) refuse(`Hyperparameter ${name}`);
  }
  const treeMethod = (p.get('tree_method') as string | undefined) ?? 'auto';
  if (treeMethod !== 'hist')
    notes.push(
      `tree_method '${treeMethod}' is trained with mme's 'hist' (the histogram method, max_bin bins per feature)`,
    );
  for (const name of IGNORED) if (p.has(name)) notes.push(`${name} does not change the model and is ignored`);

  const numClass = num('num_class', 0);
  if (!isMulticlass(objective!) && numClass !== 0) notes.push(`num_class is ignored for ${objective}`);
  const evalMetric = ((p.get('eval_metric') as string[] | undefined) ?? []).map((m) => m.trim());
  for (const m of evalMetric) {
    if (!(EVAL_METRICS as readonly string[]).includes(m)) refuse(`eval_metric '${m}'`);
  }
  const maxBin = num('max_bin', 256);
  if (maxBin > 65534) refuse('max_bin above 65534');
  if (maxBin < 2)
    throw new XGBoostHyperparameterError('Hyperparameter max_bin: must be at least 2 for the histogram method');
  const baseScore = p.has('base_score') ? Math.fround(p.get('base_score') as number) : undefined;
  if (
    baseScore !== undefined &&
    (objective === 'binary:logistic' || objective === 'reg:logistic') &&
    !(baseScore > 0 && baseScore < 1)
  ) {
    // The library's own check, which the container reports as a ClientError (CUSTOMER_ERRORS).
    throw new XGBoostHyperparameterError(
      'Check failed: base_score > 0.0f && base_score < 1.0f base_score must be in (0,1) for logistic loss',
    );
  }
  return {
    numRound: num('num_round', 0),
    objective: objective!,
    numClass: isMulticlass(objective!) ? numClass : 0,
    eta: num('eta', 0.3),
    maxDepth: num('max_depth', 6),
    minChildWeight: num('min_child_weight', 1),
    gamma: num('gamma', 0),
    lambda: num('lambda', 1),
    alpha: num('alpha', 0),
    subsample: num('subsample', 1),
    colsampleBytree: num('colsample_bytree', 1),
    maxBin,
    baseScore,
    scalePosWeight: num('scale_pos_weight', 1),
    // The learner copies Poisson's default 0.7 into the tree parameter too (learner.cc
    // "max_delta_step is a duplicated parameter in Poisson regression and tree param").
    maxDeltaStep: num('max_delta_step', objective === 'count:poisson' ? 0.7 : 0),
    poissonMaxDeltaStep: num('max_delta_step', 0.7),
    seed: num('seed', 0),
    earlyStoppingRounds: p.has('early_stopping_rounds') ? (p.get('early_stopping_rounds') as number) : undefined,
    evalMetric: evalMetric as EvalMetric[],
    csvWeights: num('csv_weights', 0) === 1,
    notes,
  };
}

/** Metrics evaluated each round: the user's, else the objective's default. */
export function metricsOf(h: XGBoostHyperparameters): EvalMetric[] {
  return h.evalMetric.length > 0 ? h.evalMetric : [defaultMetric(h.objective) as EvalMetric];
}
