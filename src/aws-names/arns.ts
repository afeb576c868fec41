/**
 * ARNs of the resources mme names, built in one place for both sides. SageMaker lower-cases the
 * resource name in its ARNs (a job created as "MyJob" has the ARN …:training-job/myjob); see
 * docs/aws-behaviour.md.
 */
import { partitionIdOf } from './partitions.js';

export type SagemakerResourceType = 'training-job' | 'transform-job' | 'model' | 'endpoint-config' | 'endpoint';

export function sagemakerArn(region: string, account: string, type: SagemakerResourceType, name: string): string {
  return `arn:${partitionIdOf(region)}:sagemaker:${region}:${account}:${type}/${name.toLowerCase()}`;
}

/** The resource type and name of a SageMaker ARN (in any partition), or undefined. */
export function parseSagemakerArn(arn: string): { type: string; name: string } | undefined {
  const match = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:\d{12}:([a-z-]+)\/(.+)$/.exec(arn);
  return match ? { type: match[1]!, name: match[2]! } : undefined;
}

export function logGroupArn(region: string, account: string, logGroupName: string): string {
  return `arn:${partitionIdOf(region)}:logs:${region}:${account}:log-group:${logGroupName}`;
}
