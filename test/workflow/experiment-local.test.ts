/**
 * The cache experiment against an in-process local cloud, at small scale: 20 copies of a real
 * trained model on an instance whose memory holds 12 of them (10 MiB per-model overhead, 156.25
 * MiB of memory, 80% for models). Through the same Clients and GetMetricData the CLI uses; the
 * test's sleep flushes the endpoint's metrics to CloudWatch at once instead of every 5 s.
 *
 * Expected, as in the reference cache experiment (docs/aws-behaviour.md#multi-model-caching) scaled down: pass 1 (0-9) all misses, pass 2 (0-9) all hits,
 * pass 3 (0-19) hits for 0-9 then misses for 10-19, LoadedModelCount levelling off at 12.
 */
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, type Clients } from '../../src/aws/clients.js';
import {
  EXPERIMENT_ENDPOINT_NAME,
  runCacheExperiment,
  type CacheExperimentOptions,
} from '../../src/workflow/experiment.js';
import { DEFAULT_METRICS, fetchMetrics, resolveMetric } from '../../src/workflow/metrics.js';
import { describeEndpoint } from '../../src/workflow/endpoint-waiter.js';
import { recordingReporter, silentReporter } from '../../src/workflow/reporter.js';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { createPipelineEndpoint } from '../helpers/pipeline-endpoint.js';
import { BUCKET, MME_PREFIX } from '../hosting/helpers.js';

const ENDPOINT = 'mme-linear-learner';
const PREFIX = MME_PREFIX.replace(/\/multi_model_artifacts\/$/, '');
const MiB = 2 ** 20;
let cloud: TestCloud;
let clients: Clients;

beforeAll(async () => {
  cloud = await startTestCloud({
    hosting: { modelOverheadBytes: 10 * MiB, instance: { memoryBytes: Math.round((12.5 * 10 * MiB) / 0.8) } },
  });
  clients = createClients({ region: cloud.region }, cloud.clientConfig(), { maxAttempts: 1 });
  await createPipelineEndpoint(clients, {
    accountId: cloud.accountId,
    endpoint: ENDPOINT,
    cities: { Houston_TX: 160 },
  });
}, 60_000);

afterAll(async () => {
  clients?.destroy();
  await cloud?.stop();
});

const options = (over: Partial<CacheExperimentOptions> = {}): CacheExperimentOptions => ({
  target: 'local',
  bucket: BUCKET,
  prefix: PREFIX,
  location: 'Houston_TX',
  models: 20,
  endpoint: ENDPOINT,
  // The local cloud forwards metrics every 5 s; the test pushes them at every wait instead.
  sleep: async (ms) => {
    cloud.flushMetrics();
    await new Promise((r) => setTimeout(r, ms));
  },
  metricsTimeoutMs: 10_000,
  paceMs: 0,
  ...over,
});

describe('mme experiment cache on the local cloud', () => {
  let started: Date;

  it('fills the cache to its plateau: misses, then hits, then misses for the unseen models', async () => {
    started = new Date();
    const reporter = recordingReporter();
    const r = await runCacheExperiment(clients, reporter, options());
    expect(r).toMatchObject({
      endpoint: ENDPOINT,
      variant: 'AllTraffic',
      createdEndpoint: false,
      deletedEndpoint: false,
      models: 20,
      metricsComplete: true,
      warnings: [],
    });
    expect(r.source).toBe(`s3://${BUCKET}/${MME_PREFIX}Houston_TX/Houston_TX.tar.gz`);
    expect(r.passes.map((p) => [p.first, p.last, p.hits, p.misses, p.hitRatio])).toEqual([
      [0, 9, 0, 10, 0],
      [0, 9, 10, 0, 1],
      [0, 19, 10, 10, 0.5],
    ]);
    expect(r.plateau.loadedModelCount).toBe(12);
    // 12 models and the preprocessor, 10 MiB each and a little, of 156.25 MiB.
    expect(r.plateau.memoryUtilization).toBeGreaterThan(80);
    expect(r.plateau.memoryUtilization).toBeLessThan(90);
    // Client-side: first calls and repeats, per pass.
    expect(r.passes[0]!.latency).toMatchObject({ firstCalls: { requests: 10 }, repeats: null });
    expect(r.passes[1]!.latency).toMatchObject({ firstCalls: null, repeats: { requests: 10 } });
    expect(r.passes[2]!.latency).toMatchObject({ firstCalls: { requests: 10 }, repeats: { requests: 10 } });
    // The charts' series: LoadedModelCount never falls, and ends at the plateau.
    const [count, memory, hit] = r.charts;
    expect([count!.name, memory!.name, hit!.name]).toEqual(['LoadedModelCount', 'MemoryUtilization', 'ModelCacheHit']);
    const counts = count!.points.map((p) => p.value);
    expect(counts.length).toBeGreaterThan(0);
    expect(counts.every((v, i) => i === 0 || v >= counts[i - 1]!)).toBe(true);
    expect(reporter.events.some((e) => e.kind === 'succeed' && e.text.startsWith('20 copies of Houston_TX'))).toBe(
      true,
    );
    // The copies are gone at the end; the model they were copied from stays.
    expect(r.copies).toMatchObject({ count: 20, deleted: true });
    const left = await (
      await clients.s3()
    ).send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${MME_PREFIX}Houston_TX/` }));
    expect((left.Contents ?? []).map((o) => o.Key)).toEqual([`${MME_PREFIX}Houston_TX/Houston_TX.tar.gz`]);
  }, 30_000);

  it('the metrics are in CloudWatch, for the variant and (mme extension) per TargetModel', async () => {
    const cw = await clients.cloudWatch();
    const window = {
      endpoint: ENDPOINT,
      variant: 'AllTraffic',
      start: new Date(started.getTime() - 60_000),
      end: new Date(Date.now() + 60_000),
      period: 60,
    };
    const all = await fetchMetrics(cw, DEFAULT_METRICS.map(resolveMetric), window);
    for (const s of all) expect(s.points.length, s.name).toBeGreaterThan(0);
    const invocations = all.find((s) => s.name === 'Invocations')!;
    expect(invocations.points.reduce((a, p) => a + p.value, 0)).toBe(40);

    // Pass 3's shape, model by model: 0-9 stayed loaded (3 calls, 2 hits), 10-19 were new (1 miss).
    const perModel = await cw.send(
      new GetMetricDataCommand({
        StartTime: window.start,
        EndTime: window.end,
        MetricDataQueries: [0, 9, 10, 19].map((i) => ({
          Id: `m${i}`,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/SageMaker',
              MetricName: 'ModelCacheHit',
              Dimensions: [
                { Name: 'EndpointName', Value: ENDPOINT },
                { Name: 'VariantName', Value: 'AllTraffic' },
                { Name: 'TargetModel', Value: `Houston_TX/${i}_Houston_TX.tar.gz` },
              ],
            },
            Period: 3600,
            Stat: 'Sum',
          },
        })),
      }),
    );
    expect(perModel.MetricDataResults!.map((m) => [m.Id, m.Values!.reduce((a, v) => a + v, 0)])).toEqual([
      ['m0', 2],
      ['m9', 2],
      ['m10', 0],
      ['m19', 0],
    ]);
  });

  it('--instance-type: on an endpoint of its own, cold again, deleted afterwards', async () => {
    const r = await runCacheExperiment(clients, silentReporter, options({ instanceType: 'ml.m4.xlarge' }));
    expect(r).toMatchObject({
      endpoint: EXPERIMENT_ENDPOINT_NAME,
      instanceType: 'ml.m4.xlarge',
      createdEndpoint: true,
      deletedEndpoint: true,
      warnings: [],
    });
    expect(r.passes.map((p) => p.hits)).toEqual([0, 10, 10]);
    expect(r.plateau.loadedModelCount).toBe(12);
    // DeleteEndpoint returns at once (Deleting); the experiment does not wait for it to be gone.
    expect(
      (await describeEndpoint(await clients.sageMaker(), EXPERIMENT_ENDPOINT_NAME))?.EndpointStatus ?? 'Deleted',
    ).toMatch(/^(Deleting|Deleted)$/);
  }, 30_000);

  it('a re-run on a re-created endpoint charts only its own instance, not the deleted one before it', async () => {
    // The test above ran 20 models on this endpoint name and deleted it at a plateau of 12. The
    // re-run's endpoint has the same name (so the same CloudWatch dimensions), at once after.
    const r = await runCacheExperiment(clients, silentReporter, options({ instanceType: 'ml.m4.xlarge', models: 4 }));
    expect(r.passes.map((p) => p.hits)).toEqual([0, 2, 2]);
    expect(r.plateau.loadedModelCount).toBe(4);
    const [count, memory] = r.charts;
    expect(count!.points.length).toBeGreaterThan(0);
    // Every charted figure is the re-run's: never the deleted instance's 12 models or its memory.
    expect(Math.max(...count!.points.map((p) => p.value))).toBe(4);
    expect(Math.max(...memory!.points.map((p) => p.value))).toBe(r.plateau.memoryUtilization);
    const firstPass = r.passes[0]!.startedAt.getTime();
    for (const s of r.charts)
      for (const p of s.points) expect(p.timestamp.getTime()).toBeGreaterThanOrEqual(firstPass - 1000);
  }, 30_000);

  it('on the same endpoint again, pass 1 hits what is still loaded, and says so', async () => {
    // Twice with 4 models: the second run's pass 1 finds 0 and 1 loaded by the first one's pass 3.
    // (After the 20-model run, a 20-model rerun would not: LRU evicts 8 and 9, the only survivors
    // it asks for, just before it asks for them - the cyclic pattern LRU is worst at.)
    const first = await runCacheExperiment(clients, silentReporter, options({ models: 4 }));
    expect(first.passes.map((p) => p.hits)).toEqual([0, 2, 2]);
    const r = await runCacheExperiment(clients, silentReporter, options({ models: 4 }));
    expect(r.passes.map((p) => p.hits)).toEqual([2, 2, 4]); // and pass 3 finds all four
    expect(r.warnings.join('\n')).toMatch(/already loaded .*--instance-type/);
  }, 30_000);
});
