/**
 * Jobs write their logs where SageMaker does (docs/aws-behaviour.md#logs): one stream per job,
 * named as SageMaker names it, read back through the real CloudWatch Logs client; a failed job's
 * FailureReason names the stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateModelCommand, CreateTrainingJobCommand, CreateTransformJobCommand } from '@aws-sdk/client-sagemaker';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import {
  BUCKET,
  linearCsv,
  putObjects,
  LINEAR_LEARNER_IMAGE,
  trainingJobInput,
  waitForTrainingJob,
  waitForTransformJob,
} from '../sagemaker/fixtures.js';

describe('job logs in CloudWatch Logs', () => {
  let cloud: TestCloud;
  let logs: CloudWatchLogsClient;

  beforeAll(async () => {
    cloud = await startTestCloud();
    logs = new CloudWatchLogsClient({ ...cloud.clientConfig(), maxAttempts: 1 });
    await putObjects(cloud.s3(), {
      'linear/train/part-1.csv': linearCsv(40),
      'bad/train/train.csv': '5,1,2\n7,1,oops\n',
    });
  });
  afterAll(async () => {
    logs?.destroy();
    await cloud?.stop();
  });

  const streamsOf = async (group: string, prefix: string) =>
    (await logs.send(new DescribeLogStreamsCommand({ logGroupName: group, logStreamNamePrefix: prefix }))).logStreams ??
    [];

  it('a training job writes {job}/algo-1-{epoch seconds} in /aws/sagemaker/TrainingJobs', async () => {
    const sm = cloud.sagemaker();
    await sm.send(new CreateTrainingJobCommand(trainingJobInput(cloud, 'logged-job')));
    const d = await waitForTrainingJob(sm, 'logged-job');
    expect(d.TrainingJobStatus).toBe('Completed');
    const streams = await streamsOf('/aws/sagemaker/TrainingJobs', 'logged-job/');
    expect(streams.map((s) => s.logStreamName)).toEqual([
      `logged-job/algo-1-${Math.floor(d.CreationTime!.getTime() / 1000)}`,
    ]);
    const events = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/aws/sagemaker/TrainingJobs',
        logStreamName: streams[0]!.logStreamName!,
        startFromHead: true,
      }),
    );
    const messages = events.events!.map((e) => e.message);
    expect(messages[0]).toBe('Downloading 1 channel(s) for linear-learner');
    expect(messages.at(-1)).toMatch(/^Uploaded the model to s3:\/\//);
  });

  it('a failed training job points to its stream, which holds the whole log', async () => {
    const sm = cloud.sagemaker();
    const input = trainingJobInput(cloud, 'logged-bad');
    input.InputDataConfig![0]!.DataSource!.S3DataSource!.S3Uri = `s3://${BUCKET}/bad/train/`;
    await sm.send(new CreateTrainingJobCommand(input));
    const d = await waitForTrainingJob(sm, 'logged-bad');
    expect(d.TrainingJobStatus).toBe('Failed');
    const stream = `logged-bad/algo-1-${Math.floor(d.CreationTime!.getTime() / 1000)}`;
    expect(d.FailureReason).toContain(
      `Last log lines (CloudWatch Logs group /aws/sagemaker/TrainingJobs, stream ${stream}):\n`,
    );
    const events = await logs.send(
      new GetLogEventsCommand({ logGroupName: '/aws/sagemaker/TrainingJobs', logStreamName: stream, limit: 1 }),
    );
    expect(events.events![0]!.message).toMatch(/^Failed: ClientError: /);
  });

  it('a transform job writes {job}/{instance-id}-{epoch seconds} in /aws/sagemaker/TransformJobs', async () => {
    const sm = cloud.sagemaker();
    const trained = await waitForTrainingJob(sm, 'logged-job');
    await putObjects(cloud.s3(), { 'unlabelled/rows.csv': '1,2\n3,4\n' });
    await sm.send(
      new CreateModelCommand({
        ModelName: 'logged-model',
        ExecutionRoleArn: cloud.executionRoleArn,
        PrimaryContainer: { Image: LINEAR_LEARNER_IMAGE, ModelDataUrl: trained.ModelArtifacts!.S3ModelArtifacts },
      }),
    );
    await sm.send(
      new CreateTransformJobCommand({
        TransformJobName: 'logged-transform',
        ModelName: 'logged-model',
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/unlabelled/` } },
          ContentType: 'text/csv',
          SplitType: 'Line',
        },
        TransformOutput: { S3OutputPath: `s3://${BUCKET}/out`, Accept: 'application/json' },
        TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
      }),
    );
    const d = await waitForTransformJob(sm, 'logged-transform');
    expect(d.FailureReason).toBeUndefined();
    const streams = await streamsOf('/aws/sagemaker/TransformJobs', 'logged-transform/');
    expect(streams).toHaveLength(1);
    expect(streams[0]!.logStreamName).toMatch(
      new RegExp(`^logged-transform/i-[0-9a-f]{17}-${Math.floor(d.CreationTime!.getTime() / 1000)}$`),
    );
    const events = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/aws/sagemaker/TransformJobs',
        logStreamName: streams[0]!.logStreamName!,
        limit: 1,
      }),
    );
    expect(events.events![0]!.message).toBe(`Wrote s3://${BUCKET}/out/rows.csv.out`);
  });
});
