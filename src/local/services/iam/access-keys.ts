/**
 * Users' access keys: CreateAccessKey, ListAccessKeys, DeleteAccessKey. A key signs requests as
 * its user from the moment it is created (the credential store reads IamState on every
 * request) until it is deleted; the secret is shown once, in CreateAccessKey's answer.
 * Kinder than AWS here: IAM is eventually consistent, and a new key may be refused for a few
 * seconds there (as a deleted one may still work); locally both take effect at once.
 */
import { awsId, newSecretAccessKey } from '../../auth/credentials.js';
import type { XmlNode } from '../../protocols/xml.js';
import { authorizedPrincipal, limitExceeded, noSuchEntity, page, type IamContext } from './context.js';
import { USER, userNameConstraint } from './principal-kinds.js';
import type { AccessKeyRecord } from './types.js';
import { implicitUserName } from './users.js';
import { Constraints } from './validation.js';

/** "Access keys assigned to an IAM user: 2" (reference_iam-quotas.html; not adjustable). */
const ACCESS_KEYS_PER_USER = 2;

function userNameParam(ctx: IamContext): string {
  const c = new Constraints();
  const given = userNameConstraint(c, ctx.params.UserName, { required: false });
  c.done();
  return given ?? implicitUserName(ctx);
}

export async function createAccessKey(ctx: IamContext): Promise<XmlNode | undefined> {
  const user = authorizedPrincipal(ctx, USER, userNameParam(ctx));
  if (user.accessKeys.length >= ACCESS_KEYS_PER_USER)
    throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`);
  const key = newAccessKey(ctx.now());
  ctx.state.putUser({ ...user, accessKeys: [...user.accessKeys, key] });
  await ctx.state.save();
  return {
    AccessKey: {
      UserName: user.userName,
      AccessKeyId: key.accessKeyId,
      Status: key.status,
      SecretAccessKey: key.secretAccessKey,
      CreateDate: new Date(key.createDate),
    },
  };
}

export async function listAccessKeys(ctx: IamContext): Promise<XmlNode | undefined> {
  const user = authorizedPrincipal(ctx, USER, userNameParam(ctx));
  const result = page(user.accessKeys, (k) => k.accessKeyId, ctx.params);
  return {
    AccessKeyMetadata: {
      member: result.items.map((k) => ({
        UserName: user.userName,
        AccessKeyId: k.accessKeyId,
        Status: k.status,
        CreateDate: new Date(k.createDate),
      })),
    },
    IsTruncated: result.IsTruncated,
    Marker: result.Marker,
  };
}

export async function deleteAccessKey(ctx: IamContext): Promise<XmlNode | undefined> {
  const c = new Constraints();
  const given = userNameConstraint(c, ctx.params.UserName, { required: false });
  const accessKeyId =
    c.string('accessKeyId', ctx.params.AccessKeyId, {
      min: 16,
      max: 128,
      pattern: /^\w+$/,
      patternText: '[\\w]+',
      required: true,
    }) ?? '';
  c.done();
  const user = authorizedPrincipal(ctx, USER, given ?? implicitUserName(ctx));
  if (!user.accessKeys.some((k) => k.accessKeyId === accessKeyId))
    throw noSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`);
  ctx.state.putUser({ ...user, accessKeys: user.accessKeys.filter((k) => k.accessKeyId !== accessKeyId) });
  await ctx.state.save();
  return undefined;
}

/** A new key for a user, outside any request: the local cloud's default user at first start. */
function newAccessKey(now: Date): AccessKeyRecord {
  return {
    accessKeyId: awsId('AKIA'),
    secretAccessKey: newSecretAccessKey(),
    status: 'Active',
    createDate: now.toISOString(),
  };
}
