/**
 * Training jobs: CreateTrainingJob, DescribeTrainingJob, ListTrainingJobs, StopTrainingJob.
 *
 * A job is InProgress from creation: SecondaryStatus Starting while it waits for a pool slot
 * (AWS: while instances launch), then Downloading, Training, Uploading as the runner reports
 * them, and Completed / Failed (with FailureReason) / Stopped. StopTrainingJob makes it
 * Stopping, terminates its worker, then Stopped. StoppingCondition.MaxRuntimeInSeconds is
 * enforced: the job is stopped with SecondaryStatus MaxRuntimeExceeded, as AWS does.
 */
import { ServiceError } from '../../service-error.js';
import type { ServiceCall } from '../../service.js';
import type { Outcome } from '../../jobs/runner.js';
import { sagemakerArn } from '../../../aws-names/arns.js';
import { nameKey } from './arns.js';
import { checkChannels, readChannels, requireS3Form, s3Uri } from './channel-input.js';
import { elapsedSeconds, type SageMakerContext } from './context.js';
import { requireRunnableImage } from '../../jobs/images.js';
import { failureReason, pushTransition } from './job-status.js';
import { listPage } from './listing.js';
import type { TrainingJobRecord } from './state.js';
import { readTags } from './tags.js';
import {
  INSTANCE_TYPES,
  IMAGE_PATTERN,
  resourceNotFound,
  ROLE_ARN_PATTERN,
  validationError,
  Validator,
  type Json,
} from './validation.js';
import { checkExecutionRole } from './pass-role.js';

const STATUSES = ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped'];
/** setTimeout's limit (~24.8 days); MaxRuntimeInSeconds may be up to 28 days. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function readCreate(input: Json) {
  const v = new Validator();
  const name = v.name(input.TrainingJobName, 'trainingJobName') ?? '';
  const algo = v.object(input.AlgorithmSpecification, 'algorithmSpecification', true) ?? {};
  const image = v.string(algo.TrainingImage, 'algorithmSpecification.trainingImage', {
    max: 255,
    pattern: IMAGE_PATTERN,
  });
  v.string(algo.AlgorithmName, 'algorithmSpecification.algorithmName', { min: 1, max: 170 });
  v.string(algo.TrainingInputMode, 'algorithmSpecification.trainingInputMode', {
    required: true,
    enum: ['Pipe', 'File', 'FastFile'],
  });
  v.string(input.RoleArn, 'roleArn', { required: true, min: 20, max: 2048, pattern: ROLE_ARN_PATTERN });
  const hyperparameters =
    v.stringMap(input.HyperParameters, 'hyperParameters', { maxEntries: 100, maxKey: 256, maxValue: 2500 }) ?? {};
  v.stringMap(input.Environment, 'environment', { maxEntries: 100, maxKey: 512, maxValue: 512 });
  const channels = readChannels(v, input.InputDataConfig);
  const output = v.object(input.OutputDataConfig, 'outputDataConfig', true) ?? {};
  const outputPath = s3Uri(v, output.S3OutputPath, 'outputDataConfig.s3OutputPath') ?? '';
  const resources = v.object(input.ResourceConfig, 'resourceConfig', true) ?? {};
  v.string(resources.InstanceType, 'resourceConfig.instanceType', { enum: INSTANCE_TYPES });
  v.integer(resources.InstanceCount, 'resourceConfig.instanceCount', { min: 1 });
  v.integer(resources.VolumeSizeInGB, 'resourceConfig.volumeSizeInGB', { required: true, min: 0 });
  const stopping = v.object(input.StoppingCondition, 'stoppingCondition', true) ?? {};
  const maxRuntime =
    v.integer(stopping.MaxRuntimeInSeconds, 'stoppingCondition.maxRuntimeInSeconds', { min: 1 }) ?? 86_400;
  const tags = readTags(v, input.Tags, 'tags');
  v.check();

  // Beyond the API's constraints: what the local cloud can run.
  if (image === undefined) {
    throw validationError(
      'AlgorithmSpecification.TrainingImage is required by the mme local cloud (AlgorithmName, for Marketplace algorithms, is not supported).',
    );
  }
  const algorithm = requireRunnableImage(image, 'AlgorithmSpecification.TrainingImage');
  if (algo.TrainingInputMode === 'Pipe')
    throw validationError("TrainingInputMode 'Pipe' is not supported by the mme local cloud; use File.");
  if (resources.InstanceType === undefined)
    throw validationError(
      'ResourceConfig.InstanceType is required (instance groups are not supported by the mme local cloud).',
    );
  checkChannels(channels);
  requireS3Form(outputPath, 'OutputDataConfig.S3OutputPath');
  return { name, image, algorithm, hyperparameters, channels, outputPath, maxRuntime, tags };
}

/** The InputDataConfig as DescribeTrainingJob shows it: AWS fills in each channel's defaults. */
function describedChannels(value: unknown): unknown {
  if (!Array.isArray(value)) return undefined;
  return (value as Json[]).map((c) => {
    const ds = (c.DataSource as Json | undefined)?.S3DataSource as Json | undefined;
    return {
      ...c,
      DataSource: { S3DataSource: { S3DataDistributionType: 'FullyReplicated', ...ds } },
      CompressionType: c.CompressionType ?? 'None',
      RecordWrapperType: c.RecordWrapperType ?? 'None',
    };
  });
}

export function trainingJobOperations(ctx: SageMakerContext) {
  const jobs = ctx.state.trainingJobs;

  function finish(record: TrainingJobRecord, outcome: Outcome, maxRuntimeHit: boolean): void {
    const d = record.describe;
    const now = ctx.now();
    d.LastModifiedTime = now;
    d.TrainingEndTime = now;
    // A job asked to stop ends Stopped even if its work finished in the meantime (AWS signals
    // the container, which may still save a model; the status is Stopped either way).
    const status = d.TrainingJobStatus === 'Stopping' && outcome.status === 'Completed' ? 'Stopped' : outcome.status;
    d.TrainingJobStatus = status;
    if (outcome.status === 'Completed') {
      if (outcome.modelArtifacts) d.ModelArtifacts = { S3ModelArtifacts: outcome.modelArtifacts };
      if (outcome.metrics?.length)
        d.FinalMetricDataList = outcome.metrics.map((m) => ({ MetricName: m.name, Value: m.value, Timestamp: now }));
    } else if (outcome.status === 'Failed') {
      d.FailureReason = failureReason(outcome.reason);
    }
    // A stop by MaxRuntimeInSeconds leaves SecondaryStatus MaxRuntimeExceeded (DescribeTrainingJob docs).
    const secondary = status === 'Stopped' && maxRuntimeHit ? 'MaxRuntimeExceeded' : status;
    d.SecondaryStatus = secondary;
    pushTransition(d.SecondaryStatusTransitions, secondary, now, true);
    const start = d.TrainingStartTime ?? d.CreationTime;
    d.TrainingTimeInSeconds = elapsedSeconds(start, now);
    d.BillableTimeInSeconds = d.TrainingTimeInSeconds;
    jobs.saveInBackground(record);
  }

  function start(record: TrainingJobRecord, spec: ReturnType<typeof readCreate>, region: string): void {
    const key = `training-job/${nameKey(spec.name)}`;
    const job = ctx.runner.train(
      {
        name: spec.name,
        algorithm: spec.algorithm,
        hyperparameters: spec.hyperparameters,
        channels: spec.channels,
        outputPath: spec.outputPath,
        region,
      },
      async (phase) => {
        const d = record.describe;
        if (ctx.closing || d.TrainingJobStatus !== 'InProgress') return;
        const now = ctx.now();
        if (phase === 'Downloading') d.TrainingStartTime = now;
        d.SecondaryStatus = phase;
        d.LastModifiedTime = now;
        pushTransition(d.SecondaryStatusTransitions, phase, now);
        jobs.saveInBackground(record);
      },
    );
    ctx.running.set(key, job);
    let maxRuntimeHit = false;
    const timer = setTimeout(
      () => {
        maxRuntimeHit = true;
        job.stop('MaxRuntimeInSeconds reached');
      },
      Math.min(spec.maxRuntime * 1000, MAX_TIMER_MS),
    );
    timer.unref();
    void job.done
      .then((outcome) => {
        clearTimeout(timer);
        ctx.running.delete(key);
        if (!ctx.closing) finish(record, outcome, maxRuntimeHit);
      })
      .catch((err: unknown) => ctx.log(`training job ${spec.name}: ${(err as Error)?.stack ?? String(err)}`));
  }

  return {
    async CreateTrainingJob(input: Json, call: ServiceCall) {
      const spec = readCreate(input);
      checkExecutionRole(ctx.roles, call, input.RoleArn);
      const arn = sagemakerArn(call.region, call.principal.accountId, 'training-job', spec.name);
      if (jobs.get(spec.name)) {
        throw new ServiceError(
          'ResourceInUse',
          `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${arn})`,
        );
      }
      const now = ctx.now();
      const { Tags: _tags, ...request } = input;
      const record: TrainingJobRecord = {
        algorithm: spec.algorithm,
        tags: spec.tags,
        describe: {
          ...request,
          TrainingJobName: spec.name,
          TrainingJobArn: arn,
          AlgorithmSpecification: {
            ...(input.AlgorithmSpecification as Json),
            EnableSageMakerMetricsTimeSeries: false,
          },
          HyperParameters: spec.hyperparameters,
          InputDataConfig: describedChannels(input.InputDataConfig),
          OutputDataConfig: { KmsKeyId: '', ...(input.OutputDataConfig as Json) },
          TrainingJobStatus: 'InProgress',
          SecondaryStatus: 'Starting',
          CreationTime: now,
          LastModifiedTime: now,
          SecondaryStatusTransitions: [],
          EnableNetworkIsolation: input.EnableNetworkIsolation ?? false,
          EnableInterContainerTrafficEncryption: input.EnableInterContainerTrafficEncryption ?? false,
          EnableManagedSpotTraining: input.EnableManagedSpotTraining ?? false,
        },
      };
      pushTransition(record.describe.SecondaryStatusTransitions, 'Starting', now);
      ctx.logs.begin('training-job', spec.name, now);
      await jobs.save(record);
      start(record, spec, call.region);
      return { TrainingJobArn: arn };
    },

    async DescribeTrainingJob(input: Json) {
      const v = new Validator();
      const name = v.name(input.TrainingJobName, 'trainingJobName') ?? '';
      v.check();
      const record = jobs.get(name);
      if (!record) throw resourceNotFound();
      return record.describe;
    },

    async ListTrainingJobs(input: Json) {
      const { page, nextToken } = listPage(
        jobs.values(),
        (r) => ({
          name: r.describe.TrainingJobName,
          creationTime: r.describe.CreationTime,
          lastModifiedTime: r.describe.LastModifiedTime,
          status: r.describe.TrainingJobStatus,
        }),
        input,
        { sortBy: ['Name', 'CreationTime', 'Status'], statuses: STATUSES, lastModified: true },
      );
      return {
        TrainingJobSummaries: page.map(({ describe: d }) => ({
          TrainingJobName: d.TrainingJobName,
          TrainingJobArn: d.TrainingJobArn,
          CreationTime: d.CreationTime,
          TrainingEndTime: d.TrainingEndTime,
          LastModifiedTime: d.LastModifiedTime,
          TrainingJobStatus: d.TrainingJobStatus,
          SecondaryStatus: d.SecondaryStatus,
        })),
        NextToken: nextToken,
      };
    },

    async StopTrainingJob(input: Json) {
      const v = new Validator();
      const name = v.name(input.TrainingJobName, 'trainingJobName') ?? '';
      v.check();
      const record = jobs.get(name);
      if (!record) throw resourceNotFound();
      const d = record.describe;
      if (d.TrainingJobStatus !== 'InProgress') {
        // AWS's wording when the job has already ended (or is already stopping).
        throw validationError(`The request was rejected because the training job is in status ${d.TrainingJobStatus}.`);
      }
      const now = ctx.now();
      d.TrainingJobStatus = 'Stopping';
      d.SecondaryStatus = 'Stopping';
      d.LastModifiedTime = now;
      pushTransition(d.SecondaryStatusTransitions, 'Stopping', now);
      await jobs.save(record);
      const job = ctx.running.get(`training-job/${nameKey(name)}`);
      if (job) job.stop('StopTrainingJob');
      else finish(record, { status: 'Stopped', reason: 'StopTrainingJob' }, false);
      return {};
    },
  };
}
