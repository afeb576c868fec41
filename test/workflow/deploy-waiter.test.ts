/**
 * The endpoint waiter against scripted DescribeEndpoint answers: InService on the right
 * configuration, Failed with its reason, an update rolled back, deletion, settling, the timeout.
 */
import { describe, expect, it } from 'vitest';
import { waitForEndpoint } from '../../src/workflow/endpoint-waiter.js';
import type { PollOptions } from '../../src/workflow/jobs.js';

type Answer = { EndpointStatus: string; EndpointConfigName?: string; FailureReason?: string } | 'gone';

/** A SageMaker client whose DescribeEndpoint answers from a script (the last answer repeats). */
function scripted(answers: Answer[]) {
  let i = 0;
  return {
    calls: () => i,
    async send() {
      const a = answers[Math.min(i++, answers.length - 1)]!;
      if (a === 'gone')
        throw Object.assign(new Error('Could not find endpoint "arn:aws:sagemaker:us-east-1:1:endpoint/ep".'), {
          name: 'ValidationException',
        });
      return a;
    },
  };
}

function clock(): PollOptions & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    initialDelayMs: 100,
    maxDelayMs: 250,
    timeoutMs: 1_000,
    slept,
    now: () => t,
    sleep: async (ms) => void (slept.push(ms), (t += ms)),
  };
}

describe('waitForEndpoint', () => {
  it('waits through Creating until InService on the configuration, backing off', async () => {
    const sm = scripted([
      { EndpointStatus: 'Creating' },
      { EndpointStatus: 'Creating' },
      { EndpointStatus: 'Creating' },
      { EndpointStatus: 'InService', EndpointConfigName: 'c1' },
    ]);
    const poll = clock();
    const seen: string[] = [];
    const d = await waitForEndpoint(sm as never, 'ep', { state: 'InService', configName: 'c1' }, poll, (s) =>
      seen.push(s),
    );
    expect(d?.EndpointStatus).toBe('InService');
    expect(seen).toEqual(['Creating']);
    expect(poll.slept).toEqual([100, 150, 225]);
  });

  it('Failed ends with EndpointFailed carrying the FailureReason and a hint', async () => {
    const sm = scripted([
      { EndpointStatus: 'Creating' },
      { EndpointStatus: 'Failed', FailureReason: 'Failed to download model data from s3://b/k: Access Denied' },
    ]);
    await expect(
      waitForEndpoint(sm as never, 'ep', { state: 'InService', configName: 'c1' }, clock()),
    ).rejects.toMatchObject({
      code: 'EndpointFailed',
      exitCode: 1,
      message: expect.stringContaining('Access Denied'),
      hint: expect.stringContaining('s3:GetObject'),
    });
  });

  it('an update rolled back (InService on the old configuration, with a reason) is a failure', async () => {
    const sm = scripted([
      { EndpointStatus: 'Updating', EndpointConfigName: 'c0' },
      { EndpointStatus: 'InService', EndpointConfigName: 'c0', FailureReason: 'capacity' },
    ]);
    await expect(waitForEndpoint(sm as never, 'ep', { state: 'InService', configName: 'c1' }, clock())).rejects.toThrow(
      /update to c1 failed and was rolled back: capacity/,
    );
  });

  it('Deleted: until DescribeEndpoint says it cannot find it', async () => {
    const sm = scripted([{ EndpointStatus: 'Deleting' }, 'gone']);
    expect(await waitForEndpoint(sm as never, 'ep', { state: 'Deleted' }, clock())).toBeUndefined();
    expect(sm.calls()).toBe(2);
  });

  it('Settled: returns however an update ended', async () => {
    const sm = scripted([{ EndpointStatus: 'Updating' }, { EndpointStatus: 'Failed', FailureReason: 'x' }]);
    expect(await waitForEndpoint(sm as never, 'ep', { state: 'Settled' }, clock())).toMatchObject({
      EndpointStatus: 'Failed',
    });
  });

  it('gives up after the timeout, saying the endpoint keeps deploying', async () => {
    const sm = scripted([{ EndpointStatus: 'Creating' }]);
    await expect(
      waitForEndpoint(sm as never, 'ep', { state: 'InService', configName: 'c1' }, clock()),
    ).rejects.toMatchObject({
      code: 'WaitTimeout',
      hint: expect.stringContaining('mme deploy'),
    });
  });
});
