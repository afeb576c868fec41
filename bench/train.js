#!/usr/bin/env node
// Training throughput (issue "Jobs"): N locations × R rows, the reference linear-learner
// hyperparameters, models per second and the speed-up from 1 to 2 workers. Target: all 1,000
// models in under 20 s on 2 cores.
//
// Data is made as the workflow makes it, before any timing: the housing generator's rows, the
// 90/10 test split, the fitted preprocessor's transform (label first, then the 10 features), and
// the 70/30 train/validation split. Then:
//   1. costs: a worker thread's start (spawn, module load, one tiny task, terminate) and one
//      training, in a warm thread and in a fresh worker (what each job paid before workers were
//      reused);
//   2. JobPool: every location trained through the pool with 1 worker and with 2, side by side
//      in this one run (ABBA order with --rounds 2+);
//   3. end to end: an in-process local cloud (temp state dir, port 0); the channels uploaded
//      with the S3 client, CreateTrainingJob × N with the SageMaker client, polled until all are
//      Completed. N is --e2e-locations (default 200; every job still runs for real).
// Needs a build (npm run build). `--json` prints one JSON document for bench/run.js.
//
//   node bench/train.js [--locations 1000] [--rows 1000] [--e2e-locations 200] [--rounds 1]
//                       [--workers 1,2] [--seed 42] [--timeout 900] [--json]
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import {
  bounded,
  guardedCleanups,
  executionRoleArn,
  LINEAR_LEARNER_IMAGE,
  load,
  median,
  numberFlag,
  printTables,
  progressTo,
  requireBuild,
  round,
} from './lib.js';

requireBuild('local/jobs/worker.js');

const { values: flags } = parseArgs({
  options: {
    locations: { type: 'string', default: '1000' },
    rows: { type: 'string', default: '1000' },
    'e2e-locations': { type: 'string', default: '200' },
    rounds: { type: 'string', default: '1' },
    workers: { type: 'string', default: '1,2' },
    seed: { type: 'string', default: '42' },
    timeout: { type: 'string', default: '900' },
    json: { type: 'boolean', default: false },
  },
});
const int = (name, min) => numberFlag(flags, name, min);
const locations = int('locations', 1);
const rows = int('rows', 10);
const e2eLocations = Math.min(locations, int('e2e-locations', 0));
const rounds = int('rounds', 1);
const seed = int('seed', 0);
const workerCounts = flags.workers.split(',').map(Number);
if (workerCounts.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error(`--workers takes a list of positive integers, not ${flags.workers}`);
  process.exit(2);
}

/** The issue's reference hyperparameters (the workflow's LINEAR_LEARNER_HYPERPARAMETERS). */
const HYPERPARAMETERS = {
  feature_dim: '10',
  mini_batch_size: '100',
  predictor_type: 'regressor',
  epochs: '10',
  num_models: '32',
  loss: 'absolute_loss',
};
const CONTENT_TYPE = 'text/csv;label_size=1';
const VALIDATION_FRACTION = 0.3;
const TARGET_SECONDS = 20;
const TARGET_MODELS = 1000;

const progress = progressTo('train bench');
const now = () => performance.now();
const seconds = (ms) => Math.round(ms) / 1000;

const cleanups = guardedCleanups('train bench', int('timeout', 1));
const cleanup = cleanups.run;

// ---- data (not timed) ----------------------------------------------------------------------

const { REFERENCE_LOCATIONS } = await load('housing/locations.js');
const { generateLocationDataset, toCsv } = await load('housing/generator.js');
const { Rng } = await load('housing/rng.js');
const { fitPreprocessorFromCsv, invokePreprocessor } = await load('algorithms/preprocessor.js');

/** As src/workflow/preprocess.ts splitRows: a seeded shuffle per location, validation first. */
function splitRows(text, location) {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const rng = new Rng(seed, 'validation-split', location);
  for (let i = lines.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  const nValidation = Math.min(lines.length - 1, Math.max(1, Math.round(lines.length * VALIDATION_FRACTION)));
  const join = (part) => Buffer.from(`${part.join('\n')}\n`);
  return {
    validation: join(lines.slice(0, nValidation)),
    train: join(lines.slice(nValidation)),
    trainRows: lines.length - nValidation,
    validationRows: nValidation,
  };
}

const generationStart = now();
const names = Array.from(
  { length: locations },
  (_, i) => REFERENCE_LOCATIONS[i] ?? `City${String(i + 1).padStart(4, '0')}`,
);
const rawTrain = names.map((name) => toCsv(generateLocationDataset(name, { rows, seed }).train));
// The workflow fits one preprocessor on every location's training rows. Its statistics settle
// long before 1,000 locations, and the fit holds every parsed row in memory, so it is fitted on
// the first 100 locations here: the training work that follows is the same.
const FIT_LOCATIONS = 100;
const preprocessor = fitPreprocessorFromCsv(rawTrain.slice(0, FIT_LOCATIONS));
const datasets = names.map((name, i) => {
  const transformed = invokePreprocessor(preprocessor, rawTrain[i], 'text/csv', 'text/csv').body;
  rawTrain[i] = undefined;
  return { name, ...splitRows(transformed, name) };
});
const generationMs = now() - generationStart;
const channelsOf = (d) => [
  { name: 'train', contentType: CONTENT_TYPE, files: [{ relativeKey: 'train.csv', data: d.train }] },
  { name: 'validation', contentType: CONTENT_TYPE, files: [{ relativeKey: 'validation.csv', data: d.validation }] },
];
const trainTask = (d) => ({
  type: 'train',
  algorithm: 'linear-learner',
  hyperparameters: HYPERPARAMETERS,
  channels: channelsOf(d),
});
progress(
  `generated ${locations} locations × ${rows} rows (${datasets[0].trainRows} train + ${datasets[0].validationRows} validation each) in ${seconds(generationMs)} s`,
);

// ---- 1. costs ------------------------------------------------------------------------------

const { JobPool, workerEntry } = await load('local/jobs/pool.js');
const { train } = await load('local/jobs/algorithms.js');

/** One task in a new worker, as the pool ran every task before it kept its workers. */
function inFreshWorker(task) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerEntry());
    worker.on('message', (m) => {
      if (m.type === 'log') return;
      void worker.terminate().then(() => (m.type === 'done' ? resolve() : reject(new Error(m.message))));
    });
    worker.on('error', reject);
    worker.postMessage({ type: 'task', id: 1, task });
  });
}

const tinyTask = {
  type: 'train',
  algorithm: 'linear-learner',
  hyperparameters: {
    feature_dim: '1',
    predictor_type: 'regressor',
    epochs: '1',
    num_models: '1',
    mini_batch_size: '2',
  },
  channels: [
    {
      name: 'train',
      contentType: CONTENT_TYPE,
      files: [{ relativeKey: 'a.csv', data: Buffer.from('1,1\n2,2\n3,3\n') }],
    },
  ],
};
const timeIt = async (fn) => {
  const start = now();
  await fn();
  return now() - start;
};
const SAMPLE = Math.min(locations, 40);
progress('measuring a worker start and one training');
for (let i = 0; i < 3; i++) await inFreshWorker(tinyTask);
const workerStartMs = [];
for (let i = 0; i < 15; i++) workerStartMs.push(await timeIt(() => inFreshWorker(tinyTask)));
for (let i = 0; i < 10; i++) train('linear-learner', HYPERPARAMETERS, channelsOf(datasets[i % SAMPLE]), () => {});
// Alternate warm-thread and fresh-worker trainings of the same location, so noise hits both.
const warmMs = [];
const freshMs = [];
for (let i = 0; i < SAMPLE; i++) {
  warmMs.push(await timeIt(() => train('linear-learner', HYPERPARAMETERS, channelsOf(datasets[i]), () => {})));
  freshMs.push(await timeIt(() => inFreshWorker(trainTask(datasets[i]))));
}
const costs = {
  workerStartMs: round(median(workerStartMs), 1),
  trainWarmThreadMs: round(median(warmMs), 1),
  trainFreshWorkerMs: round(median(freshMs), 1),
  sample: SAMPLE,
};

// ---- 2. JobPool, 1 vs 2 workers ------------------------------------------------------------

async function throughPool(size) {
  const pool = new JobPool(size);
  try {
    const start = now();
    const jobs = datasets.map((d) => pool.schedule((slot) => slot.runWorker(trainTask(d), () => {})));
    await Promise.all(jobs.map((j) => j.result));
    const ms = now() - start;
    return { ms, threads: pool.threads.started };
  } finally {
    await pool.close();
  }
}

const poolMs = Object.fromEntries(workerCounts.map((n) => [n, []]));
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? workerCounts : [...workerCounts].reverse();
  for (const n of order) {
    progress(`JobPool, ${n} worker(s), ${locations} models (round ${r + 1} of ${rounds})`);
    const { ms, threads } = await throughPool(n);
    if (threads > n) throw new Error(`the pool of ${n} started ${threads} worker threads`);
    poolMs[n].push(ms);
  }
}
const base = median(poolMs[workerCounts[0]]);
const poolRows = workerCounts.map((n) => {
  const ms = median(poolMs[n]);
  return {
    workers: n,
    seconds: seconds(ms),
    modelsPerSecond: round((locations * 1000) / ms, 1),
    speedup: round(base / ms),
  };
});

// What the pool did before it kept its workers: a new thread per task, on a sample.
const FRESH_SAMPLE = Math.min(locations, 100);
const freshWorkers = Math.max(...workerCounts);
progress(`a fresh thread per task, ${freshWorkers} at once, ${FRESH_SAMPLE} models`);
const freshStart = now();
{
  let next = 0;
  await Promise.all(
    Array.from({ length: freshWorkers }, async () => {
      while (next < FRESH_SAMPLE) await inFreshWorker(trainTask(datasets[next++]));
    }),
  );
}
const freshPoolMs = now() - freshStart;
const freshRow = {
  workers: freshWorkers,
  models: FRESH_SAMPLE,
  seconds: seconds(freshPoolMs),
  modelsPerSecond: round((FRESH_SAMPLE * 1000) / freshPoolMs, 1),
};

// ---- 3. end to end through the local cloud API ---------------------------------------------

async function endToEnd(count, poolSize) {
  const { openLocalCloud } = await load('local/cloud.js');
  // The SDK warns on Node < 22; the benchmark's output, like the CLI's, stays clean.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { S3Client, CreateBucketCommand, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { SageMakerClient, CreateTrainingJobCommand, ListTrainingJobsCommand } =
    await import('@aws-sdk/client-sagemaker');
  const stateDir = await mkdtemp(join(tmpdir(), 'mme-bench-train-'));
  cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
  const cloud = await openLocalCloud({ stateDir, port: 0, sagemaker: { poolSize } });
  cleanups.push(() => cloud.close());
  const config = {
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: { accessKeyId: cloud.account.accessKeyId, secretAccessKey: cloud.account.secretAccessKey },
  };
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const sm = new SageMakerClient(config);
  cleanups.push(async () => (s3.destroy(), sm.destroy()));

  const bucket = 'mme-bench';
  const run = `b${Date.now().toString(36)}`;
  const key = (d, channel) => `bench/preprocessed/${d.name}/${channel}/${channel}.csv`;
  const chosen = datasets.slice(0, count);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  progress(`end to end: uploading ${count} locations' channels`);
  const uploadMs = await timeIt(() =>
    bounded(chosen, 16, async (d) => {
      for (const channel of ['train', 'validation']) {
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: key(d, channel), Body: d[channel], ContentType: 'text/csv' }),
        );
      }
    }),
  );

  const channel = (d, name) => ({
    ChannelName: name,
    DataSource: {
      S3DataSource: {
        S3DataType: 'S3Prefix',
        S3Uri: `s3://${bucket}/${key(d, name).replace(/[^/]+$/, '')}`,
        S3DataDistributionType: 'FullyReplicated',
      },
    },
    ContentType: CONTENT_TYPE,
    InputMode: 'File',
  });
  const jobName = (d) => `${run}-${d.name.replace(/_/g, '-')}`;
  const roleArn = await executionRoleArn(cloud.account.accountId);
  progress(`end to end: CreateTrainingJob × ${count}, polling until all are Completed`);
  const start = now();
  await bounded(chosen, 16, (d) =>
    sm.send(
      new CreateTrainingJobCommand({
        TrainingJobName: jobName(d),
        AlgorithmSpecification: { TrainingImage: LINEAR_LEARNER_IMAGE, TrainingInputMode: 'File' },
        RoleArn: roleArn,
        HyperParameters: HYPERPARAMETERS,
        InputDataConfig: [channel(d, 'train'), channel(d, 'validation')],
        OutputDataConfig: { S3OutputPath: `s3://${bucket}/bench/model_artifacts/${d.name}/` },
        ResourceConfig: { InstanceType: 'ml.c4.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
        StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      }),
    ),
  );
  const createdMs = now() - start;
  // One cheap call a poll (is any job of this run still InProgress?) rather than a Describe per
  // job, so that polling takes little of the 2 cores the jobs run on.
  const list = (status, NextToken) =>
    sm.send(new ListTrainingJobsCommand({ NameContains: run, StatusEquals: status, MaxResults: 100, NextToken }));
  while ((await list('InProgress')).TrainingJobSummaries.length > 0) await new Promise((r) => setTimeout(r, 100));
  const ms = now() - start;
  let completed = 0;
  let token;
  do {
    const page = await list('Completed', token);
    completed += page.TrainingJobSummaries.length;
    token = page.NextToken;
  } while (token);
  if (completed !== count) throw new Error(`end to end: ${completed} of ${count} training jobs Completed`);
  return {
    locations: count,
    poolSize,
    uploadSeconds: seconds(uploadMs),
    createSeconds: seconds(createdMs),
    seconds: seconds(ms),
    modelsPerSecond: round((count * 1000) / ms, 1),
  };
}

let e2e;
try {
  if (e2eLocations > 0) e2e = await endToEnd(e2eLocations, Math.max(...workerCounts));
} finally {
  await cleanup();
}

// ---- report --------------------------------------------------------------------------------

const best = poolRows.find((r) => r.workers === 2) ?? poolRows[poolRows.length - 1];
const projected = round(TARGET_MODELS / best.modelsPerSecond, 1);
const target = {
  goal: `${TARGET_MODELS} models in < ${TARGET_SECONDS} s`,
  workers: best.workers,
  seconds: locations === TARGET_MODELS ? best.seconds : projected,
  measured: locations === TARGET_MODELS,
  met: (locations === TARGET_MODELS ? best.seconds : projected) < TARGET_SECONDS,
};
const dataNote = `${locations} locations × ${rows} rows → ${datasets[0].trainRows} train + ${datasets[0].validationRows} validation rows each`;
const result = {
  benchmark: 'train',
  cpus: availableParallelism(),
  locations,
  rows,
  trainRows: datasets[0].trainRows,
  validationRows: datasets[0].validationRows,
  hyperparameters: HYPERPARAMETERS,
  rounds,
  generationSeconds: seconds(generationMs),
  costs,
  pool: poolRows,
  freshThreadPerTask: freshRow,
  target,
  e2e,
  tables: [
    {
      title: `Per model (median of ${SAMPLE} locations)`,
      columns: ['what', 'ms'],
      rows: [
        ['worker thread start (spawn, load, tiny task, terminate)', costs.workerStartMs],
        ['one training, in a warm thread', costs.trainWarmThreadMs],
        ['one training, in a fresh worker (a new thread per job)', costs.trainFreshWorkerMs],
      ],
    },
    {
      title: `JobPool: ${dataNote}, reference hyperparameters${rounds > 1 ? `, median of ${rounds} rounds` : ''}`,
      columns: ['workers', 'wall s', 'models/s', 'speed-up vs 1 worker'],
      rows: [
        ...poolRows.map((r) => [r.workers, r.seconds, r.modelsPerSecond, `×${r.speedup}`]),
        [
          `${freshRow.workers}, a new thread per task (before; ${freshRow.models} models)`,
          freshRow.seconds,
          freshRow.modelsPerSecond,
          `×${round(freshRow.modelsPerSecond / poolRows[0].modelsPerSecond)}`,
        ],
      ],
    },
    ...(e2e
      ? [
          {
            title: `End to end through the local cloud API: ${e2e.locations} of ${locations} locations (--e2e-locations), pool of ${e2e.poolSize}`,
            columns: ['upload s', 'create s', 'create → all Completed s', 'models/s'],
            rows: [[e2e.uploadSeconds, e2e.createSeconds, e2e.seconds, e2e.modelsPerSecond]],
          },
        ]
      : []),
  ],
  summary: `${target.goal}: ${target.met ? 'met' : 'NOT met'} (${target.seconds} s with ${target.workers} worker(s)${target.measured ? '' : ', projected from the measured rate'})`,
};

if (flags.json) {
  console.log(JSON.stringify(result));
} else {
  console.log(`training benchmark, ${result.cpus} CPUs (data generated in ${result.generationSeconds} s, not timed)`);
  printTables(result.tables);
  console.log(`\n${result.summary}`);
}
