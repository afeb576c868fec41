/** IAM actions → handlers. Anything else is InvalidAction, as IAM answers an unknown Action. */
import type { LocalResponse } from '../../http.js';
import { ServiceError } from '../../service-error.js';
import * as attachments from './attachments.js';
import type { IamContext } from './context.js';
import * as inline from './inline-policies.js';
import * as policies from './policies.js';
import * as versions from './policy-versions.js';
import * as tags from './role-tags.js';
import * as roles from './roles.js';
import * as accessKeys from './access-keys.js';
import * as userPolicies from './user-policies.js';
import * as users from './users.js';

type Handler = (ctx: IamContext) => Promise<LocalResponse>;

const IAM_ACTIONS: Readonly<Record<string, Handler>> = {
  CreateRole: roles.createRole,
  GetRole: roles.getRole,
  DeleteRole: roles.deleteRole,
  ListRoles: roles.listRoles,
  UpdateRole: roles.updateRole,
  UpdateAssumeRolePolicy: roles.updateAssumeRolePolicy,
  TagRole: tags.tagRole,
  UntagRole: tags.untagRole,
  ListRoleTags: tags.listRoleTags,
  CreatePolicy: policies.createPolicy,
  GetPolicy: policies.getPolicy,
  DeletePolicy: policies.deletePolicy,
  ListPolicies: policies.listPolicies,
  GetPolicyVersion: versions.getPolicyVersion,
  CreatePolicyVersion: versions.createPolicyVersion,
  DeletePolicyVersion: versions.deletePolicyVersion,
  ListPolicyVersions: versions.listPolicyVersions,
  SetDefaultPolicyVersion: versions.setDefaultPolicyVersion,
  AttachRolePolicy: attachments.attachRolePolicy,
  DetachRolePolicy: attachments.detachRolePolicy,
  ListAttachedRolePolicies: attachments.listAttachedRolePolicies,
  PutRolePolicy: inline.putRolePolicy,
  GetRolePolicy: inline.getRolePolicy,
  DeleteRolePolicy: inline.deleteRolePolicy,
  ListRolePolicies: inline.listRolePolicies,
  CreateUser: users.createUser,
  GetUser: users.getUser,
  ListUsers: users.listUsers,
  DeleteUser: users.deleteUser,
  CreateAccessKey: accessKeys.createAccessKey,
  ListAccessKeys: accessKeys.listAccessKeys,
  DeleteAccessKey: accessKeys.deleteAccessKey,
  PutUserPolicy: userPolicies.putUserPolicy,
  GetUserPolicy: userPolicies.getUserPolicy,
  DeleteUserPolicy: userPolicies.deleteUserPolicy,
  ListUserPolicies: userPolicies.listUserPolicies,
  AttachUserPolicy: userPolicies.attachUserPolicy,
  DetachUserPolicy: userPolicies.detachUserPolicy,
  ListAttachedUserPolicies: userPolicies.listAttachedUserPolicies,
};

export function routeIam(ctx: IamContext): Promise<LocalResponse> {
  const action = ctx.params.Action;
  if (!action) throw new ServiceError('MissingAction', 'Missing Action');
  const handler = Object.hasOwn(IAM_ACTIONS, action) ? IAM_ACTIONS[action] : undefined;
  if (!handler)
    throw new ServiceError(
      'InvalidAction',
      `The action ${action} is not valid for this web service (the mme local cloud implements: ${Object.keys(IAM_ACTIONS).join(', ')}).`,
    );
  return handler(ctx);
}
