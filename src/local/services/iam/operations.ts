/**
 * IAM's operations: each its Query Action, the IAM action it is authorized as and its handler.
 * Every IAM operation is authorized on the entity it names, which the handler finds (its ARN has
 * the entity's path, its condition keys the entity's tags): the handlers ask
 * `ctx.call.authorizeOperation(arn)` after the input checks and before the entity's existence.
 */
import type { Operation, OperationTable } from '../../protocols/operations.js';
import type { XmlNode } from '../../protocols/xml.js';
import * as accessKeys from './access-keys.js';
import type { IamContext } from './context.js';
import * as policies from './policies.js';
import * as versions from './policy-versions.js';
import { ROLE, USER } from './principal-kinds.js';
import * as principals from './principal-policies.js';
import * as tags from './role-tags.js';
import * as roles from './roles.js';
import * as users from './users.js';

type IamOperation = Operation<IamContext, Record<string, string>, unknown, XmlNode | undefined>;

const op = (action: string, run: (ctx: IamContext) => Promise<XmlNode | undefined>): IamOperation => ({
  action,
  run,
});

export const IAM_OPERATIONS: OperationTable<IamContext, Record<string, string>, XmlNode | undefined> = {
  CreateRole: op('iam:CreateRole', roles.createRole),
  GetRole: op('iam:GetRole', roles.getRole),
  DeleteRole: op('iam:DeleteRole', roles.deleteRole),
  ListRoles: op('iam:ListRoles', principals.listPrincipals(ROLE)),
  UpdateRole: op('iam:UpdateRole', roles.updateRole),
  UpdateAssumeRolePolicy: op('iam:UpdateAssumeRolePolicy', roles.updateAssumeRolePolicy),
  TagRole: op('iam:TagRole', tags.tagRole),
  UntagRole: op('iam:UntagRole', tags.untagRole),
  ListRoleTags: op('iam:ListRoleTags', tags.listRoleTags),
  CreatePolicy: op('iam:CreatePolicy', policies.createPolicy),
  GetPolicy: op('iam:GetPolicy', policies.getPolicy),
  DeletePolicy: op('iam:DeletePolicy', policies.deletePolicy),
  ListPolicies: op('iam:ListPolicies', policies.listPolicies),
  GetPolicyVersion: op('iam:GetPolicyVersion', versions.getPolicyVersion),
  CreatePolicyVersion: op('iam:CreatePolicyVersion', versions.createPolicyVersion),
  DeletePolicyVersion: op('iam:DeletePolicyVersion', versions.deletePolicyVersion),
  ListPolicyVersions: op('iam:ListPolicyVersions', versions.listPolicyVersions),
  SetDefaultPolicyVersion: op('iam:SetDefaultPolicyVersion', versions.setDefaultPolicyVersion),
  AttachRolePolicy: op('iam:AttachRolePolicy', principals.attachPolicy(ROLE)),
  DetachRolePolicy: op('iam:DetachRolePolicy', principals.detachPolicy(ROLE)),
  ListAttachedRolePolicies: op('iam:ListAttachedRolePolicies', principals.listAttachedPolicies(ROLE)),
  PutRolePolicy: op('iam:PutRolePolicy', principals.putPolicy(ROLE)),
  GetRolePolicy: op('iam:GetRolePolicy', principals.getPolicy(ROLE)),
  DeleteRolePolicy: op('iam:DeleteRolePolicy', principals.deletePolicy(ROLE)),
  ListRolePolicies: op('iam:ListRolePolicies', principals.listPolicies(ROLE)),
  CreateUser: op('iam:CreateUser', users.createUser),
  GetUser: op('iam:GetUser', users.getUser),
  ListUsers: op('iam:ListUsers', principals.listPrincipals(USER)),
  DeleteUser: op('iam:DeleteUser', users.deleteUser),
  CreateAccessKey: op('iam:CreateAccessKey', accessKeys.createAccessKey),
  ListAccessKeys: op('iam:ListAccessKeys', accessKeys.listAccessKeys),
  DeleteAccessKey: op('iam:DeleteAccessKey', accessKeys.deleteAccessKey),
  PutUserPolicy: op('iam:PutUserPolicy', principals.putPolicy(USER)),
  GetUserPolicy: op('iam:GetUserPolicy', principals.getPolicy(USER)),
  DeleteUserPolicy: op('iam:DeleteUserPolicy', principals.deletePolicy(USER)),
  ListUserPolicies: op('iam:ListUserPolicies', principals.listPolicies(USER)),
  AttachUserPolicy: op('iam:AttachUserPolicy', principals.attachPolicy(USER)),
  DetachUserPolicy: op('iam:DetachUserPolicy', principals.detachPolicy(USER)),
  ListAttachedUserPolicies: op('iam:ListAttachedUserPolicies', principals.listAttachedPolicies(USER)),
};
