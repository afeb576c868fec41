/**
 * What the SageMaker service checks of ARNs and names. The ARNs themselves are built and parsed
 * in src/aws-names/arns.ts: AWS lower-cases the name in ARNs (a job created as "MyJob" has the
 * ARN …:training-job/myjob), which is also why names are unique regardless of case.
 */

/** The pattern AWS checks ResourceArn against in the tagging operations. */
export const RESOURCE_ARN_PATTERN = 'arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+';

/** Names are unique per account and region whatever their case, so state is keyed lower-cased. */
export const nameKey = (name: string): string => name.toLowerCase();
