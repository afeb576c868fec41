/**
 * IAM users through the real @aws-sdk/client-iam: the user operations with IAM's shapes, errors
 * and quotas; access keys that sign as the user from creation to deletion; the user's inline and
 * attached policies, which are what the authorizer evaluates for it; the default user
 * (mme-admin, AdministratorAccess) that is the cloud's default identity; and the root, which may
 * not assume roles.
 */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { allow, credsOf, destroyClients, failure, iam, sts, trustAccount, type Creds } from './helpers.js';

let cloud: TestCloud;
let roleArn: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  roleArn = (
    await iam(cloud).send(
      new CreateRoleCommand({ RoleName: 'target', AssumeRolePolicyDocument: trustAccount(cloud.accountId) }),
    )
  ).Role!.Arn!;
  await cloud.s3().send(new CreateBucketCommand({ Bucket: 'users-test' }));
});
afterAll(async () => {
  destroyClients();
  await cloud.stop();
});

const S3_READ = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';

async function keyFor(userName: string): Promise<Creds> {
  const { AccessKey: k } = await iam(cloud).send(new CreateAccessKeyCommand({ UserName: userName }));
  return { accessKeyId: k!.AccessKeyId!, secretAccessKey: k!.SecretAccessKey! };
}

describe('users', () => {
  it('CreateUser, GetUser and ListUsers answer with the User shape', async () => {
    const before = Date.now();
    const { User: created } = await iam(cloud).send(
      new CreateUserCommand({ UserName: 'alice', Path: '/team/', Tags: [{ Key: 'team', Value: 'ml' }] }),
    );
    expect(created).toMatchObject({
      UserName: 'alice',
      Path: '/team/',
      Arn: `arn:aws:iam::${cloud.accountId}:user/team/alice`,
      Tags: [{ Key: 'team', Value: 'ml' }],
    });
    expect(created!.UserId).toMatch(/^AIDA[A-Z2-7]{16}$/);
    expect(created!.CreateDate!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const { User: got } = await iam(cloud).send(new GetUserCommand({ UserName: 'ALICE' }));
    expect(got).toMatchObject({ UserName: 'alice', UserId: created!.UserId, Tags: [{ Key: 'team', Value: 'ml' }] });
    const listed = (await iam(cloud).send(new ListUsersCommand({}))).Users!;
    expect(listed.map((u) => u.UserName)).toEqual(['alice', 'mme-admin']);
    // ListUsers leaves Tags out, as IAM's listing operations do.
    expect(listed[0]!.Tags).toBeUndefined();
    expect(
      (await iam(cloud).send(new ListUsersCommand({ PathPrefix: '/team/' }))).Users!.map((u) => u.UserName),
    ).toEqual(['alice']);
  });

  it("refuses a second user of the same name (in any case), an unknown one and bad names, with IAM's messages", async () => {
    const dup = await failure(iam(cloud).send(new CreateUserCommand({ UserName: 'Alice' })));
    expect(dup).toMatchObject({
      name: 'EntityAlreadyExistsException',
      message: 'User with name Alice already exists.',
      $metadata: { httpStatusCode: 409 },
    });
    const missing = await failure(iam(cloud).send(new GetUserCommand({ UserName: 'nobody' })));
    expect(missing).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The user with name nobody cannot be found.',
      $metadata: { httpStatusCode: 404 },
    });
    const long = await failure(iam(cloud).send(new CreateUserCommand({ UserName: 'u'.repeat(65) })));
    expect(long.name).toBe('ValidationError');
    expect(long.message).toBe(
      `1 validation error detected: Value '${'u'.repeat(65)}' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
  });

  it('GetUser without UserName: the caller, if it is a user; a ValidationError otherwise', async () => {
    const me = await iam(cloud).send(new GetUserCommand({}));
    expect(me.User).toMatchObject({ UserName: 'mme-admin', Arn: cloud.userArn });
    const root = await failure(iam(cloud, cloud.rootCredentials).send(new GetUserCommand({})));
    expect(root).toMatchObject({
      name: 'ValidationError',
      message: 'Must specify userName when calling with non-User credentials',
    });
  });
});

describe('access keys', () => {
  let key: Creds;

  it('CreateAccessKey shows the secret once; the key signs as the user at once', async () => {
    await iam(cloud).send(new CreateUserCommand({ UserName: 'bob' }));
    const { AccessKey: k } = await iam(cloud).send(new CreateAccessKeyCommand({ UserName: 'bob' }));
    expect(k).toMatchObject({ UserName: 'bob', Status: 'Active' });
    expect(k!.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(k!.SecretAccessKey).toHaveLength(40);
    key = { accessKeyId: k!.AccessKeyId!, secretAccessKey: k!.SecretAccessKey! };
    const me = await sts(cloud, key).send(new GetCallerIdentityCommand({}));
    const { User: bob } = await iam(cloud).send(new GetUserCommand({ UserName: 'bob' }));
    expect(me).toMatchObject({
      Account: cloud.accountId,
      Arn: `arn:aws:iam::${cloud.accountId}:user/bob`,
      UserId: bob!.UserId,
    });
    const listed = (await iam(cloud).send(new ListAccessKeysCommand({ UserName: 'bob' }))).AccessKeyMetadata!;
    expect(listed).toEqual([
      { UserName: 'bob', AccessKeyId: key.accessKeyId, Status: 'Active', CreateDate: k!.CreateDate },
    ]);
    expect(JSON.stringify(listed)).not.toContain(key.secretAccessKey);
  });

  it('two keys per user at most', async () => {
    const second = await keyFor('bob');
    const third = await failure(iam(cloud).send(new CreateAccessKeyCommand({ UserName: 'bob' })));
    expect(third).toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for AccessKeysPerUser: 2',
      $metadata: { httpStatusCode: 409 },
    });
    await iam(cloud).send(new DeleteAccessKeyCommand({ UserName: 'bob', AccessKeyId: second.accessKeyId }));
  });

  it('a user without policies may do nothing but say who it is (and list its own keys, once allowed)', async () => {
    const denied = await failure(iam(cloud, key).send(new ListAccessKeysCommand({})));
    expect(denied).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(denied.message).toBe(
      `User: arn:aws:iam::${cloud.accountId}:user/bob is not authorized to perform: iam:ListAccessKeys on resource: arn:aws:iam::${cloud.accountId}:user/bob`,
    );
    await iam(cloud).send(
      new PutUserPolicyCommand({
        UserName: 'bob',
        PolicyName: 'own-keys',
        PolicyDocument: allow('iam:ListAccessKeys', `arn:aws:iam::${cloud.accountId}:user/\${aws:username}`),
      }),
    );
    // Without UserName, the signing key's user.
    const own = await iam(cloud, key).send(new ListAccessKeysCommand({}));
    expect(own.AccessKeyMetadata!.map((k) => k.AccessKeyId)).toEqual([key.accessKeyId]);
    expect(await failure(iam(cloud, key).send(new ListAccessKeysCommand({ UserName: 'mme-admin' })))).toMatchObject({
      name: 'AccessDenied',
    });
    await iam(cloud).send(new DeleteUserPolicyCommand({ UserName: 'bob', PolicyName: 'own-keys' }));
  });

  it('a deleted key stops signing at once; deleting it again is NoSuchEntity', async () => {
    await iam(cloud).send(new DeleteAccessKeyCommand({ UserName: 'bob', AccessKeyId: key.accessKeyId }));
    const gone = await failure(sts(cloud, key).send(new GetCallerIdentityCommand({})));
    expect(gone.name).toBe('InvalidClientTokenId');
    const again = await failure(
      iam(cloud).send(new DeleteAccessKeyCommand({ UserName: 'bob', AccessKeyId: key.accessKeyId })),
    );
    expect(again).toMatchObject({
      name: 'NoSuchEntityException',
      message: `The Access Key with id ${key.accessKeyId} cannot be found.`,
    });
  });
});

describe("a user's policies decide what its keys may do", () => {
  let carol: Creds;

  beforeAll(async () => {
    await iam(cloud).send(new CreateUserCommand({ UserName: 'carol' }));
    carol = await keyFor('carol');
  });

  it('inline: Put, Get (URL-encoded, as written), List, Delete; the permission comes and goes', async () => {
    const denied = await failure(
      cloud.s3({ credentials: carol }).send(new ListObjectsV2Command({ Bucket: 'users-test' })),
    );
    expect(denied.name).toBe('AccessDenied');
    const document = allow('s3:ListBucket', 'arn:aws:s3:::users-test');
    await iam(cloud).send(
      new PutUserPolicyCommand({ UserName: 'carol', PolicyName: 'list', PolicyDocument: document }),
    );
    expect(
      (await cloud.s3({ credentials: carol }).send(new ListObjectsV2Command({ Bucket: 'users-test' }))).KeyCount,
    ).toBe(0);
    const got = await iam(cloud).send(new GetUserPolicyCommand({ UserName: 'carol', PolicyName: 'list' }));
    expect(got).toMatchObject({ UserName: 'carol', PolicyName: 'list' });
    expect(decodeURIComponent(got.PolicyDocument!)).toBe(document);
    expect((await iam(cloud).send(new ListUserPoliciesCommand({ UserName: 'carol' }))).PolicyNames).toEqual(['list']);
    await iam(cloud).send(new DeleteUserPolicyCommand({ UserName: 'carol', PolicyName: 'list' }));
    expect(
      (await failure(cloud.s3({ credentials: carol }).send(new ListObjectsV2Command({ Bucket: 'users-test' })))).name,
    ).toBe('AccessDenied');
    const missing = await failure(iam(cloud).send(new GetUserPolicyCommand({ UserName: 'carol', PolicyName: 'list' })));
    expect(missing).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The user policy with name list cannot be found.',
    });
  });

  it('the inline policies of a user share 2,048 characters', async () => {
    const big = allow(
      Array.from({ length: 120 }, (_, i) => `s3:GetObject${'x'.repeat(3)}${i}`),
      '*',
    );
    const e = await failure(
      iam(cloud).send(new PutUserPolicyCommand({ UserName: 'carol', PolicyName: 'big', PolicyDocument: big })),
    );
    expect(e).toMatchObject({
      name: 'LimitExceededException',
      message: 'Maximum policy size of 2048 bytes exceeded for user carol',
    });
  });

  it('attached: Attach, List, Detach a managed policy', async () => {
    await iam(cloud).send(new AttachUserPolicyCommand({ UserName: 'carol', PolicyArn: S3_READ }));
    expect(
      (await iam(cloud).send(new ListAttachedUserPoliciesCommand({ UserName: 'carol' }))).AttachedPolicies,
    ).toEqual([{ PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: S3_READ }]);
    expect(
      (await cloud.s3({ credentials: carol }).send(new ListObjectsV2Command({ Bucket: 'users-test' }))).KeyCount,
    ).toBe(0);
    await iam(cloud).send(new DetachUserPolicyCommand({ UserName: 'carol', PolicyArn: S3_READ }));
    expect(
      (await failure(cloud.s3({ credentials: carol }).send(new ListObjectsV2Command({ Bucket: 'users-test' })))).name,
    ).toBe('AccessDenied');
    const again = await failure(
      iam(cloud).send(new DetachUserPolicyCommand({ UserName: 'carol', PolicyArn: S3_READ })),
    );
    expect(again).toMatchObject({ name: 'NoSuchEntityException', message: `Policy ${S3_READ} was not found.` });
  });

  it("AssumeRole needs both the trust policy and the user's own sts:AssumeRole", async () => {
    const refused = await failure(
      sts(cloud, carol).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'carol' })),
    );
    expect(refused.message).toBe(
      `User: arn:aws:iam::${cloud.accountId}:user/carol is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
    await iam(cloud).send(
      new PutUserPolicyCommand({
        UserName: 'carol',
        PolicyName: 'assume',
        PolicyDocument: allow('sts:AssumeRole', roleArn),
      }),
    );
    const out = await sts(cloud, carol).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'carol' }));
    expect((await sts(cloud, credsOf(out)).send(new GetCallerIdentityCommand({}))).Arn).toBe(
      `arn:aws:sts::${cloud.accountId}:assumed-role/target/carol`,
    );
  });

  it('DeleteUser refuses while keys, inline or attached policies remain, then deletes', async () => {
    await iam(cloud).send(new AttachUserPolicyCommand({ UserName: 'carol', PolicyArn: S3_READ }));
    const conflict = (message: string) => ({
      name: 'DeleteConflictException',
      message,
      $metadata: { httpStatusCode: 409 },
    });
    expect(await failure(iam(cloud).send(new DeleteUserCommand({ UserName: 'carol' })))).toMatchObject(
      conflict('Cannot delete entity, must delete access keys first.'),
    );
    await iam(cloud).send(new DeleteAccessKeyCommand({ UserName: 'carol', AccessKeyId: carol.accessKeyId }));
    expect(await failure(iam(cloud).send(new DeleteUserCommand({ UserName: 'carol' })))).toMatchObject(
      conflict('Cannot delete entity, must delete policies first.'),
    );
    await iam(cloud).send(new DeleteUserPolicyCommand({ UserName: 'carol', PolicyName: 'assume' }));
    expect(await failure(iam(cloud).send(new DeleteUserCommand({ UserName: 'carol' })))).toMatchObject(
      conflict('Cannot delete entity, must detach all policies first.'),
    );
    await iam(cloud).send(new DetachUserPolicyCommand({ UserName: 'carol', PolicyArn: S3_READ }));
    await iam(cloud).send(new DeleteUserCommand({ UserName: 'carol' }));
    expect((await failure(iam(cloud).send(new GetUserCommand({ UserName: 'carol' })))).name).toBe(
      'NoSuchEntityException',
    );
  });
});

describe('the root and the default user', () => {
  it("the default credentials are mme-admin's, with AdministratorAccess and its one key", async () => {
    expect(
      (await iam(cloud).send(new ListAttachedUserPoliciesCommand({ UserName: 'mme-admin' }))).AttachedPolicies,
    ).toEqual([{ PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }]);
    expect((await iam(cloud).send(new ListAccessKeysCommand({}))).AccessKeyMetadata!.map((k) => k.AccessKeyId)).toEqual(
      [cloud.credentials.accessKeyId],
    );
  });

  it("the root may not assume a role, even one that trusts its account, with AWS's words", async () => {
    const e = await failure(
      sts(cloud, cloud.rootCredentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'root' })),
    );
    expect(e).toMatchObject({
      name: 'AccessDenied',
      message: 'Roles may not be assumed by root accounts.',
      $metadata: { httpStatusCode: 403 },
    });
    // The administrator user may.
    const out = await sts(cloud).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'admin' }));
    expect(out.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${cloud.accountId}:assumed-role/target/admin`);
  });

  it('users, their keys and policies survive a restart; the default user is not made twice', async () => {
    await iam(cloud).send(new CreateUserCommand({ UserName: 'dave' }));
    await iam(cloud).send(
      new PutUserPolicyCommand({ UserName: 'dave', PolicyName: 'who', PolicyDocument: allow('iam:GetUser', '*') }),
    );
    const dave = await keyFor('dave');
    await cloud.restart();
    destroyClients();
    expect((await iam(cloud, dave).send(new GetUserCommand({}))).User!.UserName).toBe('dave');
    expect(
      (await iam(cloud).send(new ListAccessKeysCommand({ UserName: 'mme-admin' }))).AccessKeyMetadata,
    ).toHaveLength(1);
    expect(
      (await iam(cloud).send(new ListUsersCommand({}))).Users!.filter((u) => u.UserName === 'mme-admin'),
    ).toHaveLength(1);
  });
});
