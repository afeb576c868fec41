/**
 * boto3 and the AWS CLI read the local cloud's CloudWatch Logs. They are given the endpoint as
 * `--endpoint-url` / `endpoint_url` and no AWS_ENDPOINT_URL: Debian's AWS CLI 2.9 and boto3
 * 1.26 do not read that variable, and this is the form the README gives for them. Skipped,
 * saying why, where the tool is not installed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { awsToolEnv, findAwsCli, findPythonWithBoto3, run } from '../helpers/tools.js';

const python = await findPythonWithBoto3(['python3']);
const awsCli = await findAwsCli();
if (!python) console.warn('logs interop: boto3 not found: skipping the boto3 test');
if (!awsCli) console.warn('logs interop: AWS CLI not found: skipping the AWS CLI test');

const GROUP = '/aws/sagemaker/Endpoints/interop-ep';
const STREAM = 'AllTraffic/i-00000000000000001/container-1';

describe('CloudWatch Logs with other AWS tools (--endpoint-url)', () => {
  let cloud: TestCloud;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    cloud = await startTestCloud();
    home = await mkdtemp(join(tmpdir(), 'mme-logs-interop-'));
    env = awsToolEnv(cloud, home);
    delete env.AWS_ENDPOINT_URL;
    const base = Date.now() - 60_000;
    cloud.logEvents().put(GROUP, STREAM, ['Starting the container'], new Date(base));
    cloud.logEvents().put(GROUP, STREAM, ['Invocation error (400): model failed once'], new Date(base + 1000));
    cloud.logEvents().put(GROUP, STREAM, ['Invocation error (400): model failed twice'], new Date(base + 2000));
    cloud.logEvents().put('/aws/sagemaker/TrainingJobs', 'job/algo-1-1', ['Training'], new Date(base));
  });

  afterAll(async () => {
    await cloud?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it.skipIf(!python)('boto3: describe, get-log-events tokens, a filter paginator, an error code', async () => {
    const { stdout } = await run(python!, [join('test', 'logs', 'boto3_logs.py'), cloud.endpoint, GROUP, STREAM], {
      env,
      timeout: 60_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
      groups: [GROUP, '/aws/sagemaker/TrainingJobs'],
      streams: [STREAM],
      head: ['Starting the container', 'Invocation error (400): model failed once'],
      following: ['Invocation error (400): model failed twice'],
      endSameToken: true,
      filtered: ['Invocation error (400): model failed once', 'Invocation error (400): model failed twice'],
      error: ['ResourceNotFoundException', 'The specified log group does not exist.'],
    });
  });

  it.skipIf(!awsCli)(
    'AWS CLI: aws logs get-log-events / describe-log-streams / filter-log-events --endpoint-url',
    async () => {
      const aws = (...args: string[]) =>
        run(awsCli!, ['--output', 'json', 'logs', ...args, '--endpoint-url', cloud.endpoint], { env, timeout: 60_000 });
      const events = JSON.parse(
        (await aws('get-log-events', '--log-group-name', GROUP, '--log-stream-name', STREAM, '--start-from-head'))
          .stdout,
      );
      expect(events.events.map((e: { message: string }) => e.message)).toEqual([
        'Starting the container',
        'Invocation error (400): model failed once',
        'Invocation error (400): model failed twice',
      ]);
      expect(events.nextForwardToken).toMatch(/^f\//);
      const streams = JSON.parse((await aws('describe-log-streams', '--log-group-name', GROUP)).stdout);
      expect(streams.logStreams.map((s: { logStreamName: string }) => s.logStreamName)).toEqual([STREAM]);
      const filtered = JSON.parse(
        (await aws('filter-log-events', '--log-group-name', GROUP, '--filter-pattern', 'twice')).stdout,
      );
      expect(filtered.events.map((e: { message: string }) => e.message)).toEqual([
        'Invocation error (400): model failed twice',
      ]);
      const missing = await run(
        awsCli!,
        [
          'logs',
          'get-log-events',
          '--log-group-name',
          '/none',
          '--log-stream-name',
          's',
          '--endpoint-url',
          cloud.endpoint,
        ],
        { env, timeout: 60_000 },
      ).then(
        () => undefined,
        (err: { stderr: string; code: number }) => err,
      );
      expect(missing?.code).not.toBe(0);
      expect(missing?.stderr).toContain('ResourceNotFoundException');
      expect(missing?.stderr).toContain('The specified log group does not exist.');
    },
  );
});
