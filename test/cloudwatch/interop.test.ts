/**
 * boto3 and the AWS CLI against the local cloud's CloudWatch, configured only through the
 * environment. botocore 1.43 speaks CloudWatch's JSON 1.0 protocol (older builds speak Query;
 * both are served). Skipped, saying why, where the tool is not installed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { awsToolEnv, findAwsCli, findPythonWithBoto3, run } from '../helpers/tools.js';

const python = await findPythonWithBoto3(['python3']);
const awsCli = await findAwsCli();
if (!python) console.warn('cloudwatch interop: boto3 not found: skipping the boto3 test');
if (!awsCli) console.warn('cloudwatch interop: AWS CLI not found: skipping the AWS CLI test');

describe('CloudWatch with other AWS tools', () => {
  let cloud: TestCloud;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    cloud = await startTestCloud();
    home = await mkdtemp(join(tmpdir(), 'mme-cw-interop-'));
    env = awsToolEnv(cloud, home);
  });

  afterAll(async () => {
    await cloud?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it.skipIf(!python)('boto3: put, statistics, metric data, list, an error code', async () => {
    const { stdout } = await run(python!, [join('test', 'cloudwatch', 'boto3_cloudwatch.py'), 'MME/Boto3'], {
      env,
      timeout: 60_000,
    });
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(['json', 'query']).toContain(out.protocol);
    expect(out).toMatchObject({
      sums: [
        [0, 3, 1],
        [60, 4, 3],
      ],
      data: [
        [0, 3],
        [60, 4],
      ],
      metrics: ['Invocations'],
      error: 'InvalidParameterValue',
    });
  });

  it.skipIf(!awsCli)('AWS CLI: put-metric-data, get-metric-statistics, list-metrics', async () => {
    const aws = (...args: string[]) =>
      run(awsCli!, ['--output', 'json', 'cloudwatch', ...args], { env, timeout: 60_000 });
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);
    await aws(
      'put-metric-data',
      '--namespace',
      'MME/Cli',
      '--metric-name',
      'CacheHit',
      '--dimensions',
      'EndpointName=cli',
      '--value',
      '1',
      '--timestamp',
      minute.toISOString(),
    );
    await aws(
      'put-metric-data',
      '--namespace',
      'MME/Cli',
      '--metric-name',
      'CacheHit',
      '--dimensions',
      'EndpointName=cli',
      '--value',
      '0',
      '--timestamp',
      minute.toISOString(),
    );
    const stats = JSON.parse(
      (
        await aws(
          'get-metric-statistics',
          '--namespace',
          'MME/Cli',
          '--metric-name',
          'CacheHit',
          '--dimensions',
          'Name=EndpointName,Value=cli',
          '--start-time',
          minute.toISOString(),
          '--end-time',
          new Date(minute.getTime() + 60_000).toISOString(),
          '--period',
          '60',
          '--statistics',
          'Average',
        )
      ).stdout,
    );
    expect(stats.Datapoints).toEqual([{ Timestamp: expect.anything(), Average: 0.5, Unit: 'None' }]);
    // CLI v1 prints the wire's timestamp as is: epoch seconds over JSON, ISO text over Query.
    const ts = stats.Datapoints[0].Timestamp;
    expect(new Date(typeof ts === 'number' ? ts * 1000 : ts)).toEqual(minute);
    const listed = JSON.parse((await aws('list-metrics', '--namespace', 'MME/Cli')).stdout);
    expect(listed.Metrics).toEqual([
      { Namespace: 'MME/Cli', MetricName: 'CacheHit', Dimensions: [{ Name: 'EndpointName', Value: 'cli' }] },
    ]);
  });
});
