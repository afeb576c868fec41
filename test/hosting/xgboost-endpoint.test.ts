/**
 * The sagemaker-xgboost image on local endpoints, through the real SDK clients, against Debian's
 * xgboost 1.7.4 (skipped, and said, where it is absent):
 * - models trained by xgboost itself, saved in each format an artifact may hold (binary, JSON,
 *   UBJSON, a pickled Booster), answer on a multi-model endpoint with xgboost's own predictions
 *   (≤ 1e-6 relative over 2,500 rows with missing values; regression with early stopping,
 *   binary and multi-class classification), in the MME handler's bare JSON array;
 * - text/libsvm requests, absent entries missing;
 * - the single-model server's formats ({"predictions": [{"score": …}]}, one CSV line a row);
 * - the container's errors as ModelError with its status;
 * - an archive of several models is an ensemble (their mean).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  waitUntilEndpointInService,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packModelTar } from '../../src/formats/model-tar.js';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { rejection } from '../helpers/rejection.js';
import {
  python,
  runReference,
  synthetic,
  warnIfNoPython,
  worstRelative,
  writeCsv,
  writeParams,
  type Synthetic,
  type Task,
} from '../algorithms/xgboost/reference.js';
import { putObjects } from '../sagemaker/fixtures.js';

warnIfNoPython('XGBoost models of xgboost 1.7 on a local multi-model endpoint');

const BUCKET = 'sm-test';
const IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
const ROWS = 2500;
const FORMATS = { binary: '', json: '.json', ubjson: '.ubj', pickle: '.pkl' } as const;

const CASES: Array<{ name: string; task: Task; params: Record<string, unknown> }> = [
  {
    name: 'regression',
    task: 'regression',
    params: {
      objective: 'reg:squarederror',
      num_round: 60,
      eta: 0.4,
      max_depth: 6,
      tree_method: 'hist',
      early_stopping_rounds: 3,
      eval_metric: 'rmse',
    },
  },
  {
    name: 'binary',
    task: 'binary',
    params: { objective: 'binary:logistic', num_round: 25, max_depth: 5, tree_method: 'hist' },
  },
  {
    name: 'multiclass',
    task: 'multiclass',
    params: { objective: 'multi:softprob', num_class: 3, num_round: 12, max_depth: 4, tree_method: 'hist' },
  },
];

const features = (data: Synthetic) =>
  data.x.map((row) => row.map((v) => (Number.isNaN(v) ? '' : String(v))).join(',')).join('\n');
const libsvm = (data: Synthetic) =>
  data.x.map((row) => row.flatMap((v, j) => (Number.isNaN(v) ? [] : [`${j}:${v}`])).join(' ')).join('\n');

let cloud: TestCloud;
let runtime: SageMakerRuntimeClient;
let dir: string;
const scored = new Map<string, { data: Synthetic; predictions: number[] }>();

async function endpoint(name: string, container: Record<string, unknown>): Promise<void> {
  const sm = cloud.sagemaker();
  await sm.send(
    new CreateModelCommand({
      ModelName: name,
      ExecutionRoleArn: cloud.executionRoleArn,
      PrimaryContainer: { Image: IMAGE, ...container },
    }),
  );
  await sm.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: name,
      ProductionVariants: [
        { VariantName: 'AllTraffic', ModelName: name, InstanceType: 'ml.m5.large', InitialInstanceCount: 1 },
      ],
    }),
  );
  await sm.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: name }));
  await waitUntilEndpointInService({ client: sm, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { EndpointName: name });
}

async function invoke(
  endpointName: string,
  body: string,
  contentType: string,
  extra: { TargetModel?: string; Accept?: string } = {},
): Promise<{ body: string; contentType?: string }> {
  const out = await runtime.send(
    new InvokeEndpointCommand({
      EndpointName: endpointName,
      Body: Buffer.from(body),
      ContentType: contentType,
      ...extra,
    }),
  );
  return { body: Buffer.from(out.Body!).toString('utf8'), contentType: out.ContentType };
}

beforeAll(async () => {
  cloud = await startTestCloud();
  runtime = new SageMakerRuntimeClient(cloud.clientConfig());
  dir = mkdtempSync(join(tmpdir(), 'xgb-endpoint-'));
  await putObjects(cloud.s3(), {}, BUCKET);
  if (!python) return;
  let seed = 100;
  for (const c of CASES) {
    const train = synthetic(c.task, 3000, 8, seed++, 0.15);
    const validation = synthetic(c.task, 600, 8, seed++, 0.15);
    const test = synthetic(c.task, ROWS, 8, seed++, 0.15);
    const prefix = join(dir, c.name);
    const result = await runReference([
      'train',
      '--train',
      writeCsv(dir, `${c.name}-train.csv`, train),
      '--validation',
      writeCsv(dir, `${c.name}-validation.csv`, validation),
      '--params',
      writeParams(dir, `${c.name}.json`, c.params),
      '--out',
      prefix,
      '--predict',
      writeCsv(dir, `${c.name}-test.csv`, test),
    ]);
    scored.set(c.name, { data: test, predictions: result.predictions as number[] });
    for (const [format, ext] of Object.entries(FORMATS)) {
      const tar = await packModelTar([{ name: 'xgboost-model', data: readFileSync(prefix + ext) }]);
      await cloud
        .s3()
        .send(new PutObjectCommand({ Bucket: BUCKET, Key: `xgb-mme/${c.name}-${format}.tar.gz`, Body: tar }));
    }
  }
  // Two models in one archive: the container serves their mean.
  const reg = join(dir, 'regression');
  const bin = join(dir, 'binary');
  await cloud.s3().send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: 'xgb-mme/ensemble.tar.gz',
      Body: await packModelTar([
        { name: 'xgboost-model-0', data: readFileSync(reg) },
        { name: 'xgboost-model-1', data: readFileSync(reg + '.json') },
        { name: '.DS_Store', data: Buffer.from('not a model') },
      ]),
    }),
  );
  await cloud.s3().send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: 'xgb-single/model.tar.gz',
      Body: await packModelTar([{ name: 'xgboost-model', data: readFileSync(bin) }]),
    }),
  );
  await endpoint('xgb-mme', { Mode: 'MultiModel', ModelDataUrl: `s3://${BUCKET}/xgb-mme/` });
  await endpoint('xgb-single', { ModelDataUrl: `s3://${BUCKET}/xgb-single/model.tar.gz` });
}, 240_000);

afterAll(async () => {
  runtime?.destroy();
  await cloud?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!python)('xgboost 1.7 models on a multi-model endpoint', () => {
  for (const c of CASES) {
    for (const format of Object.keys(FORMATS)) {
      it(`${c.name}, ${format}: xgboost's predictions over ${ROWS} rows with missing values`, async () => {
        const { data, predictions } = scored.get(c.name)!;
        const out = await invoke('xgb-mme', features(data), 'text/csv', { TargetModel: `${c.name}-${format}.tar.gz` });
        // The MME handler: a bare JSON array by default (rows of probabilities for softprob).
        expect(out.contentType).toBe('application/json');
        expect(out.body.startsWith('[')).toBe(true);
        const answer = (JSON.parse(out.body) as (number | number[])[]).flat();
        expect(answer).toHaveLength(predictions.length);
        expect(worstRelative(answer, predictions)).toBeLessThanOrEqual(1e-6);
      });
    }
  }

  it('reads text/libsvm (absent entries missing) and answers CSV on one line', async () => {
    const { data, predictions } = scored.get('regression')!;
    const out = await invoke('xgb-mme', libsvm(data), 'text/libsvm', {
      TargetModel: 'regression-binary.tar.gz',
      Accept: 'text/csv',
    });
    expect(out.body).not.toContain('\n');
    const answer = out.body.split(',').map(Number);
    expect(worstRelative(answer, predictions)).toBeLessThanOrEqual(1e-6);
  });

  it('serves the mean of an ensemble archive, skipping dotfiles', async () => {
    const { data, predictions } = scored.get('regression')!;
    const out = await invoke('xgb-mme', features(data), 'text/csv', { TargetModel: 'ensemble.tar.gz' });
    const answer = JSON.parse(out.body) as number[];
    // Both members are the same model: the mean is its prediction.
    expect(worstRelative(answer, predictions)).toBeLessThanOrEqual(1e-6);
  });

  it("answers the container's errors as ModelError with the MME handler's status", async () => {
    const { data } = scored.get('regression')!;
    const wrongType = await rejection<Error & { OriginalStatusCode?: number; OriginalMessage?: string }>(
      invoke('xgb-mme', features(data), 'application/json', { TargetModel: 'regression-binary.tar.gz' }),
    );
    expect(wrongType.name).toBe('ModelError');
    expect(wrongType.OriginalStatusCode).toBe(400);
    expect(wrongType.OriginalMessage).toContain('application/json is not an accepted ContentType: csv, libsvm');
    const wrongAccept = await rejection<Error & { OriginalStatusCode?: number; OriginalMessage?: string }>(
      invoke('xgb-mme', '1,2,3', 'text/csv', { TargetModel: 'regression-binary.tar.gz', Accept: 'text/plain' }),
    );
    expect(wrongAccept.OriginalStatusCode).toBe(415);
    expect(wrongAccept.OriginalMessage).toContain(
      "text/plain is not an accepted Accept type. Please choose one of the following: ['text/csv', 'application/json'].",
    );
    const tooWide = await rejection<Error & { OriginalStatusCode?: number; OriginalMessage?: string }>(
      invoke('xgb-mme', Array.from({ length: 12 }, () => '1').join(','), 'text/csv', {
        TargetModel: 'regression-binary.tar.gz',
      }),
    );
    expect(tooWide.OriginalStatusCode).toBe(400);
    expect(tooWide.OriginalMessage).toContain('Unable to evaluate payload provided');
  });
});

describe.skipIf(!python)('an xgboost 1.7 model on a single-model endpoint', () => {
  it('answers as the single-model server: CSV lines by default, {"predictions": [{"score": …}]} for JSON', async () => {
    const { data, predictions } = scored.get('binary')!;
    const csv = await invoke('xgb-single', features(data), 'text/csv');
    expect(csv.contentType).toBe('text/csv');
    const lines = csv.body.trimEnd().split('\n').map(Number);
    expect(lines).toHaveLength(ROWS);
    expect(worstRelative(lines, predictions)).toBeLessThanOrEqual(1e-6);
    const json = await invoke('xgb-single', features(data), 'text/csv', { Accept: 'application/json' });
    expect(json.body.startsWith('{"predictions": [{"score": ')).toBe(true);
    const scores = (JSON.parse(json.body) as { predictions: { score: number }[] }).predictions.map((p) => p.score);
    expect(worstRelative(scores, predictions)).toBeLessThanOrEqual(1e-6);
  });

  it("answers the single-model server's statuses: 415 for a content type, 406 for an Accept", async () => {
    const wrongType = await rejection<Error & { OriginalStatusCode?: number }>(
      invoke('xgb-single', '{"instances": []}', 'application/json'),
    );
    expect(wrongType.name).toBe('ModelError');
    expect(wrongType.OriginalStatusCode).toBe(415);
    const wrongAccept = await rejection<Error & { OriginalStatusCode?: number; OriginalMessage?: string }>(
      invoke('xgb-single', '1,2', 'text/csv', { Accept: 'text/plain' }),
    );
    expect(wrongAccept.OriginalStatusCode).toBe(406);
    expect(wrongAccept.OriginalMessage).toContain('Accept type text/plain is not supported.');
  });
});
