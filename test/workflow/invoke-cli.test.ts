/**
 * `mme invoke` and `mme status` as a user runs them: the built CLI against a local cloud daemon
 * (started with `mme local start`, stopped at the end), with an endpoint built through the SDK.
 * What only the CLI decides is checked here: human output, --json shapes, exit codes, hints.
 */
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clients } from '../../src/aws/clients.js';
import { startCliDaemon, type CliDaemon } from '../cli/helpers.js';
import { createPipelineEndpoint } from '../helpers/pipeline-endpoint.js';
import { BUCKET, MME_PREFIX } from '../hosting/helpers.js';
import { trustAccount } from '../iam/helpers.js';

const ENDPOINT = 'mme-linear-learner'; // the default: no --endpoint needed
const ROLE = 'mme-invoke-NewYork_NY';
let daemon: CliDaemon;
let clients: Clients;
let info: CliDaemon['info'];
const run = (args: string[]) => daemon.run(args);

beforeAll(async () => {
  daemon = await startCliDaemon('invoke-e2e');
  ({ clients, info } = daemon);
  await createPipelineEndpoint(clients, {
    accountId: info.accountId,
    endpoint: ENDPOINT,
    cities: { NewYork_NY: 450, Chicago_IL: 190 },
  });
  const iam = await clients.iam();
  await iam.send(new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: trustAccount(info.accountId) }));
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: ROLE,
      PolicyName: 'invoke-ny',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sagemaker:InvokeEndpoint',
            Resource: '*',
            Condition: { StringLike: { 'sagemaker:TargetModel': ['NewYork_NY/*'] } },
          },
        ],
      }),
    }),
  );
}, 90_000);

afterAll(async () => {
  await daemon?.stop();
});

describe('mme invoke', () => {
  it('prints the prediction in dollars with its latency', async () => {
    const r = await run(['invoke', '--model', 'Chicago_IL', '--features', '1993,2728,6,3.0,0.7,1,y,y']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Chicago_IL\/Chicago_IL\.tar\.gz on mme-linear-learner$/m);
    expect(r.stdout).toMatch(/^ {2}1993,2728,6,3\.0,0\.7,1,y,y {2}\$\d{1,3}(,\d{3})*\.\d{2} +[\d,.]+ ms$/m);
    expect(r.stdout).toMatch(/1 request: p50 [\d,.]+ ms, max [\d,.]+ ms/);
    // Its first call on this endpoint: the local cloud counted the load.
    expect(r.stdout).toContain('the model was loaded once during the run');
    const again = await run(['invoke', '--model', 'Chicago_IL', '--features', '1993,2728,6,3.0,0.7,1,y,y']);
    expect(again.stdout).toContain('the model was loaded already: no call included a download and load');
  });

  it('--random 3 --seed 5 --json: the documented shape', async () => {
    const r = await run([
      'invoke',
      '--model',
      'NewYork_NY/NewYork_NY.tar.gz',
      '--random',
      '3',
      '--seed',
      '5',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const result = JSON.parse(r.stdout).result;
    expect(result).toMatchObject({
      endpoint: ENDPOINT,
      targetModel: 'NewYork_NY/NewYork_NY.tar.gz',
      seed: 5,
      summary: { requests: 3 },
    });
    expect(result.invocations).toHaveLength(3);
    expect(Object.keys(result.invocations[0]).sort()).toEqual([
      'features',
      'invokedProductionVariant',
      'latencyMs',
      'prediction',
      'raw',
    ]);
    expect(result.loads).toBe(1);
    const again = JSON.parse(
      (await run(['invoke', '--model', 'NewYork_NY', '--random', '3', '--seed', '5', '--json'])).stdout,
    ).result;
    expect(again.loads).toBe(0);
    expect(again.invocations.map((i: { prediction: number }) => i.prediction)).toEqual(
      result.invocations.map((i: { prediction: number }) => i.prediction),
    );
  });

  it('Ctrl-C midway: exit 130, with the predictions already made and what was not invoked', async () => {
    const r = await daemon.run(['invoke', '--model', 'Chicago_IL', '--random', '10000', '--seed', '1'], {
      // Once it is invoking (its first progress line), let a few requests through, then interrupt.
      onSpawn: (child) => child.stderr!.once('data', () => setTimeout(() => child.kill('SIGINT'), 700)),
    });
    expect(r.code, JSON.stringify({ signal: r.signal, stderr: r.stderr.slice(-800) })).toBe(130);
    expect(r.stderr).toMatch(
      /✖ interrupted; not finished: Invoking Chicago_IL\/Chicago_IL\.tar\.gz on mme-linear-learner \(\d+\/10000\)/,
    );
    const answered = /(\d+) of 10000 rows answered; (\d+) not invoked/.exec(r.stdout);
    expect(answered, r.stdout.slice(-500)).not.toBeNull();
    expect(Number(answered![1]) + Number(answered![2])).toBe(10000);
    expect(r.stdout.match(/\$\d/g)?.length).toBe(Number(answered![1]));
    expect(r.stdout).not.toMatch(/✔/);
  }, 30_000);

  it('Ctrl-C with --json: one error document whose detail holds the partial result', async () => {
    const r = await daemon.run(['invoke', '--model', 'Chicago_IL', '--random', '10000', '--json'], {
      // No progress lines with --json to wait for: long enough to be past start-up, well short
      // of 10,000 round trips.
      onSpawn: (child) => setTimeout(() => child.kill('SIGINT'), 4_000),
    });
    expect(r.code).toBe(130);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: false, error: { code: 'Interrupted', exitCode: 130 } });
    const partial = doc.error.detail.partial;
    expect(partial.invocations.length + partial.notInvoked).toBe(10000);
  }, 30_000);

  it('an unknown model: exit 4 and a hint to add it', async () => {
    const r = await run(['invoke', '--model', 'Boston_MA']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('Failed to download model data');
    expect(r.stderr).toContain('mme add-model Boston_MA');
  });

  it('--role-arn: says who invoked; a model outside the grant is AccessDenied, exit 5, no stack', async () => {
    const roleArn = `arn:aws:iam::${info.accountId}:role/${ROLE}`;
    const ok = await run(['invoke', '--model', 'NewYork_NY', '--role-arn', roleArn, '--random', '1']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`as arn:aws:sts::${info.accountId}:assumed-role/${ROLE}/mme-invoke`);
    const denied = await run([
      'invoke',
      '--model',
      'Chicago_IL',
      '--role-arn',
      roleArn,
      '--session-name',
      'MME_Invoke_NY_Model',
    ]);
    expect(denied.code).toBe(5);
    expect(denied.stderr).toContain(
      `User: arn:aws:sts::${info.accountId}:assumed-role/${ROLE}/MME_Invoke_NY_Model is not authorized to perform: sagemaker:InvokeEndpoint on resource: arn:aws:sagemaker:${info.region}:${info.accountId}:endpoint/${ENDPOINT}`,
    );
    expect(denied.stderr).toContain('may invoke TargetModels matching: NewYork_NY/*');
    expect(denied.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('mme status', () => {
  it('shows the endpoint, its models, what is loaded and the cache; --models the per-model figures', async () => {
    const r = await run(['status', '--models']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}mme-linear-learner {2}InService/m);
    expect(r.stdout).toContain('AllTraffic: 1 × ml.m4.xlarge, model mme-pipeline');
    expect(r.stdout).toContain(`multi-model prefix s3://${BUCKET}/${MME_PREFIX}: 2 models`);
    expect(r.stdout).toMatch(/instance i-\w+ \(ml\.m4\.xlarge\): 2 loaded models/);
    expect(r.stdout).toMatch(/cache \(AllTraffic\): \d+ hits, \d+ misses, 2 loads, 0 evictions/);
    expect(r.stdout).toMatch(/^ {4}NewYork_NY\/NewYork_NY\.tar\.gz +\d+ +0 +\d+ +1 +1 +0 /m);
    const json = JSON.parse((await run(['status', '--json'])).stdout).result;
    expect(json).toMatchObject({
      target: 'local',
      endpoints: [{ name: ENDPOINT, local: { extension: 'mme-local-endpoint-status/1' } }],
    });
  });
});

// Last in the file: it kills the local cloud the tests above share.
describe('when the local cloud goes away midway', () => {
  it('invoke reports the predictions made and what was not invoked, exit 6 (the service did not answer)', async () => {
    const { pid } = JSON.parse((await run(['local', 'status', '--json'])).stdout).result;
    expect(pid).toBeGreaterThan(0);
    const r = await daemon.run(['invoke', '--model', 'Chicago_IL', '--random', '10000', '--seed', '2'], {
      onSpawn: (child) => child.stderr!.once('data', () => setTimeout(() => process.kill(pid, 'SIGKILL'), 700)),
    });
    expect(r.code, JSON.stringify({ signal: r.signal, stderr: r.stderr.slice(-800) })).toBe(6);
    const answered = /(\d+) of 10000 rows answered; (\d+) not invoked/.exec(r.stdout);
    expect(answered, r.stdout.slice(-500) + r.stderr.slice(-500)).not.toBeNull();
    expect(Number(answered![1])).toBeGreaterThan(0);
    expect(Number(answered![1]) + Number(answered![2])).toBe(10000);
    expect(r.stdout.match(/\$\d/g)?.length).toBe(Number(answered![1]));
    expect(r.stdout).not.toMatch(/✔/);
    expect(r.stderr).toMatch(/✖ .*(ECONNREFUSED|ECONNRESET|socket hang up)/);
    expect(r.stdout).toContain('the run ended before the local cloud could tell which did');
    expect(r.stderr).toMatch(
      /hint: The local cloud stopped answering\. 'mme local status' .* its log is .*daemon\.log/s,
    );
  }, 30_000);
});
