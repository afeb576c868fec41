/** State that survives a restart, restart recovery of running jobs, and tags. */
import {
  AddTagsCommand,
  CreateModelCommand,
  CreateTrainingJobCommand,
  CreateTransformJobCommand,
  DeleteTagsCommand,
  DescribeModelCommand,
  ListTagsCommand,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import {
  BUCKET,
  linearCsv,
  putObjects,
  rejection,
  trainingJobInput,
  waitForTrainingJob,
  waitForTransformJob,
} from './fixtures.js';

let cloud: TestCloud;
const RESTART_REASON = 'The local cloud restarted while this job was running; start it again.';

beforeAll(async () => {
  cloud = await startTestCloud({
    sagemaker: { poolSize: 1, workerDelayMs: (_k, name) => (name.startsWith('slow-') ? 60_000 : undefined) },
  });
  await putObjects(cloud.s3(), { 'linear/train/data.csv': linearCsv(30) });
});
afterAll(() => cloud?.stop());

describe('restart', () => {
  it('keeps finished jobs and models, and fails jobs that were running or queued', async () => {
    const sm = cloud.sagemaker();
    await sm.send(
      new CreateTrainingJobCommand(trainingJobInput(cloud, 'done-before', { Tags: [{ Key: 'team', Value: 'ml' }] })),
    );
    await waitForTrainingJob(sm, 'done-before');
    await sm.send(
      new CreateModelCommand({
        ModelName: 'kept',
        ExecutionRoleArn: cloud.executionRoleArn,
        PrimaryContainer: {
          Image: 'mme/linear-learner',
          ModelDataUrl: `s3://${BUCKET}/models/done-before/output/model.tar.gz`,
        },
      }),
    );
    await sm.send(
      new CreateTransformJobCommand({
        TransformJobName: 'slow-transform',
        ModelName: 'kept',
        TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/linear/` } } },
        TransformOutput: { S3OutputPath: `s3://${BUCKET}/out/` },
        TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
      }),
    );
    // One slot: the transform runs (waiting in its worker), the training job waits in the queue.
    await sm.send(new CreateTrainingJobCommand(trainingJobInput(cloud, 'slow-queued')));

    await cloud.restart();

    const sm2 = cloud.sagemaker();
    const queued = await waitForTrainingJob(sm2, 'slow-queued', () => true);
    expect(queued.TrainingJobStatus).toBe('Failed');
    expect(queued.SecondaryStatus).toBe('Failed');
    expect(queued.FailureReason).toBe(RESTART_REASON);
    expect(queued.SecondaryStatusTransitions?.map((t) => t.Status)).toEqual(['Starting', 'Failed']);
    const transform = await waitForTransformJob(sm2, 'slow-transform');
    expect(transform.TransformJobStatus).toBe('Failed');
    expect(transform.FailureReason).toBe(RESTART_REASON);

    const done = await waitForTrainingJob(sm2, 'done-before', () => true);
    expect(done.TrainingJobStatus).toBe('Completed');
    expect(done.CreationTime).toBeInstanceOf(Date);
    expect(done.SecondaryStatusTransitions).toHaveLength(5);
    const tags = await sm2.send(new ListTagsCommand({ ResourceArn: done.TrainingJobArn }));
    expect(tags.Tags).toEqual([{ Key: 'team', Value: 'ml' }]);
    expect((await sm2.send(new DescribeModelCommand({ ModelName: 'kept' }))).ModelName).toBe('kept');

    // And the restarted cloud runs jobs again.
    await sm2.send(new CreateTrainingJobCommand(trainingJobInput(cloud, 'after-restart')));
    expect((await waitForTrainingJob(sm2, 'after-restart')).TrainingJobStatus).toBe('Completed');
  });

  it('fails a job that was training when the cloud restarted', async () => {
    const sm = cloud.sagemaker();
    await sm.send(new CreateTrainingJobCommand(trainingJobInput(cloud, 'slow-training')));
    await waitForTrainingJob(sm, 'slow-training', (d) => d.SecondaryStatus === 'Training');
    await cloud.restart();
    const d = await waitForTrainingJob(cloud.sagemaker(), 'slow-training', () => true);
    expect(d).toMatchObject({ TrainingJobStatus: 'Failed', SecondaryStatus: 'Failed', FailureReason: RESTART_REASON });
    expect(d.SecondaryStatusTransitions?.map((t) => t.Status)).toEqual([
      'Starting',
      'Downloading',
      'Training',
      'Failed',
    ]);
    expect(d.TrainingEndTime).toBeInstanceOf(Date);
  });
});

describe('tags', () => {
  it('adds, replaces, lists and deletes tags; refuses unknown resources', async () => {
    const sm = cloud.sagemaker();
    const { ModelArn: arn } = await sm.send(
      new CreateModelCommand({
        ModelName: 'tagged',
        ExecutionRoleArn: cloud.executionRoleArn,
        PrimaryContainer: { Image: 'mme/linear-learner' },
        Tags: [{ Key: 'a', Value: '1' }],
      }),
    );
    const added = await sm.send(
      new AddTagsCommand({
        ResourceArn: arn,
        Tags: [
          { Key: 'a', Value: '2' },
          { Key: 'b', Value: '' },
        ],
      }),
    );
    expect(added.Tags).toEqual([
      { Key: 'a', Value: '2' },
      { Key: 'b', Value: '' },
    ]);
    expect((await sm.send(new ListTagsCommand({ ResourceArn: arn }))).Tags).toEqual([
      { Key: 'a', Value: '2' },
      { Key: 'b', Value: '' },
    ]);
    await sm.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: ['a', 'missing'] }));
    expect((await sm.send(new ListTagsCommand({ ResourceArn: arn }))).Tags).toEqual([{ Key: 'b', Value: '' }]);

    const unknown = await rejection(
      sm.send(new ListTagsCommand({ ResourceArn: `arn:aws:sagemaker:${cloud.region}:${cloud.accountId}:model/ghost` })),
    );
    expect(unknown.name).toBe('ValidationException');
    const badArn = await rejection(sm.send(new ListTagsCommand({ ResourceArn: 'not-an-arn' })));
    expect(badArn.message).toBe(
      "1 validation error detected: Value 'not-an-arn' at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+",
    );
    const tooMany = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const limit = await rejection(sm.send(new AddTagsCommand({ ResourceArn: arn, Tags: tooMany })));
    expect(limit.message).toContain('at most 50 tags');
  });
});
