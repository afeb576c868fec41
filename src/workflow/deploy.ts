/**
 * Workflow step 4, `mme deploy` (docs/aws-behaviour.md#multi-model-hosting): the latest Completed
 * model per location copied under the multi-model prefix, the pipeline model (preprocessor →
 * linear learner in MultiModel mode), its endpoint configuration, the endpoint, InService.
 *
 * In two halves, so that --dry-run shows exactly what a run would send:
 * - inspectDeploy reads the target (training jobs and their tags, the preprocessor model, the
 *   artifacts already copied, the endpoint) and plans: every write request, or why none is needed;
 * - applyDeploy sends the plan's requests and waits.
 * Re-running converges: same artifacts and pipeline → nothing sent; a changed pipeline → a new
 * model and configuration (names hash their content), UpdateEndpoint, and once InService the
 * superseded configuration and model are deleted.
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  UpdateEndpointCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { Clients } from '../aws/clients.js';
import { ExitCode, MmeError, fromAwsError } from '../errors.js';
import {
  copyArtifact,
  headArtifact,
  listObjects,
  selectModels,
  sharedPreprocessor,
  type ExistingArtifact,
} from './artifacts.js';
import { describeEndpoint, hostingError, isNotFound, waitForEndpoint } from './endpoint-waiter.js';
import {
  createEndpointRequest,
  copyAction,
  endpointAction,
  hostingSpec,
  mmeLayout,
  type CacheSetting,
  type CopyAction,
  type EndpointAction,
  type EndpointSnapshot,
  type HostingSpec,
  type PreprocessorSource,
} from './endpoint-requests.js';
import { runBounded, type PollOptions } from './jobs.js';
import type { Reporter } from './reporter.js';
import { s3 } from './requests.js';
import { newestTrainedModels } from './trained-models.js';
import { algorithmSpec, type AlgorithmName } from '../algorithms/registry.js';

export interface DeployOptions {
  bucket: string;
  prefix: string;
  region: string;
  roleArn: string;
  endpoint: string;
  holdOut: string[];
  instanceType: string;
  instanceCount: number;
  cache?: CacheSetting;
  poll: PollOptions;
  /** The multi-model container's algorithm (default: the linear learner); `prefix` is its model prefix. */
  algorithm?: AlgorithmName;
}

interface ArtifactCopy {
  location: string;
  trainingJob: string;
  source: string;
  key: string;
  targetModel: string;
  action: CopyAction;
}

export interface DeployPlan {
  endpoint: string;
  copies: ArtifactCopy[];
  /** Named by --hold-out, trained, and not under the prefix: really held out. */
  heldOut: string[];
  /** Named by --hold-out but under the prefix already (an earlier deploy): still served. */
  stillServed: string[];
  unknownHoldOut: string[];
  preprocessorJob: string;
  spec: HostingSpec;
  createModel: boolean;
  createConfig: boolean;
  current?: EndpointSnapshot;
  action: EndpointAction;
  /** The endpoint's current configuration and models, deleted once the new one is InService. */
  superseded: { configs: string[]; models: string[] };
}

export async function inspectDeploy(clients: Pick<Clients, 's3' | 'sageMaker'>, o: DeployOptions): Promise<DeployPlan> {
  const [s3c, sm] = await Promise.all([clients.s3(), clients.sageMaker()]);
  const trained = await newestTrainedModels(sm, { prefix: o.prefix }).catch((err) => {
    throw fromAwsError(err, 'listing training jobs');
  });
  const selection = selectModels(trained, o.holdOut);
  if (selection.deploy.length === 0) {
    throw new MmeError(
      'NoModels',
      trained.length === 0
        ? `no Completed mme training job for prefix ${o.prefix}`
        : `every trained location is held out (${selection.heldOut.join(', ')})`,
      {
        exitCode: ExitCode.NotFound,
        hint: trained.length === 0 ? 'Run `mme train` first.' : 'Hold out fewer locations.',
      },
    );
  }
  const preprocessorJob = sharedPreprocessor(selection.deploy);
  const preprocessor = await preprocessorModel(sm, preprocessorJob);
  const spec = hostingSpec(o.endpoint, {
    region: o.region,
    bucket: o.bucket,
    prefix: o.prefix,
    roleArn: o.roleArn,
    preprocessor,
    ...(o.algorithm ? { algorithm: o.algorithm } : {}),
    instanceType: o.instanceType,
    instanceCount: o.instanceCount,
    ...(o.cache ? { cache: o.cache } : {}),
    artifacts: Object.fromEntries(selection.deploy.map((m) => [mmeLayout.targetModel(m.location), m.artifact])),
  });
  const existing = await existingArtifacts(
    s3c,
    o.bucket,
    o.prefix,
    [...selection.heldOut, ...selection.deploy.map((m) => m.location)].map((l) => mmeLayout.key(o.prefix, l)),
  );

  // A held-out location whose model an earlier deploy copied is not held out at all: the
  // endpoint goes on serving it. Say so instead of printing "held out".
  const stillServed = selection.heldOut.filter((l) => existing.has(mmeLayout.key(o.prefix, l)));
  const copies = selection.deploy.map((m): ArtifactCopy => {
    const key = mmeLayout.key(o.prefix, m.location);
    return {
      location: m.location,
      trainingJob: m.jobName,
      source: m.artifact,
      key,
      targetModel: mmeLayout.targetModel(m.location),
      action: copyAction(existing.get(key), m.artifact),
    };
  });
  const [modelExists, configExists, endpoint] = await Promise.all([
    exists(() => sm.send(new DescribeModelCommand({ ModelName: spec.modelName }))),
    exists(() => sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: spec.configName }))),
    describeEndpoint(sm, o.endpoint),
  ]);
  const current = endpoint ? snapshot(endpoint) : undefined;
  const action = endpointAction(current, spec.configName);
  const superseded =
    action === 'update' || action === 'recreate'
      ? await configAndModels(sm, current!.configName, spec)
      : { configs: [], models: [] };
  return {
    endpoint: o.endpoint,
    copies,
    heldOut: selection.heldOut.filter((l) => !stillServed.includes(l)),
    stillServed,
    unknownHoldOut: selection.unknownHoldOut,
    preprocessorJob,
    spec,
    createModel: !modelExists,
    createConfig: !configExists,
    ...(current ? { current } : {}),
    action,
    superseded,
  };
}

export interface DeployResult {
  endpoint: string;
  /** What happened to the endpoint. */
  action: EndpointAction;
  status: string;
  modelName: string;
  configName: string;
  preprocessorJob: string;
  artifacts: ArtifactCopy[];
  heldOut: string[];
  stillServed: string[];
  created: { model: boolean; config: boolean };
  deleted: { configs: string[]; models: string[] };
  warnings: string[];
}

export async function applyDeploy(
  clients: Pick<Clients, 's3' | 'sageMaker'>,
  reporter: Reporter,
  plan: DeployPlan,
  o: DeployOptions,
): Promise<DeployResult> {
  const [s3c, sm] = await Promise.all([clients.s3(), clients.sageMaker()]);
  const warnings: string[] = [];
  await copyArtifacts(s3c, plan.copies, o.bucket, reporter);
  if (plan.createModel) {
    await hostingCall(
      () => sm.send(new CreateModelCommand(plan.spec.model)),
      `creating model ${plan.spec.modelName}`,
      o,
    );
    reporter.report({
      kind: 'info',
      text: `Created model ${plan.spec.modelName} (${plan.preprocessorJob} → ${algorithmSpec(o.algorithm).name}, MultiModel)`,
    });
  }
  if (plan.createConfig) {
    await hostingCall(
      () => sm.send(new CreateEndpointConfigCommand(plan.spec.config)),
      `creating endpoint configuration ${plan.spec.configName}`,
      o,
    );
    reporter.report({
      kind: 'info',
      text: `Created endpoint configuration ${plan.spec.configName} (${o.instanceCount} × ${o.instanceType})`,
    });
  }

  let action = plan.action;
  let superseded = plan.superseded;
  const id = 'deploy.endpoint';
  const onChange = (status: string) =>
    reporter.report({ kind: 'update', id, text: `Endpoint ${o.endpoint}: ${status}` });
  if (action === 'wait') {
    // Someone (a previous run?) is changing the endpoint: let that finish, then decide again.
    reporter.report({
      kind: 'start',
      id,
      text: `Endpoint ${o.endpoint} is ${plan.current!.status}: waiting for it to settle`,
    });
    const settled = await settle(sm, o, plan.current!, onChange);
    action = endpointAction(settled, plan.spec.configName);
    if (action === 'update' || action === 'recreate')
      superseded = await configAndModels(sm, settled!.configName, plan.spec);
  }
  if (action === 'unchanged') {
    reporter.report({
      kind: 'succeed',
      id,
      text: `Endpoint ${o.endpoint} already InService on ${plan.spec.configName}`,
    });
    return result(plan, action, 'InService', warnings, { configs: [], models: [] });
  }
  reporter.report({
    kind: 'start',
    id,
    text: `${verb(action)} endpoint ${o.endpoint} (${o.instanceCount} × ${o.instanceType})`,
  });
  try {
    if (action === 'recreate') {
      await hostingCall(
        () => sm.send(new DeleteEndpointCommand({ EndpointName: o.endpoint })),
        `deleting the failed endpoint ${o.endpoint}`,
        o,
      );
      await waitForEndpoint(sm, o.endpoint, { state: 'Deleted' }, o.poll, onChange);
    }
    if (action === 'update') {
      await hostingCall(
        () =>
          sm.send(new UpdateEndpointCommand({ EndpointName: o.endpoint, EndpointConfigName: plan.spec.configName })),
        `updating endpoint ${o.endpoint}`,
        o,
      );
    } else {
      await hostingCall(
        () => sm.send(new CreateEndpointCommand(createEndpointRequest(o.endpoint, plan.spec.configName, o.prefix))),
        `creating endpoint ${o.endpoint}`,
        o,
      );
    }
    await waitForEndpoint(sm, o.endpoint, { state: 'InService', configName: plan.spec.configName }, o.poll, onChange);
  } catch (err) {
    reporter.report({ kind: 'fail', id, text: (err as Error).message });
    throw err;
  }
  reporter.report({
    kind: 'succeed',
    id,
    text: `Endpoint ${o.endpoint} InService (${plan.copies.length} models under ${s3(o.bucket, mmeLayout.prefix(o.prefix))})`,
  });
  const deleted = await deleteSuperseded(sm, superseded, reporter);
  return result(plan, action, 'InService', warnings, deleted);
}

function result(
  plan: DeployPlan,
  action: EndpointAction,
  status: string,
  warnings: string[],
  deleted: DeployResult['deleted'],
): DeployResult {
  return {
    endpoint: plan.endpoint,
    action,
    status,
    modelName: plan.spec.modelName,
    configName: plan.spec.configName,
    preprocessorJob: plan.preprocessorJob,
    artifacts: plan.copies,
    heldOut: plan.heldOut,
    stillServed: plan.stillServed,
    created: { model: plan.createModel, config: plan.createConfig },
    deleted,
    warnings,
  };
}

const verb = (action: EndpointAction) =>
  action === 'update' ? 'Updating' : action === 'recreate' ? 'Re-creating' : 'Creating';

/** The preprocess step's model (named as its job): image and artifact of the pipeline's first container. */
async function preprocessorModel(sm: Pick<SageMakerClient, 'send'>, job: string): Promise<PreprocessorSource> {
  try {
    const d = await sm.send(new DescribeModelCommand({ ModelName: job }));
    const c = d.PrimaryContainer ?? d.Containers?.[0];
    if (c?.Image && c.ModelDataUrl) return { job, image: c.Image, modelDataUrl: c.ModelDataUrl };
    throw new MmeError('BadPreprocessorModel', `model ${job} has no image or model data`, {
      exitCode: ExitCode.Failure,
    });
  } catch (err) {
    if (!isNotFound(err)) throw fromAwsError(err, `describing the preprocessor model ${job}`);
    throw new MmeError(
      'PreprocessorNotFound',
      `the preprocessor model ${job} (made by the preprocess step the models were trained behind) does not exist`,
      {
        exitCode: ExitCode.NotFound,
        hint: 'Run `mme preprocess` and `mme train` again: the new models are tagged with the new preprocessor.',
      },
    );
  }
}

/** The models of an endpoint configuration (none when it is gone), minus those the new spec keeps. */
async function configAndModels(
  sm: Pick<SageMakerClient, 'send'>,
  configName: string,
  spec: HostingSpec,
): Promise<DeployPlan['superseded']> {
  if (configName === spec.configName) return { configs: [], models: [] };
  try {
    const d = await sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName }));
    const models = (d.ProductionVariants ?? []).map((v) => v.ModelName!).filter((m) => m && m !== spec.modelName);
    return { configs: [configName], models: [...new Set(models)] };
  } catch (err) {
    if (isNotFound(err)) return { configs: [], models: [] };
    throw fromAwsError(err, `describing endpoint configuration ${configName}`);
  }
}

async function settle(
  sm: Pick<SageMakerClient, 'send'>,
  o: DeployOptions,
  current: EndpointSnapshot,
  onChange: (s: string) => void,
): Promise<EndpointSnapshot | undefined> {
  const goal = current.status === 'Deleting' ? ({ state: 'Deleted' } as const) : ({ state: 'Settled' } as const);
  const d = await waitForEndpoint(sm, o.endpoint, goal, o.poll, onChange);
  return d ? snapshot(d) : undefined;
}

async function deleteSuperseded(
  sm: Pick<SageMakerClient, 'send'>,
  superseded: DeployPlan['superseded'],
  reporter: Reporter,
): Promise<DeployResult['deleted']> {
  const deleted: DeployResult['deleted'] = { configs: [], models: [] };
  // Configurations first: a model in use by a configuration can be deleted on SageMaker, but the
  // other order would leave a configuration naming a missing model if we were interrupted.
  for (const name of superseded.configs) {
    if (
      await deleteQuietly(
        () => sm.send(new DeleteEndpointConfigCommand({ EndpointConfigName: name })),
        reporter,
        `endpoint configuration ${name}`,
      )
    )
      deleted.configs.push(name);
  }
  for (const name of superseded.models) {
    if (await deleteQuietly(() => sm.send(new DeleteModelCommand({ ModelName: name })), reporter, `model ${name}`))
      deleted.models.push(name);
  }
  return deleted;
}

/** Cleaning up after success must not turn it into a failure: a warning, and on. */
async function deleteQuietly(fn: () => Promise<unknown>, reporter: Reporter, what: string): Promise<boolean> {
  try {
    await fn();
    reporter.report({ kind: 'info', text: `Deleted the superseded ${what}` });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    reporter.report({ kind: 'warn', text: `could not delete the superseded ${what}: ${(err as Error).message}` });
    return false;
  }
}

async function exists(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw fromAwsError(err);
  }
}

function snapshot(d: {
  EndpointStatus?: string;
  EndpointConfigName?: string;
  FailureReason?: string;
}): EndpointSnapshot {
  return {
    status: d.EndpointStatus ?? 'Unknown',
    configName: d.EndpointConfigName ?? '',
    ...(d.FailureReason ? { failureReason: d.FailureReason } : {}),
  };
}

async function hostingCall<T>(
  fn: () => Promise<T>,
  context: string,
  o: Pick<DeployOptions, 'instanceType' | 'roleArn'>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw hostingError(err, context, o);
  }
}

// ── artifacts under the prefix ───────────────────────────────────────────────────────────

/** S3 calls at once for the artifacts: S3 takes thousands a second per prefix; this keeps sockets and memory small. */
const ARTIFACT_PARALLELISM = 16;

/**
 * What the wanted keys hold now: one ListObjectsV2 page per 1,000 objects under the prefix says
 * which exist, and only those are read with HeadObject (their metadata names the source), at
 * most ARTIFACT_PARALLELISM at once. A first deploy sends no HeadObject at all.
 */
async function existingArtifacts(
  s3c: Parameters<typeof headArtifact>[0],
  bucket: string,
  prefix: string,
  keys: readonly string[],
): Promise<Map<string, ExistingArtifact>> {
  const listed = new Set((await listObjects(s3c, bucket, mmeLayout.prefix(prefix))).map((x) => x.key));
  const present = keys.filter((k) => listed.has(k));
  const heads = await runBounded(present, ARTIFACT_PARALLELISM, (key) => headArtifact(s3c, bucket, key));
  const found = new Map<string, ExistingArtifact>();
  heads.forEach((h, i) => {
    if (h.status === 'rejected') throw h.reason;
    if (h.value) found.set(present[i]!, h.value);
  });
  return found;
}

/** The plan's copies, at most ARTIFACT_PARALLELISM at once; the first failure is thrown once all have settled. */
async function copyArtifacts(
  s3c: Parameters<typeof copyArtifact>[0],
  copies: readonly ArtifactCopy[],
  bucket: string,
  reporter: Reporter,
): Promise<void> {
  const todo = copies.filter((x) => x.action !== 'unchanged');
  const settled = await runBounded(todo, ARTIFACT_PARALLELISM, async (c) => {
    await copyArtifact(s3c, c.source, bucket, c.key, c.trainingJob);
    reporter.report({
      kind: 'info',
      text: `${c.action === 'copy' ? 'Copied' : 'Replaced'} ${c.location}: ${c.source} → ${s3(bucket, c.key)}`,
    });
  });
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}
