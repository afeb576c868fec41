/**
 * --dry-run prints what the real run sends: each changing step is planned (as its --dry-run
 * plans it), then run for real on the local cloud through the real SDK clients, whose recorder
 * (createClients' onRequest) captures every request as sent. The changing requests of both are
 * compared field by field: data generate --upload, preprocess, train, deploy, add-model,
 * a redeploy after retraining, teardown --all. Reads (Describe*, List*, Get*, Head*, Search)
 * are how the real run waits and finds things: the plans mark them as notes and they are left
 * out of the comparison. Bodies are compared by size and digest where the plan states them.
 * Job names hold a run id: the plan is made for the same run id the run then uses.
 * Needs the built job worker (npx tsc -p tsconfig.json).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, type Clients, type SentRequest } from '../../src/aws/clients.js';
import { s3WriterFromClient } from '../../src/aws/s3-writer.js';
import { addModel, addModelRequests, inspectAddModel } from '../../src/workflow/add-model.js';
import { generateData, uploadRequests } from '../../src/workflow/data.js';
import { applyDeploy, inspectDeploy, type DeployOptions } from '../../src/workflow/deploy.js';
import { preprocessRequests, trainRequests, type PlannedRequest } from '../../src/workflow/dry-run.js';
import { deployRequests } from '../../src/workflow/endpoint-requests.js';
import { ENDPOINT_POLL } from '../../src/workflow/endpoint-waiter.js';
import { executionRoleArn, newRunId, POLL } from '../../src/workflow/jobs.js';
import { DEFAULT_ENDPOINT_NAME } from '../../src/workflow/names.js';
import { planPreprocess, preprocess } from '../../src/workflow/preprocess.js';
import { silentReporter } from '../../src/workflow/reporter.js';
import { layout } from '../../src/workflow/requests.js';
import { packSourcedir } from '../../src/workflow/sourcedir.js';
import { applyTeardown, inspectTeardown, teardownRequests } from '../../src/workflow/teardown.js';
import { planTrain, train, trainingData } from '../../src/workflow/train.js';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';

const BUCKET = 'mme-dry-run-test';
const PREFIX = 'DEMO_MME_LINEAR_LEARNER';
const LOCATIONS = ['NewYork_NY', 'Chicago_IL', 'Houston_TX'];

let cloud: TestCloud;
let clients: Clients;
let sent: SentRequest[] = [];
let dataDir: string;
let roleArn: string;
let deployOptions: DeployOptions;

const READ = /^(Describe|List|Get|Head|Search)/;

/** A body as the comparison sees it: its size and SHA-256 when the plan states them, else only that there is one. */
function body(value: unknown): unknown {
  if (typeof value === 'string') {
    const stated = /(\d+) bytes, sha256 ([0-9a-f]{64})/.exec(value);
    return stated ? { bytes: Number(stated[1]), sha256: stated[2] } : '<body>';
  }
  const bytes = Buffer.from(value as Uint8Array);
  return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Canonical JSON of the changing requests, undefined fields dropped, sorted (parallel steps send in any order). */
function changes(requests: readonly (PlannedRequest | SentRequest)[], opts: { digests: boolean }): string[] {
  return requests
    .filter((r) => !READ.test(r.operation))
    .map((r) => {
      const input: Record<string, unknown> = { ...r.input };
      if ('Body' in input) {
        const b = body(input.Body);
        input.Body = opts.digests ? b : '<body>';
      }
      return JSON.stringify({ service: r.service, operation: r.operation, input: sortKeys(input) });
    })
    .sort();
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date))
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  return value;
}

function expectSentAsPlanned(planned: readonly PlannedRequest[], digests = true): void {
  expect(changes(sent, { digests })).toEqual(changes(planned, { digests }));
  expect(changes(planned, { digests }).length).toBeGreaterThan(0);
}

beforeAll(async () => {
  cloud = await startTestCloud();
  clients = createClients({ region: cloud.region }, cloud.clientConfig(), { onRequest: (r) => sent.push(r) });
  dataDir = await mkdtemp(join(tmpdir(), 'mme-dry-run-data-'));
  const account = async () => (await (await clients.sts()).send(new GetCallerIdentityCommand({}))).Account!;
  roleArn = await executionRoleArn('local', undefined, account);
  deployOptions = {
    bucket: BUCKET,
    prefix: PREFIX,
    region: cloud.region,
    roleArn,
    endpoint: DEFAULT_ENDPOINT_NAME,
    holdOut: ['Houston_TX'],
    instanceType: 'ml.m4.xlarge',
    instanceCount: 1,
    poll: ENDPOINT_POLL.local,
  };
}, 60_000);

afterAll(async () => {
  clients?.destroy();
  await cloud?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const job = () => ({
  bucket: BUCKET,
  prefix: PREFIX,
  region: cloud.region,
  roleArn,
  locations: LOCATIONS,
  instanceType: 'ml.c4.xlarge',
  poll: POLL.local,
  parallel: 3,
});

describe('the dry-run plan is what the run sends', () => {
  it('data generate --upload', async () => {
    const opts = { locations: LOCATIONS, rows: 200, seed: 3, outDir: dataDir };
    const local = await generateData(opts, silentReporter);
    const files = local.locations.flatMap((l) => [l.files.train, l.files.test]);
    const sizes = Object.fromEntries(await Promise.all(files.map(async (f) => [f, (await stat(f)).size] as const)));
    const planned = uploadRequests(local.locations, {
      bucket: BUCKET,
      createBucket: true,
      region: cloud.region,
      sizes,
    });
    sent = [];
    await generateData(
      { ...opts, upload: { s3: s3WriterFromClient(await clients.s3()), bucket: BUCKET, createBucket: true } },
      silentReporter,
    );
    expectSentAsPlanned(planned);
  });

  it('preprocess', async () => {
    const o = {
      ...job(),
      runId: newRunId(),
      transformInstanceType: 'ml.c4.xlarge',
      seed: 42,
      validationFraction: 0.3,
    };
    const planned = preprocessRequests(planPreprocess(o), o, (await packSourcedir()).byteLength);
    sent = [];
    expect((await preprocess(clients, silentReporter, o)).ok).toBe(true);
    // The split files' bodies are described by their share of rows, not a digest.
    expectSentAsPlanned(planned, false);
    const sourcedir = sent.find((r) => r.operation === 'PutObject' && String(r.input.Key).endsWith('sourcedir.tar.gz'));
    expect(Buffer.from(sourcedir!.input.Body as Uint8Array).length).toBe((await packSourcedir()).byteLength);
  }, 60_000);

  it('train', async () => {
    const o = {
      ...job(),
      runId: newRunId(),
      wait: true,
      preprocessors: await trainingData(clients, BUCKET, PREFIX, LOCATIONS),
    };
    const keys = Object.fromEntries(LOCATIONS.map((l) => [l, layout.preprocessedKey(PREFIX, l, 'train')]));
    const planned = trainRequests(planTrain(o), o, keys);
    sent = [];
    const trained = await train(clients, silentReporter, o);
    expect(trained.jobs.every((j) => j.status === 'Completed')).toBe(true);
    expectSentAsPlanned(planned);
  }, 60_000);

  it('deploy (create), with the ContentType CopyObject sends', async () => {
    const plan = await inspectDeploy(clients, deployOptions);
    const planned = deployRequests(plan, deployOptions);
    expect(planned.find((r) => r.operation === 'CopyObject')?.input.ContentType).toBe('application/x-gzip');
    sent = [];
    expect(await applyDeploy(clients, silentReporter, plan, deployOptions)).toMatchObject({ action: 'create' });
    expectSentAsPlanned(planned);
  }, 60_000);

  it('add-model Houston_TX (the copy and the proving invocation)', async () => {
    const o = {
      bucket: BUCKET,
      prefix: PREFIX,
      endpoint: DEFAULT_ENDPOINT_NAME,
      location: 'Houston_TX',
      name: 'Houston_TX',
      force: false,
    };
    const plan = await inspectAddModel(clients, o);
    const planned = addModelRequests(plan, o);
    expect(planned.map((r) => r.operation)).toEqual(['CopyObject', 'InvokeEndpoint']);
    sent = [];
    await addModel(clients, silentReporter, o, plan);
    expectSentAsPlanned(planned, false);
  }, 60_000);

  it('deploy after retraining (update, superseded configuration deleted)', async () => {
    await train(clients, silentReporter, {
      ...job(),
      locations: ['Chicago_IL'],
      runId: newRunId(),
      wait: true,
      hyperparameters: { epochs: '2' },
      preprocessors: await trainingData(clients, BUCKET, PREFIX, ['Chicago_IL']),
    });
    const plan = await inspectDeploy(clients, deployOptions);
    const planned = deployRequests(plan, deployOptions);
    expect(planned.map((r) => r.operation)).toEqual([
      'CopyObject',
      'CreateEndpointConfig',
      'UpdateEndpoint',
      'DescribeEndpoint',
      'DeleteEndpointConfig',
    ]);
    sent = [];
    expect(await applyDeploy(clients, silentReporter, plan, deployOptions)).toMatchObject({ action: 'update' });
    expectSentAsPlanned(planned);
  }, 60_000);

  it('teardown --all', async () => {
    const o = { endpoint: DEFAULT_ENDPOINT_NAME, bucket: BUCKET, prefix: PREFIX, all: true };
    const plan = await inspectTeardown(clients, o);
    const planned = teardownRequests(plan, o);
    sent = [];
    await applyTeardown(clients, silentReporter, plan, { ...o, poll: ENDPOINT_POLL.local });
    expectSentAsPlanned(planned);
  }, 60_000);
});
