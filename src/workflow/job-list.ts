/**
 * The newest training and transform jobs of the account and region, each as the job commands
 * report it (trainingJobResult, transformJobResult in jobs.ts: status, final metrics, artifact)
 * with its location from the mme:location tag. ListTrainingJobs and ListTransformJobs, newest
 * first, then one Describe and one ListTags per job: the same calls on AWS and the local cloud.
 */
import {
  DescribeTrainingJobCommand,
  DescribeTransformJobCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  ListTransformJobsCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { TAG_KEYS, tagValue, trainingJobResult, transformJobResult, type JobResult } from './jobs.js';

export interface ListedJob extends JobResult {
  creationTime?: Date;
}

/** Newest first, at most `max` of each kind; a job without the mme:location tag shows `-`. */
export async function listRecentJobs(sm: Pick<SageMakerClient, 'send'>, max: number): Promise<ListedJob[]> {
  const location = async (arn: string | undefined) =>
    arn ? (tagValue((await sm.send(new ListTagsCommand({ ResourceArn: arn }))).Tags, TAG_KEYS.location) ?? '-') : '-';
  const listOrder = { SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: max } as const;
  const [training, transform] = await Promise.all([
    sm.send(new ListTrainingJobsCommand(listOrder)),
    sm.send(new ListTransformJobsCommand(listOrder)),
  ]);
  const jobs = await Promise.all([
    ...(training.TrainingJobSummaries ?? []).map(async (s): Promise<ListedJob> => {
      const d = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: s.TrainingJobName }));
      return { ...trainingJobResult(d, await location(s.TrainingJobArn)), creationTime: s.CreationTime };
    }),
    ...(transform.TransformJobSummaries ?? []).map(async (s): Promise<ListedJob> => {
      const d = await sm.send(new DescribeTransformJobCommand({ TransformJobName: s.TransformJobName }));
      return { ...transformJobResult(d, await location(s.TransformJobArn)), creationTime: s.CreationTime };
    }),
  ]);
  return jobs.sort((a, b) => (b.creationTime?.getTime() ?? 0) - (a.creationTime?.getTime() ?? 0));
}
