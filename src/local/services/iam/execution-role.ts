/**
 * The local account's default SageMaker execution role, seeded once with the account so that the
 * workflow runs on a fresh local cloud with no setup step, as it did before SageMaker's role
 * checks (services/sagemaker/pass-role.ts) were enforced. It trusts sagemaker.amazonaws.com and
 * has no permissions policy: `mme bootstrap` gives it its least-privilege policy, and local jobs
 * do not evaluate the role's permissions. Deleted by the user, it stays deleted (as on AWS).
 */
import type { PolicyDocument } from '../../auth/policy/index.js';
import { awsId } from '../../auth/credentials.js';
import { LOCAL_EXECUTION_ROLE_NAME, sagemakerTrustPolicy } from '../../../aws-names/execution-role.js';
import { roleArn } from './principal-kinds.js';
import type { IamState } from './state.js';

export async function seedExecutionRole(state: IamState, now: Date): Promise<void> {
  if (state.executionRoleSeeded) return;
  if (!state.role(LOCAL_EXECUTION_ROLE_NAME)) {
    state.putRole({
      roleName: LOCAL_EXECUTION_ROLE_NAME,
      roleId: awsId('AROA'),
      path: '/',
      arn: roleArn(state.accountId, '/', LOCAL_EXECUTION_ROLE_NAME),
      createDate: now.toISOString(),
      assumeRolePolicyDocument: JSON.stringify(sagemakerTrustPolicy()),
      description: 'SageMaker execution role of the mme local cloud (seeded with the account)',
      maxSessionDuration: 3600,
      tags: [],
      attachedPolicyArns: [],
      inlinePolicies: {},
    });
  }
  state.executionRoleSeeded = true;
  await state.save();
}

/** What SageMaker asks of IAM about a role: its trust policy, if the role exists in this account. */
export function executionRoles(state: IamState): { trustPolicy(arn: string): PolicyDocument | undefined } {
  return {
    trustPolicy(arn) {
      const role = state.roleByArn(arn);
      return role ? state.document(role.assumeRolePolicyDocument, 'trust') : undefined;
    },
  };
}
