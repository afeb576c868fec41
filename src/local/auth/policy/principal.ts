/**
 * Principal / NotPrincipal matching for trust (and resource) policies
 * (reference_policies_elements_principal.html). The caller is an ARN (user, role, assumed-role
 * session, root) or a service principal name such as `sagemaker.amazonaws.com`.
 */
import type { PrincipalSpec } from './types.js';

const ARN = /^arn:([^:]+):(iam|sts)::(\d{12}):(.+)$/;

function accountOf(arn: string): string | undefined {
  return ARN.exec(arn)?.[3];
}

/**
 * One `"AWS"` entry against the caller:
 * - `*` matches everyone ("Principal": "*" and {"AWS": "*"} are equivalent).
 * - an account id or `arn:…:iam::ACCT:root` delegates to the whole account: every principal of
 *   that account matches (its own identity policies then decide).
 * - a role ARN also matches that role's sessions (`arn:…:sts::ACCT:assumed-role/NAME/session`):
 *   trust policies name roles, while a role chaining caller presents a session. Session ARNs
 *   carry no path, so the match is on account and role name.
 * - any other ARN (user, session, federated user) matches itself only.
 */
function awsEntryMatches(entry: string, caller: string): boolean {
  if (entry === '*') return true;
  if (/^\d{12}$/.test(entry)) return accountOf(caller) === entry;
  const m = ARN.exec(entry);
  if (!m) return entry === caller;
  const [, partition, service, account, resource] = m;
  if (service === 'iam' && resource === 'root') return accountOf(caller) === account;
  if (entry === caller) return true;
  if (service === 'iam' && resource!.startsWith('role/')) {
    const roleName = resource!.slice(resource!.lastIndexOf('/') + 1);
    return caller.startsWith(`arn:${partition}:sts::${account}:assumed-role/${roleName}/`);
  }
  return false;
}

export function principalMatches(spec: PrincipalSpec, caller: string): boolean {
  if (spec === '*') return true;
  const isArn = caller.startsWith('arn:');
  for (const [kind, entries] of Object.entries(spec)) {
    for (const entry of entries) {
      if (kind === 'AWS' && (entry === '*' || (isArn && awsEntryMatches(entry, caller)))) return true;
      // Service principal names are lowercase DNS-like names; compare without case.
      if (kind === 'Service' && !isArn && entry.toLowerCase() === caller.toLowerCase()) return true;
      if ((kind === 'Federated' || kind === 'CanonicalUser') && entry === caller) return true;
    }
  }
  return false;
}
