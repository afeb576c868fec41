/**
 * `mme add-model` (docs/aws-behaviour.md#multi-model-hosting): a model joins the running endpoint by being copied
 * under the multi-model prefix; there is no endpoint update. Then we prove it answers: one
 * invocation with TargetModel `{NAME}/{NAME}.tar.gz` and a row of the location's test data.
 *
 * An existing key is not overwritten unless forced: SageMaker's docs warn that replacing the
 * artifact of a model an instance has already loaded gives unpredictable results (the old copy
 * may keep answering until it is unloaded). A new name (--as) is the safe way.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import type { Clients } from '../aws/clients.js';
import { ExitCode, MmeError, fromAwsError } from '../errors.js';
import { copyArtifact, headArtifact, isMissing } from './artifacts.js';
import { housingDataKey } from './data.js';
import { describeEndpoint } from './endpoint-waiter.js';
import type { PlannedRequest } from './dry-run.js';
import { copyArtifactInput, mmeLayout } from './endpoint-requests.js';
import type { Reporter } from './reporter.js';
import { s3 } from './requests.js';
import { newestTrainedModels } from './trained-models.js';
import { parsePredictions } from './answers.js';

/** A model name under the prefix: one path segment, and a valid TargetModel (printable, no spaces). */
const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;

export interface AddModelOptions {
  bucket: string;
  prefix: string;
  endpoint: string;
  location: string;
  /** Name under the prefix (default: the location). */
  name: string;
  /** Copy this s3:// artifact instead of the location's latest training output. */
  artifact?: string;
  force: boolean;
}

export interface AddModelResult {
  name: string;
  location: string;
  source: string;
  trainingJob?: string;
  key: string;
  targetModel: string;
  /** True when an existing key was overwritten (--force). */
  replaced: boolean;
  /** True when this very artifact was there already: nothing was copied. */
  alreadyAdded: boolean;
  /** The proof, when the endpoint is InService. */
  invocation?: { features: string; prediction: number | undefined; body: string; latencyMs: number };
  warnings: string[];
}

/** What add-model would do, read from the target without writing (the run and --dry-run share it). */
export interface AddModelPlan {
  source: string;
  trainingJob?: string;
  key: string;
  targetModel: string;
  /** The key holds something already (overwritten only with --force). */
  exists: boolean;
  /** The key holds this very artifact: nothing to copy. */
  alreadyAdded: boolean;
  /** The endpoint's status, or undefined when there is none: it is invoked only when InService. */
  endpointStatus?: string;
}

export async function inspectAddModel(
  clients: Pick<Clients, 's3' | 'sageMaker'>,
  o: AddModelOptions,
): Promise<AddModelPlan> {
  if (!MODEL_NAME_PATTERN.test(o.name)) {
    throw new MmeError('UsageError', `'${o.name}' cannot name a model under the prefix`, {
      exitCode: ExitCode.Usage,
      hint: 'Use letters, digits, `_`, `.` and `-`, starting with a letter or digit.',
    });
  }
  const [s3c, sm] = await Promise.all([clients.s3(), clients.sageMaker()]);
  const { source, trainingJob } = await sourceOf(sm, o);
  const key = mmeLayout.key(o.prefix, o.name);
  const targetModel = mmeLayout.targetModel(o.name);

  const existing = await headArtifact(s3c, o.bucket, key);
  // The very artifact is there (a re-run, or the demo's second time): done already, nothing to copy.
  const alreadyAdded = existing !== undefined && existing.source === source && !o.force;
  if (existing && !o.force && !alreadyAdded) {
    const same = existing.source ? ` (a copy of ${existing.source})` : '';
    throw new MmeError('ModelExists', `s3://${o.bucket}/${key} already exists${same}; not overwriting it`, {
      exitCode: ExitCode.Failure,
      detail: { key, existingSource: existing.source ?? null },
      hint: `Overwriting a model the endpoint may have loaded gives unpredictable results (an instance can keep the old copy). Add it under a new name: mme add-model ${o.location} --as ${o.name}_v2 (or --force to overwrite anyway).`,
    });
  }
  const endpoint = await describeEndpoint(sm, o.endpoint);
  return {
    source,
    ...(trainingJob ? { trainingJob } : {}),
    key,
    targetModel,
    exists: existing !== undefined,
    alreadyAdded,
    ...(endpoint?.EndpointStatus ? { endpointStatus: endpoint.EndpointStatus } : {}),
  };
}

/** The requests of a plan, for --dry-run: the copy (unless already there) and the proving invocation. */
export function addModelRequests(plan: AddModelPlan, o: AddModelOptions): PlannedRequest[] {
  const requests: PlannedRequest[] = [];
  if (!plan.alreadyAdded)
    requests.push({
      service: 'S3',
      operation: 'CopyObject',
      input: { ...copyArtifactInput(plan.source, o.bucket, plan.key, plan.trainingJob) },
      note: plan.exists ? 'overwrites the key (--force)' : `${plan.trainingJob ?? plan.source} under the prefix`,
    });
  if (plan.endpointStatus === 'InService')
    requests.push({
      service: 'SageMakerRuntime',
      operation: 'InvokeEndpoint',
      input: {
        EndpointName: o.endpoint,
        TargetModel: plan.targetModel,
        ContentType: 'text/csv',
        Accept: 'application/json',
        Body: `<the first row of s3://${o.bucket}/${housingDataKey(o.location, 'test')}, its 8 features>`,
      },
      note: 'proves it answers; after a GetObject of that test data',
    });
  return requests;
}

export async function addModel(
  clients: Pick<Clients, 's3' | 'sageMaker' | 'sageMakerRuntime'>,
  reporter: Reporter,
  o: AddModelOptions,
  planned?: AddModelPlan,
): Promise<AddModelResult> {
  const plan = planned ?? (await inspectAddModel(clients, o));
  const s3c = await clients.s3();
  const { source, trainingJob, key, targetModel, alreadyAdded } = plan;
  const warnings: string[] = [];
  if (plan.exists && o.force)
    warnings.push(
      `overwrote ${targetModel}: instances that loaded the old copy may keep answering with it until they unload it`,
    );

  const id = 'add-model';
  if (alreadyAdded) {
    reporter.report({
      kind: 'info',
      text: `${targetModel} is already under s3://${o.bucket}/${mmeLayout.prefix(o.prefix)} (the same artifact): nothing to copy`,
    });
  } else {
    reporter.report({ kind: 'start', id, text: `Adding ${o.name}: ${source} → ${s3(o.bucket, key)}` });
    await copyArtifact(s3c, source, o.bucket, key, trainingJob).catch((err) => {
      reporter.report({ kind: 'fail', id, text: `Adding ${o.name}: ${(err as Error).message}` });
      throw err;
    });
    reporter.report({
      kind: 'succeed',
      id,
      text: `Added ${targetModel} to s3://${o.bucket}/${mmeLayout.prefix(o.prefix)}`,
    });
  }

  const base = {
    name: o.name,
    location: o.location,
    source,
    ...(trainingJob ? { trainingJob } : {}),
    key,
    targetModel,
    replaced: plan.exists && !alreadyAdded,
    alreadyAdded,
    warnings,
  };
  if (plan.endpointStatus !== 'InService') {
    warnings.push(
      `endpoint ${o.endpoint} is ${plan.endpointStatus ?? 'not deployed'}: the model answers once it is InService (mme deploy)`,
    );
    return base;
  }
  const features = await testRow(s3c, o.bucket, o.location);
  if (!features) {
    warnings.push(
      `no test data at s3://${o.bucket}/${housingDataKey(o.location, 'test')}: not invoking it (try: mme invoke --model ${o.name} --random 1)`,
    );
    return base;
  }
  reporter.report({
    kind: 'start',
    id: 'add-model.invoke',
    text: `Invoking ${targetModel} on ${o.endpoint}${alreadyAdded ? '' : ' (the first call downloads and loads it)'}`,
  });
  const invocation = await invokeOnce(clients, o.endpoint, targetModel, features).catch((err) => {
    reporter.report({
      kind: 'fail',
      id: 'add-model.invoke',
      text: `${targetModel} did not answer: ${(err as Error).message}`,
    });
    throw err;
  });
  reporter.report({
    kind: 'succeed',
    id: 'add-model.invoke',
    text: `${targetModel} answered in ${invocation.latencyMs} ms`,
  });
  return { ...base, invocation };
}

async function sourceOf(
  sm: Parameters<typeof newestTrainedModels>[0],
  o: AddModelOptions,
): Promise<{ source: string; trainingJob?: string }> {
  if (o.artifact) return { source: o.artifact };
  const [latest] = await newestTrainedModels(sm, { locations: [o.location], prefix: o.prefix }).catch((err) => {
    throw fromAwsError(err, 'listing training jobs');
  });
  if (!latest) {
    throw new MmeError('NoModels', `no Completed mme training job for ${o.location} (prefix ${o.prefix})`, {
      exitCode: ExitCode.NotFound,
      hint: `Train it first (mme train --locations ${o.location}), or give an artifact with --artifact s3://…/model.tar.gz.`,
    });
  }
  return { source: latest.artifact, trainingJob: latest.jobName };
}

/** The first row of the location's test data, its first 8 columns (the features; PRICE is the 9th). */
export async function testRow(
  s3c: Pick<import('@aws-sdk/client-s3').S3Client, 'send'>,
  bucket: string,
  location: string,
): Promise<string | undefined> {
  try {
    const out = await s3c.send(
      new GetObjectCommand({ Bucket: bucket, Key: housingDataKey(location, 'test'), Range: 'bytes=0-4095' }),
    );
    const line = (await out.Body!.transformToString()).split('\n').find((l) => l.trim() !== '');
    return line ? firstColumns(line, 8) : undefined;
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw fromAwsError(err, `reading the test data of ${location}`);
  }
}

export function firstColumns(line: string, n: number): string {
  return line.trim().split(',').slice(0, n).join(',');
}

/** One invocation through the pipeline, timed from the client (network + load on a first call). */
export async function invokeOnce(
  clients: Pick<Clients, 'sageMakerRuntime'>,
  endpoint: string,
  targetModel: string,
  features: string,
): Promise<NonNullable<AddModelResult['invocation']>> {
  const runtime = await clients.sageMakerRuntime();
  const started = performance.now();
  try {
    const out = await runtime.send(
      new InvokeEndpointCommand({
        EndpointName: endpoint,
        TargetModel: targetModel,
        ContentType: 'text/csv',
        Accept: 'application/json',
        Body: new TextEncoder().encode(features),
      }),
    );
    const latencyMs = Math.round(performance.now() - started);
    const body = new TextDecoder().decode(out.Body);
    return { features, prediction: score(body), body, latencyMs };
  } catch (err) {
    throw fromAwsError(err, `invoking ${targetModel} on ${endpoint}`);
  }
}

/**
 * The first prediction of a JSON answer: the linear learner's {"predictions":[{"score": 439972.62}]}
 * or the XGBoost multi-model handler's bare [439972.62] (invoke.ts parsePredictions reads both).
 */
export function score(body: string): number | undefined {
  return parsePredictions(body, 'application/json')[0] ?? undefined;
}
