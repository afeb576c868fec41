/**
 * Managed policy versions: GetPolicyVersion, CreatePolicyVersion, DeletePolicyVersion,
 * ListPolicyVersions, SetDefaultPolicyVersion. A policy keeps at most five versions; the default
 * one is what attached roles are granted, so changing it changes every session of those roles at
 * once (IAM: "the default version … is the operative version").
 */
import type { XmlNode } from '../../protocols/xml.js';
import { accessDeniedError } from '../../protocols/index.js';
import { deleteConflict, limitExceeded, noSuchEntity, type IamContext } from './context.js';
import { authorizedPolicy, checkManagedPolicy, policyArnParam } from './policies.js';
import type { ManagedPolicyRecord, PolicyVersionRecord } from './types.js';
import { Constraints, documentMember, encodeDocument } from './validation.js';

const MAX_VERSIONS = 5;

function versionIdParam(ctx: IamContext): string {
  const c = new Constraints();
  const id =
    c.string('versionId', ctx.params.VersionId, {
      max: 128,
      pattern: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/,
      patternText: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?',
      required: true,
    }) ?? '';
  c.done();
  return id;
}

function versionXml(policy: ManagedPolicyRecord, version: PolicyVersionRecord, withDocument: boolean) {
  return {
    Document: withDocument ? encodeDocument(version.document) : undefined,
    VersionId: version.versionId,
    IsDefaultVersion: version.versionId === policy.defaultVersionId,
    CreateDate: new Date(version.createDate),
  };
}

function findVersion(policy: ManagedPolicyRecord, versionId: string): PolicyVersionRecord {
  const version = policy.versions.find((v) => v.versionId === versionId);
  if (!version) throw noSuchEntity(`Policy ${policy.arn} version ${versionId} does not exist or is not attachable.`);
  return version;
}

function refuseAwsManaged(ctx: IamContext, action: string, policy: ManagedPolicyRecord): void {
  if (policy.awsManaged) {
    throw accessDeniedError(
      'iam',
      `User: ${ctx.call.principal.arn} is not authorized to perform: ${action} on resource: policy ${policy.arn}`,
    );
  }
}

export async function getPolicyVersion(ctx: IamContext): Promise<XmlNode | undefined> {
  const arn = policyArnParam(ctx);
  const versionId = versionIdParam(ctx);
  ctx.call.authorizeOperation(arn);
  const policy = ctx.state.policy(arn);
  if (!policy) throw noSuchEntity(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
  return { PolicyVersion: versionXml(policy, findVersion(policy, versionId), true) };
}

export async function listPolicyVersions(ctx: IamContext): Promise<XmlNode | undefined> {
  const policy = authorizedPolicy(ctx, policyArnParam(ctx));
  // Newest first, as IAM lists them.
  const versions = [...policy.versions].reverse().map((v) => versionXml(policy, v, false));
  return { Versions: { member: versions }, IsTruncated: false };
}

export async function createPolicyVersion(ctx: IamContext): Promise<XmlNode | undefined> {
  const arn = policyArnParam(ctx);
  const c = new Constraints();
  const document = documentMember(c, 'policyDocument', ctx.params.PolicyDocument);
  c.done();
  const policy = authorizedPolicy(ctx, arn);
  refuseAwsManaged(ctx, 'iam:CreatePolicyVersion', policy);
  checkManagedPolicy(document);
  if (policy.versions.length >= MAX_VERSIONS) {
    throw limitExceeded(
      `A managed policy can have up to ${MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version.`,
    );
  }
  const now = ctx.now().toISOString();
  const version: PolicyVersionRecord = { versionId: `v${policy.nextVersion}`, document, createDate: now };
  const updated: ManagedPolicyRecord = {
    ...policy,
    versions: [...policy.versions, version],
    nextVersion: policy.nextVersion + 1,
    updateDate: now,
    defaultVersionId: ctx.params.SetAsDefault === 'true' ? version.versionId : policy.defaultVersionId,
  };
  ctx.state.putPolicy(updated);
  await ctx.state.save();
  return { PolicyVersion: versionXml(updated, version, false) };
}

export async function deletePolicyVersion(ctx: IamContext): Promise<XmlNode | undefined> {
  const arn = policyArnParam(ctx);
  const versionId = versionIdParam(ctx);
  const policy = authorizedPolicy(ctx, arn);
  refuseAwsManaged(ctx, 'iam:DeletePolicyVersion', policy);
  findVersion(policy, versionId);
  if (versionId === policy.defaultVersionId) throw deleteConflict('Cannot delete the default version of a policy.');
  ctx.state.putPolicy({ ...policy, versions: policy.versions.filter((v) => v.versionId !== versionId) });
  await ctx.state.save();
  return undefined;
}

export async function setDefaultPolicyVersion(ctx: IamContext): Promise<XmlNode | undefined> {
  const arn = policyArnParam(ctx);
  const versionId = versionIdParam(ctx);
  const policy = authorizedPolicy(ctx, arn);
  refuseAwsManaged(ctx, 'iam:SetDefaultPolicyVersion', policy);
  findVersion(policy, versionId);
  ctx.state.putPolicy({ ...policy, defaultVersionId: versionId, updateDate: ctx.now().toISOString() });
  await ctx.state.save();
  return undefined;
}
