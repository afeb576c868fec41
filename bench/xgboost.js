#!/usr/bin/env node
// mme's XGBoost against the real xgboost (Debian's python3-xgboost 1.7.4, the library of the
// SageMaker 1.7-1 image), side by side in one run, as ratios (issue #11). Goals: training at
// most 2× xgboost's time; single-row scoring of a 100-tree model.
//
//   1. Data (not timed): --sizes rows × 10 features (seeded, 5% missing), regression label,
//      written as label-first CSV for python and parsed into float32 matrices for mme.
//   2. Training: reg:squarederror, --num-round 100 rounds, depth --depth 6, tree_method hist,
//      max_bin 256; python with nthread=1 (OMP_NUM_THREADS=1), mme in this one thread. Each
//      side's best of --repeat runs (DMatrix construction + xgb.train on python's side; quantile
//      sketch + training on mme's), the sides alternated ABBA over --rounds.
//   3. Scoring: a 100-tree, depth-6 model trained by xgboost and saved in its binary format
//      (the artifact format), loaded by both; one row scored --calls times. Python pays a DMatrix
//      per call, as the container does per request; mme is timed scoring a parsed row and parsing
//      the CSV row + scoring.
//   4. Memory per loaded 100-tree model in mme: heap + array buffers over --copies loads, after gc.
//
// Needs a build (npm run build) and python3 with xgboost; without xgboost it reports mme's
// figures alone and says so. `--json` prints one JSON document for bench/run.js.
//
//   node bench/xgboost.js [--sizes 1000,100000] [--num-round 100] [--depth 6] [--repeat 3]
//                         [--rounds 1] [--calls 20000] [--copies 200] [--timeout 900] [--json]
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  bytesPerLoad,
  guardedCleanups,
  load,
  numberFlag,
  printTables,
  progressTo,
  requireBuild,
  round,
} from './lib.js';

requireBuild('algorithms/xgboost/index.js');

const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,100000' },
    'num-round': { type: 'string', default: '100' },
    depth: { type: 'string', default: '6' },
    repeat: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '1' },
    calls: { type: 'string', default: '20000' },
    copies: { type: 'string', default: '200' },
    timeout: { type: 'string', default: '900' },
    json: { type: 'boolean', default: false },
  },
});
const sizes = flags.sizes.split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 10)) {
  console.error(`--sizes takes a list of integers ≥ 10, not ${flags.sizes}`);
  process.exit(2);
}
const numRound = numberFlag(flags, 'num-round', 1);
const depth = numberFlag(flags, 'depth', 1);
const repeat = numberFlag(flags, 'repeat', 1);
const abbaRounds = numberFlag(flags, 'rounds', 1);
const calls = numberFlag(flags, 'calls', 100);
const copies = numberFlag(flags, 'copies', 1);
const COLS = 10;
const progress = progressTo('xgboost bench');
const cleanups = guardedCleanups('xgboost bench', numberFlag(flags, 'timeout', 1));

const { trainXGBoost, parseCsvData, loadModel, predict, modelByteSize } = await load('algorithms/xgboost/index.js');
const SCRIPT = new URL('../python/xgboost_reference.py', import.meta.url).pathname;
const python = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-c', 'import xgboost'], { stdio: 'ignore' }).status === 0,
);
if (!python) progress('no python3 with xgboost: reporting mme alone (apt-get install -y python3-xgboost)');

function reference(args) {
  const run = spawnSync(python, [SCRIPT, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (run.status !== 0) throw new Error(`xgboost_reference.py ${args[0]}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

/** Seeded rows: 10 features, 5% missing, a non-linear label with noise. */
function dataset(rows, seed) {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const lines = [];
  for (let i = 0; i < rows; i++) {
    const x = Array.from({ length: COLS }, () => rnd() * 4 - 2);
    const y = 3 * x[0] + Math.sin(2 * x[1]) + (x[2] > 0.5 ? 2 : 0) + x[3] * x[4] + rnd();
    lines.push([y.toFixed(4), ...x.map((v) => (rnd() < 0.05 ? '' : v.toFixed(5)))].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const dir = await mkdtemp(join(tmpdir(), 'mme-bench-xgb-'));
cleanups.push(() => rm(dir, { recursive: true, force: true }));
const params = {
  objective: 'reg:squarederror',
  num_round: numRound,
  max_depth: depth,
  tree_method: 'hist',
  max_bin: 256,
};
const paramsFile = join(dir, 'params.json');
await writeFile(paramsFile, JSON.stringify(params));
const hyperparameters = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));

try {
  // ---- training ------------------------------------------------------------------------------
  const training = [];
  for (const rows of sizes) {
    const csv = dataset(rows, rows);
    const file = join(dir, `train-${rows}.csv`);
    await writeFile(file, csv);
    const data = parseCsvData(csv, { labeled: true });
    const reps = rows >= 50000 ? Math.max(1, Math.min(repeat, 2)) : repeat;
    const mine = [];
    const theirs = [];
    const runMine = () => {
      let best = Infinity;
      let metrics;
      for (let i = 0; i < reps; i++) {
        const t = performance.now();
        metrics = trainXGBoost({ train: data }, hyperparameters).finalMetrics;
        best = Math.min(best, (performance.now() - t) / 1000);
      }
      mine.push(best);
      return metrics;
    };
    const runTheirs = () =>
      python &&
      theirs.push(reference(['time-train', '--train', file, '--params', paramsFile, '--repeat', String(reps)]).seconds);
    let trainRmse;
    for (let r = 0; r < abbaRounds; r++) {
      progress(`training ${rows} × ${COLS}, ${numRound} rounds, depth ${depth} (round ${r + 1}/${abbaRounds})`);
      if (r % 2 === 0) {
        runTheirs();
        trainRmse = runMine()['train:rmse'];
      } else {
        trainRmse = runMine()['train:rmse'];
        runTheirs();
      }
    }
    const m = Math.min(...mine);
    const x = python ? Math.min(...theirs) : undefined;
    training.push({
      rows,
      mmeSeconds: round(m, 3),
      xgboostSeconds: x === undefined ? undefined : round(x, 3),
      ratio: x === undefined ? undefined : round(m / x, 2),
      trainRmse,
    });
  }

  // ---- scoring -------------------------------------------------------------------------------
  let scoring;
  let memory;
  const csv = dataset(2000, 7);
  const file = join(dir, 'predict.csv');
  await writeFile(file, csv);
  const rowText = csv.split('\n')[0].split(',').slice(1).join(',');
  let modelBytes;
  if (python) {
    reference(['train', '--train', file, '--params', paramsFile, '--out', join(dir, 'model')]);
    modelBytes = await readFile(join(dir, 'model'));
  } else {
    const { saveModel } = await load('algorithms/xgboost/index.js');
    modelBytes = saveModel(
      trainXGBoost({ train: parseCsvData(csv, { labeled: true }) }, hyperparameters).model,
      'binary',
    );
  }
  const { model } = loadModel(modelBytes);
  const parsedRow = parseCsvData(rowText, { labeled: false }).x;
  progress(`scoring one row with a ${model.trees.length}-tree model, ${calls} calls`);
  const timeCalls = (fn) => {
    for (let i = 0; i < Math.min(2000, calls); i++) fn();
    const t = performance.now();
    for (let i = 0; i < calls; i++) fn();
    return ((performance.now() - t) * 1000) / calls;
  };
  let sink = 0;
  const predictUs = timeCalls(() => (sink += predict(model, parsedRow)[0]));
  const parsePredictUs = timeCalls(() => (sink += predict(model, parseCsvData(rowText, { labeled: false }).x)[0]));
  const theirUs = python
    ? reference([
        'time-predict',
        '--model',
        join(dir, 'model'),
        '--data',
        file,
        '--repeat',
        String(Math.min(calls, 5000)),
      ]).per_call_us
    : undefined;
  if (!Number.isFinite(sink)) throw new Error('scores are not finite');
  scoring = {
    trees: model.trees.length,
    mmePredictUs: round(predictUs, 2),
    mmeParseAndPredictUs: round(parsePredictUs, 2),
    xgboostDMatrixAndPredictUs: theirUs === undefined ? undefined : round(theirUs, 2),
    speedup: theirUs === undefined ? undefined : round(theirUs / parsePredictUs, 1),
  };

  // ---- memory per loaded model -----------------------------------------------------------------
  const { bytesPerModel, first } = bytesPerLoad(copies, () => {
    const m = loadModel(modelBytes).model;
    predict(m, parsedRow); // a loaded model has been scored: its packed scoring copy exists
    return m;
  });
  memory = {
    copies,
    bytesPerModel,
    typedArrayBytes: modelByteSize(first),
    artifactBytes: modelBytes.length,
  };

  const goal = (r) => (r === undefined ? 'n/a' : r <= 2 ? 'met' : 'NOT met');
  const result = {
    benchmark: 'xgboost',
    reference: python ? 'python3-xgboost (Debian) nthread=1' : 'none (python3-xgboost not installed)',
    training,
    scoring,
    memory,
    tables: [
      {
        title: `Training, reg:squarederror, ${numRound} rounds, depth ${depth}, hist, 256 bins, ${COLS} features (5% missing), one thread each, best of ${repeat} (×${abbaRounds} ABBA)`,
        columns: ['rows', 'mme s', 'xgboost s', 'mme / xgboost', 'goal ≤ 2×', 'train rmse (mme)'],
        rows: training.map((t) => [
          t.rows,
          t.mmeSeconds,
          t.xgboostSeconds ?? 'n/a',
          t.ratio ?? 'n/a',
          goal(t.ratio),
          t.trainRmse,
        ]),
      },
      {
        title: `Single-row scoring, ${scoring.trees}-tree depth-${depth} model (xgboost binary format), ${calls} calls`,
        columns: ['what', 'µs per call'],
        rows: [
          ['mme: predict (parsed row)', scoring.mmePredictUs],
          ['mme: parse CSV row + predict', scoring.mmeParseAndPredictUs],
          ['xgboost: DMatrix(row) + predict, nthread=1', scoring.xgboostDMatrixAndPredictUs ?? 'n/a'],
          ['xgboost / mme (parse + predict)', scoring.speedup ?? 'n/a'],
        ],
      },
      {
        title: `Memory per loaded ${scoring.trees}-tree model in mme (${copies} copies, after gc)`,
        columns: ['what', 'bytes'],
        rows: [
          ['heap + array buffers per model', memory.bytesPerModel],
          ['of which typed arrays (trees + packed scoring copy)', memory.typedArrayBytes],
          ['artifact file (xgboost-model)', memory.artifactBytes],
        ],
      },
    ],
    summary:
      training
        .map((t) => `${t.rows} rows: ${t.ratio ?? 'n/a'}× xgboost's time (goal ≤ 2×: ${goal(t.ratio)})`)
        .join('; ') +
      `; scoring ${scoring.mmeParseAndPredictUs} µs/row vs xgboost ${scoring.xgboostDMatrixAndPredictUs ?? 'n/a'} µs`,
  };
  if (flags.json) console.log(JSON.stringify(result));
  else {
    printTables(result.tables);
    console.log(`\n${result.summary}`);
  }
} finally {
  await cleanups.run();
}
