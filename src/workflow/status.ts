/**
 * `mme status`: what is on the target, read from the target itself (no local bookkeeping):
 * - endpoints: ListEndpoints, DescribeEndpoint, DescribeEndpointConfig, and DescribeModel of each
 *   variant's model to find its MultiModel container, whose ModelDataUrl is the prefix the
 *   TargetModels live under; ListObjectsV2 of that prefix lists the models it can serve;
 * - the latest Completed `mme train` job per location (trained-models.ts: one Search a 100 jobs);
 * - on the local target only, what SageMaker keeps inside its instances: loaded models per
 *   instance, memory against the cache budget, cache hits/misses/loads/evictions, per-model
 *   figures. No AWS API has them, so they come from the local cloud's own route (a documented
 *   local extension, src/local/services/runtime/local-status.ts), signed with SigV4 like the
 *   SDK's requests. On AWS, `mme metrics` shows the CloudWatch side of the same story.
 * One endpoint failing to describe (deleted meanwhile, a denied call) is reported on that
 * endpoint, not thrown: status should show as much as it can.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  paginateListEndpoints,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { parseS3Uri } from '../aws-names/s3-uri.js';
import type { Clients, TargetConnection } from '../aws/clients.js';
import { ExitCode, MmeError, fromAwsError } from '../errors.js';
import type { LocalEndpointStatus } from '../formats/endpoint-status.js';
import { localEndpointStatus } from '../aws/local-extension.js';
import type { Reporter } from './reporter.js';
import { newestTrainedModels, type TrainedModel } from './trained-models.js';

/** One page of ListObjectsV2: enough to show; the count says when there are more. */
const MAX_LISTED_MODELS = 1000;

export interface ModelObject {
  /** The key relative to the prefix: what X-Amzn-SageMaker-Target-Model names. */
  targetModel: string;
  sizeBytes: number;
  lastModified?: Date;
}

export interface EndpointReport {
  name: string;
  status: string;
  arn?: string;
  failureReason?: string;
  creationTime?: Date;
  lastModifiedTime?: Date;
  configName?: string;
  variants: {
    name: string;
    modelName?: string;
    instanceType?: string;
    currentInstanceCount?: number;
    desiredInstanceCount?: number;
    weight?: number;
  }[];
  /** The MultiModel container's prefix and the models stored under it. */
  multiModel?: { modelName: string; modelDataUrl: string; models: ModelObject[]; truncated: boolean; error?: string };
  /** Local target only: the endpoint host's own view (not an AWS API). */
  local?: LocalEndpointStatus;
  /** Why part of the report is missing. */
  errors: string[];
}

export interface StatusResult {
  region: string;
  endpoints: EndpointReport[];
  /** The latest Completed training job per location, for the S3 prefix. */
  trainedModels: TrainedModel[];
  errors: string[];
}

export interface StatusOptions {
  region: string;
  /** The S3 prefix whose training jobs to show. */
  prefix: string;
  /** Only this endpoint (default: every endpoint of the account and region). */
  endpoint?: string;
  /** The local cloud's connection: asks its status route too. */
  local?: TargetConnection;
}

export async function collectStatus(
  clients: Pick<Clients, 'sageMaker' | 's3'>,
  reporter: Reporter,
  o: StatusOptions,
): Promise<StatusResult> {
  const sm = await clients.sageMaker();
  reporter.report({ kind: 'start', id: 'status', text: 'Reading endpoints and training jobs' });
  const errors: string[] = [];
  try {
    const names = o.endpoint ? [o.endpoint] : await endpointNames(sm);
    const [endpoints, trainedModels] = await Promise.all([
      Promise.all(names.map((name) => describeEndpoint(clients, sm, name, o.local))),
      newestTrainedModels(sm, { prefix: o.prefix }).catch((err: unknown) => {
        errors.push(`training jobs: ${fromAwsError(err).message}`);
        return [] as TrainedModel[];
      }),
    ]);
    reporter.report({
      kind: 'succeed',
      id: 'status',
      text: `${endpoints.length} endpoint${endpoints.length === 1 ? '' : 's'}, ${trainedModels.length} trained model${trainedModels.length === 1 ? '' : 's'}`,
    });
    return { region: o.region, endpoints, trainedModels, errors };
  } catch (err) {
    reporter.report({ kind: 'fail', id: 'status', text: 'Reading the target failed' });
    throw fromAwsError(err, 'listing endpoints');
  }
}

async function endpointNames(sm: SageMakerClient): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListEndpoints({ client: sm }, { SortBy: 'Name', SortOrder: 'Ascending' })) {
    for (const e of page.Endpoints ?? []) if (e.EndpointName) names.push(e.EndpointName);
  }
  return names;
}

async function describeEndpoint(
  clients: Pick<Clients, 's3'>,
  sm: SageMakerClient,
  name: string,
  local: TargetConnection | undefined,
): Promise<EndpointReport> {
  const report: EndpointReport = { name, status: 'Unknown', variants: [], errors: [] };
  let d;
  try {
    d = await sm.send(new DescribeEndpointCommand({ EndpointName: name }));
  } catch (err) {
    const error = fromAwsError(err);
    // Asked for by name (--endpoint) and not there: that is the answer, as an error.
    if (/Could not find endpoint/.test(error.message)) {
      throw new MmeError('ValidationError', error.message, {
        exitCode: ExitCode.NotFound,
        cause: err,
        hint: "Create it with 'mme deploy'; 'mme status' without --endpoint lists the endpoints.",
      });
    }
    report.errors.push(`DescribeEndpoint: ${error.message}`);
    return report;
  }
  Object.assign(report, {
    status: d.EndpointStatus ?? 'Unknown',
    arn: d.EndpointArn,
    configName: d.EndpointConfigName,
    ...(d.FailureReason ? { failureReason: d.FailureReason } : {}),
    creationTime: d.CreationTime,
    lastModifiedTime: d.LastModifiedTime,
  });
  try {
    const config = await sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: d.EndpointConfigName }));
    report.variants = (config.ProductionVariants ?? []).map((pv) => {
      const live = d.ProductionVariants?.find((v) => v.VariantName === pv.VariantName);
      return {
        name: pv.VariantName ?? '?',
        modelName: pv.ModelName,
        instanceType: pv.InstanceType,
        currentInstanceCount: live?.CurrentInstanceCount,
        desiredInstanceCount: live?.DesiredInstanceCount ?? pv.InitialInstanceCount,
        weight: live?.CurrentWeight ?? pv.InitialVariantWeight,
      };
    });
    for (const v of report.variants) {
      if (!v.modelName || report.multiModel) continue;
      const model = await sm.send(new DescribeModelCommand({ ModelName: v.modelName }));
      const mme = [...(model.Containers ?? []), ...(model.PrimaryContainer ? [model.PrimaryContainer] : [])].find(
        (c) => c.Mode === 'MultiModel',
      );
      if (mme?.ModelDataUrl)
        report.multiModel = {
          modelName: v.modelName,
          modelDataUrl: mme.ModelDataUrl,
          ...(await listModels(clients, mme.ModelDataUrl)),
        };
    }
  } catch (err) {
    report.errors.push(fromAwsError(err).message);
  }
  if (local && report.status !== 'Creating') {
    try {
      report.local = await localEndpointStatus(local, name);
    } catch (err) {
      report.errors.push(`local status: ${(err as Error).message}`);
    }
  }
  return report;
}

async function listModels(
  clients: Pick<Clients, 's3'>,
  url: string,
): Promise<{ models: ModelObject[]; truncated: boolean; error?: string }> {
  const location = parseS3Uri(url);
  if (!location) return { models: [], truncated: false, error: `not an S3 URL: ${url}` };
  const { bucket, key: prefix } = location;
  try {
    const s3 = await clients.s3();
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: MAX_LISTED_MODELS }),
    );
    const models = (page.Contents ?? [])
      .filter((o) => o.Key && !o.Key.endsWith('/'))
      .map((o) => ({
        targetModel: o.Key!.slice(prefix.length),
        sizeBytes: o.Size ?? 0,
        ...(o.LastModified ? { lastModified: o.LastModified } : {}),
      }));
    return { models, truncated: !!page.IsTruncated };
  } catch (err) {
    return { models: [], truncated: false, error: `listing ${url}: ${fromAwsError(err).message}` };
  }
}
