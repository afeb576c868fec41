/**
 * Role tags: TagRole, UntagRole, ListRoleTags. Tag keys are unique without regard to case; a
 * TagRole with a key already present replaces its value (IAM User Guide, id_tags.html).
 */
import type { LocalResponse } from '../../http.js';
import { queryList } from '../../protocols/query.js';
import { authorizedRole, page, reply, type IamContext } from './context.js';
import { requestTagContext, roleNameConstraint } from './roles.js';
import { checkDuplicateTagKeys, Constraints, mergeTags, parseTags } from './validation.js';

export async function tagRole(ctx: IamContext): Promise<LocalResponse> {
  const c = new Constraints();
  const name = roleNameConstraint(c, ctx.params.RoleName);
  const tags = parseTags(queryList(ctx.params, 'Tags'), c);
  if (tags.length === 0) c.fail('tags', undefined, 'not be null');
  c.done();
  checkDuplicateTagKeys(tags);
  const role = authorizedRole(ctx, 'iam:TagRole', name, requestTagContext(tags));
  ctx.state.putRole({ ...role, tags: mergeTags(role.tags, tags, 'TagsPerRole') });
  await ctx.state.save();
  return reply(ctx);
}

export async function untagRole(ctx: IamContext): Promise<LocalResponse> {
  const c = new Constraints();
  const name = roleNameConstraint(c, ctx.params.RoleName);
  const keys = queryList(ctx.params, 'TagKeys').map((item) => item['']!);
  if (keys.length === 0) c.fail('tagKeys', undefined, 'not be null');
  c.done();
  const role = authorizedRole(ctx, 'iam:UntagRole', name, { 'aws:TagKeys': keys });
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  // Removing a key the role does not have is not an error.
  ctx.state.putRole({ ...role, tags: role.tags.filter((t) => !drop.has(t.Key.toLowerCase())) });
  await ctx.state.save();
  return reply(ctx);
}

export async function listRoleTags(ctx: IamContext): Promise<LocalResponse> {
  const c = new Constraints();
  const name = roleNameConstraint(c, ctx.params.RoleName);
  c.done();
  const role = authorizedRole(ctx, 'iam:ListRoleTags', name);
  const result = page(role.tags, (t) => t.Key.toLowerCase(), ctx.params);
  return reply(ctx, {
    Tags: { member: result.items.map((t) => ({ Key: t.Key, Value: t.Value })) },
    IsTruncated: result.IsTruncated,
    Marker: result.Marker,
  });
}
