/**
 * SageMaker's execution-role checks on the local cloud, with the real SDK clients: the role must
 * exist and trust sagemaker.amazonaws.com (else ValidationException "Could not assume role …"),
 * and the caller must be allowed iam:PassRole on it for SageMaker (else AccessDenied).
 */
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  PutUserPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateModelCommand, CreateTrainingJobCommand, CreateTransformJobCommand } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { destroyClients, iam, trustAccount } from '../iam/helpers.js';
import { BUCKET, LINEAR_LEARNER_IMAGE, linearCsv, putObjects, rejection, trainingJobInput } from './fixtures.js';

let cloud: TestCloud;
let seeded: string;
const couldNotAssume = (arn: string) =>
  `Could not assume role ${arn}. Please ensure that the role exists and allows principal 'sagemaker.amazonaws.com' to assume the role.`;

beforeAll(async () => {
  cloud = await startTestCloud();
  seeded = cloud.executionRoleArn;
  await putObjects(cloud.s3(), { 'linear/train/part-1.csv': linearCsv(20), 'models/m.tar.gz': 'x' });
});
afterAll(async () => {
  destroyClients();
  await cloud.stop();
});

const modelInput = (name: string, role: string) => ({
  ModelName: name,
  ExecutionRoleArn: role,
  PrimaryContainer: { Image: LINEAR_LEARNER_IMAGE, ModelDataUrl: `s3://${BUCKET}/models/m.tar.gz` },
});

describe('execution role checks', () => {
  it('accepts the seeded default role, which trusts SageMaker', async () => {
    const sm = cloud.sagemaker();
    await sm.send(new CreateTrainingJobCommand(trainingJobInput(cloud, 'pass-role-ok', { RoleArn: seeded })));
    await sm.send(new CreateModelCommand(modelInput('pass-role-ok', seeded)));
  });

  it('refuses a role that does not exist, or does not trust SageMaker, as SageMaker words it', async () => {
    const sm = cloud.sagemaker();
    const ghost = `arn:aws:iam::${cloud.accountId}:role/ghost`;
    const e1 = await rejection(
      sm.send(new CreateTrainingJobCommand(trainingJobInput(cloud, 'ghost', { RoleArn: ghost }))),
    );
    expect(e1.name).toBe('ValidationException');
    expect(e1.message).toBe(couldNotAssume(ghost));

    await iam(cloud).send(
      new CreateRoleCommand({ RoleName: 'not-for-sagemaker', AssumeRolePolicyDocument: trustAccount(cloud.accountId) }),
    );
    const other = `arn:aws:iam::${cloud.accountId}:role/not-for-sagemaker`;
    const e2 = await rejection(sm.send(new CreateModelCommand(modelInput('not-for-sagemaker', other))));
    expect(e2.name).toBe('ValidationException');
    expect(e2.message).toBe(couldNotAssume(other));
  });

  it('refuses a caller without iam:PassRole on the role (AccessDenied), and lets one with it pass', async () => {
    const admin = iam(cloud);
    await admin.send(new CreateUserCommand({ UserName: 'no-pass' }));
    const key = (await admin.send(new CreateAccessKeyCommand({ UserName: 'no-pass' }))).AccessKey!;
    const credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const policy = (statements: object[]) =>
      admin.send(
        new PutUserPolicyCommand({
          UserName: 'no-pass',
          PolicyName: 'p',
          PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
        }),
      );
    await policy([{ Effect: 'Allow', Action: 'sagemaker:*', Resource: '*' }]);
    const sm = cloud.sagemaker({ credentials });
    const denied = await rejection(sm.send(new CreateModelCommand(modelInput('no-pass', seeded))));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain(`is not authorized to perform: iam:PassRole on resource: ${seeded}`);

    // PassRole only to another service does not count.
    const passTo = (service: string) => ({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: seeded,
      Condition: { StringEquals: { 'iam:PassedToService': service } },
    });
    await policy([{ Effect: 'Allow', Action: 'sagemaker:*', Resource: '*' }, passTo('ec2.amazonaws.com')]);
    expect((await rejection(sm.send(new CreateModelCommand(modelInput('no-pass', seeded))))).name).toBe(
      'AccessDeniedException',
    );
    await policy([{ Effect: 'Allow', Action: 'sagemaker:*', Resource: '*' }, passTo('sagemaker.amazonaws.com')]);
    await sm.send(new CreateModelCommand(modelInput('no-pass', seeded)));
  });

  it("checks a transform job's model role (no PassRole: the model's role was passed when it was made)", async () => {
    const transform = (model: string) =>
      new CreateTransformJobCommand({
        TransformJobName: `t-${model}`,
        ModelName: model,
        TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/linear/` } } },
        TransformOutput: { S3OutputPath: `s3://${BUCKET}/out/` },
        TransformResources: { InstanceType: 'ml.m4.xlarge', InstanceCount: 1 },
      });
    const sm = cloud.sagemaker();
    await sm.send(transform('pass-role-ok'));
    // A role that stops trusting SageMaker after the model was made fails the transform job's check.
    await iam(cloud).send(
      new CreateRoleCommand({ RoleName: 'later-untrusted', AssumeRolePolicyDocument: JSON.stringify(trustPolicy()) }),
    );
    const later = `arn:aws:iam::${cloud.accountId}:role/later-untrusted`;
    await sm.send(new CreateModelCommand(modelInput('later', later)));
    await iam(cloud).send(
      new UpdateAssumeRolePolicyCommand({ RoleName: 'later-untrusted', PolicyDocument: trustAccount(cloud.accountId) }),
    );
    const e = await rejection(sm.send(transform('later')));
    expect(e.name).toBe('ValidationException');
    expect(e.message).toBe(couldNotAssume(later));
  });
});

function trustPolicy() {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  };
}
