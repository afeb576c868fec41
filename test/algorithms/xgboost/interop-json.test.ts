/**
 * Scoring parity with xgboost 1.7.4: python trains models (regression, binary, multi-class,
 * Poisson; ≥ 2,000 rows with missing values; early stopping where the container would use it),
 * saves JSON and UBJSON, and predicts; mme loads each file and must predict the same to a
 * relative 1e-6. Skipped, with the reason printed, where python3-xgboost is absent.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../../src/algorithms/xgboost/load.js';
import { boostedRounds, containerRounds } from '../../../src/algorithms/xgboost/model.js';
import { predict, predictWidth, toMatrix } from '../../../src/algorithms/xgboost/predict.js';
import {
  python,
  runReference,
  synthetic,
  warnIfNoPython,
  worstRelative,
  writeCsv,
  writeParams,
  type Task,
} from './reference.js';

warnIfNoPython('xgboost JSON/UBJSON scoring parity');

interface Case {
  name: string;
  task: Task;
  params: Record<string, unknown>;
}

const CASES: Case[] = [
  {
    name: 'reg:squarederror, depth 6, hist',
    task: 'regression',
    params: { objective: 'reg:squarederror', num_round: 30, max_depth: 6, tree_method: 'hist' },
  },
  {
    name: 'reg:squarederror, early stopping',
    task: 'regression',
    params: {
      objective: 'reg:squarederror',
      num_round: 300,
      eta: 0.5,
      max_depth: 8,
      tree_method: 'hist',
      early_stopping_rounds: 3,
      eval_metric: 'rmse',
    },
  },
  {
    name: 'reg:absoluteerror',
    task: 'regression',
    params: { objective: 'reg:absoluteerror', num_round: 20, max_depth: 4, tree_method: 'hist' },
  },
  { name: 'reg:logistic', task: 'binary', params: { objective: 'reg:logistic', num_round: 15, max_depth: 3 } },
  {
    name: 'binary:logistic, exact',
    task: 'binary',
    params: { objective: 'binary:logistic', num_round: 25, max_depth: 5, tree_method: 'exact', scale_pos_weight: 2 },
  },
  {
    name: 'binary:logitraw',
    task: 'binary',
    params: { objective: 'binary:logitraw', num_round: 10, max_depth: 4, tree_method: 'hist' },
  },
  {
    name: 'count:poisson',
    task: 'count',
    params: { objective: 'count:poisson', num_round: 20, max_depth: 4, tree_method: 'hist' },
  },
  {
    name: 'multi:softprob',
    task: 'multiclass',
    params: { objective: 'multi:softprob', num_class: 3, num_round: 12, max_depth: 4, tree_method: 'hist' },
  },
  {
    name: 'multi:softmax, early stopping',
    task: 'multiclass',
    params: {
      objective: 'multi:softmax',
      num_class: 3,
      num_round: 200,
      eta: 0.6,
      max_depth: 6,
      tree_method: 'hist',
      early_stopping_rounds: 2,
      eval_metric: 'mlogloss',
    },
  },
];

// python trains and predicts in a child process: minutes on a busy machine, never a hang.
describe.skipIf(!python)('xgboost 1.7 JSON and UBJSON models score as xgboost does', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mme-xgb-json-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  CASES.forEach((c, k) => {
    it(c.name, async () => {
      const train = synthetic(c.task, 2500, 8, 100 + k);
      const valid = synthetic(c.task, 600, 8, 200 + k);
      const test = synthetic(c.task, 2000, 8, 300 + k, 0.2);
      const prefix = join(dir, `m${k}`);
      const result = (await runReference([
        'train',
        '--train',
        writeCsv(dir, `train${k}.csv`, train),
        '--validation',
        writeCsv(dir, `valid${k}.csv`, valid),
        '--params',
        writeParams(dir, `p${k}.json`, c.params),
        '--out',
        prefix,
        '--predict',
        writeCsv(dir, `test${k}.csv`, test),
      ])) as { predictions: number[]; best_ntree_limit: number | null; num_boosted_rounds: number };
      const x = toMatrix(test.x);
      for (const ext of ['json', 'ubj']) {
        const { model, format } = loadModel(readFileSync(`${prefix}.${ext}`));
        expect(format).toBe(ext === 'json' ? 'json' : 'ubjson');
        expect(boostedRounds(model)).toBe(result.num_boosted_rounds);
        const ours = predict(model, x);
        expect(ours.length).toBe(result.predictions.length);
        expect(ours.length).toBe(test.x.length * predictWidth(model));
        const worst = worstRelative(ours, result.predictions);
        console.log(
          `${c.name} (${ext}): ${model.trees.length} trees, ${containerRounds(model)} rounds scored, worst relative difference ${worst.toExponential(2)}`,
        );
        expect(worst).toBeLessThanOrEqual(1e-6);
      }
    });
  });

  it('a model written back as JSON and UBJSON by mme loads in xgboost and predicts the same', async () => {
    const train = synthetic('multiclass', 2000, 6, 7);
    const test = synthetic('multiclass', 2000, 6, 8);
    const prefix = join(dir, 'back');
    const testCsv = writeCsv(dir, 'back-test.csv', test);
    await runReference([
      'train',
      '--train',
      writeCsv(dir, 'back-train.csv', train),
      '--params',
      writeParams(dir, 'back.json', { objective: 'multi:softprob', num_class: 3, num_round: 8, max_depth: 5 }),
      '--out',
      prefix,
    ]);
    const { model } = loadModel(readFileSync(`${prefix}.json`));
    const ours = predict(model, toMatrix(test.x));
    for (const format of ['json', 'ubjson'] as const) {
      const file = join(dir, `back-mme.${format === 'json' ? 'json' : 'ubj'}`);
      writeFileSync(file, saveModel(model, format));
      const theirs = (
        (await runReference(['predict', '--model', file, '--data', testCsv])) as { predictions: number[] }
      ).predictions;
      expect(worstRelative(ours, theirs)).toBeLessThanOrEqual(1e-6);
      // and mme reads its own file back to the same model predictions, bit for bit
      expect(Array.from(predict(loadModel(saveModel(model, format)).model, toMatrix(test.x)))).toEqual(
        Array.from(ours),
      );
    }
  });
});
