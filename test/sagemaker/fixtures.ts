/** Shared inputs for the SageMaker service tests: requests, data, and a status poller. */
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  DescribeTrainingJobCommand,
  DescribeTransformJobCommand,
  type CreateTrainingJobCommandInput,
  type DescribeTrainingJobCommandOutput,
  type DescribeTransformJobCommandOutput,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { localExecutionRoleArn } from '../../src/aws-names/execution-role.js';
import { housingCsv as hostingHousingCsv, LINEAR_LEARNER_IMAGE } from '../hosting/helpers.js';

export { LINEAR_LEARNER_IMAGE, SKLEARN_IMAGE } from '../hosting/helpers.js';
export { rejection } from '../helpers/rejection.js';
export const BUCKET = 'sm-test';

/** Headerless `label,x1,x2` rows of y = 3·x1 − 2·x2 + 5: what text/csv;label_size=1 means. */
export function linearCsv(rows = 60): string {
  let out = '';
  for (let i = 0; i < rows; i++) {
    const x1 = (i % 10) / 2;
    const x2 = Math.floor(i / 10) / 3;
    out += `${3 * x1 - 2 * x2 + 5},${x1},${x2}\n`;
  }
  return out;
}

/** Housing rows as the reference workflow lays them out (8 features, PRICE last; garages add nothing). */
export const housingCsv = (rows: number, seed = 1): string => hostingHousingCsv(rows, 150, seed, 0);

export async function putObjects(
  s3: S3Client,
  objects: Record<string, string | Buffer>,
  bucket = BUCKET,
): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((err: Error) => {
    if (err.name !== 'BucketAlreadyOwnedByYou') throw err;
  });
  for (const [key, body] of Object.entries(objects))
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** The execution role a local account seeds, for a cloud known by its account (a daemon's). */
export const seededRole = (accountId: string) => ({
  executionRoleArn: localExecutionRoleArn(accountId),
});

/** A small linear-learner training job, run under the cloud's seeded execution role unless overridden. */
export function trainingJobInput(
  cloud: { executionRoleArn: string },
  name: string,
  overrides: Partial<CreateTrainingJobCommandInput> = {},
): CreateTrainingJobCommandInput {
  return {
    TrainingJobName: name,
    AlgorithmSpecification: { TrainingImage: LINEAR_LEARNER_IMAGE, TrainingInputMode: 'File' },
    RoleArn: cloud.executionRoleArn,
    HyperParameters: {
      feature_dim: '2',
      predictor_type: 'regressor',
      mini_batch_size: '10',
      epochs: '3',
      num_models: '4',
      loss: 'squared_loss',
    },
    InputDataConfig: [
      {
        ChannelName: 'train',
        ContentType: 'text/csv;label_size=1',
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: `s3://${BUCKET}/linear/train/`,
            S3DataDistributionType: 'FullyReplicated',
          },
        },
      },
    ],
    OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/models` },
    ResourceConfig: { InstanceType: 'ml.c4.xlarge', InstanceCount: 1, VolumeSizeInGB: 10 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    ...overrides,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll DescribeTrainingJob until `done` says so (default: the job has ended). */
export async function waitForTrainingJob(
  sm: SageMakerClient,
  name: string,
  done: (d: DescribeTrainingJobCommandOutput) => boolean = (d) =>
    !['InProgress', 'Stopping'].includes(d.TrainingJobStatus ?? ''),
  timeoutMs = 20_000,
): Promise<DescribeTrainingJobCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
    if (done(d)) return d;
    if (Date.now() > deadline)
      throw new Error(`training job ${name} still ${d.TrainingJobStatus}/${d.SecondaryStatus}`);
    await sleep(50);
  }
}

export async function waitForTransformJob(
  sm: SageMakerClient,
  name: string,
  timeoutMs = 20_000,
): Promise<DescribeTransformJobCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await sm.send(new DescribeTransformJobCommand({ TransformJobName: name }));
    if (!['InProgress', 'Stopping'].includes(d.TransformJobStatus ?? '')) return d;
    if (Date.now() > deadline) throw new Error(`transform job ${name} still ${d.TransformJobStatus}`);
    await sleep(50);
  }
}
