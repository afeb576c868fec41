/**
 * The CloudWatch Logs groups SageMaker writes its containers' output to, named in one place for
 * the local cloud (which writes them) and the workflow (which reads them on either target); see
 * docs/aws-behaviour.md#logs.
 */
export const TRAINING_JOB_LOG_GROUP = '/aws/sagemaker/TrainingJobs';
export const TRANSFORM_JOB_LOG_GROUP = '/aws/sagemaker/TransformJobs';

/** One group per endpoint. */
export function endpointLogGroup(endpointName: string): string {
  return `/aws/sagemaker/Endpoints/${endpointName}`;
}
