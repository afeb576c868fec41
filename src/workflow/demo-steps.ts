/**
 * The demo's steps that are more than one call to a workflow function: deploying exactly the demo's
 * models, adding the held-out one on a re-run, waiting for the metrics, retrying while IAM propagates.
 */
import { performance } from 'node:perf_hooks';
import { algorithmSpec } from '../algorithms/registry.js';
import type { Clients } from '../aws/clients.js';
import { ExitCode, MmeError, fromAwsError } from '../errors.js';
import { drawHouse, formatFeatures } from '../housing/generator.js';
import { resolveLocations } from '../housing/locations.js';
import { Rng } from '../housing/rng.js';
import { addModel, invokeOnce, testRow, type AddModelResult } from './add-model.js';
import { applyDeploy, inspectDeploy, type DeployOptions, type DeployResult } from './deploy.js';
import { mmeLayout } from './endpoint-requests.js';
import {
  KNOWN_METRICS,
  endpointVariant,
  fetchMetrics,
  periodFor,
  type MetricDefinition,
  type MetricSeriesData,
} from './metrics.js';
import type { Reporter } from './reporter.js';
import { DEMO_LOCATIONS, HELD_OUT } from './demo-report.js';
import type { DemoOptions, DemoAdded, DemoMetrics } from './demo-report.js';
import { DEFAULT_HOSTING_INSTANCE_TYPE } from './defaults.js';

/** Seconds since a performance.now() reading, to 2 decimals. */
export const seconds = (since: number) => Math.round((performance.now() - since) / 10) / 100;

/** Where the demo's algorithm keeps its models: apart from the data and from the other algorithms' models. */
export const demoModelPrefix = (o: Pick<DemoOptions, 'prefix' | 'algorithm'>) =>
  algorithmSpec(o.algorithm).modelPrefix(o.prefix);

/**
 * Deploy the demo's 3 models: every other location that has a trained model (an earlier `mme
 * train --locations 10`?) is held out too, so the endpoint serves what the demo trained, behind
 * the one preprocessor they share.
 */
export async function deploy(
  clients: Pick<Clients, 's3' | 'sageMaker'>,
  reporter: Reporter,
  o: DemoOptions,
): Promise<DeployResult> {
  const wanted = DEMO_LOCATIONS.filter((l) => l !== HELD_OUT);
  const d: DeployOptions = {
    bucket: o.bucket,
    prefix: demoModelPrefix(o),
    ...(o.algorithm ? { algorithm: o.algorithm } : {}),
    region: o.region,
    roleArn: o.roleArn,
    endpoint: o.endpoint,
    holdOut: resolveLocations(10).filter((l) => !wanted.includes(l)),
    instanceType: DEFAULT_HOSTING_INSTANCE_TYPE,
    instanceCount: 1,
    poll: o.endpointPoll,
  };
  let plan = await inspectDeploy(clients, d);
  const others = plan.copies.map((c) => c.location).filter((l) => !wanted.includes(l));
  if (others.length > 0) plan = await inspectDeploy(clients, { ...d, holdOut: [...d.holdOut, ...others] });
  const result = await applyDeploy(clients, reporter, plan, d);
  return { ...result, heldOut: result.heldOut.filter((l) => DEMO_LOCATIONS.includes(l)) };
}

/** `n` target models drawn from `models`: each at least once (so each shows a cold call), in a random order. */
export function drawModels(models: readonly string[], n: number, rng: Rng): string[] {
  const drawn = [...models.slice(0, n)];
  while (drawn.length < n) drawn.push(rng.choice(models));
  for (let i = drawn.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [drawn[i], drawn[j]] = [drawn[j]!, drawn[i]!];
  }
  return drawn;
}

/**
 * add-model refuses to overwrite a key that holds another artifact (ModelExists, with the
 * existing copy's source in its detail); the same artifact is "already added". On a re-run:
 * - the same artifact is there: already done; add-model still invokes it to show it answers;
 * - another copy (an earlier run's model): when deploy just created or updated the endpoint, no
 *   instance has loaded the old copy, so overwriting is safe (--force); otherwise keep it.
 */
export async function addHeldOut(
  clients: Pick<Clients, 's3' | 'sageMaker' | 'sageMakerRuntime'>,
  reporter: Reporter,
  o: DemoOptions,
  source: string | undefined,
  deployAction: DeployResult['action'],
): Promise<DemoAdded> {
  // No artifact given: add-model takes the location's latest trained model, this run's `source`.
  const base = {
    bucket: o.bucket,
    prefix: demoModelPrefix(o),
    endpoint: o.endpoint,
    location: HELD_OUT,
    name: HELD_OUT,
  };
  const fromResult = (r: AddModelResult, status: DemoAdded['status']): DemoAdded => ({
    targetModel: r.targetModel,
    status,
    source: r.source,
    addModel: r,
    ...(r.invocation
      ? {
          invocation: {
            features: r.invocation.features,
            prediction: r.invocation.prediction ?? null,
            latencyMs: r.invocation.latencyMs,
          },
        }
      : {}),
  });
  try {
    const added = await addModel(clients, reporter, { ...base, force: false });
    return fromResult(added, added.alreadyAdded ? 'present' : 'added');
  } catch (err) {
    if (!(err instanceof MmeError) || err.code !== 'ModelExists') throw err;
    const existing = err.detail?.existingSource as string | null | undefined;
    if (deployAction !== 'unchanged') {
      reporter.report({
        kind: 'info',
        text: `${HELD_OUT} is under the prefix from an earlier run; endpoint ${o.endpoint} was just ${deployAction === 'update' ? 'updated' : 'created'}, so no instance has it loaded: replacing it`,
      });
      return fromResult(await addModel(clients, reporter, { ...base, force: true }), 'replaced');
    }
    reporter.report({
      kind: 'warn',
      text: `${HELD_OUT} is under the prefix from ${existing ?? 'elsewhere'}: kept (the endpoint may have it loaded)`,
    });
    const s3c = await clients.s3();
    const features =
      (await testRow(s3c, o.bucket, HELD_OUT)) ?? formatFeatures(drawHouse(new Rng(o.seed, 'demo', HELD_OUT)));
    const targetModel = mmeLayout.targetModel(HELD_OUT);
    const inv = await invokeOnce(clients, o.endpoint, targetModel, features);
    return {
      targetModel,
      status: 'kept',
      source: existing ?? source ?? '',
      invocation: { features, prediction: inv.prediction ?? null, latencyMs: inv.latencyMs },
    };
  }
}

/**
 * Wait (bounded) until CloudWatch has the run's invocations (ModelCacheHit samples) and a
 * LoadedModelCount after the last one, then read the three charts. The local cloud forwards its
 * endpoint metrics every 5 s and the CLI cannot make it flush; SageMaker takes 1-3 minutes.
 */
export async function readMetrics(
  clients: Pick<Clients, 'sageMaker' | 'cloudWatch'>,
  reporter: Reporter,
  o: DemoOptions,
  run: { from: number; last: number; calls: number },
  sleep: (ms: number) => Promise<void>,
): Promise<DemoMetrics> {
  const { calls } = run;
  const [sm, cw] = await Promise.all([clients.sageMaker(), clients.cloudWatch()]);
  const resolution = o.target === 'local' ? 1 : 60;
  const align = (ms: number) => Math.floor(ms / (resolution * 1000)) * resolution * 1000;
  const { variant } = await endpointVariant(sm, o.endpoint);
  const start = new Date(align(run.from));
  const windowOf = () => ({
    endpoint: o.endpoint,
    variant,
    start,
    end: new Date(align(Date.now()) + resolution * 1000),
    period: resolution,
  });
  const metric = (name: string, stat: string): MetricDefinition => ({
    ...KNOWN_METRICS.find((m) => m.name === name)!,
    stat,
  });
  const probe = [metric('ModelCacheHit', 'SampleCount'), metric('LoadedModelCount', 'Maximum')];
  const arrived = (s: MetricSeriesData[]) =>
    s[0]!.points.reduce((a, p) => a + p.value, 0) >= calls &&
    s[1]!.points.some((p) => p.timestamp.getTime() >= align(run.last));

  const timeout = o.metricsTimeoutMs ?? (o.target === 'local' ? 20_000 : 5 * 60_000);
  const how =
    o.target === 'local' ? 'the local cloud forwards them every 5 s' : 'SageMaker publishes them after 1-3 minutes';
  const began = performance.now();
  const id = 'demo.metrics.wait';
  reporter.report({ kind: 'start', id, text: `Waiting for the metrics to reach CloudWatch (${how})` });
  let probed = await fetchMetrics(cw, probe, windowOf());
  while (!arrived(probed) && performance.now() - began < timeout) {
    const samples = Math.round(probed[0]!.points.reduce((a, p) => a + p.value, 0));
    reporter.report({
      kind: 'update',
      id,
      text: `Waiting for the metrics to reach CloudWatch (${how}): ${samples}/${calls} invocations so far`,
    });
    await sleep(o.target === 'local' ? 500 : 20_000);
    probed = await fetchMetrics(cw, probe, windowOf());
  }
  const complete = arrived(probed);
  const waitedSeconds = seconds(began);
  const note = complete
    ? `waited ${waitedSeconds} s for them: ${how}`
    : `after ${Math.round(timeout / 1000)} s CloudWatch had only part of them (${how}); look again with: mme metrics --since 10m${o.target === 'local' ? ' --period 1' : ''}`;
  reporter.report({
    kind: complete ? 'succeed' : 'warn',
    id,
    text: complete ? `CloudWatch has the metrics of all ${calls} invocations (waited ${waitedSeconds} s)` : note,
  });

  const window = windowOf();
  const period = periodFor((window.end.getTime() - window.start.getTime()) / 1000, resolution);
  const chartWindow = {
    ...window,
    start: new Date(Math.floor(window.start.getTime() / (period * 1000)) * period * 1000),
    period,
  };
  const series = await fetchMetrics(
    cw,
    ['LoadedModelCount', 'MemoryUtilization', 'ModelCacheHit'].map((n) => metric(n, 'Average')),
    chartWindow,
  );
  return {
    endpoint: o.endpoint,
    variant,
    start: chartWindow.start,
    end: chartWindow.end,
    period,
    series,
    complete,
    waitedSeconds,
    note,
  };
}

/** Retry while access is denied, for up to `ms` (IAM's propagation on AWS); 0: once. */
export async function eventually<T>(
  fn: () => Promise<T>,
  ms: number,
  sleep: (ms: number) => Promise<void>,
): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      const denied =
        err instanceof MmeError
          ? err.exitCode === ExitCode.AccessDenied
          : fromAwsError(err).exitCode === ExitCode.AccessDenied;
      if (!denied || performance.now() >= deadline) throw err;
      await sleep(3_000);
    }
  }
}
