/**
 * The authorizer every request of every service goes through (app.ts `call.authorize`): the
 * account root may do anything; an IAM user what its attached and inline policies allow; a role
 * session what its role's identity policies
 * (attached managed + inline) allow, intersected with its session policies if it has any
 * ("the resulting session's permissions are the intersection of the role's identity-based
 * policies and the session policies", IAM User Guide, access_policies.html#policies_session).
 * An explicit Deny anywhere wins.
 *
 * The request context is the service's own keys (s3:prefix, sagemaker:TargetModel, …) with the
 * global keys over them: services may not forge aws:PrincipalArn and the like.
 */
import type { Authorizer } from '../app.js';
import type { Principal } from '../service.js';
import type { IamState, RoleRecord, UserRecord } from '../services/iam/index.js';
import {
  buildGlobalContext,
  evaluate,
  formatAccessDenied,
  type ContextValue,
  type PolicyDocument,
} from './policy/index.js';
import type { SessionRecord } from './sessions.js';

/** The local cloud listens on loopback over plain http. */
const SOURCE_IP = '127.0.0.1';
const SECURE_TRANSPORT = false;

export interface SessionLookup {
  session(accessKeyId: string): SessionRecord | undefined;
}

/**
 * The role behind a session, if it still exists as the same role. A role deleted and re-created
 * under the same name has a new id, and AWS does not let the old sessions inherit it (the
 * session's AROA… id names the role, not its name).
 */
function sessionRole(iam: IamState, principal: Principal): RoleRecord | undefined {
  if (principal.kind !== 'assumed-role' || !principal.roleName) return undefined;
  const role = iam.role(principal.roleName);
  return role && principal.userId.startsWith(`${role.roleId}:`) ? role : undefined;
}

/** The IAM user behind user credentials, if it still exists as the same user (same AIDA… id). */
function principalUser(iam: IamState, principal: Principal): UserRecord | undefined {
  if (principal.kind !== 'user' || !principal.userName) return undefined;
  const user = iam.user(principal.userName);
  return user && user.userId === principal.userId ? user : undefined;
}

/** The global condition keys of a request by `principal`. */
export function globalContext(
  iam: IamState,
  principal: Principal,
  now: Date,
  region: string,
): Record<string, ContextValue> {
  const role = sessionRole(iam, principal);
  const tags: Record<string, string> = {};
  // A role session's principal tags are its role's tags (session tags are not supported); a user's are its own.
  for (const t of role?.tags ?? principalUser(iam, principal)?.tags ?? []) tags[t.Key] = t.Value;
  return buildGlobalContext(
    { arn: principal.arn, userId: principal.userId, ...(role ? { roleArn: role.arn } : {}), tags },
    now,
    region,
    SECURE_TRANSPORT,
    SOURCE_IP,
  );
}

export function createPolicyAuthorizer(
  iam: IamState,
  clock: () => Date = () => new Date(),
  sessions?: SessionLookup,
): Authorizer {
  return (principal, action, resource, serviceContext, request) => {
    if (principal.kind === 'root') return { allowed: true };
    const denied = { allowed: false as const, message: formatAccessDenied(principal.arn, action, resource) };
    const user = principalUser(iam, principal);
    const role = user ? undefined : sessionRole(iam, principal);
    if (!user && !role) return denied;

    // A region-less resource (S3, IAM) still has a requested region: the one the request was signed for.
    const region = request?.region ?? /^arn:[^:]+:[^:]+:([^:]*):/.exec(resource)?.[1] ?? '';
    const context: Record<string, ContextValue> = {
      ...serviceContext,
      ...globalContext(iam, principal, clock(), region),
    };
    const authRequest = { action, resource, principalArn: principal.arn, accountId: principal.accountId, context };

    if (evaluate(authRequest, user ? iam.userPolicies(user) : iam.rolePolicies(role!)).decision !== 'Allow')
      return denied;
    const sessionPolicies: PolicyDocument[] = (sessions?.session(principal.accessKeyId)?.sessionPolicies ?? []).map(
      (text) => iam.document(text),
    );
    if (sessionPolicies.length > 0 && evaluate(authRequest, sessionPolicies).decision !== 'Allow') return denied;
    return { allowed: true };
  };
}
