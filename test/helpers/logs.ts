/** A job's or endpoint's log as the real CloudWatch Logs client reads it from a test cloud. */
import { CloudWatchLogsClient, FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { TestCloud } from './local-cloud.js';

/** Every event of `group` (streams starting with `prefix`), in time order. */
async function logEvents(cloud: TestCloud, group: string, prefix?: string): Promise<FilteredLogEvent[]> {
  const client = new CloudWatchLogsClient({ ...cloud.clientConfig(), maxAttempts: 1 });
  try {
    const events: FilteredLogEvent[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(
        new FilterLogEventsCommand({
          logGroupName: group,
          ...(prefix ? { logStreamNamePrefix: prefix } : {}),
          nextToken,
        }),
      );
      events.push(...(out.events ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
    return events;
  } finally {
    client.destroy();
  }
}

/** A training job's log, one line per event. */
export async function trainingJobLog(cloud: TestCloud, job: string): Promise<string> {
  return (await logEvents(cloud, '/aws/sagemaker/TrainingJobs', `${job}/`)).map((e) => e.message).join('\n');
}
