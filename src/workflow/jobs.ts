/**
 * What the job steps (preprocess, transform, train) share: names, tags, the execution role, a
 * bounded queue, and a waiter that polls a job until it ends.
 *
 * Why tags and no local state file: `deploy` (and `status`) find "the latest Completed training
 * job per location" on the target itself (SageMaker Search on these tags: trained-models.ts), so a
 * second machine, or a wiped working directory, sees the same thing.
 */
import { randomBytes, createHash } from 'node:crypto';
import type { DescribeTrainingJobResponse, DescribeTransformJobResponse, Tag } from '@aws-sdk/client-sagemaker';
import { localExecutionRoleArn } from '../aws-names/execution-role.js';
import { ConfigError, ExitCode, MmeError } from '../errors.js';

// ── names ────────────────────────────────────────────────────────────────────────────────

/** SageMaker's rule for job, model and endpoint names (CreateTrainingJob API reference). */
export const NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;
export const MAX_NAME_LENGTH = 63;

/**
 * A run id: when the run began (UTC, to the second) and 4 random hex digits, so two runs in the
 * same second differ. Sorts by time; fits a name and a tag value. e.g. 20250301-142501-9f3a.
 */
export function newRunId(now: Date = new Date(), random: () => string = () => randomBytes(2).toString('hex')): string {
  const iso = now.toISOString(); // 2025-03-01T14:25:01.123Z
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${random()}`;
}

/** A location (or any text) as a name segment: `_` is not allowed in SageMaker names, `-` is. */
export function nameSegment(text: string): string {
  return text
    .replace(/_/g, '-')
    .replace(/[^a-zA-Z0-9-]/g, '')
    .replace(/^-+|-+$/g, '');
}

/**
 * `{parts}-{runId}` as a valid name of at most 63 characters. When the parts are too long (a
 * long location name), they are cut and a short hash of the whole keeps two long names distinct.
 */
export function jobName(parts: readonly string[], runId: string): string {
  const base = parts.map(nameSegment).filter(Boolean).join('-');
  const full = `${base}-${runId}`;
  if (full.length <= MAX_NAME_LENGTH) return full;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 6);
  const room = MAX_NAME_LENGTH - runId.length - hash.length - 2;
  return `${base.slice(0, room).replace(/-+$/, '')}-${hash}-${runId}`;
}

// ── tags ─────────────────────────────────────────────────────────────────────────────────

export const TAG_KEYS = {
  location: 'mme:location',
  step: 'mme:step',
  run: 'mme:run',
  /** The S3 prefix the job's artifacts belong to: two prefixes in one account stay apart. */
  prefix: 'mme:prefix',
  /** On training jobs: the preprocess job whose transform made the training data. */
  preprocessor: 'mme:preprocessor',
} as const;

export type JobStep = 'preprocess' | 'transform' | 'train';
/** The preprocess job is fitted on every location at once; a location name never starts with `_`. */
export const ALL_LOCATIONS = '_all';

export function jobTags(t: {
  step: JobStep;
  location: string;
  run: string;
  prefix: string;
  preprocessor?: string;
}): Tag[] {
  const tags: Tag[] = [
    { Key: TAG_KEYS.location, Value: t.location },
    { Key: TAG_KEYS.step, Value: t.step },
    { Key: TAG_KEYS.run, Value: t.run },
    { Key: TAG_KEYS.prefix, Value: t.prefix },
  ];
  if (t.preprocessor) tags.push({ Key: TAG_KEYS.preprocessor, Value: t.preprocessor });
  return tags;
}

export function tagValue(tags: readonly Tag[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

// ── the execution role ───────────────────────────────────────────────────────────────────

/**
 * The role jobs run as. On aws there is no sensible default (it must trust sagemaker.amazonaws.com
 * and reach the bucket), so a missing one is a configuration error (`mme bootstrap` makes one and
 * records it). The local cloud seeds a role trusting SageMaker with the account; `account` is asked
 * only then.
 */
export async function executionRoleArn(
  target: 'local' | 'aws',
  configured: string | undefined,
  account: () => Promise<string>,
): Promise<string> {
  if (configured) return configured;
  if (target === 'aws') {
    throw new ConfigError(
      'SageMaker jobs need an execution role on --target aws',
      'Pass --role-arn arn:aws:iam::ACCOUNT:role/NAME (or set MME_ROLE_ARN): a role that trusts sagemaker.amazonaws.com and may read and write the bucket.',
    );
  }
  return localExecutionRoleArn(await account());
}

// ── waiting ──────────────────────────────────────────────────────────────────────────────

export interface JobSnapshot {
  status: string;
  secondaryStatus?: string;
  failureReason?: string;
}

const TERMINAL_STATUSES = new Set(['Completed', 'Failed', 'Stopped']);

export interface PollOptions {
  /** The first pause after the first Describe; each next one is 1.5× longer, up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Give up waiting (the job keeps running) after this long. */
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Stop waiting early (the job keeps running) once this says so; checked between polls. */
  until?: () => boolean;
}

/**
 * AWS: SageMaker jobs take minutes, and Describe* calls are throttled per account, so poll
 * gently. Local: jobs take a second or two; a short poll keeps the CLI snappy.
 */
export const POLL: Record<'aws' | 'local', PollOptions> = {
  aws: { initialDelayMs: 5_000, maxDelayMs: 30_000, timeoutMs: 4 * 3600_000 },
  local: { initialDelayMs: 150, maxDelayMs: 2_000, timeoutMs: 30 * 60_000 },
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Poll `describe` until the job ends (Completed, Failed, Stopped), or `poll.until()` says to stop
 * waiting: then the last description is returned. `onChange` hears every change
 * of status or SecondaryStatus before the end (not every poll), so progress shows Starting → Downloading →
 * Training → Uploading. A small waiter of our own rather than the SDK's waitUntil…: it reports
 * as it goes, and its timeout message can say the job keeps running.
 */
export async function waitForJob<T>(
  what: string,
  describe: () => Promise<T>,
  snapshot: (d: T) => JobSnapshot,
  poll: PollOptions,
  onChange?: (s: JobSnapshot) => void,
): Promise<T> {
  const sleep = poll.sleep ?? defaultSleep;
  const now = poll.now ?? Date.now;
  const deadline = now() + poll.timeoutMs;
  let delay = poll.initialDelayMs;
  let last = '';
  for (;;) {
    const d = await describe();
    const s = snapshot(d);
    const key = `${s.status}/${s.secondaryStatus ?? ''}`;
    // The end itself is the caller's to report (succeed / fail), with the job's result.
    if (TERMINAL_STATUSES.has(s.status)) return d;
    if (key !== last) {
      last = key;
      onChange?.(s);
    }
    if (poll.until?.()) return d;
    if (now() + delay > deadline) {
      throw new MmeError(
        'WaitTimeout',
        `${what} did not finish within ${Math.round(poll.timeoutMs / 60_000)} minutes (last status ${s.status}${s.secondaryStatus ? `/${s.secondaryStatus}` : ''})`,
        {
          exitCode: ExitCode.Failure,
          hint: 'The job keeps running on the target; follow it with `mme status` or the SageMaker console.',
        },
      );
    }
    await sleep(delay);
    delay = Math.min(poll.maxDelayMs, Math.round(delay * 1.5));
  }
}

// ── a bounded queue ──────────────────────────────────────────────────────────────────────

/**
 * Run `task` over `items` with at most `limit` at once, the rest waiting in order (a client-side
 * queue: SageMaker itself does not queue, it refuses jobs beyond the account's instance quota).
 * Settles every task, as Promise.allSettled does, so one failure does not orphan the others.
 */
export async function runBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await task(items[i]!, i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}

/** Seconds between two times, or undefined when either is missing. */
function durationSeconds(start: Date | undefined, end: Date | undefined): number | undefined {
  if (!start || !end) return undefined;
  return Math.max(0, Math.round((end.getTime() - start.getTime()) / 100) / 10);
}

// ── results ──────────────────────────────────────────────────────────────────────────────

/** One job as the commands show it (a table row, a --json entry). */
export interface JobResult {
  kind: 'training-job' | 'transform-job';
  name: string;
  /** The location, or ALL_LOCATIONS for the preprocess job. */
  location: string;
  status: string;
  secondaryStatus?: string;
  failureReason?: string;
  /** model.tar.gz (training) or the output prefix (transform). */
  artifact?: string;
  durationSeconds?: number;
  /** FinalMetricDataList, by name (e.g. validation:objective_loss). */
  metrics?: Record<string, number>;
  /** The end of the job's log, when the target keeps one we can read (local) and the job failed. */
  logTail?: string[];
}

/** Reads a job's log tail, when the target offers one (the local cloud's log files). */
export type LogTailReader = (kind: JobResult['kind'], name: string) => Promise<string[] | undefined>;

export function trainingJobResult(d: DescribeTrainingJobResponse, location: string): JobResult {
  const metrics = Object.fromEntries(
    (d.FinalMetricDataList ?? [])
      .filter((m) => m.MetricName && m.Value !== undefined)
      .map((m) => [m.MetricName!, m.Value!]),
  );
  return {
    kind: 'training-job',
    name: d.TrainingJobName ?? '',
    location,
    status: d.TrainingJobStatus ?? 'Unknown',
    ...(d.SecondaryStatus ? { secondaryStatus: d.SecondaryStatus } : {}),
    ...(d.FailureReason ? { failureReason: d.FailureReason } : {}),
    ...(d.ModelArtifacts?.S3ModelArtifacts ? { artifact: d.ModelArtifacts.S3ModelArtifacts } : {}),
    ...optional('durationSeconds', durationSeconds(d.CreationTime, d.TrainingEndTime)),
    ...(Object.keys(metrics).length ? { metrics } : {}),
  };
}

export function transformJobResult(d: DescribeTransformJobResponse, location: string): JobResult {
  return {
    kind: 'transform-job',
    name: d.TransformJobName ?? '',
    location,
    status: d.TransformJobStatus ?? 'Unknown',
    ...(d.FailureReason ? { failureReason: d.FailureReason } : {}),
    ...(d.TransformOutput?.S3OutputPath ? { artifact: d.TransformOutput.S3OutputPath } : {}),
    ...optional('durationSeconds', durationSeconds(d.CreationTime, d.TransformEndTime)),
  };
}

/** Attach the log tail of a job that did not complete. */
export async function withLogTail(result: JobResult, read: LogTailReader | undefined): Promise<JobResult> {
  if (!read || result.status === 'Completed') return result;
  const tail = await read(result.kind, result.name).catch(() => undefined);
  return tail && tail.length > 0 ? { ...result, logTail: tail } : result;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
