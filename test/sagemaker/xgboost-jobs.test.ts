/**
 * The sagemaker-xgboost image on the local cloud, through the real SageMaker client: its URIs
 * (every version, every region) accepted by CreateTrainingJob, CreateModel and
 * CreateTransformJob, an unknown tag refused with the supported ones listed; a training job
 * with the container's log lines, final metrics, hyperparameter failures and early stopping;
 * the artifact loaded by Debian's xgboost 1.7 (skipped, and said, where it is absent); a
 * batch transform with the single-model server's batch output.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateModelCommand,
  CreateTrainingJobCommand,
  CreateTransformJobCommand,
  type CreateTrainingJobCommandInput,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGES } from '../../src/aws-names/image-uri-table.js';
import { formatImageUri } from '../../src/aws-names/image-uris.js';
import { unpackModelTar } from '../../src/formats/model-tar.js';
import { loadModel, predict, toMatrix } from '../../src/algorithms/xgboost/index.js';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { trainingJobLog } from '../helpers/logs.js';
import {
  python,
  runReference,
  synthetic,
  toCsv,
  warnIfNoPython,
  worstRelative,
} from '../algorithms/xgboost/reference.js';
import {
  BUCKET,
  putObjects,
  rejection,
  trainingJobInput,
  waitForTrainingJob,
  waitForTransformJob,
} from './fixtures.js';

warnIfNoPython('xgboost training-job artifact in xgboost 1.7');

const XGB_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
const train = synthetic('regression', 600, 6, 11);
const validation = synthetic('regression', 200, 6, 12);
const libsvm = (rows: number) => {
  let out = '';
  for (let i = 0; i < rows; i++) out += `${i % 7} 0:${i % 7} ${i % 3 === 0 ? '' : `2:${i % 5}`}\n`;
  return out;
};

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startTestCloud({ sagemaker: { poolSize: 2 } });
  await putObjects(cloud.s3(), {
    'xgb/train/train.csv': toCsv(train),
    'xgb/validation/validation.csv': toCsv(validation),
    'xgb/libsvm/train.libsvm': libsvm(80),
    'none/model.tar.gz': 'not read until an endpoint starts',
    'xgb/score/rows.csv': toCsv(validation).replace(/^[^,]*,/gm, ''),
  });
});
afterAll(() => cloud?.stop());

function xgbJob(
  name: string,
  hyperparameters: Record<string, string>,
  overrides: Partial<CreateTrainingJobCommandInput> = {},
): CreateTrainingJobCommandInput {
  const channel = (channelName: string, prefix: string, contentType = 'text/csv') => ({
    ChannelName: channelName,
    ContentType: contentType,
    DataSource: { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: `s3://${BUCKET}/${prefix}` } },
  });
  return trainingJobInput(cloud, name, {
    AlgorithmSpecification: { TrainingImage: XGB_IMAGE, TrainingInputMode: 'File' },
    HyperParameters: hyperparameters,
    InputDataConfig: [channel('train', 'xgb/train/'), channel('validation', 'xgb/validation/')],
    ...overrides,
  });
}

describe('the sagemaker-xgboost images', () => {
  it('are accepted for every version in every region, with the tags the SDK builds', async () => {
    const sm = cloud.sagemaker();
    const entry = IMAGES.xgboost;
    expect(formatImageUri('xgboost', '683313688378', 'us-east-1', '1.0-1')).toBe(
      '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3',
    );
    expect(formatImageUri('xgboost', entry.registries['cn-north-1']!, 'cn-north-1', '1.7-1')).toBe(
      '450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-xgboost:1.7-1',
    );
    const regions = Object.keys(entry.registries);
    expect(regions).toHaveLength(37);
    let i = 0;
    for (const version of entry.versions.training) {
      // Every version once, and across them every region.
      for (const region of regions.filter((_, k) => k % entry.versions.training.length === i)) {
        const image = formatImageUri('xgboost', entry.registries[region]!, region, version);
        const name = `img-${i}-${region}`;
        await sm.send(
          new CreateTrainingJobCommand(
            xgbJob(
              name,
              { num_round: '1' },
              { AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: 'File' } },
            ),
          ),
        );
        await sm.send(
          new CreateModelCommand({
            ModelName: name,
            ExecutionRoleArn: cloud.executionRoleArn,
            PrimaryContainer: { Image: image, ModelDataUrl: `s3://${BUCKET}/none/model.tar.gz` },
          }),
        );
      }
      i++;
    }
    await sm.send(
      new CreateModelCommand({
        ModelName: 'xgb-mme',
        ExecutionRoleArn: cloud.executionRoleArn,
        PrimaryContainer: { Image: XGB_IMAGE, Mode: 'MultiModel', ModelDataUrl: `s3://${BUCKET}/mme/` },
      }),
    );
  });

  it('refuses a tag the image does not have, listing the supported ones', async () => {
    const sm = cloud.sagemaker();
    for (const image of [
      '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:9.9-9',
      '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.0-1', // 1.0-1's tag is 1.0-1-cpu-py3
    ]) {
      const err = await rejection(
        sm.send(
          new CreateTrainingJobCommand(
            xgbJob(
              'bad-tag',
              { num_round: '1' },
              { AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: 'File' } },
            ),
          ),
        ),
      );
      expect(err.name).toBe('ValidationException');
      expect(err.message).toContain(`cannot run the image '${image}'`);
      expect(err.message).toContain(
        'sagemaker-xgboost:{{0.90-1|0.90-2|1.0-1}-cpu-py3|{1.2-1|1.2-2|1.3-1|1.5-1|1.7-1}}',
      );
    }
  });
});

describe('an XGBoost training job', () => {
  it('logs the per-round lines, reports the final metrics and writes xgboost-model in the binary format', async () => {
    const sm = cloud.sagemaker();
    await sm.send(
      new CreateTrainingJobCommand(
        xgbJob('xgb-regression', { num_round: '30', max_depth: '4', eta: '0.3', objective: 'reg:squarederror' }),
      ),
    );
    const d = await waitForTrainingJob(sm, 'xgb-regression');
    expect(d.FailureReason).toBeUndefined();
    expect(d.TrainingJobStatus).toBe('Completed');
    const metrics = Object.fromEntries((d.FinalMetricDataList ?? []).map((m) => [m.MetricName, m.Value]));
    expect(Object.keys(metrics).sort()).toEqual(['train:rmse', 'validation:rmse']);
    expect(metrics['validation:rmse']).toBeGreaterThan(0);
    const log = await trainingJobLog(cloud, 'xgb-regression');
    expect(log).toMatch(/^\[0\]#011train-rmse:\d+\.\d{5}#011validation-rmse:\d+\.\d{5}$/m);
    expect(log).toMatch(/^\[29\]#011train-rmse:/m);
    expect(log).not.toMatch(/^\[30\]/m);

    const key = d.ModelArtifacts!.S3ModelArtifacts!.replace(`s3://${BUCKET}/`, '');
    const archive = await cloud.s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const files = await unpackModelTar(Buffer.from(await archive.Body!.transformToByteArray()));
    expect(files.map((f) => f.name)).toEqual(['xgboost-model']);
    const model = files[0]!.data;
    // The binary format: "binf" then base_score (float32 0.5), not JSON or UBJSON.
    expect(Buffer.from(model.subarray(0, 4)).toString('latin1')).toBe('binf');
    const loaded = loadModel(model);
    expect(loaded.format).toBe('binary');
    expect(loaded.model.trees).toHaveLength(30);

    if (!python) return;
    const dir = mkdtempSync(join(tmpdir(), 'xgb-job-'));
    try {
      writeFileSync(join(dir, 'xgboost-model'), model);
      writeFileSync(join(dir, 'rows.csv'), toCsv(validation));
      const theirs = await runReference([
        'predict',
        '--model',
        join(dir, 'xgboost-model'),
        '--data',
        join(dir, 'rows.csv'),
      ]);
      const ours = predict(loaded.model, toMatrix(validation.x));
      expect(worstRelative(ours, theirs.predictions as number[])).toBeLessThanOrEqual(1e-6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops early on the validation channel and reports the chosen eval_metric', async () => {
    const sm = cloud.sagemaker();
    await sm.send(
      new CreateTrainingJobCommand(
        xgbJob('xgb-early', {
          num_round: '400',
          eta: '0.9',
          max_depth: '8',
          early_stopping_rounds: '3',
          eval_metric: 'mae',
        }),
      ),
    );
    const d = await waitForTrainingJob(sm, 'xgb-early');
    expect(d.TrainingJobStatus).toBe('Completed');
    expect((d.FinalMetricDataList ?? []).map((m) => m.MetricName).sort()).toEqual(['train:mae', 'validation:mae']);
    const log = await trainingJobLog(cloud, 'xgb-early');
    const rounds = log.match(/^\[\d+\]#011train-mae/gm) ?? [];
    expect(rounds.length).toBeGreaterThan(3);
    expect(rounds.length).toBeLessThan(400);
  });

  it('reads text/libsvm, absent entries missing', async () => {
    const sm = cloud.sagemaker();
    await sm.send(
      new CreateTrainingJobCommand(
        xgbJob(
          'xgb-libsvm',
          { num_round: '5' },
          {
            InputDataConfig: [
              {
                ChannelName: 'train',
                ContentType: 'text/libsvm',
                DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/xgb/libsvm/` } },
              },
            ],
          },
        ),
      ),
    );
    const d = await waitForTrainingJob(sm, 'xgb-libsvm');
    expect(d.FailureReason).toBeUndefined();
    expect(d.FinalMetricDataList?.map((m) => m.MetricName)).toEqual(['train:rmse']);
  });

  it('fails with the container FailureReason when a hyperparameter is wrong', async () => {
    const sm = cloud.sagemaker();
    await sm.send(new CreateTrainingJobCommand(xgbJob('xgb-no-rounds', { max_depth: '3' })));
    await sm.send(new CreateTrainingJobCommand(xgbJob('xgb-bad-eta', { num_round: '3', eta: '2' })));
    const missing = await waitForTrainingJob(sm, 'xgb-no-rounds');
    expect(missing.TrainingJobStatus).toBe('Failed');
    expect(missing.FailureReason).toMatch(/^ClientError: Missing required hyperparameter: num_round/);
    const range = await waitForTrainingJob(sm, 'xgb-bad-eta');
    expect(range.TrainingJobStatus).toBe('Failed');
    expect(range.FailureReason).toMatch(/^ClientError: Hyperparameter eta: 2\.0 is not in \[0, 1\]\n/);
  });
});

describe('an XGBoost batch transform', () => {
  it('answers one prediction a line, as the single-model server does under SAGEMAKER_BATCH', async () => {
    const sm = cloud.sagemaker();
    await sm.send(new CreateTrainingJobCommand(xgbJob('xgb-for-transform', { num_round: '10' })));
    const d = await waitForTrainingJob(sm, 'xgb-for-transform');
    await sm.send(
      new CreateModelCommand({
        ModelName: 'xgb-transform-model',
        ExecutionRoleArn: cloud.executionRoleArn,
        PrimaryContainer: { Image: XGB_IMAGE, ModelDataUrl: d.ModelArtifacts!.S3ModelArtifacts },
      }),
    );
    await sm.send(
      new CreateTransformJobCommand({
        TransformJobName: 'xgb-transform',
        ModelName: 'xgb-transform-model',
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/xgb/score/` } },
          ContentType: 'text/csv',
          SplitType: 'Line',
        },
        TransformOutput: { S3OutputPath: `s3://${BUCKET}/xgb-out`, AssembleWith: 'Line' },
        TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
      }),
    );
    const tj = await waitForTransformJob(sm, 'xgb-transform');
    expect(tj.FailureReason).toBeUndefined();
    const out = await cloud.s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'xgb-out/rows.csv.out' }));
    const lines = (await out.Body!.transformToString()).trimEnd().split('\n');
    expect(lines).toHaveLength(validation.x.length);
    for (const l of lines) expect(Number.isFinite(Number(l))).toBe(true);
  });
});
