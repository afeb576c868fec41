// What the benchmark scripts share: the build they load, flags, cleanup and the watchdog,
// statistics, the tables they print, and the housing pipeline they deploy (invoke, soak).
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const dist = new URL('../dist/', import.meta.url);

/** Import a module of the build, by its path in dist/. */
export const load = (path) => import(new URL(path, dist).href);

/** The execution role each local account seeds (it trusts SageMaker, so CreateModel and CreateTrainingJob pass). */
export async function executionRoleArn(accountId) {
  const { localExecutionRoleArn } = await load('aws-names/execution-role.js');
  return localExecutionRoleArn(accountId);
}

/** Whether the build has `path` (in dist/). */
export const built = (path) => existsSync(new URL(path, dist));

/** Exit 2, saying so, unless the build has every one of `paths` (in dist/). */
export function requireBuild(...paths) {
  if (!paths.every(built)) {
    console.error('dist/ is missing: run npm run build first');
    process.exit(2);
  }
}

/** `--name` of parseArgs' `flags` as a number ≥ min (an integer unless told), or exit 2 saying why. */
export function numberFlag(flags, name, min, { integer = true, fallback } = {}) {
  const raw = flags[name] ?? fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    console.error(`--${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, not ${raw}`);
    process.exit(2);
  }
  return n;
}

/** Progress lines on stderr, `label: line`. */
export const progressTo = (label) => (line) => process.stderr.write(`${label}: ${line}\n`);

/**
 * Cleanup steps (temp dirs, children, clients), run last-pushed first on success, failure, the
 * watchdog and Ctrl-C alike; once, however many callers (Ctrl-C while a finally runs it too).
 */
export function cleanupStack(onError = () => undefined) {
  const steps = [];
  let running;
  return {
    push: (step) => steps.push(step),
    run: () =>
      (running ??= (async () => {
        while (steps.length) await steps.pop()().catch(onError);
      })()),
    get started() {
      return running !== undefined;
    },
  };
}

/** After `seconds`: say `message`, clean up, exit 3. It does not keep the process alive. */
export function startWatchdog(seconds, message, cleanup) {
  setTimeout(async () => {
    console.error(message);
    await cleanup();
    process.exit(3);
  }, seconds * 1000).unref();
}

/** Ctrl-C: clean up, exit 130. */
export function cleanUpOnSigint(cleanup) {
  process.once('SIGINT', async () => {
    await cleanup();
    process.exit(130);
  });
}

/**
 * A script's cleanup stack, run by the watchdog after `timeoutSeconds` (exit 3) and by Ctrl-C
 * (exit 130) as well as by the script itself at the end.
 */
export function guardedCleanups(label, timeoutSeconds, onError) {
  const cleanups = cleanupStack(onError);
  startWatchdog(timeoutSeconds, `${label}: gave up after --timeout ${timeoutSeconds} s`, cleanups.run);
  cleanUpOnSigint(cleanups.run);
  return cleanups;
}

/**
 * The memory one loaded model keeps: heap plus array buffers (after two full collections)
 * grown over `copies` calls of `loadOne`, all held at once, divided by `copies`. Returns the
 * first copy too, for figures of its own.
 */
export function bytesPerLoad(copies, loadOne) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  const used = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = used();
  const loaded = [];
  for (let i = 0; i < copies; i++) loaded.push(loadOne());
  return { bytesPerModel: Math.round((used() - before) / copies), first: loaded[0] };
}

export const round = (x, places = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** places) / 10 ** places : x);

/** The nearest-rank percentile `p` of an ascending list; undefined for an empty one. */
export const percentile = (sorted, p) =>
  sorted.length === 0
    ? undefined
    : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Run `fn(item, index)` over `items`, `limit` at a time. */
export async function bounded(items, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

/** A `{ title, columns, rows }` table as text lines: the header and the rows, columns aligned. */
export function tableLines(t) {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => String(r[i]).length)));
  return [
    `  ${t.columns.map((c, i) => c.padEnd(widths[i])).join('  ')}`,
    ...t.rows.map((r) => `  ${r.map((v, i) => String(v).padEnd(widths[i])).join('  ')}`),
  ];
}

/** Each table on stdout after a blank line: its title, then its lines. */
export function printTables(tables) {
  for (const t of tables) console.log([`\n${t.title}`, ...tableLines(t)].join('\n'));
}

// ---- the housing pipeline (as test/hosting does) ------------------------------------------------

export const SKLEARN_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
export const LINEAR_LEARNER_IMAGE = '382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1';

/**
 * A fitted preprocessor and a linear learner per price per square foot in `perSqfts`, trained on
 * small synthetic housing data with the pure algorithms and packed as model.tar.gz.
 */
export async function makeHousingArtifacts(perSqfts) {
  const {
    fitPreprocessor,
    parseCsv,
    parseHyperparameters,
    serializeLinearLearner,
    serializePreprocessor,
    trainLinearLearner,
    transformRow,
    LINEAR_LEARNER_ARTIFACT_FILE,
    PREPROCESSOR_ARTIFACT_FILE,
  } = await load('algorithms/index.js');
  const { packModelTar } = await load('formats/model-tar.js');
  const housingCsv = (rows, perSqft) => {
    let out = '';
    for (let k = 0; k < rows; k++) {
      const sqft = 1500 + ((k * 37) % 2000);
      const beds = 2 + (k % 5);
      const baths = 1 + (k % 5) / 2;
      const garage = k % 4;
      const price = perSqft * sqft + 10_000 * beds + 15_000 * baths + 5_000 * garage;
      out += `${1980 + (k % 40)},${sqft},${beds},${baths},${0.5 + ((k * 13) % 100) / 100},${garage},${k % 3 === 0 ? 'y' : 'n'},${k % 2 === 0 ? 'y' : 'n'},${price}\n`;
    }
    return out;
  };
  const pre = fitPreprocessor(parseCsv(housingCsv(200, 150)));
  const preprocessorTar = await packModelTar([{ name: PREPROCESSOR_ARTIFACT_FILE, data: serializePreprocessor(pre) }]);
  const tars = new Map();
  for (const perSqft of perSqfts) {
    const rows = parseCsv(housingCsv(200, perSqft)).map((r) => transformRow(pre, r));
    const featureDim = rows[0].features.length;
    const data = {
      rows: rows.length,
      featureDim,
      features: Float64Array.from(rows.flatMap((r) => Array.from(r.features))),
      labels: Float64Array.from(rows, (r) => r.label),
    };
    const hp = parseHyperparameters({
      feature_dim: String(featureDim),
      predictor_type: 'regressor',
      mini_batch_size: '20',
      epochs: '3',
      num_models: '2',
      loss: 'squared_loss',
    });
    tars.set(
      perSqft,
      await packModelTar([
        { name: LINEAR_LEARNER_ARTIFACT_FILE, data: serializeLinearLearner(trainLinearLearner(hp, data).model) },
      ]),
    );
  }
  /** An XGBoost model of `rounds` trees (depth 6) on the same transformed rows, as `xgboost-model` (binary). */
  const xgboostTar = async (rounds, perSqft = 250) => {
    const { trainXGBoost, saveModel } = await load('algorithms/xgboost/index.js');
    const rows = parseCsv(housingCsv(400, perSqft)).map((r) => transformRow(pre, r));
    const cols = rows[0].features.length;
    const train = {
      x: { rows: rows.length, cols, values: Float32Array.from(rows.flatMap((r) => Array.from(r.features))) },
      labels: Float32Array.from(rows, (r) => r.label),
    };
    const { model } = trainXGBoost({ train }, { num_round: String(rounds), max_depth: '6', eta: '0.1' });
    return packModelTar([{ name: 'xgboost-model', data: saveModel(model, 'binary') }]);
  };
  return { preprocessorTar, cityTar: (perSqft) => tars.get(perSqft), xgboostTar };
}

export const XGBOOST_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';

/**
 * CreateModel `model` (the preprocessor at s3://bucket/preprocessorKey → a MultiModel linear
 * learner over s3://bucket/prefix), CreateEndpointConfig `config` (one `instanceType`),
 * CreateEndpoint `endpoint`, and wait (up to `maxWaitTime` s) until it is InService.
 */
export async function createPipelineEndpoint(
  sm,
  {
    accountId,
    bucket,
    preprocessorKey,
    prefix,
    model,
    config,
    endpoint,
    instanceType,
    maxWaitTime,
    image = LINEAR_LEARNER_IMAGE,
    preprocessorAccept,
  },
) {
  const { CreateModelCommand, CreateEndpointConfigCommand, CreateEndpointCommand, waitUntilEndpointInService } =
    await import('@aws-sdk/client-sagemaker');
  await sm.send(
    new CreateModelCommand({
      ModelName: model,
      ExecutionRoleArn: await executionRoleArn(accountId),
      Containers: [
        {
          Image: SKLEARN_IMAGE,
          ModelDataUrl: `s3://${bucket}/${preprocessorKey}`,
          Environment: {
            SAGEMAKER_PROGRAM: 'sklearn_preprocessor.py',
            // XGBoost reads CSV, not the preprocessor's default JSON (src/algorithms/registry.ts).
            ...(preprocessorAccept ? { SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT: preprocessorAccept } : {}),
          },
        },
        { Image: image, Mode: 'MultiModel', ModelDataUrl: `s3://${bucket}/${prefix}` },
      ],
    }),
  );
  await sm.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: config,
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: model,
          InstanceType: instanceType,
          InitialInstanceCount: 1,
          InitialVariantWeight: 1,
        },
      ],
    }),
  );
  await sm.send(new CreateEndpointCommand({ EndpointName: endpoint, EndpointConfigName: config }));
  await waitUntilEndpointInService({ client: sm, maxWaitTime, minDelay: 1, maxDelay: 1 }, { EndpointName: endpoint });
}
