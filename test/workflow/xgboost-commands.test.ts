/**
 * `--algorithm xgboost` through the built CLI (bin/mme → dist/): `train --dry-run` on aws
 * prints the XGBoost training requests (its image in the region, its hyperparameters and
 * --hyperparameter overrides, text/csv channels, the algorithm's model prefix), sending none;
 * `demo --dry-run` plans XGBoost jobs the same way; --epochs, a linear-learner setting, is refused; an unknown algorithm is a usage error. The same
 * for --algorithm knn and rcf: their first-party images and channels.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT, mme } from '../cli/helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mme-xgb-cmd-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ MME_LOCAL_STATE: join(dir, 'state') });
const ROLE = 'arn:aws:iam::123456789012:role/SageMakerRole';
const AWS = ['--target', 'aws', '--region', 'eu-west-1', '--bucket', 'my-bucket', '--role-arn', ROLE];

describe.skipIf(!BUILT)('mme train --algorithm xgboost', () => {
  it('--dry-run on aws: the sagemaker-xgboost image of the region and its settings', async () => {
    const r = await mme(
      [
        'train',
        '--dry-run',
        '--json',
        ...AWS,
        '--algorithm',
        'xgboost',
        '--locations',
        'NewYork_NY',
        '--hyperparameter',
        'max_depth=3',
      ],
      { cwd: dir, env: env() },
    );
    expect(r.code).toBe(0);
    const { result } = JSON.parse(r.stdout);
    const create = result.find((x: { operation: string }) => x.operation === 'CreateTrainingJob').input;
    expect(create.AlgorithmSpecification.TrainingImage).toBe(
      '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1',
    );
    expect(create.HyperParameters).toMatchObject({ objective: 'reg:squarederror', num_round: '200', max_depth: '3' });
    expect(create.InputDataConfig.map((c: { ContentType: string }) => c.ContentType)).toEqual(['text/csv', 'text/csv']);
    expect(create.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toBe(
      's3://my-bucket/DEMO_MME_LINEAR_LEARNER/preprocessed/NewYork_NY/train/',
    );
    expect(create.OutputDataConfig.S3OutputPath).toBe(
      's3://my-bucket/DEMO_MME_LINEAR_LEARNER/xgboost/model_artifacts/NewYork_NY/',
    );
  });

  it('mme demo --algorithm xgboost --dry-run on aws: the same data and preprocessing, XGBoost training jobs', async () => {
    const r = await mme(['demo', '--dry-run', '--json', ...AWS, '--algorithm', 'xgboost', '--rows', '100'], {
      cwd: dir,
      env: env(),
    });
    expect(r.code, r.stderr).toBe(0);
    const { result } = JSON.parse(r.stdout);
    const jobs = result
      .filter((x: { operation: string }) => x.operation === 'CreateTrainingJob')
      .map((x: any) => x.input);
    const images = jobs.map((j: any) => j.AlgorithmSpecification?.TrainingImage).filter(Boolean);
    // One preprocess job (scikit-learn, script mode) and one XGBoost job per location.
    expect(images.filter((i: string) => i.endsWith('/sagemaker-xgboost:1.7-1'))).toHaveLength(4);
    const outputs = jobs.map((j: any) => j.OutputDataConfig.S3OutputPath);
    expect(outputs.filter((o: string) => o.startsWith('s3://my-bucket/DEMO_MME_LINEAR_LEARNER/xgboost/'))).toHaveLength(
      4,
    );
  });

  it('refuses --epochs and an unknown algorithm (exit 2)', async () => {
    const epochs = await mme(['train', '--dry-run', ...AWS, '--algorithm', 'xgboost', '--epochs', '3'], {
      cwd: dir,
      env: env(),
    });
    expect(epochs.code).toBe(2);
    expect(epochs.stderr + epochs.stdout).toContain('num_round');
    const unknown = await mme(['train', '--dry-run', ...AWS, '--algorithm', 'kmeans'], { cwd: dir, env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr + unknown.stdout).toMatch(/linear-learner, xgboost, knn, rcf/);
  });
});

describe.skipIf(!BUILT)('mme train --algorithm knn | rcf', () => {
  const dryRun = async (algorithm: string) => {
    const r = await mme(
      ['train', '--dry-run', '--json', ...AWS, '--algorithm', algorithm, '--locations', 'Chicago_IL'],
      {
        cwd: dir,
        env: env(),
      },
    );
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout).result.find((x: { operation: string }) => x.operation === 'CreateTrainingJob').input;
  };

  it('--dry-run on aws: the first-party image of the region, its channels and model prefix', async () => {
    const knn = await dryRun('knn');
    expect(knn.AlgorithmSpecification.TrainingImage).toBe('438346466558.dkr.ecr.eu-west-1.amazonaws.com/knn:1');
    expect(knn.HyperParameters).toMatchObject({ feature_dim: '10', k: '5', predictor_type: 'regressor' });
    // k-NN has no validation channel: the validation split is its test channel.
    expect(knn.InputDataConfig.map((c: { ChannelName: string }) => c.ChannelName)).toEqual(['train', 'test']);
    expect(knn.InputDataConfig[1].DataSource.S3DataSource.S3Uri).toBe(
      's3://my-bucket/DEMO_MME_LINEAR_LEARNER/preprocessed/Chicago_IL/validation/',
    );
    expect(knn.OutputDataConfig.S3OutputPath).toBe(
      's3://my-bucket/DEMO_MME_LINEAR_LEARNER/knn/model_artifacts/Chicago_IL/',
    );
    const rcf = await dryRun('rcf');
    expect(rcf.AlgorithmSpecification.TrainingImage).toBe(
      '438346466558.dkr.ecr.eu-west-1.amazonaws.com/randomcutforest:1',
    );
    expect(rcf.InputDataConfig).toEqual([
      expect.objectContaining({
        ChannelName: 'train',
        ContentType: 'text/csv;label_size=1',
        DataSource: {
          S3DataSource: expect.objectContaining({ S3DataDistributionType: 'ShardedByS3Key' }),
        },
      }),
    ]);
  });

  it('refuses --epochs with what to use instead', async () => {
    const r = await mme(['train', '--dry-run', ...AWS, '--algorithm', 'rcf', '--epochs', '3'], {
      cwd: dir,
      env: env(),
    });
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toContain('num_trees');
  });
});
