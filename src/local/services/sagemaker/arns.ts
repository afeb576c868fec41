/**
 * SageMaker ARNs: `arn:aws:sagemaker:{region}:{account}:{type}/{name}`. AWS lower-cases the name
 * in ARNs (a job created as "MyJob" has the ARN …:training-job/myjob), which is also why names
 * are unique regardless of case.
 */
export type { SagemakerResourceType as ResourceType } from '../../../aws-names/arns.js';

export { sagemakerArn } from '../../../aws-names/arns.js';

/** The pattern AWS checks ResourceArn against in the tagging operations. */
export const RESOURCE_ARN_PATTERN = 'arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+';

export function parseSagemakerArn(arn: string): { type: string; name: string } | undefined {
  const match = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:\d{12}:([a-z-]+)\/(.+)$/.exec(arn);
  return match ? { type: match[1]!, name: match[2]! } : undefined;
}

/** Names are unique per account and region whatever their case, so state is keyed lower-cased. */
export const nameKey = (name: string): string => name.toLowerCase();
