/**
 * Roles: CreateRole, GetRole, DeleteRole, UpdateRole, UpdateAssumeRolePolicy (ListRoles and a
 * role's policies are written once for roles and users: principal-policies.ts).
 */
import { validatePolicyDocument } from '../../auth/policy/index.js';
import { queryList } from '../../protocols/query.js';
import type { XmlNode } from '../../protocols/xml.js';
import { alreadyExists, authorizedPrincipal, deleteConflict, limitExceeded, type IamContext } from './context.js';
import { ROLE, roleArn, roleNameConstraint } from './principal-kinds.js';
import { roleXml } from './shapes.js';
import type { RoleRecord } from './types.js';
import {
  checkDuplicateTagKeys,
  Constraints,
  documentMember,
  PATH_PATTERN_TEXT,
  PATTERNS,
  parseTags,
} from './validation.js';

/** IAM quotas (reference_iam-quotas.html), at their defaults. */
const ROLES_PER_ACCOUNT = 1000;
/** "Role trust policy length: 2,048 characters" (whitespace not counted). */
const TRUST_POLICY_SIZE = 2048;

function pathConstraint(c: Constraints, value: string | undefined): string {
  return c.string('path', value, { max: 512, pattern: PATTERNS.path, patternText: PATH_PATTERN_TEXT }) ?? '/';
}

/** Validate a trust policy as IAM does for CreateRole and UpdateAssumeRolePolicy. */
function checkTrustPolicy(text: string): void {
  const result = validatePolicyDocument(text, 'trust');
  if (!result.ok) throw result.errors[0]!;
  if (text.replace(/\s/g, '').length > TRUST_POLICY_SIZE)
    throw limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_SIZE}`);
}

/** Condition keys of a request that sets tags (aws:RequestTag/…, aws:TagKeys). */
export function requestTagContext(tags: { Key: string; Value: string }[]): Record<string, string | string[]> {
  if (tags.length === 0) return {};
  const context: Record<string, string | string[]> = { 'aws:TagKeys': tags.map((t) => t.Key) };
  for (const t of tags) context[`aws:RequestTag/${t.Key}`] = t.Value;
  return context;
}

export async function createRole(ctx: IamContext): Promise<XmlNode | undefined> {
  const p = ctx.params;
  const c = new Constraints();
  const name = roleNameConstraint(c, p.RoleName);
  const path = pathConstraint(c, p.Path);
  const trust = documentMember(c, 'assumeRolePolicyDocument', p.AssumeRolePolicyDocument);
  const maxSession = c.integer('maxSessionDuration', p.MaxSessionDuration, 3600, 43200) ?? 3600;
  const description = c.string('description', p.Description, { min: 0, max: 1000, pattern: PATTERNS.description });
  const tags = parseTags(queryList(p, 'Tags'), c);
  c.done();
  checkDuplicateTagKeys(tags);

  const arn = roleArn(ctx.state.accountId, path, name);
  ctx.call.authorizeOperation(arn, requestTagContext(tags));
  const existing = ctx.state.role(name);
  // Names are unique regardless of case, and the message names the role as the caller wrote it.
  if (existing) throw alreadyExists(`Role with name ${name} already exists.`);
  checkTrustPolicy(trust);
  if (ctx.state.roles().length >= ROLES_PER_ACCOUNT)
    throw limitExceeded(`Cannot exceed quota for RolesPerAccount: ${ROLES_PER_ACCOUNT}`);

  const role: RoleRecord = {
    roleName: name,
    roleId: ctx.newId('AROA'),
    path,
    arn,
    createDate: ctx.now().toISOString(),
    assumeRolePolicyDocument: trust,
    ...(description ? { description } : {}),
    maxSessionDuration: maxSession,
    tags,
    attachedPolicyArns: [],
    inlinePolicies: {},
  };
  ctx.state.putRole(role);
  await ctx.state.save();
  // CreateRole answers without RoleLastUsed; tags are echoed.
  const xml = roleXml(role);
  delete xml.RoleLastUsed;
  return { Role: xml };
}

export async function getRole(ctx: IamContext): Promise<XmlNode | undefined> {
  const c = new Constraints();
  const name = roleNameConstraint(c, ctx.params.RoleName);
  c.done();
  const role = authorizedPrincipal(ctx, ROLE, name);
  return { Role: roleXml(role) };
}

export async function deleteRole(ctx: IamContext): Promise<XmlNode | undefined> {
  const c = new Constraints();
  const name = roleNameConstraint(c, ctx.params.RoleName);
  c.done();
  const role = authorizedPrincipal(ctx, ROLE, name);
  // IAM's two messages, one per kind of policy still on the role (DeleteRole API reference:
  // "you must first remove … inline policies … and detach … managed policies").
  if (role.attachedPolicyArns.length > 0) throw deleteConflict('Cannot delete entity, must detach all policies first.');
  if (Object.keys(role.inlinePolicies).length > 0)
    throw deleteConflict('Cannot delete entity, must delete policies first.');
  ctx.state.deleteRole(role.roleName);
  await ctx.state.save();
  return undefined;
}

export async function updateRole(ctx: IamContext): Promise<XmlNode | undefined> {
  const p = ctx.params;
  const c = new Constraints();
  const name = roleNameConstraint(c, p.RoleName);
  const description = c.string('description', p.Description, { min: 0, max: 1000, pattern: PATTERNS.description });
  const maxSession = c.integer('maxSessionDuration', p.MaxSessionDuration, 3600, 43200);
  c.done();
  const role = authorizedPrincipal(ctx, ROLE, name);
  const updated: RoleRecord = { ...role, ...(maxSession !== undefined ? { maxSessionDuration: maxSession } : {}) };
  if (description !== undefined) {
    if (description) updated.description = description;
    else delete updated.description;
  }
  ctx.state.putRole(updated);
  await ctx.state.save();
  return {};
}

export async function updateAssumeRolePolicy(ctx: IamContext): Promise<XmlNode | undefined> {
  const c = new Constraints();
  const name = roleNameConstraint(c, ctx.params.RoleName);
  const trust = documentMember(c, 'policyDocument', ctx.params.PolicyDocument);
  c.done();
  const role = authorizedPrincipal(ctx, ROLE, name);
  checkTrustPolicy(trust);
  ctx.state.putRole({ ...role, assumeRolePolicyDocument: trust });
  await ctx.state.save();
  return undefined;
}
