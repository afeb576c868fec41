/**
 * `mme logs` as a user runs it: the built CLI against a local cloud daemon (`mme local start`,
 * stopped at the end), with an endpoint and a training job made through the SDK. Checks the
 * lines, --json, --since, --follow (a job to its end; an endpoint until SIGINT, exit 130) and a
 * name that is nothing.
 */
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clients } from '../../src/aws/clients.js';
import type { ChildProcess } from 'node:child_process';
import { startCliDaemon, type CliDaemon, type RunOptions } from '../cli/helpers.js';
import { createPipelineEndpoint } from '../helpers/pipeline-endpoint.js';
import { INFERENCE_ROW } from '../hosting/helpers.js';
import { linearCsv, seededRole, trainingJobInput, waitForTrainingJob } from '../sagemaker/fixtures.js';

const ENDPOINT = 'mme-linear-learner';
const JOB = 'logs-cli-job';
const BAD_JOB = 'logs-cli-bad';
let daemon: CliDaemon;
let clients: Clients;
let info: CliDaemon['info'];
const run = (args: string[], onSpawn?: RunOptions['onSpawn']) => daemon.run(args, { onSpawn });

beforeAll(async () => {
  daemon = await startCliDaemon('logs-e2e');
  ({ clients, info } = daemon);
  await createPipelineEndpoint(clients, { accountId: info.accountId, endpoint: ENDPOINT, cities: { NewYork_NY: 450 } });
  const runtime = await clients.sageMakerRuntime();
  await runtime.send(
    new InvokeEndpointCommand({
      EndpointName: ENDPOINT,
      TargetModel: 'NewYork_NY/NewYork_NY.tar.gz',
      ContentType: 'text/csv',
      Body: INFERENCE_ROW,
    }),
  );
  await runtime
    .send(
      new InvokeEndpointCommand({
        EndpointName: ENDPOINT,
        TargetModel: 'NewYork_NY/NewYork_NY.tar.gz',
        ContentType: 'text/csv',
        Body: 'a,b',
      }),
    )
    .catch(() => undefined);
  const s3 = await clients.s3();
  await s3.send(new CreateBucketCommand({ Bucket: 'sm-test' }));
  await s3.send(new PutObjectCommand({ Bucket: 'sm-test', Key: 'linear/train/part-1.csv', Body: linearCsv(40) }));
  await s3.send(new PutObjectCommand({ Bucket: 'sm-test', Key: 'bad/train/train.csv', Body: '5,1,2\n7,1,oops\n' }));
  const sm = await clients.sageMaker();
  await sm.send(new CreateTrainingJobCommand(trainingJobInput(seededRole(info.accountId), JOB)));
  await waitForTrainingJob(sm, JOB);
  const bad = trainingJobInput(seededRole(info.accountId), BAD_JOB);
  bad.InputDataConfig![0]!.DataSource!.S3DataSource!.S3Uri = 's3://sm-test/bad/train/';
  await sm.send(new CreateTrainingJobCommand(bad));
  await waitForTrainingJob(sm, BAD_JOB);
}, 90_000);

afterAll(async () => {
  await daemon?.stop();
});

describe('mme logs', () => {
  it("prints an endpoint's lines: time, stream, message", async () => {
    const r = await run(['logs', ENDPOINT]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`endpoint ${ENDPOINT} (InService): log group /aws/sagemaker/Endpoints/${ENDPOINT}`);
    expect(r.stdout).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z {2}AllTraffic\/i-[0-9a-f]{17}\/container-2 {2}Loaded model NewYork_NY\/NewYork_NY\.tar\.gz \([\d.]+ ms\)$/m,
    );
    expect(r.stdout).toMatch(/ {2}AllTraffic\/i-[0-9a-f]{17}\/container-1 {2}Invocation error \(400\): /);
  });

  it("prints a training job's lines with the stream without the job name; --json is one document", async () => {
    const r = await run(['logs', JOB]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\S+ \S+ {2}algo-1-\d+ {2}Downloading 1 channel\(s\) for linear-learner$/m);
    const j = await run(['logs', JOB, '--json']);
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.result.source).toMatchObject({
      kind: 'training-job',
      name: JOB,
      status: 'Completed',
      group: '/aws/sagemaker/TrainingJobs',
      streamPrefix: `${JOB}/`,
    });
    expect(doc.result.lines[0]).toEqual({
      time: expect.stringMatching(/Z$/),
      stream: expect.stringMatching(new RegExp(`^${JOB}/algo-1-\\d+$`)),
      message: 'Downloading 1 channel(s) for linear-learner',
    });
  });

  it('--since leaves out older lines', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    const r = await run(['logs', JOB, '--since', '1s']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`no log events for ${JOB} in /aws/sagemaker/TrainingJobs since `);
  });

  it('--follow on a job that has ended prints its lines and returns', async () => {
    const r = await run(['logs', JOB, '--follow']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Uploaded the model to s3://');
    expect(r.stderr).toContain(`training job ${JOB} ended: Completed`);
  });

  it('--follow on a job that Failed ends with exit 1, after its last lines', async () => {
    const r = await run(['logs', BAD_JOB, '--follow']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Failed: ClientError: /);
    expect(r.stderr).toContain(`training job ${BAD_JOB} ended: Failed`);
  });

  it('--follow on an endpoint prints new lines until Ctrl-C, then exits 130', async () => {
    let child: ChildProcess | undefined;
    const running = run(['logs', ENDPOINT, '--follow'], (c) => (child = c));
    // Wait for the first lines, then cause a new one and see it arrive.
    let seen = '';
    await new Promise<void>((resolve) =>
      child!.stdout!.on('data', (d: Buffer) => {
        seen += String(d);
        if (seen.includes('Loaded model')) resolve();
      }),
    );
    const arrived = new Promise<void>((resolve) =>
      child!.stdout!.on('data', (d: Buffer) => {
        seen += String(d);
        if (seen.includes('Invocation error (400): ') && seen.split('Invocation error').length > 2) resolve();
      }),
    );
    await (
      await clients.sageMakerRuntime()
    )
      .send(
        new InvokeEndpointCommand({
          EndpointName: ENDPOINT,
          TargetModel: 'NewYork_NY/NewYork_NY.tar.gz',
          ContentType: 'text/csv',
          Body: 'c,d',
        }),
      )
      .catch(() => undefined);
    await arrived;
    child!.kill('SIGINT');
    const r = await running;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/stopped following mme-linear-learner after \d+ line\(s\)/);
    expect(r.stderr).toContain('interrupted');
  }, 30_000);

  it('says clearly when the name is no job and no endpoint (exit 4)', async () => {
    const r = await run(['logs', 'nothing-here']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`no training job, transform job or endpoint is named nothing-here in ${info.region}`);
    const j = await run(['logs', 'nothing-here', '--json']);
    expect(JSON.parse(j.stdout).error).toMatchObject({ code: 'NotFound', exitCode: 4 });
  });
});
