/**
 * The endpoint host: the data plane of SageMaker hosting. The control plane (CreateEndpoint,
 * UpdateEndpoint, DeleteEndpoint) calls `deploy` and `undeploy`; SageMaker Runtime's InvokeEndpoint
 * calls `invoke`; DescribeEndpoint and `mme` read `status`; CloudWatch reads `metrics`.
 *
 * Endpoint states: Creating → InService | Failed (deploy); an update keeps the old deployment
 * serving (Updating) until the new one is InService, and rolls back to it if the new one fails,
 * as SageMaker does. Endpoints live in memory: the control plane redeploys after a restart.
 *
 * Per-model memory overhead (modelOverheadBytes, default 108 MiB): on SageMaker a loaded model
 * costs far more than its weights (a model-server worker per model); 108 MiB is calibrated so an
 * ml.m4.xlarge (16 GiB, 80% for models) levels off at 121 loaded models near 80% memory, as the
 * cache experiment of docs/aws-behaviour.md#multi-model-caching did on AWS. Experiments may shrink it and the instance.
 */
import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ServiceError } from '../service-error.js';
import type { ObjectStore } from '../store/object-store.js';
import type { ContainerResponse, InvocationContext } from './containers/index.js';
import { DeployFailure } from './containers/index.js';
import {
  buildDeployment,
  disposeDeployment,
  planVariants,
  startDeployment,
  type Deployment,
  type HostedVariant,
} from './deployment.js';
import { endpointNotFound, missingTargetModel, notMultiModel } from './errors.js';
import { createPolicy, type EvictionPolicy } from '../../algorithms/cache/index.js';
import { instanceResources } from './instance-types.js';
import type { EndpointInstance, HostLogger } from './instance.js';
import { MetricsRecorder } from './metrics.js';
import type { EndpointState, EndpointStatus } from '../../formats/endpoint-status.js';
import type { EndpointHostOptions, EndpointSpec, InvokeRequest, InvokeResult } from './host-types.js';
import { recordFailure, recordSuccess } from './invocation-metrics.js';
import { runPipeline } from './pipeline.js';
import { validateTargetModel } from './target-model.js';

export type { EndpointHostOptions, EndpointSpec, InvokeRequest, InvokeResult } from './host-types.js';

interface HostedEndpoint {
  name: string;
  arn: string;
  accountId: string;
  state: EndpointState;
  failureReason?: string;
  serving?: Deployment;
  pending?: Deployment;
  creationTime: Date;
  lastModifiedTime: Date;
}

const MiB = 1024 * 1024;
const key = (name: string) => name.toLowerCase();
const accountOf = (arn: string) => /^arn:[^:]+:sagemaker:[^:]*:(\d{12}):/.exec(arn)?.[1] ?? '';
const defaultInstanceId = () => `i-${randomBytes(9).toString('hex').slice(0, 17)}`;
const silent: HostLogger = { info: () => {}, warn: () => {} };

export class EndpointHost {
  readonly metrics: MetricsRecorder;
  private readonly endpoints = new Map<string, HostedEndpoint>();
  private readonly workDir: string;
  private readonly ownsWorkDir: boolean;
  private readonly now: () => Date;
  private readonly monotonicMs: () => number;
  private readonly logger: HostLogger;
  private swept?: Promise<void>;

  constructor(
    private readonly store: ObjectStore,
    private readonly options: EndpointHostOptions = {},
  ) {
    this.ownsWorkDir = options.workDir === undefined;
    this.workDir = options.workDir ?? join(tmpdir(), `mme-hosting-${process.pid}-${randomBytes(4).toString('hex')}`);
    this.now = options.now ?? (() => new Date());
    this.monotonicMs = options.monotonicMs ?? (() => performance.now());
    this.logger = options.logger ?? silent;
    this.metrics = options.metrics ?? new MetricsRecorder({ now: this.now });
    instanceResources('ml.m5.large', options.instance); // bad overrides fail here, not mid-deployment
  }

  /**
   * Create or update an endpoint. Invalid specs throw a ValidationException at once; otherwise the
   * promise settles when the endpoint is InService or Failed (it does not throw for Failed: read
   * the returned status). The control plane may leave it running and poll `status`.
   */
  async deploy(spec: EndpointSpec): Promise<EndpointStatus> {
    const plans = planVariants(spec.variants);
    const evictionPolicy = this.policyFactory();
    let endpoint = this.endpoints.get(key(spec.name));
    if (endpoint && (endpoint.state === 'Creating' || endpoint.state === 'Updating')) {
      throw new ServiceError('ValidationException', `Cannot update in-progress endpoint "${endpoint.arn}".`);
    }
    const at = this.now();
    if (!endpoint) {
      endpoint = {
        name: spec.name,
        arn: spec.arn,
        accountId: accountOf(spec.arn),
        state: 'Creating',
        creationTime: at,
        lastModifiedTime: at,
      };
      this.endpoints.set(key(spec.name), endpoint);
    } else {
      endpoint.state = endpoint.serving ? 'Updating' : 'Creating';
      endpoint.lastModifiedTime = at;
    }
    endpoint.failureReason = undefined;
    let deployment: Deployment;
    try {
      await (this.swept ??= this.sweepWorkDir());
      deployment = buildDeployment(spec.variants, plans, {
        endpointName: spec.name,
        dir: join(this.workDir, `${key(spec.name).replace(/[^a-z0-9-]/g, '_')}-${randomBytes(4).toString('hex')}`),
        store: this.store,
        metrics: this.metrics,
        now: this.now,
        monotonicMs: this.monotonicMs,
        random: this.options.random ?? Math.random,
        instanceId: this.options.instanceIds ?? defaultInstanceId,
        instanceOverrides: this.options.instance ?? {},
        modelOverheadBytes: this.options.modelOverheadBytes ?? 108 * MiB,
        cacheMemoryFraction: this.options.cacheMemoryFraction ?? 0.8,
        loadWaitLimitMs: this.options.modelLoadWaitLimitMs ?? 60_000,
        evictionPolicy,
        logger: this.logger,
        containerLogs: this.options.containerLogs,
        beforeDownload: this.options.beforeDownload,
      });
    } catch (err) {
      // Nothing was built: the endpoint goes back to what it was.
      if (!endpoint.serving) this.endpoints.delete(key(spec.name));
      else endpoint.state = 'InService';
      throw err;
    }
    endpoint.pending = deployment;
    let failure: string | undefined;
    try {
      await startDeployment(deployment);
    } catch (err) {
      if (!(err instanceof DeployFailure))
        this.logger.warn(`Endpoint ${spec.name} failed to start: ${(err as Error)?.stack ?? String(err)}`);
      failure =
        err instanceof DeployFailure
          ? err.reason
          : `The endpoint could not start: ${(err as Error)?.message ?? String(err)}`;
    }
    // Undeployed (or redeployed) meanwhile: this deployment is no longer wanted.
    if (this.endpoints.get(key(spec.name)) !== endpoint || endpoint.pending !== deployment) {
      await this.dispose(deployment);
      return this.status(spec.name) ?? this.describe(endpoint);
    }
    endpoint.pending = undefined;
    endpoint.lastModifiedTime = this.now();
    if (failure !== undefined) {
      await this.dispose(deployment);
      endpoint.failureReason = failure;
      // A failed update rolls back to the deployment that was serving.
      endpoint.state = endpoint.serving ? 'InService' : 'Failed';
      this.logger.warn(`Endpoint ${spec.name}: ${failure}`);
    } else {
      const previous = endpoint.serving;
      endpoint.serving = deployment;
      endpoint.state = 'InService';
      if (previous) await this.dispose(previous);
      this.logger.info(`Endpoint ${spec.name} is InService`);
    }
    return this.describe(endpoint);
  }

  /** DeleteEndpoint: stop serving at once and free the instances. False if unknown. */
  async undeploy(name: string): Promise<boolean> {
    const endpoint = this.endpoints.get(key(name));
    if (!endpoint) return false;
    this.endpoints.delete(key(name));
    endpoint.pending = undefined;
    if (endpoint.serving) await this.dispose(endpoint.serving);
    return true;
  }

  /**
   * InvokeEndpoint: synchronous when every container can answer at once (models in memory), a
   * promise only when a model must load, so a warm request allocates no promise per container.
   * Errors found before any container runs are thrown, not returned as a rejected promise.
   */
  serve(request: InvokeRequest): InvokeResult | Promise<InvokeResult> {
    const endpoint = this.endpoints.get(key(request.endpointName));
    const deployment = endpoint?.serving;
    // SageMaker answers "not found" for an endpoint that is not serving (Creating, Failed) too.
    if (!endpoint || !deployment || endpoint.accountId !== request.accountId)
      throw endpointNotFound(request.endpointName, request.accountId);
    const started = this.monotonicMs();
    const variant = deployment.router.pick(request.targetVariant, endpoint.name);
    const context: InvocationContext = {
      targetModel: undefined,
      modelMicros: 0,
      loadWaitMicros: 0,
      cacheHit: undefined,
    };
    try {
      if (request.targetModel !== undefined) {
        if (!variant.multiModel) throw notMultiModel(endpoint.name);
        context.targetModel = validateTargetModel(request.targetModel);
      } else if (variant.multiModel) {
        throw missingTargetModel(request.requestId);
      }
    } catch (err) {
      recordFailure(variant, undefined, context, err);
      throw err;
    }
    const instance = variant.router.pick(context.targetModel);
    instance.begin(context.targetModel);
    let out: ContainerResponse | Promise<ContainerResponse>;
    try {
      out = runPipeline(
        instance.containers,
        request.body.toString('utf8'),
        request.contentType,
        request.accept,
        context,
        {
          endpointName: endpoint.name,
          region: request.region,
          accountId: request.accountId,
          onContainerError: instance.logContainerError,
        },
      );
    } catch (err) {
      this.failed(variant, instance, context, err);
      throw err;
    }
    if (out instanceof Promise) {
      return out.then(
        (res) => this.succeeded(variant, instance, context, started, res, request.customAttributes),
        (err: unknown) => {
          this.failed(variant, instance, context, err);
          throw err;
        },
      );
    }
    return this.succeeded(variant, instance, context, started, out, request.customAttributes);
  }

  private succeeded(
    variant: HostedVariant,
    instance: EndpointInstance,
    context: InvocationContext,
    started: number,
    out: ContainerResponse,
    customAttributes: string | undefined,
  ): InvokeResult {
    try {
      recordSuccess(variant, instance, context, this.monotonicMs() - started, this.now());
    } finally {
      instance.done(context.targetModel);
    }
    return {
      body: Buffer.from(out.body, 'utf8'),
      contentType: out.contentType,
      invokedProductionVariant: variant.name,
      customAttributes,
    };
  }

  private failed(variant: HostedVariant, instance: EndpointInstance, context: InvocationContext, err: unknown): void {
    try {
      recordFailure(variant, instance, context, err);
    } finally {
      instance.done(context.targetModel);
    }
  }

  status(name: string): EndpointStatus | undefined {
    const endpoint = this.endpoints.get(key(name));
    return endpoint && this.describe(endpoint);
  }

  list(): EndpointStatus[] {
    return [...this.endpoints.values()].map((e) => this.describe(e));
  }

  /** Free every endpoint's instances (the local cloud is closing). */
  /**
   * Sample every instance's gauges (LoadedModelCount, MemoryUtilization, DiskUtilization) now.
   * Invocations sample them too, but SageMaker publishes them every minute whether or not
   * traffic comes, so the local cloud calls this before each metrics flush.
   */
  sampleGauges(): void {
    for (const endpoint of this.endpoints.values()) {
      for (const variant of endpoint.serving?.variants ?? [])
        for (const instance of variant.instances) instance.sampleGauges();
    }
  }

  async close(): Promise<void> {
    const all = [...this.endpoints.values()];
    this.endpoints.clear();
    for (const e of all) if (e.serving) await this.dispose(e.serving);
    if (this.ownsWorkDir) await rm(this.workDir, { recursive: true, force: true });
  }

  /**
   * Remove deployment directories a previous process left behind (a crash skips close()). Only
   * names this host gives (`{endpoint}-{8 hex}`) are touched, in case workDir is shared.
   */
  private async sweepWorkDir(): Promise<void> {
    const names = await readdir(this.workDir).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((n) => /^[a-z0-9_-]+-[0-9a-f]{8}$/.test(n))
        .map((n) => rm(join(this.workDir, n), { recursive: true, force: true })),
    );
  }

  private policyFactory(): () => EvictionPolicy {
    const choice = this.options.evictionPolicy ?? 'lru';
    if (typeof choice === 'function') return choice;
    createPolicy(choice); // an unknown name fails the deployment now, not at the first load
    return () => createPolicy(choice);
  }

  private async dispose(deployment: Deployment): Promise<void> {
    // In-flight requests may wait for a model load up to the wait limit; give them that long.
    await disposeDeployment(deployment, (this.options.modelLoadWaitLimitMs ?? 60_000) + 1000);
    await rm(deployment.dir, { recursive: true, force: true });
  }

  private describe(e: HostedEndpoint): EndpointStatus {
    const variants = e.serving?.variants ?? [];
    return {
      endpointName: e.name,
      endpointArn: e.arn,
      state: e.state,
      failureReason: e.failureReason,
      creationTime: e.creationTime,
      lastModifiedTime: e.lastModifiedTime,
      variants: variants.map((v) => ({
        variantName: v.name,
        instanceType: v.instanceType,
        weight: v.weight,
        modelName: v.modelName,
        multiModel: v.multiModel,
        currentInstanceCount: v.instances.length,
        instances: v.instances.map((i) => i.status()),
      })),
      models: variants.flatMap((v) => [...v.metrics.models.values()].map((m) => ({ ...m, variantName: v.name }))),
    };
  }
}
