#!/usr/bin/env node
// mme's Random Cut Forest: training and scoring time per 1,000 points with --trees trees of
// --samples samples, and the memory a loaded model takes. No reference implementation runs here
// (SageMaker's container is closed; aws/random-cut-forest-by-aws is Java), so these are mme's
// figures alone.
//
//   1. Data (not timed): --sizes rows × --dim features (seeded Gaussian clusters), as CSV.
//   2. Training: trainRcf on the CSV (parse, reservoir samples, trees, and the scoring of the
//      whole training set for the mean + 3σ threshold). Best of --repeat.
//   3. Scoring: invokeRcf on a CSV body of 1,000 rows (parse + score + JSON answer), and
//      scoreForest on parsed rows. Best of --repeat.
//   4. Memory per loaded model: heap + array buffers over --copies readRcfArtifact loads, after gc.
//
//   node bench/rcf.js [--sizes 10000,100000] [--dim 8] [--trees 100] [--samples 256] [--repeat 3]
//                     [--copies 10] [--timeout 600] [--json]
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

requireBuild('algorithms/rcf/index.js');

const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    dim: { type: 'string', default: '8' },
    trees: { type: 'string', default: '100' },
    samples: { type: 'string', default: '256' },
    repeat: { type: 'string', default: '3' },
    copies: { type: 'string', default: '10' },
    timeout: { type: 'string', default: '600' },
    json: { type: 'boolean', default: false },
  },
});
const sizes = flags.sizes.split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1000)) {
  console.error(`--sizes takes a list of integers ≥ 1000, not ${flags.sizes}`);
  process.exit(2);
}
const dim = numberFlag(flags, 'dim', 1);
const trees = numberFlag(flags, 'trees', 50);
const samples = numberFlag(flags, 'samples', 1);
const repeat = numberFlag(flags, 'repeat', 1);
const copies = numberFlag(flags, 'copies', 1);
const progress = progressTo('rcf bench');
const cleanups = guardedCleanups('rcf bench', numberFlag(flags, 'timeout', 1));

const { trainRcf, invokeRcf, scoreForest, writeRcfArtifact, readRcfArtifact } = await load('algorithms/rcf/index.js');

let seed = 7;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
const row = () => {
  const c = rnd() < 0.5 ? 0 : 6;
  return Array.from({ length: dim }, () => (c + gauss()).toFixed(4));
};
const best = (fn) => {
  let b = Infinity;
  let out;
  for (let i = 0; i < repeat; i++) {
    const s = performance.now();
    out = fn();
    b = Math.min(b, performance.now() - s);
  }
  return [b / 1000, out];
};

try {
  const hp = { feature_dim: String(dim), num_trees: String(trees), num_samples_per_tree: String(samples) };
  const training = [];
  let model;
  for (const n of sizes) {
    progress(`training on ${n} rows`);
    const csv = Array.from({ length: n }, () => row().join(',')).join('\n') + '\n';
    const [seconds, result] = best(() => trainRcf({ train: csv }, hp));
    model = result.model;
    training.push({ rows: n, seconds: round(seconds, 3), msPer1000: round((seconds * 1e6) / n, 1) });
  }
  progress('scoring 1,000 rows');
  const batch = Array.from({ length: 1000 }, row);
  const body = batch.map((r) => r.join(',')).join('\n') + '\n';
  const parsed = Float64Array.from(batch.flat().map(Number));
  const [invokeSeconds] = best(() => invokeRcf(model, body, 'text/csv', 'application/json'));
  const [scoreSeconds] = best(() => scoreForest(model.forest, parsed, 1000));

  progress('memory per loaded model');
  const bytes = writeRcfArtifact(model);
  const { bytesPerModel } = bytesPerLoad(copies, () => readRcfArtifact(bytes));

  const result = {
    benchmark: 'rcf',
    trees,
    samples,
    dim,
    training,
    scoring: { invokeMsPer1000: round(invokeSeconds * 1000, 1), scoreMsPer1000: round(scoreSeconds * 1000, 1) },
    memory: { copies, bytesPerModel, artifactBytes: bytes.length },
  };
  result.tables = [
    {
      title: `RCF training, ${trees} trees × ${samples} samples, ${dim} features (parse + sample + trees + threshold scoring), best of ${repeat}`,
      columns: ['rows', 'seconds', 'ms per 1,000 rows'],
      rows: training.map((t) => [t.rows, t.seconds, t.msPer1000]),
    },
    {
      title: `RCF scoring of 1,000 rows (best of ${repeat})`,
      columns: ['what', 'ms per 1,000 rows'],
      rows: [
        ['invokeRcf: CSV in, JSON out', result.scoring.invokeMsPer1000],
        ['scoreForest: parsed rows', result.scoring.scoreMsPer1000],
      ],
    },
    {
      title: `Memory per loaded RCF model (${copies} copies, after gc)`,
      columns: ['what', 'bytes'],
      rows: [
        ['heap + array buffers per model', bytesPerModel],
        ['artifact file (model_algo-1)', bytes.length],
      ],
    },
  ];
  result.summary =
    `training ${training.map((t) => `${t.msPer1000} ms/1,000 rows at ${t.rows}`).join(', ')}; ` +
    `scoring ${result.scoring.invokeMsPer1000} ms/1,000 rows; ${bytesPerModel} bytes per loaded model`;
  if (flags.json) console.log(JSON.stringify(result));
  else {
    printTables(result.tables);
    console.log(`\n${result.summary}`);
  }
} finally {
  await cleanups.run();
}
