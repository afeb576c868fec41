/** STS through the real @aws-sdk/client-sts, and the reference workflow's scoped-access step (minus hosting). */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { GetObjectCommand, PutObjectCommand, CreateBucketCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { allow, credsOf, destroyClients, failure, iam, sts, trustAccount } from './helpers.js';

let cloud: TestCloud;
let roleArn: string;
let roleId: string;
const SESSION = 'MME_Invoke_NY_Model';

beforeAll(async () => {
  cloud = await startTestCloud();
  const admin = iam(cloud);
  // Reference workflow §5: trust the caller's principal, MaxSessionDuration 3600…
  const role = await admin.send(
    new CreateRoleCommand({
      RoleName: 'mme-invoke-ny',
      AssumeRolePolicyDocument: trustAccount(cloud.accountId),
      MaxSessionDuration: 3600,
    }),
  );
  roleArn = role.Role!.Arn!;
  roleId = role.Role!.RoleId!;
  // …a policy allowing sagemaker:InvokeEndpoint for NewYork_NY/* models only, attached.
  const policy = await admin.send(
    new CreatePolicyCommand({
      PolicyName: 'mme-invoke-ny',
      PolicyDocument: allow(
        'sagemaker:InvokeEndpoint',
        `arn:aws:sagemaker:${cloud.region}:${cloud.accountId}:endpoint/houses`,
        {
          StringLike: { 'sagemaker:TargetModel': ['NewYork_NY/*'] },
        },
      ),
    }),
  );
  await admin.send(new AttachRolePolicyCommand({ RoleName: 'mme-invoke-ny', PolicyArn: policy.Policy!.Arn! }));
  const s3 = cloud.s3();
  await s3.send(new CreateBucketCommand({ Bucket: 'models' }));
  await s3.send(new PutObjectCommand({ Bucket: 'models', Key: 'NewYork_NY/NewYork_NY.tar.gz', Body: 'model' }));
});
afterAll(async () => {
  destroyClients();
  await cloud.stop();
});

describe('GetCallerIdentity', () => {
  it('names the root', async () => {
    const me = await sts(cloud, cloud.rootCredentials).send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({
      Account: cloud.accountId,
      Arn: `arn:aws:iam::${cloud.accountId}:root`,
      UserId: cloud.accountId,
    });
  });

  it('names the default IAM user, with its AIDA… id', async () => {
    const me = await sts(cloud).send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: cloud.accountId, Arn: `arn:aws:iam::${cloud.accountId}:user/mme-admin` });
    expect(me.UserId).toMatch(/^AIDA[A-Z2-7]{16}$/);
  });
});

describe('AssumeRole: the scoped-access scenario', () => {
  it('issues temporary credentials the session is then known by', async () => {
    const before = Date.now();
    const out = await sts(cloud).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: SESSION }));
    const sessionArn = `arn:aws:sts::${cloud.accountId}:assumed-role/mme-invoke-ny/${SESSION}`;
    expect(out.AssumedRoleUser).toEqual({ AssumedRoleId: `${roleId}:${SESSION}`, Arn: sessionArn });
    expect(out.Credentials!.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials!.SecretAccessKey).toHaveLength(40);
    expect(out.Credentials!.SessionToken!.length).toBeGreaterThan(200);
    const expires = out.Credentials!.Expiration!.getTime();
    expect(expires).toBeGreaterThan(before + 3590_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000);

    const creds = credsOf(out);
    const me = await sts(cloud, creds).send(new GetCallerIdentityCommand({}));
    expect(me).toEqual(
      expect.objectContaining({ Account: cloud.accountId, Arn: sessionArn, UserId: `${roleId}:${SESSION}` }),
    );

    // The role allows only sagemaker:InvokeEndpoint: S3 refuses the session, with AWS's wording…
    const denied = await failure(
      cloud
        .s3({ credentials: creds })
        .send(new GetObjectCommand({ Bucket: 'models', Key: 'NewYork_NY/NewYork_NY.tar.gz' })),
    );
    expect(denied.name).toBe('AccessDenied');
    expect(denied.message).toBe(
      `User: ${sessionArn} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::models/NewYork_NY/NewYork_NY.tar.gz`,
    );
    // …while the root still reads it.
    const got = await cloud.s3().send(new GetObjectCommand({ Bucket: 'models', Key: 'NewYork_NY/NewYork_NY.tar.gz' }));
    expect(await got.Body!.transformToString()).toBe('model');
  });

  it('grants what an inline policy adds, on the next request', async () => {
    const creds = credsOf(
      await sts(cloud).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'reader' })),
    );
    const s3 = cloud.s3({ credentials: creds });
    await iam(cloud).send(
      new PutRolePolicyCommand({
        RoleName: 'mme-invoke-ny',
        PolicyName: 'read-ny',
        PolicyDocument: allow('s3:GetObject', 'arn:aws:s3:::models/NewYork_NY/*'),
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: 'models', Key: 'NewYork_NY/NewYork_NY.tar.gz' }));
    expect(await got.Body!.transformToString()).toBe('model');
    // Outside the prefix, still denied.
    expect(
      (await failure(s3.send(new GetObjectCommand({ Bucket: 'models', Key: 'Chicago_IL/Chicago_IL.tar.gz' })))).name,
    ).toBe('AccessDenied');
  });

  it('a session policy narrows the session to what both allow', async () => {
    const narrowed = await sts(cloud).send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'narrow', Policy: allow('sagemaker:InvokeEndpoint') }),
    );
    expect(narrowed.PackedPolicySize).toBeGreaterThan(0);
    const s3 = cloud.s3({ credentials: credsOf(narrowed) });
    // The role allows the read (inline policy above); the session policy does not.
    expect(
      (await failure(s3.send(new GetObjectCommand({ Bucket: 'models', Key: 'NewYork_NY/NewYork_NY.tar.gz' })))).name,
    ).toBe('AccessDenied');
    const malformed = await failure(
      sts(cloud).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'bad', Policy: '{"Statement":' })),
    );
    expect(malformed.name).toBe('MalformedPolicyDocumentException');
  });
});

describe('AssumeRole refusals', () => {
  it('AccessDenied for a role that does not exist', async () => {
    const missing = `arn:aws:iam::${cloud.accountId}:role/ghost`;
    const err = await failure(sts(cloud).send(new AssumeRoleCommand({ RoleArn: missing, RoleSessionName: 'x1' })));
    expect(err.name).toBe('AccessDenied');
    expect(err.message).toBe(
      `User: ${cloud.userArn} is not authorized to perform: sts:AssumeRole on resource: ${missing}`,
    );
    expect(err.$metadata?.httpStatusCode).toBe(403);
  });

  it('AccessDenied when the trust policy does not name the caller', async () => {
    const trustService = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const role = await iam(cloud).send(
      new CreateRoleCommand({ RoleName: 'for-sagemaker', AssumeRolePolicyDocument: trustService }),
    );
    const err = await failure(
      sts(cloud).send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: 'x1' })),
    );
    expect(err.name).toBe('AccessDenied');
  });

  it('validates RoleSessionName and DurationSeconds with AWS wording', async () => {
    const short = await failure(sts(cloud).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'x' })));
    expect(short.name).toBe('ValidationError');
    expect(short.message).toBe(
      "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    );
    const chars = await failure(
      sts(cloud).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'has space' })),
    );
    expect(chars.message).toContain(
      "at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
    const tooShort = await failure(
      sts(cloud).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ok', DurationSeconds: 899 })),
    );
    expect(tooShort.message).toBe(
      "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
    const tooLong = await failure(
      sts(cloud).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ok', DurationSeconds: 3601 })),
    );
    expect(tooLong.name).toBe('ValidationError');
    expect(tooLong.message).toBe('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  });

  it('role chaining: a session may assume a role its policies allow, for at most an hour', async () => {
    const admin = iam(cloud);
    const target = await admin.send(
      new CreateRoleCommand({
        RoleName: 'chained',
        AssumeRolePolicyDocument: trustAccount(cloud.accountId),
        MaxSessionDuration: 7200,
      }),
    );
    const first = credsOf(await sts(cloud).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'hop1' })));
    // The first role's policies do not allow sts:AssumeRole yet.
    const denied = await failure(
      sts(cloud, first).send(new AssumeRoleCommand({ RoleArn: target.Role!.Arn!, RoleSessionName: 'hop2' })),
    );
    expect(denied.name).toBe('AccessDenied');
    expect(denied.message).toContain(
      `assumed-role/mme-invoke-ny/hop1 is not authorized to perform: sts:AssumeRole on resource: ${target.Role!.Arn}`,
    );
    await admin.send(
      new PutRolePolicyCommand({
        RoleName: 'mme-invoke-ny',
        PolicyName: 'chain',
        PolicyDocument: allow('sts:AssumeRole', target.Role!.Arn!),
      }),
    );
    const long = await failure(
      sts(cloud, first).send(
        new AssumeRoleCommand({ RoleArn: target.Role!.Arn!, RoleSessionName: 'hop2', DurationSeconds: 7200 }),
      ),
    );
    expect(long.message).toBe(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
    const second = await sts(cloud, first).send(
      new AssumeRoleCommand({ RoleArn: target.Role!.Arn!, RoleSessionName: 'hop2' }),
    );
    const me = await sts(cloud, credsOf(second)).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(`arn:aws:sts::${cloud.accountId}:assumed-role/chained/hop2`);
  });
});
