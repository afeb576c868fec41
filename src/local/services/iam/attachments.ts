/**
 * Managed policies on roles: AttachRolePolicy, DetachRolePolicy, ListAttachedRolePolicies.
 * Attach and Detach are authorized on the role with the iam:PolicyARN condition key, so an
 * administrator can say which policies a delegate may attach (IAM User Guide,
 * reference_policies_iam-condition-keys.html#ck_policyarn).
 */
import type { LocalResponse } from '../../http.js';
import { ServiceError } from '../../service-error.js';
import { authorizedRole, limitExceeded, noSuchEntity, page, reply, type IamContext } from './context.js';
import { policyArnParam } from './policies.js';
import { roleNameConstraint } from './roles.js';
import { Constraints, PATTERNS } from './validation.js';

/** "Managed policies attached to an IAM role: 10" (default quota, reference_iam-quotas.html). */
const POLICIES_PER_ROLE = 10;

function roleName(ctx: IamContext): string {
  const c = new Constraints();
  const name = roleNameConstraint(c, ctx.params.RoleName);
  c.done();
  return name;
}

export async function attachRolePolicy(ctx: IamContext): Promise<LocalResponse> {
  const name = roleName(ctx);
  const arn = policyArnParam(ctx);
  const role = authorizedRole(ctx, 'iam:AttachRolePolicy', name, { 'iam:PolicyARN': arn });
  if (!ctx.state.policy(arn)) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  // Attaching twice is not an error in IAM; the role keeps one attachment.
  if (role.attachedPolicyArns.includes(arn)) return reply(ctx);
  if (role.attachedPolicyArns.length >= POLICIES_PER_ROLE)
    throw limitExceeded(`Cannot exceed quota for PoliciesPerRole: ${POLICIES_PER_ROLE}`);
  ctx.state.putRole({ ...role, attachedPolicyArns: [...role.attachedPolicyArns, arn] });
  await ctx.state.save();
  return reply(ctx);
}

export async function detachRolePolicy(ctx: IamContext): Promise<LocalResponse> {
  const name = roleName(ctx);
  const arn = policyArnParam(ctx);
  const role = authorizedRole(ctx, 'iam:DetachRolePolicy', name, { 'iam:PolicyARN': arn });
  if (!role.attachedPolicyArns.includes(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
  ctx.state.putRole({ ...role, attachedPolicyArns: role.attachedPolicyArns.filter((a) => a !== arn) });
  await ctx.state.save();
  return reply(ctx);
}

export async function listAttachedRolePolicies(ctx: IamContext): Promise<LocalResponse> {
  const name = roleName(ctx);
  const prefix = ctx.params.PathPrefix ?? '/';
  if (!PATTERNS.pathPrefix.test(prefix)) {
    throw new ServiceError(
      'ValidationError',
      `1 validation error detected: Value '${prefix}' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*`,
    );
  }
  const role = authorizedRole(ctx, 'iam:ListAttachedRolePolicies', name);
  const attached = role.attachedPolicyArns
    .map((arn) => ctx.state.policy(arn))
    .filter((p) => p !== undefined && p.path.startsWith(prefix))
    .map((p) => ({ PolicyName: p!.policyName, PolicyArn: p!.arn }));
  const result = page(attached, (a) => a.PolicyArn, ctx.params);
  return reply(ctx, {
    AttachedPolicies: { member: result.items },
    IsTruncated: result.IsTruncated,
    Marker: result.Marker,
  });
}
