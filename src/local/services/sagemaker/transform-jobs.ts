/**
 * Batch transform: CreateTransformJob, DescribeTransformJob, ListTransformJobs, StopTransformJob.
 *
 * The job loads the model's artifacts (each container's ModelDataUrl), reads every object under
 * TransformInput's S3 data source, sends each through the model (the containers in order, for a
 * pipeline) split by SplitType and batched by BatchStrategy within MaxPayloadInMB, and writes
 * `{S3OutputPath}/{key relative to the input prefix}.out`, as AWS names batch outputs.
 * Defaults where the request is silent: SplitType None, BatchStrategy MultiRecord,
 * MaxPayloadInMB 6, AssembleWith None (CreateTransformJob API reference).
 */
import { ServiceError } from '../../service-error.js';
import type { ServiceCall } from '../../service.js';
import type { AlgorithmId } from '../../jobs/algorithms.js';
import type { Outcome, TransformSpec } from '../../jobs/runner.js';
import { sagemakerArn } from '../../../aws-names/arns.js';
import { nameKey } from './arns.js';
import { checkReadableSource, COMPRESSION_TYPES, readS3DataSource, requireS3Form, s3Uri } from './channel-input.js';
import type { SageMakerContext } from './context.js';
import { requireRunnableImage } from '../../jobs/images.js';
import { failureReason } from './job-status.js';
import { listPage } from './listing.js';
import { modelContainers, modelNotFound } from './models.js';
import type { TransformJobRecord } from './state.js';
import { readTags } from './tags.js';
import { INSTANCE_TYPES, resourceNotFound, validationError, Validator, type Json } from './validation.js';
import { checkExecutionRole } from './pass-role.js';

const STATUSES = ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped'];

function readCreate(input: Json) {
  const v = new Validator();
  const name = v.name(input.TransformJobName, 'transformJobName') ?? '';
  const modelName = v.name(input.ModelName, 'modelName') ?? '';
  v.integer(input.MaxConcurrentTransforms, 'maxConcurrentTransforms', { min: 0 });
  const maxPayload = v.integer(input.MaxPayloadInMB, 'maxPayloadInMB', { min: 0 }) ?? 6;
  const batchStrategy =
    v.string(input.BatchStrategy, 'batchStrategy', { enum: ['MultiRecord', 'SingleRecord'] }) ?? 'MultiRecord';
  v.stringMap(input.Environment, 'environment', { maxEntries: 16, maxKey: 1024, maxValue: 10240 });
  const ti = v.object(input.TransformInput, 'transformInput', true) ?? {};
  const ds = v.object(ti.DataSource, 'transformInput.dataSource', true) ?? {};
  const source = readS3DataSource(v, ds.S3DataSource, 'transformInput.dataSource.s3DataSource');
  const contentType = v.string(ti.ContentType, 'transformInput.contentType', { max: 256 });
  const compression = v.string(ti.CompressionType, 'transformInput.compressionType', { enum: COMPRESSION_TYPES });
  const splitType =
    v.string(ti.SplitType, 'transformInput.splitType', { enum: ['None', 'Line', 'RecordIO', 'TFRecord'] }) ?? 'None';
  const to = v.object(input.TransformOutput, 'transformOutput', true) ?? {};
  const outputPath = s3Uri(v, to.S3OutputPath, 'transformOutput.s3OutputPath') ?? '';
  const accept = v.string(to.Accept, 'transformOutput.accept', { max: 256 });
  const assembleWith = v.string(to.AssembleWith, 'transformOutput.assembleWith', { enum: ['None', 'Line'] }) ?? 'None';
  const tr = v.object(input.TransformResources, 'transformResources', true) ?? {};
  v.string(tr.InstanceType, 'transformResources.instanceType', { required: true, enum: INSTANCE_TYPES });
  v.integer(tr.InstanceCount, 'transformResources.instanceCount', { required: true, min: 1 });
  const tags = readTags(v, input.Tags, 'tags');
  v.check();
  if (maxPayload > 100) throw validationError('MaxPayloadInMB cannot be greater than 100 MB.');
  if (splitType !== 'None' && splitType !== 'Line') {
    throw validationError(`SplitType '${splitType}' is not supported by the mme local cloud; use Line or None.`);
  }
  checkReadableSource(source, 'TransformInput.DataSource.S3DataSource');
  requireS3Form(outputPath, 'TransformOutput.S3OutputPath');
  return {
    name,
    modelName,
    source,
    contentType,
    compression,
    outputPath,
    accept,
    tags,
    splitType: splitType as 'None' | 'Line',
    batchStrategy: batchStrategy as 'MultiRecord' | 'SingleRecord',
    assembleWith: assembleWith as 'None' | 'Line',
    maxPayloadBytes: maxPayload * 1024 * 1024,
  };
}

export function transformJobOperations(ctx: SageMakerContext) {
  const jobs = ctx.state.transformJobs;

  function finish(record: TransformJobRecord, outcome: Outcome): void {
    const d = record.describe;
    const now = ctx.now();
    d.TransformJobStatus =
      d.TransformJobStatus === 'Stopping' && outcome.status === 'Completed' ? 'Stopped' : outcome.status;
    if (outcome.status === 'Failed') d.FailureReason = failureReason(outcome.reason);
    d.TransformStartTime ??= now;
    d.TransformEndTime = now;
    d.LastModifiedTime = now;
    jobs.saveInBackground(record);
  }

  /** The model's containers as the runner wants them; refuses what batch transform cannot use. */
  function containersOf(modelName: string, arn: string): TransformSpec['containers'] {
    const record = ctx.state.models.get(modelName);
    if (!record) throw modelNotFound(arn);
    return modelContainers(record).map((c, i) => {
      if (c.Mode === 'MultiModel')
        throw validationError('Batch transform does not support models with a MultiModel container.');
      if (typeof c.ModelDataUrl !== 'string')
        throw validationError(
          `Container ${i + 1} of model ${modelName} has no ModelDataUrl; the mme local cloud needs the model's artifacts.`,
        );
      const algorithm: AlgorithmId = requireRunnableImage(String(c.Image), `container ${i + 1} of model ${modelName}`);
      return { algorithm, modelDataUrl: c.ModelDataUrl };
    });
  }

  return {
    async CreateTransformJob(input: Json, call: ServiceCall) {
      const spec = readCreate(input);
      const arn = sagemakerArn(call.region, call.principal.accountId, 'transform-job', spec.name);
      if (jobs.get(spec.name)) {
        throw new ServiceError(
          'ResourceInUse',
          `Transform job names must be unique within an AWS account and region, and a transform job with this name already exists (${arn})`,
        );
      }
      const containers = containersOf(
        spec.modelName,
        sagemakerArn(call.region, call.principal.accountId, 'model', spec.modelName),
      );
      checkExecutionRole(ctx.roles, call, ctx.state.models.get(spec.modelName)?.describe.ExecutionRoleArn, false);
      const now = ctx.now();
      const { Tags: _tags, ...request } = input;
      const record: TransformJobRecord = {
        tags: spec.tags,
        describe: {
          ...request,
          TransformJobName: spec.name,
          TransformJobArn: arn,
          ModelName: spec.modelName,
          TransformJobStatus: 'InProgress',
          CreationTime: now,
          LastModifiedTime: now,
        },
      };
      ctx.logs.begin('transform-job', spec.name, now);
      await jobs.save(record);

      const key = `transform-job/${nameKey(spec.name)}`;
      const runSpec: TransformSpec = { ...spec, containers, region: call.region };
      const job = ctx.runner.transform(runSpec, () => {
        if (ctx.closing || record.describe.TransformJobStatus !== 'InProgress') return;
        record.describe.TransformStartTime = ctx.now();
        jobs.saveInBackground(record);
      });
      ctx.running.set(key, job);
      void job.done
        .then((outcome) => {
          ctx.running.delete(key);
          if (!ctx.closing) finish(record, outcome);
        })
        .catch((err: unknown) => ctx.log(`transform job ${spec.name}: ${(err as Error)?.stack ?? String(err)}`));
      return { TransformJobArn: arn };
    },

    async DescribeTransformJob(input: Json) {
      const v = new Validator();
      const name = v.name(input.TransformJobName, 'transformJobName') ?? '';
      v.check();
      const record = jobs.get(name);
      if (!record) throw resourceNotFound();
      return record.describe;
    },

    async ListTransformJobs(input: Json) {
      const { page, nextToken } = listPage(
        jobs.values(),
        (r) => ({
          name: r.describe.TransformJobName,
          creationTime: r.describe.CreationTime,
          lastModifiedTime: r.describe.LastModifiedTime,
          status: r.describe.TransformJobStatus,
        }),
        input,
        { sortBy: ['Name', 'CreationTime', 'Status'], statuses: STATUSES, lastModified: true },
      );
      return {
        TransformJobSummaries: page.map(({ describe: d }) => ({
          TransformJobName: d.TransformJobName,
          TransformJobArn: d.TransformJobArn,
          CreationTime: d.CreationTime,
          TransformEndTime: d.TransformEndTime,
          LastModifiedTime: d.LastModifiedTime,
          TransformJobStatus: d.TransformJobStatus,
          FailureReason: d.FailureReason,
        })),
        NextToken: nextToken,
      };
    },

    async StopTransformJob(input: Json) {
      const v = new Validator();
      const name = v.name(input.TransformJobName, 'transformJobName') ?? '';
      v.check();
      const record = jobs.get(name);
      if (!record) throw resourceNotFound();
      const d = record.describe;
      if (d.TransformJobStatus !== 'InProgress') {
        throw validationError(
          `The request was rejected because the transform job is in status ${d.TransformJobStatus}.`,
        );
      }
      d.TransformJobStatus = 'Stopping';
      d.LastModifiedTime = ctx.now();
      await jobs.save(record);
      const job = ctx.running.get(`transform-job/${nameKey(name)}`);
      if (job) job.stop('StopTransformJob');
      else finish(record, { status: 'Stopped', reason: 'StopTransformJob' });
      return {};
    },
  };
}
