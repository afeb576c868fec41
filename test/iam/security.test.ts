/**
 * The authorizer and temporary credentials under attack: expired and tampered sessions, unknown
 * keys, a session trying to widen its own role, a re-created role, and state across restarts.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachRolePolicyCommand,
  IAMClient,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalCloud } from '../../src/local/cloud.js';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { allow, credsOf, destroyClients, failure, iam, sts, trustAccount } from './helpers.js';

let cloud: TestCloud;
let roleArn: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  const admin = iam(cloud);
  roleArn = (
    await admin.send(
      new CreateRoleCommand({ RoleName: 'worker', AssumeRolePolicyDocument: trustAccount(cloud.accountId) }),
    )
  ).Role!.Arn!;
  // The worker may read IAM, but not change it.
  await admin.send(
    new PutRolePolicyCommand({
      RoleName: 'worker',
      PolicyName: 'read-iam',
      PolicyDocument: allow(['iam:Get*', 'iam:List*']),
    }),
  );
  await admin.send(new CreatePolicyCommand({ PolicyName: 'admin', PolicyDocument: allow('*') }));
});
afterAll(async () => {
  destroyClients();
  await cloud.stop();
});

const assume = async (name = 'sess') =>
  credsOf(await sts(cloud).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: name })));

describe('credentials that must be refused', () => {
  it('a tampered session token', async () => {
    const creds = await assume();
    const token = creds.sessionToken!;
    const tampered = { ...creds, sessionToken: token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11) };
    const err = await failure(sts(cloud, tampered).send(new GetCallerIdentityCommand({})));
    expect(err.name).toBe('InvalidClientTokenId');
    expect(err.message).toBe('The security token included in the request is invalid.');
    // Without any token, too: temporary keys are only good with their token.
    const none = await failure(
      sts(cloud, { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }).send(
        new GetCallerIdentityCommand({}),
      ),
    );
    expect(none.name).toBe('InvalidClientTokenId');
  });

  it('a wrong secret', async () => {
    const creds = await assume();
    const err = await failure(
      sts(cloud, { ...creds, secretAccessKey: 'x'.repeat(40) }).send(new GetCallerIdentityCommand({})),
    );
    expect(err.name).toBe('SignatureDoesNotMatch');
  });

  it('an unknown access key', async () => {
    const err = await failure(
      sts(cloud, { accessKeyId: 'ASIAUNKNOWNUNKNOWN12', secretAccessKey: 'x'.repeat(40), sessionToken: 'abc' }).send(
        new GetCallerIdentityCommand({}),
      ),
    );
    expect(err.name).toBe('InvalidClientTokenId');
    const s3err = await failure(
      cloud
        .s3({ credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN12', secretAccessKey: 'x'.repeat(40) } })
        .send(new ListBucketsCommand({})),
    );
    expect(s3err.name).toBe('InvalidAccessKeyId');
  });

  it('an expired session (injected clock)', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'mme-iam-clock-'));
    let offsetMs = 0;
    const local = await openLocalCloud({ stateDir, port: 0, now: () => new Date(Date.now() + offsetMs) });
    const config = { endpoint: local.endpoint, region: local.region, maxAttempts: 1 };
    // The default user: the root may not assume roles.
    const admin = { accessKeyId: local.defaultUser.accessKeyId, secretAccessKey: local.defaultUser.secretAccessKey };
    try {
      const client = new STSClient({ ...config, credentials: admin });
      const localIam = new IAMClient({ ...config, credentials: admin });
      const arn = (
        await localIam.send(
          new CreateRoleCommand({ RoleName: 'short', AssumeRolePolicyDocument: trustAccount(local.account.accountId) }),
        )
      ).Role!.Arn!;
      const out = await client.send(
        new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'brief', DurationSeconds: 900 }),
      );
      const session = new STSClient({ ...config, credentials: credsOf(out) });
      expect((await session.send(new GetCallerIdentityCommand({}))).Arn).toContain('assumed-role/short/brief');
      offsetMs = 901_000;
      const err = await failure(session.send(new GetCallerIdentityCommand({})));
      // STS's wire code is ExpiredToken (what boto3 and the CLI show too); the SDK keeps it as the name.
      expect(err.name).toBe('ExpiredToken');
      expect(err.message).toBe('The security token included in the request is expired');
      expect(err.$metadata?.httpStatusCode).toBe(403);
      for (const c of [client, localIam, session]) c.destroy();
    } finally {
      await local.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});

describe('a session cannot widen its own role', () => {
  it('iam:AttachRolePolicy without permission is AccessDenied and changes nothing', async () => {
    const creds = await assume('escalate');
    const self = iam(cloud, creds);
    const before = (await self.send(new ListAttachedRolePoliciesCommand({ RoleName: 'worker' }))).AttachedPolicies;
    const policyArn = `arn:aws:iam::${cloud.accountId}:policy/admin`;
    const err = await failure(self.send(new AttachRolePolicyCommand({ RoleName: 'worker', PolicyArn: policyArn })));
    expect(err.name).toBe('AccessDenied');
    expect(err.message).toBe(
      `User: arn:aws:sts::${cloud.accountId}:assumed-role/worker/escalate is not authorized to perform: iam:AttachRolePolicy on resource: ${roleArn}`,
    );
    expect((await self.send(new ListAttachedRolePoliciesCommand({ RoleName: 'worker' }))).AttachedPolicies).toEqual(
      before,
    );
    // Nor by any other route: inline policy, trust policy, deleting its restrictions.
    for (const command of [
      new PutRolePolicyCommand({ RoleName: 'worker', PolicyName: 'x', PolicyDocument: allow('*') }),
      new UpdateAssumeRolePolicyCommand({ RoleName: 'worker', PolicyDocument: trustAccount(cloud.accountId) }),
      new DeleteRolePolicyCommand({ RoleName: 'worker', PolicyName: 'read-iam' }),
      new CreateRoleCommand({ RoleName: 'mine', AssumeRolePolicyDocument: trustAccount(cloud.accountId) }),
    ]) {
      expect((await failure(self.send(command as never))).name).toBe('AccessDenied');
    }
    // It can read what its policies allow.
    expect((await self.send(new GetRoleCommand({ RoleName: 'worker' }))).Role!.Arn).toBe(roleArn);
  });

  it('an iam:PolicyARN condition limits which policies a delegate may attach', async () => {
    const admin = iam(cloud);
    const readOnly = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
    await admin.send(
      new PutRolePolicyCommand({
        RoleName: 'worker',
        PolicyName: 'attach-readonly',
        PolicyDocument: allow('iam:AttachRolePolicy', roleArn, { ArnEquals: { 'iam:PolicyARN': readOnly } }),
      }),
    );
    const self = iam(cloud, await assume('delegate'));
    await self.send(new AttachRolePolicyCommand({ RoleName: 'worker', PolicyArn: readOnly }));
    const err = await failure(
      self.send(
        new AttachRolePolicyCommand({ RoleName: 'worker', PolicyArn: `arn:aws:iam::${cloud.accountId}:policy/admin` }),
      ),
    );
    expect(err.name).toBe('AccessDenied');
    expect(
      (await self.send(new ListAttachedRolePoliciesCommand({ RoleName: 'worker' }))).AttachedPolicies!.map(
        (p) => p.PolicyArn,
      ),
    ).toEqual([readOnly]);
  });
});

describe('a role deleted and re-created under the same name', () => {
  it('does not grant its permissions to the old role sessions', async () => {
    const admin = iam(cloud);
    const arn = (
      await admin.send(
        new CreateRoleCommand({ RoleName: 'phoenix', AssumeRolePolicyDocument: trustAccount(cloud.accountId) }),
      )
    ).Role!.Arn!;
    const creds = credsOf(await sts(cloud).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'old' })));
    await admin.send(new DeleteRoleCommand({ RoleName: 'phoenix' }));
    await admin.send(
      new CreateRoleCommand({ RoleName: 'phoenix', AssumeRolePolicyDocument: trustAccount(cloud.accountId) }),
    );
    await admin.send(new PutRolePolicyCommand({ RoleName: 'phoenix', PolicyName: 'all', PolicyDocument: allow('*') }));
    expect((await failure(cloud.s3({ credentials: creds }).send(new ListBucketsCommand({})))).name).toBe(
      'AccessDenied',
    );
  });
});

describe('restart', () => {
  it('keeps roles, policies, attachments and live sessions', async () => {
    const creds = await assume('survivor');
    await cloud.restart();
    const role = (await iam(cloud).send(new GetRoleCommand({ RoleName: 'worker' }))).Role!;
    expect(role.Arn).toBe(roleArn);
    const attached = (await iam(cloud).send(new ListAttachedRolePoliciesCommand({ RoleName: 'worker' })))
      .AttachedPolicies;
    expect(attached!.map((p) => p.PolicyName)).toEqual(['AmazonS3ReadOnlyAccess']);
    // The session issued before the restart still works, with the same identity and permissions.
    const me = await sts(cloud, creds).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(`arn:aws:sts::${cloud.accountId}:assumed-role/worker/survivor`);
    await cloud.s3({ credentials: creds }).send(new ListBucketsCommand({}));
    // Session secrets are on disk only for the owner.
    const file = join(cloud.stateDir, 'sts', 'sessions.json');
    expect((await stat(file)).mode & 0o077).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8')).sessions.length).toBeGreaterThan(0);
  });

  it('drops sessions long expired when it loads them', async () => {
    const file = join(cloud.stateDir, 'sts', 'sessions.json');
    const saved = JSON.parse(await readFile(file, 'utf8'));
    const stale = {
      ...saved.sessions[0],
      accessKeyId: 'ASIASTALESTALESTALE1',
      expiresAt: new Date(Date.now() - 24 * 3600_000).toISOString(),
    };
    await writeFile(file, JSON.stringify({ ...saved, sessions: [...saved.sessions, stale] }));
    await cloud.restart();
    const err = await failure(
      sts(cloud, {
        accessKeyId: stale.accessKeyId,
        secretAccessKey: stale.secretAccessKey,
        sessionToken: stale.sessionToken,
      }).send(new GetCallerIdentityCommand({})),
    );
    expect(err.name).toBe('InvalidClientTokenId');
  });
});
