/**
 * `mme grant` against the local cloud in-process, through the clients the CLI builds
 * (createClients): the one code path AWS gets too. Grant, grant again, assume the role, see what
 * the session may not do, remove, remove again.
 *
 * InvokeEndpoint with the session (NewYork_NY answers, Chicago_IL is AccessDenied) needs the
 * hosting step and comes with it.
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, type Clients } from '../../src/aws/clients.js';
import { defaultRoleName, documentText, trustPolicy } from '../../src/workflow/grant-policies.js';
import { assumeRole } from '../../src/workflow/assume-role.js';
import { grantAccess, revokeAccess, type GrantOptions } from '../../src/workflow/grant.js';
import { recordingReporter, silentReporter } from '../../src/workflow/reporter.js';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { BUILT, mme } from '../cli/helpers.js';

let cloud: TestCloud;
let clients: Clients;

beforeAll(async () => {
  cloud = await startTestCloud();
  clients = createClients({ region: cloud.region }, cloud.clientConfig(), { maxAttempts: 1 });
});
afterAll(async () => {
  clients?.destroy();
  await cloud?.stop();
});

const options = (o: Partial<GrantOptions> = {}): GrantOptions => ({
  prefixes: ['NewYork_NY'],
  endpoint: 'mme-linear-learner',
  roleName: 'mme-invoke-NewYork_NY',
  region: cloud.region,
  ...o,
});
const iam = () => clients.iam();
const decoded = async (roleName: string, policyName: string) =>
  JSON.parse(
    decodeURIComponent(
      (await (await iam()).send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })))
        .PolicyDocument!,
    ),
  );

describe('mme grant on the local cloud', () => {
  let roleArn: string;

  it('creates the role, trusting the caller (the default IAM user), with the inline policy and tags', async () => {
    const r = await grantAccess(clients, silentReporter, options());
    roleArn = r.roleArn;
    expect(r).toMatchObject({
      status: 'created',
      roleName: 'mme-invoke-NewYork_NY',
      policyName: 'mme-invoke-NewYork_NY-policy',
      prefixes: ['NewYork_NY'],
      targetModels: ['NewYork_NY/*'],
      principal: cloud.userArn,
      endpointArn: `arn:aws:sagemaker:${cloud.region}:${cloud.accountId}:endpoint/mme-linear-learner`,
    });
    expect(roleArn).toBe(`arn:aws:iam::${cloud.accountId}:role/mme-invoke-NewYork_NY`);
    const { Role: role } = await (await iam()).send(new GetRoleCommand({ RoleName: r.roleName }));
    expect(role!.MaxSessionDuration).toBe(3600);
    expect(JSON.parse(decodeURIComponent(role!.AssumeRolePolicyDocument!))).toEqual(trustPolicy(r.principal));
    expect(role!.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'mme:grant', Value: 'NewYork_NY' },
        { Key: 'mme:endpoint', Value: 'mme-linear-learner' },
      ]),
    );
    const policy = await decoded(r.roleName, r.policyName);
    expect(policy.Statement[0]).toMatchObject({
      Action: 'sagemaker:InvokeEndpoint',
      Resource: r.endpointArn,
      Condition: { StringLike: { 'sagemaker:TargetModel': ['NewYork_NY/*'] } },
    });
  });

  it('running it again changes nothing: same ARN, status unchanged', async () => {
    const r = await grantAccess(clients, silentReporter, options());
    expect(r).toMatchObject({ status: 'unchanged', roleArn });
  });

  it('other prefixes under the same role name update the policy and tags in place', async () => {
    const r = await grantAccess(clients, silentReporter, options({ prefixes: ['NewYork_NY', 'common'] }));
    expect(r).toMatchObject({ status: 'updated', roleArn });
    expect(
      (await decoded(r.roleName, r.policyName)).Statement[0].Condition.StringLike['sagemaker:TargetModel'],
    ).toEqual(['NewYork_NY/*', 'common/*']);
    const { Role: role } = await (await iam()).send(new GetRoleCommand({ RoleName: r.roleName }));
    expect(role!.Tags).toEqual(expect.arrayContaining([{ Key: 'mme:grant', Value: 'NewYork_NY common' }]));
    // Back to the single prefix for the rest.
    expect((await grantAccess(clients, silentReporter, options())).status).toBe('updated');
  });

  it('the caller may assume it; the session is the role, and may not read S3', async () => {
    const sts = await clients.sts();
    const { Credentials: c, AssumedRoleUser } = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'MME_Invoke_NY_Model' }),
    );
    expect(AssumedRoleUser!.Arn).toBe(
      `arn:aws:sts::${cloud.accountId}:assumed-role/mme-invoke-NewYork_NY/MME_Invoke_NY_Model`,
    );
    const session = clients.withCredentials({
      accessKeyId: c!.AccessKeyId!,
      secretAccessKey: c!.SecretAccessKey!,
      sessionToken: c!.SessionToken!,
    });
    try {
      const me = await (await session.sts()).send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toBe(AssumedRoleUser!.Arn);
      const s3 = await clients.s3();
      await s3.send(new CreateBucketCommand({ Bucket: 'grant-test' }));
      await s3.send(new PutObjectCommand({ Bucket: 'grant-test', Key: 'x', Body: 'x' }));
      const denied = await (
        await session.s3()
      )
        .send(new GetObjectCommand({ Bucket: 'grant-test', Key: 'x' }))
        .catch((e: Error) => e);
      expect(denied).toMatchObject({ name: 'AccessDenied' });
      // Nor change its own grant.
      const iamDenied = await (
        await session.iam()
      )
        .send(new PutRolePolicyCommand({ RoleName: 'mme-invoke-NewYork_NY', PolicyName: 'more', PolicyDocument: '{}' }))
        .catch((e: Error) => e);
      expect(iamDenied).toMatchObject({ name: 'AccessDenied' });
    } finally {
      session.destroy();
    }
  });

  it('run with the root credentials, refuses before any IAM request and says what to do; with --principal it grants', async () => {
    const root = createClients(
      { region: cloud.region },
      { ...cloud.clientConfig(), credentials: cloud.rootCredentials },
      { maxAttempts: 1 },
    );
    try {
      const e = await grantAccess(root, silentReporter, options({ roleName: 'mme-invoke-by-root' })).then(
        () => undefined,
        (err: unknown) => err as { code: string; exitCode: number; message: string; hint: string },
      );
      expect(e).toMatchObject({ code: 'RootCredentials', exitCode: 3 });
      expect(e!.message).toContain(`signed in as the account root (arn:aws:iam::${cloud.accountId}:root)`);
      expect(e!.message).toContain('Roles may not be assumed by root accounts.');
      expect(e!.hint).toMatch(/IAM user or role.*--principal/s);
      const none = await (
        await iam()
      )
        .send(new GetRoleCommand({ RoleName: 'mme-invoke-by-root' }))
        .catch((err: Error) => err);
      expect(none).toMatchObject({ name: 'NoSuchEntityException' });
      // For someone else, the root may make the role (as AWS lets it).
      const forUser = await grantAccess(
        root,
        silentReporter,
        options({ roleName: 'mme-invoke-by-root', principal: cloud.userArn }),
      );
      expect(forUser).toMatchObject({ status: 'created', principal: cloud.userArn });
      // `invoke --role-arn` signed as the root: AWS's refusal, and a hint that says why.
      const assumed = await assumeRole(root, { roleArn: forUser.roleArn, sessionName: 'root-try' }).then(
        () => undefined,
        (err: unknown) => err as { exitCode: number; message: string; hint: string },
      );
      expect(assumed).toMatchObject({ exitCode: 5, message: 'Roles may not be assumed by root accounts.' });
      expect(assumed!.hint).toContain('The account root may not assume roles');
      expect((await assumeRole(clients, { roleArn: forUser.roleArn, sessionName: 'user-try' })).arn).toBe(
        `arn:aws:sts::${cloud.accountId}:assumed-role/mme-invoke-by-root/user-try`,
      );
      await revokeAccess(root, silentReporter, { roleName: 'mme-invoke-by-root' });
    } finally {
      root.destroy();
    }
  });

  it('on --target aws, the CLI signed as a root says so with exit 3, and creates nothing', async () => {
    if (!BUILT) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` first');
    const r = await mme(['--target', 'aws', 'grant', '--prefix', 'Boston_MA', '--json'], {
      env: {
        AWS_ENDPOINT_URL: cloud.endpoint,
        AWS_REGION: cloud.region,
        HOME: cloud.stateDir,
        AWS_ACCESS_KEY_ID: cloud.rootCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: cloud.rootCredentials.secretAccessKey,
      },
    });
    expect(r.code).toBe(3);
    const error = (JSON.parse(r.stdout) as { error: { code: string; message: string; hint: string } }).error;
    expect(error).toMatchObject({
      code: 'RootCredentials',
      message: expect.stringContaining('Roles may not be assumed by root accounts.'),
    });
    expect(error.hint).toContain('IAM user or role');
    const none = await (
      await iam()
    )
      .send(new GetRoleCommand({ RoleName: 'mme-invoke-Boston_MA' }))
      .catch((err: Error) => err);
    expect(none).toMatchObject({ name: 'NoSuchEntityException' });
  }, 30_000);

  it('another endpoint gets its own role: the first one keeps its policy and its access', async () => {
    const first = await grantAccess(
      clients,
      silentReporter,
      options({ roleName: defaultRoleName(['Chicago_IL'], 'mme-linear-learner'), prefixes: ['Chicago_IL'] }),
    );
    const other = await grantAccess(
      clients,
      silentReporter,
      options({ roleName: defaultRoleName(['Chicago_IL'], 'other'), prefixes: ['Chicago_IL'], endpoint: 'other' }),
    );
    expect([first.roleName, other.roleName]).toEqual([
      'mme-invoke-Chicago_IL@mme-linear-learner',
      'mme-invoke-Chicago_IL@other',
    ]);
    expect(other).toMatchObject({
      status: 'created',
      endpointArn: `arn:aws:sagemaker:${cloud.region}:${cloud.accountId}:endpoint/other`,
    });
    expect((await decoded(first.roleName, first.policyName)).Statement[0].Resource).toBe(first.endpointArn);
    expect(
      (await grantAccess(clients, silentReporter, options({ roleName: first.roleName, prefixes: ['Chicago_IL'] })))
        .status,
    ).toBe('unchanged');
  });

  it('a role granted on one endpoint is never rewritten for another without --yes', async () => {
    const roleName = 'mme-invoke-Chicago_IL@mme-linear-learner';
    const e = await grantAccess(
      clients,
      silentReporter,
      options({ roleName, prefixes: ['Chicago_IL'], endpoint: 'other' }),
    ).then(
      () => undefined,
      (err: unknown) => err as { code: string; message: string; hint: string },
    );
    expect(e).toMatchObject({
      code: 'RoleForOtherEndpoint',
      message: `role ${roleName} grants sagemaker:InvokeEndpoint on endpoint mme-linear-learner, not other: refusing to rewrite it for other (that would take its access to mme-linear-learner away)`,
    });
    expect(e!.hint).toContain('--yes');
    const policy = await decoded(roleName, `${roleName}-policy`);
    expect(policy.Statement[0].Resource).toBe(
      `arn:aws:sagemaker:${cloud.region}:${cloud.accountId}:endpoint/mme-linear-learner`,
    );
    const { Role: role } = await (await iam()).send(new GetRoleCommand({ RoleName: roleName }));
    expect(role!.Tags).toContainEqual({ Key: 'mme:endpoint', Value: 'mme-linear-learner' });
  });

  it('--remove names the endpoint: the wrong one is refused, the right one removes (and says which)', async () => {
    const roleName = 'mme-invoke-Chicago_IL@other';
    await expect(
      revokeAccess(clients, silentReporter, { roleName, endpoint: 'mme-linear-learner' }),
    ).rejects.toMatchObject({
      code: 'RoleForOtherEndpoint',
      message: `role ${roleName} grants on endpoint other, not mme-linear-learner: refusing to remove it`,
      hint: expect.stringContaining('--endpoint other'),
    });
    expect(await revokeAccess(clients, silentReporter, { roleName, endpoint: 'OTHER' })).toMatchObject({
      removed: true,
      endpoint: 'other',
    });
    expect(
      await revokeAccess(clients, silentReporter, {
        roleName: 'mme-invoke-Chicago_IL@mme-linear-learner',
        endpoint: 'mme-linear-learner',
      }),
    ).toMatchObject({ removed: true, endpoint: 'mme-linear-learner' });
  });

  it('refuses to take over a role mme did not create, unless forced', async () => {
    await (
      await iam()
    ).send(
      new CreateRoleCommand({
        RoleName: 'someone-elses',
        AssumeRolePolicyDocument: documentText(trustPolicy(cloud.accountId)),
      }),
    );
    await expect(grantAccess(clients, silentReporter, options({ roleName: 'someone-elses' }))).rejects.toMatchObject({
      code: 'RoleNotManaged',
      exitCode: 1,
    });
    await expect(revokeAccess(clients, silentReporter, { roleName: 'someone-elses' })).rejects.toMatchObject({
      code: 'RoleNotManaged',
    });
    // Forced, the grant warns that the role has other policies, which may grant more.
    await (
      await iam()
    ).send(
      new PutRolePolicyCommand({
        RoleName: 'someone-elses',
        PolicyName: 'extra',
        PolicyDocument: documentText({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
        }),
      }),
    );
    const reporter = recordingReporter();
    expect((await grantAccess(clients, reporter, options({ roleName: 'someone-elses', force: true }))).status).toBe(
      'updated',
    );
    expect(reporter.events).toContainEqual({ kind: 'warn', text: expect.stringContaining('also has extra') });
    const removed = await revokeAccess(clients, silentReporter, { roleName: 'someone-elses' });
    expect(removed.deletedPolicies.sort()).toEqual(['extra', 'someone-elses-policy']);
  });

  it('--remove deletes the policy and the role; a second --remove says it is gone (exit 4)', async () => {
    const r = await revokeAccess(clients, silentReporter, { roleName: 'mme-invoke-NewYork_NY' });
    expect(r).toEqual({
      roleName: 'mme-invoke-NewYork_NY',
      roleArn,
      endpoint: 'mme-linear-learner',
      removed: true,
      deletedPolicies: ['mme-invoke-NewYork_NY-policy'],
      detachedPolicies: [],
    });
    const gone = await (
      await iam()
    )
      .send(new ListRolePoliciesCommand({ RoleName: 'mme-invoke-NewYork_NY' }))
      .catch((e: Error) => e);
    expect(gone).toMatchObject({ name: 'NoSuchEntityException' });
    await expect(revokeAccess(clients, silentReporter, { roleName: 'mme-invoke-NewYork_NY' })).rejects.toMatchObject({
      code: 'RoleNotFound',
      exitCode: 4,
      message: expect.stringContaining('does not exist'),
    });
    expect(
      await revokeAccess(clients, silentReporter, { roleName: 'mme-invoke-NewYork_NY', missingOk: true }),
    ).toMatchObject({ removed: false });
  });
});
