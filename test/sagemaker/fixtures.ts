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

export const ROLE = 'arn:aws:iam::123456789012:role/SageMakerRole';
export const LINEAR_LEARNER_IMAGE = '382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1';
export const SKLEARN_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
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

/** Housing rows as the reference workflow lays them out (8 features, PRICE last). */
export function housingCsv(rows: number, seed = 1): string {
  let out = '';
  for (let i = 0; i < rows; i++) {
    const k = i + seed * 7;
    const year = 1980 + (k % 40);
    const sqft = 1500 + ((k * 37) % 2000);
    const beds = 2 + (k % 5);
    const baths = 1 + (k % 5) / 2;
    const lot = 0.5 + ((k * 13) % 100) / 100;
    const garage = k % 4;
    const porch = k % 3 === 0 ? 'y' : 'n';
    const deck = k % 2 === 0 ? 'y' : 'n';
    const price = 150 * sqft + 10_000 * beds + 15_000 * baths;
    out += `${year},${sqft},${beds},${baths},${lot},${garage},${porch},${deck},${price}\n`;
  }
  return out;
}

export async function putObjects(s3: S3Client, objects: Record<string, string | Buffer>, bucket = BUCKET): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((err: Error) => {
    if (err.name !== 'BucketAlreadyOwnedByYou') throw err;
  });
  for (const [key, body] of Object.entries(objects)) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

export function trainingJobInput(name: string, overrides: Partial<CreateTrainingJobCommandInput> = {}): CreateTrainingJobCommandInput {
  return {
    TrainingJobName: name,
    AlgorithmSpecification: { TrainingImage: LINEAR_LEARNER_IMAGE, TrainingInputMode: 'File' },
    RoleArn: ROLE,
    HyperParameters: { feature_dim: '2', predictor_type: 'regressor', mini_batch_size: '10', epochs: '3', num_models: '4', loss: 'squared_loss' },
    InputDataConfig: [
      {
        ChannelName: 'train',
        ContentType: 'text/csv;label_size=1',
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/linear/train/`, S3DataDistributionType: 'FullyReplicated' } },
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
  done: (d: DescribeTrainingJobCommandOutput) => boolean = (d) => !['InProgress', 'Stopping'].includes(d.TrainingJobStatus ?? ''),
  timeoutMs = 20_000,
): Promise<DescribeTrainingJobCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
    if (done(d)) return d;
    if (Date.now() > deadline) throw new Error(`training job ${name} still ${d.TrainingJobStatus}/${d.SecondaryStatus}`);
    await sleep(50);
  }
}

export async function waitForTransformJob(sm: SageMakerClient, name: string, timeoutMs = 20_000): Promise<DescribeTransformJobCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await sm.send(new DescribeTransformJobCommand({ TransformJobName: name }));
    if (!['InProgress', 'Stopping'].includes(d.TransformJobStatus ?? '')) return d;
    if (Date.now() > deadline) throw new Error(`transform job ${name} still ${d.TransformJobStatus}`);
    await sleep(50);
  }
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}
