/**
 * SageMaker Search (Resource TrainingJob) on the local cloud, through the real SDK client: filter
 * operators on fields, tags and hyperparameters, And/Or sub-expressions, sorting, paging, and the
 * refusals. The jobs are records as CreateTrainingJob leaves them, written to the cloud's state
 * before it opens.
 */
import { join } from 'node:path';
import { SearchCommand, type SearchCommandInput, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sagemakerArn } from '../../src/aws-names/arns.js';
import { DocumentStore } from '../../src/local/store/documents.js';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';

let cloud: TestCloud;
let sm: SageMakerClient;

const JOBS = [
  { name: 'job-a', status: 'Completed', minute: 1, tags: { team: 'red', city: 'Boston_MA' }, epochs: '5' },
  { name: 'job-b', status: 'Failed', minute: 2, tags: { team: 'blue' }, epochs: '15' },
  { name: 'job-c', status: 'Completed', minute: 3, tags: { team: 'blue', city: 'Austin_TX' }, epochs: '10' },
  { name: 'job-d', status: 'Completed', minute: 4, tags: {}, epochs: '2' },
];

beforeAll(async () => {
  cloud = await startTestCloud();
  const docs = new DocumentStore(join(cloud.stateDir, 'sagemaker'));
  await Promise.all(
    JOBS.map((j) =>
      docs.put('training-jobs', j.name, {
        describe: {
          TrainingJobName: j.name,
          TrainingJobArn: sagemakerArn(cloud.region, cloud.accountId, 'training-job', j.name),
          TrainingJobStatus: j.status,
          SecondaryStatus: j.status,
          CreationTime: new Date(Date.UTC(2026, 0, 1, 0, j.minute)),
          // Modified in the other order, to tell the default sort (LastModifiedTime) apart.
          LastModifiedTime: new Date(Date.UTC(2026, 0, 1, 1, 10 - j.minute)),
          SecondaryStatusTransitions: [],
          HyperParameters: { epochs: j.epochs },
          ResourceConfig: { InstanceType: 'ml.c4.xlarge', InstanceCount: 1, VolumeSizeInGB: 10 },
        },
        tags: Object.entries(j.tags).map(([Key, Value]) => ({ Key, Value })),
        algorithm: 'linear-learner',
      }),
    ),
  );
  await docs.flush();
  await cloud.restart();
  sm = cloud.sagemaker();
}, 60_000);

afterAll(async () => {
  await cloud?.stop();
});

async function names(input: Omit<SearchCommandInput, 'Resource'>): Promise<string[]> {
  const out = await sm.send(new SearchCommand({ Resource: 'TrainingJob', ...input }));
  return (out.Results ?? []).map((r) => r.TrainingJob!.TrainingJobName!);
}

describe('Search TrainingJob', () => {
  it('without an expression: every job, by LastModifiedTime descending; the records carry their tags', async () => {
    expect(await names({})).toEqual(['job-a', 'job-b', 'job-c', 'job-d']);
    const out = await sm.send(
      new SearchCommand({
        Resource: 'TrainingJob',
        SearchExpression: { Filters: [{ Name: 'TrainingJobName', Value: 'job-c' }] },
      }),
    );
    expect(out.Results?.[0]?.TrainingJob).toMatchObject({
      TrainingJobStatus: 'Completed',
      Tags: [
        { Key: 'team', Value: 'blue' },
        { Key: 'city', Value: 'Austin_TX' },
      ],
    });
  });

  it('filters: Equals (the default), NotEquals, In, Contains, Exists, NotExists, numbers and times compared as such', async () => {
    const by = (Filters: NonNullable<SearchCommandInput['SearchExpression']>['Filters']) =>
      names({ SearchExpression: { Filters }, SortBy: 'CreationTime', SortOrder: 'Ascending' });
    expect(await by([{ Name: 'Tags.team', Value: 'blue' }])).toEqual(['job-b', 'job-c']);
    expect(await by([{ Name: 'Tags.team', Operator: 'NotEquals', Value: 'blue' }])).toEqual(['job-a', 'job-d']);
    expect(await by([{ Name: 'Tags.city', Operator: 'In', Value: 'Austin_TX,Boston_MA' }])).toEqual(['job-a', 'job-c']);
    expect(await by([{ Name: 'TrainingJobName', Operator: 'Contains', Value: '-b' }])).toEqual(['job-b']);
    expect(await by([{ Name: 'Tags.city', Operator: 'Exists' }])).toEqual(['job-a', 'job-c']);
    expect(await by([{ Name: 'Tags.city', Operator: 'NotExists' }])).toEqual(['job-b', 'job-d']);
    // 10 > 5 as numbers (as text '10' < '5').
    expect(await by([{ Name: 'HyperParameters.epochs', Operator: 'GreaterThan', Value: '5' }])).toEqual([
      'job-b',
      'job-c',
    ]);
    expect(
      await by([{ Name: 'CreationTime', Operator: 'GreaterThanOrEqualTo', Value: '2026-01-01T00:03:00Z' }]),
    ).toEqual(['job-c', 'job-d']);
    expect(await by([{ Name: 'ResourceConfig.InstanceType', Value: 'ml.c4.xlarge' }])).toHaveLength(4);
    // Several filters: all must hold.
    expect(
      await by([
        { Name: 'TrainingJobStatus', Value: 'Completed' },
        { Name: 'Tags.team', Value: 'blue' },
      ]),
    ).toEqual(['job-c']);
  });

  it('Or joins sub-expressions; sorted by CreationTime descending', async () => {
    expect(
      await names({
        SearchExpression: {
          Operator: 'Or',
          SubExpressions: [
            { Filters: [{ Name: 'Tags.team', Value: 'red' }] },
            { Filters: [{ Name: 'HyperParameters.epochs', Operator: 'LessThan', Value: '3' }] },
          ],
        },
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
      }),
    ).toEqual(['job-d', 'job-a']);
  });

  it('pages with MaxResults and NextToken; a token is tied to its search', async () => {
    const query = { SortBy: 'CreationTime', SortOrder: 'Ascending' as const, MaxResults: 3 };
    const first = await sm.send(new SearchCommand({ Resource: 'TrainingJob', ...query }));
    expect(first.Results?.map((r) => r.TrainingJob!.TrainingJobName)).toEqual(['job-a', 'job-b', 'job-c']);
    const second = await sm.send(new SearchCommand({ Resource: 'TrainingJob', ...query, NextToken: first.NextToken }));
    expect(second.Results?.map((r) => r.TrainingJob!.TrainingJobName)).toEqual(['job-d']);
    expect(second.NextToken).toBeUndefined();
    await expect(
      sm.send(new SearchCommand({ Resource: 'TrainingJob', MaxResults: 3, NextToken: first.NextToken })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('refuses what AWS refuses, and says what the local cloud does not serve', async () => {
    await expect(sm.send(new SearchCommand({ Resource: 'TrainingJob', MaxResults: 101 }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("'maxResults'"),
    });
    await expect(
      sm.send(
        new SearchCommand({
          Resource: 'TrainingJob',
          SearchExpression: { Filters: [{ Name: 'Tags.team', Operator: 'Equals' }] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(sm.send(new SearchCommand({ Resource: 'Endpoint' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: expect.any(Number) },
      message: expect.stringContaining('Endpoint'),
    });
  });
});
