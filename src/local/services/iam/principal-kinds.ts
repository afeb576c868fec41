/**
 * Roles and users are IAM's two principal kinds with identity policies. Most of what IAM does to
 * one it does to the other under another name (PutRolePolicy / PutUserPolicy, ListRoles /
 * ListUsers, …), with its own quotas and words; this module says what differs, once, so the
 * operations on both are written once (principal-policies.ts, the listings).
 */
import type { IamState } from './state.js';
import type { RoleRecord, UserRecord } from './types.js';
import { roleXml, userXml } from './shapes.js';
import { Constraints, NAME_PATTERN_TEXT, PATTERNS } from './validation.js';
import type { XmlNode } from '../../protocols/xml.js';

export interface PrincipalKind<R extends RoleRecord | UserRecord = RoleRecord | UserRecord> {
  /** As IAM's messages say it: "The role policy with name …", "exceeded for user …". */
  readonly noun: 'role' | 'user';
  /** The Query member that names one (RoleName, UserName) and the listing's member (Roles, Users). */
  readonly nameMember: 'RoleName' | 'UserName';
  readonly listMember: 'Roles' | 'Users';
  /** The name, in operations on an existing one (the constraints differ: roleNameType, existingUserNameType). */
  name(c: Constraints, value: string | undefined): string;
  find(state: IamState, name: string): R | undefined;
  all(state: IamState): R[];
  put(state: IamState, record: R): void;
  nameOf(record: R): string;
  arn(accountId: string, path: string, name: string): string;
  xml(record: R, detail: 'full' | 'list'): XmlNode;
  /** Inline policies together, whitespace not counted (reference_iam-quotas.html). */
  readonly inlinePolicyBytes: number;
  readonly inlinePolicyQuota: 'RolePolicySize' | 'UserPolicySize';
  /** "Managed policies attached to an IAM role / user: 10" (default quotas). */
  readonly attachedPolicies: number;
  readonly attachedPolicyQuota: 'PoliciesPerRole' | 'PoliciesPerUser';
}

export const roleArn = (accountId: string, path: string, name: string): string =>
  `arn:aws:iam::${accountId}:role${path}${name}`;
export const userArn = (accountId: string, path: string, name: string): string =>
  `arn:aws:iam::${accountId}:user${path}${name}`;

export function roleNameConstraint(c: Constraints, value: string | undefined): string {
  return (
    c.string('roleName', value, { max: 64, pattern: PATTERNS.name, patternText: NAME_PATTERN_TEXT, required: true }) ??
    ''
  );
}

/** CreateUser's userNameType is 1-64 characters; the other operations take existingUserNameType, 1-128. */
export function userNameConstraint(
  c: Constraints,
  value: string | undefined,
  opts: { max?: number; required?: boolean } = {},
): string | undefined {
  return c.string('userName', value, {
    max: opts.max ?? 128,
    pattern: PATTERNS.name,
    patternText: NAME_PATTERN_TEXT,
    required: opts.required ?? true,
  });
}

export const ROLE: PrincipalKind<RoleRecord> = {
  noun: 'role',
  nameMember: 'RoleName',
  listMember: 'Roles',
  name: roleNameConstraint,
  find: (state, name) => state.role(name),
  all: (state) => state.roles(),
  put: (state, role) => state.putRole(role),
  nameOf: (role) => role.roleName,
  arn: roleArn,
  xml: roleXml,
  /** "Role policy size cannot exceed 10,240 characters". */
  inlinePolicyBytes: 10240,
  inlinePolicyQuota: 'RolePolicySize',
  attachedPolicies: 10,
  attachedPolicyQuota: 'PoliciesPerRole',
};

export const USER: PrincipalKind<UserRecord> = {
  noun: 'user',
  nameMember: 'UserName',
  listMember: 'Users',
  name: (c, value) => userNameConstraint(c, value) ?? '',
  find: (state, name) => state.user(name),
  all: (state) => state.users(),
  put: (state, user) => state.putUser(user),
  nameOf: (user) => user.userName,
  arn: userArn,
  xml: userXml,
  /** "User policy size cannot exceed 2,048 characters". */
  inlinePolicyBytes: 2048,
  inlinePolicyQuota: 'UserPolicySize',
  attachedPolicies: 10,
  attachedPolicyQuota: 'PoliciesPerUser',
};
