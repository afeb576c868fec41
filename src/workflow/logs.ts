/**
 * `mme logs NAME`: the CloudWatch Logs of a training job, a transform job or an endpoint, read
 * the same way on AWS and on the local cloud (docs/aws-behaviour.md#logs). SageMaker's Describe
 * calls say what NAME is; the log group follows (jobs share a group, their streams start with
 * `{job}/`; an endpoint has a group of its own). FilterLogEvents reads every stream of the
 * source in time order; following polls it from the last event seen.
 */
import type { Clients } from '../aws/clients.js';
import { endpointLogGroup, TRAINING_JOB_LOG_GROUP, TRANSFORM_JOB_LOG_GROUP } from '../aws-names/log-groups.js';
import { ExitCode, MmeError, fromAwsError } from '../errors.js';
import type { Reporter } from './reporter.js';

type LogSourceKind = 'training-job' | 'transform-job' | 'endpoint';

export interface LogSource {
  kind: LogSourceKind;
  name: string;
  /** TrainingJobStatus, TransformJobStatus or EndpointStatus. */
  status: string;
  group: string;
  /** A job's streams start with `{job}/`; an endpoint's group is its own. */
  streamPrefix?: string;
  creationTime?: Date;
}

export interface LogLine {
  /** ISO time of the event. */
  time: string;
  stream: string;
  message: string;
}

export interface LogsResult {
  source: LogSource;
  /** Start of the window (--since), ISO; absent: from the first event. */
  since?: string;
  lines: LogLine[];
  /** With --follow: why it stopped (the job ended). */
  endedWith?: string;
}

const TERMINAL_JOB = new Set(['Completed', 'Failed', 'Stopped']);

/** A job's log source. */
function jobLogSource(kind: 'training-job' | 'transform-job', name: string, status = 'Unknown'): LogSource {
  return {
    kind,
    name,
    status,
    group: kind === 'training-job' ? TRAINING_JOB_LOG_GROUP : TRANSFORM_JOB_LOG_GROUP,
    streamPrefix: `${name}/`,
  };
}

/** Not found on SageMaker: ResourceNotFound (jobs, the local cloud), ValidationException (AWS's "Requested resource not found." / "Could not find endpoint"). */
function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? '';
  return name === 'ResourceNotFound' || name === 'ValidationException';
}

/**
 * What `name` is: asks DescribeTrainingJob, DescribeTransformJob and DescribeEndpoint. Several
 * kinds may share a name; the newest is used and the reporter says which others exist.
 */
async function findLogSource(clients: Clients, reporter: Reporter, name: string, region: string): Promise<LogSource> {
  const { DescribeTrainingJobCommand, DescribeTransformJobCommand, DescribeEndpointCommand } =
    await import('@aws-sdk/client-sagemaker');
  const sm = await clients.sageMaker();
  const answers = await Promise.allSettled([
    sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name })).then((d): LogSource => ({
      ...jobLogSource('training-job', name, d.TrainingJobStatus),
      creationTime: d.CreationTime,
    })),
    sm.send(new DescribeTransformJobCommand({ TransformJobName: name })).then((d): LogSource => ({
      ...jobLogSource('transform-job', name, d.TransformJobStatus),
      creationTime: d.CreationTime,
    })),
    sm.send(new DescribeEndpointCommand({ EndpointName: name })).then((d): LogSource => ({
      kind: 'endpoint',
      name,
      status: d.EndpointStatus ?? 'Unknown',
      group: endpointLogGroup(name),
      creationTime: d.CreationTime,
    })),
  ]);
  const found = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
  if (found.length === 0) {
    const other = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected' && !isNotFound(a.reason));
    if (other) throw fromAwsError(other.reason, `looking up ${name}`);
    throw new MmeError('NotFound', `no training job, transform job or endpoint is named ${name} in ${region}`, {
      exitCode: ExitCode.NotFound,
      hint: "'mme status' lists the endpoints and the latest training jobs; names are case-sensitive.",
    });
  }
  found.sort((a, b) => (b.creationTime?.getTime() ?? 0) - (a.creationTime?.getTime() ?? 0));
  const chosen = found[0]!;
  if (found.length > 1) {
    const called = (k: LogSourceKind) => (k === 'endpoint' ? 'an endpoint' : `a ${k.replace('-', ' ')}`);
    reporter.report({
      kind: 'info',
      text: `${name} is also ${found
        .slice(1)
        .map((f) => called(f.kind))
        .join(' and ')}: showing the ${chosen.kind.replace('-', ' ')} (the newest)`,
    });
  }
  return chosen;
}

interface Page {
  lines: LogLine[];
  /** Event ids at the last timestamp seen: the next poll starts at that timestamp and skips them. */
  lastTimestamp?: number;
  idsAtLast: Set<string>;
}

/**
 * Every event of the source from `startTime` on, in time order. A group that does not exist yet
 * (an endpoint or job that has written nothing) reads as no events.
 */
async function readFrom(
  clients: Clients,
  source: LogSource,
  startTime: number | undefined,
  skip: Set<string>,
): Promise<Page> {
  const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const logs = await clients.logs();
  const page: Page = { lines: [], idsAtLast: new Set() };
  let nextToken: string | undefined;
  do {
    let out;
    try {
      out = await logs.send(
        new FilterLogEventsCommand({
          logGroupName: source.group,
          ...(source.streamPrefix ? { logStreamNamePrefix: source.streamPrefix } : {}),
          ...(startTime !== undefined ? { startTime } : {}),
          ...(nextToken ? { nextToken } : {}),
        }),
      );
    } catch (err) {
      if ((err as { name?: string })?.name === 'ResourceNotFoundException') return page;
      throw fromAwsError(err, `reading ${source.group}`);
    }
    for (const e of out.events ?? []) {
      const id = e.eventId ?? `${e.logStreamName}/${e.timestamp}/${e.message}`;
      if (skip.has(id)) continue;
      const timestamp = e.timestamp ?? 0;
      if (timestamp !== page.lastTimestamp) page.idsAtLast.clear();
      page.lastTimestamp = timestamp;
      page.idsAtLast.add(id);
      page.lines.push({
        time: new Date(timestamp).toISOString(),
        stream: e.logStreamName ?? '',
        message: e.message ?? '',
      });
    }
    nextToken = out.nextToken;
  } while (nextToken);
  return page;
}

export interface LogsOptions {
  name: string;
  region: string;
  /** Only events at or after this time. */
  since?: Date;
  follow?: boolean;
  /** Between polls with --follow (default 2 s). */
  pollMs?: number;
  /** What the name turned out to be, before any line is read. */
  onSource?: (source: LogSource) => void;
  /** Lines as they are read (the CLI prints them at once). */
  onLines?: (lines: LogLine[]) => void;
  /** Stops following (Ctrl-C); the lines read so far are the result. */
  signal?: AbortSignal;
}

/**
 * Read the logs of `options.name`. With `follow`, keep polling until `signal` aborts or, for a
 * job, until the job has ended and its last lines are read.
 */
export async function readLogs(clients: Clients, reporter: Reporter, options: LogsOptions): Promise<LogsResult> {
  let source = await findLogSource(clients, reporter, options.name, options.region);
  options.onSource?.(source);
  const lines: LogLine[] = [];
  const take = (page: Page) => {
    lines.push(...page.lines);
    if (page.lines.length > 0) options.onLines?.(page.lines);
  };
  let page = await readFrom(clients, source, options.since?.getTime(), new Set());
  take(page);
  const result = (): LogsResult => ({
    source,
    ...(options.since ? { since: options.since.toISOString() } : {}),
    lines,
  });
  if (!options.follow) return result();

  const isJob = source.kind !== 'endpoint';
  reporter.report({
    kind: 'info',
    text: `following ${source.group}${source.streamPrefix ? ` (streams ${source.streamPrefix}*)` : ''}${isJob ? ' until the job ends' : ''}; Ctrl-C stops`,
  });
  let lastTimestamp = page.lastTimestamp ?? options.since?.getTime();
  let seen = page.idsAtLast;
  for (;;) {
    if (isJob && TERMINAL_JOB.has(source.status)) {
      // One more read after the job ended: its last lines may land after the status changed.
      return { ...result(), endedWith: source.status };
    }
    if (!(await sleep(options.pollMs ?? 2000, options.signal))) return result();
    if (isJob) source = await refreshJob(clients, source);
    page = await readFrom(clients, source, lastTimestamp, seen);
    take(page);
    if (page.lastTimestamp !== undefined) {
      seen = page.lastTimestamp === lastTimestamp ? new Set([...seen, ...page.idsAtLast]) : page.idsAtLast;
      lastTimestamp = page.lastTimestamp;
    }
  }
}

async function refreshJob(clients: Clients, source: LogSource): Promise<LogSource> {
  const sdk = await import('@aws-sdk/client-sagemaker');
  const sm = await clients.sageMaker();
  try {
    const status =
      source.kind === 'training-job'
        ? (await sm.send(new sdk.DescribeTrainingJobCommand({ TrainingJobName: source.name }))).TrainingJobStatus
        : (await sm.send(new sdk.DescribeTransformJobCommand({ TransformJobName: source.name }))).TransformJobStatus;
    return { ...source, status: status ?? source.status };
  } catch (err) {
    throw fromAwsError(err, `following ${source.name}`);
  }
}

/** Resolves true after `ms`, false at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The last `count` lines of a job's newest stream, or undefined when there are none or they
 * cannot be read (a caller without logs permissions): a failed job's report shows them.
 */
export async function readJobLogTail(
  clients: Clients,
  kind: 'training-job' | 'transform-job',
  name: string,
  count: number,
): Promise<string[] | undefined> {
  const source = jobLogSource(kind, name);
  try {
    const { DescribeLogStreamsCommand, GetLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    const logs = await clients.logs();
    const streams =
      (
        await logs.send(
          new DescribeLogStreamsCommand({ logGroupName: source.group, logStreamNamePrefix: source.streamPrefix }),
        )
      ).logStreams ?? [];
    const newest = streams.sort((a, b) => (a.creationTime ?? 0) - (b.creationTime ?? 0)).at(-1);
    if (!newest?.logStreamName) return undefined;
    const out = await logs.send(
      new GetLogEventsCommand({ logGroupName: source.group, logStreamName: newest.logStreamName, limit: count }),
    );
    const lines = (out.events ?? []).map((e) => e.message ?? '');
    return lines.length > 0 ? lines : undefined;
  } catch {
    return undefined;
  }
}
