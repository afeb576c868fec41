/**
 * Customer managed policies: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies. Versions are
 * in policy-versions.ts. The AWS managed catalog (aws-managed.ts) answers GetPolicy and
 * ListPolicies too, but can be neither created nor deleted.
 */
import { validatePolicyDocument } from '../../auth/policy/index.js';
import { accessDeniedError } from '../../protocols/index.js';
import { queryList } from '../../protocols/query.js';
import type { XmlNode } from '../../protocols/xml.js';
import { ServiceError } from '../../service-error.js';
import {
  alreadyExists,
  deleteConflict,
  limitExceeded,
  noSuchEntity,
  page,
  policyArn,
  type IamContext,
} from './context.js';
import { requestTagContext } from './roles.js';
import { policyXml } from './shapes.js';
import type { ManagedPolicyRecord } from './types.js';
import {
  checkDuplicateTagKeys,
  Constraints,
  documentMember,
  NAME_PATTERN_TEXT,
  PATH_PATTERN_TEXT,
  PATTERNS,
  parseTags,
} from './validation.js';

/** "Managed policy length: 6,144 characters" (whitespace not counted; reference_iam-quotas.html). */
const MANAGED_POLICY_SIZE = 6144;

/** Validate an identity policy for CreatePolicy / CreatePolicyVersion / PutRolePolicy. */
export function checkIdentityPolicy(text: string, maxSize: number, quota: string): void {
  const result = validatePolicyDocument(text, 'identity');
  if (!result.ok) throw result.errors[0]!;
  if (text.replace(/\s/g, '').length > maxSize) throw limitExceeded(`Cannot exceed quota for ${quota}: ${maxSize}`);
}

export function checkManagedPolicy(text: string): void {
  checkIdentityPolicy(text, MANAGED_POLICY_SIZE, 'PolicySize');
}

/** A PolicyArn parameter: present, of IAM's length bounds, and shaped like an ARN. */
export function policyArnParam(ctx: IamContext, member = 'policyArn'): string {
  const c = new Constraints();
  const arn =
    c.string(member, ctx.params[member[0]!.toUpperCase() + member.slice(1)], { min: 20, max: 2048, required: true }) ??
    '';
  c.done();
  if (!/^arn:aws:iam::(\d{12}|aws):policy\//.test(arn))
    throw new ServiceError('ValidationError', `ARN ${arn} is not valid.`);
  return arn;
}

const policyNotFound = (arn: string): ServiceError => noSuchEntity(`Policy ${arn} was not found.`);

export async function createPolicy(ctx: IamContext): Promise<XmlNode | undefined> {
  const p = ctx.params;
  const c = new Constraints();
  const name =
    c.string('policyName', p.PolicyName, {
      max: 128,
      pattern: PATTERNS.name,
      patternText: NAME_PATTERN_TEXT,
      required: true,
    }) ?? '';
  const path = c.string('path', p.Path, { max: 512, pattern: PATTERNS.path, patternText: PATH_PATTERN_TEXT }) ?? '/';
  const document = documentMember(c, 'policyDocument', p.PolicyDocument);
  const description = c.string('description', p.Description, { min: 0, max: 1000, pattern: PATTERNS.description });
  const tags = parseTags(queryList(p, 'Tags'), c);
  c.done();
  checkDuplicateTagKeys(tags);

  const arn = policyArn(ctx.state.accountId, path, name);
  ctx.call.authorizeOperation(arn, requestTagContext(tags));
  // Managed policy names are unique in the account whatever their path, and regardless of case.
  if (ctx.state.policyNamed(name))
    throw alreadyExists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
  checkManagedPolicy(document);

  const now = ctx.now().toISOString();
  const policy: ManagedPolicyRecord = {
    policyName: name,
    policyId: ctx.newId('ANPA'),
    path,
    arn,
    ...(description ? { description } : {}),
    createDate: now,
    updateDate: now,
    defaultVersionId: 'v1',
    versions: [{ versionId: 'v1', document, createDate: now }],
    tags,
    nextVersion: 2,
  };
  ctx.state.putPolicy(policy);
  await ctx.state.save();
  return { Policy: policyXml(ctx.state, policy) };
}

/** Authorize, then find a managed policy (customer or AWS managed). */
export function authorizedPolicy(ctx: IamContext, arn: string): ManagedPolicyRecord {
  ctx.call.authorizeOperation(arn);
  const policy = ctx.state.policy(arn);
  if (!policy) throw policyNotFound(arn);
  return policy;
}

export async function getPolicy(ctx: IamContext): Promise<XmlNode | undefined> {
  const policy = authorizedPolicy(ctx, policyArnParam(ctx));
  return { Policy: policyXml(ctx.state, policy) };
}

export async function deletePolicy(ctx: IamContext): Promise<XmlNode | undefined> {
  const arn = policyArnParam(ctx);
  const policy = authorizedPolicy(ctx, arn);
  // AWS managed policies belong to AWS's account, not the caller's: even the root is refused.
  if (policy.awsManaged) {
    throw accessDeniedError(
      'iam',
      `User: ${ctx.call.principal.arn} is not authorized to perform: iam:DeletePolicy on resource: policy ${arn}`,
    );
  }
  if (ctx.state.attachmentCount(arn) > 0) throw deleteConflict('Cannot delete a policy attached to entities.');
  if (policy.versions.length > 1) {
    throw deleteConflict(
      "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
    );
  }
  ctx.state.deletePolicy(arn);
  await ctx.state.save();
  return undefined;
}

export async function listPolicies(ctx: IamContext): Promise<XmlNode | undefined> {
  const p = ctx.params;
  const c = new Constraints();
  const scope = p.Scope ?? 'All';
  if (!['All', 'AWS', 'Local'].includes(scope)) c.fail('scope', scope, 'satisfy enum value set: [All, AWS, Local]');
  // ListPolicies has its own, stricter PathPrefix pattern (IAM API reference).
  const prefix =
    c.string('pathPrefix', p.PathPrefix, {
      max: 512,
      pattern: /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/,
      patternText: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/',
    }) ?? '/';
  c.done();
  const onlyAttached = p.OnlyAttached === 'true';
  ctx.call.authorizeOperation('*');
  const policies = ctx.state
    .policies()
    .filter((policy) => (scope === 'All' ? true : scope === 'AWS' ? policy.awsManaged === true : !policy.awsManaged))
    .filter((policy) => policy.path.startsWith(prefix))
    .filter((policy) => !onlyAttached || ctx.state.attachmentCount(policy.arn) > 0);
  const result = page(policies, (policy) => `${policy.policyName.toLowerCase()}\0${policy.arn}`, p);
  return {
    Policies: { member: result.items.map((policy) => policyXml(ctx.state, policy, 'list')) },
    IsTruncated: result.IsTruncated,
    Marker: result.Marker,
  };
}
