/**
 * `mme bootstrap` and `mme permissions` as a user runs them: the built CLI in a fresh working
 * directory with its own local cloud. Bootstrap creates, a second run changes nothing and says
 * so, the defaults land in ./mme.config.json and later commands use them; --dry-run sends and
 * writes nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT, mme } from './helpers.js';

let cwd: string;
let state: string;
const run = (args: string[]) => mme(args, { cwd, env: { MME_LOCAL_STATE: state } });

beforeAll(() => {
  if (!BUILT) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` before these tests');
  cwd = mkdtempSync(path.join(tmpdir(), 'mme-bootstrap-'));
  state = path.join(cwd, 'state');
});

afterAll(async () => {
  if (state && existsSync(state)) await run(['local', 'stop']);
  if (cwd) rmSync(cwd, { recursive: true, force: true });
}, 30_000);

describe('mme bootstrap', () => {
  it('--dry-run prints the requests, starts nothing and writes nothing', async () => {
    const r = await run(['bootstrap', '--bucket', 'mme-boot', '--role-name', 'mme-boot-role', '--dry-run', '--json']);
    expect(r.code).toBe(0);
    const requests = JSON.parse(r.stdout).result as { service: string; operation: string; input: any }[];
    expect(requests.map((q) => `${q.service} ${q.operation}`)).toEqual([
      'STS GetCallerIdentity',
      'S3 HeadBucket',
      'S3 CreateBucket',
      'IAM GetRole',
      'IAM CreateRole',
      'IAM UpdateAssumeRolePolicy',
      'IAM GetRolePolicy',
      'IAM PutRolePolicy',
    ]);
    expect(JSON.parse(requests[4]!.input.AssumeRolePolicyDocument).Statement[0].Principal).toEqual({
      Service: 'sagemaker.amazonaws.com',
    });
    expect(existsSync(path.join(cwd, 'mme.config.json'))).toBe(false);
    expect(existsSync(state)).toBe(false);
  });

  it('creates the bucket and the role, records them, and a second run changes nothing', async () => {
    const first = await run(['bootstrap', '--bucket', 'mme-boot', '--role-name', 'mme-boot-role', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const made = JSON.parse(first.stdout).result;
    expect(made.bucket).toEqual({ name: 'mme-boot', status: 'created' });
    expect(made.role.status).toBe('created');
    expect(made.role.arn).toMatch(/^arn:aws:iam::\d{12}:role\/mme-boot-role$/);
    expect(made.changed).toBe(true);
    const file = JSON.parse(readFileSync(path.join(cwd, 'mme.config.json'), 'utf8'));
    expect(file.bootstrap.local).toEqual({ bucket: 'mme-boot', roleArn: made.role.arn });

    // No --bucket, no --role-name: the recorded defaults.
    const second = await run(['bootstrap', '--role-name', 'mme-boot-role']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('Nothing changed');
    expect(second.stdout).toContain('s3://mme-boot  unchanged');
    expect(second.stdout).toContain('mme.config.json ("bootstrap.local")');

    // Later commands default to them: the permissions name that bucket and role.
    const perms = await run(['permissions', 'preprocess', '--json']);
    expect(perms.code, perms.stderr).toBe(0);
    const p = JSON.parse(perms.stdout).result;
    expect(p.executionRole.arn).toBe(made.role.arn);
    const text = JSON.stringify(p.caller.policy);
    expect(text).toContain('arn:aws:s3:::mme-boot/*');
    expect(text).toContain('"iam:PassedToService":"sagemaker.amazonaws.com"');
  }, 60_000);

  it('permissions refuses a command it does not know', async () => {
    const r = await run(['permissions', 'nonsense']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no permissions for 'nonsense'");
  });
});
