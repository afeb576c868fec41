/**
 * The request context: the condition keys a request carries. Keys are case-insensitive
 * ("Condition key names are not case-sensitive", reference_policies_elements_condition.html);
 * values keep their case. Also builds the global keys every request has.
 */
import type { ContextValue, ContextValues } from './types.js';

/** A context value as the operators see it: one string, or a list for multivalued keys. */
export type NormalizedValue = string | readonly string[];

/** Case-insensitive view of a request context. Absent and `undefined` keys are the same. */
export class RequestContext {
  private readonly values = new Map<string, NormalizedValue>();

  constructor(context: ContextValues) {
    for (const [key, raw] of Object.entries(context)) {
      const value = normalize(raw);
      if (value !== undefined) this.values.set(key.toLowerCase(), value);
    }
  }

  has(key: string): boolean {
    return this.values.has(key.toLowerCase());
  }

  get(key: string): NormalizedValue | undefined {
    return this.values.get(key.toLowerCase());
  }

  /**
   * The value of a key used as a policy variable. Only single-valued keys qualify: "You cannot
   * use a multivalued context key as a policy variable"
   * (reference_policies_condition-single-vs-multi-valued-context-keys.html).
   */
  readonly variable = (key: string): string | undefined => {
    const value = this.get(key);
    return typeof value === 'string' ? value : undefined;
  };
}

/** Numbers and booleans take the string form IAM compares ("true", "42"). */
function normalize(value: ContextValue): NormalizedValue | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value.map(String);
}

/** The caller, as the authentication layer knows it. */
export interface PrincipalInfo {
  /** User ARN, assumed-role session ARN, or `arn:aws:iam::ACCT:root`. */
  readonly arn: string;
  /** aws:userid: AIDA… for users, `AROA…:session` for role sessions. Root defaults to the account. */
  readonly userId?: string;
  /** The role ARN (with its path) behind an assumed-role session, for aws:PrincipalArn. */
  readonly roleArn?: string;
  /** aws:PrincipalTag/<key> values. */
  readonly tags?: Readonly<Record<string, string>>;
}

const ARN = /^arn:([^:]+):(iam|sts)::(\d{12}):(.+)$/;

/**
 * The global condition keys of one request (reference_policies_condition-keys.html):
 * - aws:PrincipalArn is the *role* ARN for a role session ("For IAM roles, the request context
 *   returns the ARN of the role, not the ARN of the user that assumed the role").
 * - aws:username exists only for IAM users; aws:userid for every principal.
 * - aws:CurrentTime is ISO 8601 in UTC, aws:EpochTime whole seconds.
 */
export function buildGlobalContext(
  principal: PrincipalInfo | string,
  now: Date,
  region: string,
  secureTransport: boolean,
  sourceIp: string,
): Record<string, ContextValue> {
  const info: PrincipalInfo = typeof principal === 'string' ? { arn: principal } : principal;
  const match = ARN.exec(info.arn);
  const partition = match?.[1] ?? 'aws';
  const account = match?.[3];
  const resource = match?.[4] ?? '';
  const context: Record<string, ContextValue> = {
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:SecureTransport': secureTransport,
    'aws:RequestedRegion': region,
    'aws:SourceIp': sourceIp,
    'aws:PrincipalArn': info.arn,
    'aws:PrincipalAccount': account,
    'aws:userid': info.userId,
  };
  if (resource === 'root') {
    context['aws:PrincipalType'] = 'Account';
    context['aws:userid'] = info.userId ?? account;
  } else if (resource.startsWith('user/')) {
    context['aws:PrincipalType'] = 'User';
    context['aws:username'] = resource.slice(resource.lastIndexOf('/') + 1);
  } else if (resource.startsWith('assumed-role/')) {
    context['aws:PrincipalType'] = 'AssumedRole';
    const roleName = resource.split('/')[1];
    context['aws:PrincipalArn'] = info.roleArn ?? `arn:${partition}:iam::${account}:role/${roleName}`;
  } else if (resource.startsWith('federated-user/')) {
    context['aws:PrincipalType'] = 'FederatedUser';
  }
  for (const [key, value] of Object.entries(info.tags ?? {})) context[`aws:PrincipalTag/${key}`] = value;
  return context;
}
