/**
 * What SageMaker checks about an execution role before it accepts a job or a model
 * (docs/aws-behaviour.md#execution-roles):
 * - the caller may pass the role: `iam:PassRole` on the role's ARN, with the condition key
 *   `iam:PassedToService` = sagemaker.amazonaws.com, else AccessDenied as IAM words it. Checked on
 *   CreateTrainingJob and CreateModel, where the request names the role; CreateTransformJob names
 *   a model, whose role was passed when the model was made.
 * - SageMaker itself may assume the role: it exists and its trust policy allows the service
 *   principal sagemaker.amazonaws.com `sts:AssumeRole`, else a ValidationException "Could not
 *   assume role {arn}. Please ensure that the role exists and allows principal
 *   'sagemaker.amazonaws.com' to assume the role." (the wording AWS returns to CreateTransformJob,
 *   quoted in awslabs/predictive-maintenance-using-machine-learning issue 3; used for all three).
 *
 * Departure from AWS: the role's permissions policies are not evaluated when a local job reads
 * or writes S3 (AWS would fail the job then, with a ClientError in its FailureReason).
 */
import { SAGEMAKER_PRINCIPAL } from '../../../aws-names/execution-role.js';
import { evaluateTrust, type PolicyDocument } from '../../auth/policy/index.js';
import type { ServiceCall } from '../../service.js';
import { validationError } from './validation.js';

/** The roles of the account, as far as SageMaker needs them: a role's trust policy, if it exists. */
export interface ExecutionRoles {
  trustPolicy(roleArn: string): PolicyDocument | undefined;
}

/**
 * Throws unless the caller may pass `roleArn` (when `passed`) and SageMaker may assume it.
 */
export function checkExecutionRole(roles: ExecutionRoles, call: ServiceCall, roleArn: unknown, passed = true): void {
  if (typeof roleArn !== 'string') return;
  if (passed) call.authorize('iam:PassRole', roleArn, { 'iam:PassedToService': SAGEMAKER_PRINCIPAL });
  const trust = roles.trustPolicy(roleArn);
  if (!trust || evaluateTrust(trust, SAGEMAKER_PRINCIPAL).decision !== 'Allow') {
    throw validationError(
      `Could not assume role ${roleArn}. Please ensure that the role exists and allows principal '${SAGEMAKER_PRINCIPAL}' to assume the role.`,
    );
  }
}
