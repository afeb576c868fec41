/**
 * `--algorithm xgboost` through the built CLI (bin/mme → dist/): `train --dry-run` on aws
 * prints the XGBoost training requests (its image in the region, its hyperparameters and
 * --hyperparameter overrides, text/csv channels, the algorithm's model prefix), sending none;
 * --epochs, a linear-learner setting, is refused; an unknown algorithm is a usage error.
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

  it('refuses --epochs and an unknown algorithm (exit 2)', async () => {
    const epochs = await mme(['train', '--dry-run', ...AWS, '--algorithm', 'xgboost', '--epochs', '3'], {
      cwd: dir,
      env: env(),
    });
    expect(epochs.code).toBe(2);
    expect(epochs.stderr + epochs.stdout).toContain('num_round');
    const unknown = await mme(['train', '--dry-run', ...AWS, '--algorithm', 'knn'], { cwd: dir, env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr + unknown.stdout).toMatch(/linear-learner, xgboost/);
  });
});
