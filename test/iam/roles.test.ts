/** IAM roles through the real @aws-sdk/client-iam against the local cloud. */
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  GetRoleCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { destroyClients, failure, iam, trustAccount } from './helpers.js';

let cloud: TestCloud;
let client: IAMClient;
let trust: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  client = iam(cloud);
  trust = trustAccount(cloud.accountId);
});
afterAll(async () => {
  destroyClients();
  await cloud.stop();
});

describe('CreateRole / GetRole', () => {
  it('creates a role with IAM-shaped ids, ARN and a URL-encoded trust policy', async () => {
    const pretty = JSON.stringify(JSON.parse(trust), null, 2);
    const out = await client.send(
      new CreateRoleCommand({
        RoleName: 'MME-Invoke',
        Path: '/mme/',
        AssumeRolePolicyDocument: pretty,
        Description: 'invoke one model',
        Tags: [{ Key: 'team', Value: 'ml' }],
      }),
    );
    const role = out.Role!;
    expect(role.Arn).toBe(`arn:aws:iam::${cloud.accountId}:role/mme/MME-Invoke`);
    expect(role.RoleId).toMatch(/^AROA[A-Z2-7]{16}$/);
    expect(role.Path).toBe('/mme/');
    expect(role.MaxSessionDuration).toBe(3600);
    expect(role.CreateDate).toBeInstanceOf(Date);
    expect(role.Tags).toEqual([{ Key: 'team', Value: 'ml' }]);
    // IAM sends documents URL-encoded; decoded, it is the text as written (whitespace included).
    expect(role.AssumeRolePolicyDocument).toMatch(/^%7B/);
    expect(decodeURIComponent(role.AssumeRolePolicyDocument!)).toBe(pretty);

    const got = (await client.send(new GetRoleCommand({ RoleName: 'MME-Invoke' }))).Role!;
    expect(got).toMatchObject({
      RoleName: 'MME-Invoke',
      Arn: role.Arn,
      RoleId: role.RoleId,
      Description: 'invoke one model',
      MaxSessionDuration: 3600,
    });
    expect(decodeURIComponent(got.AssumeRolePolicyDocument!)).toBe(pretty);
    // Role names are case-insensitive for lookups too.
    expect((await client.send(new GetRoleCommand({ RoleName: 'mme-invoke' }))).Role!.RoleName).toBe('MME-Invoke');
  });

  it('refuses a duplicate name, in any case', async () => {
    const err = await failure(
      client.send(new CreateRoleCommand({ RoleName: 'mme-INVOKE', AssumeRolePolicyDocument: trust })),
    );
    expect(err.name).toBe('EntityAlreadyExistsException');
    expect(err.message).toBe('Role with name mme-INVOKE already exists.');
  });

  it('validates names, paths and MaxSessionDuration with AWS wording', async () => {
    const bad = await failure(
      client.send(new CreateRoleCommand({ RoleName: 'bad name!', AssumeRolePolicyDocument: trust })),
    );
    expect(bad.name).toBe('ValidationError');
    expect(bad.message).toBe(
      "1 validation error detected: Value 'bad name!' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
    const long = await failure(
      client.send(new CreateRoleCommand({ RoleName: 'x'.repeat(65), AssumeRolePolicyDocument: trust })),
    );
    expect(long.message).toContain('Member must have length less than or equal to 64');
    const path = await failure(
      client.send(new CreateRoleCommand({ RoleName: 'p', Path: 'noslash', AssumeRolePolicyDocument: trust })),
    );
    expect(path.name).toBe('ValidationError');
    expect(path.message).toContain("at 'path'");
    const dur = await failure(
      client.send(new CreateRoleCommand({ RoleName: 'd', MaxSessionDuration: 100, AssumeRolePolicyDocument: trust })),
    );
    expect(dur.message).toBe(
      "1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
    );
    const two = await failure(
      client.send(
        new CreateRoleCommand({ RoleName: 'bad name!', MaxSessionDuration: 50000, AssumeRolePolicyDocument: trust }),
      ),
    );
    expect(two.message).toMatch(/^2 validation errors detected: /);
  });

  it('validates the trust policy (MalformedPolicyDocument)', async () => {
    const syntax = await failure(
      client.send(new CreateRoleCommand({ RoleName: 'm1', AssumeRolePolicyDocument: '{not json' })),
    );
    expect(syntax.name).toBe('MalformedPolicyDocumentException');
    expect(syntax.message).toBe('Syntax errors in policy.');
    const withResource = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: cloud.accountId }, Action: 'sts:AssumeRole', Resource: '*' }],
    });
    const res = await failure(
      client.send(new CreateRoleCommand({ RoleName: 'm2', AssumeRolePolicyDocument: withResource })),
    );
    expect(res.name).toBe('MalformedPolicyDocumentException');
    expect(res.message).toBe('Has prohibited field Resource');
    const noPrincipal = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }],
    });
    expect(
      (await failure(client.send(new CreateRoleCommand({ RoleName: 'm3', AssumeRolePolicyDocument: noPrincipal }))))
        .message,
    ).toBe('Missing required field Principal');
    expect((await failure(client.send(new GetRoleCommand({ RoleName: 'm1' })))).name).toBe('NoSuchEntityException');
  });

  it('answers NoSuchEntity for an unknown role', async () => {
    const err = await failure(client.send(new GetRoleCommand({ RoleName: 'nope' })));
    expect(err.name).toBe('NoSuchEntityException');
    expect(err.message).toBe('The role with name nope cannot be found.');
    expect(err.$metadata?.httpStatusCode).toBe(404);
  });
});

describe('UpdateRole / UpdateAssumeRolePolicy', () => {
  it('updates the description, session duration and trust policy', async () => {
    await client.send(
      new UpdateRoleCommand({ RoleName: 'MME-Invoke', MaxSessionDuration: 7200, Description: 'changed' }),
    );
    const next = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    await client.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'MME-Invoke', PolicyDocument: next }));
    const role = (await client.send(new GetRoleCommand({ RoleName: 'MME-Invoke' }))).Role!;
    expect(role.MaxSessionDuration).toBe(7200);
    expect(role.Description).toBe('changed');
    expect(decodeURIComponent(role.AssumeRolePolicyDocument!)).toBe(next);
    const bad = await failure(
      client.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'MME-Invoke', PolicyDocument: '{"Statement":[]}' })),
    );
    expect(bad.name).toBe('MalformedPolicyDocumentException');
    const missing = await failure(
      client.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'ghost', PolicyDocument: next })),
    );
    expect(missing.name).toBe('NoSuchEntityException');
  });
});

describe('ListRoles', () => {
  it('filters by PathPrefix and pages with Marker/MaxItems', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) {
      await client.send(new CreateRoleCommand({ RoleName: n, Path: '/paged/', AssumeRolePolicyDocument: trust }));
    }
    const first = await client.send(new ListRolesCommand({ PathPrefix: '/paged/', MaxItems: 2 }));
    expect(first.Roles!.map((r) => r.RoleName)).toEqual(['page-a', 'page-b']);
    expect(first.IsTruncated).toBe(true);
    expect(first.Marker).toBeTruthy();
    // ListRoles carries no tags (IAM API reference).
    expect(first.Roles![0]!.Tags).toBeUndefined();
    const second = await client.send(
      new ListRolesCommand({ PathPrefix: '/paged/', MaxItems: 2, Marker: first.Marker }),
    );
    expect(second.Roles!.map((r) => r.RoleName)).toEqual(['page-c']);
    expect(second.IsTruncated).toBe(false);
    expect(second.Marker).toBeUndefined();
    const all = await client.send(new ListRolesCommand({}));
    expect(all.Roles!.map((r) => r.RoleName)).toEqual(
      expect.arrayContaining(['MME-Invoke', 'page-a', 'page-b', 'page-c']),
    );
    expect((await client.send(new ListRolesCommand({ PathPrefix: '/nothing/' }))).Roles).toEqual([]);
  });
});

describe('TagRole / UntagRole / ListRoleTags', () => {
  it('adds, replaces (case-insensitively) and removes tags', async () => {
    await client.send(
      new TagRoleCommand({
        RoleName: 'page-a',
        Tags: [
          { Key: 'Env', Value: 'dev' },
          { Key: 'owner', Value: 'me' },
        ],
      }),
    );
    await client.send(new TagRoleCommand({ RoleName: 'page-a', Tags: [{ Key: 'env', Value: 'prod' }] }));
    let tags = (await client.send(new ListRoleTagsCommand({ RoleName: 'page-a' }))).Tags;
    expect(tags).toEqual([
      { Key: 'env', Value: 'prod' },
      { Key: 'owner', Value: 'me' },
    ]);
    await client.send(new UntagRoleCommand({ RoleName: 'page-a', TagKeys: ['OWNER', 'absent'] }));
    tags = (await client.send(new ListRoleTagsCommand({ RoleName: 'page-a' }))).Tags;
    expect(tags).toEqual([{ Key: 'env', Value: 'prod' }]);
    const dup = await failure(
      client.send(
        new TagRoleCommand({
          RoleName: 'page-a',
          Tags: [
            { Key: 'a', Value: '1' },
            { Key: 'A', Value: '2' },
          ],
        }),
      ),
    );
    expect(dup.name).toBe('InvalidInputException');
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const limit = await failure(client.send(new TagRoleCommand({ RoleName: 'page-a', Tags: many })));
    expect(limit.name).toBe('ValidationError');
    expect((await failure(client.send(new ListRoleTagsCommand({ RoleName: 'ghost' })))).name).toBe(
      'NoSuchEntityException',
    );
  });
});

describe('DeleteRole', () => {
  it('deletes a role, then it is gone', async () => {
    await client.send(new DeleteRoleCommand({ RoleName: 'page-c' }));
    expect((await failure(client.send(new GetRoleCommand({ RoleName: 'page-c' })))).name).toBe('NoSuchEntityException');
    expect((await failure(client.send(new DeleteRoleCommand({ RoleName: 'page-c' })))).name).toBe(
      'NoSuchEntityException',
    );
  });
});
