/**
 * Other AWS tools against the local cloud: boto3 and the AWS CLI, configured only through the
 * environment `mme local env` prints. They skip, saying why, where the tool is not installed
 * (.ci/run installs both).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { awsToolEnv, findAwsCli, findPythonWithBoto3, run } from '../helpers/tools.js';

// The first python3 with boto3: the PATH's, then Debian's.
const python = await findPythonWithBoto3(['python3', '/usr/bin/python3']);
const awsCli = await findAwsCli();
if (!python) console.warn('interop: boto3 not found (apt-get install python3-boto3): skipping the boto3 test');
if (!awsCli) console.warn('interop: AWS CLI not found (apt-get install awscli): skipping the AWS CLI test');

describe('other AWS tools against the local cloud', () => {
  let cloud: TestCloud;
  let work: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    cloud = await startTestCloud();
    work = await mkdtemp(join(tmpdir(), 'mme-interop-'));
    env = awsToolEnv(cloud, work);
  });

  afterAll(async () => {
    await cloud?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it.skipIf(!python)('boto3: create bucket, put, multipart upload, get, list', async () => {
    const { stdout } = await run(
      python!,
      [join('fixtures', 'interop', 'boto3_s3.py'), 'boto3-bucket', join(work, 'big.bin')],
      { env, timeout: 60_000 },
    );
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
      get: 'hello from boto3',
      bigIdentical: true,
      keys: ['boto3/big.bin', 'boto3/hello.txt'],
    });
  });

  it.skipIf(!awsCli)('AWS CLI: s3 mb, cp up and down, ls', async () => {
    const aws = (...args: string[]) =>
      run(awsCli!, ['--endpoint-url', cloud.endpoint, ...args], { env, timeout: 60_000 });
    await aws('s3', 'mb', 's3://cli-bucket');
    const src = join(work, 'data.csv');
    await writeFile(src, '1993,2728,6,3.0,0.7,1,y,y,450000\n');
    await aws('s3', 'cp', src, 's3://cli-bucket/housing-data/Chicago_IL/train/train.csv');
    const listing = await aws('s3', 'ls', 's3://cli-bucket/housing-data/', '--recursive');
    expect(listing.stdout).toContain('housing-data/Chicago_IL/train/train.csv');
    const back = join(work, 'back.csv');
    await aws('s3', 'cp', 's3://cli-bucket/housing-data/Chicago_IL/train/train.csv', back);
    expect(await readFile(back, 'utf8')).toBe('1993,2728,6,3.0,0.7,1,y,y,450000\n');
  });
});
