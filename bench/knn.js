#!/usr/bin/env node
// mme's exact k-NN (faiss.Flat) against scikit-learn's brute force (Debian's python3-sklearn),
// side by side in one run, as ratios; and the memory a loaded k-NN model takes.
//
//   1. Data (not timed): --rows points × --dim features (seeded uniform), a regression label;
//      --queries query points. Written as CSV for python, trained into a faiss.Flat index by mme
//      (sample_size = rows: every point kept).
//   2. Batch: all --queries queries at once, k = --k. sklearn: KNeighborsRegressor(algorithm=
//      "brute").predict on the query matrix (BLAS, OMP_NUM_THREADS=1); mme: predictKnn on the
//      parsed rows and invokeKnn on the CSV body (parse + search + JSON answer). Best of --repeat.
//   3. Single query: --single calls with one row each (what an endpoint sees per request).
//   4. Memory per loaded model: heap + array buffers over --copies readKnnArtifact loads, after gc.
//
// Needs a build (npm run build); without python3-sklearn it reports mme's figures alone.
//
//   node bench/knn.js [--rows 100000] [--dim 32] [--queries 1000] [--k 10] [--single 200]
//                     [--repeat 3] [--copies 4] [--timeout 600] [--json]
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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

requireBuild('algorithms/knn/index.js');

const { values: flags } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '32' },
    queries: { type: 'string', default: '1000' },
    k: { type: 'string', default: '10' },
    single: { type: 'string', default: '200' },
    repeat: { type: 'string', default: '3' },
    copies: { type: 'string', default: '4' },
    timeout: { type: 'string', default: '600' },
    json: { type: 'boolean', default: false },
  },
});
const rows = numberFlag(flags, 'rows', 10);
const dim = numberFlag(flags, 'dim', 1);
const nq = numberFlag(flags, 'queries', 1);
const k = numberFlag(flags, 'k', 1);
const single = numberFlag(flags, 'single', 1);
const repeat = numberFlag(flags, 'repeat', 1);
const copies = numberFlag(flags, 'copies', 1);
const progress = progressTo('knn bench');
const cleanups = guardedCleanups('knn bench', numberFlag(flags, 'timeout', 1));

const { trainKnn, predictKnn, invokeKnn, writeKnnArtifact, readKnnArtifact } = await load('algorithms/knn/index.js');
const python = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0,
);
if (!python) progress('no python3 with scikit-learn: reporting mme alone (apt-get install -y python3-sklearn)');

// Times inside python, after loading the data: fit, batch predict (best of repeat), single-row predicts.
const PY = `
import sys, time, json, numpy as np
from sklearn.neighbors import KNeighborsRegressor
train = np.loadtxt(sys.argv[1], delimiter=',', dtype=np.float32); q = np.loadtxt(sys.argv[2], delimiter=',', dtype=np.float32, ndmin=2)
k, repeat, single = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
m = KNeighborsRegressor(n_neighbors=k, algorithm='brute').fit(train[:, 1:], train[:, 0])
best = float('inf')
for _ in range(repeat):
    t = time.perf_counter(); p = m.predict(q); best = min(best, time.perf_counter() - t)
t = time.perf_counter()
for i in range(single): m.predict(q[i % len(q)].reshape(1, -1))
one = (time.perf_counter() - t) / single
print(json.dumps({"batchSeconds": best, "singleSeconds": one, "first": float(p[0])}))
`;

let seed = 42;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const point = () => Array.from({ length: dim }, () => Math.fround(rnd() * 10).toFixed(4));
const dir = await mkdtemp(join(tmpdir(), 'mme-bench-knn-'));
cleanups.push(() => rm(dir, { recursive: true, force: true }));

try {
  progress(`data: ${rows} × ${dim}, ${nq} queries`);
  const trainLines = [];
  for (let i = 0; i < rows; i++) {
    const x = point();
    trainLines.push([(Number(x[0]) + Number(x[1])).toFixed(3), ...x].join(','));
  }
  const trainCsv = trainLines.join('\n') + '\n';
  const queryRows = Array.from({ length: nq }, point);
  const queryCsv = queryRows.map((r) => r.join(',')).join('\n') + '\n';
  const queryFeatures = Float64Array.from(queryRows.flat().map(Number));
  await writeFile(join(dir, 'train.csv'), trainCsv);
  await writeFile(join(dir, 'queries.csv'), queryCsv);

  progress('mme: training (sampling + faiss.Flat)');
  let t = performance.now();
  const hp = { feature_dim: String(dim), k: String(k), predictor_type: 'regressor', sample_size: String(rows) };
  const { model } = trainKnn({ train: trainCsv }, hp);
  const trainSeconds = (performance.now() - t) / 1000;

  const best = (fn) => {
    let b = Infinity;
    for (let i = 0; i < repeat; i++) {
      const s = performance.now();
      fn();
      b = Math.min(b, performance.now() - s);
    }
    return b / 1000;
  };
  progress('mme: batch queries');
  let first;
  const mmeBatch = best(() => (first = predictKnn(model, queryFeatures, nq)[0].predicted_label));
  const mmeInvoke = best(() => invokeKnn(model, queryCsv, 'text/csv', 'application/json'));
  progress('mme: single queries');
  t = performance.now();
  for (let i = 0; i < single; i++) invokeKnn(model, queryRows[i % nq].join(','), 'text/csv', 'application/json');
  const mmeSingle = (performance.now() - t) / 1000 / single;

  let ref;
  if (python) {
    progress('scikit-learn: brute force');
    const run = spawnSync(
      python,
      ['-c', PY, join(dir, 'train.csv'), join(dir, 'queries.csv'), String(k), String(repeat), String(single)],
      {
        encoding: 'utf8',
        env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    if (run.status !== 0) throw new Error(`scikit-learn: ${run.stderr}`);
    ref = JSON.parse(run.stdout.trim().split('\n').pop());
    if (Math.abs(ref.first - first) > 1e-3)
      progress(`WARNING: first prediction differs: mme ${first}, sklearn ${ref.first}`);
  }

  progress('memory per loaded model');
  const files = writeKnnArtifact(model);
  const artifactBytes = Object.values(files).reduce((s, b) => s + b.byteLength, 0);
  const { bytesPerModel } = bytesPerLoad(copies, () => readKnnArtifact(files));

  const qps = (seconds, n) => round(n / seconds, 0);
  const ratio = (a, b) => (a === undefined || b === undefined ? 'n/a' : round(a / b, 2));
  const result = {
    benchmark: 'knn',
    reference: python ? 'python3-sklearn (Debian) KNeighborsRegressor brute, one thread' : 'none',
    rows,
    dim,
    k,
    trainSeconds: round(trainSeconds, 2),
    batch: {
      queries: nq,
      mmeQps: qps(mmeBatch, nq),
      mmeInvokeQps: qps(mmeInvoke, nq),
      sklearnQps: ref && qps(ref.batchSeconds, nq),
      sklearnOverMme: ratio(ref && nq / ref.batchSeconds, nq / mmeBatch),
    },
    single: {
      mmeMs: round(mmeSingle * 1000, 3),
      sklearnMs: ref && round(ref.singleSeconds * 1000, 3),
      sklearnOverMme: ratio(ref?.singleSeconds, mmeSingle),
    },
    memory: { copies, bytesPerModel, artifactBytes },
  };
  result.tables = [
    {
      title: `Exact k-NN, ${rows} × ${dim} points, k=${k}: queries per second (one thread each, best of ${repeat})`,
      columns: ['what', 'mme', 'scikit-learn', 'mme / scikit-learn'],
      rows: [
        [
          `batch of ${nq} (parsed rows)`,
          result.batch.mmeQps,
          result.batch.sklearnQps ?? 'n/a',
          ratio(result.batch.mmeQps, result.batch.sklearnQps),
        ],
        [`batch of ${nq}, CSV in, JSON out (mme)`, result.batch.mmeInvokeQps, '', ''],
        [
          'single-row request, ms per call',
          result.single.mmeMs,
          result.single.sklearnMs ?? 'n/a',
          ratio(result.single.mmeMs, result.single.sklearnMs),
        ],
      ],
    },
    {
      title: `Memory per loaded faiss.Flat model of ${rows} × ${dim} (${copies} copies, after gc)`,
      columns: ['what', 'bytes'],
      rows: [
        ['heap + array buffers per model', bytesPerModel],
        ['artifact files (model_algo-1, .labels, .json)', artifactBytes],
      ],
    },
  ];
  result.summary =
    `batch: mme ${result.batch.mmeQps} q/s vs scikit-learn ${result.batch.sklearnQps ?? 'n/a'} q/s ` +
    `(${ratio(result.batch.mmeQps, result.batch.sklearnQps)}×); single request: mme ${result.single.mmeMs} ms vs ` +
    `${result.single.sklearnMs ?? 'n/a'} ms; ${bytesPerModel} bytes per loaded model`;
  if (flags.json) console.log(JSON.stringify(result));
  else {
    printTables(result.tables);
    console.log(`\n${result.summary}`);
  }
} finally {
  await cleanups.run();
}
