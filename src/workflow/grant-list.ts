/**
 * The roles `mme grant` made, with the TargetModel patterns their policies really allow. IAM's
 * ListRoles omits tags ("does not return … tags", IAM API reference), so the candidates are the
 * roles whose description or name says mme grant made them (roleDescription, defaultRoleName in
 * grant-policies.ts); GetRole then reads the mme:grant tag that proves it, and the policies are
 * read as `mme invoke --role-arn` reads them when access is denied (targetModelsOfRole).
 */
import { GetRoleCommand, paginateListRoles } from '@aws-sdk/client-iam';
import type { Clients } from '../aws/clients.js';
import { targetModelsOfRole } from './assume-role.js';
import { GRANT_TAG_KEYS } from './grant-policies.js';

export interface GrantedRole {
  roleName: string;
  roleArn: string;
  /** The endpoint of its mme:endpoint tag. */
  endpoint?: string;
  /** The prefixes of its mme:grant tag. */
  prefixes: string[];
  /** What its policies allow as sagemaker:TargetModel; undefined when they cannot be read. */
  targetModels?: string[];
  createDate?: Date;
}

/** Whether ListRoles' entry looks like a grant: worth a GetRole to be sure. */
export function mayBeGrant(role: { RoleName?: string; Description?: string }): boolean {
  return (role.Description ?? '').startsWith('mme grant:') || (role.RoleName ?? '').startsWith('mme-invoke-');
}

export async function listGrants(clients: Pick<Clients, 'iam'>): Promise<GrantedRole[]> {
  const iam = await clients.iam();
  const candidates: string[] = [];
  for await (const page of paginateListRoles({ client: iam }, {})) {
    for (const r of page.Roles ?? []) if (r.RoleName && mayBeGrant(r)) candidates.push(r.RoleName);
  }
  const roles = await Promise.all(
    candidates.map(async (name): Promise<GrantedRole | undefined> => {
      const { Role: role } = await iam.send(new GetRoleCommand({ RoleName: name }));
      const tag = (key: string) => role?.Tags?.find((t) => t.Key === key)?.Value;
      const granted = tag(GRANT_TAG_KEYS.grant);
      if (!role?.Arn || granted === undefined) return undefined;
      const endpoint = tag(GRANT_TAG_KEYS.endpoint);
      const targetModels = await targetModelsOfRole(clients, role.Arn);
      return {
        roleName: name,
        roleArn: role.Arn,
        ...(endpoint ? { endpoint } : {}),
        prefixes: granted.split(' ').filter(Boolean),
        ...(targetModels ? { targetModels } : {}),
        ...(role.CreateDate ? { createDate: role.CreateDate } : {}),
      };
    }),
  );
  return roles.filter((r): r is GrantedRole => r !== undefined).sort((a, b) => a.roleName.localeCompare(b.roleName));
}
