/**
 * boto3 and the AWS CLI against the local cloud's CloudWatch, configured only through the
 * environment. botocore 1.43 speaks CloudWatch's JSON 1.0 protocol (older builds speak Query;
 * both are served). Skipped, saying why, where the tool is not installed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';

const run = promisify(execFile);

async function works(cmd: string, args: string[]): Promise<boolean> {
  try {
    await run(cmd, args, { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

const python = (await works('python3', ['-c', 'import boto3'])) ? 'python3' : undefined;
const awsCli = (await works('aws', ['--version'])) ? 'aws' : undefined;
if (!python) console.warn('cloudwatch interop: boto3 not found: skipping the boto3 test');
if (!awsCli) console.warn('cloudwatch interop: AWS CLI not found: skipping the AWS CLI test');

describe('CloudWatch with other AWS tools', () => {
  let cloud: TestCloud;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    cloud = await startTestCloud();
    home = await mkdtemp(join(tmpdir(), 'mme-cw-interop-'));
    env = {
      PATH: process.env.PATH,
      HOME: home,
      AWS_ENDPOINT_URL: cloud.endpoint,
      AWS_ACCESS_KEY_ID: cloud.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: cloud.credentials.secretAccessKey,
      AWS_REGION: cloud.region,
      AWS_DEFAULT_REGION: cloud.region,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  });

  afterAll(async () => {
    await cloud?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it.skipIf(!python)('boto3: put, statistics, metric data, list, an error code', async () => {
    const { stdout } = await run(python!, [join('test', 'cloudwatch', 'boto3_cloudwatch.py'), 'MME/Boto3'], { env, timeout: 60_000 });
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(['json', 'query']).toContain(out.protocol);
    expect(out).toMatchObject({
      sums: [[0, 3, 1], [60, 4, 3]],
      data: [[0, 3], [60, 4]],
      metrics: ['Invocations'],
      error: 'InvalidParameterValue',
    });
  });

  it.skipIf(!awsCli)('AWS CLI: put-metric-data, get-metric-statistics, list-metrics', async () => {
    const aws = (...args: string[]) => run(awsCli!, ['--output', 'json', 'cloudwatch', ...args], { env, timeout: 60_000 });
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);
    await aws('put-metric-data', '--namespace', 'MME/Cli', '--metric-name', 'CacheHit', '--dimensions', 'EndpointName=cli', '--value', '1', '--timestamp', minute.toISOString());
    await aws('put-metric-data', '--namespace', 'MME/Cli', '--metric-name', 'CacheHit', '--dimensions', 'EndpointName=cli', '--value', '0', '--timestamp', minute.toISOString());
    const stats = JSON.parse(
      (await aws('get-metric-statistics', '--namespace', 'MME/Cli', '--metric-name', 'CacheHit', '--dimensions', 'Name=EndpointName,Value=cli',
        '--start-time', minute.toISOString(), '--end-time', new Date(minute.getTime() + 60_000).toISOString(), '--period', '60', '--statistics', 'Average')).stdout,
    );
    expect(stats.Datapoints).toEqual([{ Timestamp: expect.anything(), Average: 0.5, Unit: 'None' }]);
    // CLI v1 prints the wire's timestamp as is: epoch seconds over JSON, ISO text over Query.
    const ts = stats.Datapoints[0].Timestamp;
    expect(new Date(typeof ts === 'number' ? ts * 1000 : ts)).toEqual(minute);
    const listed = JSON.parse((await aws('list-metrics', '--namespace', 'MME/Cli')).stdout);
    expect(listed.Metrics).toEqual([{ Namespace: 'MME/Cli', MetricName: 'CacheHit', Dimensions: [{ Name: 'EndpointName', Value: 'cli' }] }]);
  });
});
