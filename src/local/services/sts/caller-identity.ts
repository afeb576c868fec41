/**
 * GetCallerIdentity. "No permissions are required to perform this operation. If an
 * administrator attaches a policy to your identity that explicitly denies access to the
 * sts:GetCallerIdentity action, you can still perform this operation" (STS API reference), so it
 * is never authorized.
 */
import type { XmlNode } from '../../protocols/xml.js';
import type { StsContext } from './context.js';

export async function getCallerIdentity(ctx: StsContext): Promise<XmlNode> {
  const p = ctx.call.principal;
  // Root: UserId is the account id; a role session: AROA…:session-name.
  return { UserId: p.userId, Account: p.accountId, Arn: p.arn };
}
