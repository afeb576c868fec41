/**
 * A `Mode: MultiModel` container: its ModelDataUrl is a prefix, and each invocation names a model
 * under it (TargetModel). The platform loads models on demand: object store → the instance's disk
 * (disk-tier.ts) → memory (model-cache.ts), and requests for a model that is loading wait for that
 * one load. A load that outlasts the wait limit answers ModelNotReadyException (429) while the load
 * goes on in the background, as SageMaker does after 60 seconds.
 *
 * `MultiModelConfig.ModelCacheSetting: Disabled` unloads a model after each invocation.
 */
import { readFile } from 'node:fs/promises';
import type { AlgorithmId } from '../../jobs/algorithms.js';
import { unpackModelTar } from '../../../formats/model-tar.js';
import type { S3Location } from '../../../aws-names/s3-uri.js';
import type { DiskTier } from '../disk-tier.js';
import { ContainerFailure, modelNotReady } from '../errors.js';
import type { Held, Loaded, ModelCache } from '../model-cache.js';
import { targetModelLocation } from '../target-model.js';
import type { Container, ContainerResponse, InvocationContext } from './container.js';
import { loadNativeModel, type NativeModel } from './native-model.js';

export interface MultiModelSpec {
  name: string;
  algorithm: AlgorithmId;
  prefix: S3Location;
  environment: Record<string, string>;
  cacheEnabled: boolean;
}

/** What the container reports to its instance (metrics, per-model figures, warnings). */
interface MultiModelEvents {
  downloaded(targetModel: string, micros: number): void;
  loaded(targetModel: string, micros: number): void;
  warn(message: string): void;
}

export interface MultiModelRuntime {
  disk: DiskTier;
  cache: ModelCache<NativeModel>;
  monotonicMs: () => number;
  overheadBytes: number;
  loadWaitLimitMs: number;
  events: MultiModelEvents;
}

export class MultiModelContainer implements Container {
  readonly multiModel = true;
  readonly memoryBytes = 0;
  /** ETag of the version each model was last loaded from, to notice in-place overwrites. */
  private readonly loadedEtags = new Map<string, string>();

  constructor(
    private readonly spec: MultiModelSpec,
    private readonly runtime: MultiModelRuntime,
  ) {}

  get name(): string {
    return this.spec.name;
  }
  get algorithm(): AlgorithmId {
    return this.spec.algorithm;
  }
  get environment(): Record<string, string> {
    return this.spec.environment;
  }

  /** A model in memory answers synchronously; otherwise the promise of its load, then the answer. */
  invoke(
    body: string,
    contentType: string | undefined,
    accept: string | undefined,
    context: InvocationContext,
  ): ContainerResponse | Promise<ContainerResponse> {
    const targetModel = context.targetModel!;
    const held = this.runtime.cache.hold(targetModel);
    if (held === undefined) return this.invokeCold(targetModel, body, contentType, accept, context);
    context.cacheHit = true;
    return this.answer(held, targetModel, body, contentType, accept, context);
  }

  private async invokeCold(
    targetModel: string,
    body: string,
    contentType: string | undefined,
    accept: string | undefined,
    context: InvocationContext,
  ): Promise<ContainerResponse> {
    const { cache, monotonicMs } = this.runtime;
    const acquired = cache.acquire(targetModel, () => this.loadModel(targetModel));
    let held: Held<NativeModel>;
    if (acquired.outcome === 'hit') {
      context.cacheHit = true;
      held = acquired.held;
    } else {
      context.cacheHit = false;
      const started = monotonicMs();
      try {
        held = await this.waitFor(acquired.pending, targetModel);
      } finally {
        context.loadWaitMicros += Math.round((monotonicMs() - started) * 1000);
      }
    }
    return this.answer(held, targetModel, body, contentType, accept, context);
  }

  private answer(
    held: Held<NativeModel>,
    targetModel: string,
    body: string,
    contentType: string | undefined,
    accept: string | undefined,
    context: InvocationContext,
  ): ContainerResponse {
    const { cache, monotonicMs } = this.runtime;
    const started = monotonicMs();
    try {
      return held.model!.invoke(body, contentType, accept);
    } finally {
      context.modelMicros += Math.round((monotonicMs() - started) * 1000);
      cache.release(held);
      if (!this.spec.cacheEnabled) cache.unload(targetModel);
    }
  }

  /** The load, or ModelNotReadyException once the wait limit passes (the load carries on). */
  private waitFor(pending: Promise<Held<NativeModel>>, targetModel: string): Promise<Held<NativeModel>> {
    const limit = this.runtime.loadWaitLimitMs;
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        reject(modelNotReady(targetModel, limit));
      }, limit);
      pending.then(
        (held) => {
          clearTimeout(timer);
          // Nobody waits any more: give the model back so it can be evicted.
          if (timedOut) this.runtime.cache.release(held);
          else resolve(held);
        },
        (err: unknown) => {
          clearTimeout(timer);
          if (!timedOut) reject(err);
        },
      );
    });
  }

  private async loadModel(targetModel: string): Promise<Loaded<NativeModel>> {
    const { disk, monotonicMs, events } = this.runtime;
    const location = targetModelLocation(this.spec.prefix, targetModel);
    const file = await disk.fetch(location.bucket, location.key);
    try {
      if (file.downloaded) events.downloaded(targetModel, file.downloadMicros);
      const previous = this.loadedEtags.get(targetModel);
      if (previous !== undefined && previous !== file.etag) {
        events.warn(
          `Model ${targetModel} (s3://${location.bucket}/${location.key}) was overwritten since it was last loaded (ETag ${previous} → ${file.etag}); serving the new version now. Overwriting a model in place is unsafe on SageMaker: give new versions new names.`,
        );
      }
      const started = monotonicMs();
      let model: NativeModel;
      try {
        model = loadNativeModel(this.spec.algorithm, await unpackModelTar(await readFile(file.path)), {
          server: 'multi-model',
          environment: this.spec.environment,
        });
      } catch (err) {
        // A multi-model server answers a model it cannot load with a server error; XGBoost's
        // handler words it "Unable to load model: …" itself (xgboost.ts).
        const message = (err as Error).message;
        throw new ContainerFailure(
          500,
          this.spec.algorithm === 'xgboost' ? message : `Failed to load model ${targetModel}: ${message}`,
        );
      }
      events.loaded(targetModel, Math.round((monotonicMs() - started) * 1000));
      this.loadedEtags.set(targetModel, file.etag);
      return { model, sizeBytes: model.sizeBytes + this.runtime.overheadBytes };
    } finally {
      file.release();
    }
  }
}
