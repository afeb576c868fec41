/**
 * The IAM role steps `mme bootstrap` (the execution role) and `mme grant` (an invoke role) share,
 * each idempotent so that a re-run changes only what differs: find the role, create it (or, when
 * another run created it in between, converge on that one), replace its trust policy and its
 * inline policy only when their documents differ. IAM returns policy documents URL-encoded and
 * reformatted, so documents are compared parsed (canonical).
 */
import {
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type CreateRoleCommandInput,
  type IAMClient,
  type Role,
} from '@aws-sdk/client-iam';
import { fromAwsError } from '../errors.js';

/**
 * An IAM error by its wire code. The SDK names its classes {Code}Exception (NoSuchEntityException)
 * and keeps the wire code in `Code`; match either, never `instanceof`.
 */
export function isIamError(err: unknown, code: string): boolean {
  const e = err as { name?: string; Code?: string };
  return e?.Code === code || e?.name === code || e?.name === `${code}Exception`;
}

/** An AWS call whose failure is worded with what was being done. */
export async function call<T>(fn: () => Promise<T>, context: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw fromAwsError(err, context);
  }
}

/** A JSON document as one canonical string (IAM reformats what it stores); other text as it is. */
function canonical(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

export async function findRole(iam: IAMClient, roleName: string): Promise<Role | undefined> {
  try {
    return (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
  } catch (err) {
    if (isIamError(err, 'NoSuchEntity')) return undefined;
    throw fromAwsError(err, `reading role ${roleName}`);
  }
}

/** The role's inline policy document, decoded; undefined when it has none of that name. */
async function inlinePolicy(iam: IAMClient, roleName: string, policyName: string): Promise<string | undefined> {
  try {
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
    return decodeURIComponent(PolicyDocument ?? '');
  } catch (err) {
    if (isIamError(err, 'NoSuchEntity')) return undefined;
    throw fromAwsError(err, `reading policy ${policyName} of ${roleName}`);
  }
}

/** The role, created when missing; `created` says whether this call created it. */
export async function findOrCreateRole(
  iam: IAMClient,
  input: CreateRoleCommandInput & { RoleName: string },
): Promise<{ role: Role; created: boolean }> {
  const found = await findRole(iam, input.RoleName);
  if (found) return { role: found, created: false };
  try {
    return { role: (await iam.send(new CreateRoleCommand(input))).Role!, created: true };
  } catch (err) {
    // Another run created it between GetRole and CreateRole: converge on it.
    if (!isIamError(err, 'EntityAlreadyExists')) throw fromAwsError(err, `creating role ${input.RoleName}`);
    const role = await findRole(iam, input.RoleName);
    if (!role) throw fromAwsError(err, `creating role ${input.RoleName}`);
    return { role, created: false };
  }
}

/** Replace the role's trust policy if it differs from `trust`; true when it did. */
export async function updateTrustIfChanged(iam: IAMClient, role: Role, trust: string): Promise<boolean> {
  if (canonical(decodeURIComponent(role.AssumeRolePolicyDocument ?? '')) === trust) return false;
  await call(
    () => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: role.RoleName, PolicyDocument: trust })),
    `updating the trust policy of ${role.RoleName}`,
  );
  return true;
}

/**
 * Put the inline policy if it is missing or differs (a role just created has none, so it is not
 * read first).
 */
export async function putPolicyIfChanged(
  iam: IAMClient,
  o: { roleName: string; policyName: string; policy: string; roleCreated: boolean },
): Promise<'created' | 'updated' | 'unchanged'> {
  const current = o.roleCreated ? undefined : await inlinePolicy(iam, o.roleName, o.policyName);
  if (current !== undefined && canonical(current) === o.policy) return 'unchanged';
  await call(
    () =>
      iam.send(new PutRolePolicyCommand({ RoleName: o.roleName, PolicyName: o.policyName, PolicyDocument: o.policy })),
    `putting policy ${o.policyName} on ${o.roleName}`,
  );
  return current === undefined ? 'created' : 'updated';
}
