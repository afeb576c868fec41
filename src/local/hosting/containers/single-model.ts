/**
 * A single-model container: its ModelDataUrl names one model.tar.gz, which SageMaker downloads and
 * the container loads when the endpoint's instances start (CreateEndpoint), not on first use. A
 * missing object or an archive the container cannot load makes the endpoint Failed, with the
 * FailureReason SageMaker gives.
 */
import { unpackModelTar } from '../../../formats/model-tar.js';
import { parseS3Uri } from '../../../aws-names/s3-uri.js';
import type { AlgorithmId } from '../../jobs/algorithms.js';
import { ServiceError } from '../../service-error.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Container, ContainerResponse, InvocationContext } from './container.js';
import { loadNativeModel, type NativeModel } from './native-model.js';

/** Why an instance could not start; becomes the endpoint's FailureReason. */
export class DeployFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'DeployFailure';
  }
}

export interface SingleModelSpec {
  name: string;
  /** 1-based position, for the wording of download failures (`container_1`). */
  position: number;
  algorithm: AlgorithmId;
  modelDataUrl: string;
  environment: Record<string, string>;
  variantName: string;
}

export class SingleModelContainer implements Container {
  readonly multiModel = false;
  private model?: NativeModel;

  constructor(
    private readonly spec: SingleModelSpec,
    private readonly store: ObjectStore,
    private readonly monotonicMs: () => number,
    /** Bytes counted per loaded model on top of its own size (see endpoint-host.ts). */
    private readonly overheadBytes: number,
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
  get memoryBytes(): number {
    return this.model ? this.model.sizeBytes + this.overheadBytes : 0;
  }

  async load(): Promise<void> {
    const { modelDataUrl, position, variantName } = this.spec;
    const location = parseS3Uri(modelDataUrl);
    let data: Buffer;
    try {
      if (!location) throw new Error('not an s3:// URL');
      data = (await this.store.readObject(location.bucket, location.key)).data;
    } catch (err) {
      if (err instanceof ServiceError || (err as Error).message === 'not an s3:// URL') {
        // SageMaker's FailureReason for the same failure, word for word.
        throw new DeployFailure(
          `Failed to download model data for container "container_${position}" from URL: "${modelDataUrl}". Please ensure that there is an object located at the URL and that the role passed to CreateModel has permissions to download the object.`,
        );
      }
      throw err;
    }
    try {
      this.model = loadNativeModel(this.spec.algorithm, await unpackModelTar(data), {
        environment: this.spec.environment,
      });
    } catch (err) {
      // SageMaker reports a container that failed to start this way; the detail is ours.
      throw new DeployFailure(
        `The ${this.spec.name === 'primary' ? 'primary' : this.spec.name} container for production variant ${variantName} did not pass the ping health check. Please check CloudWatch logs for this endpoint. (${(err as Error).message})`,
      );
    }
  }

  invoke(
    body: string,
    contentType: string | undefined,
    accept: string | undefined,
    context: InvocationContext,
  ): ContainerResponse {
    const model = this.model;
    if (!model) throw new Error(`container ${this.spec.name} invoked before it loaded`);
    const started = this.monotonicMs();
    try {
      return model.invoke(body, contentType, accept);
    } finally {
      context.modelMicros += Math.round((this.monotonicMs() - started) * 1000);
    }
  }
}
