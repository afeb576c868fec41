/**
 * The real SDK clients (S3, SageMaker, SageMaker Runtime) against a local cloud on port 0 that
 * serves the endpoint control plane and the runtime over one EndpointHost. The cloud is composed
 * here as cloud.ts composes it (plus the host), so the test does not depend on the daemon wiring;
 * once cloud.ts wires the host, the same test can run on startTestCloud().
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  ListEndpointsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  waitUntilEndpointInService,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localExecutionRoleArn } from '../../src/aws-names/execution-role.js';
import { createApp } from '../../src/local/app.js';
import { InMemoryCredentialStore, newRootAccount, type RootAccount } from '../../src/local/auth/credentials.js';
import { EndpointHost } from '../../src/local/hosting/index.js';
import { listen, type RunningServer } from '../../src/local/server.js';
import { createRuntimeService } from '../../src/local/services/runtime/index.js';
import { executionRoles, seedExecutionRole } from '../../src/local/services/iam/execution-role.js';
import { IamState } from '../../src/local/services/iam/index.js';
import { createS3Service } from '../../src/local/services/s3/index.js';
import { createSageMakerService, type SageMakerService } from '../../src/local/services/sagemaker/index.js';
import {
  BUCKET,
  createFixture,
  INFERENCE_ROW,
  LINEAR_LEARNER_IMAGE,
  MME_PREFIX,
  PREPROCESSOR_KEY,
  SKLEARN_IMAGE,
} from './helpers.js';

const REGION = 'us-east-1';

interface Cloud {
  account: RootAccount;
  endpoint: string;
  sagemaker: SageMakerService;
  host: EndpointHost;
  server: RunningServer;
  close(): Promise<void>;
}

async function startCloud(stateDir: string, account: RootAccount): Promise<Cloud> {
  const s3 = createS3Service({ dataDir: join(stateDir, 's3') });
  const host = new EndpointHost(s3.store, { workDir: join(stateDir, 'hosting'), modelOverheadBytes: 1000 });
  // No IAM service here (the root signs every call), but the account's roles as the cloud keeps and seeds them.
  const iam = await IamState.open({ accountId: account.accountId, dir: join(stateDir, 'iam') });
  await seedExecutionRole(iam, new Date());
  const roles = executionRoles(iam);
  const sagemaker = createSageMakerService({ stateDir, store: s3.store, host, poolSize: 1, roles });
  await sagemaker.open();
  const app = createApp({
    credentials: new InMemoryCredentialStore(account),
    services: { s3, sagemaker, 'sagemaker-runtime': createRuntimeService(host) },
  });
  const server = await listen(app, { port: 0 });
  return {
    account,
    endpoint: server.endpoint,
    sagemaker,
    host,
    server,
    async close() {
      await server.close();
      await sagemaker.close();
      await host.close();
      await s3.store.close();
    },
  };
}

let stateDir: string;
let cloud: Cloud;
let clients: { s3: S3Client; sm: SageMakerClient; rt: SageMakerRuntimeClient };

function connect(c: Cloud) {
  const config = {
    endpoint: c.endpoint,
    region: REGION,
    credentials: { accessKeyId: c.account.accessKeyId, secretAccessKey: c.account.secretAccessKey },
  };
  return {
    s3: new S3Client({ ...config, forcePathStyle: true }),
    sm: new SageMakerClient(config),
    rt: new SageMakerRuntimeClient(config),
  };
}

const invoke = (target?: string, body = INFERENCE_ROW) =>
  clients.rt.send(
    new InvokeEndpointCommand({
      EndpointName: 'housing',
      ContentType: 'text/csv',
      Body: Buffer.from(body),
      TargetModel: target,
    }),
  );
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error & Record<string, unknown>,
  );

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'mme-hosting-sdk-'));
  cloud = await startCloud(stateDir, newRootAccount());
  clients = connect(cloud);
  const fx = await createFixture(); // trained artifacts, copied in through the real S3 client
  await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const pre = await fx.store.readObject(BUCKET, PREPROCESSOR_KEY);
  await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: PREPROCESSOR_KEY, Body: pre.data }));
  for (const [loc, perSqft] of [
    ['NewYork_NY', 250],
    ['Chicago_IL', 140],
  ] as const) {
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `${MME_PREFIX}${loc}/${loc}.tar.gz`,
        Body: await fx.cityTar(perSqft),
      }),
    );
  }
  await fx.cleanup();
  await clients.sm.send(
    new CreateModelCommand({
      ModelName: 'housing-pipeline',
      ExecutionRoleArn: localExecutionRoleArn(cloud.account.accountId),
      Containers: [
        {
          Image: SKLEARN_IMAGE,
          ModelDataUrl: `s3://${BUCKET}/${PREPROCESSOR_KEY}`,
          Environment: { SAGEMAKER_PROGRAM: 'sklearn_preprocessor.py' },
        },
        { Image: LINEAR_LEARNER_IMAGE, Mode: 'MultiModel', ModelDataUrl: `s3://${BUCKET}/${MME_PREFIX}` },
      ],
    }),
  );
  await clients.sm.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: 'housing-config',
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: 'housing-pipeline',
          InstanceType: 'ml.m4.xlarge',
          InitialInstanceCount: 1,
          InitialVariantWeight: 1,
        },
      ],
    }),
  );
  await clients.sm.send(new CreateEndpointCommand({ EndpointName: 'housing', EndpointConfigName: 'housing-config' }));
  await waitUntilEndpointInService(
    { client: clients.sm, maxWaitTime: 20, minDelay: 1, maxDelay: 1 },
    { EndpointName: 'housing' },
  );
}, 60_000);

afterAll(async () => {
  for (const c of Object.values(clients ?? {})) c.destroy();
  await cloud?.close();
  await rm(stateDir, { recursive: true, force: true });
});

describe('endpoints with the real SDK clients', () => {
  it('invokes the pipeline by TargetModel; models of different cities answer differently', async () => {
    const ny = await invoke('NewYork_NY/NewYork_NY.tar.gz');
    const chi = await invoke('Chicago_IL/Chicago_IL.tar.gz');
    expect(ny.ContentType).toBe('application/json');
    expect(ny.InvokedProductionVariant).toBe('AllTraffic');
    const score = (r: typeof ny) =>
      (JSON.parse(Buffer.from(r.Body!).toString('utf8')) as { predictions: { score: number }[] }).predictions[0]!.score;
    expect(score(ny)).toBeGreaterThan(score(chi));
  });

  it('surfaces the runtime errors as the SDK names them', async () => {
    const modelError = await failure(invoke('NewYork_NY/NewYork_NY.tar.gz', 'not,a,house'));
    expect(modelError?.name).toBe('ModelError');
    expect(modelError?.OriginalStatusCode).toBe(400);
    expect(modelError?.LogStreamArn).toBe(
      `arn:aws:logs:${REGION}:${cloud.account.accountId}:log-group:/aws/sagemaker/Endpoints/housing`,
    );
    const missing = await failure(invoke('Houston_TX/Houston_TX.tar.gz'));
    expect(missing?.name).toBe('ValidationError');
    expect(missing?.message).toContain('Failed to download model data(bucket: ');
    const noTarget = await failure(invoke(undefined));
    expect(noTarget?.name).toBe('ValidationError');
    const hostile = await failure(invoke('../../etc/passwd'));
    expect(hostile?.name).toBe('ValidationError');
    const unknown = await failure(
      clients.rt.send(
        new InvokeEndpointCommand({ EndpointName: 'nope', ContentType: 'text/csv', Body: Buffer.from(INFERENCE_ROW) }),
      ),
    );
    expect(unknown?.message).toBe(`Endpoint nope of account ${cloud.account.accountId} not found.`);
    expect((await invoke('NewYork_NY/NewYork_NY.tar.gz')).InvokedProductionVariant).toBe('AllTraffic');
  });

  it('describes, lists, updates and survives a restart', async () => {
    const described = await clients.sm.send(new DescribeEndpointCommand({ EndpointName: 'housing' }));
    expect(described).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'housing-config' });
    expect(described.ProductionVariants?.[0]).toMatchObject({
      VariantName: 'AllTraffic',
      CurrentInstanceCount: 1,
      DeployedImages: [{ SpecifiedImage: SKLEARN_IMAGE }, { SpecifiedImage: LINEAR_LEARNER_IMAGE }],
    });
    expect(described.CreationTime).toBeInstanceOf(Date);
    const config = await clients.sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: 'housing-config' }));
    expect(config.ProductionVariants?.[0]?.InstanceType).toBe('ml.m4.xlarge');
    expect((await clients.sm.send(new ListEndpointsCommand({}))).Endpoints?.map((e) => e.EndpointName)).toEqual([
      'housing',
    ]);

    await clients.sm.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'housing-config-2',
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: 'housing-pipeline',
            InstanceType: 'ml.m5.large',
            InitialInstanceCount: 2,
          },
        ],
      }),
    );
    await clients.sm.send(
      new UpdateEndpointCommand({ EndpointName: 'housing', EndpointConfigName: 'housing-config-2' }),
    );
    await waitUntilEndpointInService(
      { client: clients.sm, maxWaitTime: 20, minDelay: 1, maxDelay: 1 },
      { EndpointName: 'housing' },
    );
    const updated = await clients.sm.send(new DescribeEndpointCommand({ EndpointName: 'housing' }));
    expect(updated).toMatchObject({
      EndpointConfigName: 'housing-config-2',
      ProductionVariants: [{ CurrentInstanceCount: 2 }],
    });

    for (const c of Object.values(clients)) c.destroy();
    await cloud.close();
    cloud = await startCloud(stateDir, cloud.account);
    clients = connect(cloud);
    expect((await clients.sm.send(new DescribeEndpointCommand({ EndpointName: 'housing' }))).EndpointStatus).toBe(
      'InService',
    );
    expect((await invoke('Chicago_IL/Chicago_IL.tar.gz')).InvokedProductionVariant).toBe('AllTraffic');
  });

  it('deletes an endpoint: invocations stop at once, then it is gone', async () => {
    await clients.sm.send(new DeleteEndpointCommand({ EndpointName: 'housing' }));
    const gone = await failure(invoke('NewYork_NY/NewYork_NY.tar.gz'));
    expect(gone?.name).toBe('ValidationError');
    let err: (Error & Record<string, unknown>) | undefined;
    for (let i = 0; i < 50 && !err; i++) {
      err = await failure(clients.sm.send(new DescribeEndpointCommand({ EndpointName: 'housing' })));
      if (!err) await new Promise((r) => setTimeout(r, 20));
    }
    expect(err?.name).toBe('ValidationException');
    expect(err?.message).toBe(
      `Could not find endpoint "arn:aws:sagemaker:${REGION}:${cloud.account.accountId}:endpoint/housing".`,
    );
  });
});
