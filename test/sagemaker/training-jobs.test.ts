/** Training jobs through the real SageMaker client against the local cloud. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { trainingJobLog } from '../helpers/logs.js';
import { BUCKET, linearCsv, putObjects, rejection, trainingJobInput, waitForTrainingJob } from './fixtures.js';

let cloud: TestCloud;

beforeAll(async () => {
  cloud = await startTestCloud({
    sagemaker: { poolSize: 2, workerDelayMs: (_kind, name) => (name.startsWith('slow-') ? 30_000 : undefined) },
  });
  await putObjects(cloud.s3(), {
    'linear/train/part-1.csv': linearCsv(40),
    'linear/train/part-2.csv': linearCsv(20),
    'linear/train/': Buffer.alloc(0), // a console "folder": not data
    'bad/train/train.csv': '5,1,2\n7,1,oops\n',
  });
});
afterAll(() => cloud?.stop());

describe('a training job', () => {
  it('runs to Completed through AWS secondary statuses and writes a real model.tar.gz', async () => {
    const sm = cloud.sagemaker();
    const created = await sm.send(
      new CreateTrainingJobCommand(
        trainingJobInput(cloud, 'Linear-Job-1', { Tags: [{ Key: 'project', Value: 'mme' }] }),
      ),
    );
    expect(created.TrainingJobArn).toBe(
      `arn:aws:sagemaker:${cloud.region}:${cloud.accountId}:training-job/linear-job-1`,
    );

    const d = await waitForTrainingJob(sm, 'Linear-Job-1');
    expect(d.FailureReason).toBeUndefined();
    expect(d.TrainingJobStatus).toBe('Completed');
    expect(d.SecondaryStatus).toBe('Completed');
    expect(d.SecondaryStatusTransitions?.map((t) => t.Status)).toEqual([
      'Starting',
      'Downloading',
      'Training',
      'Uploading',
      'Completed',
    ]);
    for (const t of d.SecondaryStatusTransitions!) {
      expect(t.StartTime).toBeInstanceOf(Date);
      expect(t.EndTime).toBeInstanceOf(Date);
      expect(t.StatusMessage).toBeTruthy();
    }
    expect(d.TrainingStartTime!.getTime()).toBeLessThanOrEqual(d.TrainingEndTime!.getTime());
    expect(d.BillableTimeInSeconds).toBeGreaterThanOrEqual(1);
    expect(d.HyperParameters?.feature_dim).toBe('2');
    expect(d.InputDataConfig?.[0]?.CompressionType).toBe('None');
    const uri = `s3://${BUCKET}/models/Linear-Job-1/output/model.tar.gz`;
    expect(d.ModelArtifacts?.S3ModelArtifacts).toBe(uri);
    expect(d.FinalMetricDataList?.length ?? 0).toBeGreaterThanOrEqual(0);

    const object = await cloud
      .s3()
      .send(new GetObjectCommand({ Bucket: BUCKET, Key: 'models/Linear-Job-1/output/model.tar.gz' }));
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    const dir = await mkdtemp(join(tmpdir(), 'mme-tar-'));
    try {
      await writeFile(join(dir, 'model.tar.gz'), bytes);
      expect(
        execFileSync('tar', ['-tzf', join(dir, 'model.tar.gz')], { encoding: 'utf8' })
          .trim()
          .split('\n'),
      ).toEqual(['model.json']);
      execFileSync('tar', ['-xzf', join(dir, 'model.tar.gz'), '-C', dir]);
      const artifact = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
        format: string;
        feature_dim: number;
      };
      expect(artifact).toMatchObject({ format: 'mme-linear-learner', feature_dim: 2 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const log = await trainingJobLog(cloud, 'Linear-Job-1');
    expect(log).toContain('Channel train: 2 file(s)');
  });

  it('reads a ManifestFile channel as AWS resolves it: prefix + relative keys', async () => {
    const sm = cloud.sagemaker();
    await putObjects(cloud.s3(), {
      'manifests/train.manifest': JSON.stringify([{ prefix: `s3://${BUCKET}/linear/train/` }, 'part-2.csv']),
    });
    const input = trainingJobInput(cloud, 'manifest-job');
    input.InputDataConfig![0]!.DataSource!.S3DataSource = {
      S3DataType: 'ManifestFile',
      S3Uri: `s3://${BUCKET}/manifests/train.manifest`,
    };
    await sm.send(new CreateTrainingJobCommand(input));
    const d = await waitForTrainingJob(sm, 'manifest-job');
    expect(d.FailureReason).toBeUndefined();
    const log = await trainingJobLog(cloud, 'manifest-job');
    expect(log).toContain('Channel train: 1 file(s)');
  });

  it('fails with a ClientError FailureReason when the CSV is bad', async () => {
    const sm = cloud.sagemaker();
    const input = trainingJobInput(cloud, 'bad-csv');
    input.InputDataConfig![0]!.DataSource!.S3DataSource!.S3Uri = `s3://${BUCKET}/bad/train/`;
    await sm.send(new CreateTrainingJobCommand(input));
    const d = await waitForTrainingJob(sm, 'bad-csv');
    expect(d.TrainingJobStatus).toBe('Failed');
    expect(d.SecondaryStatus).toBe('Failed');
    expect(d.FailureReason).toMatch(/^ClientError: .*row 2, column 3: 'oops' is not a number/);
    expect(d.ModelArtifacts).toBeUndefined();
  });

  it('fails with the algorithm message for a bad hyperparameter', async () => {
    const sm = cloud.sagemaker();
    const input = trainingJobInput(cloud, 'bad-hp', {
      HyperParameters: { feature_dim: '2', predictor_type: 'regressor', epochs: '0' },
    });
    await sm.send(new CreateTrainingJobCommand(input));
    const d = await waitForTrainingJob(sm, 'bad-hp');
    expect(d.TrainingJobStatus).toBe('Failed');
    expect(d.FailureReason).toMatch(
      /^ClientError: The value '0' is not valid for the 'epochs' hyperparameter.*\(caused by ValidationError\)/,
    );
  });

  it('fails with the AWS message when the channel prefix holds no objects', async () => {
    const sm = cloud.sagemaker();
    const input = trainingJobInput(cloud, 'empty-channel');
    input.InputDataConfig![0]!.DataSource!.S3DataSource!.S3Uri = `s3://${BUCKET}/nothing-here/`;
    await sm.send(new CreateTrainingJobCommand(input));
    const d = await waitForTrainingJob(sm, 'empty-channel');
    expect(d.FailureReason).toMatch(/^ClientError: No S3 objects found under S3 URL "s3:\/\/sm-test\/nothing-here\/"/);
  });

  it('refuses a duplicate name, whatever its case, with ResourceInUse', async () => {
    const sm = cloud.sagemaker();
    await sm.send(new CreateTrainingJobCommand(trainingJobInput(cloud, 'dup-job')));
    const err = await rejection(sm.send(new CreateTrainingJobCommand(trainingJobInput(cloud, 'DUP-job'))));
    expect(err.name).toBe('ResourceInUse');
    expect(err.message).toBe(
      `Training job names must be unique within an AWS account and region, and a training job with this name already exists (arn:aws:sagemaker:${cloud.region}:${cloud.accountId}:training-job/dup-job)`,
    );
    await waitForTrainingJob(sm, 'dup-job');
  });

  it('answers ResourceNotFound for unknown jobs', async () => {
    const sm = cloud.sagemaker();
    for (const call of [
      sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'no-such-job' })),
      sm.send(new StopTrainingJobCommand({ TrainingJobName: 'no-such-job' })),
    ]) {
      const err = await rejection(call);
      expect(err.name).toBe('ResourceNotFound');
      expect(err.message).toBe('Requested resource not found.');
      expect(err.$metadata?.httpStatusCode).toBe(400);
    }
  });

  it('stops a running job: Stopping, then Stopped, worker terminated', async () => {
    const sm = cloud.sagemaker();
    await sm.send(new CreateTrainingJobCommand(trainingJobInput(cloud, 'slow-stop')));
    await waitForTrainingJob(sm, 'slow-stop', (d) => d.SecondaryStatus === 'Training');
    await sm.send(new StopTrainingJobCommand({ TrainingJobName: 'slow-stop' }));
    const d = await waitForTrainingJob(sm, 'slow-stop', undefined, 5_000);
    expect(d.TrainingJobStatus).toBe('Stopped');
    expect(d.SecondaryStatusTransitions?.map((t) => t.Status)).toEqual([
      'Starting',
      'Downloading',
      'Training',
      'Stopping',
      'Stopped',
    ]);
    expect(d.ModelArtifacts).toBeUndefined();
    const again = await rejection(sm.send(new StopTrainingJobCommand({ TrainingJobName: 'slow-stop' })));
    expect(again.name).toBe('ValidationException');
    expect(again.message).toBe('The request was rejected because the training job is in status Stopped.');
  });

  it('stops a job at MaxRuntimeInSeconds with SecondaryStatus MaxRuntimeExceeded', async () => {
    const sm = cloud.sagemaker();
    await sm.send(
      new CreateTrainingJobCommand(
        trainingJobInput(cloud, 'slow-timeout', { StoppingCondition: { MaxRuntimeInSeconds: 1 } }),
      ),
    );
    const d = await waitForTrainingJob(sm, 'slow-timeout', undefined, 5_000);
    expect(d.TrainingJobStatus).toBe('Stopped');
    expect(d.SecondaryStatus).toBe('MaxRuntimeExceeded');
  });
});
