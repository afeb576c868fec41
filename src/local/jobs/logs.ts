/**
 * Job logs: what a SageMaker job's container prints, written where SageMaker writes it
 * (docs/aws-behaviour.md#logs): training jobs to `/aws/sagemaker/TrainingJobs`, stream
 * `{job}/algo-1-{epoch seconds}`; transform jobs to `/aws/sagemaker/TransformJobs`, stream
 * `{job}/{instance-id}-{epoch seconds}`. The local cloud runs each job on one "instance", so
 * there is one stream per job. The CloudWatch Logs service serves them; the last lines also go
 * into a failed job's FailureReason, with the group and stream to read the rest from.
 */
import { createHash } from 'node:crypto';
import { TRAINING_JOB_LOG_GROUP, TRANSFORM_JOB_LOG_GROUP } from '../../aws-names/log-groups.js';
import type { LogEventStore } from '../store/log-events.js';

export type JobKind = 'training-job' | 'transform-job';

const JOB_LOG_GROUPS: Readonly<Record<JobKind, string>> = {
  'training-job': TRAINING_JOB_LOG_GROUP,
  'transform-job': TRANSFORM_JOB_LOG_GROUP,
};

export interface LogLocation {
  group: string;
  stream: string;
}

/**
 * The stream of a job created at `createdAt`. A transform job's instance id is derived from the
 * job (name and creation time), so the same job always names the same stream, across restarts.
 */
function jobLogStream(kind: JobKind, name: string, createdAt: Date): string {
  const seconds = Math.floor(createdAt.getTime() / 1000);
  if (kind === 'training-job') return `${name}/algo-1-${seconds}`;
  const instanceId = `i-${createHash('sha256').update(`${name}@${createdAt.toISOString()}`).digest('hex').slice(0, 17)}`;
  return `${name}/${instanceId}-${seconds}`;
}

/** "log group G, stream S": how a message points to a job's log. */
export const describeLocation = (at: LogLocation) => `CloudWatch Logs group ${at.group}, stream ${at.stream}`;

export class JobLogs {
  private readonly current = new Map<string, LogLocation>();

  constructor(readonly events: LogEventStore) {}

  /** A job starts: its stream exists from now on, even before its first line. */
  begin(kind: JobKind, name: string, createdAt: Date): LogLocation {
    const at = { group: JOB_LOG_GROUPS[kind], stream: jobLogStream(kind, name, createdAt) };
    this.current.set(`${kind}/${name}`, at);
    this.events.createStream(at.group, at.stream);
    return at;
  }

  /** Where the job's lines go: the stream `begin` named, else (after a restart) its newest stream. */
  where(kind: JobKind, name: string): LogLocation | undefined {
    const known = this.current.get(`${kind}/${name}`);
    if (known) return known;
    const group = JOB_LOG_GROUPS[kind];
    const streams = (this.events.streams(group) ?? []).filter((s) => s.name.startsWith(`${name}/`));
    const newest = streams.sort((a, b) => a.creationTime - b.creationTime).at(-1);
    return newest && { group, stream: newest.name };
  }

  /** Append lines (in call order); a multi-line string is one event per line, as a container's stdout is. */
  append(kind: JobKind, name: string, ...lines: string[]): Promise<void> {
    const at = this.where(kind, name);
    if (at)
      this.events.put(
        at.group,
        at.stream,
        lines.flatMap((l) => l.split('\n')),
      );
    return Promise.resolve();
  }

  /** The last `count` lines. */
  async tail(kind: JobKind, name: string, count = 10): Promise<string[]> {
    const at = this.where(kind, name);
    const events = at ? (this.events.events(at.group, at.stream) ?? []) : [];
    return events.slice(-count).map((e) => e.message);
  }
}
