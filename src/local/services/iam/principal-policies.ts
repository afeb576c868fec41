/**
 * A role's or a user's permissions, written once for both kinds (principal-kinds.ts): inline
 * policies (Put/Get/Delete/List{Role,User}Policy; an inline policy lives and dies with its
 * principal, a Put on an existing name replaces it) and managed policy attachments
 * (Attach/Detach/ListAttached{Role,User}Policies). Attach and Detach are authorized on the
 * principal with the iam:PolicyARN condition key, so an administrator can say which policies a
 * delegate may attach (IAM User Guide, reference_policies_iam-condition-keys.html#ck_policyarn).
 */
import type { XmlNode } from '../../protocols/xml.js';
import { ServiceError } from '../../service-error.js';
import { authorizedPrincipal, limitExceeded, noSuchEntity, page, type IamContext } from './context.js';
import { checkIdentityPolicy, policyArnParam } from './policies.js';
import type { PrincipalKind } from './principal-kinds.js';
import type { RoleRecord, UserRecord } from './types.js';
import { Constraints, documentMember, encodeDocument, NAME_PATTERN_TEXT, PATTERNS } from './validation.js';

type Handler = (ctx: IamContext) => Promise<XmlNode | undefined>;

function names(ctx: IamContext, kind: PrincipalKind, withPolicy: boolean): { name: string; policyName: string } {
  const c = new Constraints();
  const name = kind.name(c, ctx.params[kind.nameMember]);
  const policyName = withPolicy
    ? (c.string('policyName', ctx.params.PolicyName, {
        max: 128,
        pattern: PATTERNS.name,
        patternText: NAME_PATTERN_TEXT,
        required: true,
      }) ?? '')
    : '';
  c.done();
  return { name, policyName };
}

const noSuchPolicy = (kind: PrincipalKind, name: string) =>
  noSuchEntity(`The ${kind.noun} policy with name ${name} cannot be found.`);

const size = (text: string): number => text.replace(/\s/g, '').length;

export function putPolicy<R extends RoleRecord | UserRecord>(kind: PrincipalKind<R>): Handler {
  return async (ctx) => {
    const { name, policyName } = names(ctx, kind, true);
    const c = new Constraints();
    const document = documentMember(c, 'policyDocument', ctx.params.PolicyDocument);
    c.done();
    const principal = authorizedPrincipal(ctx, kind, name);
    checkIdentityPolicy(document, Number.MAX_SAFE_INTEGER, kind.inlinePolicyQuota);
    const othersSize = Object.entries(principal.inlinePolicies)
      .filter(([n]) => n !== policyName)
      .reduce((n, [, text]) => n + size(text), 0);
    if (othersSize + size(document) > kind.inlinePolicyBytes) {
      throw limitExceeded(
        `Maximum policy size of ${kind.inlinePolicyBytes} bytes exceeded for ${kind.noun} ${kind.nameOf(principal)}`,
      );
    }
    // Replacing keeps the policy's place; a new one goes last.
    kind.put(ctx.state, { ...principal, inlinePolicies: { ...principal.inlinePolicies, [policyName]: document } });
    await ctx.state.save();
    return undefined;
  };
}

export function getPolicy<R extends RoleRecord | UserRecord>(kind: PrincipalKind<R>): Handler {
  return async (ctx) => {
    const { name, policyName } = names(ctx, kind, true);
    const principal = authorizedPrincipal(ctx, kind, name);
    const policies = principal.inlinePolicies;
    const document = Object.hasOwn(policies, policyName) ? policies[policyName] : undefined;
    if (document === undefined) throw noSuchPolicy(kind, policyName);
    return {
      [kind.nameMember]: kind.nameOf(principal),
      PolicyName: policyName,
      PolicyDocument: encodeDocument(document),
    };
  };
}

export function deletePolicy<R extends RoleRecord | UserRecord>(kind: PrincipalKind<R>): Handler {
  return async (ctx) => {
    const { name, policyName } = names(ctx, kind, true);
    const principal = authorizedPrincipal(ctx, kind, name);
    if (!Object.hasOwn(principal.inlinePolicies, policyName)) throw noSuchPolicy(kind, policyName);
    const inlinePolicies = { ...principal.inlinePolicies };
    delete inlinePolicies[policyName];
    kind.put(ctx.state, { ...principal, inlinePolicies });
    await ctx.state.save();
    return undefined;
  };
}

export function listPolicies<R extends RoleRecord | UserRecord>(kind: PrincipalKind<R>): Handler {
  return async (ctx) => {
    const { name } = names(ctx, kind, false);
    const principal = authorizedPrincipal(ctx, kind, name);
    const result = page(Object.keys(principal.inlinePolicies), (n) => n, ctx.params);
    return { PolicyNames: { member: result.items }, IsTruncated: result.IsTruncated, Marker: result.Marker };
  };
}

export function attachPolicy<R extends RoleRecord | UserRecord>(kind: PrincipalKind<R>): Handler {
  return async (ctx) => {
    const { name } = names(ctx, kind, false);
    const arn = policyArnParam(ctx);
    const principal = authorizedPrincipal(ctx, kind, name, { 'iam:PolicyARN': arn });
    if (!ctx.state.policy(arn)) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
    // Attaching twice is not an error in IAM; the principal keeps one attachment.
    if (principal.attachedPolicyArns.includes(arn)) return undefined;
    if (principal.attachedPolicyArns.length >= kind.attachedPolicies)
      throw limitExceeded(`Cannot exceed quota for ${kind.attachedPolicyQuota}: ${kind.attachedPolicies}`);
    kind.put(ctx.state, { ...principal, attachedPolicyArns: [...principal.attachedPolicyArns, arn] });
    await ctx.state.save();
    return undefined;
  };
}

export function detachPolicy<R extends RoleRecord | UserRecord>(kind: PrincipalKind<R>): Handler {
  return async (ctx) => {
    const { name } = names(ctx, kind, false);
    const arn = policyArnParam(ctx);
    const principal = authorizedPrincipal(ctx, kind, name, { 'iam:PolicyARN': arn });
    if (!principal.attachedPolicyArns.includes(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
    kind.put(ctx.state, { ...principal, attachedPolicyArns: principal.attachedPolicyArns.filter((a) => a !== arn) });
    await ctx.state.save();
    return undefined;
  };
}

export function listAttachedPolicies<R extends RoleRecord | UserRecord>(kind: PrincipalKind<R>): Handler {
  return async (ctx) => {
    const { name } = names(ctx, kind, false);
    const prefix = ctx.params.PathPrefix ?? '/';
    if (!PATTERNS.pathPrefix.test(prefix)) {
      throw new ServiceError(
        'ValidationError',
        `1 validation error detected: Value '${prefix}' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*`,
      );
    }
    const principal = authorizedPrincipal(ctx, kind, name);
    const attached = principal.attachedPolicyArns
      .map((arn) => ctx.state.policy(arn))
      .filter((p) => p !== undefined && p.path.startsWith(prefix))
      .map((p) => ({ PolicyName: p!.policyName, PolicyArn: p!.arn }));
    const result = page(attached, (a) => a.PolicyArn, ctx.params);
    return { AttachedPolicies: { member: result.items }, IsTruncated: result.IsTruncated, Marker: result.Marker };
  };
}

/** ListRoles, ListUsers: by path prefix, authorized on "*" (no resource type in the authorization reference). */
export function listPrincipals<R extends RoleRecord | UserRecord>(kind: PrincipalKind<R>): Handler {
  return async (ctx) => {
    const c = new Constraints();
    const prefix =
      c.string('pathPrefix', ctx.params.PathPrefix, {
        max: 512,
        pattern: PATTERNS.pathPrefix,
        patternText: '\\u002F[\\u0021-\\u007F]*',
      }) ?? '/';
    c.done();
    ctx.call.authorizeOperation('*');
    const all = kind.all(ctx.state).filter((r) => r.path.startsWith(prefix));
    const result = page(all, (r) => kind.nameOf(r).toLowerCase(), ctx.params);
    return {
      [kind.listMember]: { member: result.items.map((r) => kind.xml(r, 'list')) },
      IsTruncated: result.IsTruncated,
      Marker: result.Marker,
    };
  };
}
