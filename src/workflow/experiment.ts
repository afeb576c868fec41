/**
 * The cache experiment of the reference workflow (docs/aws-behaviour.md#multi-model-caching), on the current target: N
 * copies of one trained model under the multi-model prefix (`{LOC}/{i}_{LOC}.tar.gz`), invoked
 * 0..N/2-1, again 0..N/2-1, then 0..N-1, one request at a time; then what CloudWatch saw:
 * LoadedModelCount rising to a plateau, MemoryUtilization with it, ModelCacheHit 0 / 1 / falling.
 *
 * Per pass, hits and misses come from the ModelCacheHit metric itself (Sum and SampleCount over
 * the pass's time window), not from client guesses. For that each pass starts at a fresh
 * CloudWatch storage slot (1 minute on AWS, where SageMaker publishes per minute; 1 s on the local
 * cloud), so no slot mixes two passes. Client-side, each pass's latency is split between first
 * calls of a model in this run and repeat calls: cold loads stand out.
 *
 * The endpoint: by default the one given (as it is: models loaded by an earlier run count as
 * hits, and a warning says so); with `create`, an endpoint of its own (the given endpoint's
 * pipeline model on another instance type), created or updated to start cold, and deleted at the
 * end unless kept. On the local cloud the instance type decides the memory (ml.m4.xlarge: 16 GiB,
 * plateau at 121 models, as on AWS).
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DescribeEndpointConfigCommand,
  UpdateEndpointCommand,
  type ProductionVariantInstanceType,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import type { Clients } from '../aws/clients.js';
import { ExitCode, MmeError, fromAwsError } from '../errors.js';
import { copyArtifact, DELETE_BATCH, deleteObjects, deleteObjectsInput, headArtifact, isMissing } from './artifacts.js';
import type { PlannedRequest } from './dry-run.js';
import { copyArtifactInput, mmeLayout, VARIANT_NAME } from './endpoint-requests.js';
import { ENDPOINT_POLL, describeEndpoint, waitForEndpoint } from './endpoint-waiter.js';
import { invokeError } from './invoke.js';
import { runBounded } from './jobs.js';
import {
  KNOWN_METRICS,
  endpointVariant,
  fetchMetrics,
  periodFor,
  type MetricDefinition,
  type MetricSeriesData,
} from './metrics.js';
import type { Reporter } from './reporter.js';
import { s3 } from './requests.js';
import { newestTrainedModels } from './trained-models.js';

export const EXPERIMENT_ENDPOINT_NAME = 'mme-cache-experiment';
/** One house (the 8 features): every request is the same, only the target model changes. */
const EXPERIMENT_ROW = '2005,2500,4,2.5,1.1,2,y,n';
/** How finely the target stores the endpoint's metrics (see metrics.ts). */
const METRIC_RESOLUTION_SECONDS = { aws: 60, local: 1 } as const;

export interface CacheExperimentOptions {
  target: 'aws' | 'local';
  bucket: string;
  prefix: string;
  location: string;
  models: number;
  /** The endpoint to invoke, or (with `instanceType`) whose pipeline model to host anew. */
  endpoint: string;
  /** Host the experiment on an endpoint of its own, EXPERIMENT_ENDPOINT_NAME, of this type. */
  instanceType?: string;
  keepEndpoint?: boolean;
  /** Leave the N copies under the prefix afterwards (by default they are deleted). */
  keepCopies?: boolean;
  /**
   * Milliseconds from one call's start to the next (default: 50 on local, 0 on AWS). Local calls
   * take a few ms, so 400 of them would fit in one or two 1-second datapoints: pacing spreads
   * the experiment over ~20 s, and its charts show the rise and the plateau. AWS is slow enough.
   */
  paceMs?: number;
  /** How long to wait for the metrics to reach CloudWatch (default: 6 min on AWS, 30 s local). */
  metricsTimeoutMs?: number;
  /** Waits go through here (tests flush the local cloud's metrics in it). */
  sleep?: (ms: number) => Promise<void>;
}

export interface LatencyGroup {
  requests: number;
  p50Ms: number;
  meanMs: number;
}

interface PassResult {
  pass: number;
  /** Model numbers first..last, in order. */
  first: number;
  last: number;
  startedAt: Date;
  endedAt: Date;
  /** From ModelCacheHit; null when the metrics did not arrive in time. */
  hits: number | null;
  misses: number | null;
  hitRatio: number | null;
  /** Client-side round trips: a model's first call in this run vs the repeats. */
  latency: { firstCalls: LatencyGroup | null; repeats: LatencyGroup | null };
}

export interface CacheExperimentResult {
  endpoint: string;
  variant: string;
  instanceType?: string;
  createdEndpoint: boolean;
  deletedEndpoint: boolean;
  /** The copies, where they are and whether they were deleted at the end. */
  copies: { count: number; prefix: string; names: string; deleted: boolean };
  source: string;
  models: number;
  passes: PassResult[];
  plateau: { loadedModelCount: number | null; memoryUtilization: number | null; reachedAt: Date | null };
  metricsComplete: boolean;
  charts: MetricSeriesData[];
  warnings: string[];
}

/** The three passes: 0..n/2-1, 0..n/2-1, 0..n-1. */
export function experimentPasses(models: number): { first: number; last: number }[] {
  const half = Math.floor(models / 2);
  return [
    { first: 0, last: half - 1 },
    { first: 0, last: half - 1 },
    { first: 0, last: models - 1 },
  ].filter((p) => p.last >= p.first);
}

/** Hits and requests of each window [from, to) out of ModelCacheHit Sum and SampleCount points. */
export function passFigures(
  sums: readonly { timestamp: Date; value: number }[],
  counts: readonly { timestamp: Date; value: number }[],
  windows: readonly { from: number; to: number }[],
) {
  const within = (points: typeof sums, w: { from: number; to: number }) =>
    points
      .filter((p) => p.timestamp.getTime() >= w.from && p.timestamp.getTime() < w.to)
      .reduce((a, p) => a + p.value, 0);
  return windows.map((w) => {
    const hits = Math.round(within(sums, w));
    const requests = Math.round(within(counts, w));
    return { hits, misses: requests - hits, requests };
  });
}

export function latencyGroup(ms: readonly number[]): LatencyGroup | null {
  if (ms.length === 0) return null;
  const sorted = [...ms].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    requests: ms.length,
    p50Ms: round(sorted[Math.floor((sorted.length - 1) / 2)]!),
    meanMs: round(ms.reduce((a, b) => a + b, 0) / ms.length),
  };
}

const msText = (g: LatencyGroup | null) => (g ? `${g.p50Ms} ms` : '-');
const alignDown = (ms: number, seconds: number) => Math.floor(ms / (seconds * 1000)) * seconds * 1000;
const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runCacheExperiment(
  clients: Pick<Clients, 's3' | 'sageMaker' | 'sageMakerRuntime' | 'cloudWatch'>,
  reporter: Reporter,
  o: CacheExperimentOptions,
): Promise<CacheExperimentResult> {
  const [s3c, sm, rt, cw] = await Promise.all([
    clients.s3(),
    clients.sageMaker(),
    clients.sageMakerRuntime(),
    clients.cloudWatch(),
  ]);
  const sleep = o.sleep ?? defaultSleep;
  const resolution = METRIC_RESOLUTION_SECONDS[o.target];
  const pace = o.paceMs ?? (o.target === 'local' ? 50 : 0);
  const warnings: string[] = [];
  const targetModel = (i: number) => `${o.location}/${i}_${o.location}.tar.gz`;

  // 1. N copies of one model (before any endpoint: without a model there is nothing to host).
  const source = await findSource(s3c, sm, o);
  reporter.report({
    kind: 'start',
    id: 'copy',
    text: `Copying ${source} to ${o.models} models under ${s3(o.bucket, mmeLayout.prefix(o.prefix))}${o.location}/`,
  });
  let copied = 0;
  const copies = await runBounded(
    Array.from({ length: o.models }, (_, i) => i),
    8,
    async (i) => {
      await copyArtifact(s3c, source, o.bucket, `${mmeLayout.prefix(o.prefix)}${targetModel(i)}`);
      if (++copied % 20 === 0 || copied === o.models)
        reporter.report({ kind: 'update', id: 'copy', text: `Copied ${copied}/${o.models} models` });
    },
  );
  const failed = copies.find((c): c is PromiseRejectedResult => c.status === 'rejected');
  if (failed) {
    reporter.report({ kind: 'fail', id: 'copy', text: 'Copying the models failed' });
    throw failed.reason;
  }
  reporter.report({
    kind: 'succeed',
    id: 'copy',
    text: `${o.models} copies of ${o.location} under the prefix (${targetModel(0)} … ${targetModel(o.models - 1)})`,
  });

  // 2. The endpoint.
  const endpoint = o.instanceType ? await hostExperiment(sm, reporter, o, o.instanceType) : o.endpoint;
  const { variant, exists } = await endpointVariant(sm, endpoint);
  if (!exists)
    throw new MmeError('EndpointNotFound', `endpoint ${endpoint} does not exist`, {
      exitCode: ExitCode.NotFound,
      hint: 'Create it with `mme deploy`, or name another with --endpoint.',
    });

  // 3. The passes, each from a fresh storage slot.
  const seen = new Set<number>();
  const passes: Omit<PassResult, 'hits' | 'misses' | 'hitRatio'>[] = [];
  const plan = experimentPasses(o.models);
  const total = plan.reduce((a, p) => a + p.last - p.first + 1, 0);
  let done = 0;
  for (const [index, p] of plan.entries()) {
    const gap = alignDown(Date.now(), resolution) + resolution * 1000 + (resolution >= 60 ? 2000 : 50) - Date.now();
    if (resolution >= 60)
      reporter.report({
        kind: 'info',
        text: `Waiting ${Math.round(gap / 1000)} s so pass ${index + 1} starts in a CloudWatch minute of its own`,
      });
    await sleep(gap);
    const startedAt = new Date();
    const cold: number[] = [];
    const warm: number[] = [];
    const id = `pass${index + 1}`;
    for (let i = p.first; i <= p.last; i++) {
      // Every 10th call: plain (non-TTY) progress is one line per event.
      if ((i - p.first) % 10 === 0)
        reporter.report({
          kind: i === p.first ? 'start' : 'update',
          id,
          text: `Pass ${index + 1}/${plan.length}: ${i - p.first + 1}/${p.last - p.first + 1} (${targetModel(i)}; ${done}/${total} calls)`,
        });
      const started = performance.now();
      try {
        await rt.send(
          new InvokeEndpointCommand({
            EndpointName: endpoint,
            TargetModel: targetModel(i),
            ContentType: 'text/csv',
            Accept: 'application/json',
            Body: Buffer.from(EXPERIMENT_ROW),
          }),
        );
      } catch (err) {
        reporter.report({ kind: 'fail', id, text: `Pass ${index + 1}: ${targetModel(i)} failed` });
        throw invokeError(err, endpoint, targetModel(i), done);
      }
      const elapsed = performance.now() - started;
      (seen.has(i) ? warm : cold).push(elapsed);
      if (pace > elapsed) await sleep(pace - elapsed);
      seen.add(i);
      done++;
    }
    const latency = { firstCalls: latencyGroup(cold), repeats: latencyGroup(warm) };
    passes.push({ pass: index + 1, ...p, startedAt, endedAt: new Date(), latency });
    reporter.report({
      kind: 'succeed',
      id,
      text: `Pass ${index + 1}: models ${p.first}-${p.last}, ${p.last - p.first + 1} calls (first calls p50 ${msText(latency.firstCalls)}, repeats p50 ${msText(latency.repeats)})`,
    });
  }

  // 4. Wait for CloudWatch, then read the passes, the plateau and the charts.
  const from = alignDown(passes[0]!.startedAt.getTime(), resolution);
  const to = alignDown(passes.at(-1)!.endedAt.getTime(), resolution) + resolution * 1000;
  const window = { endpoint, variant, start: new Date(from), end: new Date(to), period: resolution };
  const metric = (name: string, stat: string): MetricDefinition => ({
    ...KNOWN_METRICS.find((m) => m.name === name)!,
    stat,
  });
  const exact = [
    metric('ModelCacheHit', 'Sum'),
    metric('ModelCacheHit', 'SampleCount'),
    metric('LoadedModelCount', 'Maximum'),
    metric('MemoryUtilization', 'Maximum'),
  ];
  const lastPassFrom = alignDown(passes.at(-1)!.startedAt.getTime(), resolution);
  const arrived = (s: MetricSeriesData[]) =>
    s[1]!.points.reduce((a, p) => a + p.value, 0) >= total &&
    s[2]!.points.some((p) => p.timestamp.getTime() >= lastPassFrom);
  const timeout = o.metricsTimeoutMs ?? (o.target === 'aws' ? 6 * 60_000 : 30_000);
  const deadline = Date.now() + timeout;
  reporter.report({
    kind: 'start',
    id: 'metrics',
    text: `Waiting for the metrics to reach CloudWatch${o.target === 'aws' ? ' (SageMaker publishes them after 1-3 minutes)' : ' (the local cloud forwards them every 5 s)'}`,
  });
  let series = await fetchMetrics(cw, exact, window);
  while (!arrived(series) && Date.now() < deadline) {
    const samples = Math.round(series[1]!.points.reduce((a, p) => a + p.value, 0));
    reporter.report({
      kind: 'update',
      id: 'metrics',
      text: `Waiting for the metrics to reach CloudWatch: ${samples}/${total} ModelCacheHit samples so far`,
    });
    await sleep(o.target === 'aws' ? 20_000 : 250);
    series = await fetchMetrics(cw, exact, window);
  }
  const metricsComplete = arrived(series);
  if (metricsComplete)
    reporter.report({ kind: 'succeed', id: 'metrics', text: `CloudWatch has all ${total} requests` });
  else {
    reporter.report({
      kind: 'fail',
      id: 'metrics',
      text: `CloudWatch did not have all the metrics after ${Math.round(timeout / 1000)} s`,
    });
    warnings.push(
      `the metrics were incomplete after ${Math.round(timeout / 1000)} s; the figures below may be short. Look again later with: mme metrics --endpoint ${endpoint} --since 30m`,
    );
  }
  const windows = passes.map((p) => ({
    from: alignDown(p.startedAt.getTime(), resolution),
    to: alignDown(p.endedAt.getTime(), resolution) + resolution * 1000,
  }));
  const figures = passFigures(series[0]!.points, series[1]!.points, windows);
  const results: PassResult[] = passes.map((p, i) => {
    const f = figures[i]!;
    const known = f.requests > 0;
    return {
      ...p,
      hits: known ? f.hits : null,
      misses: known ? f.misses : null,
      hitRatio: known ? f.hits / f.requests : null,
    };
  });
  if ((results[0]?.hits ?? 0) > 0)
    warnings.push(
      `${results[0]!.hits} calls of pass 1 hit models already loaded (an earlier run on ${endpoint}?); --instance-type runs on a fresh endpoint of its own`,
    );
  if (figures.some((f, i) => f.requests > passes[i]!.last - passes[i]!.first + 1))
    warnings.push(`other requests reached ${endpoint} during the experiment: the per-pass figures include them`);

  const countMax = series[2]!.points;
  const max = countMax.length ? Math.max(...countMax.map((p) => p.value)) : null;
  const memory = series[3]!.points.length ? Math.max(...series[3]!.points.map((p) => p.value)) : null;
  const reachedAt = max === null ? null : countMax.find((p) => p.value === max)!.timestamp;
  const chartPeriod = periodFor((to - from) / 1000, resolution);
  // The same statistic as the plateau printed above the charts (Maximum), so the figure printed
  // and the chart's top agree; with Average over coarser periods the chart would peak lower.
  const charts = await fetchMetrics(
    cw,
    [metric('LoadedModelCount', 'Maximum'), metric('MemoryUtilization', 'Maximum'), metric('ModelCacheHit', 'Average')],
    {
      ...window,
      start: new Date(alignDown(from, chartPeriod)),
      end: new Date(alignDown(to - 1, chartPeriod) + chartPeriod * 1000),
      period: chartPeriod,
    },
  );

  const deletedEndpoint =
    o.instanceType !== undefined && !o.keepEndpoint ? await deleteExperiment(sm, reporter, endpoint) : false;
  // The copies would stay listed under the prefix (and served) for good: they go unless kept.
  // Instances that loaded some keep them in memory until they evict them, which is harmless.
  const copiesPrefix = `${mmeLayout.prefix(o.prefix)}${o.location}/`;
  if (!o.keepCopies) {
    reporter.report({
      kind: 'start',
      id: 'copies',
      text: `Deleting the ${o.models} copies under ${s3(o.bucket, copiesPrefix)}`,
    });
    await deleteObjects(
      s3c,
      o.bucket,
      Array.from({ length: o.models }, (_, i) => `${mmeLayout.prefix(o.prefix)}${targetModel(i)}`),
    );
    reporter.report({ kind: 'succeed', id: 'copies', text: `Deleted the ${o.models} copies` });
  }
  return {
    endpoint,
    variant,
    ...(o.instanceType ? { instanceType: o.instanceType } : {}),
    createdEndpoint: o.instanceType !== undefined,
    deletedEndpoint,
    copies: {
      count: o.models,
      prefix: s3(o.bucket, copiesPrefix),
      names: `[0-9]*_${o.location}.tar.gz`,
      deleted: !o.keepCopies,
    },
    source,
    models: o.models,
    passes: results,
    plateau: { loadedModelCount: max, memoryUtilization: memory, reachedAt },
    metricsComplete,
    charts,
    warnings,
  };
}

/**
 * --dry-run: the requests a run would send, from the model it would copy (read from the target,
 * like the run does) and the options. The passes' InvokeEndpoint calls are one entry per pass
 * (TargetModel runs over the pass's range); the metrics reads in between are left out.
 */
export async function cacheExperimentRequests(
  clients: Pick<Clients, 's3' | 'sageMaker'>,
  o: CacheExperimentOptions,
): Promise<PlannedRequest[]> {
  const [s3c, sm] = await Promise.all([clients.s3(), clients.sageMaker()]);
  const source = await findSource(s3c, sm, o);
  const key = (i: number) => `${mmeLayout.prefix(o.prefix)}${o.location}/${i}_${o.location}.tar.gz`;
  const requests: PlannedRequest[] = Array.from({ length: o.models }, (_, i) => ({
    service: 'S3' as const,
    operation: 'CopyObject',
    input: { ...copyArtifactInput(source, o.bucket, key(i)) },
    note: 'up to 8 at once',
  }));
  const endpoint = o.instanceType ? EXPERIMENT_ENDPOINT_NAME : o.endpoint;
  if (o.instanceType) {
    const configName = `${EXPERIMENT_ENDPOINT_NAME}-<time in base 36>`;
    const exists = (await describeEndpoint(sm, EXPERIMENT_ENDPOINT_NAME)) !== undefined;
    requests.push(
      {
        service: 'SageMaker',
        operation: 'CreateEndpointConfig',
        input: {
          EndpointConfigName: configName,
          ProductionVariants: [
            {
              VariantName: VARIANT_NAME,
              ModelName: `<the model of ${o.endpoint}'s configuration>`,
              InstanceType: o.instanceType,
              InitialInstanceCount: 1,
              InitialVariantWeight: 1,
            },
          ],
          Tags: [{ Key: 'mme:step', Value: 'experiment' }],
        },
      },
      exists
        ? {
            service: 'SageMaker',
            operation: 'UpdateEndpoint',
            input: { EndpointName: endpoint, EndpointConfigName: configName },
          }
        : {
            service: 'SageMaker',
            operation: 'CreateEndpoint',
            input: {
              EndpointName: endpoint,
              EndpointConfigName: configName,
              Tags: [{ Key: 'mme:step', Value: 'experiment' }],
            },
          },
    );
  }
  for (const [index, p] of experimentPasses(o.models).entries())
    requests.push({
      service: 'SageMakerRuntime',
      operation: 'InvokeEndpoint',
      input: {
        EndpointName: endpoint,
        TargetModel: `${o.location}/{i}_${o.location}.tar.gz`,
        ContentType: 'text/csv',
        Accept: 'application/json',
        Body: EXPERIMENT_ROW,
      },
      note: `pass ${index + 1}: one call for each i from ${p.first} to ${p.last}, in order`,
    });
  if (o.instanceType && !o.keepEndpoint)
    requests.push(
      { service: 'SageMaker', operation: 'DeleteEndpoint', input: { EndpointName: endpoint } },
      {
        service: 'SageMaker',
        operation: 'DeleteEndpointConfig',
        input: { EndpointConfigName: `${EXPERIMENT_ENDPOINT_NAME}-<time in base 36>` },
      },
    );
  if (!o.keepCopies) {
    const keys = Array.from({ length: o.models }, (_, i) => key(i));
    for (let i = 0; i < keys.length; i += DELETE_BATCH)
      requests.push({
        service: 'S3',
        operation: 'DeleteObjects',
        input: deleteObjectsInput(o.bucket, keys.slice(i, i + DELETE_BATCH)),
      });
  }
  return requests;
}

/** The model to copy: the one already under the prefix, else the location's latest training output. */
async function findSource(
  s3c: Parameters<typeof headArtifact>[0],
  sm: Pick<SageMakerClient, 'send'>,
  o: CacheExperimentOptions,
): Promise<string> {
  const key = mmeLayout.key(o.prefix, o.location);
  if (await headArtifact(s3c, o.bucket, key)) return s3(o.bucket, key);
  const [trained] = await newestTrainedModels(sm, { locations: [o.location], prefix: o.prefix });
  if (trained) return trained.artifact;
  throw new MmeError(
    'ModelNotFound',
    `no ${o.location} model to copy: neither ${s3(o.bucket, key)} nor a completed training job for it`,
    {
      exitCode: ExitCode.NotFound,
      hint: `Train it first (mme train --locations ${o.location}), or pick another with --model.`,
    },
  );
}

/**
 * EXPERIMENT_ENDPOINT_NAME on `instanceType`, hosting the pipeline model of `o.endpoint`. A new
 * endpoint configuration every run: an existing endpoint is updated to it, which on SageMaker
 * (and locally) means new instances, so the experiment starts with nothing loaded.
 */
async function hostExperiment(
  sm: Pick<SageMakerClient, 'send'>,
  reporter: Reporter,
  o: CacheExperimentOptions,
  instanceType: string,
): Promise<string> {
  const name = EXPERIMENT_ENDPOINT_NAME;
  const call = async <T>(what: string, f: () => Promise<T>) =>
    f().catch((err: unknown) => {
      throw fromAwsError(err, what);
    });
  const from = await describeEndpoint(sm, o.endpoint);
  if (!from?.EndpointConfigName)
    throw new MmeError(
      'EndpointNotFound',
      `endpoint ${o.endpoint} does not exist: its model is what the experiment hosts`,
      { exitCode: ExitCode.NotFound, hint: 'Create it with `mme deploy`, or name another with --endpoint.' },
    );
  const config = await call(`describing ${from.EndpointConfigName}`, () =>
    sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: from.EndpointConfigName })),
  );
  const modelName = config.ProductionVariants?.[0]?.ModelName;
  if (!modelName)
    throw new MmeError('EndpointNotFound', `endpoint configuration ${from.EndpointConfigName} names no model`, {
      exitCode: ExitCode.NotFound,
    });
  const configName = `${name}-${Date.now().toString(36)}`;
  await call(`creating endpoint configuration ${configName}`, () =>
    sm.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: configName,
        ProductionVariants: [
          {
            VariantName: VARIANT_NAME,
            ModelName: modelName,
            InstanceType: instanceType as ProductionVariantInstanceType,
            InitialInstanceCount: 1,
            InitialVariantWeight: 1,
          },
        ],
        Tags: [{ Key: 'mme:step', Value: 'experiment' }],
      }),
    ),
  );
  const current = await describeEndpoint(sm, name);
  const id = 'experiment.endpoint';
  reporter.report({
    kind: 'start',
    id,
    text: `${current ? 'Updating' : 'Creating'} endpoint ${name} (1 × ${instanceType}, model ${modelName})`,
  });
  if (current && current.EndpointStatus !== 'InService') {
    reporter.report({ kind: 'fail', id, text: `Endpoint ${name} is ${current.EndpointStatus}` });
    throw new MmeError('EndpointBusy', `endpoint ${name} is ${current.EndpointStatus}`, {
      exitCode: ExitCode.Failure,
      hint: `Wait for it, or delete it: aws sagemaker delete-endpoint --endpoint-name ${name}`,
    });
  }
  if (current)
    await call(`updating endpoint ${name}`, () =>
      sm.send(new UpdateEndpointCommand({ EndpointName: name, EndpointConfigName: configName })),
    );
  else
    await call(`creating endpoint ${name}`, () =>
      sm.send(
        new CreateEndpointCommand({
          EndpointName: name,
          EndpointConfigName: configName,
          Tags: [{ Key: 'mme:step', Value: 'experiment' }],
        }),
      ),
    );
  await waitForEndpoint(sm, name, { state: 'InService', configName }, ENDPOINT_POLL[o.target], (s) =>
    reporter.report({ kind: 'update', id, text: `Endpoint ${name}: ${s}` }),
  );
  reporter.report({ kind: 'succeed', id, text: `Endpoint ${name} InService on ${instanceType}` });
  if (current?.EndpointConfigName?.startsWith(`${name}-`)) await deleteConfig(sm, current.EndpointConfigName);
  return name;
}

async function deleteExperiment(sm: Pick<SageMakerClient, 'send'>, reporter: Reporter, name: string): Promise<boolean> {
  const d = await describeEndpoint(sm, name);
  if (!d) return false;
  await sm.send(new DeleteEndpointCommand({ EndpointName: name })).catch((err: unknown) => {
    throw fromAwsError(err, `deleting endpoint ${name}`);
  });
  if (d.EndpointConfigName) await deleteConfig(sm, d.EndpointConfigName);
  reporter.report({
    kind: 'info',
    text: `Deleted endpoint ${name} and its configuration (its metrics stay in CloudWatch)`,
  });
  return true;
}

async function deleteConfig(sm: Pick<SageMakerClient, 'send'>, name: string): Promise<void> {
  await sm.send(new DeleteEndpointConfigCommand({ EndpointConfigName: name })).catch((err: unknown) => {
    if (!isMissing(err) && !/Could not find/i.test((err as Error)?.message ?? ''))
      throw fromAwsError(err, `deleting endpoint configuration ${name}`);
  });
}
