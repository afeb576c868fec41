/**
 * The document of the local cloud's one non-AWS route, `GET /__mme/endpoints/{EndpointName}/status`
 * (src/local/services/runtime/local-status.ts serves it, src/aws/local-extension.ts reads it): the
 * endpoint host's status, what SageMaker keeps inside its instances and no API reveals. In
 * src/formats because both sides speak it; it is JSON, so its dates arrive as ISO strings.
 */

export const LOCAL_STATUS_EXTENSION = 'mme-local-endpoint-status/1';

/** The path of an endpoint's status. */
export const localStatusPath = (endpointName: string) => `/__mme/endpoints/${encodeURIComponent(endpointName)}/status`;

export type EndpointState = 'Creating' | 'Updating' | 'InService' | 'Failed';

export interface EndpointStatus {
  endpointName: string;
  endpointArn: string;
  state: EndpointState;
  failureReason?: string;
  creationTime: Date;
  lastModifiedTime: Date;
  variants: {
    variantName: string;
    instanceType: string;
    weight: number;
    modelName?: string;
    multiModel: boolean;
    currentInstanceCount: number;
    instances: InstanceStatus[];
  }[];
  /** Per TargetModel figures (an improvement on AWS, which has none). */
  models: (ModelFigures & { variantName: string })[];
}

export interface InstanceStatus {
  instanceId: string;
  instanceType: string;
  inFlight: number;
  invocations: number;
  memory: { totalBytes: number; cacheBudgetBytes: number; usedBytes: number; utilization: number };
  disk: { totalBytes: number; usedBytes: number; utilization: number; files: number };
  loadedModels: LoadedModelInfo[];
}

export interface LoadedModelInfo {
  key: string;
  sizeBytes: number;
  state: 'loading' | 'ready';
  inUse: number;
  hits: number;
  loadedAt?: Date;
  lastUsedAt?: Date;
}

/** What SageMaker does not offer: figures per TargetModel (summed over the variant's instances). */
export interface ModelFigures {
  targetModel: string;
  invocations: number;
  errors: number;
  cacheHits: number;
  cacheMisses: number;
  loads: number;
  evictions: number;
  latencyMicrosTotal: number;
  latencyMicrosMax: number;
  lastInvokedAt?: Date;
}

export interface CacheFigures {
  hits: number;
  misses: number;
  loads: number;
  evictions: number;
}

/** The document: the host's status, plus cache totals per variant. */
export type LocalEndpointStatus = Omit<EndpointStatus, 'variants'> & {
  extension: string;
  variants: (EndpointStatus['variants'][number] & { cache: CacheFigures })[];
};
