/**
 * `mme invoke --role-arn` (docs/aws-behaviour.md#scoped-access): take a role's temporary credentials with STS
 * AssumeRole, so the invocation is made as that role's session and IAM's
 * `sagemaker:TargetModel` condition decides which models it may call. Also, for the hint of an
 * AccessDenied, which TargetModel patterns the role's policies allow, read with the caller's own
 * credentials (the session usually may not read IAM).
 */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { AwsCredentials, Clients } from '../aws/clients.js';
import { MmeError, UsageError, fromAwsError } from '../errors.js';

export const DEFAULT_SESSION_NAME = 'mme-invoke';

/** STS: RoleSessionName is 2-64 characters of [\w+=,.@-] (AssumeRole API reference). */
export function sessionNameProblem(name: string): string | undefined {
  if (name.length < 2 || name.length > 64) return `must be 2 to 64 characters long (it has ${name.length})`;
  if (!/^[\w+=,.@-]+$/.test(name)) return 'may contain only letters, digits and _+=,.@-';
  return undefined;
}

export function checkSessionName(name: string): string {
  const problem = sessionNameProblem(name);
  if (problem)
    throw new UsageError(`--session-name '${name}' ${problem}`, `e.g. --session-name ${DEFAULT_SESSION_NAME}`);
  return name;
}

export interface AssumedRole {
  roleArn: string;
  sessionName: string;
  /** arn:aws:sts::{acct}:assumed-role/{role}/{session}: who the requests are made as. */
  arn: string;
  credentials: AwsCredentials;
}

export async function assumeRole(
  clients: Pick<Clients, 'sts'>,
  o: { roleArn: string; sessionName: string; durationSeconds?: number },
): Promise<AssumedRole> {
  const sts = await clients.sts();
  try {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: o.roleArn, RoleSessionName: o.sessionName, DurationSeconds: o.durationSeconds }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey)
      throw new MmeError('AssumeRoleFailed', `STS returned no credentials for ${o.roleArn}`);
    return {
      roleArn: o.roleArn,
      sessionName: o.sessionName,
      arn: out.AssumedRoleUser?.Arn ?? `${o.roleArn} (session ${o.sessionName})`,
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      },
    };
  } catch (err) {
    const error = fromAwsError(err);
    if (error.exitCode !== 5) throw error;
    // AWS does not say whether the role is missing or its trust policy leaves the caller out;
    // it does say when the caller is the root, which may assume no role at all.
    const root = /may not be assumed by root/i.test(error.message);
    throw new MmeError(error.code, error.message, {
      exitCode: error.exitCode,
      cause: err,
      hint: root
        ? 'The account root may not assume roles: run this as an IAM user or role (on the local cloud, its default credentials are the IAM user mme-admin).'
        : `The role must exist and its trust policy must let you assume it ('mme grant --prefix LOC' creates such a role).`,
    });
  }
}

type Statement = {
  Effect?: string;
  Action?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
};

/** IAM returns documents URL-encoded (RFC 3986); the SDK passes them on as received. */
function decodeDocument(text: string): unknown {
  return JSON.parse(text.trimStart().startsWith('{') ? text : decodeURIComponent(text));
}

const invokes = (action: string) => /^(\*|sagemaker:\*|sagemaker:invokeendpoint\*?|sagemaker:invoke\*)$/i.test(action);

/**
 * The `sagemaker:TargetModel` values (StringLike / StringEquals) that a policy's Allow statements
 * for InvokeEndpoint name; `*` when a statement allows it with no TargetModel condition.
 * Deny statements and other conditions are ignored: this feeds a hint, not a decision.
 */
export function targetModelsAllowed(document: string): string[] {
  const doc = decodeDocument(document) as { Statement?: Statement | Statement[] };
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  const found: string[] = [];
  for (const s of statements) {
    const actions = Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : [];
    if (s.Effect !== 'Allow' || !actions.some(invokes)) continue;
    const values = Object.entries(s.Condition ?? {})
      .filter(([op]) => /^String(Like|Equals)(IfExists)?$/.test(op))
      .flatMap(([, keys]) =>
        Object.entries(keys)
          .filter(([k]) => k.toLowerCase() === 'sagemaker:targetmodel')
          .flatMap(([, v]) => (Array.isArray(v) ? v : [v])),
      );
    found.push(...(values.length ? values : ['*']));
  }
  return [...new Set(found)];
}

/**
 * What the role's inline and attached policies let it invoke, or undefined when they cannot be
 * read (no IAM permission, a role in another account): best effort, for an error's hint.
 */
export async function targetModelsOfRole(
  clients: Pick<Clients, 'iam'>,
  roleArn: string,
): Promise<string[] | undefined> {
  const roleName = roleArn.split('/').at(-1)!;
  try {
    const iam = await clients.iam();
    const documents: string[] = [];
    const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
    for (const policyName of inline.PolicyNames ?? []) {
      const got = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
      if (got.PolicyDocument) documents.push(got.PolicyDocument);
    }
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    for (const { PolicyArn } of attached.AttachedPolicies ?? []) {
      const policy = await iam.send(new GetPolicyCommand({ PolicyArn }));
      const version = await iam.send(
        new GetPolicyVersionCommand({ PolicyArn, VersionId: policy.Policy?.DefaultVersionId }),
      );
      if (version.PolicyVersion?.Document) documents.push(version.PolicyVersion.Document);
    }
    return [...new Set(documents.flatMap(targetModelsAllowed))];
  } catch {
    return undefined;
  }
}
