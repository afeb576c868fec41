/**
 * The hosting requests of `deploy` (docs/aws-behaviour.md#multi-model-hosting), built as plain values: the real run and
 * `--dry-run` send / print exactly these, and tests compare them with golden shapes. Also the
 * pure decisions of a re-run: which names the pipeline gets, and what to do with the endpoint as
 * it is. Pure: no SDK at run time (the types only), no I/O.
 *
 *   {prefix}/multi_model_artifacts/{NAME}/{NAME}.tar.gz    one per model; TargetModel {NAME}/{NAME}.tar.gz
 *   CreateModel           {endpoint}-{hash}: [scikit-learn preprocessor, linear learner (MultiModel)]
 *   CreateEndpointConfig  {endpoint}-{hash}: variant AllTraffic → that model
 *   CreateEndpoint        {endpoint}
 *
 * Why content hashes in the names: a model and an endpoint configuration are immutable on
 * SageMaker, so a changed pipeline (another preprocessor, instance type, cache setting, role)
 * needs new ones, and the endpoint moves to them with UpdateEndpoint. Naming them after their
 * content makes a re-run with nothing changed compute the same names, find them, and create
 * nothing; a re-run after a change computes new names.
 */
import { createHash } from 'node:crypto';
import { algorithmSpec, type AlgorithmName } from '../algorithms/registry.js';
import { parseS3Uri } from '../aws-names/s3-uri.js';
import type {
  ContainerDefinition,
  CreateEndpointConfigInput,
  CreateEndpointInput,
  CreateModelInput,
  ProductionVariantInstanceType,
  Tag,
} from '@aws-sdk/client-sagemaker';
import type { DeployOptions, DeployPlan } from './deploy.js';
import type { PlannedRequest } from './dry-run.js';
import { imageUri } from './image-uris.js';
import { MAX_NAME_LENGTH } from './jobs.js';
import { preprocessorEnvironment, s3 } from './requests.js';

/** The notebook's variant: all traffic to one production variant. */
export const VARIANT_NAME = 'AllTraffic';
export type CacheSetting = 'Enabled' | 'Disabled';

/** Where the multi-model container finds its models, and how an invocation names one. */
export const mmeLayout = {
  prefix: (prefix: string) => `${prefix}/multi_model_artifacts/`,
  key: (prefix: string, name: string) => `${prefix}/multi_model_artifacts/${name}/${name}.tar.gz`,
  /** X-Amzn-SageMaker-Target-Model: the key relative to the container's ModelDataUrl prefix. */
  targetModel: (name: string) => `${name}/${name}.tar.gz`,
};

export interface PreprocessorSource {
  /** The preprocess job: its model has the same name, its script is under `{job}/source/`. */
  job: string;
  /** The scikit-learn serving image, as the preprocessor model has it. */
  image: string;
  /** The preprocess job's model.tar.gz. */
  modelDataUrl: string;
}

/** The pipeline's first container: the fitted scikit-learn preprocessor, as the preprocess step's model has it. */
function preprocessorContainer(
  p: PreprocessorSource & { region: string; accept?: string | undefined },
): ContainerDefinition {
  // The script lives beside the job's model, in the same bucket (layout.sourcedirKey).
  const bucket = parseS3Uri(p.modelDataUrl)?.bucket ?? '';
  return {
    Image: p.image,
    ModelDataUrl: p.modelDataUrl,
    Environment: {
      ...preprocessorEnvironment(bucket, p.job, p.region),
      // What the next container reads, when not the preprocessor's JSON default (registry.ts).
      ...(p.accept ? { SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT: p.accept } : {}),
    },
  };
}

/** The second container: the built-in algorithm in MultiModel mode over the prefix (ModelDataUrl ends in '/'). */
function multiModelContainer(p: {
  image: string;
  bucket: string;
  prefix: string;
  cache?: CacheSetting;
}): ContainerDefinition {
  return {
    Image: p.image,
    Mode: 'MultiModel',
    ModelDataUrl: s3(p.bucket, mmeLayout.prefix(p.prefix)),
    // Only when asked: SageMaker's default is Enabled, and leaving it out keeps the notebook's request.
    ...(p.cache ? { MultiModelConfig: { ModelCacheSetting: p.cache } } : {}),
  };
}

export interface PipelineInput {
  region: string;
  bucket: string;
  prefix: string;
  roleArn: string;
  preprocessor: PreprocessorSource;
  /**
   * The built-in algorithm of the multi-model container (default: the linear learner): its image
   * in the region, and what the preprocessor must answer it (registry.ts preprocessorAccept).
   */
  algorithm?: AlgorithmName;
  instanceType: string;
  instanceCount: number;
  cache?: CacheSetting;
  /**
   * The artifacts deploy puts under the prefix, TargetModel → source. They go into the
   * configuration's name (artifactsFingerprint), so serving other artifacts rolls the endpoint.
   */
  artifacts?: Readonly<Record<string, string>>;
}

export interface HostingSpec {
  modelName: string;
  configName: string;
  model: CreateModelInput;
  config: CreateEndpointConfigInput;
}

/** The pipeline model and its endpoint configuration, named after their content. */
export function hostingSpec(endpoint: string, p: PipelineInput): HostingSpec {
  // The order is the pipeline: each container's output is the next one's input (CSV in, 10
  // features out of the preprocessor, a prediction out of the algorithm).
  const algorithm = algorithmSpec(p.algorithm);
  const containers = [
    preprocessorContainer({ ...p.preprocessor, region: p.region, accept: algorithm.preprocessorAccept }),
    multiModelContainer({
      image: imageUri(algorithm.image, p.region),
      bucket: p.bucket,
      prefix: p.prefix,
      ...(p.cache ? { cache: p.cache } : {}),
    }),
  ];
  const modelName = suffixedName(endpoint, contentHash({ containers, role: p.roleArn }));
  const variant = { instanceType: p.instanceType, instanceCount: p.instanceCount, modelName };
  const artifacts = p.artifacts ? artifactsFingerprint(p.artifacts) : undefined;
  const configName = suffixedName(endpoint, contentHash(artifacts ? { ...variant, artifacts } : variant));
  const tags = hostingTags(p.prefix, p.preprocessor.job);
  return {
    modelName,
    configName,
    model: { ModelName: modelName, Containers: containers, ExecutionRoleArn: p.roleArn, Tags: tags },
    config: {
      EndpointConfigName: configName,
      ProductionVariants: [
        {
          VariantName: VARIANT_NAME,
          ModelName: modelName,
          // The service validates the type (the SDK's enum is a type only, and grows).
          InstanceType: p.instanceType as ProductionVariantInstanceType,
          InitialInstanceCount: p.instanceCount,
          InitialVariantWeight: 1,
        },
      ],
      Tags: artifacts ? [...tags, { Key: 'mme:artifacts', Value: artifacts }] : tags,
    },
  };
}

/**
 * Why the served artifacts are part of the configuration (docs/aws-behaviour.md#redeploying-retrained-models):
 * the multi-model container loads a TargetModel once and keeps it, in memory and on disk, while
 * it has room; a new object under the same key is not noticed (the multi-model endpoints guide:
 * overwriting a loaded artifact gives unpredictable results, use a new name). So a redeploy after retraining must not stop at copying: naming the configuration after the
 * artifacts makes new artifacts a new configuration, and UpdateEndpoint moves the endpoint onto
 * fresh instances (blue/green: the old ones serve until the new ones are InService) that can
 * only load the new copies. The keys, and so the TargetModel names callers and IAM conditions
 * use, stay the same. Nothing changed → the same name → nothing sent.
 */
function artifactsFingerprint(artifacts: Readonly<Record<string, string>>): string {
  return contentHash(artifacts);
}

export function createEndpointRequest(endpoint: string, configName: string, prefix: string): CreateEndpointInput {
  return { EndpointName: endpoint, EndpointConfigName: configName, Tags: [{ Key: 'mme:prefix', Value: prefix }] };
}

function hostingTags(prefix: string, preprocessorJob: string): Tag[] {
  return [
    { Key: 'mme:step', Value: 'deploy' },
    { Key: 'mme:prefix', Value: prefix },
    { Key: 'mme:preprocessor', Value: preprocessorJob },
  ];
}

/** 8 hex digits of SHA-256 over the value's canonical JSON (keys sorted): the same content, the same hash. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 8);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `{base}-{hash}` within SageMaker's 63 characters (a long endpoint name is cut, the hash kept). */
export function suffixedName(base: string, hash: string): string {
  const room = MAX_NAME_LENGTH - hash.length - 1;
  return `${base.slice(0, room).replace(/-+$/, '')}-${hash}`;
}

/** The names deploy gives an endpoint's models and configs: how teardown recognises leftovers. */
export function isHostingName(endpoint: string, name: string): boolean {
  const base = endpoint.slice(0, MAX_NAME_LENGTH - 9).replace(/-+$/, '');
  return name.length === base.length + 9 && name.startsWith(`${base}-`) && /^[0-9a-f]{8}$/.test(name.slice(-8));
}

// ── artifacts ───────────────────────────────────────────────────────────────────────────

/** x-amz-meta-mme-source: the s3:// URI the artifact was copied from. */
export const ARTIFACT_SOURCE_METADATA = 'mme-source';
/** x-amz-meta-mme-training-job: the job that trained it, when known. */
export const ARTIFACT_JOB_METADATA = 'mme-training-job';

/** The CopyObject that puts an artifact under the prefix, as sent (artifacts.ts) and as --dry-run shows it. */
export function copyArtifactInput(
  source: string,
  bucket: string,
  key: string,
  trainingJob?: string,
): {
  Bucket: string;
  Key: string;
  CopySource: string;
  MetadataDirective: 'REPLACE';
  ContentType: string;
  Metadata: Record<string, string>;
} {
  const from = parseS3Uri(source) ?? { bucket: '', key: '' };
  return {
    Bucket: bucket,
    Key: key,
    // x-amz-copy-source is `bucket/key`, URL-encoded; the SDK sends it as given.
    CopySource: `${from.bucket}/${from.key.split('/').map(encodeURIComponent).join('/')}`,
    // REPLACE: without it S3 copies the source's metadata and ignores ours.
    MetadataDirective: 'REPLACE',
    ContentType: 'application/x-gzip',
    Metadata: {
      [ARTIFACT_SOURCE_METADATA]: source,
      ...(trainingJob ? { [ARTIFACT_JOB_METADATA]: trainingJob } : {}),
    },
  };
}

// ── what a re-run does ───────────────────────────────────────────────────────────────────

/** The endpoint as DescribeEndpoint shows it (undefined: there is none). */
export interface EndpointSnapshot {
  status: string;
  configName: string;
  failureReason?: string;
}

export type EndpointAction =
  /** No endpoint: CreateEndpoint. */
  | 'create'
  /** InService on this very configuration: nothing to do. */
  | 'unchanged'
  /** InService on another configuration: UpdateEndpoint, then delete the superseded one. */
  | 'update'
  /** Failed: SageMaker cannot update a failed endpoint, so DeleteEndpoint, wait, CreateEndpoint. */
  | 'recreate'
  /** Creating, Updating, Deleting…: wait for that to end, then decide again. */
  | 'wait';

const BUSY_STATUSES = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting']);

export function endpointAction(current: EndpointSnapshot | undefined, configName: string): EndpointAction {
  if (!current) return 'create';
  if (BUSY_STATUSES.has(current.status)) return 'wait';
  if (current.status === 'InService') return current.configName === configName ? 'unchanged' : 'update';
  // Failed, UpdateRollbackFailed, OutOfService: nothing to update from.
  return 'recreate';
}

export type CopyAction = 'copy' | 'unchanged' | 'replace';

/**
 * Copy an artifact unless the key already holds a copy of the same source (recorded in the
 * copy's metadata, so it holds for any S3: ETags of copies are not guaranteed to match).
 */
export function copyAction(existing: { source?: string } | undefined, source: string): CopyAction {
  if (!existing) return 'copy';
  return existing.source === source ? 'unchanged' : 'replace';
}

// ── --dry-run ────────────────────────────────────────────────────────────────────────────

/** The write requests of a plan, in order, for --dry-run. */
export function deployRequests(plan: DeployPlan, o: Pick<DeployOptions, 'bucket' | 'prefix'>): PlannedRequest[] {
  const requests: PlannedRequest[] = plan.copies
    .filter((c) => c.action !== 'unchanged')
    .map((c) => ({
      service: 'S3',
      operation: 'CopyObject',
      input: { ...copyArtifactInput(c.source, o.bucket, c.key, c.trainingJob) },
      note:
        c.action === 'replace'
          ? `replaces a copy of another artifact (${c.location})`
          : `${c.location}: the latest Completed training job ${c.trainingJob}`,
    }));
  if (plan.createModel)
    requests.push({ service: 'SageMaker', operation: 'CreateModel', input: { ...plan.spec.model } });
  if (plan.createConfig)
    requests.push({ service: 'SageMaker', operation: 'CreateEndpointConfig', input: { ...plan.spec.config } });
  const poll = (note: string): PlannedRequest => ({
    service: 'SageMaker',
    operation: 'DescribeEndpoint',
    input: { EndpointName: plan.endpoint },
    note,
  });
  if (plan.action === 'wait')
    requests.push(
      poll(
        `repeated until the endpoint's current ${plan.current!.status} ends; then it is created, updated or left as it is`,
      ),
    );
  if (plan.action === 'recreate') {
    requests.push(
      {
        service: 'SageMaker',
        operation: 'DeleteEndpoint',
        input: { EndpointName: plan.endpoint },
        note: `the endpoint is ${plan.current!.status}: ${plan.current!.failureReason ?? ''}`,
      },
      poll('repeated until it is gone'),
    );
  }
  if (plan.action === 'update')
    requests.push({
      service: 'SageMaker',
      operation: 'UpdateEndpoint',
      input: { EndpointName: plan.endpoint, EndpointConfigName: plan.spec.configName },
      note: `from ${plan.current!.configName}`,
    });
  if (plan.action === 'create' || plan.action === 'recreate')
    requests.push({
      service: 'SageMaker',
      operation: 'CreateEndpoint',
      input: { ...createEndpointRequest(plan.endpoint, plan.spec.configName, o.prefix) },
    });
  if (plan.action !== 'unchanged' && plan.action !== 'wait')
    requests.push(poll('repeated, with backoff, until InService'));
  for (const name of plan.superseded.configs)
    requests.push({
      service: 'SageMaker',
      operation: 'DeleteEndpointConfig',
      input: { EndpointConfigName: name },
      note: 'superseded, once InService',
    });
  for (const name of plan.superseded.models)
    requests.push({
      service: 'SageMaker',
      operation: 'DeleteModel',
      input: { ModelName: name },
      note: 'superseded, once InService',
    });
  return requests;
}
