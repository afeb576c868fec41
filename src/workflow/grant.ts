/**
 * Workflow step 5, `mme grant` (docs/aws-behaviour.md#scoped-access): a role that may invoke only the models under
 * some TargetModel prefixes of one endpoint, and `--remove`, which deletes it. Idempotent: run it
 * again and the role converges on what was asked (same ARN), changing only what differs.
 *
 * Why an INLINE role policy (PutRolePolicy) and not the notebook's create_policy +
 * attach_role_policy: the permission means nothing apart from its role, and an inline policy
 * lives and dies with it. PutRolePolicy replaces the document atomically in one call, where a
 * managed policy needs CreatePolicyVersion + SetDefault, the deletion of old versions (IAM keeps
 * at most 5), and on removal a detach and a DeletePolicy that can leave an orphan behind if
 * interrupted. What we give up: a managed policy has its own ARN, can be attached to other
 * roles or users, and keeps a version history; none of it is needed for a per-prefix role.
 *
 * On AWS, IAM is eventually consistent: a role just created (or a policy just changed) may not be
 * assumable, or not in effect, for about 10 seconds. Nothing here waits for it; the CLI says so.
 */
import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  TagRoleCommand,
  UpdateRoleCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  type IAMClient,
  type Role,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { sagemakerArn } from '../aws-names/arns.js';
import type { Clients } from '../aws/clients.js';
import { ExitCode, MmeError, fromAwsError } from '../errors.js';
import {
  GRANT_TAG_KEYS,
  MAX_SESSION_DURATION,
  callerPrincipal,
  documentText,
  grantTags,
  invokePolicy,
  partitionOf,
  policyNameFor,
  principalArn,
  roleDescription,
  sameEndpoint,
  targetModelPatterns,
  trustPolicy,
} from './grant-policies.js';
import type { Reporter } from './reporter.js';
import { call, findOrCreateRole, findRole, isIamError, putPolicyIfChanged, updateTrustIfChanged } from './iam-roles.js';

export interface GrantOptions {
  /** Normalised (normalizePrefixes). */
  prefixes: string[];
  endpoint: string;
  roleName: string;
  region: string;
  /** Who may assume the role; default: the caller (a session's role, not the session). */
  principal?: string;
  /** Take over a role of this name that mme did not create (no mme:grant tag). */
  force?: boolean;
}

export interface GrantResult {
  roleName: string;
  roleArn: string;
  policyName: string;
  prefixes: string[];
  /** The StringLike patterns of sagemaker:TargetModel. */
  targetModels: string[];
  endpoint: string;
  endpointArn: string;
  principal: string;
  status: 'created' | 'updated' | 'unchanged';
}

export async function grantAccess(
  clients: Pick<Clients, 'iam' | 'sts'>,
  reporter: Reporter,
  o: GrantOptions,
): Promise<GrantResult> {
  const iam = await clients.iam();
  const id = 'grant';
  reporter.report({
    kind: 'start',
    id,
    text: `Granting ${targetModelPatterns(o.prefixes).join(', ')} on ${o.endpoint} to role ${o.roleName}`,
  });
  try {
    const identity = await call(
      () => clients.sts().then((sts) => sts.send(new GetCallerIdentityCommand({}))),
      'asking STS who the caller is',
    );
    // Before any IAM request: a role trusting the root could never be assumed with these credentials.
    if (!o.principal) refuseRoot(identity.Arn!);
    const partition = partitionOf(identity.Arn!);
    const principal = o.principal
      ? principalArn(o.principal, partition)
      : await trustedCaller(iam, identity.Arn!, reporter);
    const resource = sagemakerArn(o.region, identity.Account!, 'endpoint', o.endpoint);
    const trust = documentText(trustPolicy(principal));
    const policy = documentText(invokePolicy(resource, o.prefixes));
    const policyName = policyNameFor(o.roleName);
    const tags = grantTags(o.prefixes, o.endpoint);
    const description = roleDescription(o.prefixes, o.endpoint);

    const { role, created } = await findOrCreateRole(iam, {
      RoleName: o.roleName,
      AssumeRolePolicyDocument: trust,
      MaxSessionDuration: MAX_SESSION_DURATION,
      Description: description,
      Tags: tags,
    });
    let status: GrantResult['status'] = created ? 'created' : 'unchanged';
    if (status !== 'created') {
      checkManaged(role, o.force, 'change');
      checkEndpoint(role, o.endpoint, o.force, 'change');
      await warnAboutOtherPolicies(iam, o.roleName, policyName, reporter);
      if (await updateTrustIfChanged(iam, role, trust)) status = 'updated';
      if (role.MaxSessionDuration !== MAX_SESSION_DURATION || role.Description !== description) {
        await call(
          () =>
            iam.send(
              new UpdateRoleCommand({
                RoleName: o.roleName,
                MaxSessionDuration: MAX_SESSION_DURATION,
                Description: description,
              }),
            ),
          `updating role ${o.roleName}`,
        );
        status = 'updated';
      }
      if (tags.some((t) => role.Tags?.find((r) => r.Key === t.Key)?.Value !== t.Value)) {
        await call(
          () => iam.send(new TagRoleCommand({ RoleName: o.roleName, Tags: tags })),
          `tagging role ${o.roleName}`,
        );
        status = 'updated';
      }
    }
    const policyChange = await putPolicyIfChanged(iam, {
      roleName: o.roleName,
      policyName,
      policy,
      roleCreated: created,
    });
    if (policyChange !== 'unchanged' && status === 'unchanged') status = 'updated';
    reporter.report({
      kind: 'succeed',
      id,
      text: `Role ${o.roleName} ${status === 'unchanged' ? 'already grants exactly this' : status}`,
    });
    return {
      roleName: o.roleName,
      roleArn: role.Arn!,
      policyName,
      prefixes: o.prefixes,
      targetModels: targetModelPatterns(o.prefixes),
      endpoint: o.endpoint,
      endpointArn: resource,
      principal,
      status,
    };
  } catch (err) {
    const error = fromAwsError(err);
    reporter.report({ kind: 'fail', id, text: `Granting failed: ${error.message}` });
    throw error;
  }
}

export interface RevokeOptions {
  roleName: string;
  /** The endpoint the role must grant on (its mme:endpoint tag); undefined: any. */
  endpoint?: string;
  /** Delete a role of this name even though mme did not create it. */
  force?: boolean;
  /** A role that does not exist is a success (removed: false) rather than NotFound (exit 4). */
  missingOk?: boolean;
}

export interface RevokeResult {
  roleName: string;
  roleArn?: string;
  /** The endpoint the role granted on (its mme:endpoint tag), when it had one. */
  endpoint?: string;
  removed: boolean;
  deletedPolicies: string[];
  /** Managed policies detached (DeleteRole requires it); they are not deleted: mme did not create them. */
  detachedPolicies: string[];
}

export async function revokeAccess(
  clients: Pick<Clients, 'iam'>,
  reporter: Reporter,
  o: RevokeOptions,
): Promise<RevokeResult> {
  const iam = await clients.iam();
  const role = await findRole(iam, o.roleName);
  if (!role) {
    if (o.missingOk) return { roleName: o.roleName, removed: false, deletedPolicies: [], detachedPolicies: [] };
    throw new MmeError(
      'RoleNotFound',
      `role ${o.roleName} does not exist: nothing to remove (already removed, or granted under another name)`,
      {
        exitCode: ExitCode.NotFound,
        hint: 'Roles made by mme grant carry the tag mme:grant; pass the same --prefix values as when granting, or --role-name.',
      },
    );
  }
  checkManaged(role, o.force, 'delete');
  if (o.endpoint !== undefined) checkEndpoint(role, o.endpoint, o.force, 'delete');
  const endpoint = endpointTag(role);
  const id = 'revoke';
  reporter.report({ kind: 'start', id, text: `Removing role ${o.roleName}` });
  try {
    const removed = await removeRole(iam, o.roleName);
    reporter.report({ kind: 'succeed', id, text: `Removed role ${o.roleName}` });
    return { roleName: o.roleName, roleArn: role.Arn!, ...(endpoint ? { endpoint } : {}), removed: true, ...removed };
  } catch (err) {
    const error = fromAwsError(err, `removing role ${o.roleName}`);
    reporter.report({ kind: 'fail', id, text: error.message });
    throw error;
  }
}

async function removeRole(
  iam: IAMClient,
  roleName: string,
): Promise<Pick<RevokeResult, 'deletedPolicies' | 'detachedPolicies'>> {
  // DeleteRole refuses a role that still has policies (DeleteConflict): inline ones go first, then
  // attachments. Each step tolerates NoSuchEntity, so an interrupted or concurrent removal finishes.
  // Listed in full before deleting: deleting while paging by Marker could skip a page's worth.
  const { inline, attached } = await rolePolicies(iam, roleName);
  for (const name of inline) {
    await gone(
      () => iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name })),
      `deleting policy ${name} of ${roleName}`,
    );
  }
  for (const arn of attached) {
    await gone(
      () => iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn })),
      `detaching ${arn} from ${roleName}`,
    );
  }
  await gone(() => iam.send(new DeleteRoleCommand({ RoleName: roleName })), `deleting role ${roleName}`);
  return { deletedPolicies: inline, detachedPolicies: attached };
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────

/**
 * AWS refuses AssumeRole to the account root ("Roles may not be assumed by root accounts.",
 * docs/aws-behaviour.md#root-and-users), so a role granted to the root caller is one that caller
 * can never use: `mme invoke --role-arn` would fail after the role was made. Said up front,
 * with what works instead. With --principal the role is for someone else, and the root may make it.
 */
function refuseRoot(callerArn: string): void {
  if (!/^arn:[^:]+:iam::\d{12}:root$/.test(callerArn)) return;
  throw new MmeError(
    'RootCredentials',
    `you are signed in as the account root (${callerArn}), and AWS does not let the root assume roles ("Roles may not be assumed by root accounts."): the role mme grant makes for you could never be used with these credentials`,
    {
      exitCode: ExitCode.Config,
      hint: 'Sign in as an IAM user or role with administrator rights (create one in the IAM console, or use IAM Identity Center) and run mme with it (--profile NAME), keeping the root for the tasks only it can do; or pass --principal ARN to grant the role to the user or role that will assume it.',
    },
  );
}

/** The role to trust for this caller: itself, or for a role session, the role (with its path). */
async function trustedCaller(iam: IAMClient, callerArn: string, reporter: Reporter): Promise<string> {
  const caller = callerPrincipal(callerArn);
  if ('arn' in caller) return caller.arn;
  try {
    return (await iam.send(new GetRoleCommand({ RoleName: caller.roleName }))).Role!.Arn!;
  } catch (err) {
    reporter.report({
      kind: 'warn',
      text: `could not read your role ${caller.roleName} (${(err as Error).name}); trusting ${caller.fallbackArn}. If the role has a path, pass --principal with its full ARN.`,
    });
    return caller.fallbackArn;
  }
}

/**
 * Without the mme:grant tag the role is someone else's: replacing its trust policy or deleting it
 * could lock people out of something that matters. --yes says the user means it.
 */
function checkManaged(role: Role, force: boolean | undefined, verb: 'change' | 'delete'): void {
  if (force || role.Tags?.some((t) => t.Key === GRANT_TAG_KEYS.grant)) return;
  throw new MmeError(
    'RoleNotManaged',
    `role ${role.RoleName} was not created by mme grant (it has no ${GRANT_TAG_KEYS.grant} tag): refusing to ${verb} it`,
    {
      exitCode: ExitCode.Failure,
      hint:
        verb === 'change'
          ? 'Choose another --role-name, or pass --yes to take the role over (its trust policy is replaced).'
          : 'Pass --yes to delete it anyway.',
    },
  );
}

const endpointTag = (role: Role): string | undefined =>
  role.Tags?.find((t) => t.Key === GRANT_TAG_KEYS.endpoint)?.Value;

/**
 * A role mme granted on one endpoint is never silently moved to another: rewriting its policy
 * for endpoint B would take its access to endpoint A away from whoever uses it. Removing it
 * under another endpoint's name would too. --yes says the user means it.
 */
function checkEndpoint(role: Role, endpoint: string, force: boolean | undefined, verb: 'change' | 'delete'): void {
  const current = endpointTag(role);
  if (force || current === undefined || sameEndpoint(current, endpoint)) return;
  const message =
    verb === 'change'
      ? `role ${role.RoleName} grants sagemaker:InvokeEndpoint on endpoint ${current}, not ${endpoint}: refusing to rewrite it for ${endpoint} (that would take its access to ${current} away)`
      : `role ${role.RoleName} grants on endpoint ${current}, not ${endpoint}: refusing to remove it`;
  throw new MmeError('RoleForOtherEndpoint', message, {
    exitCode: ExitCode.Failure,
    hint:
      verb === 'change'
        ? `Leave out --role-name: each endpoint gets its own role (mme-invoke-PREFIXES@ENDPOINT). Or pass --yes to move this role to ${endpoint}.`
        : `Pass --endpoint ${current} to remove it, or --yes to remove it anyway.`,
  });
}

/** The names of a role's inline policies and the ARNs of its attached managed policies. */
async function rolePolicies(iam: IAMClient, roleName: string): Promise<{ inline: string[]; attached: string[] }> {
  const inline: string[] = [];
  const attached: string[] = [];
  for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: roleName }))
    inline.push(...(page.PolicyNames ?? []));
  for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName }))
    attached.push(...(page.AttachedPolicies ?? []).map((p) => p.PolicyArn!));
  return { inline, attached };
}

/** A role that also has other policies may do more than invoke these prefixes: say so. */
async function warnAboutOtherPolicies(
  iam: IAMClient,
  roleName: string,
  ours: string,
  reporter: Reporter,
): Promise<void> {
  const { inline, attached } = await rolePolicies(iam, roleName);
  const others = [...inline.filter((n) => n !== ours), ...attached];
  if (others.length > 0)
    reporter.report({
      kind: 'warn',
      text: `role ${roleName} also has ${others.join(', ')}: it may do more than invoke these models`,
    });
}

/** Run a deletion; NoSuchEntity means it is already done. */
async function gone(fn: () => Promise<unknown>, context: string): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!isIamError(err, 'NoSuchEntity')) throw fromAwsError(err, context);
  }
}
