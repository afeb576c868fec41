/**
 * IAM's state: roles and users (with their attachments and inline policies; users also with
 * their access keys, secrets included: the file is mode 0600) and customer managed policies, in memory, saved whole to {stateDir}/iam/state.json after every change (atomic
 * rename, so a crash leaves the old file or the new, never half of one) and loaded at start.
 * The state is small (IAM quotas keep it so) and read on every request by the authorizer, so
 * one JSON file beats a file per entity.
 *
 * IAM is global: ARNs carry no region, and the same state answers every region.
 */
import { join } from 'node:path';
import { parsePolicyDocument, type PolicyDocument } from '../../auth/policy/index.js';
import { readJsonFile, writeFileAtomic } from '../../../util/fs.js';
import { AWS_MANAGED_POLICIES } from './aws-managed.js';
import type { AccessKeyRecord, IamSnapshot, ManagedPolicyRecord, RoleRecord, UserRecord } from './types.js';

export interface IamStateOptions {
  accountId: string;
  /** Directory for state.json; undefined keeps the state in memory only (unit tests). */
  dir?: string;
}

/** A policy the authorizer evaluates, named for diagnostics. */
export interface NamedPolicy {
  id: string;
  document: PolicyDocument;
}

const key = (name: string): string => name.toLowerCase();

export class IamState {
  readonly accountId: string;
  private readonly file: string | undefined;
  /**
   * Role names are unique without regard to case ("Role names are not distinguished by case",
   * IAM User Guide, reference_iam-quotas.html#reference_iam-quotas-names); so are policy names.
   */
  private readonly roleMap = new Map<string, RoleRecord>();
  private readonly policyMap = new Map<string, ManagedPolicyRecord>();
  /** User names are unique without regard to case, as role names are. */
  private readonly userMap = new Map<string, UserRecord>();
  /** Access key id → the user's name (keys are unique across the account). */
  private readonly keyIndex = new Map<string, string>();
  /** See IamSnapshot.defaultUserSeeded. */
  defaultUserSeeded: string | undefined;
  /** See IamSnapshot.executionRoleSeeded. */
  executionRoleSeeded = false;
  private readonly parsed = new Map<string, PolicyDocument>();
  private saving: Promise<void> = Promise.resolve();

  private constructor(options: IamStateOptions) {
    this.accountId = options.accountId;
    this.file = options.dir === undefined ? undefined : join(options.dir, 'state.json');
    for (const p of AWS_MANAGED_POLICIES) this.policyMap.set(p.arn, p);
  }

  static async open(options: IamStateOptions): Promise<IamState> {
    const state = new IamState(options);
    if (state.file) {
      const snapshot = await readJsonFile<IamSnapshot>(state.file);
      if (snapshot) {
        if (snapshot.format !== 1 || !Array.isArray(snapshot.roles) || !Array.isArray(snapshot.policies)) {
          throw new Error(`${state.file} is not an IAM state file this version understands`);
        }
        for (const role of snapshot.roles) state.roleMap.set(key(role.roleName), role);
        for (const policy of snapshot.policies) state.policyMap.set(policy.arn, policy);
        for (const user of snapshot.users ?? []) state.putUser(user);
        state.defaultUserSeeded = snapshot.defaultUserSeeded;
        state.executionRoleSeeded = snapshot.executionRoleSeeded === true;
      }
    }
    return state;
  }

  // Roles

  role(name: string): RoleRecord | undefined {
    return this.roleMap.get(key(name));
  }

  /** The role an ARN names, if it exists with exactly that path and name. */
  roleByArn(arn: string): RoleRecord | undefined {
    const m = /^arn:aws:iam::(\d{12}):role(\/(?:.*\/)?)([^/]+)$/.exec(arn);
    if (!m || m[1] !== this.accountId) return undefined;
    const role = this.role(m[3]!);
    return role && role.path === m[2] ? role : undefined;
  }

  roles(): RoleRecord[] {
    return [...this.roleMap.values()].sort((a, b) => compare(key(a.roleName), key(b.roleName)));
  }

  putRole(role: RoleRecord): void {
    this.roleMap.set(key(role.roleName), role);
  }

  deleteRole(name: string): void {
    this.roleMap.delete(key(name));
  }

  // Managed policies

  policy(arn: string): ManagedPolicyRecord | undefined {
    return this.policyMap.get(arn);
  }

  policyNamed(name: string): ManagedPolicyRecord | undefined {
    for (const p of this.policyMap.values()) if (!p.awsManaged && key(p.policyName) === key(name)) return p;
    return undefined;
  }

  policies(): ManagedPolicyRecord[] {
    return [...this.policyMap.values()].sort((a, b) =>
      compare(`${key(a.policyName)}\0${a.arn}`, `${key(b.policyName)}\0${b.arn}`),
    );
  }

  putPolicy(policy: ManagedPolicyRecord): void {
    this.policyMap.set(policy.arn, policy);
  }

  deletePolicy(arn: string): void {
    this.policyMap.delete(arn);
  }

  /** How many roles and users a policy is attached to (IAM's AttachmentCount). */
  attachmentCount(arn: string): number {
    let count = 0;
    for (const role of this.roleMap.values()) if (role.attachedPolicyArns.includes(arn)) count++;
    for (const user of this.userMap.values()) if (user.attachedPolicyArns.includes(arn)) count++;
    return count;
  }

  // Users

  user(name: string): UserRecord | undefined {
    return this.userMap.get(key(name));
  }

  users(): UserRecord[] {
    return [...this.userMap.values()].sort((a, b) => compare(key(a.userName), key(b.userName)));
  }

  putUser(user: UserRecord): void {
    const old = this.userMap.get(key(user.userName));
    for (const k of old?.accessKeys ?? []) this.keyIndex.delete(k.accessKeyId);
    this.userMap.set(key(user.userName), user);
    for (const k of user.accessKeys) this.keyIndex.set(k.accessKeyId, user.userName);
  }

  deleteUser(name: string): void {
    const old = this.userMap.get(key(name));
    for (const k of old?.accessKeys ?? []) this.keyIndex.delete(k.accessKeyId);
    this.userMap.delete(key(name));
  }

  /** The user holding an access key, and the key, for the credential store. */
  accessKey(accessKeyId: string): { user: UserRecord; key: AccessKeyRecord } | undefined {
    const name = this.keyIndex.get(accessKeyId);
    const user = name === undefined ? undefined : this.user(name);
    const found = user?.accessKeys.find((k) => k.accessKeyId === accessKeyId);
    return user && found ? { user, key: found } : undefined;
  }

  // For the authorizer

  /** The documents that grant a role's sessions their permissions: attached, then inline. */
  rolePolicies(role: RoleRecord): NamedPolicy[] {
    return this.identityPolicies(role.arn, role);
  }

  /** A user's identity policies, attached then inline (groups are not implemented). */
  userPolicies(user: UserRecord): NamedPolicy[] {
    return this.identityPolicies(user.arn, user);
  }

  private identityPolicies(
    arnOfEntity: string,
    entity: Pick<RoleRecord, 'attachedPolicyArns' | 'inlinePolicies'>,
  ): NamedPolicy[] {
    const out: NamedPolicy[] = [];
    for (const arn of entity.attachedPolicyArns) {
      const policy = this.policyMap.get(arn);
      const version = policy?.versions.find((v) => v.versionId === policy.defaultVersionId);
      if (version) out.push({ id: arn, document: this.document(version.document) });
    }
    for (const [name, text] of Object.entries(entity.inlinePolicies))
      out.push({ id: `${arnOfEntity}#${name}`, document: this.document(text) });
    return out;
  }

  /** Parse (once) a document validated when it was stored. */
  document(text: string, kind: 'identity' | 'trust' = 'identity'): PolicyDocument {
    const cacheKey = `${kind}\0${text}`;
    let doc = this.parsed.get(cacheKey);
    if (!doc) {
      if (this.parsed.size > 2000) this.parsed.clear();
      doc = parsePolicyDocument(text, kind);
      this.parsed.set(cacheKey, doc);
    }
    return doc;
  }

  // Persistence

  /**
   * Save the whole state. Saves run one after another, each writing the state as it is when
   * it starts, so the file always ends at the latest state whatever the interleaving.
   */
  save(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    const run = this.saving
      .catch(() => {})
      .then(async () => {
        const snapshot: IamSnapshot = {
          format: 1,
          roles: [...this.roleMap.values()],
          policies: [...this.policyMap.values()].filter((p) => !p.awsManaged),
          users: [...this.userMap.values()],
          ...(this.defaultUserSeeded ? { defaultUserSeeded: this.defaultUserSeeded } : {}),
          ...(this.executionRoleSeeded ? { executionRoleSeeded: true } : {}),
        };
        await writeFileAtomic(file, JSON.stringify(snapshot, null, 2) + '\n', 0o600);
      });
    this.saving = run;
    return run;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
