import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deserializeLinearLearner, invokeLinearLearner, invokePreprocessor } from '../../src/algorithms/index.js';
import { unpackModelTar } from '../../src/formats/model-tar.js';
import { ServiceError } from '../../src/local/service-error.js';
import {
  ACCOUNT,
  BUCKET,
  captureLogger,
  createFixture,
  INFERENCE_ROW,
  invoke,
  invokeRequest,
  LINEAR_LEARNER_IMAGE,
  MME_PREFIX,
  pipelineEndpoint,
  PREPROCESSOR_KEY,
  REGION,
  seriesTotal,
  SKLEARN_IMAGE,
  type Fixture,
} from './helpers.js';

let fx: Fixture;
beforeEach(async () => {
  fx = await createFixture();
});
afterEach(async () => fx.cleanup());

const text = (b: Buffer) => b.toString('utf8');
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ServiceError,
  );

async function expectedPrediction(perSqft: number, accept?: string): Promise<string> {
  const files = await unpackModelTar(await fx.cityTar(perSqft));
  const model = deserializeLinearLearner(files[0]!.data);
  const features = invokePreprocessor(fx.preprocessor, INFERENCE_ROW, 'text/csv', undefined);
  return invokeLinearLearner(model, features.body, features.contentType, accept).body;
}

describe('EndpointHost: the reference pipeline (preprocessor → multi-model linear learner)', () => {
  it('answers as the containers would, naming the variant', async () => {
    await fx.putModel('Chicago_IL/Chicago_IL.tar.gz', 180);
    const host = fx.host();
    const status = await host.deploy(pipelineEndpoint());
    expect(status.state).toBe('InService');
    const out = await invoke(
      host,
      invokeRequest('mme-ep', 'Chicago_IL/Chicago_IL.tar.gz', { customAttributes: 'trace=1' }),
    );
    expect(out.contentType).toBe('application/json');
    expect(out.invokedProductionVariant).toBe('AllTraffic');
    expect(out.customAttributes).toBe('trace=1');
    expect(text(out.body)).toBe(await expectedPrediction(180));
    expect(JSON.parse(text(out.body)).predictions[0].score).toBeGreaterThan(100_000);
    // The client's Accept reaches the last container.
    const lines = await invoke(
      host,
      invokeRequest('mme-ep', 'Chicago_IL/Chicago_IL.tar.gz', { accept: 'application/jsonlines' }),
    );
    expect(lines.contentType).toBe('application/jsonlines');
    expect(text(lines.body)).toBe(await expectedPrediction(180, 'application/jsonlines'));
  });

  it('chains content types; an intermediate container gets SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT, not the client Accept', async () => {
    await fx.putModel('A.tar.gz');
    const host = fx.host();
    const spec = pipelineEndpoint();
    spec.variants[0]!.model.containers[0]!.Environment = { SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT: 'text/csv' };
    await host.deploy(spec);
    const out = await invoke(host, invokeRequest('mme-ep', 'A.tar.gz'));
    expect(text(out.body)).toBe(await expectedPrediction(150));
    // text/csv is the preprocessor's to give, not the linear learner's: the last container refuses it.
    const err = await errorOf(invoke(host, invokeRequest('mme-ep', 'A.tar.gz', { accept: 'text/csv' })));
    expect(err?.code).toBe('ModelError');
    expect(err?.extra.OriginalStatusCode).toBe(406);
    expect(err?.message).toMatch(
      /^Received client error \(406\) from container_2 with message "Accept 'text\/csv' is not supported/,
    );
  });

  it('turns a container error into ModelError 424 with AWS fields, and keeps serving', async () => {
    await fx.putModel('A.tar.gz');
    const host = fx.host();
    await host.deploy(pipelineEndpoint());
    const err = await errorOf(invoke(host, invokeRequest('mme-ep', 'A.tar.gz', { body: Buffer.from('1,2,3\n') })));
    expect(err?.status).toBe(424);
    expect(err?.extra).toEqual({
      OriginalStatusCode: 400,
      OriginalMessage: expect.stringContaining('CSV row 1 has 3 columns'),
      LogStreamArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/Endpoints/mme-ep`,
    });
    expect(err?.message).toContain(
      `". See https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#logEventViewer:group=/aws/sagemaker/Endpoints/mme-ep in account ${ACCOUNT} for more information.`,
    );
    expect(seriesTotal(host, 'Invocation4XXErrors')?.sum).toBe(1);
    expect((await invoke(host, invokeRequest('mme-ep', 'A.tar.gz'))).invokedProductionVariant).toBe('AllTraffic');
  });

  it('refuses TargetModel problems with ValidationError', async () => {
    await fx.putModel('A.tar.gz');
    const host = fx.host();
    await host.deploy(pipelineEndpoint());
    const missing = await errorOf(invoke(host, invokeRequest('mme-ep', undefined, { requestId: 'r-42' })));
    expect(missing?.message).toMatch(/^Request r-42 is missing a target model header/);
    const unknown = await errorOf(invoke(host, invokeRequest('mme-ep', 'Nowhere/x.tar.gz')));
    expect(unknown?.message).toBe(
      `Failed to download model data(bucket: ${BUCKET}, key: ${MME_PREFIX}Nowhere/x.tar.gz). Please ensure that there is an object located at the URL and that the role passed to CreateModel has permissions to download the model.`,
    );
    for (const hostile of ['../A.tar.gz', '/etc/passwd', '%2e%2e/A.tar.gz', 'x'.repeat(1025), 'a\u0001b']) {
      const err = await errorOf(invoke(host, invokeRequest('mme-ep', hostile)));
      expect([err?.code, err?.status]).toEqual(['ValidationError', 400]);
    }
    expect(text((await invoke(host, invokeRequest('mme-ep', 'A.tar.gz'))).body)).toContain('predictions');
    const gone = await errorOf(invoke(host, invokeRequest('nope', 'A.tar.gz')));
    expect(gone?.message).toBe(`Endpoint nope of account ${ACCOUNT} not found.`);
  });

  it('a single-model endpoint refuses a TargetModel', async () => {
    const host = fx.host();
    await host.deploy({
      name: 'single',
      arn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/single`,
      variants: [
        {
          VariantName: 'AllTraffic',
          InstanceType: 'ml.m5.large',
          InitialInstanceCount: 1,
          model: { containers: [{ Image: SKLEARN_IMAGE, ModelDataUrl: `s3://${BUCKET}/${PREPROCESSOR_KEY}` }] },
        },
      ],
    });
    const err = await errorOf(invoke(host, invokeRequest('single', 'A.tar.gz')));
    expect(err?.message).toBe(
      'Endpoint single is not a multi-model endpoint and does not support target model header.',
    );
    const ok = await invoke(host, invokeRequest('single', undefined, { accept: 'text/csv' }));
    expect(ok.contentType).toBe('text/csv');
    // A lone container is "primary" in ModelError messages.
    const bad = await errorOf(invoke(host, invokeRequest('single', undefined, { contentType: 'application/json' })));
    expect(bad?.message).toMatch(/^Received client error \(415\) from primary with message/);
  });
});

describe('EndpointHost: multi-model cache', () => {
  it('100 concurrent first requests for one model: one download, one load, all answered', async () => {
    await fx.putModel('Houston_TX/Houston_TX.tar.gz');
    let downloads = 0;
    const host = fx.host({ beforeDownload: () => new Promise((r) => setTimeout(() => r(void downloads++), 20)) });
    await host.deploy(pipelineEndpoint());
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        invoke(host, invokeRequest('mme-ep', 'Houston_TX/Houston_TX.tar.gz', { requestId: `r${i}` })),
      ),
    );
    const expected = await expectedPrediction(150);
    expect(answers.every((a) => text(a.body) === expected)).toBe(true);
    expect(downloads).toBe(1);
    expect(seriesTotal(host, 'ModelDownloadingTime')?.sampleCount).toBe(1);
    expect(seriesTotal(host, 'ModelLoadingTime')?.sampleCount).toBe(1);
    expect(seriesTotal(host, 'Invocations')?.sum).toBe(100);
    const figures = host.status('mme-ep')!.models.find((m) => m.targetModel === 'Houston_TX/Houston_TX.tar.gz')!;
    expect(figures).toMatchObject({ invocations: 100, loads: 1, evictions: 0 });
    expect(host.status('mme-ep')!.variants[0]!.instances[0]!.loadedModels).toHaveLength(1);
  });

  it('evicts the least recently used model under a small memory budget, reloading from disk', async () => {
    for (const m of ['A', 'B', 'C']) await fx.putModel(`${m}.tar.gz`);
    let downloads = 0;
    // 3,112 bytes a model (overhead 2,000 + 88 of weights + 1,024): a 6,400-byte cache (80% of 8,000) holds two.
    const host = fx.host({
      modelOverheadBytes: 2000,
      instance: { memoryBytes: 8000 },
      beforeDownload: () => void downloads++,
    });
    await host.deploy(pipelineEndpoint());
    for (const m of ['A', 'B', 'A', 'C']) await invoke(host, invokeRequest('mme-ep', `${m}.tar.gz`));
    const loaded = () =>
      host
        .status('mme-ep')!
        .variants[0]!.instances[0]!.loadedModels.map((m) => m.key)
        .sort();
    expect(loaded()).toEqual(['A.tar.gz', 'C.tar.gz']);
    const figures = (m: string) => host.status('mme-ep')!.models.find((f) => f.targetModel === m)!;
    expect(figures('B.tar.gz').evictions).toBe(1);
    await invoke(host, invokeRequest('mme-ep', 'B.tar.gz'));
    expect(figures('B.tar.gz').loads).toBe(2);
    expect(downloads).toBe(3); // B came back from the instance's disk
    expect(seriesTotal(host, 'ModelCacheHit')?.average).toBeCloseTo(1 / 5);
    expect(seriesTotal(host, 'LoadedModelCount')?.maximum).toBe(2);
  });

  it('deletes least recently used files when the instance disk is full', async () => {
    for (const m of ['A', 'B', 'C']) await fx.putModel(`${m}.tar.gz`);
    const size = (await fx.cityTar()).length;
    let downloads = 0;
    const host = fx.host({ instance: { diskBytes: size * 2 + 10 }, beforeDownload: () => void downloads++ });
    await host.deploy(pipelineEndpoint());
    for (const m of ['A', 'B', 'C']) await invoke(host, invokeRequest('mme-ep', `${m}.tar.gz`));
    const disk = host.status('mme-ep')!.variants[0]!.instances[0]!.disk;
    expect(disk.files).toBe(2);
    expect(disk.usedBytes).toBe(size * 2);
    expect(downloads).toBe(3);
  });

  it('warns when an artifact is overwritten in place, and does not serve the new one silently', async () => {
    await fx.putModel('A.tar.gz', 150);
    await fx.putModel('B.tar.gz', 150);
    const { lines, logger } = captureLogger();
    const host = fx.host({ logger, modelOverheadBytes: 6000, instance: { memoryBytes: 10_000 } });
    await host.deploy(pipelineEndpoint());
    const before = text((await invoke(host, invokeRequest('mme-ep', 'A.tar.gz'))).body);
    await fx.putModel('A.tar.gz', 400); // overwritten in place
    await invoke(host, invokeRequest('mme-ep', 'B.tar.gz')); // evicts A from memory (one model fits)
    const after = text((await invoke(host, invokeRequest('mme-ep', 'A.tar.gz'))).body);
    expect(after).toBe(before); // the copy on the instance's disk, as on SageMaker
    expect(
      lines.filter((l) => l.startsWith('warn:') && l.includes('A.tar.gz') && l.includes('was overwritten')),
    ).toHaveLength(1);
  });

  it('ModelCacheSetting Disabled unloads after each invocation', async () => {
    await fx.putModel('A.tar.gz');
    let downloads = 0;
    const host = fx.host({ beforeDownload: () => void downloads++ });
    await host.deploy(pipelineEndpoint('mme-ep', { cacheSetting: 'Disabled' }));
    await invoke(host, invokeRequest('mme-ep', 'A.tar.gz'));
    await invoke(host, invokeRequest('mme-ep', 'A.tar.gz'));
    const instance = host.status('mme-ep')!.variants[0]!.instances[0]!;
    expect(instance.loadedModels).toEqual([]);
    expect(host.status('mme-ep')!.models[0]).toMatchObject({ loads: 2, cacheHits: 0, cacheMisses: 2 });
    expect(downloads).toBe(1);
    expect(seriesTotal(host, 'ModelUnloadingTime')?.sampleCount).toBe(2);
  });

  it('answers ModelNotReadyException (429) when a load outlasts the wait limit; the load finishes anyway', async () => {
    await fx.putModel('Slow.tar.gz');
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const host = fx.host({ modelLoadWaitLimitMs: 30, beforeDownload: () => gate });
    await host.deploy(pipelineEndpoint());
    const err = await errorOf(invoke(host, invokeRequest('mme-ep', 'Slow.tar.gz')));
    expect([err?.code, err?.status]).toEqual(['ModelNotReadyException', 429]);
    open();
    await new Promise((r) => setTimeout(r, 100));
    const instance = host.status('mme-ep')!.variants[0]!.instances[0]!;
    expect(instance.loadedModels.map((m) => [m.key, m.inUse])).toEqual([['Slow.tar.gz', 0]]);
    await invoke(host, invokeRequest('mme-ep', 'Slow.tar.gz'));
    expect(host.status('mme-ep')!.models[0]).toMatchObject({ cacheHits: 1 });
  });
});

describe('EndpointHost: instances and lifecycle', () => {
  it('with 2 instances, keeps a model on the instance that has it and spreads the rest', async () => {
    for (const m of ['A', 'B']) await fx.putModel(`${m}.tar.gz`);
    const host = fx.host({
      instanceIds: (
        (n) => () =>
          `i-${n++}`
      )(0),
    });
    await host.deploy(pipelineEndpoint('mme-ep', { instances: 2 }));
    await Promise.all(Array.from({ length: 10 }, () => invoke(host, invokeRequest('mme-ep', 'A.tar.gz'))));
    for (let i = 0; i < 5; i++) await invoke(host, invokeRequest('mme-ep', 'A.tar.gz'));
    await invoke(host, invokeRequest('mme-ep', 'B.tar.gz'));
    const instances = host.status('mme-ep')!.variants[0]!.instances;
    const holders = (m: string) =>
      instances.filter((i) => i.loadedModels.some((l) => l.key === m)).map((i) => i.instanceId);
    expect(holders('A.tar.gz')).toHaveLength(1);
    expect(host.status('mme-ep')!.models.find((m) => m.targetModel === 'A.tar.gz')!.loads).toBe(1);
    expect(instances.map((i) => i.invocations).reduce((a, b) => a + b)).toBe(16);
    expect(holders('B.tar.gz')).toHaveLength(1);
  });

  it('a single-model endpoint with 2 instances uses both', async () => {
    const host = fx.host();
    await host.deploy({
      name: 'pre',
      arn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/pre`,
      variants: [
        {
          VariantName: 'AllTraffic',
          InstanceType: 'ml.c5.large',
          InitialInstanceCount: 2,
          model: { containers: [{ Image: SKLEARN_IMAGE, ModelDataUrl: `s3://${BUCKET}/${PREPROCESSOR_KEY}` }] },
        },
      ],
    });
    for (let i = 0; i < 4; i++) await invoke(host, invokeRequest('pre', undefined));
    expect(host.status('pre')!.variants[0]!.instances.map((i) => i.invocations)).toEqual([2, 2]);
  });

  it("an endpoint whose model data is missing is Failed with SageMaker's reason, and not found at invocation", async () => {
    const host = fx.host();
    const spec = pipelineEndpoint('broken');
    spec.variants[0]!.model.containers[0]!.ModelDataUrl = `s3://${BUCKET}/missing/model.tar.gz`;
    const status = await host.deploy(spec);
    expect(status.state).toBe('Failed');
    expect(status.failureReason).toBe(
      `Failed to download model data for container "container_1" from URL: "s3://${BUCKET}/missing/model.tar.gz". Please ensure that there is an object located at the URL and that the role passed to CreateModel has permissions to download the object.`,
    );
    const err = await errorOf(invoke(host, invokeRequest('broken', 'A.tar.gz')));
    expect(err?.message).toBe(`Endpoint broken of account ${ACCOUNT} not found.`);
  });

  it('validates the pipeline: 1–15 containers, at most one MultiModel, runnable images', async () => {
    const host = fx.host();
    const mm = { Image: LINEAR_LEARNER_IMAGE, Mode: 'MultiModel', ModelDataUrl: `s3://${BUCKET}/${MME_PREFIX}` };
    const spec = pipelineEndpoint('bad');
    spec.variants[0]!.model.containers = [mm, mm];
    await expect(host.deploy(spec)).rejects.toThrow(
      'More than one container in MultiModel mode is not supported with inference pipeline.',
    );
    spec.variants[0]!.model.containers = Array.from({ length: 16 }, () => ({
      Image: SKLEARN_IMAGE,
      ModelDataUrl: `s3://${BUCKET}/${PREPROCESSOR_KEY}`,
    }));
    await expect(host.deploy(spec)).rejects.toThrow(/at most 15/);
    spec.variants[0]!.model.containers = [{ Image: 'busybox:latest', ModelDataUrl: `s3://${BUCKET}/x` }];
    await expect(host.deploy(spec)).rejects.toThrow(/cannot run the image 'busybox:latest'/);
    expect(host.status('bad')).toBeUndefined();
  });

  it('an update keeps serving until the new deployment is InService; undeploy stops serving', async () => {
    await fx.putModel('A.tar.gz');
    const host = fx.host();
    await host.deploy(pipelineEndpoint());
    const update = host.deploy(pipelineEndpoint('mme-ep', { instances: 2 }));
    expect(host.status('mme-ep')!.state).toBe('Updating');
    await invoke(host, invokeRequest('mme-ep', 'A.tar.gz'));
    expect((await update).state).toBe('InService');
    expect(host.status('mme-ep')!.variants[0]!.currentInstanceCount).toBe(2);
    expect(await host.undeploy('mme-ep')).toBe(true);
    expect((await errorOf(invoke(host, invokeRequest('mme-ep', 'A.tar.gz'))))?.code).toBe('ValidationError');
  });
});

describe('EndpointHost: the reference cache experiment (docs/aws-behaviour.md#multi-model-caching), at SageMaker scale', () => {
  it('levels off at 121 models near 80% memory on an ml.m4.xlarge, LRU, hit ratio 0 → 1 → 0', async () => {
    const tar = await fx.cityTar();
    for (let i = 0; i < 200; i++)
      await fx.store.putObject(BUCKET, `${MME_PREFIX}Houston_TX/${i}_Houston_TX.tar.gz`, tar);
    const host = fx.host({ modelOverheadBytes: undefined }); // the default, calibrated overhead
    await host.deploy(pipelineEndpoint());
    const hits: number[] = [];
    for (const [from, to] of [
      [0, 100],
      [0, 100],
      [0, 200],
    ]) {
      const before = seriesTotal(host, 'ModelCacheHit')?.sum ?? 0;
      for (let i = from; i < to; i++) await invoke(host, invokeRequest('mme-ep', `Houston_TX/${i}_Houston_TX.tar.gz`));
      hits.push((seriesTotal(host, 'ModelCacheHit')!.sum - before) / (to - from));
    }
    expect(hits).toEqual([0, 1, 0.5]);
    expect(seriesTotal(host, 'LoadedModelCount')?.maximum).toBe(121);
    expect(seriesTotal(host, 'MemoryUtilization')?.maximum).toBeCloseTo(80.4, 1);
    const instance = host.status('mme-ep')!.variants[0]!.instances[0]!;
    expect(instance.loadedModels).toHaveLength(121);
    // LRU: the third pass evicted the least recently used (0, 1, …), kept the newest.
    expect(instance.loadedModels.some((m) => m.key === 'Houston_TX/0_Houston_TX.tar.gz')).toBe(false);
    expect(instance.loadedModels.some((m) => m.key === 'Houston_TX/199_Houston_TX.tar.gz')).toBe(true);
  });

  it('takes other eviction policies by name, and refuses unknown ones before deploying', async () => {
    for (const m of ['A', 'B', 'C']) await fx.putModel(`${m}.tar.gz`);
    const host = fx.host({ evictionPolicy: 'sieve', modelOverheadBytes: 2000, instance: { memoryBytes: 8000 } });
    await host.deploy(pipelineEndpoint());
    for (const m of ['A', 'B', 'A', 'C']) await invoke(host, invokeRequest('mme-ep', `${m}.tar.gz`));
    // SIEVE keeps A (visited) and evicts B.
    expect(
      host
        .status('mme-ep')!
        .variants[0]!.instances[0]!.loadedModels.map((m) => m.key)
        .sort(),
    ).toEqual(['A.tar.gz', 'C.tar.gz']);
    // @ts-expect-error an unknown policy name, on purpose: the host must refuse it at run time too
    await expect(fx.host({ evictionPolicy: 'belady-oracle' }).deploy(pipelineEndpoint('other'))).rejects.toThrow(
      /Unknown cache eviction policy/,
    );
  });
});
