/**
 * Hosting end to end on the local cloud, in-process, through the real SDK clients the CLI builds:
 * data for 4 cities → preprocess → train (4 at once) → deploy holding out Houston_TX → invoke →
 * re-deploy (nothing recreated) → add-model Houston_TX (answers; again: refused) → a changed
 * pipeline (UpdateEndpoint, superseded resources deleted) → teardown --all.
 * Needs the built job worker (npx tsc -p tsconfig.json).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DescribeModelCommand, ListEndpointConfigsCommand, ListModelsCommand } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, type Clients } from '../../src/aws/clients.js';
import { s3WriterFromClient } from '../../src/aws/s3-writer.js';
import { addModel, testRow } from '../../src/workflow/add-model.js';
import { generateData } from '../../src/workflow/data.js';
import { applyDeploy, inspectDeploy, type DeployOptions, type DeployResult } from '../../src/workflow/deploy.js';
import { deployRequests } from '../../src/workflow/endpoint-requests.js';
import { describeEndpoint, ENDPOINT_POLL } from '../../src/workflow/endpoint-waiter.js';
import { executionRoleArn, POLL, newRunId } from '../../src/workflow/jobs.js';
import { DEFAULT_ENDPOINT_NAME } from '../../src/workflow/names.js';
import { preprocess } from '../../src/workflow/preprocess.js';
import { recordingReporter, silentReporter } from '../../src/workflow/reporter.js';
import { applyTeardown, inspectTeardown, isEmptyPlan } from '../../src/workflow/teardown.js';
import { train, trainingData } from '../../src/workflow/train.js';
import { newestTrainedModels } from '../../src/workflow/trained-models.js';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';

const BUCKET = 'mme-deploy-test';
const PREFIX = 'DEMO_MME_LINEAR_LEARNER';
const LOCATIONS = ['NewYork_NY', 'LosAngeles_CA', 'Chicago_IL', 'Houston_TX'];
const DEPLOYED = LOCATIONS.filter((l) => l !== 'Houston_TX');

let cloud: TestCloud;
let clients: Clients;
let dataDir: string;
let o: DeployOptions;
let first: DeployResult;
/** The endpoint's deploy as of the last test that changed it. */
let latest: DeployResult;
let trainJob: Parameters<typeof train>[2];

beforeAll(async () => {
  cloud = await startTestCloud();
  clients = createClients({ region: cloud.region }, cloud.clientConfig());
  dataDir = await mkdtemp(join(tmpdir(), 'mme-deploy-data-'));
  await generateData(
    {
      locations: LOCATIONS,
      rows: 200,
      seed: 5,
      outDir: dataDir,
      upload: { s3: s3WriterFromClient(await clients.s3()), bucket: BUCKET, createBucket: true },
    },
    silentReporter,
  );
  const account = async () => (await (await clients.sts()).send(new GetCallerIdentityCommand({}))).Account!;
  const roleArn = await executionRoleArn('local', undefined, account);
  const job = {
    bucket: BUCKET,
    prefix: PREFIX,
    region: cloud.region,
    roleArn,
    locations: LOCATIONS,
    instanceType: 'ml.c4.xlarge',
    poll: POLL.local,
    parallel: 4,
  };
  const pre = await preprocess(clients, silentReporter, {
    ...job,
    runId: newRunId(),
    transformInstanceType: 'ml.c4.xlarge',
    seed: 42,
    validationFraction: 0.3,
  });
  expect(pre.ok).toBe(true);
  trainJob = {
    ...job,
    runId: newRunId(),
    wait: true,
    preprocessors: await trainingData(clients, BUCKET, PREFIX, LOCATIONS),
  };
  const trained = await train(clients, silentReporter, trainJob);
  expect(trained.jobs.map((j) => j.status)).toEqual(['Completed', 'Completed', 'Completed', 'Completed']);
  o = {
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

async function invoke(targetModel: string, location: string): Promise<number> {
  const runtime = new SageMakerRuntimeClient(cloud.clientConfig());
  try {
    const features = (await testRow(await clients.s3(), BUCKET, location))!;
    const out = await runtime.send(
      new InvokeEndpointCommand({
        EndpointName: o.endpoint,
        TargetModel: targetModel,
        ContentType: 'text/csv',
        Accept: 'application/json',
        Body: features,
      }),
    );
    return JSON.parse(new TextDecoder().decode(out.Body)).predictions[0].score;
  } finally {
    runtime.destroy();
  }
}

function plausible(price: number): void {
  expect(price).toBeGreaterThan(50_000);
  expect(price).toBeLessThan(5_000_000);
}

describe('deploy, add-model and teardown on the local cloud', () => {
  it('deploy --hold-out Houston_TX: 3 artifacts copied, the pipeline created, InService', async () => {
    const reporter = recordingReporter();
    const plan = await inspectDeploy(clients, o);
    expect(plan.action).toBe('create');
    expect(plan.heldOut).toEqual(['Houston_TX']);
    expect(plan.copies.map((c) => [c.location, c.key, c.action])).toEqual(
      DEPLOYED.map((l) => [l, `${PREFIX}/multi_model_artifacts/${l}/${l}.tar.gz`, 'copy']).sort(),
    );
    first = await applyDeploy(clients, reporter, plan, o);
    expect(first).toMatchObject({ action: 'create', status: 'InService', created: { model: true, config: true } });
    expect((await describeEndpoint(await clients.sageMaker(), o.endpoint))?.EndpointConfigName).toBe(first.configName);
    const model = await (await clients.sageMaker()).send(new DescribeModelCommand({ ModelName: first.modelName }));
    expect(model.Containers?.map((c) => c.Mode ?? 'SingleModel')).toEqual(['SingleModel', 'MultiModel']);
    expect(model.Containers?.[0]?.ModelDataUrl).toBe(`s3://${BUCKET}/${first.preprocessorJob}/output/model.tar.gz`);
    expect(reporter.events.filter((e) => e.kind === 'fail')).toEqual([]);
  });

  it('re-run: nothing copied, nothing created, "already InService"', async () => {
    const plan = await inspectDeploy(clients, o);
    expect(plan.copies.every((c) => c.action === 'unchanged')).toBe(true);
    expect([plan.createModel, plan.createConfig, plan.action]).toEqual([false, false, 'unchanged']);
    expect(deployRequests(plan, o)).toEqual([]);
    const reporter = recordingReporter();
    const again = await applyDeploy(clients, reporter, plan, o);
    expect(again).toMatchObject({ action: 'unchanged', modelName: first.modelName, configName: first.configName });
    expect(reporter.events.at(-1)).toMatchObject({
      kind: 'succeed',
      text: expect.stringContaining('already InService'),
    });
  });

  it('InvokeEndpoint (raw SDK) on the 3 deployed cities answers plausible prices; Houston_TX is not there yet', async () => {
    for (const l of DEPLOYED) plausible(await invoke(`${l}/${l}.tar.gz`, l));
    await expect(invoke('Houston_TX/Houston_TX.tar.gz', 'Houston_TX')).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('add-model Houston_TX copies it and proves it answers; again it is "already added"; another artifact is refused without --force', async () => {
    const base = {
      bucket: BUCKET,
      prefix: PREFIX,
      endpoint: o.endpoint,
      location: 'Houston_TX',
      name: 'Houston_TX',
      force: false,
    };
    const added = await addModel(clients, silentReporter, base);
    expect(added).toMatchObject({
      targetModel: 'Houston_TX/Houston_TX.tar.gz',
      replaced: false,
      trainingJob: expect.stringMatching(/^mme-train-Houston-TX-/),
    });
    expect(added.invocation!.features.split(',')).toHaveLength(8);
    plausible(added.invocation!.prediction!);
    plausible(await invoke('Houston_TX/Houston_TX.tar.gz', 'Houston_TX'));
    const again = await addModel(clients, silentReporter, base);
    expect(again).toMatchObject({ alreadyAdded: true, replaced: false, source: added.source });
    plausible(again.invocation!.prediction!);
    const other = (
      await newestTrainedModels(await clients.sageMaker(), { locations: ['Chicago_IL'], prefix: PREFIX })
    )[0]!.artifact;
    await expect(addModel(clients, silentReporter, { ...base, artifact: other })).rejects.toMatchObject({
      code: 'ModelExists',
      hint: expect.stringContaining('--as Houston_TX_v2'),
    });
    const renamed = await addModel(clients, silentReporter, { ...base, name: 'Houston_TX_v2' });
    plausible(renamed.invocation!.prediction!);
  });

  it('deploy --hold-out Houston_TX once it is under the prefix: not "held out", it stays served', async () => {
    const plan = await inspectDeploy(clients, o);
    expect(plan.heldOut).toEqual([]);
    expect(plan.stillServed).toEqual(['Houston_TX']);
  });

  it('retrain Chicago_IL with other hyperparameters, deploy: the endpoint rolls onto a new configuration and Chicago_IL answers with the new model', async () => {
    const before = await invoke('Chicago_IL/Chicago_IL.tar.gz', 'Chicago_IL');
    const retrained = await train(clients, silentReporter, {
      ...trainJob,
      runId: newRunId(),
      locations: ['Chicago_IL'],
      hyperparameters: { epochs: '2', loss: 'squared_loss' },
    });
    expect(retrained.jobs.map((j) => j.status)).toEqual(['Completed']);
    const plan = await inspectDeploy(clients, o);
    expect(plan.copies.map((c) => [c.location, c.action])).toEqual([
      ['Chicago_IL', 'replace'],
      ['LosAngeles_CA', 'unchanged'],
      ['NewYork_NY', 'unchanged'],
    ]);
    // Same containers, so the same model; new artifacts, so a new configuration to move onto.
    expect(plan).toMatchObject({ action: 'update', createModel: false, createConfig: true });
    expect(plan.spec.configName).not.toBe(first.configName);
    latest = await applyDeploy(clients, silentReporter, plan, o);
    expect(latest).toMatchObject({
      action: 'update',
      status: 'InService',
      deleted: { configs: [first.configName], models: [] },
    });
    const after = await invoke('Chicago_IL/Chicago_IL.tar.gz', 'Chicago_IL');
    expect(after).not.toBeCloseTo(before, 2);
    // The new artifact under a key no instance has seen answers the same: it is the new model.
    const fresh = await addModel(clients, silentReporter, {
      bucket: BUCKET,
      prefix: PREFIX,
      endpoint: o.endpoint,
      location: 'Chicago_IL',
      name: 'Chicago_IL_retrained',
      force: false,
    });
    expect(fresh.source).toBe(plan.copies[0]!.source);
    expect(fresh.invocation!.prediction).toBeCloseTo(after, 6);
    // And a re-run now finds nothing to do.
    const again = await inspectDeploy(clients, o);
    expect([again.action, deployRequests(again, o)]).toEqual(['unchanged', []]);
  }, 60_000);

  it('a changed pipeline (--cache Disabled): new model and configuration, UpdateEndpoint, the old ones deleted', async () => {
    const changed = { ...o, cache: 'Disabled' as const };
    const plan = await inspectDeploy(clients, changed);
    expect(plan).toMatchObject({
      action: 'update',
      createModel: true,
      createConfig: true,
      superseded: { configs: [latest.configName], models: [first.modelName] },
    });
    const result = await applyDeploy(clients, silentReporter, plan, changed);
    expect(result).toMatchObject({
      action: 'update',
      status: 'InService',
      deleted: { configs: [latest.configName], models: [first.modelName] },
    });
    const sm = await clients.sageMaker();
    await expect(sm.send(new DescribeModelCommand({ ModelName: first.modelName }))).rejects.toThrow(
      /Could not find model/,
    );
    plausible(await invoke('Chicago_IL/Chicago_IL.tar.gz', 'Chicago_IL'));
  });

  it('teardown --all lists, then removes everything but the raw data; again: nothing to do', async () => {
    const all = { endpoint: o.endpoint, bucket: BUCKET, prefix: PREFIX, all: true };
    const plan = await inspectTeardown(clients, all);
    expect(plan.endpoint).toEqual({ name: o.endpoint, status: 'InService' });
    expect(plan.configs).toHaveLength(1);
    expect(plan.models).toHaveLength(1);
    expect(plan.preprocessorModels).toEqual([first.preprocessorJob]);
    expect(plan.objects.map((x) => x.prefix)).toContain(`${PREFIX}/`);
    expect(plan.objects.some((x) => x.prefix === `${first.preprocessorJob}/`)).toBe(true);
    expect(plan.objects.filter((x) => x.prefix.startsWith('mme-transform-'))).toHaveLength(4);

    const result = await applyTeardown(clients, silentReporter, plan, { ...all, poll: ENDPOINT_POLL.local });
    expect(result).toMatchObject({ endpoint: o.endpoint, nothing: false });
    const sm = await clients.sageMaker();
    expect(await describeEndpoint(sm, o.endpoint)).toBeUndefined();
    expect((await sm.send(new ListModelsCommand({ MaxResults: 100 }))).Models).toEqual([]);
    expect((await sm.send(new ListEndpointConfigsCommand({ MaxResults: 100 }))).EndpointConfigs).toEqual([]);
    const left = await (await clients.s3()).send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect((left.Contents ?? []).map((c) => c.Key!.split('/')[0])).toEqual(
      LOCATIONS.flatMap(() => ['housing-data', 'housing-data']),
    );

    expect(isEmptyPlan(await inspectTeardown(clients, all))).toBe(true);
    // Training jobs outlive their artifacts (SageMaker keeps job records): deploy says what is missing.
    await expect(inspectDeploy(clients, o)).rejects.toMatchObject({ code: 'PreprocessorNotFound' });
  });
});
