/**
 * `mme teardown`: delete the endpoint, its configuration(s) and model(s); with `all`, also the
 * objects under the S3 prefix (copied artifacts, training data splits, trained models) and the
 * preprocess and transform jobs' outputs and preprocessor models. Raw data (housing-data/) stays:
 * it is the input, not something a step made.
 *
 * In two halves, as deploy: inspectTeardown lists what would go (the CLI shows it and asks),
 * applyTeardown deletes it. Idempotent: what is already gone is skipped, and nothing there at all
 * is an empty plan.
 *
 * Training and transform jobs themselves stay: SageMaker has no API to delete a job's record.
 */
import {
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListEndpointConfigsCommand,
  ListModelsCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  ListTransformJobsCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { Clients } from '../aws/clients.js';
import { fromAwsError } from '../errors.js';
import { DELETE_BATCH, deleteObjects, deleteObjectsInput, listObjects, type ObjectSummary } from './artifacts.js';
import type { PlannedRequest } from './dry-run.js';
import { HOUSING_DATA_PREFIX } from './data.js';
import { isHostingName } from './endpoint-requests.js';
import { describeEndpoint, isNotFound, waitForEndpoint } from './endpoint-waiter.js';
import { TAG_KEYS, tagValue, type PollOptions } from './jobs.js';
import type { Reporter } from './reporter.js';

export interface TeardownOptions {
  endpoint: string;
  bucket: string;
  prefix: string;
  all: boolean;
}

export interface TeardownPlan {
  endpoint?: { name: string; status: string };
  configs: string[];
  models: string[];
  /** With `all`: S3 key prefixes and the objects under each. */
  objects: { prefix: string; objects: ObjectSummary[] }[];
  /** With `all`: the preprocessor models of the prefix's preprocess jobs. */
  preprocessorModels: string[];
  /** What stays on purpose, to say so. */
  kept: string[];
}

export function isEmptyPlan(p: TeardownPlan): boolean {
  return (
    !p.endpoint &&
    p.configs.length === 0 &&
    p.models.length === 0 &&
    p.preprocessorModels.length === 0 &&
    p.objects.every((o) => o.objects.length === 0)
  );
}

export async function inspectTeardown(
  clients: Pick<Clients, 's3' | 'sageMaker'>,
  o: TeardownOptions,
): Promise<TeardownPlan> {
  const sm = await clients.sageMaker();
  const endpoint = await describeEndpoint(sm, o.endpoint);
  const configs = new Set<string>();
  const models = new Set<string>();
  // The endpoint's own configuration and models: DescribeEndpoint → EndpointConfigName →
  // ProductionVariants[].ModelName (whatever their names).
  if (endpoint?.EndpointConfigName) {
    const config = await sm
      .send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpoint.EndpointConfigName }))
      .catch((err) => {
        if (isNotFound(err)) return undefined;
        throw fromAwsError(err, `describing endpoint configuration ${endpoint.EndpointConfigName}`);
      });
    if (config) configs.add(endpoint.EndpointConfigName);
    for (const v of config?.ProductionVariants ?? []) if (v.ModelName) models.add(v.ModelName);
  }
  // Leftovers of earlier deploys (an interrupted update): names deploy gives, {endpoint}-{hash}.
  for (const name of await listNames(sm, 'configs', o.endpoint)) if (isHostingName(o.endpoint, name)) configs.add(name);
  for (const name of await listNames(sm, 'models', o.endpoint)) if (isHostingName(o.endpoint, name)) models.add(name);

  const plan: TeardownPlan = {
    ...(endpoint ? { endpoint: { name: o.endpoint, status: endpoint.EndpointStatus ?? 'Unknown' } } : {}),
    configs: [...configs].sort(),
    models: [...models].sort(),
    objects: [],
    preprocessorModels: [],
    kept: [],
  };
  if (!o.all) return plan;

  const s3c = await clients.s3();
  const jobs = await prefixJobs(sm, o.prefix);
  const prefixes = [`${o.prefix}/`, ...jobs.map((j) => `${j.name}/`)];
  plan.objects = await Promise.all(
    prefixes.map(async (prefix) => ({ prefix, objects: await listObjects(s3c, o.bucket, prefix) })),
  );
  plan.objects = plan.objects.filter((x) => x.objects.length > 0);
  for (const job of jobs.filter((j) => j.kind === 'preprocess')) {
    const there = await sm.send(new DescribeModelCommand({ ModelName: job.name })).then(
      () => true,
      (err) => {
        if (isNotFound(err)) return false;
        throw fromAwsError(err, `describing model ${job.name}`);
      },
    );
    if (there) plan.preprocessorModels.push(job.name);
  }
  plan.kept.push(`s3://${o.bucket}/${HOUSING_DATA_PREFIX}/ (the raw data)`);
  return plan;
}

export interface TeardownResult {
  endpoint?: string;
  configs: string[];
  models: string[];
  objects: number;
  kept: string[];
  nothing: boolean;
}

export async function applyTeardown(
  clients: Pick<Clients, 's3' | 'sageMaker'>,
  reporter: Reporter,
  plan: TeardownPlan,
  o: TeardownOptions & { poll: PollOptions },
): Promise<TeardownResult> {
  const sm = await clients.sageMaker();
  const result: TeardownResult = { configs: [], models: [], objects: 0, kept: plan.kept, nothing: isEmptyPlan(plan) };
  if (plan.endpoint) {
    const id = 'teardown.endpoint';
    reporter.report({ kind: 'start', id, text: `Deleting endpoint ${plan.endpoint.name}` });
    try {
      const onChange = (s: string) =>
        reporter.report({ kind: 'update', id, text: `Deleting endpoint ${plan.endpoint!.name}: ${s}` });
      // SageMaker refuses to delete an endpoint while it is being created or updated: let that end.
      const settled =
        plan.endpoint.status === 'Deleting'
          ? plan.endpoint
          : await waitForEndpoint(sm, plan.endpoint.name, { state: 'Settled' }, o.poll, onChange);
      // Already Deleting (an earlier teardown): just wait for it.
      if (settled && plan.endpoint.status !== 'Deleting')
        await ignoreNotFound(
          () => sm.send(new DeleteEndpointCommand({ EndpointName: plan.endpoint!.name })),
          `deleting endpoint ${plan.endpoint.name}`,
        );
      await waitForEndpoint(sm, plan.endpoint.name, { state: 'Deleted' }, o.poll, onChange);
    } catch (err) {
      reporter.report({ kind: 'fail', id, text: `Deleting endpoint ${plan.endpoint.name}: ${(err as Error).message}` });
      throw err;
    }
    reporter.report({ kind: 'succeed', id, text: `Deleted endpoint ${plan.endpoint.name}` });
    result.endpoint = plan.endpoint.name;
  }
  for (const name of plan.configs) {
    if (
      await ignoreNotFound(
        () => sm.send(new DeleteEndpointConfigCommand({ EndpointConfigName: name })),
        `deleting endpoint configuration ${name}`,
      )
    )
      result.configs.push(name);
  }
  for (const name of [...plan.models, ...plan.preprocessorModels]) {
    if (await ignoreNotFound(() => sm.send(new DeleteModelCommand({ ModelName: name })), `deleting model ${name}`))
      result.models.push(name);
  }
  if (result.configs.length + result.models.length > 0) {
    reporter.report({
      kind: 'info',
      text: `Deleted ${result.configs.length} endpoint configuration(s) and ${result.models.length} model(s)`,
    });
  }
  const keys = plan.objects.flatMap((x) => x.objects.map((obj) => obj.key));
  if (keys.length > 0) {
    const id = 'teardown.objects';
    const s3c = await clients.s3();
    reporter.report({ kind: 'start', id, text: `Deleting ${keys.length} objects in s3://${o.bucket}` });
    result.objects = await deleteObjects(s3c, o.bucket, keys, (n) =>
      reporter.report({ kind: 'update', id, text: `Deleting objects in s3://${o.bucket}: ${n}/${keys.length}` }),
    );
    reporter.report({
      kind: 'succeed',
      id,
      text: `Deleted ${result.objects} objects in s3://${o.bucket} (${plan.objects.length} prefixes)`,
    });
  }
  return result;
}

/**
 * The requests applyTeardown sends for a plan, in order, for --dry-run (the DescribeEndpoint
 * polls are marked as such; a resource found gone meanwhile is skipped on the real run).
 */
export function teardownRequests(plan: TeardownPlan, o: Pick<TeardownOptions, 'bucket'>): PlannedRequest[] {
  const requests: PlannedRequest[] = [];
  if (plan.endpoint) {
    const name = plan.endpoint.name;
    const poll = (note: string): PlannedRequest => ({
      service: 'SageMaker',
      operation: 'DescribeEndpoint',
      input: { EndpointName: name },
      note,
    });
    if (plan.endpoint.status !== 'Deleting')
      requests.push(poll(`until it is not Creating or Updating (now ${plan.endpoint.status})`), {
        service: 'SageMaker',
        operation: 'DeleteEndpoint',
        input: { EndpointName: name },
      });
    requests.push(poll('repeated until it is gone'));
  }
  for (const name of plan.configs)
    requests.push({ service: 'SageMaker', operation: 'DeleteEndpointConfig', input: { EndpointConfigName: name } });
  for (const name of plan.models)
    requests.push({ service: 'SageMaker', operation: 'DeleteModel', input: { ModelName: name } });
  for (const name of plan.preprocessorModels)
    requests.push({
      service: 'SageMaker',
      operation: 'DeleteModel',
      input: { ModelName: name },
      note: 'the preprocessor model of this prefix',
    });
  const keys = plan.objects.flatMap((x) => x.objects.map((obj) => obj.key));
  for (let i = 0; i < keys.length; i += DELETE_BATCH)
    requests.push({
      service: 'S3',
      operation: 'DeleteObjects',
      input: deleteObjectsInput(o.bucket, keys.slice(i, i + DELETE_BATCH)),
      note: `objects ${i + 1}–${Math.min(i + DELETE_BATCH, keys.length)} of ${keys.length}`,
    });
  return requests;
}

/** True when deleted, false when it was already gone. */
async function ignoreNotFound(fn: () => Promise<unknown>, context: string): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw fromAwsError(err, context);
  }
}

async function listNames(
  sm: Pick<SageMakerClient, 'send'>,
  what: 'configs' | 'models',
  contains: string,
): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    // NameContains takes at most 63 characters, as names do.
    const input = { NameContains: contains.slice(0, 63), MaxResults: 100, NextToken: token };
    if (what === 'configs') {
      const page = await sm.send(new ListEndpointConfigsCommand(input));
      names.push(...(page.EndpointConfigs ?? []).map((c) => c.EndpointConfigName!));
      token = page.NextToken;
    } else {
      const page = await sm.send(new ListModelsCommand(input));
      names.push(...(page.Models ?? []).map((m) => m.ModelName!));
      token = page.NextToken;
    }
  } while (token);
  return names;
}

/**
 * The preprocess and transform jobs of this prefix (their tags say which): their outputs live at
 * the bucket's root, `{job}/…` (the notebook's layout), not under the prefix.
 */
async function prefixJobs(
  sm: Pick<SageMakerClient, 'send'>,
  prefix: string,
): Promise<{ name: string; kind: 'preprocess' | 'transform' }[]> {
  const found: { name: string; kind: 'preprocess' | 'transform' }[] = [];
  const keep = async (name: string | undefined, arn: string | undefined, kind: 'preprocess' | 'transform') => {
    if (!name || !arn) return;
    const { Tags: tags } = await sm.send(new ListTagsCommand({ ResourceArn: arn }));
    if (tagValue(tags, TAG_KEYS.prefix) === prefix) found.push({ name, kind });
  };
  let token: string | undefined;
  do {
    const page = await sm.send(
      new ListTrainingJobsCommand({ NameContains: 'mme-preprocess', MaxResults: 100, NextToken: token }),
    );
    for (const j of page.TrainingJobSummaries ?? []) await keep(j.TrainingJobName, j.TrainingJobArn, 'preprocess');
    token = page.NextToken;
  } while (token);
  do {
    const page = await sm.send(
      new ListTransformJobsCommand({ NameContains: 'mme-transform', MaxResults: 100, NextToken: token }),
    );
    for (const j of page.TransformJobSummaries ?? []) await keep(j.TransformJobName, j.TransformJobArn, 'transform');
    token = page.NextToken;
  } while (token);
  return found;
}
