/** Managed and inline policies, and attachments, through the real @aws-sdk/client-iam. */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  SetDefaultPolicyVersionCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { allow, destroyClients, failure, iam, trustAccount } from './helpers.js';

let cloud: TestCloud;
let client: IAMClient;
let policyArn: string;
const invokeDoc = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'sagemaker:InvokeEndpoint',
        Resource: 'arn:aws:sagemaker:us-east-1:*:endpoint/houses',
        Condition: { StringLike: { 'sagemaker:TargetModel': ['NewYork_NY/*'] } },
      },
    ],
  },
  null,
  2,
);

beforeAll(async () => {
  cloud = await startTestCloud();
  client = iam(cloud);
  await client.send(
    new CreateRoleCommand({ RoleName: 'holder', AssumeRolePolicyDocument: trustAccount(cloud.accountId) }),
  );
});
afterAll(async () => {
  destroyClients();
  await cloud.stop();
});

describe('CreatePolicy / GetPolicy / GetPolicyVersion', () => {
  it('creates v1 as the default version and returns the document URL-encoded', async () => {
    const out = await client.send(
      new CreatePolicyCommand({
        PolicyName: 'InvokeNY',
        Path: '/mme/',
        PolicyDocument: invokeDoc,
        Description: 'NY only',
        Tags: [{ Key: 'a', Value: 'b' }],
      }),
    );
    const policy = out.Policy!;
    policyArn = policy.Arn!;
    expect(policyArn).toBe(`arn:aws:iam::${cloud.accountId}:policy/mme/InvokeNY`);
    expect(policy).toMatchObject({
      PolicyName: 'InvokeNY',
      Path: '/mme/',
      DefaultVersionId: 'v1',
      AttachmentCount: 0,
      IsAttachable: true,
      Description: 'NY only',
    });
    expect(policy.PolicyId).toMatch(/^ANPA/);

    const got = (await client.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy!;
    expect(got).toMatchObject({ PolicyName: 'InvokeNY', Description: 'NY only', Tags: [{ Key: 'a', Value: 'b' }] });
    const version = (await client.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: 'v1' })))
      .PolicyVersion!;
    expect(version).toMatchObject({ VersionId: 'v1', IsDefaultVersion: true });
    expect(version.Document).toMatch(/^%7B/);
    expect(decodeURIComponent(version.Document!)).toBe(invokeDoc);
  });

  it('refuses duplicates, malformed documents and unknown ARNs', async () => {
    const dup = await failure(
      client.send(new CreatePolicyCommand({ PolicyName: 'invokeny', PolicyDocument: invokeDoc })),
    );
    expect(dup.name).toBe('EntityAlreadyExistsException');
    expect(dup.message).toBe('A policy called invokeny already exists. Duplicate names are not allowed.');
    const withPrincipal = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }],
    });
    const bad = await failure(
      client.send(new CreatePolicyCommand({ PolicyName: 'bad', PolicyDocument: withPrincipal })),
    );
    expect(bad.name).toBe('MalformedPolicyDocumentException');
    expect(bad.message).toBe('Policy document should not specify a principal.');
    const noResource = await failure(
      client.send(
        new CreatePolicyCommand({
          PolicyName: 'bad',
          PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*' }] }),
        }),
      ),
    );
    expect(noResource.message).toBe('Policy statement must contain resources.');
    const missing = await failure(
      client.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${cloud.accountId}:policy/none` })),
    );
    expect(missing.name).toBe('NoSuchEntityException');
    expect(missing.message).toBe(`Policy arn:aws:iam::${cloud.accountId}:policy/none was not found.`);
    const noVersion = await failure(
      client.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: 'v9' })),
    );
    expect(noVersion.name).toBe('NoSuchEntityException');
    const badArn = await failure(client.send(new GetPolicyCommand({ PolicyArn: 'this-is-not-an-arn-at-all' })));
    expect(badArn.name).toBe('ValidationError');
  });

  it('keeps versions: create, set default, list, delete', async () => {
    const next = allow('sagemaker:InvokeEndpoint');
    const v2 = (await client.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: next })))
      .PolicyVersion!;
    expect(v2).toMatchObject({ VersionId: 'v2', IsDefaultVersion: false });
    await client.send(new SetDefaultPolicyVersionCommand({ PolicyArn: policyArn, VersionId: 'v2' }));
    expect((await client.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy!.DefaultVersionId).toBe('v2');
    const versions = (await client.send(new ListPolicyVersionsCommand({ PolicyArn: policyArn }))).Versions!;
    expect(versions.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([
      ['v2', true],
      ['v1', false],
    ]);
    const conflict = await failure(
      client.send(new DeletePolicyVersionCommand({ PolicyArn: policyArn, VersionId: 'v2' })),
    );
    expect(conflict.name).toBe('DeleteConflictException');
    await client.send(new SetDefaultPolicyVersionCommand({ PolicyArn: policyArn, VersionId: 'v1' }));
    await client.send(new DeletePolicyVersionCommand({ PolicyArn: policyArn, VersionId: 'v2' }));
    expect(
      (await client.send(new ListPolicyVersionsCommand({ PolicyArn: policyArn }))).Versions!.map((v) => v.VersionId),
    ).toEqual(['v1']);
  });
});

describe('Attach / Detach / ListAttachedRolePolicies', () => {
  it('attaches customer and AWS managed policies, counts attachments', async () => {
    await client.send(new AttachRolePolicyCommand({ RoleName: 'holder', PolicyArn: policyArn }));
    // Attaching twice is not an error and keeps one attachment.
    await client.send(new AttachRolePolicyCommand({ RoleName: 'holder', PolicyArn: policyArn }));
    await client.send(
      new AttachRolePolicyCommand({ RoleName: 'holder', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }),
    );
    const attached = (await client.send(new ListAttachedRolePoliciesCommand({ RoleName: 'holder' }))).AttachedPolicies;
    expect(attached).toEqual([
      { PolicyName: 'InvokeNY', PolicyArn: policyArn },
      { PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' },
    ]);
    expect((await client.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy!.AttachmentCount).toBe(1);
    const filtered = (
      await client.send(new ListAttachedRolePoliciesCommand({ RoleName: 'holder', PathPrefix: '/mme/' }))
    ).AttachedPolicies;
    expect(filtered).toEqual([{ PolicyName: 'InvokeNY', PolicyArn: policyArn }]);
  });

  it('answers NoSuchEntity for an unknown policy or role, or a detach of what is not attached', async () => {
    const unknown = `arn:aws:iam::${cloud.accountId}:policy/ghost`;
    const attach = await failure(client.send(new AttachRolePolicyCommand({ RoleName: 'holder', PolicyArn: unknown })));
    expect(attach.name).toBe('NoSuchEntityException');
    expect(attach.message).toBe(`Policy ${unknown} does not exist or is not attachable.`);
    expect(
      (await failure(client.send(new AttachRolePolicyCommand({ RoleName: 'ghost', PolicyArn: policyArn })))).message,
    ).toBe('The role with name ghost cannot be found.');
    const detach = await failure(
      client.send(
        new DetachRolePolicyCommand({ RoleName: 'holder', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
      ),
    );
    expect(detach.name).toBe('NoSuchEntityException');
  });

  it('ListPolicies honours Scope, OnlyAttached and PathPrefix', async () => {
    const local = (await client.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies!.map((p) => p.PolicyName);
    expect(local).toEqual(['InvokeNY']);
    const aws = (await client.send(new ListPoliciesCommand({ Scope: 'AWS' }))).Policies!.map((p) => p.PolicyName);
    expect(aws).toEqual(
      expect.arrayContaining(['AdministratorAccess', 'AmazonS3ReadOnlyAccess', 'AmazonSageMakerFullAccess']),
    );
    expect(aws).not.toContain('InvokeNY');
    const attached = (await client.send(new ListPoliciesCommand({ OnlyAttached: true }))).Policies!.map(
      (p) => p.PolicyName,
    );
    // AdministratorAccess too: the cloud's default user mme-admin holds it, as an account's admin user would.
    expect(attached.sort()).toEqual(['AdministratorAccess', 'AmazonS3ReadOnlyAccess', 'InvokeNY']);
    expect(
      (await client.send(new ListPoliciesCommand({ PathPrefix: '/mme/' }))).Policies!.map((p) => p.PolicyName),
    ).toEqual(['InvokeNY']);
    const page = await client.send(new ListPoliciesCommand({ MaxItems: 1 }));
    expect(page.IsTruncated).toBe(true);
    const rest = await client.send(new ListPoliciesCommand({ Marker: page.Marker }));
    expect(rest.Policies!.map((p) => p.Arn)).not.toContain(page.Policies![0]!.Arn);
    const bad = await failure(client.send(new ListPoliciesCommand({ Scope: 'Mine' as never })));
    expect(bad.name).toBe('ValidationError');
  });

  it('DeletePolicy and DeleteRole refuse while attached (DeleteConflict)', async () => {
    const policyConflict = await failure(client.send(new DeletePolicyCommand({ PolicyArn: policyArn })));
    expect(policyConflict.name).toBe('DeleteConflictException');
    expect(policyConflict.message).toBe('Cannot delete a policy attached to entities.');
    const roleConflict = await failure(client.send(new DeleteRoleCommand({ RoleName: 'holder' })));
    expect(roleConflict.name).toBe('DeleteConflictException');
    expect(roleConflict.message).toBe('Cannot delete entity, must detach all policies first.');
    const aws = await failure(
      client.send(new DeletePolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' })),
    );
    expect(aws.name).toBe('AccessDenied');
  });
});

describe('inline role policies', () => {
  it('puts, gets (URL-encoded), lists, replaces and deletes', async () => {
    const doc = allow(['s3:GetObject'], 'arn:aws:s3:::bucket/*');
    await client.send(new PutRolePolicyCommand({ RoleName: 'holder', PolicyName: 'read', PolicyDocument: doc }));
    await client.send(
      new PutRolePolicyCommand({
        RoleName: 'holder',
        PolicyName: 'write',
        PolicyDocument: allow('s3:PutObject', 'arn:aws:s3:::bucket/*'),
      }),
    );
    const got = await client.send(new GetRolePolicyCommand({ RoleName: 'holder', PolicyName: 'read' }));
    expect(got).toMatchObject({ RoleName: 'holder', PolicyName: 'read' });
    expect(got.PolicyDocument).toMatch(/^%7B/);
    expect(decodeURIComponent(got.PolicyDocument!)).toBe(doc);
    expect((await client.send(new ListRolePoliciesCommand({ RoleName: 'holder' }))).PolicyNames).toEqual([
      'read',
      'write',
    ]);
    const replaced = allow('s3:*', '*');
    await client.send(new PutRolePolicyCommand({ RoleName: 'holder', PolicyName: 'read', PolicyDocument: replaced }));
    expect(
      decodeURIComponent(
        (await client.send(new GetRolePolicyCommand({ RoleName: 'holder', PolicyName: 'read' }))).PolicyDocument!,
      ),
    ).toBe(replaced);

    const malformed = await failure(
      client.send(
        new PutRolePolicyCommand({ RoleName: 'holder', PolicyName: 'x', PolicyDocument: '{"Version":"2012-10-17"}' }),
      ),
    );
    expect(malformed.name).toBe('MalformedPolicyDocumentException');
    const missing = await failure(client.send(new GetRolePolicyCommand({ RoleName: 'holder', PolicyName: 'nope' })));
    expect(missing.name).toBe('NoSuchEntityException');
    expect(missing.message).toBe('The role policy with name nope cannot be found.');

    // Managed policies detached, inline ones remain: still a conflict, with IAM's other message.
    await client.send(new DetachRolePolicyCommand({ RoleName: 'holder', PolicyArn: policyArn }));
    await client.send(
      new DetachRolePolicyCommand({ RoleName: 'holder', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }),
    );
    expect((await failure(client.send(new DeleteRoleCommand({ RoleName: 'holder' })))).message).toBe(
      'Cannot delete entity, must delete policies first.',
    );
    await client.send(new DeleteRolePolicyCommand({ RoleName: 'holder', PolicyName: 'read' }));
    await client.send(new DeleteRolePolicyCommand({ RoleName: 'holder', PolicyName: 'write' }));
    expect(
      (await failure(client.send(new DeleteRolePolicyCommand({ RoleName: 'holder', PolicyName: 'write' })))).name,
    ).toBe('NoSuchEntityException');
    await client.send(new DeleteRoleCommand({ RoleName: 'holder' }));
    await client.send(new DeletePolicyCommand({ PolicyArn: policyArn }));
    expect((await failure(client.send(new GetPolicyCommand({ PolicyArn: policyArn })))).name).toBe(
      'NoSuchEntityException',
    );
  });
});
