/**
 * AccessDenied wording. The classic form is what the reference workflow shows
 * (`User: … is not authorized to perform: sagemaker:InvokeEndpoint on resource: …`); AWS now
 * adds why for many services ("…because no identity-based policy allows the s3:GetObject
 * action", "…with an explicit deny in an identity-based policy"; IAM User Guide,
 * troubleshoot_access-denied.html). The reason suffix is opt-in.
 */
import type { Decision } from './types.js';

export interface AccessDeniedOptions {
  /** Append AWS's reason for this decision; omitted or 'Allow' gives the classic message. */
  readonly reason?: Decision;
}

export function formatAccessDenied(
  principalArn: string,
  action: string,
  resource: string,
  options: AccessDeniedOptions = {},
): string {
  const base = `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource}`;
  if (options.reason === 'ImplicitDeny') return `${base} because no identity-based policy allows the ${action} action`;
  if (options.reason === 'ExplicitDeny') return `${base} with an explicit deny in an identity-based policy`;
  return base;
}
