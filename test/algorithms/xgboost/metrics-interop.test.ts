/**
 * The evaluation metrics (and so the per-round log and the final metrics) agree with the values
 * xgboost 1.7.4 reports for the same model and data: python trains and records its evals
 * history; mme loads the model, predicts the same rows and evaluates. Skipped, with the reason
 * printed, where python3-xgboost is absent. Also: text/libsvm data, read by xgboost itself,
 * scores as mme's libsvm parser reads it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsvData, parseLibsvmData } from '../../../src/algorithms/xgboost/data.js';
import type { EvalMetric } from '../../../src/algorithms/xgboost/hyperparameters.js';
import { loadModel } from '../../../src/algorithms/xgboost/load.js';
import { evaluateMetric } from '../../../src/algorithms/xgboost/metrics.js';
import { predict } from '../../../src/algorithms/xgboost/predict.js';
import {
  python,
  runReference,
  synthetic,
  toCsv,
  warnIfNoPython,
  writeCsv,
  writeParams,
  type Task,
} from './reference.js';

warnIfNoPython('xgboost metric parity');

const CASES: Array<{ task: Task; params: Record<string, unknown>; metrics: EvalMetric[]; groups: number }> = [
  {
    task: 'regression',
    params: { objective: 'reg:squarederror', num_round: 8, max_depth: 4, eval_metric: ['rmse', 'mae'] },
    metrics: ['rmse', 'mae'],
    groups: 1,
  },
  {
    task: 'binary',
    params: { objective: 'binary:logistic', num_round: 8, max_depth: 4, eval_metric: ['logloss', 'error', 'auc'] },
    metrics: ['logloss', 'error', 'auc'],
    groups: 1,
  },
  {
    task: 'multiclass',
    params: {
      objective: 'multi:softprob',
      num_class: 3,
      num_round: 6,
      max_depth: 3,
      eval_metric: ['merror', 'mlogloss'],
    },
    metrics: ['merror', 'mlogloss'],
    groups: 3,
  },
  {
    task: 'count',
    params: { objective: 'count:poisson', num_round: 8, max_depth: 3, eval_metric: ['poisson-nloglik'] },
    metrics: ['poisson-nloglik'],
    groups: 1,
  },
];

// python trains in a child process: minutes on a busy machine, never a hang.
describe.skipIf(!python)('evaluation metrics agree with xgboost', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mme-xgb-metrics-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  CASES.forEach((c, k) => {
    it(`${String(c.params.objective)}: ${c.metrics.join(', ')}`, async () => {
      const data = synthetic(c.task, 2000, 6, 700 + k);
      const file = writeCsv(dir, `d${k}.csv`, data);
      const prefix = join(dir, `m${k}`);
      const out = (await runReference([
        'train',
        '--train',
        file,
        '--validation',
        file,
        '--params',
        writeParams(dir, `p${k}.json`, c.params),
        '--out',
        prefix,
      ])) as { history: Record<string, Record<string, number[]>> };
      const { model } = loadModel(readFileSync(prefix));
      const d = parseCsvData(toCsv(data), { labeled: true });
      const preds = predict(model, d.x);
      for (const metric of c.metrics) {
        const theirs = out.history.train![metric]!.at(-1)!;
        const ours = evaluateMetric(metric, preds, d.labels, undefined, c.groups);
        console.log(`${String(c.params.objective)} ${metric}: mme ${ours}, xgboost ${theirs}`);
        expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(theirs)));
      }
    });
  });
});

describe.skipIf(!python)('text/libsvm input reads as xgboost reads it', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mme-xgb-libsvm-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('absent entries are missing values: the same predictions from libsvm as from CSV', async () => {
    const train = synthetic('regression', 2000, 6, 801);
    const test = synthetic('regression', 2000, 6, 802, 0.3);
    const prefix = join(dir, 'm');
    await runReference([
      'train',
      '--train',
      writeCsv(dir, 'train.csv', train),
      '--params',
      writeParams(dir, 'p.json', { objective: 'reg:squarederror', num_round: 10, max_depth: 5 }),
      '--out',
      prefix,
    ]);
    const libsvm =
      test.x
        .map((row, i) => [test.y[i], ...row.flatMap((v, j) => (Number.isNaN(v) ? [] : [`${j}:${v}`]))].join(' '))
        .join('\n') + '\n';
    const file = join(dir, 'test.libsvm');
    writeFileSync(file, libsvm);
    const theirs = (
      (await runReference(['predict', '--model', prefix, '--data', file, '--libsvm'])) as { predictions: number[] }
    ).predictions;
    const { model } = loadModel(readFileSync(prefix));
    const parsed = parseLibsvmData(libsvm, { labeled: true });
    // a last column absent from every row would narrow the matrix; the model still scores it as missing
    const ours = predict(model, parsed.x);
    expect(ours.length).toBe(theirs.length);
    let worst = 0;
    ours.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - theirs[i]!) / Math.max(Math.abs(theirs[i]!), 1e-30))));
    expect(worst).toBeLessThanOrEqual(1e-6);
    expect(Array.from(ours)).toEqual(Array.from(predict(model, parseCsvData(toCsv(test), { labeled: true }).x)));
  });
});
