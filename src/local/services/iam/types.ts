/**
 * The IAM entities the local cloud keeps, as stored in {stateDir}/iam/state.json. Documents are
 * kept as the text the caller sent: IAM returns a policy exactly as written (whitespace and key
 * order included), URL-encoded, so re-serialising a parsed form would change what users read back.
 */

export interface Tag {
  Key: string;
  Value: string;
}

export interface RoleRecord {
  roleName: string;
  /** AROA…: sessions of the role carry it in their UserId (AROA…:session). */
  roleId: string;
  path: string;
  arn: string;
  /** ISO 8601. */
  createDate: string;
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  tags: Tag[];
  /** Managed policy ARNs in attachment order. */
  attachedPolicyArns: string[];
  /** Inline policies: name → document text, in creation order. */
  inlinePolicies: Record<string, string>;
}

export interface PolicyVersionRecord {
  versionId: string;
  document: string;
  createDate: string;
}

export interface ManagedPolicyRecord {
  policyName: string;
  /** ANPA… */
  policyId: string;
  path: string;
  arn: string;
  description?: string;
  createDate: string;
  updateDate: string;
  defaultVersionId: string;
  versions: PolicyVersionRecord[];
  tags: Tag[];
  /** Version ids are never reused (IAM counts on: v1, v2, … even after deletions). */
  nextVersion: number;
  /** True for the built-in arn:aws:iam::aws:policy/… catalog: not deletable, not persisted. */
  awsManaged?: boolean;
}

/** A user's long-term access key. The secret is kept (state.json is mode 0600) to verify signatures. */
export interface AccessKeyRecord {
  /** AKIA… */
  accessKeyId: string;
  secretAccessKey: string;
  /** UpdateAccessKey is not implemented: keys are Active from creation to deletion. */
  status: 'Active';
  createDate: string;
}

export interface UserRecord {
  userName: string;
  /** AIDA…: the user's UserId (GetCallerIdentity, aws:userid). */
  userId: string;
  path: string;
  arn: string;
  createDate: string;
  tags: Tag[];
  /** Managed policy ARNs in attachment order. */
  attachedPolicyArns: string[];
  /** Inline policies: name → document text, in creation order. */
  inlinePolicies: Record<string, string>;
  accessKeys: AccessKeyRecord[];
}

export interface IamSnapshot {
  format: 1;
  roles: RoleRecord[];
  policies: ManagedPolicyRecord[];
  /** Absent in files written before IAM users existed. */
  users?: UserRecord[];
  /** The access key id of the local cloud's default user once it has been created (never again after). */
  defaultUserSeeded?: string;
  /** True once the default SageMaker execution role has been created (never again after: execution-role.ts). */
  executionRoleSeeded?: boolean;
}
