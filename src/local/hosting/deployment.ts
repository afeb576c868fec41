/**
 * A deployment: an endpoint configuration made real, i.e. its production variants, each with
 * InitialInstanceCount instances running the variant's model. Built whole before it serves, so
 * UpdateEndpoint can keep the old deployment serving until the new one is ready (SageMaker's
 * blue/green update), then swap.
 */
import { join } from 'node:path';
import type { ObjectStore } from '../store/object-store.js';
import { ServiceError } from '../service-error.js';
import { planContainers, type ContainerDefinition, type ContainerPlan } from './containers/index.js';
import type { EvictionPolicy } from '../../algorithms/cache/index.js';
import { instanceResources, type InstanceOverrides } from './instance-types.js';
import { EndpointInstance, type HostLogger } from './instance.js';
import type { ContainerLogSink } from './host-types.js';
import { variantMetrics, type MetricsRecorder, type VariantMetrics } from './metrics.js';
import { InstanceRouter, VariantRouter } from './routing.js';

/** One ProductionVariant of an endpoint configuration, with its model's containers resolved. */
export interface VariantSpec {
  VariantName: string;
  InstanceType: string;
  InitialInstanceCount: number;
  InitialVariantWeight?: number;
  model: { name?: string; containers: ContainerDefinition[] };
}

export interface HostedVariant {
  readonly name: string;
  readonly weight: number;
  readonly instanceType: string;
  readonly modelName?: string;
  readonly instances: EndpointInstance[];
  readonly router: InstanceRouter;
  readonly metrics: VariantMetrics;
  /** Has a MultiModel container: requests must name a TargetModel. */
  readonly multiModel: boolean;
}

export interface Deployment {
  readonly variants: HostedVariant[];
  readonly router: VariantRouter<HostedVariant>;
  readonly dir: string;
}

export interface DeploymentContext {
  endpointName: string;
  dir: string;
  store: ObjectStore;
  metrics: MetricsRecorder;
  now: () => Date;
  monotonicMs: () => number;
  random: () => number;
  instanceId: () => string;
  instanceOverrides: InstanceOverrides;
  modelOverheadBytes: number;
  cacheMemoryFraction: number;
  loadWaitLimitMs: number;
  evictionPolicy: () => EvictionPolicy;
  logger: HostLogger;
  containerLogs?: ContainerLogSink;
  beforeDownload?: (bucket: string, key: string) => Promise<void> | void;
}

const invalid = (message: string) => new ServiceError('ValidationException', message);
const safe = (name: string) => name.replace(/[^A-Za-z0-9-]/g, '_');

/** Check every variant before anything is built (ValidationException on the first problem). */
export function planVariants(variants: readonly VariantSpec[]): ContainerPlan[][] {
  if (variants.length === 0) throw invalid('An endpoint needs at least one production variant.');
  const names = new Set<string>();
  return variants.map((v) => {
    if (names.has(v.VariantName)) throw invalid(`Duplicate production variant name ${v.VariantName}.`);
    names.add(v.VariantName);
    if (!Number.isInteger(v.InitialInstanceCount) || v.InitialInstanceCount < 1) {
      throw invalid(`Production variant ${v.VariantName}: InitialInstanceCount must be an integer of at least 1.`);
    }
    return planContainers(v.model.containers, `the model of production variant ${v.VariantName}`);
  });
}

export function buildDeployment(
  variants: readonly VariantSpec[],
  plans: ContainerPlan[][],
  ctx: DeploymentContext,
): Deployment {
  const hosted = variants.map((spec, i): HostedVariant => {
    const resources = instanceResources(spec.InstanceType, ctx.instanceOverrides);
    if (!resources.known)
      ctx.logger.warn(
        `Instance type ${spec.InstanceType} is not in the local cloud's table; assuming ${resources.memoryBytes} bytes of memory.`,
      );
    const metrics = variantMetrics(ctx.metrics, ctx.endpointName, spec.VariantName);
    const instances = Array.from({ length: spec.InitialInstanceCount }, () => {
      const id = ctx.instanceId();
      return new EndpointInstance({
        id,
        endpointName: ctx.endpointName,
        variantName: spec.VariantName,
        resources,
        plans: plans[i]!,
        dir: join(ctx.dir, `${safe(spec.VariantName)}-${safe(id)}`),
        store: ctx.store,
        now: ctx.now,
        monotonicMs: ctx.monotonicMs,
        modelOverheadBytes: ctx.modelOverheadBytes,
        cacheMemoryFraction: ctx.cacheMemoryFraction,
        loadWaitLimitMs: ctx.loadWaitLimitMs,
        policy: ctx.evictionPolicy(),
        metrics,
        logger: ctx.logger,
        containerLogs: ctx.containerLogs,
        beforeDownload: ctx.beforeDownload,
      });
    });
    return {
      name: spec.VariantName,
      weight: spec.InitialVariantWeight ?? 1,
      instanceType: spec.InstanceType,
      modelName: spec.model.name,
      instances,
      router: new InstanceRouter(instances),
      metrics,
      multiModel: plans[i]!.some((p) => p.mode === 'MultiModel'),
    };
  });
  return { variants: hosted, router: new VariantRouter(hosted, ctx.random), dir: ctx.dir };
}

/** Start every instance (single models load now); throws the first DeployFailure. */
export async function startDeployment(deployment: Deployment): Promise<void> {
  await Promise.all(deployment.variants.flatMap((v) => v.instances.map((i) => i.start())));
  for (const v of deployment.variants) for (const i of v.instances) i.sampleGauges();
}

/**
 * Tear a deployment down once the requests it is serving have finished (an update or a delete
 * lets them complete, as SageMaker drains instances), or after `drainMs` at the latest.
 */
export async function disposeDeployment(deployment: Deployment, drainMs: number): Promise<void> {
  const instances = deployment.variants.flatMap((v) => v.instances);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(instances.map((i) => i.idle())),
    new Promise((resolve) => (timer = setTimeout(resolve, drainMs))),
  ]);
  clearTimeout(timer);
  await Promise.all(deployment.variants.flatMap((v) => v.instances.map((i) => i.dispose())));
}
