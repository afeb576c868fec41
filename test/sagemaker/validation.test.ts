/** Request validation: AWS's ValidationException wording, through the real client. */
import {
  CreateModelCommand,
  CreateTrainingJobCommand,
  CreateTransformJobCommand,
  ListTrainingJobsCommand,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { rejection, trainingJobInput } from './fixtures.js';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud?.stop());

async function validationMessage(promise: Promise<unknown>): Promise<string> {
  const err = await rejection(promise);
  expect(err.name).toBe('ValidationException');
  expect(err.$metadata?.httpStatusCode).toBe(400);
  return err.message;
}

describe('validation', () => {
  it('checks names against the SageMaker pattern', async () => {
    const sm = cloud.sagemaker();
    expect(await validationMessage(sm.send(new CreateTrainingJobCommand(trainingJobInput(cloud, 'x_y'))))).toBe(
      "1 validation error detected: Value 'x_y' at 'trainingJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
    );
    const long = 'a'.repeat(64);
    expect(await validationMessage(sm.send(new CreateTrainingJobCommand(trainingJobInput(cloud, long))))).toContain(
      `Value '${long}' at 'trainingJobName' failed to satisfy constraint: Member must have length less than or equal to 63`,
    );
  });

  it('reports every failure at once, with member paths', async () => {
    const sm = cloud.sagemaker();
    const input = trainingJobInput(cloud, 'many-errors', {
      RoleArn: undefined,
      ResourceConfig: { InstanceType: 'ml.banana.huge' as never, InstanceCount: 1, VolumeSizeInGB: 10 },
    });
    input.AlgorithmSpecification!.TrainingInputMode = 'Sideways' as never;
    input.InputDataConfig![0]!.ChannelName = 'bad channel';
    const message = await validationMessage(sm.send(new CreateTrainingJobCommand(input)));
    expect(message).toMatch(/^4 validation errors detected: /);
    expect(message).toContain(
      "Value 'Sideways' at 'algorithmSpecification.trainingInputMode' failed to satisfy constraint: Member must satisfy enum value set: [Pipe, File, FastFile]",
    );
    expect(message).toContain("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
    expect(message).toContain(
      "Value 'bad channel' at 'inputDataConfig.1.member.channelName' failed to satisfy constraint: Member must satisfy regular expression pattern",
    );
    expect(message).toContain(
      "Value 'ml.banana.huge' at 'resourceConfig.instanceType' failed to satisfy constraint: Member must satisfy enum value set: [ml.m4.xlarge",
    );
  });

  it('checks S3 URIs', async () => {
    const sm = cloud.sagemaker();
    const message = await validationMessage(
      sm.send(
        new CreateTrainingJobCommand(
          trainingJobInput(cloud, 'bad-uri', { OutputDataConfig: { S3OutputPath: 'bucket/models' } }),
        ),
      ),
    );
    expect(message).toBe(
      "1 validation error detected: Value 'bucket/models' at 'outputDataConfig.s3OutputPath' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(https|s3)://([^/]+)/?(.*)$",
    );
  });

  it('names the supported images when it cannot run one', async () => {
    const sm = cloud.sagemaker();
    const input = trainingJobInput(cloud, 'xgb', {
      AlgorithmSpecification: {
        TrainingImage: '683313688378.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1',
        TrainingInputMode: 'File',
      },
    });
    const message = await validationMessage(sm.send(new CreateTrainingJobCommand(input)));
    expect(message).toContain("cannot run the image '683313688378.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1'");
    expect(message).toContain('linear-learner:1');
    expect(message).toContain('mme/sklearn-preprocessor');
  });

  it('accepts the linear learner from any registry and the local aliases', async () => {
    const sm = cloud.sagemaker();
    for (const [name, image] of [
      ['other-region', '664544806723.dkr.ecr.eu-central-1.amazonaws.com/linear-learner:1'],
      ['china', '390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/linear-learner:1'],
      ['alias', 'mme/linear-learner'],
    ] as const) {
      const input = trainingJobInput(cloud, name, {
        AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: 'File' },
      });
      await expect(sm.send(new CreateTrainingJobCommand(input))).resolves.toHaveProperty('TrainingJobArn');
    }
  });

  it('refuses Pipe mode and duplicate channel names', async () => {
    const sm = cloud.sagemaker();
    const pipe = trainingJobInput(cloud, 'pipe', {
      AlgorithmSpecification: { TrainingImage: 'mme/linear-learner', TrainingInputMode: 'Pipe' },
    });
    expect(await validationMessage(sm.send(new CreateTrainingJobCommand(pipe)))).toContain("'Pipe' is not supported");
    const twice = trainingJobInput(cloud, 'twice');
    twice.InputDataConfig = [twice.InputDataConfig![0]!, twice.InputDataConfig![0]!];
    expect(await validationMessage(sm.send(new CreateTrainingJobCommand(twice)))).toContain(
      'Channel names must be unique',
    );
  });

  it('checks List parameters', async () => {
    const sm = cloud.sagemaker();
    expect(await validationMessage(sm.send(new ListTrainingJobsCommand({ MaxResults: 101 })))).toBe(
      "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
    expect(await validationMessage(sm.send(new ListTrainingJobsCommand({ SortBy: 'Size' as never })))).toContain(
      'Member must satisfy enum value set: [Name, CreationTime, Status]',
    );
    expect(await validationMessage(sm.send(new ListTrainingJobsCommand({ NextToken: 'garbage' })))).toContain(
      'Invalid pagination token',
    );
  });

  it('checks models and transform jobs', async () => {
    const sm = cloud.sagemaker();
    expect(
      await validationMessage(
        sm.send(new CreateModelCommand({ ModelName: 'no-containers', ExecutionRoleArn: cloud.executionRoleArn })),
      ),
    ).toBe('Exactly one of PrimaryContainer or Containers must be specified.');
    const message = await validationMessage(
      sm.send(
        new CreateTransformJobCommand({
          TransformJobName: 'tj',
          ModelName: 'm',
          TransformInput: {
            DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/in/' } },
            SplitType: 'Sentence' as never,
          },
          TransformOutput: { S3OutputPath: 's3://b/out/' },
          TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 0 },
        }),
      ),
    );
    expect(message).toMatch(/^2 validation errors detected: /);
    expect(message).toContain(
      "at 'transformInput.splitType' failed to satisfy constraint: Member must satisfy enum value set: [None, Line, RecordIO, TFRecord]",
    );
    expect(message).toContain(
      "Value '0' at 'transformResources.instanceCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });
});
