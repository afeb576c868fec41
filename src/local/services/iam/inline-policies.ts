/**
 * Inline role policies: PutRolePolicy, GetRolePolicy, DeleteRolePolicy, ListRolePolicies. An
 * inline policy lives and dies with its role; PutRolePolicy on an existing name replaces it.
 */
import type { LocalResponse } from '../../http.js';
import { authorizedRole, limitExceeded, noSuchEntity, page, reply, type IamContext } from './context.js';
import { checkIdentityPolicy, documentMember } from './policies.js';
import { roleNameConstraint } from './roles.js';
import { Constraints, encodeDocument, NAME_PATTERN_TEXT, PATTERNS } from './validation.js';

/**
 * "Role policy size cannot exceed 10,240 characters" for all inline policies of a role together,
 * whitespace not counted (reference_iam-quotas.html).
 */
const INLINE_SIZE_PER_ROLE = 10240;

function names(ctx: IamContext, withPolicy: boolean): { roleName: string; policyName: string } {
  const c = new Constraints();
  const roleName = roleNameConstraint(c, ctx.params.RoleName);
  const policyName = withPolicy
    ? (c.string('policyName', ctx.params.PolicyName, {
        max: 128,
        pattern: PATTERNS.name,
        patternText: NAME_PATTERN_TEXT,
        required: true,
      }) ?? '')
    : '';
  c.done();
  return { roleName, policyName };
}

const noSuchRolePolicy = (name: string) => noSuchEntity(`The role policy with name ${name} cannot be found.`);

export async function putRolePolicy(ctx: IamContext): Promise<LocalResponse> {
  const { roleName, policyName } = names(ctx, true);
  const c = new Constraints();
  const document = documentMember(c, 'policyDocument', ctx.params.PolicyDocument);
  c.done();
  const role = authorizedRole(ctx, 'iam:PutRolePolicy', roleName);
  const others = Object.entries(role.inlinePolicies).filter(([name]) => name !== policyName);
  const othersSize = others.reduce((n, [, text]) => n + text.replace(/\s/g, '').length, 0);
  checkIdentityPolicy(document, Number.MAX_SAFE_INTEGER, 'RolePolicySize');
  if (othersSize + document.replace(/\s/g, '').length > INLINE_SIZE_PER_ROLE) {
    throw limitExceeded(`Maximum policy size of ${INLINE_SIZE_PER_ROLE} bytes exceeded for role ${role.roleName}`);
  }
  // Replacing keeps the policy's place; a new one goes last.
  const inlinePolicies = { ...role.inlinePolicies, [policyName]: document };
  ctx.state.putRole({ ...role, inlinePolicies });
  await ctx.state.save();
  return reply(ctx);
}

export async function getRolePolicy(ctx: IamContext): Promise<LocalResponse> {
  const { roleName, policyName } = names(ctx, true);
  const role = authorizedRole(ctx, 'iam:GetRolePolicy', roleName);
  const document = Object.hasOwn(role.inlinePolicies, policyName) ? role.inlinePolicies[policyName] : undefined;
  if (document === undefined) throw noSuchRolePolicy(policyName);
  return reply(ctx, { RoleName: role.roleName, PolicyName: policyName, PolicyDocument: encodeDocument(document) });
}

export async function deleteRolePolicy(ctx: IamContext): Promise<LocalResponse> {
  const { roleName, policyName } = names(ctx, true);
  const role = authorizedRole(ctx, 'iam:DeleteRolePolicy', roleName);
  if (!Object.hasOwn(role.inlinePolicies, policyName)) throw noSuchRolePolicy(policyName);
  const inlinePolicies = { ...role.inlinePolicies };
  delete inlinePolicies[policyName];
  ctx.state.putRole({ ...role, inlinePolicies });
  await ctx.state.save();
  return reply(ctx);
}

export async function listRolePolicies(ctx: IamContext): Promise<LocalResponse> {
  const { roleName } = names(ctx, false);
  const role = authorizedRole(ctx, 'iam:ListRolePolicies', roleName);
  const result = page(Object.keys(role.inlinePolicies), (name) => name, ctx.params);
  return reply(ctx, { PolicyNames: { member: result.items }, IsTruncated: result.IsTruncated, Marker: result.Marker });
}
