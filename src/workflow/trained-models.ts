/**
 * The newest Completed `mme train` job per location, found with SageMaker's Search
 * (docs/aws-behaviour.md#search): one request returns up to 100 jobs with their tags and model
 * artifacts, filtered on the service by status and by the tags every mme training job carries
 * (jobs.ts), newest first. So the calls grow with the number of matching jobs / 100, not with one
 * ListTags and one DescribeTrainingJob per past job: 1,000 locations with 10 runs each is 100
 * Search calls where the List + ListTags + Describe walk sent about 11,100 (bench/deploy-lookup).
 *
 * With `locations`, the search is narrowed to them (an `In` filter) and stops as soon as each has
 * been found; without, it pages to the end, since any older job may be a location's only one.
 */
import { SearchCommand, type SearchCommandInput, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { TAG_KEYS, tagValue } from './jobs.js';

export interface TrainedModel {
  location: string;
  jobName: string;
  jobArn: string;
  /** s3://…/model.tar.gz */
  artifact: string;
  creationTime?: Date;
  runId?: string;
  /** The preprocess job (and model) whose features the model was trained on. */
  preprocessor?: string;
}

/** Search's largest page. */
const PAGE_SIZE = 100;

/** The Search request for one page: also what --dry-run shows for the lookup. */
function trainedModelSearch(
  o: { prefix: string; locations?: readonly string[] },
  nextToken?: string,
): SearchCommandInput {
  const filters = [
    { Name: 'TrainingJobStatus', Operator: 'Equals' as const, Value: 'Completed' },
    { Name: `Tags.${TAG_KEYS.step}`, Operator: 'Equals' as const, Value: 'train' },
    { Name: `Tags.${TAG_KEYS.prefix}`, Operator: 'Equals' as const, Value: o.prefix },
    // In takes a comma-separated list; location names are letters, digits and _ (no commas).
    ...(o.locations
      ? [{ Name: `Tags.${TAG_KEYS.location}`, Operator: 'In' as const, Value: o.locations.join(',') }]
      : []),
  ];
  return {
    Resource: 'TrainingJob',
    SearchExpression: { Filters: filters },
    SortBy: 'CreationTime',
    SortOrder: 'Descending',
    MaxResults: PAGE_SIZE,
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

export async function newestTrainedModels(
  sm: Pick<SageMakerClient, 'send'>,
  o: { prefix: string; locations?: readonly string[] },
): Promise<TrainedModel[]> {
  const wanted = o.locations ? new Set(o.locations) : undefined;
  if (wanted?.size === 0) return [];
  const found = new Map<string, TrainedModel>();
  let token: string | undefined;
  do {
    const page = await sm.send(new SearchCommand(trainedModelSearch(o, token)));
    for (const record of page.Results ?? []) {
      const job = record.TrainingJob;
      const location = tagValue(job?.Tags, TAG_KEYS.location);
      const artifact = job?.ModelArtifacts?.S3ModelArtifacts;
      // Newest first: the first job seen for a location is its newest.
      if (!job?.TrainingJobName || !job.TrainingJobArn || !location || !artifact || found.has(location)) continue;
      if (wanted && !wanted.has(location)) continue;
      const runId = tagValue(job.Tags, TAG_KEYS.run);
      const preprocessor = tagValue(job.Tags, TAG_KEYS.preprocessor);
      found.set(location, {
        location,
        jobName: job.TrainingJobName,
        jobArn: job.TrainingJobArn,
        artifact,
        ...(job.CreationTime ? { creationTime: job.CreationTime } : {}),
        ...(runId !== undefined ? { runId } : {}),
        ...(preprocessor !== undefined ? { preprocessor } : {}),
      });
      if (wanted && found.size === wanted.size) break;
    }
    token = wanted && found.size === wanted.size ? undefined : page.NextToken;
  } while (token);
  const order = o.locations ?? [...found.keys()].sort();
  return order.flatMap((l) => (found.has(l) ? [found.get(l)!] : []));
}
