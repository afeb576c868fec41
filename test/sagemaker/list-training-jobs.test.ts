/** ListTrainingJobs: filters, sorting and pagination, with a deterministic order of creation. */
import {
  CreateTrainingJobCommand,
  ListTrainingJobsCommand,
  StopTrainingJobCommand,
  type TrainingJobSummary,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { linearCsv, putObjects, trainingJobInput, waitForTrainingJob } from './fixtures.js';

let cloud: TestCloud;
const NAMES = ['alpha-1', 'beta-2', 'alpha-3', 'gamma-4', 'ALPHA-5'];
let afterThird: Date;

beforeAll(async () => {
  // Jobs whose name starts with slow- wait long enough to be stopped while running.
  cloud = await startTestCloud({
    sagemaker: { poolSize: 2, workerDelayMs: (_k, name) => (name.startsWith('slow-') ? 30_000 : undefined) },
  });
  await putObjects(cloud.s3(), { 'linear/train/data.csv': linearCsv(30) });
  const sm = cloud.sagemaker();
  for (const [i, name] of NAMES.entries()) {
    await sm.send(new CreateTrainingJobCommand(trainingJobInput(cloud, name)));
    await waitForTrainingJob(sm, name);
    // CreationTime filters compare instants; leave a gap after the third job.
    if (i === 2) {
      await new Promise((r) => setTimeout(r, 20));
      afterThird = new Date();
      await new Promise((r) => setTimeout(r, 1_100));
    }
  }
  await sm.send(new CreateTrainingJobCommand(trainingJobInput(cloud, 'slow-stopped')));
  await sm.send(new StopTrainingJobCommand({ TrainingJobName: 'slow-stopped' }));
  await waitForTrainingJob(sm, 'slow-stopped');
});
afterAll(() => cloud?.stop());

const names = (s: TrainingJobSummary[] | undefined) => (s ?? []).map((j) => j.TrainingJobName ?? '');

describe('ListTrainingJobs', () => {
  it('lists newest first by default, 10 at most', async () => {
    const out = await cloud.sagemaker().send(new ListTrainingJobsCommand({}));
    expect(names(out.TrainingJobSummaries)).toEqual(['slow-stopped', ...[...NAMES].reverse()]);
    expect(out.NextToken).toBeUndefined();
    const summary = out.TrainingJobSummaries![1]!;
    expect(summary).toMatchObject({
      TrainingJobName: 'ALPHA-5',
      TrainingJobStatus: 'Completed',
      SecondaryStatus: 'Completed',
    });
    expect(summary.CreationTime).toBeInstanceOf(Date);
    expect(summary.TrainingJobArn).toMatch(/:training-job\/alpha-5$/);
  });

  it('filters by NameContains (case-insensitive) and StatusEquals', async () => {
    const sm = cloud.sagemaker();
    const alpha = await sm.send(
      new ListTrainingJobsCommand({ NameContains: 'alpha', SortBy: 'Name', SortOrder: 'Ascending' }),
    );
    expect(names(alpha.TrainingJobSummaries)).toEqual(['ALPHA-5', 'alpha-1', 'alpha-3']);
    const stopped = await sm.send(new ListTrainingJobsCommand({ StatusEquals: 'Stopped' }));
    expect(names(stopped.TrainingJobSummaries)).toEqual(['slow-stopped']);
  });

  it('filters by CreationTime and LastModifiedTime', async () => {
    const sm = cloud.sagemaker();
    const after = await sm.send(
      new ListTrainingJobsCommand({ CreationTimeAfter: afterThird, SortBy: 'CreationTime', SortOrder: 'Ascending' }),
    );
    expect(names(after.TrainingJobSummaries)).toEqual(['gamma-4', 'ALPHA-5', 'slow-stopped']);
    const before = await sm.send(
      new ListTrainingJobsCommand({ CreationTimeBefore: afterThird, SortBy: 'CreationTime', SortOrder: 'Ascending' }),
    );
    expect(names(before.TrainingJobSummaries)).toEqual(['alpha-1', 'beta-2', 'alpha-3']);
    const modified = await sm.send(new ListTrainingJobsCommand({ LastModifiedTimeBefore: afterThird }));
    expect(names(modified.TrainingJobSummaries).sort()).toEqual(['alpha-1', 'alpha-3', 'beta-2']);
  });

  it('sorts by Status and pages with NextToken', async () => {
    const sm = cloud.sagemaker();
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await sm.send(
        new ListTrainingJobsCommand({ SortBy: 'Status', SortOrder: 'Descending', MaxResults: 2, NextToken: token }),
      );
      expect(page.TrainingJobSummaries!.length).toBeLessThanOrEqual(2);
      seen.push(...names(page.TrainingJobSummaries));
      token = page.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen[0]).toBe('slow-stopped');
    expect(new Set(seen).size).toBe(6);
  });
});
