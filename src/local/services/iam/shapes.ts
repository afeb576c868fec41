/**
 * Roles and policies as IAM writes them in XML, element order as in the API reference. Which
 * fields appear differs by operation (IAM quirks, from the API reference's response shapes):
 * - ListRoles omits Tags and RoleLastUsed ("This operation does not return … tags, role last used");
 * - ListPolicies omits Description and Tags; GetPolicy and CreatePolicy include them.
 * - ListUsers omits Tags (and PermissionsBoundary), as ListRoles does.
 */
import type { XmlNode } from '../../protocols/xml.js';
import type { IamState } from './state.js';
import type { ManagedPolicyRecord, RoleRecord, Tag, UserRecord } from './types.js';
import { encodeDocument } from './validation.js';

const tagList = (tags: Tag[]): XmlNode => ({ member: tags.map((t) => ({ Key: t.Key, Value: t.Value })) });

export function roleXml(role: RoleRecord, detail: 'full' | 'list' = 'full'): XmlNode {
  const node: XmlNode = {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: new Date(role.createDate),
    AssumeRolePolicyDocument: encodeDocument(role.assumeRolePolicyDocument),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
  };
  if (detail === 'full') {
    if (role.tags.length > 0) node.Tags = tagList(role.tags);
    node.RoleLastUsed = {};
  }
  return node;
}

export function policyXml(state: IamState, policy: ManagedPolicyRecord, detail: 'full' | 'list' = 'full'): XmlNode {
  return {
    PolicyName: policy.policyName,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: state.attachmentCount(policy.arn),
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: detail === 'full' ? policy.description : undefined,
    CreateDate: new Date(policy.createDate),
    UpdateDate: new Date(policy.updateDate),
    Tags: detail === 'full' && policy.tags.length > 0 ? tagList(policy.tags) : undefined,
  };
}

/** The User shape (Path, UserName, UserId, Arn, CreateDate, [PasswordLastUsed], [Tags]); no console passwords here. */
export function userXml(user: UserRecord, detail: 'full' | 'list' = 'full'): XmlNode {
  return {
    Path: user.path,
    UserName: user.userName,
    UserId: user.userId,
    Arn: user.arn,
    CreateDate: new Date(user.createDate),
    Tags: detail === 'full' && user.tags.length > 0 ? tagList(user.tags) : undefined,
  };
}
