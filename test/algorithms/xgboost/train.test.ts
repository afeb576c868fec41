/**
 * Training pieces that need no python: the container's hyperparameter validation messages and
 * aliases, text/csv and text/libsvm parsing with missing values, the per-round log line and
 * final metrics, early stopping as the container configures it, learned default directions,
 * and determinism.
 */
import { describe, expect, it } from 'vitest';
import { AlgorithmClientError } from '../../../src/algorithms/errors.js';
import { dataFormat, parseChannel, parseCsvData, parseLibsvmData } from '../../../src/algorithms/xgboost/data.js';
import {
  parseXGBoostHyperparameters,
  XGBoostHyperparameterError,
} from '../../../src/algorithms/xgboost/hyperparameters.js';
import { pythonFloat } from '../../../src/algorithms/python-str.js';
import { finalMetrics, formatEvaluationLine } from '../../../src/algorithms/xgboost/log.js';
import { binaryAuc } from '../../../src/algorithms/xgboost/metrics.js';
import { boostedRounds } from '../../../src/algorithms/xgboost/model.js';
import { predict, toMatrix } from '../../../src/algorithms/xgboost/predict.js';
import { quantile, trainXGBoost } from '../../../src/algorithms/xgboost/train.js';
import { synthetic, toCsv } from './reference.js';

const fails = (hp: Record<string, string>) => {
  try {
    parseXGBoostHyperparameters(hp);
  } catch (e) {
    expect(e).toBeInstanceOf(XGBoostHyperparameterError);
    expect(e).toBeInstanceOf(AlgorithmClientError);
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('hyperparameters as the container validates them', () => {
  it('requires num_round, with the container message', () => {
    expect(fails({ eta: '0.1' })).toBe('ClientError: Missing required hyperparameter: num_round');
  });

  it('range, parse, extraneous and dependency messages word for word', () => {
    expect(fails({ num_round: '10', eta: '1.5' })).toBe('ClientError: Hyperparameter eta: 1.5 is not in [0, 1]');
    expect(fails({ num_round: '10', eta: '2' })).toBe('ClientError: Hyperparameter eta: 2.0 is not in [0, 1]');
    expect(fails({ num_round: '0' })).toBe('ClientError: Hyperparameter num_round: 0 is not in [1, +inf)');
    expect(fails({ num_round: '10', subsample: '0' })).toBe(
      'ClientError: Hyperparameter subsample: 0.0 is not in (0, 1]',
    );
    expect(fails({ num_round: '1.5' })).toBe(
      'ClientError: Hyperparameter num_round: could not parse value (caused by ValueError)',
    );
    expect(fails({ num_round: '10', foo: '1' })).toBe('ClientError: Extraneous hyperparameter found: foo');
    expect(fails({ num_round: '10', objective: 'reg:nope' })).toMatch(
      /^ClientError: Hyperparameter objective: reg:nope is not in \['aft_loss_distribution', 'binary:logistic', /,
    );
    expect(fails({ num_round: '10', objective: 'multi:softprob' })).toBe(
      "ClientError: Require input for parameter 'num_class' for multi-classification",
    );
    expect(fails({ num_round: '10', num_class: '3' })).toBe(
      "ClientError: Do not need to setup parameter 'num_class' for learning task other than multi-classification.",
    );
    expect(fails({ num_round: '10', objective: 'reg:squarederror', eval_metric: 'auc' })).toBe(
      "ClientError: Metric 'auc' can only be applied for classification and ranking problems.",
    );
    expect(fails({ num_round: '10', eval_metric: 'rmse,bogus' })).toMatch(
      /^ClientError: Hyperparameter eval_metric: value \['rmse', 'bogus'\] not in range \['accuracy', /,
    );
    expect(fails({ num_round: '10', tree_method: 'fast' })).toBe(
      "ClientError: Hyperparameter tree_method: fast is not in ['auto', 'exact', 'approx', 'hist', 'gpu_hist']",
    );
  });

  it('replaces the aliases before validating', () => {
    const h = parseXGBoostHyperparameters({
      num_round: '7',
      learning_rate: '0.05',
      min_split_loss: '2',
      reg_lambda: '3',
      reg_alpha: '0.5',
    });
    expect([h.numRound, h.eta, h.gamma, h.lambda, h.alpha]).toEqual([7, 0.05, 2, 3, 0.5]);
    expect(fails({ num_round: '7', learning_rate: '3' })).toBe('ClientError: Hyperparameter eta: 3.0 is not in [0, 1]');
  });

  it("has xgboost's defaults and says how other tree methods and idle settings are treated", () => {
    const h = parseXGBoostHyperparameters({ num_round: '5', nthread: '4' });
    expect([
      h.eta,
      h.maxDepth,
      h.minChildWeight,
      h.lambda,
      h.alpha,
      h.gamma,
      h.subsample,
      h.maxBin,
      h.objective,
    ]).toEqual([0.3, 6, 1, 1, 0, 0, 1, 256, 'reg:squarederror']);
    expect(h.notes).toEqual([
      "tree_method 'auto' is trained with mme's 'hist' (the histogram method, max_bin bins per feature)",
      'nthread does not change the model and is ignored',
    ]);
    expect(parseXGBoostHyperparameters({ num_round: '5', tree_method: 'hist' }).notes).toEqual([]);
  });

  it('refuses, by name, settings the container accepts but mme does not train', () => {
    expect(fails({ num_round: '5', booster: 'dart' })).toMatch(/Booster 'dart' is not supported by mme's XGBoost/);
    expect(fails({ num_round: '5', grow_policy: 'lossguide' })).toMatch(/lossguide' is not supported/);
    expect(fails({ num_round: '5', objective: 'reg:gamma' })).toMatch(/Objective 'reg:gamma' is not supported/);
    expect(fails({ num_round: '5', eval_metric: 'aucpr' })).toMatch(/eval_metric 'aucpr' is not supported/);
  });

  it("spells floats as Python's str() does", () => {
    expect([pythonFloat(2), pythonFloat(0.1), pythonFloat(1e-5), pythonFloat(1e16), pythonFloat(-0.5)]).toEqual([
      '2.0',
      '0.1',
      '1e-05',
      '1e+16',
      '-0.5',
    ]);
  });
});

describe('input data', () => {
  it('text/csv: label first, empty field = missing, csv_weights', () => {
    const d = parseCsvData('1,2,,4\n0,,5,6\n', { labeled: true });
    expect(Array.from(d.labels)).toEqual([1, 0]);
    expect(d.x.cols).toBe(3);
    expect(Array.from(d.x.values)).toEqual([2, Number.NaN, 4, Number.NaN, 5, 6]);
    const w = parseCsvData('1,0.5,3\n', { labeled: true, weights: true });
    expect(Array.from(w.weights!)).toEqual([0.5]);
    expect(Array.from(w.x.values)).toEqual([3]);
    expect(() => parseCsvData('1,2\n1,2,3\n', { labeled: true })).toThrow(/row 2: 3 columns, the first row has 2/);
    expect(() => parseCsvData('1,x\n', { labeled: true })).toThrow(/'x' is not a number/);
  });

  it('text/libsvm: absent index = missing; the default content type', () => {
    const d = parseLibsvmData('1 0:1.5 3:2\n0 1:-1\n', { labeled: true });
    expect(d.x.cols).toBe(4);
    expect(Array.from(d.x.values)).toEqual([1.5, Number.NaN, Number.NaN, 2, Number.NaN, -1, Number.NaN, Number.NaN]);
    expect(dataFormat(undefined)).toBe('libsvm');
    expect(dataFormat('text/x-libsvm')).toBe('libsvm');
    expect(dataFormat('text/csv;label_size=1')).toBe('csv');
    expect(() => dataFormat('application/x-recordio-protobuf')).toThrow(AlgorithmClientError);
    expect(parseChannel('1,2\n', 'csv').x.cols).toBe(1);
  });
});

describe('log lines and final metrics', () => {
  it("prints the container's per-round line and reports the last round's values", () => {
    const rounds = [
      {
        round: 0,
        values: [
          { data: 'train' as const, metric: 'rmse', value: 17.365981 },
          { data: 'validation' as const, metric: 'rmse', value: 17.5 },
        ],
      },
      {
        round: 1,
        values: [
          { data: 'train' as const, metric: 'rmse', value: 12.3456789 },
          { data: 'validation' as const, metric: 'rmse', value: 13.000004 },
        ],
      },
    ];
    expect(formatEvaluationLine(rounds[0]!)).toBe('[0]#011train-rmse:17.36598#011validation-rmse:17.50000');
    expect(formatEvaluationLine(rounds[1]!, '\t')).toBe('[1]\ttrain-rmse:12.34568\tvalidation-rmse:13.00000');
    expect(finalMetrics(rounds)).toEqual({ 'train:rmse': 12.34568, 'validation:rmse': 13 });
  });

  it('auc counts ties as half; the quantile interpolates as xgboost', () => {
    expect(binaryAuc(Float32Array.of(0.9, 0.5, 0.5, 0.1), Float32Array.of(1, 1, 0, 0))).toBe(0.875);
    expect(quantile(0.5, Float32Array.of(3, 1, 2, 10))).toBe(2.5);
    expect(quantile(0.5, Float32Array.of(7))).toBe(7);
  });
});

describe('training', () => {
  const data = (task: 'regression' | 'binary', rows: number, seed: number) =>
    parseCsvData(toCsv(synthetic(task, rows, 6, seed)), { labeled: true });

  it('logs a line per round and reports train:/validation: metrics', () => {
    const lines: string[] = [];
    const r = trainXGBoost(
      { train: data('regression', 800, 1), validation: data('regression', 300, 2) },
      { num_round: '5', max_depth: '3' },
      { log: (l) => lines.push(l) },
    );
    expect(lines.filter((l) => l.startsWith('['))).toHaveLength(5);
    expect(lines.at(-1)).toMatch(/^\[4\]#011train-rmse:\d+\.\d{5}#011validation-rmse:\d+\.\d{5}$/);
    expect(Object.keys(r.finalMetrics)).toEqual(['train:rmse', 'validation:rmse']);
    expect(r.history[4]!.values[0]!.value).toBeLessThan(r.history[0]!.values[0]!.value);
    expect(r.model.attributes).toEqual({ best_iteration: '4', best_ntree_limit: '5' });
  });

  it('stops early on the last eval_metric of validation and keeps the best rounds', () => {
    const train = data('regression', 600, 3);
    const validation = data('regression', 300, 4);
    const r = trainXGBoost(
      { train, validation },
      {
        num_round: '500',
        eta: '0.8',
        max_depth: '8',
        min_child_weight: '0',
        early_stopping_rounds: '3',
        eval_metric: 'mae,rmse',
      },
    );
    expect(r.roundsTrained).toBeLessThan(500);
    expect(r.roundsTrained).toBe(r.bestIteration + 1 + 3);
    expect(boostedRounds(r.model)).toBe(r.bestIteration + 1);
    const rmse = r.history.map((h) => h.values.find((v) => v.data === 'validation' && v.metric === 'rmse')!.value);
    expect(Math.min(...rmse)).toBe(rmse[r.bestIteration]);
    expect(r.model.attributes.best_ntree_limit).toBe(String(r.bestIteration + 1));
    expect(Number(r.model.attributes.best_score)).toBe(rmse[r.bestIteration]);
    // The container only installs early stopping when eval_metric is given.
    const noMetric = trainXGBoost(
      { train, validation },
      { num_round: '30', eta: '0.8', max_depth: '8', early_stopping_rounds: '3' },
    );
    expect(noMetric.roundsTrained).toBe(30);
  });

  it('learns the default direction of missing values', () => {
    // the label is 1 exactly when feature 0 is missing
    const rows = Array.from({ length: 400 }, (_, i) => [i % 4 === 0 ? Number.NaN : (i % 7) - 3]);
    const labels = Float32Array.from(rows, (r) => (Number.isNaN(r[0]!) ? 1 : 0));
    const r = trainXGBoost(
      { train: { x: toMatrix(rows), labels } },
      { num_round: '20', objective: 'binary:logistic', max_depth: '2' },
    );
    const p = predict(r.model, toMatrix([[Number.NaN], [0], [2]]));
    expect(p[0]).toBeGreaterThan(0.9);
    expect(p[1]).toBeLessThan(0.1);
    expect(p[2]).toBeLessThan(0.1);
  });

  it('is deterministic for a seed, including row and column sampling', () => {
    const train = data('binary', 500, 5);
    const hp = { num_round: '10', objective: 'binary:logistic', subsample: '0.7', colsample_bytree: '0.5', seed: '3' };
    const a = trainXGBoost({ train }, hp);
    const b = trainXGBoost({ train }, hp);
    expect(Array.from(predict(a.model, train.x))).toEqual(Array.from(predict(b.model, train.x)));
    const c = trainXGBoost({ train }, { ...hp, seed: '4' });
    expect(Array.from(predict(c.model, train.x))).not.toEqual(Array.from(predict(a.model, train.x)));
  });

  it('refuses labels the objective cannot take, as xgboost does', () => {
    const train = data('regression', 50, 6);
    expect(() => trainXGBoost({ train }, { num_round: '2', objective: 'binary:logistic' })).toThrow(
      /label must be in \[0,1\] for logistic regression/,
    );
    expect(() => trainXGBoost({ train }, { num_round: '2', objective: 'multi:softmax', num_class: '3' })).toThrow(
      /label must be in \[0, num_class\)/,
    );
  });
});
