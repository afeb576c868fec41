/**
 * `mme permissions [COMMAND…]`: the least-privilege IAM policies (src/workflow/permissions.ts)
 * for the caller of those commands (all of them by default) and for the execution role, for this
 * target's account, region, bucket, prefix and role. Sends nothing: the account comes from the
 * running local cloud, or from the execution role's ARN, else it is `*`.
 */
import { LOCAL_EXECUTION_ROLE_NAME } from '../../aws-names/execution-role.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_EXECUTION_ROLE_NAME } from '../../workflow/bootstrap.js';
import {
  PERMISSION_COMMANDS,
  callerPolicy,
  executionRolePolicy,
  policySize,
  type PermissionCommand,
  type PermissionScope,
} from '../../workflow/permissions.js';
import { partitionIdOf } from '../../aws-names/partitions.js';
import type { CommandContext, CommandResult } from '../context.js';
import { localCloudStatus } from '../../local/daemon.js';

export interface PermissionsCommandOptions {
  endpoint?: string;
}

/** IAM's limit on a customer managed policy, whitespace not counted (IAM quotas). */
const MANAGED_POLICY_LIMIT = 6144;

export async function permissions(
  options: PermissionsCommandOptions,
  ctx: CommandContext,
  args: (string | string[])[] = [],
): Promise<CommandResult> {
  const commands = args.flat();
  const unknown = commands.filter((c) => !(PERMISSION_COMMANDS as readonly string[]).includes(c));
  if (unknown.length > 0)
    throw new UsageError(
      `no permissions for '${unknown.join("', '")}'`,
      `Commands: ${PERMISSION_COMMANDS.join(', ')} (demo runs them all: name none).`,
    );
  const scope = await scopeOf(options, ctx);
  const chosen = commands as PermissionCommand[];
  const caller = callerPolicy(chosen, scope);
  const role = executionRolePolicy(scope);
  const data = {
    commands: chosen.length > 0 ? chosen : [...PERMISSION_COMMANDS],
    scope,
    caller: { policy: caller, size: policySize(caller) },
    executionRole: { arn: scope.executionRoleArn, policy: role, size: policySize(role) },
  };
  const { out } = ctx.output;
  const human = [
    out.bold(`Caller: ${chosen.length > 0 ? chosen.join(', ') : 'every command'}`) +
      out.dim(
        `  (${data.caller.size} characters: attach it as a customer managed policy, up to ${MANAGED_POLICY_LIMIT}; a user's inline policies may total only 2,048)`,
      ),
    JSON.stringify(caller, null, 2),
    '',
    out.bold(`Execution role ${scope.executionRoleArn}`) +
      out.dim('  (trusted by sagemaker.amazonaws.com; `mme bootstrap` puts this policy on it)'),
    JSON.stringify(role, null, 2),
  ].join('\n');
  return { data, human };
}

async function scopeOf(options: PermissionsCommandOptions, ctx: CommandContext): Promise<PermissionScope> {
  const { settings } = ctx;
  let region = settings.region;
  let account = settings.roleArn ? (settings.roleArn.split(':')[4] ?? '*') : '*';
  if (settings.target === 'local') {
    const info = await localCloudStatus(settings.localStateDir);
    if (info) ({ region, accountId: account } = info);
  }
  const roleName = settings.target === 'local' ? LOCAL_EXECUTION_ROLE_NAME : DEFAULT_EXECUTION_ROLE_NAME;
  return {
    region,
    account,
    bucket: settings.bucket ?? `mme-${account === '*' ? '*' : account}-${region}`,
    prefix: settings.prefix,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    executionRoleArn: settings.roleArn ?? `arn:${partitionIdOf(region)}:iam::${account}:role/${roleName}`,
  };
}
