/**
 * A user's permissions: inline policies (PutUserPolicy, GetUserPolicy, DeleteUserPolicy,
 * ListUserPolicies) and managed policy attachments (AttachUserPolicy, DetachUserPolicy,
 * ListAttachedUserPolicies), as their role counterparts do for roles (inline-policies.ts,
 * attachments.ts), with the user quotas.
 */
import type { LocalResponse } from '../../http.js';
import { ServiceError } from '../../service-error.js';
import { authorizedUser, limitExceeded, noSuchEntity, page, reply, type IamContext } from './context.js';
import { checkIdentityPolicy, documentMember, policyArnParam } from './policies.js';
import { userNameConstraint } from './users.js';
import { Constraints, encodeDocument, NAME_PATTERN_TEXT, PATTERNS } from './validation.js';

/** "User policy size cannot exceed 2,048 characters" for all inline policies of a user together, whitespace not counted. */
const INLINE_SIZE_PER_USER = 2048;
/** "Managed policies attached to an IAM user: 10" (default quota). */
const POLICIES_PER_USER = 10;

function names(ctx: IamContext, withPolicy: boolean): { userName: string; policyName: string } {
  const c = new Constraints();
  const userName = userNameConstraint(c, ctx.params.UserName) ?? '';
  const policyName = withPolicy
    ? (c.string('policyName', ctx.params.PolicyName, {
        max: 128,
        pattern: PATTERNS.name,
        patternText: NAME_PATTERN_TEXT,
        required: true,
      }) ?? '')
    : '';
  c.done();
  return { userName, policyName };
}

const noSuchUserPolicy = (name: string) => noSuchEntity(`The user policy with name ${name} cannot be found.`);

export async function putUserPolicy(ctx: IamContext): Promise<LocalResponse> {
  const { userName, policyName } = names(ctx, true);
  const c = new Constraints();
  const document = documentMember(c, 'policyDocument', ctx.params.PolicyDocument);
  c.done();
  const user = authorizedUser(ctx, 'iam:PutUserPolicy', userName);
  checkIdentityPolicy(document, Number.MAX_SAFE_INTEGER, 'UserPolicySize');
  const othersSize = Object.entries(user.inlinePolicies)
    .filter(([n]) => n !== policyName)
    .reduce((n, [, text]) => n + text.replace(/\s/g, '').length, 0);
  if (othersSize + document.replace(/\s/g, '').length > INLINE_SIZE_PER_USER) {
    throw limitExceeded(`Maximum policy size of ${INLINE_SIZE_PER_USER} bytes exceeded for user ${user.userName}`);
  }
  ctx.state.putUser({ ...user, inlinePolicies: { ...user.inlinePolicies, [policyName]: document } });
  await ctx.state.save();
  return reply(ctx);
}

export async function getUserPolicy(ctx: IamContext): Promise<LocalResponse> {
  const { userName, policyName } = names(ctx, true);
  const user = authorizedUser(ctx, 'iam:GetUserPolicy', userName);
  const document = Object.hasOwn(user.inlinePolicies, policyName) ? user.inlinePolicies[policyName] : undefined;
  if (document === undefined) throw noSuchUserPolicy(policyName);
  return reply(ctx, { UserName: user.userName, PolicyName: policyName, PolicyDocument: encodeDocument(document) });
}

export async function deleteUserPolicy(ctx: IamContext): Promise<LocalResponse> {
  const { userName, policyName } = names(ctx, true);
  const user = authorizedUser(ctx, 'iam:DeleteUserPolicy', userName);
  if (!Object.hasOwn(user.inlinePolicies, policyName)) throw noSuchUserPolicy(policyName);
  const inlinePolicies = { ...user.inlinePolicies };
  delete inlinePolicies[policyName];
  ctx.state.putUser({ ...user, inlinePolicies });
  await ctx.state.save();
  return reply(ctx);
}

export async function listUserPolicies(ctx: IamContext): Promise<LocalResponse> {
  const { userName } = names(ctx, false);
  const user = authorizedUser(ctx, 'iam:ListUserPolicies', userName);
  const result = page(Object.keys(user.inlinePolicies), (name) => name, ctx.params);
  return reply(ctx, { PolicyNames: { member: result.items }, IsTruncated: result.IsTruncated, Marker: result.Marker });
}

export async function attachUserPolicy(ctx: IamContext): Promise<LocalResponse> {
  const { userName } = names(ctx, false);
  const arn = policyArnParam(ctx);
  const user = authorizedUser(ctx, 'iam:AttachUserPolicy', userName, { 'iam:PolicyARN': arn });
  if (!ctx.state.policy(arn)) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  if (user.attachedPolicyArns.includes(arn)) return reply(ctx);
  if (user.attachedPolicyArns.length >= POLICIES_PER_USER)
    throw limitExceeded(`Cannot exceed quota for PoliciesPerUser: ${POLICIES_PER_USER}`);
  ctx.state.putUser({ ...user, attachedPolicyArns: [...user.attachedPolicyArns, arn] });
  await ctx.state.save();
  return reply(ctx);
}

export async function detachUserPolicy(ctx: IamContext): Promise<LocalResponse> {
  const { userName } = names(ctx, false);
  const arn = policyArnParam(ctx);
  const user = authorizedUser(ctx, 'iam:DetachUserPolicy', userName, { 'iam:PolicyARN': arn });
  if (!user.attachedPolicyArns.includes(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
  ctx.state.putUser({ ...user, attachedPolicyArns: user.attachedPolicyArns.filter((a) => a !== arn) });
  await ctx.state.save();
  return reply(ctx);
}

export async function listAttachedUserPolicies(ctx: IamContext): Promise<LocalResponse> {
  const { userName } = names(ctx, false);
  const prefix = ctx.params.PathPrefix ?? '/';
  if (!PATTERNS.pathPrefix.test(prefix)) {
    throw new ServiceError(
      'ValidationError',
      `1 validation error detected: Value '${prefix}' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*`,
    );
  }
  const user = authorizedUser(ctx, 'iam:ListAttachedUserPolicies', userName);
  const attached = user.attachedPolicyArns
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
