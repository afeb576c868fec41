/**
 * Workflow step 2, `mme preprocess` (docs/aws-behaviour.md#preprocessing): fit ONE scikit-learn preprocessor on every
 * location's raw training data, make it a model, batch-transform each location's data with it,
 * and split each transformed file 70/30 into the linear learner's train and validation channels.
 *
 *   PutObject          {job}/source/sourcedir.tar.gz
 *   CreateTrainingJob  {job}  (sagemaker-scikit-learn, train channel s3://{bucket}/housing-data/)
 *   CreateModel        {job}  (its model.tar.gz; the pipeline's first container at deploy)
 *   CreateTransformJob mme-transform-{LOC}-{run} per location, at most `parallel` at once
 *   GetObject          {transform job}/train.csv.out
 *   PutObject          {prefix}/preprocessed/{LOC}/train/train.csv, …/validation/validation.csv
 *
 * The split files carry metadata naming the preprocess job (x-amz-meta-mme-preprocess-job), so
 * `train` can tag each model with the preprocessor its features came from.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateModelCommand,
  CreateTrainingJobCommand,
  CreateTransformJobCommand,
  DescribeTrainingJobCommand,
  DescribeTransformJobCommand,
  type CreateModelInput,
  type CreateTrainingJobRequest,
  type CreateTransformJobRequest,
} from '@aws-sdk/client-sagemaker';
import type { Clients } from '../aws/clients.js';
import { ExitCode, MmeError, fromAwsError } from '../errors.js';
import { isValidLocationName } from '../housing/locations.js';
import { Rng } from '../housing/rng.js';
import { HOUSING_DATA_PREFIX } from './data.js';
import { sklearnImages } from './image-uris.js';
import {
  ALL_LOCATIONS,
  jobName,
  jobTags,
  runBounded,
  trainingJobResult,
  transformJobResult,
  waitForJob,
  withLogTail,
  type JobResult,
  type LogTailReader,
  type PollOptions,
} from './jobs.js';
import type { Reporter } from './reporter.js';
import { layout, preprocessModel, preprocessTrainingJob, s3, transformJob } from './requests.js';
import { packSourcedir } from './sourcedir.js';

/** What every job step needs to know about where it runs. */
export interface JobTarget {
  bucket: string;
  prefix: string;
  region: string;
  roleArn: string;
  runId: string;
}

export interface PreprocessOptions extends JobTarget {
  locations: string[];
  /** The fit job's instance. */
  instanceType: string;
  transformInstanceType: string;
  sklearnVersion?: string;
  /** Seeds the train/validation split (per location). */
  seed: number;
  /** Share of each location's rows for validation (the notebook: 0.3). */
  validationFraction: number;
  /** Transform jobs at once. */
  parallel: number;
  poll: PollOptions;
  readLogTail?: LogTailReader;
  /** Names of jobs running now, kept current for the CLI's Ctrl-C message. */
  inFlight?: Set<string>;
}

export const PREPROCESS_JOB_METADATA = 'mme-preprocess-job';

export interface PreprocessPlan {
  runId: string;
  sourcedir: { bucket: string; key: string };
  fit: CreateTrainingJobRequest;
  /** The model, given the fit job's artifact (known only once it completes; predictable before). */
  model(modelDataUrl: string): CreateModelInput;
  expectedModelDataUrl: string;
  transforms: {
    location: string;
    request: CreateTransformJobRequest;
    outputKey: string;
    train: string;
    validation: string;
  }[];
}

/** Every request of the step, from the options alone: the run and --dry-run both use it. */
export function planPreprocess(o: PreprocessOptions): PreprocessPlan {
  const images = sklearnImages(o.region, o.sklearnVersion);
  const job = jobName(['mme', 'preprocess'], o.runId);
  const tags = (step: 'preprocess' | 'transform', location: string) =>
    jobTags({ step, location, run: o.runId, prefix: o.prefix });
  return {
    runId: o.runId,
    sourcedir: { bucket: o.bucket, key: layout.sourcedirKey(job) },
    fit: preprocessTrainingJob({
      name: job,
      bucket: o.bucket,
      region: o.region,
      roleArn: o.roleArn,
      image: images.training,
      instanceType: o.instanceType,
      tags: tags('preprocess', ALL_LOCATIONS),
    }),
    model: (modelDataUrl) =>
      preprocessModel({
        name: job,
        job,
        bucket: o.bucket,
        region: o.region,
        roleArn: o.roleArn,
        image: images.inference,
        modelDataUrl,
        tags: tags('preprocess', ALL_LOCATIONS),
      }),
    expectedModelDataUrl: s3(o.bucket, layout.modelArtifactKey('', job)),
    transforms: o.locations.map((location) => {
      const name = jobName(['mme', 'transform', location], o.runId);
      return {
        location,
        request: transformJob({
          name,
          modelName: job,
          bucket: o.bucket,
          location,
          instanceType: o.transformInstanceType,
          tags: tags('transform', location),
        }),
        outputKey: layout.transformOutputKey(name),
        train: layout.preprocessedKey(o.prefix, location, 'train'),
        validation: layout.preprocessedKey(o.prefix, location, 'validation'),
      };
    }),
  };
}

interface PreparedDataset {
  location: string;
  train: string;
  validation: string;
  trainRows: number;
  validationRows: number;
}

export interface PreprocessResult {
  runId: string;
  ok: boolean;
  preprocessJob: JobResult;
  /** The preprocessor model (named as its job), when the fit completed. */
  model?: string;
  transforms: JobResult[];
  datasets: PreparedDataset[];
}

export async function preprocess(
  clients: Pick<Clients, 's3' | 'sageMaker'>,
  reporter: Reporter,
  o: PreprocessOptions,
): Promise<PreprocessResult> {
  const plan = planPreprocess(o);
  const [s3c, sm] = await Promise.all([clients.s3(), clients.sageMaker()]);
  const fitName = plan.fit.TrainingJobName!;
  const track = trackIn(o.inFlight);

  const srcId = 'preprocess.sourcedir';
  const srcUri = s3(plan.sourcedir.bucket, plan.sourcedir.key);
  reporter.report({ kind: 'start', id: srcId, text: `Uploading the preprocessor script to ${srcUri}` });
  await call(
    () =>
      packSourcedir().then((body) =>
        s3c.send(
          new PutObjectCommand({
            Bucket: plan.sourcedir.bucket,
            Key: plan.sourcedir.key,
            Body: body,
            ContentType: 'application/gzip',
          }),
        ),
      ),
    srcId,
    reporter,
    `uploading ${srcUri}`,
  );
  reporter.report({ kind: 'succeed', id: srcId, text: `Uploaded ${srcUri}` });

  const fitId = 'preprocess.fit';
  reporter.report({
    kind: 'start',
    id: fitId,
    text: `Fitting the preprocessor on s3://${o.bucket}/${HOUSING_DATA_PREFIX}/: ${fitName}`,
  });
  await call(
    () => sm.send(new CreateTrainingJobCommand(plan.fit)),
    fitId,
    reporter,
    `creating training job ${fitName}`,
  );
  const fitted = await track(fitName, () =>
    waitForJob(
      `training job ${fitName}`,
      () => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: fitName })),
      (d) => ({ status: d.TrainingJobStatus ?? 'Unknown', secondaryStatus: d.SecondaryStatus }),
      o.poll,
      (s) =>
        reporter.report({
          kind: 'update',
          id: fitId,
          text: `Fitting the preprocessor: ${fitName} ${s.secondaryStatus ?? s.status}`,
        }),
    ),
  );
  const fitResult = await withLogTail(trainingJobResult(fitted, ALL_LOCATIONS), o.readLogTail);
  if (fitResult.status !== 'Completed') {
    reporter.report({
      kind: 'fail',
      id: fitId,
      text: `Preprocessor job ${fitName} ${fitResult.status}: ${firstLine(fitResult.failureReason)}`,
    });
    return { runId: o.runId, ok: false, preprocessJob: fitResult, transforms: [], datasets: [] };
  }
  reporter.report({
    kind: 'succeed',
    id: fitId,
    text: `Preprocessor fitted: ${fitName} (${fitResult.durationSeconds ?? '?'} s)`,
  });

  await call(
    () => sm.send(new CreateModelCommand(plan.model(fitResult.artifact ?? plan.expectedModelDataUrl))),
    'preprocess.model',
    reporter,
    `creating model ${fitName}`,
  );
  reporter.report({ kind: 'info', text: `Created model ${fitName}` });

  const settled = await runBounded(plan.transforms, o.parallel, async (t) => {
    const id = `transform.${t.location}`;
    const name = t.request.TransformJobName!;
    reporter.report({ kind: 'start', id, text: `Transforming ${t.location}: ${name}` });
    await call(() => sm.send(new CreateTransformJobCommand(t.request)), id, reporter, `creating transform job ${name}`);
    const done = await track(name, () =>
      waitForJob(
        `transform job ${name}`,
        () => sm.send(new DescribeTransformJobCommand({ TransformJobName: name })),
        (d) => ({ status: d.TransformJobStatus ?? 'Unknown' }),
        o.poll,
        (s) => reporter.report({ kind: 'update', id, text: `Transforming ${t.location}: ${name} ${s.status}` }),
      ),
    );
    const result = await withLogTail(transformJobResult(done, t.location), o.readLogTail);
    if (result.status !== 'Completed') {
      reporter.report({
        kind: 'fail',
        id,
        text: `Transform ${name} ${result.status}: ${firstLine(result.failureReason)}`,
      });
      return { result };
    }
    reporter.report({
      kind: 'update',
      id,
      text: `Splitting ${t.location} ${pct(1 - o.validationFraction)}/${pct(o.validationFraction)} into train and validation`,
    });
    const dataset = await call(
      async () => {
        const out = await s3c.send(new GetObjectCommand({ Bucket: o.bucket, Key: t.outputKey }));
        const split = splitRows(await out.Body!.transformToString(), o.validationFraction, o.seed, t.location);
        const metadata = { [PREPROCESS_JOB_METADATA]: fitName, 'mme-run': o.runId };
        for (const channel of ['train', 'validation'] as const) {
          await s3c.send(
            new PutObjectCommand({
              Bucket: o.bucket,
              Key: t[channel],
              Body: split[channel],
              ContentType: 'text/csv',
              Metadata: metadata,
            }),
          );
        }
        return {
          location: t.location,
          train: s3(o.bucket, t.train),
          validation: s3(o.bucket, t.validation),
          trainRows: split.trainRows,
          validationRows: split.validationRows,
        };
      },
      id,
      reporter,
      `splitting ${t.location}`,
    );
    reporter.report({
      kind: 'succeed',
      id,
      text: `${t.location}: ${dataset.trainRows} train + ${dataset.validationRows} validation rows (${name}, ${result.durationSeconds ?? '?'} s)`,
    });
    return { result, dataset };
  });

  const transforms: JobResult[] = [];
  const datasets: PreparedDataset[] = [];
  let errored: unknown;
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') {
      transforms.push(s.value.result);
      if (s.value.dataset) datasets.push(s.value.dataset);
    } else {
      errored ??= s.reason;
      const t = plan.transforms[i]!;
      transforms.push({
        kind: 'transform-job',
        name: t.request.TransformJobName!,
        location: t.location,
        status: 'NotStarted',
        failureReason: (s.reason as Error)?.message,
      });
    }
  });
  // An API error (not a job's failure) is the user's to see as an error, with its exit code.
  if (errored && datasets.length === 0) throw errored as unknown;
  return {
    runId: o.runId,
    ok: !errored && datasets.length === plan.transforms.length,
    preprocessJob: fitResult,
    model: fitName,
    transforms,
    datasets,
  };
}

/**
 * Shuffle the transformed rows with a seeded generator (one stream per location, so adding a
 * location never changes another's split) and cut them: the first share is validation. At least
 * one row goes to each side when there are two or more.
 */
export function splitRows(
  text: string,
  validationFraction: number,
  seed: number,
  location: string,
): { train: string; validation: string; trainRows: number; validationRows: number } {
  const rows = text.split('\n').filter((l) => l.trim() !== '');
  const rng = new Rng(seed, 'validation-split', location);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  let nValidation = Math.round(rows.length * validationFraction);
  if (rows.length >= 2) nValidation = Math.min(rows.length - 1, Math.max(1, nValidation));
  const join = (part: string[]) => (part.length ? `${part.join('\n')}\n` : '');
  return {
    validation: join(rows.slice(0, nValidation)),
    train: join(rows.slice(nValidation)),
    trainRows: rows.length - nValidation,
    validationRows: nValidation,
  };
}

/** Locations with raw data in the bucket: the folders under housing-data/ with valid names. */
export async function listDataLocations(
  clients: Pick<Clients, 's3'>,
  bucket: string,
  prefix = `${HOUSING_DATA_PREFIX}/`,
): Promise<string[]> {
  const s3c = await clients.s3();
  const found: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3c
      .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }))
      .catch((err) => {
        // The first thing a run reads: on a fresh state or a mistyped --bucket, say what to do.
        if ((err as { name?: string }).name === 'NoSuchBucket') throw noBucketError(bucket);
        throw fromAwsError(err, `listing s3://${bucket}/${prefix}`);
      });
    for (const p of page.CommonPrefixes ?? []) {
      const name = p.Prefix?.slice(prefix.length).replace(/\/$/, '');
      if (name && isValidLocationName(name)) found.push(name);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found;
}

/**
 * The locations to preprocess: those asked for, each checked to have raw data (before any job
 * starts: on AWS a job that finds no data costs money and fails minutes later), or all found.
 */
export async function resolveDataLocations(
  clients: Pick<Clients, 's3'>,
  bucket: string,
  requested?: string[],
): Promise<string[]> {
  const found = await listDataLocations(clients, bucket);
  if (requested === undefined) {
    if (found.length === 0)
      throw noLocationsError(
        bucket,
        `${HOUSING_DATA_PREFIX}/`,
        'Generate and upload data first: mme data generate --upload',
      );
    return found;
  }
  const missing = requested.filter((l) => !found.includes(l));
  if (missing.length > 0) {
    throw new MmeError('NoData', `no data for ${missing.join(', ')} under s3://${bucket}/${HOUSING_DATA_PREFIX}/`, {
      exitCode: ExitCode.NotFound,
      hint: `Generate and upload it first: mme data generate --locations ${missing.join(',')} --upload${found.length ? ` (found: ${found.join(', ')})` : ''}`,
    });
  }
  return requested;
}

function noBucketError(bucket: string): MmeError {
  return new MmeError('NoData', `the bucket ${bucket} does not exist`, {
    exitCode: ExitCode.NotFound,
    hint: `It holds the data and the models. On --target local, 'mme data generate --upload' creates it; on aws, create it (aws s3 mb s3://${bucket}) or pass --bucket.`,
  });
}

export function noLocationsError(bucket: string, prefix: string, hint: string): MmeError {
  return new MmeError('NoData', `no location data under s3://${bucket}/${prefix}`, {
    exitCode: ExitCode.NotFound,
    hint,
  });
}

/** Run an API call; on error, mark the step failed and throw it as an MmeError. */
async function call<T>(fn: () => Promise<T>, id: string, reporter: Reporter, context: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const error = fromAwsError(err, context);
    reporter.report({ kind: 'fail', id, text: error.message });
    throw error;
  }
}

/** Keep `inFlight` current around a wait. */
export function trackIn(inFlight: Set<string> | undefined) {
  return async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    inFlight?.add(name);
    try {
      return await fn();
    } finally {
      inFlight?.delete(name);
    }
  };
}

export function firstLine(text: string | undefined): string {
  return (text ?? 'no reason given').split('\n')[0]!;
}

const pct = (f: number) => `${Math.round(f * 100)}`;
