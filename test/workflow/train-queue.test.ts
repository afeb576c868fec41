/**
 * The train step against a fake SageMaker client that implements only send() for the commands
 * the step uses: the client-side queue, failures, --no-wait, and the tag lookup deploy relies on.
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import type { Clients } from '../../src/aws/clients.js';
import { recordingReporter } from '../../src/workflow/reporter.js';
import { train, type TrainOptions } from '../../src/workflow/train.js';

type Tag = { Key: string; Value: string };
interface FakeJob {
  name: string;
  arn: string;
  tags: Tag[];
  status: string;
  polls: number;
  created: Date;
}

/** Jobs finish after a few Describe calls each (different per job, so they interleave). */
class FakeSageMaker {
  jobs = new Map<string, FakeJob>();
  running = 0;
  peak = 0;
  /** How many were running when each job was created (including it). */
  runningAtCreate: number[] = [];
  calls: string[] = [];
  clock = Date.parse('2025-03-01T00:00:00Z');

  constructor(
    private readonly opts: {
      fail?: (name: string) => boolean;
      refuse?: (name: string) => boolean;
      pollsToFinish?: (i: number) => number;
    } = {},
  ) {}

  add(name: string, tags: Tag[], status = 'Completed'): void {
    this.jobs.set(name, {
      name,
      arn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name.toLowerCase()}`,
      tags,
      status,
      polls: 0,
      created: new Date((this.clock += 1000)),
    });
  }

  async send(command: { constructor: { name: string }; input: Record<string, any> }): Promise<any> {
    const op = command.constructor.name.replace(/Command$/, '');
    const input = command.input;
    this.calls.push(op);
    await new Promise((r) => setImmediate(r));
    switch (op) {
      case 'CreateTrainingJob': {
        if (this.opts.refuse?.(input.TrainingJobName))
          throw Object.assign(new Error('quota'), {
            name: 'ResourceLimitExceeded',
            $metadata: { httpStatusCode: 400 },
          });
        this.add(input.TrainingJobName, input.Tags, 'InProgress');
        this.running++;
        this.peak = Math.max(this.peak, this.running);
        this.runningAtCreate.push(this.running);
        return { TrainingJobArn: this.jobs.get(input.TrainingJobName)!.arn };
      }
      case 'DescribeTrainingJob': {
        const job = this.jobs.get(input.TrainingJobName)!;
        const index = [...this.jobs.keys()].indexOf(job.name);
        if (job.status === 'InProgress' && ++job.polls >= (this.opts.pollsToFinish?.(index) ?? 2 + (index % 3))) {
          job.status = this.opts.fail?.(job.name) ? 'Failed' : 'Completed';
          this.running--;
        }
        return {
          TrainingJobName: job.name,
          TrainingJobArn: job.arn,
          TrainingJobStatus: job.status,
          SecondaryStatus: job.status === 'InProgress' ? (job.polls > 1 ? 'Training' : 'Starting') : job.status,
          CreationTime: job.created,
          ...(job.status === 'InProgress' ? {} : { TrainingEndTime: new Date(job.created.getTime() + 42_000) }),
          ...(job.status === 'Failed' ? { FailureReason: 'ClientError: bad data\nmore' } : {}),
          ...(job.status === 'Completed'
            ? { ModelArtifacts: { S3ModelArtifacts: `s3://b/P/model_artifacts/x/${job.name}/output/model.tar.gz` } }
            : {}),
          FinalMetricDataList:
            job.status === 'Completed' ? [{ MetricName: 'validation:absolute_loss', Value: 1234.5 }] : [],
        };
      }
      case 'ListTrainingJobs': {
        // Newest first, 2 a page, to exercise NextToken.
        const all = [...this.jobs.values()]
          .filter((j) => !input.StatusEquals || j.status === input.StatusEquals)
          .filter((j) => !input.NameContains || j.name.includes(input.NameContains))
          .sort((a, b) => b.created.getTime() - a.created.getTime());
        const start = Number(input.NextToken ?? 0);
        const page = all.slice(start, start + 2);
        return {
          TrainingJobSummaries: page.map((j) => ({
            TrainingJobName: j.name,
            TrainingJobArn: j.arn,
            CreationTime: j.created,
            TrainingJobStatus: j.status,
          })),
          NextToken: start + 2 < all.length ? String(start + 2) : undefined,
        };
      }
      case 'ListTags':
        return { Tags: [...this.jobs.values()].find((j) => j.arn === input.ResourceArn)!.tags };
      default:
        throw new Error(`the fake does not implement ${op}`);
    }
  }
}

const LOCATIONS = ['NewYork_NY', 'LosAngeles_CA', 'Chicago_IL', 'Houston_TX', 'Dallas_TX'];

function options(overrides: Partial<TrainOptions> = {}): TrainOptions {
  return {
    bucket: 'b',
    prefix: 'P',
    region: 'us-east-1',
    roleArn: 'arn:aws:iam::123456789012:role/r',
    runId: '20250301-000000-abcd',
    locations: LOCATIONS,
    instanceType: 'ml.c4.xlarge',
    parallel: 2,
    wait: true,
    poll: { initialDelayMs: 1, maxDelayMs: 1, timeoutMs: 60_000, sleep: () => new Promise((r) => setImmediate(r)) },
    ...overrides,
  };
}

const clientsFor = (sm: FakeSageMaker) =>
  ({ sageMaker: async () => sm as unknown as SageMakerClient }) as Pick<Clients, 'sageMaker'>;

describe('train: the client-side queue', () => {
  it('never has more than --parallel jobs in flight, and trains every location', async () => {
    const sm = new FakeSageMaker();
    const reporter = recordingReporter();
    const inFlight = new Set<string>();
    const result = await train(clientsFor(sm), reporter, options({ inFlight }));
    expect(sm.peak).toBe(2);
    expect(result.ok).toBe(true);
    expect(result.jobs.map((j) => [j.location, j.status])).toEqual(LOCATIONS.map((l) => [l, 'Completed']));
    expect(result.jobs[0]).toMatchObject({ durationSeconds: 42, metrics: { 'validation:absolute_loss': 1234.5 } });
    expect(result.jobs[0]!.artifact).toMatch(/model\.tar\.gz$/);
    expect(inFlight.size).toBe(0);
    // One spinner per job: start, updates, succeed under the job's own id.
    for (const l of LOCATIONS) {
      const kinds = reporter.events.filter((e) => 'id' in e && e.id === `train.${l}`).map((e) => e.kind);
      expect(kinds[0]).toBe('start');
      expect(kinds.at(-1)).toBe('succeed');
      expect(kinds).toContain('update');
    }
  });

  it('with --parallel 1 runs strictly one at a time', async () => {
    const sm = new FakeSageMaker();
    await train(clientsFor(sm), recordingReporter(), options({ parallel: 1, locations: LOCATIONS.slice(0, 3) }));
    expect(sm.peak).toBe(1);
  });

  it('reports a failed job with its FailureReason and log tail, and goes on with the others', async () => {
    const sm = new FakeSageMaker({ fail: (name) => name.includes('Chicago') });
    const reporter = recordingReporter();
    const result = await train(
      clientsFor(sm),
      reporter,
      options({ readLogTail: async (kind, name) => [`${kind} ${name} line 1`, 'line 2'] }),
    );
    expect(result.ok).toBe(false);
    const failed = result.jobs.find((j) => j.location === 'Chicago_IL')!;
    expect(failed).toMatchObject({ status: 'Failed', failureReason: 'ClientError: bad data\nmore' });
    expect(failed.logTail).toEqual([`training-job ${failed.name} line 1`, 'line 2']);
    expect(result.jobs.filter((j) => j.status === 'Completed')).toHaveLength(4);
    expect(result.jobs.find((j) => j.status === 'Completed')!.logTail).toBeUndefined();
    expect(reporter.events).toContainEqual({
      kind: 'fail',
      id: 'train.Chicago_IL',
      text: `Chicago_IL: ${failed.name} Failed: ClientError: bad data`,
    });
  });

  it('a job that cannot be created is NotStarted; the others run', async () => {
    const sm = new FakeSageMaker({ refuse: (name) => name.includes('Houston') });
    const result = await train(clientsFor(sm), recordingReporter(), options());
    expect(result.ok).toBe(false);
    expect(result.jobs.find((j) => j.location === 'Houston_TX')).toMatchObject({
      status: 'NotStarted',
      failureReason: expect.stringContaining('quota'),
    });
    expect(result.jobs.filter((j) => j.status === 'Completed')).toHaveLength(4);
  });

  it('when no job can be created, the API error is thrown', async () => {
    const sm = new FakeSageMaker({ refuse: () => true });
    await expect(train(clientsFor(sm), recordingReporter(), options())).rejects.toMatchObject({
      code: 'ResourceLimitExceeded',
    });
  });

  it('--no-wait creates every job within the limit and returns without waiting for the last ones', async () => {
    const sm = new FakeSageMaker({ pollsToFinish: () => 3 });
    const result = await train(clientsFor(sm), recordingReporter(), options({ wait: false }));
    expect(sm.jobs.size).toBe(5);
    expect(Math.max(...sm.runningAtCreate)).toBeLessThanOrEqual(2);
    expect(result.waited).toBe(false);
    expect(result.ok).toBe(true);
    expect(result.jobs.some((j) => j.status === 'InProgress')).toBe(true);
  });
});
