/**
 * IAM users: CreateUser, GetUser, DeleteUser (ListUsers with ListRoles, principal-policies.ts). A user is a long-term principal: its
 * access keys (access-keys.ts) sign requests, and its attached and inline policies
 * (principal-policies.ts) are what the authorizer evaluates for them. Groups, login profiles, MFA
 * devices and permissions boundaries are not implemented.
 */
import { notImplementedError } from '../../protocols/index.js';
import { queryList } from '../../protocols/query.js';
import type { XmlNode } from '../../protocols/xml.js';
import { ServiceError } from '../../service-error.js';
import { alreadyExists, authorizedPrincipal, deleteConflict, limitExceeded, type IamContext } from './context.js';
import { USER, userArn, userNameConstraint } from './principal-kinds.js';
import { requestTagContext } from './roles.js';
import { userXml } from './shapes.js';
import type { UserRecord } from './types.js';
import { checkDuplicateTagKeys, Constraints, PATH_PATTERN_TEXT, PATTERNS, parseTags } from './validation.js';

/** "IAM users per account: 5000" (default quota, reference_iam-quotas.html). */
const USERS_PER_ACCOUNT = 5000;

/**
 * The user an operation without UserName acts on: "IAM determines the user name implicitly based
 * on the Amazon Web Services access key ID used to sign the request" (GetUser, ListAccessKeys, …).
 * A role session has no user: AWS answers ValidationError. The account root has its own keys and
 * user-less answers in AWS; here the root's key is outside IAM, so the root must name a user
 * (stricter than AWS, which would act on the root's own keys).
 */
export function implicitUserName(ctx: IamContext): string {
  const p = ctx.call.principal;
  if (p.kind === 'user' && p.userName) return p.userName;
  throw new ServiceError('ValidationError', 'Must specify userName when calling with non-User credentials');
}

export async function createUser(ctx: IamContext): Promise<XmlNode | undefined> {
  const p = ctx.params;
  const c = new Constraints();
  const name = userNameConstraint(c, p.UserName, { max: 64 }) ?? '';
  const path = c.string('path', p.Path, { max: 512, pattern: PATTERNS.path, patternText: PATH_PATTERN_TEXT }) ?? '/';
  const tags = parseTags(queryList(p, 'Tags'), c);
  c.done();
  checkDuplicateTagKeys(tags);
  if (p.PermissionsBoundary !== undefined) {
    throw notImplementedError('iam', 'permissions boundaries');
  }

  const arn = userArn(ctx.state.accountId, path, name);
  ctx.call.authorizeOperation(arn, requestTagContext(tags));
  if (ctx.state.user(name)) throw alreadyExists(`User with name ${name} already exists.`);
  if (ctx.state.users().length >= USERS_PER_ACCOUNT)
    throw limitExceeded(`Cannot exceed quota for UsersPerAccount: ${USERS_PER_ACCOUNT}`);

  const user: UserRecord = {
    userName: name,
    userId: ctx.newId('AIDA'),
    path,
    arn,
    createDate: ctx.now().toISOString(),
    tags,
    attachedPolicyArns: [],
    inlinePolicies: {},
    accessKeys: [],
  };
  ctx.state.putUser(user);
  await ctx.state.save();
  return { User: userXml(user) };
}

export async function getUser(ctx: IamContext): Promise<XmlNode | undefined> {
  const c = new Constraints();
  const given = userNameConstraint(c, ctx.params.UserName, { required: false });
  c.done();
  const user = authorizedPrincipal(ctx, USER, given ?? implicitUserName(ctx));
  return { User: userXml(user) };
}

export async function deleteUser(ctx: IamContext): Promise<XmlNode | undefined> {
  const c = new Constraints();
  const name = userNameConstraint(c, ctx.params.UserName) ?? '';
  c.done();
  const user = authorizedPrincipal(ctx, USER, name);
  // "you must delete the items attached to the user manually" (DeleteUser API reference), one
  // DeleteConflict per kind, keys first as IAM reports them.
  if (user.accessKeys.length > 0) throw deleteConflict('Cannot delete entity, must delete access keys first.');
  if (Object.keys(user.inlinePolicies).length > 0)
    throw deleteConflict('Cannot delete entity, must delete policies first.');
  if (user.attachedPolicyArns.length > 0) throw deleteConflict('Cannot delete entity, must detach all policies first.');
  ctx.state.deleteUser(user.userName);
  await ctx.state.save();
  return undefined;
}
