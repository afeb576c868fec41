/**
 * The `mme grant` command in-process: option parsing, validation, and --dry-run, which sends
 * nothing and starts no local cloud. (The real run is covered against the local cloud in
 * grant.test.ts, through the same workflow functions.)
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grant, type GrantCommandOptions } from '../../src/cli/commands/grant.js';
import type { CommandContext } from '../../src/cli/context.js';
import { createOutput } from '../../src/cli/output.js';
import { buildProgram } from '../../src/cli/program.js';
import { resolveSettings, type SettingsFlags } from '../../src/config/settings.js';
import { DEFAULT_ENDPOINT_NAME } from '../../src/workflow/names.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mme-grant-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function context(flags: SettingsFlags = {}): CommandContext & { stdout: () => string } {
  const env = { MME_LOCAL_STATE: join(dir, 'state') };
  const settings = resolveSettings({ flags: { color: false, ...flags }, env, cwd: dir });
  let text = '';
  const output = createOutput(settings, { write: (t: string) => (text += t) }, { write: () => true });
  return {
    settings,
    output,
    reporter: { report() {}, close() {}, interject: (write: () => void) => write(), dismiss() {} },
    cwd: dir,
    env,
    onPartial() {},
    stdout: () => text,
  };
}

async function parse(args: string[]): Promise<Record<string, unknown>> {
  let opts: Record<string, unknown> = {};
  const program = buildProgram(async (command: Command) => void (opts = command.opts()), '0.0.0-test');
  program.configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  await program.parseAsync(['node', 'mme', ...args]);
  return opts;
}

describe('mme grant options', () => {
  it('--prefix is repeatable, variadic and comma-separated; --dry-run and --remove are flags', async () => {
    expect(
      await parse(['grant', '--prefix', 'NewYork_NY,common', '--prefix', 'Chicago_IL', '--dry-run']),
    ).toMatchObject({ prefix: ['NewYork_NY', 'common', 'Chicago_IL'], dryRun: true });
    expect(await parse(['grant', '--prefix', 'NewYork_NY/', 'Chicago_IL/', '--remove'])).toMatchObject({
      prefix: ['NewYork_NY/', 'Chicago_IL/'],
      remove: true,
    });
  });

  it.each([
    [{ prefix: ['NewYork_NY*'] }, /--prefix 'NewYork_NY\*'/],
    [{ prefix: ['NewYork_NY'], principal: 'jane' }, /--principal 'jane'/],
    [{ prefix: ['NewYork_NY'], roleName: 'a/b' }, /--role-name 'a\/b'/],
  ])('%j is a usage error (exit 2), before anything is sent', async (options, message) => {
    await expect(grant({ ...options, dryRun: false } as GrantCommandOptions, context())).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(message),
    });
  });
});

describe('mme grant --dry-run', () => {
  it('on local: the documents and requests, the default user trusted, a placeholder account; no local cloud started', async () => {
    const ctx = context({ json: true });
    const r = await grant({ prefix: ['NewYork_NY/'], dryRun: true }, ctx);
    const data = r.data as {
      documents: { trustPolicy: unknown; policy: { Statement: { Resource: string; Condition: unknown }[] } };
      requests: { operation: string; input: Record<string, unknown> }[];
    };
    expect(data.documents.trustPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::<local-account-id>:user/mme-admin' },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    expect(data.documents.policy.Statement[0]).toMatchObject({
      Resource: `arn:aws:sagemaker:us-east-1:<local-account-id>:endpoint/${DEFAULT_ENDPOINT_NAME}`,
      Condition: { StringLike: { 'sagemaker:TargetModel': ['NewYork_NY/*'] } },
    });
    expect(data.requests.map((q) => q.operation)).toEqual([
      'GetCallerIdentity',
      'GetRole',
      'CreateRole',
      'ListRolePolicies',
      'ListAttachedRolePolicies',
      'UpdateAssumeRolePolicy',
      'UpdateRole',
      'TagRole',
      'GetRolePolicy',
      'PutRolePolicy',
    ]);
    expect(data.requests[2]!.input.RoleName).toBe('mme-invoke-NewYork_NY@mme-linear-learner');
    expect(existsSync(join(dir, 'state', 'daemon.json'))).toBe(false);
  });

  it("on aws: the human form, with the caller's role looked up and the given endpoint", async () => {
    const ctx = context({ target: 'aws', region: 'eu-west-1' });
    const r = await grant({ prefix: ['NewYork_NY', 'common'], endpoint: 'Houses', dryRun: true }, ctx);
    expect(r.human).toMatch(/^Dry run: up to 11 requests to aws \(eu-west-1\); none sent/);
    expect(r.human).toContain('Trust policy of role mme-invoke-NewYork_NY+common@houses:');
    expect(r.human).toContain('"Resource": "arn:aws:sagemaker:eu-west-1:<account-id>:endpoint/houses"');
    expect(r.human).toContain(' 1. STS GetCallerIdentity');
    expect(r.human).toContain('IAM GetRole  (only if the caller is a role session');
  });

  it('another --endpoint names another role, and --remove says which endpoint it removes from', async () => {
    const other = (await grant({ prefix: ['NewYork_NY'], endpoint: 'other', dryRun: true }, context({ json: true })))
      .data as { requests: { operation: string; input: Record<string, unknown> }[] };
    expect(other.requests.find((q) => q.operation === 'CreateRole')!.input).toMatchObject({
      RoleName: 'mme-invoke-NewYork_NY@other',
      Tags: expect.arrayContaining([{ Key: 'mme:endpoint', Value: 'other' }]),
    });
    const removal = (
      await grant({ prefix: ['NewYork_NY'], endpoint: 'other', remove: true, dryRun: true }, context({ json: true }))
    ).data as { requests: { operation: string; input: Record<string, unknown>; note?: string }[] };
    expect(removal.requests[0]).toMatchObject({
      operation: 'GetRole',
      input: { RoleName: 'mme-invoke-NewYork_NY@other' },
      note: expect.stringContaining('mme:endpoint other'),
    });
  });

  it('--remove: policies, then the role; an explicit --principal is used as given', async () => {
    const r = await grant({ prefix: ['NewYork_NY'], remove: true, dryRun: true }, context());
    expect((r.data as { requests: { operation: string }[] }).requests.map((q) => q.operation)).toEqual([
      'GetRole',
      'ListRolePolicies',
      'ListAttachedRolePolicies',
      'DeleteRolePolicy',
      'DetachRolePolicy',
      'DeleteRole',
    ]);
    const p = await grant({ prefix: ['NewYork_NY'], principal: '210987654321', dryRun: true }, context());
    expect(
      (p.data as { documents: { trustPolicy: { Statement: { Principal: unknown }[] } } }).documents.trustPolicy
        .Statement[0]!.Principal,
    ).toEqual({ AWS: 'arn:aws:iam::210987654321:root' });
  });
});
