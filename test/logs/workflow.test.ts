/**
 * The `mme logs` workflow (src/workflow/logs.ts) through the real SDK clients against an
 * in-process local cloud: following a job that is still running to its end without losing or
 * repeating a line, stopping an endpoint's follow with an AbortSignal, and the log tail a failed
 * job's report shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { createClients, type Clients } from '../../src/aws/clients.js';
import { readJobLogTail, readLogs, type LogLine } from '../../src/workflow/logs.js';
import { recordingReporter, silentReporter } from '../../src/workflow/reporter.js';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { createPipelineEndpoint } from '../helpers/pipeline-endpoint.js';
import { trainingJobLog } from '../helpers/logs.js';
import { linearCsv, putObjects, trainingJobInput, waitForTrainingJob } from '../sagemaker/fixtures.js';

const ENDPOINT = 'logs-wf-ep';

describe('the logs workflow', () => {
  let cloud: TestCloud;
  let clients: Clients;

  beforeAll(async () => {
    cloud = await startTestCloud({
      sagemaker: { workerDelayMs: (_kind, name) => (name.startsWith('slow-') ? 1500 : undefined) },
    });
    clients = createClients({ region: cloud.region }, cloud.clientConfig(), { maxAttempts: 1 });
    await createPipelineEndpoint(clients, {
      accountId: cloud.accountId,
      endpoint: ENDPOINT,
      cities: { NewYork_NY: 450 },
    });
    await putObjects(cloud.s3(), { 'linear/train/part-1.csv': linearCsv(40) });
  }, 60_000);
  afterAll(async () => {
    clients?.destroy();
    await cloud?.stop();
  });

  it('follows a running job to its end: every line once, in order', async () => {
    await cloud.sagemaker().send(new CreateTrainingJobCommand(trainingJobInput(cloud, 'slow-job')));
    const streamed: LogLine[] = [];
    const result = await readLogs(clients, silentReporter, {
      name: 'slow-job',
      region: cloud.region,
      follow: true,
      pollMs: 100,
      onLines: (l) => streamed.push(...l),
    });
    expect(result.endedWith).toBe('Completed');
    expect(result.source).toMatchObject({
      kind: 'training-job',
      group: '/aws/sagemaker/TrainingJobs',
      streamPrefix: 'slow-job/',
    });
    const all = await trainingJobLog(cloud, 'slow-job');
    expect(result.lines.map((l) => l.message).join('\n')).toBe(all);
    expect(streamed).toEqual(result.lines);
    expect(all).toContain('Uploaded the model to s3://');
    const d = await cloud.sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: 'slow-job' }));
    expect(d.TrainingJobStatus).toBe('Completed');
  });

  it('stops following an endpoint when the signal aborts, with the lines read so far', async () => {
    const abort = new AbortController();
    const streamed: LogLine[] = [];
    const following = readLogs(clients, silentReporter, {
      name: ENDPOINT,
      region: cloud.region,
      follow: true,
      pollMs: 100,
      signal: abort.signal,
      onLines: (lines) => {
        streamed.push(...lines);
        if (lines.some((l) => l.message === 'a line written while following')) abort.abort();
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    cloud
      .logEvents()
      .put(`/aws/sagemaker/Endpoints/${ENDPOINT}`, 'AllTraffic/i-later', ['a line written while following']);
    const result = await following;
    expect(result.endedWith).toBeUndefined();
    expect(result.lines).toEqual(streamed);
    expect(result.lines[0]!.message).toMatch(/^Starting the /);
    expect(result.lines.at(-1)).toMatchObject({
      stream: 'AllTraffic/i-later',
      message: 'a line written while following',
    });
    // Not found: the name is neither a job nor an endpoint, whatever log groups exist.
    cloud.logEvents().put('/aws/sagemaker/Endpoints/ghost', 'AllTraffic/i-1', ['orphan']);
    await expect(readLogs(clients, silentReporter, { name: 'ghost', region: cloud.region })).rejects.toMatchObject({
      code: 'NotFound',
      exitCode: 4,
    });
  });

  it('the tail of a failed job, as its report shows it', async () => {
    const input = trainingJobInput(cloud, 'tail-job', {
      HyperParameters: { feature_dim: '2', predictor_type: 'regressor', loss: 'bogus' },
    });
    await cloud.sagemaker().send(new CreateTrainingJobCommand(input));
    expect((await waitForTrainingJob(cloud.sagemaker(), 'tail-job')).TrainingJobStatus).toBe('Failed');
    const tail = await readJobLogTail(clients, 'training-job', 'tail-job', 2);
    expect(tail).toHaveLength(2);
    expect(tail![1]).toMatch(/^Failed: /);
    expect(await readJobLogTail(clients, 'training-job', 'no-such-job', 2)).toBeUndefined();
  });

  it('a name that is two things: the newest is shown and the reporter says so', async () => {
    const reporter = recordingReporter();
    // A training job named like the endpoint, created after it.
    await cloud.sagemaker().send(new CreateTrainingJobCommand(trainingJobInput(cloud, ENDPOINT)));
    await waitForTrainingJob(cloud.sagemaker(), ENDPOINT);
    const result = await readLogs(clients, reporter, { name: ENDPOINT, region: cloud.region });
    expect(result.source.kind).toBe('training-job');
    expect(result.lines.map((l) => l.message)).toContain('Downloading 1 channel(s) for linear-learner');
    expect(reporter.events).toEqual([
      { kind: 'info', text: `${ENDPOINT} is also an endpoint: showing the training job (the newest)` },
    ]);
  });
});
