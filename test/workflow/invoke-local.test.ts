/**
 * `mme invoke` and `mme status` against an in-process local cloud, through the same Clients the
 * CLI builds: a pipeline endpoint (preprocessor → MultiModel linear learner) built directly with
 * the SDK from real trained artifacts (test/hosting/helpers.ts), then invoked by location, by
 * key, with random houses, with an unknown model, as a role scoped to NewYork_NY/*, and in the
 * reference access scenario through `mme grant`; and the status, with the local extension's
 * loaded models and cache figures.
 */
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, type Clients } from '../../src/aws/clients.js';
import { MmeError } from '../../src/errors.js';
import { assumeRole, targetModelsOfRole } from '../../src/workflow/assume-role.js';
import { invokeEndpoint, parseFeatures, randomRows, resolveTargetModel } from '../../src/workflow/invoke.js';
import { recordingReporter, silentReporter } from '../../src/workflow/reporter.js';
import { collectStatus } from '../../src/workflow/status.js';
import { grantAccess } from '../../src/workflow/grant.js';
import { normalizePrefixes } from '../../src/workflow/grant-policies.js';
import { localEndpointStatus } from '../../src/aws/local-extension.js';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { createPipelineEndpoint } from '../helpers/pipeline-endpoint.js';
import { rejection } from '../helpers/rejection.js';
import { BUCKET, MME_PREFIX } from '../hosting/helpers.js';
import { trustAccount } from '../iam/helpers.js';

const ENDPOINT = 'mme-linear-learner';
const ROW = '1993,2728,6,3.0,0.7,1,y,y';
let cloud: TestCloud;
let clients: Clients;

const request = (model: string, rows = [ROW]) => ({
  endpoint: ENDPOINT,
  targetModel: resolveTargetModel(model),
  rows,
  contentType: 'text/csv',
  accept: 'application/json',
});
const failure = (p: Promise<unknown>) => rejection<MmeError>(p);

beforeAll(async () => {
  cloud = await startTestCloud();
  clients = createClients({ region: cloud.region }, cloud.clientConfig(), { maxAttempts: 1 });
  await createPipelineEndpoint(clients, {
    accountId: cloud.accountId,
    endpoint: ENDPOINT,
    cities: { NewYork_NY: 450, Chicago_IL: 190 },
  });
}, 60_000);

afterAll(async () => {
  clients?.destroy();
  await cloud?.stop();
});

describe('invoke', () => {
  it('by location: one request per row, a dollar prediction, the variant, a latency', async () => {
    const reporter = recordingReporter();
    const r = await invokeEndpoint(clients, reporter, request('Chicago_IL'));
    expect(r).toMatchObject({ endpoint: ENDPOINT, targetModel: 'Chicago_IL/Chicago_IL.tar.gz', batch: false });
    expect(r.invocations).toHaveLength(1);
    const [inv] = r.invocations;
    expect(inv).toMatchObject({ features: ROW, invokedProductionVariant: 'AllTraffic' });
    expect(inv!.prediction).toBeGreaterThan(50_000);
    expect(JSON.parse(inv!.raw).predictions[0].score).toBe(inv!.prediction);
    expect(inv!.latencyMs).toBeGreaterThan(0);
    expect(r.summary).toMatchObject({ requests: 1, firstMs: inv!.latencyMs });
    expect(reporter.events.map((e) => e.kind)).toEqual(['start', 'succeed']);
  });

  it('by full key, and models of different cities answer differently', async () => {
    const ny = await invokeEndpoint(clients, silentReporter, request('NewYork_NY/NewYork_NY.tar.gz'));
    const chi = await invokeEndpoint(clients, silentReporter, request('Chicago_IL/Chicago_IL.tar.gz'));
    expect(ny.targetModel).toBe('NewYork_NY/NewYork_NY.tar.gz');
    expect(ny.invocations[0]!.prediction).toBeGreaterThan(chi.invocations[0]!.prediction!);
  });

  it('--random 3: three requests, a summary with first and later', async () => {
    const rows = randomRows(3, 42, 'NewYork_NY/NewYork_NY.tar.gz');
    const r = await invokeEndpoint(clients, silentReporter, request('NewYork_NY', rows));
    expect(r.invocations.map((i) => i.features)).toEqual(rows);
    expect(r.invocations.every((i) => typeof i.prediction === 'number')).toBe(true);
    expect(r.summary.requests).toBe(3);
    expect(r.summary.laterP50Ms).toBeDefined();
  });

  it('--batch: all rows in one request, one prediction per row', async () => {
    const rows = randomRows(4, 1, 'Chicago_IL');
    const r = await invokeEndpoint(clients, silentReporter, { ...request('Chicago_IL', rows), batch: true });
    expect(r.summary.requests).toBe(1);
    expect(r.invocations).toHaveLength(4);
    expect(new Set(r.invocations.map((i) => i.prediction)).size).toBe(4);
  });

  it('an unknown model or endpoint: not found (exit 4) with a hint', async () => {
    const model = await failure(invokeEndpoint(clients, silentReporter, request('Boston_MA')));
    expect(model).toMatchObject({ code: 'ValidationError', exitCode: 4 });
    expect(model.message).toContain('Failed to download model data');
    expect(model.hint).toContain('mme add-model Boston_MA');
    const endpoint = await failure(
      invokeEndpoint(clients, silentReporter, { ...request('Chicago_IL'), endpoint: 'nope' }),
    );
    expect(endpoint).toMatchObject({ exitCode: 4, message: `Endpoint nope of account ${cloud.accountId} not found.` });
    expect(endpoint.hint).toContain('mme deploy');
  });

  it('a row the model cannot read: ModelError, exit 1, the original message', async () => {
    const e = await failure(invokeEndpoint(clients, silentReporter, request('Chicago_IL', ['not,a,house'])));
    expect(e).toMatchObject({ code: 'ModelError', exitCode: 1 });
    expect(e.detail?.originalMessage).toBeTruthy();
    expect(e.message).toContain(String(e.detail?.originalMessage));
  });

  it('a malformed feature row never reaches the endpoint', () => {
    expect(() => parseFeatures('1993,2728,6,3.0,0.7,1,y')).toThrow(/has 7 columns/);
  });
});

describe('invoke --role-arn (scoped to NewYork_NY/*)', () => {
  const ROLE = 'mme-invoke-NewYork_NY';
  let roleArn: string;

  beforeAll(async () => {
    const iam = await clients.iam();
    roleArn = (
      await iam.send(
        new CreateRoleCommand({
          RoleName: ROLE,
          AssumeRolePolicyDocument: trustAccount(cloud.accountId),
          MaxSessionDuration: 3600,
        }),
      )
    ).Role!.Arn!;
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
              Resource: `arn:aws:sagemaker:${cloud.region}:${cloud.accountId}:endpoint/${ENDPOINT}`,
              Condition: { StringLike: { 'sagemaker:TargetModel': ['NewYork_NY/*'] } },
            },
          ],
        }),
      }),
    );
  });

  it("answers for NewYork_NY and refuses Chicago_IL with AWS's message, exit 5", async () => {
    const assumed = await assumeRole(clients, { roleArn, sessionName: 'mme-invoke' });
    expect(assumed.arn).toBe(`arn:aws:sts::${cloud.accountId}:assumed-role/${ROLE}/mme-invoke`);
    const session = clients.withCredentials(assumed.credentials);
    try {
      const ny = await invokeEndpoint(session, silentReporter, request('NewYork_NY'));
      expect(ny.invocations[0]!.prediction).toBeGreaterThan(0);
      const denied = await failure(invokeEndpoint(session, silentReporter, request('Chicago_IL')));
      expect(denied).toMatchObject({ code: 'AccessDeniedException', exitCode: 5 });
      expect(denied.message).toBe(
        `User: arn:aws:sts::${cloud.accountId}:assumed-role/${ROLE}/mme-invoke is not authorized to perform: sagemaker:InvokeEndpoint on resource: arn:aws:sagemaker:${cloud.region}:${cloud.accountId}:endpoint/${ENDPOINT}`,
      );
    } finally {
      session.destroy();
    }
    // The hint's source: what the role may invoke, read with the caller's own keys.
    expect(await targetModelsOfRole(clients, roleArn)).toEqual(['NewYork_NY/*']);
  });

  it('a role that cannot be assumed: exit 5 with a hint', async () => {
    const e = await failure(
      assumeRole(clients, { roleArn: `arn:aws:iam::${cloud.accountId}:role/missing`, sessionName: 'mme-invoke' }),
    );
    expect(e.exitCode).toBe(5);
    expect(e.hint).toContain('trust policy');
  });
});

describe('status', () => {
  it('shows the endpoint, its models, the loaded models and the cache figures', async () => {
    const r = await collectStatus(clients, silentReporter, {
      region: cloud.region,
      prefix: 'DEMO_MME_LINEAR_LEARNER',
      local: { ...cloud.clientConfig(), credentials: cloud.rootCredentials },
    });
    expect(r.errors).toEqual([]);
    expect(r.trainedModels).toEqual([]);
    const [e] = r.endpoints;
    expect(r.endpoints).toHaveLength(1);
    expect(e).toMatchObject({
      name: ENDPOINT,
      status: 'InService',
      configName: 'mme-config',
      errors: [],
      variants: [
        { name: 'AllTraffic', modelName: 'mme-pipeline', instanceType: 'ml.m4.xlarge', currentInstanceCount: 1 },
      ],
      multiModel: { modelName: 'mme-pipeline', modelDataUrl: `s3://${BUCKET}/${MME_PREFIX}`, truncated: false },
    });
    expect(e!.multiModel!.models.map((m) => m.targetModel)).toEqual([
      'Chicago_IL/Chicago_IL.tar.gz',
      'NewYork_NY/NewYork_NY.tar.gz',
    ]);
    const variant = e!.local!.variants[0]!;
    expect(variant.instances[0]!.loadedModels.map((m) => m.key).sort()).toEqual([
      'Chicago_IL/Chicago_IL.tar.gz',
      'NewYork_NY/NewYork_NY.tar.gz',
    ]);
    expect(variant.instances[0]!.memory.cacheBudgetBytes).toBeGreaterThan(0);
    expect(variant.instances[0]!.memory.usedBytes).toBeGreaterThan(0);
    expect(variant.cache.loads).toBe(2);
    expect(variant.cache.misses).toBe(2 + 1); // Boston_MA missed and failed to load
    // Chicago again, NewYork × 3 (random), Chicago (batch), NewYork (as the role); the ModelError
    // failed in the preprocessor, before the model cache.
    expect(variant.cache.hits).toBe(6);
    expect(variant.cache.evictions).toBe(0);
    const chicago = e!.local!.models.find((m) => m.targetModel === 'Chicago_IL/Chicago_IL.tar.gz')!;
    expect(chicago).toMatchObject({ loads: 1, cacheMisses: 1, evictions: 0 });
    expect(chicago.errors).toBe(1); // the ModelError
  });

  it('--endpoint names one; an unknown one is not found (exit 4)', async () => {
    const one = await collectStatus(clients, silentReporter, { region: cloud.region, prefix: 'P', endpoint: ENDPOINT });
    expect(one.endpoints.map((e) => e.name)).toEqual([ENDPOINT]);
    expect(one.endpoints[0]!.local).toBeUndefined(); // not asked (the aws target)
    const e = await failure(
      collectStatus(clients, silentReporter, { region: cloud.region, prefix: 'P', endpoint: 'nope' }),
    );
    expect(e.exitCode).toBe(4);
  });

  it('the local extension is for the root only', async () => {
    const roleArn = `arn:aws:iam::${cloud.accountId}:role/mme-invoke-NewYork_NY`;
    const assumed = await assumeRole(clients, { roleArn, sessionName: 'peek' });
    const e = await failure(
      localEndpointStatus({ ...cloud.clientConfig(), credentials: assumed.credentials }, ENDPOINT),
    );
    expect(e).toMatchObject({ code: 'AccessDeniedException', exitCode: 5 });
    // Not even the administrator user: no policy can grant a local extension.
    const admin = await failure(localEndpointStatus(cloud.clientConfig(), ENDPOINT));
    expect(admin).toMatchObject({ code: 'AccessDeniedException', exitCode: 5 });
    const missing = await failure(
      localEndpointStatus({ ...cloud.clientConfig(), credentials: cloud.rootCredentials }, 'nope'),
    );
    expect(missing.message).toBe(`Endpoint nope of account ${cloud.accountId} not found.`);
  });
});

describe('the reference access scenario (docs/aws-behaviour.md#scoped-access), through mme grant', () => {
  it('grant NewYork_NY; the session invokes NewYork_NY, is refused Chicago_IL and S3, the root is not', async () => {
    const granted = await grantAccess(clients, silentReporter, {
      prefixes: normalizePrefixes(['NewYork_NY']),
      endpoint: ENDPOINT,
      roleName: 'mme-invoke-reference',
      region: cloud.region,
    });
    const assumed = await assumeRole(clients, { roleArn: granted.roleArn, sessionName: 'MME_Invoke_NY_Model' });
    const session = clients.withCredentials(assumed.credentials);
    try {
      const ny = await invokeEndpoint(session, silentReporter, request('NewYork_NY'));
      expect(ny.invocations[0]!.prediction).toBeGreaterThan(0);
      const denied = await failure(invokeEndpoint(session, silentReporter, request('Chicago_IL')));
      expect(denied.message).toBe(
        `User: arn:aws:sts::${cloud.accountId}:assumed-role/mme-invoke-reference/MME_Invoke_NY_Model is not authorized to perform: sagemaker:InvokeEndpoint on resource: arn:aws:sagemaker:${cloud.region}:${cloud.accountId}:endpoint/${ENDPOINT}`,
      );
      // The same session may not read the model artifacts behind the endpoint either.
      const s3denied = await failure(
        (await session.s3()).send(
          new GetObjectCommand({ Bucket: BUCKET, Key: `${MME_PREFIX}NewYork_NY/NewYork_NY.tar.gz` }),
        ),
      );
      expect(s3denied).toMatchObject({ name: 'AccessDenied' });
    } finally {
      session.destroy();
    }
    // The caller (the administrator user) still may do both.
    const chicago = await invokeEndpoint(clients, silentReporter, request('Chicago_IL'));
    expect(chicago.invocations[0]!.prediction).toBeGreaterThan(0);
    const object = await (
      await clients.s3()
    ).send(new GetObjectCommand({ Bucket: BUCKET, Key: `${MME_PREFIX}NewYork_NY/NewYork_NY.tar.gz` }));
    expect((await object.Body!.transformToByteArray()).length).toBeGreaterThan(0);
  });
});
