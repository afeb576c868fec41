/**
 * One instance of a production variant: its containers (the model's pipeline), and, when one of
 * them is MultiModel, its disk tier and memory cache sized from the instance type. Instances of a
 * variant share nothing, as on SageMaker: each downloads and loads its own copy of a model.
 *
 * Memory: the multi-model cache may use `cacheMemoryFraction` of the instance's memory (default
 * 0.8: SageMaker's MME plateau in docs/aws-behaviour.md#multi-model-caching sits near 79%
 * MemoryUtilization). Utilisation reports single-model containers' bytes plus the cache's. Disk:
 * the whole volume is the tier's.
 */
import type { ObjectStore } from '../store/object-store.js';
import {
  MultiModelContainer,
  SingleModelContainer,
  type Container,
  type ContainerPlan,
  type NativeModel,
} from './containers/index.js';
import { DiskTier } from './disk-tier.js';
import type { EvictionPolicy } from '../../algorithms/cache/index.js';
import type { InstanceResources } from './instance-types.js';
import { figuresFor, type VariantMetrics } from './metrics.js';
import { ModelCache } from './model-cache.js';
import type { ContainerLogSink } from './host-types.js';
import { logGroupName } from './errors.js';
import type { InstanceStatus } from '../../formats/endpoint-status.js';

export interface HostLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface InstanceSetup {
  id: string;
  endpointName: string;
  variantName: string;
  resources: InstanceResources;
  plans: readonly ContainerPlan[];
  /** This instance's "volume" (the disk tier's files). */
  dir: string;
  store: ObjectStore;
  now: () => Date;
  monotonicMs: () => number;
  modelOverheadBytes: number;
  cacheMemoryFraction: number;
  loadWaitLimitMs: number;
  policy: EvictionPolicy;
  metrics: VariantMetrics;
  logger: HostLogger;
  /** Where the containers' lines go (stream {variant}/{instance}[/{container}]). */
  containerLogs?: ContainerLogSink;
  beforeDownload?: (bucket: string, key: string) => Promise<void> | void;
}

export class EndpointInstance {
  readonly id: string;
  readonly resources: InstanceResources;
  readonly containers: Container[];
  readonly disk?: DiskTier;
  readonly cache?: ModelCache<NativeModel>;
  /** Requests being served now: the router's measure of load. */
  inFlight = 0;
  invocations = 0;
  private readonly warned = new Set<string>();
  /** Target models of requests routed here and not finished: they will be (or are) loaded here. */
  private readonly routed = new Map<string, number>();
  private idleWaiters: (() => void)[] = [];
  /** Each container's log stream, by container name (docs/aws-behaviour.md#logs). */
  private readonly streams = new Map<string, string>();
  private readonly logGroup: string;

  constructor(private readonly setup: InstanceSetup) {
    this.id = setup.id;
    this.resources = setup.resources;
    const { metrics, logger } = setup;
    this.logGroup = logGroupName(setup.endpointName);
    for (const p of setup.plans)
      this.streams.set(p.name, `${setup.variantName}/${setup.id}${p.logName ? `/${p.logName}` : ''}`);
    const multiModel = setup.plans.find((p) => p.mode === 'MultiModel')?.name;
    const mmLog = (line: string) => multiModel !== undefined && this.log(multiModel, line);
    if (setup.plans.some((p) => p.mode === 'MultiModel')) {
      this.disk = new DiskTier({
        dir: setup.dir,
        budgetBytes: setup.resources.diskBytes,
        store: setup.store,
        monotonicMs: setup.monotonicMs,
        beforeDownload: setup.beforeDownload,
        onStale: (bucket, key, diskEtag, storeEtag) => {
          const once = `${bucket}/${key}@${storeEtag}`;
          if (this.warned.has(once)) return;
          this.warned.add(once);
          logger.warn(
            `Endpoint ${setup.endpointName} (${setup.variantName}, ${this.id}): s3://${bucket}/${key} ` +
              (storeEtag ? `was overwritten (ETag ${diskEtag} → ${storeEtag})` : 'was deleted') +
              ' after this instance downloaded it; the instance keeps serving its copy on disk, as SageMaker may. Give new model versions new names.',
          );
        },
      });
      this.cache = new ModelCache<NativeModel>({
        budgetBytes: Math.floor(setup.resources.memoryBytes * setup.cacheMemoryFraction),
        policy: setup.policy,
        now: setup.now,
        monotonicMs: setup.monotonicMs,
        onUnload: (key, _size, micros, reason) => {
          mmLog(
            `Unloaded model ${key}${reason === 'evicted' ? ' to free memory for other models' : ''} (${(micros / 1000).toFixed(1)} ms)`,
          );
          metrics.modelUnloadingTime.add(micros);
          if (reason === 'evicted') figuresFor(metrics.models, key).evictions++;
          this.sampleGauges();
        },
      });
    }
    this.containers = setup.plans.map((plan) =>
      plan.mode === 'SingleModel'
        ? new SingleModelContainer(
            { ...plan, variantName: setup.variantName },
            setup.store,
            setup.monotonicMs,
            setup.modelOverheadBytes,
          )
        : new MultiModelContainer(
            {
              name: plan.name,
              algorithm: plan.algorithm,
              prefix: plan.prefix,
              environment: plan.environment,
              cacheEnabled: plan.cacheEnabled,
            },
            {
              disk: this.disk!,
              cache: this.cache!,
              monotonicMs: setup.monotonicMs,
              overheadBytes: setup.modelOverheadBytes,
              loadWaitLimitMs: setup.loadWaitLimitMs,
              events: {
                downloaded: (target, micros) => {
                  mmLog(
                    `Downloaded model ${target} from s3://${plan.prefix.bucket}/${plan.prefix.key}${target} (${(micros / 1000).toFixed(1)} ms)`,
                  );
                  metrics.modelDownloadingTime.add(micros);
                },
                loaded: (target, micros) => {
                  mmLog(`Loaded model ${target} (${(micros / 1000).toFixed(1)} ms)`);
                  metrics.modelLoadingTime.add(micros);
                  figuresFor(metrics.models, target).loads++;
                  // Sampled once the cache has admitted the model (after this callback returns).
                  queueMicrotask(() => this.sampleGauges());
                },
                warn: (message) => {
                  mmLog(message);
                  logger.warn(`Endpoint ${setup.endpointName} (${setup.variantName}, ${this.id}): ${message}`);
                },
              },
            },
          ),
    );
  }

  /** Start the containers: single models load now (CreateEndpoint); throws DeployFailure. */
  async start(): Promise<void> {
    for (const [i, c] of this.containers.entries()) {
      const plan = this.setup.plans[i]!;
      this.log(
        c.name,
        plan.mode === 'MultiModel'
          ? `Starting the ${c.algorithm} multi-model container: models load from s3://${plan.prefix.bucket}/${plan.prefix.key} on first use`
          : `Starting the ${c.algorithm} container with model data ${plan.modelDataUrl}`,
      );
      try {
        await c.load?.();
      } catch (err) {
        this.log(c.name, `The container failed to start: ${(err as Error)?.message ?? err}`);
        throw err;
      }
      if (c.load) this.log(c.name, 'Model loaded; the container is serving');
    }
  }

  /** A line of a container's log. Logging never fails the caller. */
  log(container: string, line: string): void {
    const stream = this.streams.get(container);
    if (stream !== undefined) this.setup.containerLogs?.put(this.logGroup, stream, [line]);
  }

  /** An invocation's container error, in that container's log (the ModelError points there). */
  readonly logContainerError = (container: string, status: number, message: string): void => {
    this.log(container, `Invocation error (${status}): ${message}`);
  };

  /**
   * Loaded, loading, or about to load here: routing keeps a model's requests on the instances
   * that have it, including requests that arrive while the first one is still in the preprocessor.
   */
  hasModel(targetModel: string): boolean {
    return this.routed.has(targetModel) || (this.cache?.has(targetModel) ?? false);
  }

  /** A request for `targetModel` was routed here (undefined: no multi-model). Call `done` after. */
  begin(targetModel: string | undefined): void {
    this.inFlight++;
    if (targetModel !== undefined) this.routed.set(targetModel, (this.routed.get(targetModel) ?? 0) + 1);
  }

  done(targetModel: string | undefined): void {
    this.inFlight--;
    this.invocations++;
    if (this.inFlight === 0 && this.idleWaiters.length > 0) {
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
    if (targetModel === undefined) return;
    const n = (this.routed.get(targetModel) ?? 1) - 1;
    if (n === 0) this.routed.delete(targetModel);
    else this.routed.set(targetModel, n);
  }

  memoryUsedBytes(): number {
    let bytes = this.cache?.usedBytes ?? 0;
    for (const c of this.containers) bytes += c.memoryBytes;
    return bytes;
  }

  /** LoadedModelCount, MemoryUtilization, DiskUtilization of this instance, now. */
  sampleGauges(atMs?: number): void {
    const m = this.setup.metrics;
    if (this.cache) m.loadedModelCount.add(this.cache.loadedCount, atMs);
    m.memoryUtilization.add((100 * this.memoryUsedBytes()) / this.resources.memoryBytes, atMs);
    m.diskUtilization.add(this.disk ? (100 * this.disk.usedBytes) / this.resources.diskBytes : 0, atMs);
  }

  status(): InstanceStatus {
    const used = this.memoryUsedBytes();
    const diskUsed = this.disk?.usedBytes ?? 0;
    return {
      instanceId: this.id,
      instanceType: this.resources.instanceType,
      inFlight: this.inFlight,
      invocations: this.invocations,
      memory: {
        totalBytes: this.resources.memoryBytes,
        cacheBudgetBytes: this.cache?.budgetBytes ?? 0,
        usedBytes: used,
        utilization: (100 * used) / this.resources.memoryBytes,
      },
      disk: {
        totalBytes: this.resources.diskBytes,
        usedBytes: diskUsed,
        utilization: (100 * diskUsed) / this.resources.diskBytes,
        files: this.disk?.fileCount ?? 0,
      },
      loadedModels: this.cache?.list() ?? [],
    };
  }

  /** Resolves when no request is being served here (before the instance is torn down). */
  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async dispose(): Promise<void> {
    this.cache?.clear();
    await this.disk?.dispose();
  }
}
