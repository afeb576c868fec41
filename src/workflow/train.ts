/**
 * Workflow step 3, `mme train` (docs/aws-behaviour.md#linear-learner-training): one linear-learner
 * training job per location on its preprocessed train/validation channels, at most `parallel`
 * running at once; the rest wait in a client-side queue. Each job is tagged (jobs.ts) so that `deploy` finds the latest
 * Completed job per location on the target itself (trained-models.ts).
 *
 * --no-wait returns once every job has been CREATED: with more locations than `parallel`, it
 * still waits for slots to start the queued ones, but not for the last jobs to finish.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  type CreateTrainingJobRequest,
} from '@aws-sdk/client-sagemaker';
import type { Clients } from '../aws/clients.js';
import { ExitCode, MmeError, fromAwsError } from '../errors.js';
import { imageUri } from './image-uris.js';
import {
  jobName,
  jobTags,
  runBounded,
  trainingJobResult,
  waitForJob,
  withLogTail,
  type JobResult,
  type LogTailReader,
  type PollOptions,
} from './jobs.js';
import { PREPROCESS_JOB_METADATA, firstLine, trackIn, type JobTarget } from './preprocess.js';
import type { Reporter } from './reporter.js';
import { layout, linearLearnerTrainingJob } from './requests.js';
import { algorithmSpec, type AlgorithmName } from '../algorithms/registry.js';

export interface TrainOptions extends JobTarget {
  locations: string[];
  instanceType: string;
  /** Overrides of the notebook's hyperparameters (e.g. epochs). */
  hyperparameters?: Readonly<Record<string, string>>;
  /** The built-in algorithm (default: the linear learner); its jobs are tagged with its model prefix. */
  algorithm?: AlgorithmName;
  parallel: number;
  wait: boolean;
  poll: PollOptions;
  /** The preprocess job each location's data came from (trainingData()); tagged on the job. */
  preprocessors?: Readonly<Record<string, string | undefined>>;
  readLogTail?: LogTailReader;
  inFlight?: Set<string>;
}

export interface TrainPlan {
  runId: string;
  jobs: { location: string; request: CreateTrainingJobRequest }[];
}

/** The CreateTrainingJob requests, from the options alone: the run and --dry-run both use it. */
export function planTrain(o: Omit<TrainOptions, 'poll' | 'wait' | 'parallel'>): TrainPlan {
  const spec = algorithmSpec(o.algorithm);
  const image = imageUri(spec.image, o.region);
  return {
    runId: o.runId,
    jobs: o.locations.map((location) => ({
      location,
      request: linearLearnerTrainingJob({
        name: jobName(['mme', 'train', location], o.runId),
        bucket: o.bucket,
        prefix: o.prefix,
        location,
        roleArn: o.roleArn,
        image,
        instanceType: o.instanceType,
        ...(o.hyperparameters ? { hyperparameters: o.hyperparameters } : {}),
        ...(o.algorithm ? { algorithm: o.algorithm } : {}),
        tags: jobTags({
          step: 'train',
          location,
          run: o.runId,
          // Deploy finds an algorithm's models by this tag: its own model prefix.
          prefix: spec.modelPrefix(o.prefix),
          preprocessor: o.preprocessors?.[location],
        }),
      }),
    })),
  };
}

export interface TrainResult {
  runId: string;
  /** Every job Completed (or, with --no-wait, every job started). */
  ok: boolean;
  waited: boolean;
  jobs: JobResult[];
}

export async function train(
  clients: Pick<Clients, 'sageMaker'>,
  reporter: Reporter,
  o: TrainOptions,
): Promise<TrainResult> {
  const plan = planTrain(o);
  const sm = await clients.sageMaker();
  const track = trackIn(o.inFlight);
  let created = 0;
  const queueEmpty = () => created >= plan.jobs.length;

  const settled = await runBounded(plan.jobs, o.parallel, async ({ location, request }) => {
    const id = `train.${location}`;
    const name = request.TrainingJobName!;
    reporter.report({ kind: 'start', id, text: `Training ${location}: ${name}` });
    // Counted when attempted: a job that could not be created must not hold the queue open.
    created++;
    try {
      await sm.send(new CreateTrainingJobCommand(request));
    } catch (err) {
      const error = fromAwsError(err, `creating training job ${name}`);
      reporter.report({ kind: 'fail', id, text: `${location}: ${error.message}` });
      throw error;
    }
    const described = await track(name, () =>
      waitForJob(
        `training job ${name}`,
        () => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name })),
        (d) => ({ status: d.TrainingJobStatus ?? 'Unknown', secondaryStatus: d.SecondaryStatus }),
        // --no-wait: hold the slot only while jobs are still queued behind it.
        o.wait ? o.poll : { ...o.poll, until: queueEmpty },
        (s) =>
          reporter.report({
            kind: 'update',
            id,
            text: `Training ${location}: ${name} ${s.secondaryStatus ?? s.status}`,
          }),
      ),
    );
    const result = await withLogTail(trainingJobResult(described, location), o.readLogTail);
    if (result.status === 'Completed') {
      reporter.report({
        kind: 'succeed',
        id,
        text: `${location}: ${name} Completed in ${result.durationSeconds ?? '?'} s${metricText(result)}`,
      });
    } else if (result.status === 'InProgress' || result.status === 'Stopping') {
      reporter.report({
        kind: 'succeed',
        id,
        text: `${location}: ${name} started (${result.secondaryStatus ?? result.status}; not waiting)`,
      });
    } else {
      reporter.report({
        kind: 'fail',
        id,
        text: `${location}: ${name} ${result.status}: ${firstLine(result.failureReason)}`,
      });
    }
    return result;
  });

  const jobs = settled.map((s, i): JobResult => {
    if (s.status === 'fulfilled') return s.value;
    const { location, request } = plan.jobs[i]!;
    return {
      kind: 'training-job',
      name: request.TrainingJobName!,
      location,
      status: 'NotStarted',
      failureReason: (s.reason as Error)?.message,
    };
  });
  // Nothing started at all: an API or permission problem, shown as that error (its exit code).
  const firstError = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (firstError && jobs.every((j) => j.status === 'NotStarted')) throw firstError.reason;
  const good = new Set(o.wait ? ['Completed'] : ['Completed', 'InProgress', 'Stopping']);
  return { runId: o.runId, ok: jobs.every((j) => good.has(j.status)), waited: o.wait, jobs };
}

/** The validation error in the label's units (else any validation or test metric: k-NN's test:mse), for a progress line. */
function metricText(result: JobResult): string {
  const entries = Object.entries(result.metrics ?? {});
  const pick =
    ['validation:absolute_loss', 'validation:rmse'].map((k) => entries.find(([name]) => name === k)).find(Boolean) ??
    entries.find(([k]) => k.startsWith('validation:') || k.startsWith('test:'));
  return pick ? `, ${pick[0]} ${Number(pick[1].toPrecision(6))}` : '';
}

/**
 * Which preprocess job made each location's training data (the split files' metadata), checking
 * that the data exists: a location without it would fail minutes later as a job with "No S3
 * objects found".
 */
export async function trainingData(
  clients: Pick<Clients, 's3'>,
  bucket: string,
  prefix: string,
  locations: string[],
): Promise<Record<string, string | undefined>> {
  const s3c = await clients.s3();
  const found: Record<string, string | undefined> = {};
  const missing: string[] = [];
  await Promise.all(
    locations.map(async (location) => {
      const key = layout.preprocessedKey(prefix, location, 'train');
      try {
        const head = await s3c.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        found[location] = head.Metadata?.[PREPROCESS_JOB_METADATA];
      } catch (err) {
        const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
        if (e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404) missing.push(location);
        else throw fromAwsError(err, `reading s3://${bucket}/${key}`);
      }
    }),
  );
  if (missing.length > 0) {
    throw new MmeError(
      'NoData',
      `no preprocessed training data for ${missing.sort().join(', ')} under s3://${bucket}/${layout.preprocessedPrefix(prefix)}`,
      {
        exitCode: ExitCode.NotFound,
        hint: `Run 'mme preprocess --locations ${missing.join(',')}' first.`,
      },
    );
  }
  return found;
}
