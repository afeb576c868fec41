/**
 * The SageMaker execution role both sides name: the role the local cloud seeds and the workflow
 * uses by default on the local target, and the trust policy that lets SageMaker assume a role
 * (`sagemaker.amazonaws.com`, the service principal of the SageMaker Developer Guide,
 * "SageMaker AI execution roles"). `mme bootstrap` writes the same trust policy on both targets.
 */

/** The default execution role on the local target; seeded with the account (it trusts SageMaker). */
export const LOCAL_EXECUTION_ROLE_NAME = 'mme-local-sagemaker-execution';

/** That role's ARN in a local account (the local cloud is one aws-partition account). */
export const localExecutionRoleArn = (accountId: string): string =>
  `arn:aws:iam::${accountId}:role/${LOCAL_EXECUTION_ROLE_NAME}`;

export const SAGEMAKER_PRINCIPAL = 'sagemaker.amazonaws.com';

/** The trust policy of an execution role: SageMaker, and only SageMaker, may assume it. */
export function sagemakerTrustPolicy(): { Version: string; Statement: Record<string, unknown>[] } {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: SAGEMAKER_PRINCIPAL }, Action: 'sts:AssumeRole' }],
  };
}
