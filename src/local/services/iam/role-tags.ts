/**
 * Role tags: TagRole, UntagRole, ListRoleTags. Tag keys are unique without regard to case; a
 * TagRole with a key already present replaces its value (IAM User Guide, id_tags.html).
 */
import type { XmlNode } from '../../protocols/xml.js';
import { queryList } from '../../protocols/query.js';
import { authorizedPrincipal, page, type IamContext } from './context.js';
import { ROLE, roleNameConstraint } from './principal-kinds.js';
import { requestTagContext } from './roles.js';
import { checkDuplicateTagKeys, Constraints, mergeTags, parseTags } from './validation.js';

export async function tagRole(ctx: IamContext): Promise<XmlNode | undefined> {
  const c = new Constraints();
  const name = roleNameConstraint(c, ctx.params.RoleName);
  const tags = parseTags(queryList(ctx.params, 'Tags'), c);
  if (tags.length === 0) c.fail('tags', undefined, 'not be null');
  c.done();
  checkDuplicateTagKeys(tags);
  const role = authorizedPrincipal(ctx, ROLE, name, requestTagContext(tags));
  ctx.state.putRole({ ...role, tags: mergeTags(role.tags, tags, 'TagsPerRole') });
  await ctx.state.save();
  return undefined;
}

export async function untagRole(ctx: IamContext): Promise<XmlNode | undefined> {
  const c = new Constraints();
  const name = roleNameConstraint(c, ctx.params.RoleName);
  const keys = queryList(ctx.params, 'TagKeys').map((item) => item['']!);
  if (keys.length === 0) c.fail('tagKeys', undefined, 'not be null');
  c.done();
  const role = authorizedPrincipal(ctx, ROLE, name, { 'aws:TagKeys': keys });
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  // Removing a key the role does not have is not an error.
  ctx.state.putRole({ ...role, tags: role.tags.filter((t) => !drop.has(t.Key.toLowerCase())) });
  await ctx.state.save();
  return undefined;
}

export async function listRoleTags(ctx: IamContext): Promise<XmlNode | undefined> {
  const c = new Constraints();
  const name = roleNameConstraint(c, ctx.params.RoleName);
  c.done();
  const role = authorizedPrincipal(ctx, ROLE, name);
  const result = page(role.tags, (t) => t.Key.toLowerCase(), ctx.params);
  return {
    Tags: { member: result.items.map((t) => ({ Key: t.Key, Value: t.Value })) },
    IsTruncated: result.IsTruncated,
    Marker: result.Marker,
  };
}
