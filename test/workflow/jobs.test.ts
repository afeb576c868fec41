import { describe, expect, it } from 'vitest';
import { ConfigError, MmeError } from '../../src/errors.js';
import {
  MAX_NAME_LENGTH,
  NAME_PATTERN,
  executionRoleArn,
  jobName,
  nameSegment,
  newRunId,
  runBounded,
  waitForJob,
  type JobSnapshot,
} from '../../src/workflow/jobs.js';
import { REFERENCE_LOCATIONS } from '../../src/housing/locations.js';

describe('job names', () => {
  const run = newRunId(new Date('2025-03-01T14:25:01.123Z'), () => '9f3a');

  it('run ids sort by time and fit a name', () => {
    expect(run).toBe('20250301-142501-9f3a');
    expect(newRunId(new Date(), () => 'ffff')).toMatch(/^\d{8}-\d{6}-ffff$/);
    expect(newRunId()).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
  });

  it('turns location names into valid name segments', () => {
    expect(nameSegment('NewYork_NY')).toBe('NewYork-NY');
    expect(nameSegment('_a.b_')).toBe('ab');
  });

  it('gives valid names of at most 63 characters for every location', () => {
    for (const location of [...REFERENCE_LOCATIONS, 'A', 'X'.repeat(63), `${'Y'.repeat(60)}_CA`]) {
      for (const step of ['train', 'transform']) {
        const name = jobName(['mme', step, location], run);
        expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
        expect(name).toMatch(NAME_PATTERN);
        expect(name.endsWith(run)).toBe(true);
      }
    }
    expect(jobName(['mme', 'train', 'NewYork_NY'], run)).toBe('mme-train-NewYork-NY-20250301-142501-9f3a');
  });

  it('keeps long names that share a beginning distinct', () => {
    const a = jobName(['mme', 'transform', `${'Z'.repeat(50)}A`], run);
    const b = jobName(['mme', 'transform', `${'Z'.repeat(50)}B`], run);
    expect(a).not.toBe(b);
    expect(a.length).toBe(MAX_NAME_LENGTH);
  });
});

describe('executionRoleArn', () => {
  it('uses the configured role on either target', async () => {
    await expect(executionRoleArn('aws', 'arn:aws:iam::1:role/r', async () => '2')).resolves.toBe(
      'arn:aws:iam::1:role/r',
    );
  });
  it("defaults on local to a role in the caller's account", async () => {
    await expect(executionRoleArn('local', undefined, async () => '123456789012')).resolves.toBe(
      'arn:aws:iam::123456789012:role/mme-local-sagemaker-execution',
    );
  });
  it('asks for one on aws, with a hint', async () => {
    const err = await executionRoleArn('aws', undefined, async () => '1').catch((e: ConfigError) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).hint).toMatch(/--role-arn.*MME_ROLE_ARN/);
  });
});

describe('waitForJob', () => {
  function fakeJob(statuses: JobSnapshot[]) {
    let i = 0;
    return { describe: async () => statuses[Math.min(i++, statuses.length - 1)]!, calls: () => i };
  }
  const sleeps: number[] = [];
  const poll = {
    initialDelayMs: 100,
    maxDelayMs: 300,
    timeoutMs: 10_000,
    sleep: async (ms: number) => void sleeps.push(ms),
  };

  it('reports each change before the end, backs off, and returns the final description', async () => {
    sleeps.length = 0;
    const job = fakeJob([
      { status: 'InProgress', secondaryStatus: 'Starting' },
      { status: 'InProgress', secondaryStatus: 'Starting' },
      { status: 'InProgress', secondaryStatus: 'Training' },
      { status: 'InProgress', secondaryStatus: 'Training' },
      { status: 'InProgress', secondaryStatus: 'Training' },
      { status: 'Completed', secondaryStatus: 'Completed' },
    ]);
    const changes: string[] = [];
    const end = await waitForJob(
      'job x',
      job.describe,
      (s) => s,
      poll,
      (s) => changes.push(s.secondaryStatus!),
    );
    expect(end.status).toBe('Completed');
    expect(changes).toEqual(['Starting', 'Training']);
    expect(sleeps).toEqual([100, 150, 225, 300, 300]);
  });

  it('times out with a hint that the job keeps running', async () => {
    let clock = 0;
    const job = fakeJob([{ status: 'InProgress' }]);
    const err = await waitForJob('training job slow', job.describe, (s) => s, {
      ...poll,
      timeoutMs: 1_000,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
    }).catch((e: MmeError) => e);
    expect(err).toBeInstanceOf(MmeError);
    expect((err as MmeError).code).toBe('WaitTimeout');
    expect((err as MmeError).message).toContain('training job slow');
    expect((err as MmeError).hint).toMatch(/keeps running/);
  });

  it('stops waiting when told to', async () => {
    const job = fakeJob([{ status: 'InProgress' }]);
    const end = await waitForJob('j', job.describe, (s) => s, { ...poll, until: () => true });
    expect(end.status).toBe('InProgress');
    expect(job.calls()).toBe(1);
  });
});

describe('runBounded', () => {
  it('never runs more than the limit at once, keeps order, settles every task', async () => {
    let running = 0;
    let peak = 0;
    const results = await runBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5 + (n % 3) * 3));
      running--;
      if (n === 4) throw new Error('four');
      return n * 10;
    });
    expect(peak).toBe(3);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      10,
      20,
      30,
      'four',
      50,
      60,
      70,
    ]);
  });

  it('handles an empty list', async () => {
    expect(await runBounded([], 4, async () => 1)).toEqual([]);
  });
});
