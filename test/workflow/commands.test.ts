/**
 * The preprocess and train commands through the built CLI (bin/mme → dist/): --dry-run sends
 * nothing and starts no local cloud; aws without a role is a configuration error.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT, mme } from '../cli/helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mme-cmd-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ MME_LOCAL_STATE: join(dir, 'state') });

describe.skipIf(!BUILT)('mme preprocess / train --dry-run', () => {
  it('preprocess --dry-run --json prints the requests and starts no local cloud', async () => {
    const r = await mme(['preprocess', '--dry-run', '--json', '--locations', 'NewYork_NY,Chicago_IL'], {
      cwd: dir,
      env: env(),
    });
    expect(r.code).toBe(0);
    const { ok, result } = JSON.parse(r.stdout);
    expect(ok).toBe(true);
    expect(result.map((x: { operation: string }) => x.operation).slice(0, 4)).toEqual([
      'PutObject',
      'CreateTrainingJob',
      'DescribeTrainingJob',
      'CreateModel',
    ]);
    expect(result.filter((x: { operation: string }) => x.operation === 'CreateTransformJob')).toHaveLength(2);
    expect(result[1].input.RoleArn).toBe('arn:aws:iam::<local-account-id>:role/mme-local-sagemaker-execution');
    expect(existsSync(join(dir, 'state', 'daemon.json'))).toBe(false);
  });

  it("train --dry-run on aws uses the region's image and the given role, listing locations first without --locations", async () => {
    const role = 'arn:aws:iam::123456789012:role/SageMakerRole';
    const r = await mme(
      [
        'train',
        '--dry-run',
        '--target',
        'aws',
        '--region',
        'eu-west-1',
        '--bucket',
        'my-bucket',
        '--role-arn',
        role,
        '--epochs',
        '3',
      ],
      { cwd: dir, env: env() },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Dry run: \d+ requests to aws \(eu-west-1\); none sent/);
    expect(r.stdout).toContain('1. S3 ListObjectsV2');
    expect(r.stdout).toContain('"TrainingImage": "438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1"');
    expect(r.stdout).toContain(`"RoleArn": "${role}"`);
    expect(r.stdout).toContain('"epochs": "3"');
  });

  it('on aws without a role it is a configuration error with a hint (exit 3)', async () => {
    const r = await mme(['train', '--dry-run', '--target', 'aws', '--bucket', 'my-bucket', '--json'], {
      cwd: dir,
      env: env(),
    });
    expect(r.code).toBe(3);
    const { error } = JSON.parse(r.stdout);
    expect(error.code).toBe('ConfigError');
    expect(error.hint).toMatch(/--role-arn/);
  });

  it('an unknown scikit-learn version is a usage error naming the versions (exit 2)', async () => {
    const r = await mme(['preprocess', '--dry-run', '--locations', '1', '--sklearn-version', '0.1'], {
      cwd: dir,
      env: env(),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('1.2-1');
  });
});
